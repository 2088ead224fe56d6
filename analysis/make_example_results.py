#!/usr/bin/env python3
"""Write small synthetic xbarmc results files (mc, drift, sweep, and an mc study of a
network) in exactly the documented HDF5 layout, so the analysis can be run and
tested without a study.

    python3 analysis/make_example_results.py --out-dir /tmp/ex [--seed 1] [--chips 200]

The numbers are made up but shaped like real studies: per-chip accuracies drawn
around a nominal chip with a tail of bad chips, correct counts binomial over the
split's images, drift losing accuracy in log time (less with compensation).
mc_network_example.h5 is a three-layer network (784→128→64→10, raw pixels, digital
bias) on 128×128 arrays (DESIGN §2.7), at 1 s and 1 d: per-layer records under
/mapping/layers and /reference/layers, per-layer saturation and spike counts per chip
and time, with the output layer's ADC saturating most.
Summary and yield datasets are computed with the same formulas as the C++ tool
(sample std, numpy's linear percentiles, 95 % Wilson intervals). Deterministic:
every draw comes from numpy's default_rng((seed, file number)).
"""

from __future__ import annotations

import argparse
import os
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from xbarmc_analysis.stats import wilson_interval  # noqa: E402

FLOAT_ACCURACY = 0.795
MAPPED_ACCURACY = 0.788
NOMINAL_ACCURACY = 0.781
# (spec as the user wrote it, absolute threshold)
SPECS = [("0.75", 0.75), ("0.77", 0.77), ("float-1pp", FLOAT_ACCURACY - 0.01),
         ("float-3pp", FLOAT_ACCURACY - 0.03)]
YEAR_S = 365.25 * 86400.0
DRIFT_TIMES_S = np.array([1.0, 3600.0, 86400.0, 30 * 86400.0, YEAR_S, 10 * YEAR_S])


def write_root_attributes(f: h5py.File, study: str, seed: int, argv: str) -> None:
    f.attrs["version"] = "0.1.0"
    f.attrs["git_describe"] = "synthetic-example"
    f.attrs["command_line"] = argv
    f.attrs["config_toml"] = f'# synthetic example written by make_example_results.py\nseed = {seed}\nstudy = "{study}"\n'
    f.attrs["seed"] = np.int64(seed)
    f.attrs["backend"] = "synthetic"
    f.attrs["device_name"] = "none (synthetic example)"
    f.attrs["created_utc"] = "2026-01-01T00:00:00Z"
    f.attrs["study"] = study


def write_study_group(g: h5py.Group, times, correct: np.ndarray, n_images: int, split: str,
                      specs, rng: np.random.Generator) -> None:
    """One study group: counts, accuracies, summary and yield per time (DESIGN §2.6)."""
    n_times, n_chips = correct.shape
    accuracy = correct / float(n_images)
    g.attrs["n_images"] = np.int64(n_images)
    g.attrs["split"] = split
    g["times"] = np.asarray(times, dtype=np.float64)
    g["chip_index"] = np.arange(n_chips, dtype=np.uint64)
    g["correct"] = correct.astype(np.uint32)
    g["accuracy"] = accuracy.astype(np.float64)
    g["no_spike"] = rng.poisson(3.0, size=correct.shape).astype(np.uint32)
    g["saturated"] = rng.poisson(40.0, size=correct.shape).astype(np.uint64)
    s = g.create_group("summary")
    s["mean"] = accuracy.mean(axis=1)
    s["std"] = accuracy.std(axis=1, ddof=1)
    s["min"] = accuracy.min(axis=1)
    s["max"] = accuracy.max(axis=1)
    for q in (1, 5, 10, 50):
        s[f"p{q}"] = np.percentile(accuracy, q, axis=1)
    if not specs:
        return
    thresholds = np.array([t for _, t in specs])
    passing = (accuracy[:, :, None] >= thresholds[None, None, :]).sum(axis=1)
    low, high = wilson_interval(passing, n_chips)
    y = g.create_group("yield")
    y.create_dataset("spec", data=[name for name, _ in specs], dtype=h5py.string_dtype())
    y["threshold"] = thresholds
    y["fraction"] = passing / float(n_chips)
    y["wilson_low"] = low
    y["wilson_high"] = high


def write_reference_and_mapping(f: h5py.File, rng: np.random.Generator) -> None:
    ref = f.create_group("reference")
    ref["float_accuracy"] = FLOAT_ACCURACY
    ref["mapped_accuracy"] = MAPPED_ACCURACY
    ref["nominal_accuracy"] = NOMINAL_ACCURACY
    ref["threshold_ratio"] = 0.3
    ref["threshold"] = 0.3 * 63
    ref["i_fs_a"] = 2.1e-9
    n_in, n_out = 64, 10
    g_min, g_max = 1 / 4.18e11, 1 / 2.34e8
    levels = rng.integers(0, 16, size=(2, n_in, n_out)).astype(np.int32)
    g_target = g_min * (g_max / g_min) ** (levels / 15.0)
    m = f.create_group("mapping")
    m["g_target"] = np.stack([g_target[0], g_target[1]], axis=2).reshape(n_in, 2 * n_out)
    m["levels_pos"] = levels[0]
    m["levels_neg"] = levels[1]


def chip_accuracies(rng: np.random.Generator, n_chips: int, centre: float) -> np.ndarray:
    """True per-chip accuracy: Gaussian spread plus a 5 % tail of badly programmed chips."""
    p = centre + 0.010 * rng.standard_normal(n_chips)
    bad = rng.random(n_chips) < 0.05
    p[bad] -= rng.uniform(0.02, 0.08, size=bad.sum())
    return np.clip(p, 0.0, 1.0)


def write_atomically(path: str, fill) -> None:
    tmp = path + ".partial"
    with h5py.File(tmp, "w") as f:
        fill(f)
    os.replace(tmp, path)


def make_mc(path: str, seed: int, n_chips: int, n_images: int, argv: str) -> None:
    rng = np.random.default_rng((seed, 1))

    def fill(f):
        write_root_attributes(f, "mc", seed, argv)
        p = chip_accuracies(rng, n_chips, NOMINAL_ACCURACY - 0.006)
        correct = rng.binomial(n_images, p)[None, :]
        write_study_group(f.create_group("mc"), [1.0], correct, n_images, "test", SPECS, rng)
        write_reference_and_mapping(f, rng)
    write_atomically(path, fill)


def make_drift(path: str, seed: int, n_chips: int, n_images: int, argv: str) -> None:
    rng = np.random.default_rng((seed, 2))

    def fill(f):
        write_root_attributes(f, "drift", seed, argv)
        p0 = chip_accuracies(rng, n_chips, NOMINAL_ACCURACY - 0.006)
        # Per-chip drift sensitivity: the same chips at every time, so trajectories are continuous.
        sensitivity = np.clip(1.0 + 0.35 * rng.standard_normal(n_chips), 0.2, None)
        log_t = np.log(DRIFT_TIMES_S / DRIFT_TIMES_S[0])[:, None]
        for name, loss_per_e_fold in (("uncompensated", 0.0055), ("compensated", 0.0012)):
            p = np.clip(p0[None, :] - loss_per_e_fold * sensitivity[None, :] * log_t, 0.0, 1.0)
            correct = rng.binomial(n_images, p)
            write_study_group(f.create_group(f"drift/{name}"), DRIFT_TIMES_S, correct, n_images,
                              "test", SPECS, rng)
        write_reference_and_mapping(f, rng)
    write_atomically(path, fill)


def sweep_rows(rng: np.random.Generator):
    """Every combination with a made-up but monotone accuracy/cost trade-off."""
    base = {"avg_8x8": 0.780, "proj_pca_64": 0.790, "proj_sup_64": 0.815}
    rows = []
    for method in base:
        for scheme in ("A", "B"):
            for adc_bits in (4, 6, 8):
                for weight_bits in (3, 4, 5):
                    for timesteps in (8, 16, 32):
                        nominal = (base[method] - (0.004 if scheme == "A" else 0.0)
                                   - 0.05 * 2.0 ** (-(adc_bits - 3)) - 0.04 * 2.0 ** (-(weight_bits - 2))
                                   - 0.06 * 4.0 / timesteps + 0.003 * rng.standard_normal())
                        mean = nominal - 0.008 - 0.002 * rng.random()
                        p5 = mean - 0.015 - 0.01 * 2.0 ** (-(weight_bits - 3)) * rng.random()
                        # Cost model of the example: read energy ~ timesteps x ADC conversions,
                        # plus cell count ~ weight bits (normalised to T=16, 6-bit ADC, 4-bit weights).
                        cost = (timesteps / 16.0) * (2.0 ** adc_bits / 64.0) + weight_bits / 4.0
                        rows.append((method, scheme, adc_bits, weight_bits, timesteps, "subtract",
                                     float(rng.choice([0.1, 0.2, 0.3, 0.5])), cost, nominal, mean,
                                     p5, float(np.clip((mean - 0.74) / 0.04, 0, 1)), p5))
    return rows


def make_sweep(path: str, seed: int, n_chips: int, n_images: int, argv: str) -> None:
    rng = np.random.default_rng((seed, 3))
    tolerance = 0.01

    def fill(f):
        write_root_attributes(f, "sweep", seed, argv)
        # Fixed-length strings, as the C++ tool's char[N] compound members.
        dtype = np.dtype([("method", "S16"), ("scheme", "S2"), ("adc_bits", "<i4"),
                          ("weight_bits", "<i4"), ("timesteps", "<i4"), ("reset", "S12"),
                          ("threshold_ratio", "<f8"), ("cost", "<f8"), ("val_nominal", "<f8"),
                          ("val_mc_mean", "<f8"), ("val_mc_p5", "<f8"), ("val_yield", "<f8"),
                          ("objective", "<f8")])
        table = np.array(sweep_rows(rng), dtype=dtype)
        best = int(np.argmax(table["objective"]))
        within = np.flatnonzero(table["objective"] >= table["objective"][best] - tolerance)
        recommendation = int(within[np.lexsort((-table["objective"][within], table["cost"][within]))[0]])
        s = f.create_group("sweep")
        s["table"] = table
        s.attrs["objective_name"] = "val_mc_p5"
        s.attrs["tolerance"] = tolerance
        s.attrs["best_index"] = np.int64(best)
        s.attrs["recommendation_index"] = np.int64(recommendation)
        for name, index in (("best", best), ("recommendation", recommendation)):
            centre = table["val_mc_mean"][index] - 0.004
            correct = rng.binomial(n_images, chip_accuracies(rng, n_chips, centre))[None, :]
            g = s.create_group(f"test/{name}")
            write_study_group(g, [1.0], correct, n_images, "test", SPECS, rng)
            g.attrs["float_accuracy"] = FLOAT_ACCURACY + 0.02
            g.attrs["nominal_accuracy"] = float(table["val_nominal"][index] - 0.003)
        write_reference_and_mapping(f, rng)
    write_atomically(path, fill)


# The example network: (n_in, n_out, shared_max, I_fs A, ρ codes, r, spike rate, saturated
# fraction of ADC reads at 1 s). Scheme B, 6-bit ADC: θ_ref = 63 = the output layer's ρ.
NETWORK_LAYERS = [(784, 128, 0.412, 3.2e-9, 41.0, 0.5, 0.13, 2.0e-5),
                  (128, 64, 0.633, 1.4e-9, 27.5, 0.75, 0.085, 0.0),
                  (64, 10, 0.871, 2.1e-9, 63.0, 0.3, 0.046, 3.5e-3)]
NETWORK_ARRAY = (128, 128)
NETWORK_TIMESTEPS = 16
NETWORK_TIMES_S = np.array([1.0, 86400.0])
NETWORK_FLOAT, NETWORK_MAPPED, NETWORK_NOMINAL = 0.884, 0.879, 0.866
NETWORK_SPECS = [("0.85", 0.85), ("float-2pp", NETWORK_FLOAT - 0.02), ("float-4pp", NETWORK_FLOAT - 0.04)]


def network_arrays(n_in: int, n_out: int) -> tuple:
    """(arrays, ADC conversions per step) of a layer cut into R_a × C_a arrays (DESIGN §2.7):
    row blocks × output blocks, scheme B reading both used columns of every output per array."""
    rows, cols = NETWORK_ARRAY
    row_blocks = -(-n_in // rows)
    output_blocks = -(-n_out // (cols // 2))
    return row_blocks * output_blocks, row_blocks * 2 * n_out


def write_network_records(f: h5py.File, rng: np.random.Generator) -> None:
    """/mapping/layers/<l> and /reference/layers/<l>, and the output layer's /reference."""
    g_min, g_max = 1 / 4.18e11, 1 / 2.34e8
    ref = f.create_group("reference")
    ref["float_accuracy"] = NETWORK_FLOAT
    ref["mapped_accuracy"] = NETWORK_MAPPED
    ref["nominal_accuracy"] = NETWORK_NOMINAL
    for l, (n_in, n_out, shared_max, i_fs, rho, ratio, _, _) in enumerate(NETWORK_LAYERS):
        levels = rng.integers(0, 16, size=(n_in, 2 * n_out))
        m = f.create_group(f"mapping/layers/{l}")
        # Compressed only to keep the example small; the reader does not care.
        m.create_dataset("g_target", data=g_min + (g_max - g_min) * levels / 15.0, compression="gzip")
        m["bias"] = 0.05 * rng.standard_normal(n_out)
        arrays, adcs = network_arrays(n_in, n_out)
        for key, value in (("n_in", n_in), ("n_out", n_out), ("array_rows", NETWORK_ARRAY[0]),
                           ("array_cols", NETWORK_ARRAY[1]), ("arrays", arrays), ("adcs", adcs)):
            m.attrs[key] = np.int64(value)
        m.attrs["bias_mode"] = "digital"
        m.attrs["shared_max"] = shared_max
        r = f.create_group(f"reference/layers/{l}")
        r["i_fs_a"] = i_fs
        r["rho"] = rho
        r["threshold_ratio"] = ratio
        r["threshold"] = ratio * rho
    ref["i_fs_a"] = ref["layers/2/i_fs_a"][()]
    ref["threshold_ratio"] = ref["layers/2/threshold_ratio"][()]
    ref["threshold"] = ref["layers/2/threshold"][()]


def make_network_mc(path: str, seed: int, n_chips: int, n_images: int, argv: str) -> None:
    rng = np.random.default_rng((seed, 4))

    def fill(f):
        write_root_attributes(f, "mc", seed, argv)
        f.attrs["config_toml"] += ('hidden = [128, 64]\ninput-method = "raw"\nbias-mode = "digital"\n'
                                   f"array-rows = {NETWORK_ARRAY[0]}\narray-cols = {NETWORK_ARRAY[1]}\n"
                                   f"timesteps = {NETWORK_TIMESTEPS}\n")
        p0 = chip_accuracies(rng, n_chips, NETWORK_NOMINAL - 0.008)
        # Drift costs accuracy and activity: conductances fall, so currents and spikes do.
        correct = rng.binomial(n_images, np.clip(p0[None, :] - np.array([[0.0], [0.012]]), 0.0, 1.0))
        g = f.create_group("mc")
        write_study_group(g, NETWORK_TIMES_S, correct, n_images, "test", NETWORK_SPECS, rng)
        g.attrs["timesteps"] = np.int64(NETWORK_TIMESTEPS)
        shape = (len(NETWORK_LAYERS), len(NETWORK_TIMES_S), n_chips)
        spikes = np.zeros(shape, dtype=np.uint64)
        saturated = np.zeros(shape, dtype=np.uint64)
        rate = np.zeros(shape)
        activity = np.array([1.0, 0.95])[:, None]
        for l, (n_in, n_out, _, _, _, _, spike_rate, saturated_fraction) in enumerate(NETWORK_LAYERS):
            _, adcs = network_arrays(n_in, n_out)
            chip_gain = np.exp(0.12 * rng.standard_normal(n_chips))[None, :] * activity
            neuron_steps = n_images * NETWORK_TIMESTEPS * n_out
            spikes[l] = rng.binomial(neuron_steps, np.clip(spike_rate * chip_gain, 0.0, 1.0))
            rate[l] = spikes[l] / float(neuron_steps)
            # Saturation grows steeply with the chip's currents; a few reads even on a quiet layer.
            expected = (saturated_fraction * chip_gain ** 4 + 2e-8) * n_images * NETWORK_TIMESTEPS * adcs
            saturated[l] = rng.poisson(expected)
        g["layer_saturated"] = saturated
        g["layer_spikes"] = spikes
        g["layer_spike_rate"] = rate
        g["saturated"][...] = saturated.sum(axis=0)
        write_network_records(f, rng)
    write_atomically(path, fill)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out-dir", required=True,
                        help="folder for {mc,drift,sweep,mc_network}_example.h5")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--chips", type=int, default=200, help="chips per study group")
    parser.add_argument("--images", type=int, default=2000, help="images in the split")
    args = parser.parse_args(argv)
    if args.chips < 2 or args.images < 1:
        parser.error("--chips must be >= 2 and --images >= 1")
    os.makedirs(args.out_dir, exist_ok=True)
    command = "python3 analysis/make_example_results.py " + " ".join(argv if argv is not None else sys.argv[1:])
    for study, make in (("mc", make_mc), ("drift", make_drift), ("sweep", make_sweep),
                        ("mc_network", make_network_mc)):
        path = os.path.join(args.out_dir, f"{study}_example.h5")
        make(path, args.seed, args.chips, args.images, command)
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
