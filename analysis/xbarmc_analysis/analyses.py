"""The files of `xbarmc budget` and `xbarmc tolerance` (DESIGN §2.9), read into plain
numpy structures with the same strictness as io.py: every missing or misshapen dataset
or attribute is a ResultsError naming the file and the object.

budget:    /budget/row/* (one entry per row), mean, p5, cost, cost_se [rows × times],
           accuracy [rows × times × chips], yield/fraction, wilson_low, wilson_high
           [rows × times × specs], yield/spec, yield/threshold, times, chip_index.
tolerance: /tolerance attributes (parameter, spec, threshold, yield_target, range,
           resolution, time, verdict, finding, answer, studies, max_studies), value,
           bracket*, and the curve [points] sorted by value: value, order, passes, yield,
           wilson_low, wilson_high, mean, p5, checksum, accuracy [points × chips].
"""

from __future__ import annotations

import dataclasses
from typing import List

import numpy as np

ROW_FIELDS = ("name", "label", "kind", "factor", "settings", "same_as", "checksum")
ROW_KINDS = ("reference", "alone", "all", "all-but-one")
VERDICTS = ("found", "whole-range", "none", "non-monotone")


@dataclasses.dataclass
class BudgetResults:
    rows: List[dict]            # per row: name, label, kind, factor, settings, same_as, checksum
    times: np.ndarray           # [n_times] s
    chip_index: np.ndarray      # [n_chips]
    n_images: int
    split: str
    studies: int                # mc studies behind the rows
    specs: List[str]
    thresholds: np.ndarray      # [n_specs]
    mean: np.ndarray            # [n_rows, n_times]
    p5: np.ndarray
    cost: np.ndarray            # accuracy the row's factor(s) cost (README "Accuracy budget")
    cost_se: np.ndarray
    accuracy: np.ndarray        # [n_rows, n_times, n_chips]
    fraction: np.ndarray        # [n_rows, n_times, n_specs]
    wilson_low: np.ndarray
    wilson_high: np.ndarray

    def index(self, name: str) -> int:
        return [row["name"] for row in self.rows].index(name)


@dataclasses.dataclass
class ToleranceResults:
    parameter: str
    spec: str
    threshold: float
    target: float
    low: float
    high: float
    resolution: float
    time: float
    verdict: str                # "found" | "whole-range" | "none" | "non-monotone"
    finding: str
    answer: str
    studies: int
    max_studies: int
    n_images: int
    split: str
    value: float                # NaN unless found / whole-range
    bracket: np.ndarray         # [2] (NaN when none)
    bracket_yield: np.ndarray
    chip_index: np.ndarray
    values: np.ndarray          # the curve, by value
    order: np.ndarray           # evaluation order (0 = first study)
    passes: np.ndarray
    fraction: np.ndarray
    wilson_low: np.ndarray
    wilson_high: np.ndarray
    mean: np.ndarray
    p5: np.ndarray
    accuracy: np.ndarray        # [points, chips]


def _number(r, obj, name):
    value = r.attribute(obj, name, required=True)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise r.fail(f"attribute '{name}' on '{obj.name}' is {value!r}, expected a number")
    return value


def _text(r, obj, name):
    value = r.attribute(obj, name, required=True)
    if not isinstance(value, str):
        raise r.fail(f"attribute '{name}' on '{obj.name}' is {value!r}, expected a string")
    return value


def read_budget(r) -> BudgetResults:
    """`r` is io._Reader on an open file whose study is "budget"."""
    g = r.group("budget")
    times = r.dataset("budget/times", ndim=1, kind="f").astype(float)
    chips = r.dataset("budget/chip_index", ndim=1, kind="iu")
    names = r.dataset("budget/row/name", ndim=1)
    n_rows, n_times, n_chips = len(names), len(times), len(chips)
    rows = [dict() for _ in range(n_rows)]
    for field in ROW_FIELDS:
        for row, value in zip(rows, r.strings(f"budget/row/{field}", (n_rows,))):
            row[field] = value
    for row in rows:
        if row["kind"] not in ROW_KINDS:
            raise r.fail(f"dataset '/budget/row/kind' holds {row['kind']!r}, expected one of {', '.join(ROW_KINDS)}")
    thresholds = r.dataset("budget/yield/threshold", ndim=1, kind="f").astype(float)
    n_specs = len(thresholds)
    per_time = (n_rows, n_times)
    per_spec = (n_rows, n_times, n_specs)
    return BudgetResults(
        rows=rows, times=times, chip_index=chips, n_images=int(_number(r, g, "n_images")),
        split=_text(r, g, "split"), studies=int(_number(r, g, "studies")),
        specs=r.strings("budget/yield/spec", (n_specs,)), thresholds=thresholds,
        mean=r.dataset("budget/mean", kind="f", shape=per_time).astype(float),
        p5=r.dataset("budget/p5", kind="f", shape=per_time).astype(float),
        cost=r.dataset("budget/cost", kind="f", shape=per_time).astype(float),
        cost_se=r.dataset("budget/cost_se", kind="f", shape=per_time).astype(float),
        accuracy=r.dataset("budget/accuracy", kind="f", shape=(n_rows, n_times, n_chips)).astype(float),
        fraction=r.dataset("budget/yield/fraction", kind="f", shape=per_spec).astype(float),
        wilson_low=r.dataset("budget/yield/wilson_low", kind="f", shape=per_spec).astype(float),
        wilson_high=r.dataset("budget/yield/wilson_high", kind="f", shape=per_spec).astype(float))


def read_tolerance(r) -> ToleranceResults:
    """`r` is io._Reader on an open file whose study is "tolerance"."""
    t = r.group("tolerance")
    values = r.dataset("tolerance/curve/value", ndim=1, kind="f").astype(float)
    chips = r.dataset("tolerance/chip_index", ndim=1, kind="iu")
    n = (len(values),)
    verdict = _text(r, t, "verdict")
    if verdict not in VERDICTS:
        raise r.fail(f"attribute 'verdict' on '/tolerance' is {verdict!r}, expected one of {', '.join(VERDICTS)}")
    span = r.attribute(t, "range", required=True)
    if np.shape(span) != (2,):
        raise r.fail(f"attribute 'range' on '/tolerance' is {span!r}, expected [low, high]")
    if np.any(np.diff(values) <= 0):
        raise r.fail("dataset '/tolerance/curve/value' is not strictly increasing")
    return ToleranceResults(
        parameter=_text(r, t, "parameter"), spec=_text(r, t, "spec"),
        threshold=float(_number(r, t, "threshold")), target=float(_number(r, t, "yield_target")),
        low=float(span[0]), high=float(span[1]), resolution=float(_number(r, t, "resolution")),
        time=float(_number(r, t, "time")), verdict=verdict, finding=_text(r, t, "finding"),
        answer=_text(r, t, "answer"), studies=int(_number(r, t, "studies")),
        max_studies=int(_number(r, t, "max_studies")), n_images=int(_number(r, t, "n_images")),
        split=_text(r, t, "split"),
        value=float(r.dataset("tolerance/value", kind="f", shape=())),
        bracket=r.dataset("tolerance/bracket", kind="f", shape=(2,)).astype(float),
        bracket_yield=r.dataset("tolerance/bracket_yield", kind="f", shape=(2,)).astype(float),
        chip_index=chips, values=values,
        order=r.dataset("tolerance/curve/order", kind="iu", shape=n),
        passes=r.dataset("tolerance/curve/passes", kind="iu", shape=n),
        fraction=r.dataset("tolerance/curve/yield", kind="f", shape=n).astype(float),
        wilson_low=r.dataset("tolerance/curve/wilson_low", kind="f", shape=n).astype(float),
        wilson_high=r.dataset("tolerance/curve/wilson_high", kind="f", shape=n).astype(float),
        mean=r.dataset("tolerance/curve/mean", kind="f", shape=n).astype(float),
        p5=r.dataset("tolerance/curve/p5", kind="f", shape=n).astype(float),
        accuracy=r.dataset("tolerance/curve/accuracy", kind="f", shape=(len(values), len(chips))).astype(float))
