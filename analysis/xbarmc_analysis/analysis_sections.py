"""Figures and tables of the device-team analyses (DESIGN §2.9).

budget:    the waterfall from float weights to the chip with every non-ideality and
           the cost of each factor alone and with the others on (last time); the
           budget table at the last time and the mean of every row per time.
tolerance: yield and accuracy vs the varied parameter with the bracket; the curve table.
Every number shown is the one stored in the file; the recomputations from the per-chip
accuracies only feed the consistency check.
"""

from __future__ import annotations

from typing import List, Tuple

import numpy as np

from . import plots, stats
from .io import Results
from .sections import FigureBlock, TableBlock, fmt_acc, fmt_time

CAPTION_WATERFALL = (
    "Left: where the accuracy goes, as mean accuracy over the same chips (common random numbers). "
    "From the float model: quantisation to the conductance levels (mapped), the conversion to "
    "spikes with an ideal ADC, then the study's ADC, giving the nominal chip; then each device "
    "non-ideality alone on the nominal chip (red = a loss, with ±1 standard error of the paired "
    "difference over the chips), and 'interactions', what all of them together cost beyond the "
    "sum of their separate costs; the last bar is the chip with every non-ideality. Right: each "
    "factor's cost alone (blue) and with every other factor on (orange: the study with all but "
    "that factor minus the study with all). A factor whose orange bar is much shorter than its "
    "blue one is masked by the others; fixing it alone would win little.")
CAPTION_TOLERANCE = (
    "Left: yield at the spec against the varied parameter at every value the search studied "
    "(numbers: the order of the studies), with the 95 % Wilson band; all values use the same chips "
    "and the same random draws, so the curve is smooth. The dashed line is the target yield; the "
    "gold band is the bracket whose lower end is the answer (the largest value known to meet the "
    "target). Right: mean and p5 accuracy of the chips, with the spec's threshold.")


def _last(times: np.ndarray) -> str:
    return fmt_time(times[-1])


def _present(b) -> List[int]:
    """The alone rows with a study of their own: the factors this device has."""
    return [i for i, row in enumerate(b.rows) if row["kind"] == "alone" and row["same_as"] != "nominal"]


def _waterfall(b, k: int) -> Tuple[list, list]:
    mean = b.mean[:, k]
    at = {row["name"]: i for i, row in enumerate(b.rows)}
    W = plots.WaterfallStep
    steps = [W("float", mean[at["float"]], total=True),
             W("quantisation", mean[at["mapped"]] - mean[at["float"]]),
             W("spiking (ideal ADC)", mean[at["nominal-ideal-adc"]] - mean[at["mapped"]]),
             W("ADC", mean[at["nominal"]] - mean[at["nominal-ideal-adc"]]),
             W("nominal chip", mean[at["nominal"]], total=True)]
    marginal = []
    present = _present(b)
    for i in present:
        row = b.rows[i]
        name = row["label"].replace(" alone", "")
        steps.append(W(name, -b.cost[i, k], error=b.cost_se[i, k]))
        but = at["all-but-" + row["name"]]
        marginal.append((name, b.cost[i, k], b.cost_se[i, k], b.cost[but, k], b.cost_se[but, k]))
    if present:
        together = mean[at["all"]] - mean[at["nominal"]]
        steps.append(W("interactions", together - sum(-b.cost[i, k] for i in present)))
        steps.append(W("all (the study's device)", mean[at["all"]], total=True))
    return steps, marginal


def _budget_table(b, k: int) -> TableBlock:
    columns = ["row", "mean", "cost", "± se", "p5"]
    for name, threshold in zip(b.specs, b.thresholds):
        columns += [f"yield {name} (≥ {threshold:.4f})", "Wilson 95 % low", "Wilson 95 % high"]
    columns.append("device")
    rows = []
    for i, row in enumerate(b.rows):
        line = [row["label"], fmt_acc(b.mean[i, k]), fmt_acc(b.cost[i, k]),
                "—" if row["kind"] == "reference" else fmt_acc(b.cost_se[i, k]), fmt_acc(b.p5[i, k])]
        for s in range(len(b.specs)):
            line += [fmt_acc(b.fraction[i, k, s]), fmt_acc(b.wilson_low[i, k, s]), fmt_acc(b.wilson_high[i, k, s])]
        if row["same_as"]:
            line.append(f"= {row['same_as']}" + (" (not in this device)" if row["same_as"] == "nominal"
                                                 else " (the same study)"))
        else:
            line.append(row["settings"])
        rows.append(line)
    return TableBlock("budget", f"Accuracy budget at t = {_last(b.times)}: {len(b.chip_index)} chips, "
                      f"{b.n_images} {b.split} images, {b.studies} mc studies (/budget)", columns, rows,
                      "/budget")


def _budget_time_table(b) -> TableBlock:
    columns = ["row"] + [fmt_time(t) for t in b.times]
    rows = [[row["label"]] + [fmt_acc(v) for v in b.mean[i]] for i, row in enumerate(b.rows)]
    return TableBlock("budget-time", "Mean accuracy of every row at every time (/budget/mean)", columns, rows,
                      "/budget/mean")


def budget_blocks(r: Results) -> list:
    b = r.budget
    k = len(b.times) - 1
    steps, marginal = _waterfall(b, k)
    title = f"budget at t = {plots.format_duration(b.times[k])}: {len(b.chip_index)} chips, {b.n_images} images"
    blocks = [FigureBlock("budget_waterfall", "budget: accuracy waterfall", CAPTION_WATERFALL,
                          plots.to_png(plots.budget_waterfall(steps, marginal, title))),
              _budget_table(b, k)]
    if len(b.times) > 1:
        blocks.append(_budget_time_table(b))
    return blocks


def budget_metadata(r: Results) -> List[Tuple[str, str]]:
    b = r.budget
    return [("/budget", f"{len(b.rows)} rows, {b.studies} mc studies, {len(b.chip_index)} chips × "
                        f"{len(b.times)} time(s), {b.n_images} {b.split} images")]


def budget_warnings(r: Results) -> List[str]:
    """The stored mean, p5 and yields against the same statistics of the stored accuracies."""
    b = r.budget
    problems = []
    if not np.allclose(b.accuracy.mean(axis=2), b.mean, rtol=0, atol=1e-9):
        problems.append("/budget/mean differs from the mean of /budget/accuracy")
    if not np.allclose(np.percentile(b.accuracy, 5, axis=2), b.p5, rtol=0, atol=1e-9):
        problems.append("/budget/p5 differs from the p5 of /budget/accuracy")
    passing = (b.accuracy[:, :, :, None] >= b.thresholds[None, None, None, :] - 1e-12).sum(axis=2)
    n = len(b.chip_index)
    if not np.allclose(passing / n, b.fraction, rtol=0, atol=1e-12):
        problems.append("/budget/yield/fraction differs from the fraction of stored accuracies >= threshold")
    # Rows of the nominal chip (references, factors the device lacks) are one chip repeated:
    # their yield is exact, [y, y]; the others' intervals are Wilson's.
    study_rows = np.array([row["kind"] != "reference" and row["same_as"] != "nominal" for row in b.rows])
    low, high = stats.wilson_interval(passing, n)
    if study_rows.any() and not (np.allclose(low[study_rows], b.wilson_low[study_rows], atol=1e-9)
                                 and np.allclose(high[study_rows], b.wilson_high[study_rows], atol=1e-9)):
        problems.append("/budget/yield/wilson_low or wilson_high differs from the 95 % Wilson interval")
    return problems


def _tolerance_table(t) -> TableBlock:
    columns = [t.parameter, "yield", "Wilson 95 % low", "Wilson 95 % high", "chips meeting the spec", "mean",
               "p5", "study", "meets the target"]
    rows = []
    for i, value in enumerate(t.values):
        rows.append([f"{value:.10g}", fmt_acc(t.fraction[i]), fmt_acc(t.wilson_low[i]), fmt_acc(t.wilson_high[i]),
                     f"{t.passes[i]}/{len(t.chip_index)}", fmt_acc(t.mean[i]), fmt_acc(t.p5[i]),
                     str(int(t.order[i]) + 1), "yes" if t.fraction[i] >= t.target - 1e-12 else "no"])
    return TableBlock("tolerance", f"Yield curve of {t.parameter} at spec {t.spec}, t = {fmt_time(t.time)} "
                      "(/tolerance/curve)", columns, rows, "/tolerance/curve")


def tolerance_blocks(r: Results) -> list:
    t = r.tolerance
    title = (f"{t.parameter} tolerance: yield ≥ {t.target:g} at spec {t.spec}, t = {plots.format_duration(t.time)}, "
             f"{len(t.chip_index)} chips")
    return [FigureBlock("tolerance_curve", f"tolerance: yield vs {t.parameter}", CAPTION_TOLERANCE + " " + t.answer,
                        plots.to_png(plots.tolerance_curve(t, title))),
            _tolerance_table(t)]


def tolerance_metadata(r: Results) -> List[Tuple[str, str]]:
    t = r.tolerance
    return [("answer", t.answer),
            ("/tolerance", f"{t.parameter} in [{t.low:g}, {t.high:g}] to {t.resolution:g}, target {t.target:g} at "
                           f"spec {t.spec}, t = {fmt_time(t.time)}; {t.studies} mc studies (at most "
                           f"{t.max_studies}); {len(t.chip_index)} chips, {t.n_images} {t.split} images")]


def tolerance_warnings(r: Results) -> List[str]:
    t = r.tolerance
    problems = []
    passes = (t.accuracy >= t.threshold - 1e-12).sum(axis=1)
    if not np.array_equal(passes, t.passes):
        problems.append("/tolerance/curve/passes differs from the count of stored accuracies >= threshold")
    n = len(t.chip_index)
    low, high = stats.wilson_interval(t.passes, n)
    if not (np.allclose(t.passes / n, t.fraction, atol=1e-12) and np.allclose(low, t.wilson_low, atol=1e-9)
            and np.allclose(high, t.wilson_high, atol=1e-9)):
        problems.append("/tolerance/curve/yield or its Wilson interval differs from passes / chips")
    if t.verdict == "found" and not (t.bracket[1] - t.bracket[0] <= t.resolution * (1 + 1e-9)):
        problems.append("/tolerance/bracket is wider than the resolution")
    return problems
