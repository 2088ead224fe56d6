#!/usr/bin/env python3
"""Write small synthetic `xbarmc budget` and `xbarmc tolerance` files (DESIGN §2.9) in
exactly the documented HDF5 layout (README "Accuracy budget" and "Tolerance"), so the
report's waterfall and tolerance curve can be tried and tested without a study.

    python3 analysis/make_example_analyses.py --out-dir /tmp/ex [--seed 1] [--chips 200]

budget_example.h5: a device with D2D, C2C, stuck cells, read noise and drift (A2A and
IR-drop absent: their rows are the nominal chip), at 1 s, 1 d and 30 d; per-chip
accuracies made up so that each factor costs a little, stuck cells most, and the
factors together a bit more than the sum. tolerance_example.h5: c2c-sigma over
[0, 0.5] bisected to 0.005 for yield 0.9 at nominal-1pp, each chip's accuracy falling
with σ², the points chosen exactly as the tool's bisection chooses them. Statistics
use the tool's formulas (numpy's linear percentiles, 95 % Wilson). Deterministic.
"""

from __future__ import annotations

import argparse
import math
import os
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_example_results import (FLOAT_ACCURACY, MAPPED_ACCURACY, NOMINAL_ACCURACY,  # noqa: E402
                                  write_atomically, write_root_attributes)
from xbarmc_analysis.stats import wilson_interval  # noqa: E402

IDEAL_ADC_ACCURACY = 0.783
FACTORS = [("d2d", "D2D", 0.001), ("a2a", "A2A", None), ("c2c", "C2C", 0.006), ("stuck", "stuck cells", 0.03),
           ("read-noise", "read noise", 0.002), ("ir-drop", "IR-drop", None), ("drift", "drift", 0.01)]
TIMES_S = np.array([1.0, 86400.0, 30 * 86400.0])
SPECS = [("nominal-1pp", NOMINAL_ACCURACY - 0.01), ("0.75", 0.75)]


def strings(g, name, values):
    g.create_dataset(name, data=list(values), dtype=h5py.string_dtype())


def make_budget(path: str, seed: int, n_chips: int, n_images: int, argv: str) -> None:
    rng = np.random.default_rng((seed, 11))
    present = [f for f in FACTORS if f[2] is not None]
    # Per chip and factor, the accuracy it costs (drift grows with log time), once.
    loss = {}
    for name, _, scale in present:
        growth = np.log10(TIMES_S)[:, None] / 6.4 if name == "drift" else np.ones((len(TIMES_S), 1))
        loss[name] = growth * rng.gamma(1.5, scale / 1.5, size=(1, n_chips))

    def chips(names, extra=0.0):
        p = NOMINAL_ACCURACY - sum((loss[n] for n in names), np.zeros((len(TIMES_S), n_chips))) - extra
        return rng.binomial(n_images, np.clip(p, 0, 1)) / float(n_images)

    interaction = 0.004 * np.ones((len(TIMES_S), n_chips))
    rows, accuracy = [], []

    def add(name, label, kind, factor, settings, same_as, acc):
        rows.append((name, label, kind, factor, settings, same_as))
        accuracy.append(acc)

    for name, label, value in [("float", "float", FLOAT_ACCURACY), ("mapped", "mapped", MAPPED_ACCURACY),
                               ("nominal-ideal-adc", "nominal, ideal ADC", IDEAL_ADC_ACCURACY),
                               ("nominal", "nominal", NOMINAL_ACCURACY)]:
        add(name, label, "reference", "", "reference chip", "", np.full((len(TIMES_S), n_chips), value))
    alone = {}
    for name, label, scale in FACTORS:
        if scale is None:
            add(name, f"{label} alone", "alone", name, "none", "nominal", accuracy[3])
        else:
            alone[name] = chips([name])
            add(name, f"{label} alone", "alone", name, f"{name} on", "", alone[name])
    everything = chips([n for n, _, _ in present], interaction)
    add("all", "all", "all", "", "every factor", "", everything)
    for name, label, scale in FACTORS:
        if scale is None:
            add(f"all-but-{name}", f"all but {label}", "all-but-one", name, "", "all", everything)
        else:
            add(f"all-but-{name}", f"all but {label}", "all-but-one", name, "",
                "", chips([n for n, _, _ in present if n != name], interaction))
    acc = np.stack(accuracy)                      # [rows, times, chips]
    thresholds = np.array([t for _, t in SPECS])
    passing = (acc[:, :, :, None] >= thresholds).sum(axis=2)
    low, high = wilson_interval(passing, n_chips)
    fraction = passing / float(n_chips)
    reference = np.array([kind == "reference" for _, _, kind, _, _, _ in rows])
    low[reference], high[reference] = fraction[reference], fraction[reference]
    mean = acc.mean(axis=2)
    cost = np.zeros_like(mean)
    cost_se = np.zeros_like(mean)
    names = [r[0] for r in rows]
    for i, (name, _, kind, _, _, _) in enumerate(rows):
        if kind == "reference":
            cost[i] = mean[i - 1] - mean[i] if i else 0.0
            continue
        d = acc[names.index("nominal")] - acc[i] if kind != "all-but-one" else acc[i] - acc[names.index("all")]
        cost[i] = d.mean(axis=1)
        cost_se[i] = d.std(axis=1, ddof=1) / math.sqrt(n_chips)

    def fill(f):
        write_root_attributes(f, "budget", seed, argv)
        b = f.create_group("budget")
        b.attrs["n_images"] = np.int64(n_images)
        b.attrs["split"] = "test"
        b.attrs["studies"] = np.int64(1 + 2 * len(present))
        b["times"] = TIMES_S
        b["chip_index"] = np.arange(n_chips, dtype=np.uint64)
        for k, field in enumerate(("name", "label", "kind", "factor", "settings", "same_as")):
            strings(b, f"row/{field}", [r[k] for r in rows])
        strings(b, "row/checksum", ["" if r[2] == "reference" else f"{i:016x}" for i, r in enumerate(rows)])
        b["mean"], b["p5"] = mean, np.percentile(acc, 5, axis=2)
        b["cost"], b["cost_se"] = cost, cost_se
        b["accuracy"] = acc
        strings(b, "yield/spec", [s for s, _ in SPECS])
        b["yield/threshold"] = thresholds
        b["yield/fraction"], b["yield/wilson_low"], b["yield/wilson_high"] = fraction, low, high
        ref = f.create_group("reference")
        ref["float_accuracy"], ref["mapped_accuracy"] = FLOAT_ACCURACY, MAPPED_ACCURACY
        ref["nominal_accuracy"], ref["ideal_adc_nominal_accuracy"] = NOMINAL_ACCURACY, IDEAL_ADC_ACCURACY
    write_atomically(path, fill)


def make_tolerance(path: str, seed: int, n_chips: int, n_images: int, argv: str) -> None:
    rng = np.random.default_rng((seed, 12))
    low, high, resolution, target = 0.0, 0.5, 0.005, 0.9
    threshold = NOMINAL_ACCURACY - 0.01
    sensitivity = rng.gamma(2.0, 0.5, size=n_chips)      # per chip: accuracy lost per σ²
    offset = 0.004 * rng.standard_normal(n_chips)
    z = rng.standard_normal(n_chips)                      # each chip's fixed binomial noise

    def chips(sigma):  # the same chips and draws at every σ (common random numbers)
        p = np.clip(NOMINAL_ACCURACY + 0.02 + offset - sensitivity * sigma ** 2, 0, 1)
        # Counts with the binomial's spread from one fixed normal per chip: smooth in σ.
        mean, sd = n_images * p, np.sqrt(n_images * p * (1 - p))
        return np.clip(np.round(mean + sd * z), 0, n_images) / n_images

    points = {}

    def at(v):
        if v not in points:
            points[v] = (len(points), chips(v))
        return (points[v][1] >= threshold).mean() >= target

    good, bad = low, high
    assert at(low) and not at(high)
    steps = math.ceil(math.log2((high - low) / resolution))
    for _ in range(steps):
        if bad - good <= resolution:
            break
        mid = good + 0.5 * (bad - good)
        if at(mid):
            good = mid
        else:
            bad = mid
    values = np.array(sorted(points))
    order = np.array([points[v][0] for v in values], dtype=np.int64)
    acc = np.stack([points[v][1] for v in values])
    passes = (acc >= threshold).sum(axis=1).astype(np.uint64)
    fraction = passes / float(n_chips)
    w_low, w_high = wilson_interval(passes, n_chips)
    i, j = list(values).index(good), list(values).index(bad)

    def fill(f):
        write_root_attributes(f, "tolerance", seed, argv)
        t = f.create_group("tolerance")
        for key, value in [("parameter", "c2c-sigma"), ("spec", "nominal-1pp"), ("threshold", threshold),
                           ("yield_target", target), ("range", np.array([low, high])),
                           ("resolution", resolution), ("time", 86400.0), ("scan", np.int64(0)),
                           ("base_value", 0.1), ("verdict", "found"), ("finding", ""),
                           ("answer", f"c2c-sigma tolerance {good:g}: yield >= 0.9 at {good:g}, below it at "
                                      f"{bad:g}; bracket [{good:g}, {bad:g}]"),
                           ("rise_p", 1.0), ("studies", np.int64(len(values))),
                           ("max_studies", np.int64(steps + 2)), ("n_images", np.int64(n_images)),
                           ("split", "test")]:
            t.attrs[key] = value
        t["chip_index"] = np.arange(n_chips, dtype=np.uint64)
        t["value"] = good
        t["bracket"] = np.array([good, bad])
        t["bracket_yield"] = fraction[[i, j]]
        t["bracket_wilson_low"] = w_low[[i, j]]
        t["bracket_wilson_high"] = w_high[[i, j]]
        c = t.create_group("curve")
        c["value"], c["order"], c["passes"] = values, order, passes
        c["yield"], c["wilson_low"], c["wilson_high"] = fraction, w_low, w_high
        c["mean"], c["p5"] = acc.mean(axis=1), np.percentile(acc, 5, axis=1)
        strings(c, "checksum", [f"{k:016x}" for k in order])
        c["accuracy"] = acc
        ref = f.create_group("reference")
        ref["float_accuracy"], ref["mapped_accuracy"] = FLOAT_ACCURACY, MAPPED_ACCURACY
        ref["nominal_accuracy"] = NOMINAL_ACCURACY
    write_atomically(path, fill)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out-dir", required=True, help="folder for {budget,tolerance}_example.h5")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--chips", type=int, default=200)
    parser.add_argument("--images", type=int, default=2000)
    args = parser.parse_args(argv)
    if args.chips < 2 or args.images < 1:
        parser.error("--chips must be >= 2 and --images >= 1")
    os.makedirs(args.out_dir, exist_ok=True)
    command = "python3 analysis/make_example_analyses.py " + " ".join(argv if argv is not None else sys.argv[1:])
    for study, make in (("budget", make_budget), ("tolerance", make_tolerance)):
        path = os.path.join(args.out_dir, f"{study}_example.h5")
        make(path, args.seed, args.chips, args.images, command)
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
