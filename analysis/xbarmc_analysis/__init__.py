"""Plots and HTML reports from xbarmc results files (DESIGN §2.6, §3).

io       -- load a results file into plain numpy structures, strictly checked
stats    -- yield curves and Wilson intervals, the same formulas as the C++ tool
plots    -- one function per figure (matplotlib, Agg backend)
sections -- which figures and tables a study type gets
report   -- the self-contained one-page HTML report
"""

__all__ = ["io", "stats", "plots", "sections", "report"]
