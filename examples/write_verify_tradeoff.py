#!/usr/bin/env python3
"""Write-verify's yield against the programming pulses it spends (DESIGN §2.8).

Runs one `xbarmc mc` study per verify tolerance on the same chips (common random
numbers: every tolerance sees the same first draw of every cell), then prints a table
and plots yield against mean pulses per cell.

    python3 examples/write_verify_tradeoff.py --model build/quickstart/model.h5 \
        --out-dir out/verify --tolerances none,0.2,0.1,0.05,0.02 -- \
        --config configs/seed_rram.toml --chips 200 --scheme B --adc-bits 6

Arguments after `--` go to every `xbarmc mc` run unchanged (device, readout, chips).
Needs h5py; matplotlib for the figure.
"""
import argparse
import os
import subprocess
import sys

import h5py


def main():
    argv = sys.argv[1:]
    extra = []
    if "--" in argv:
        cut = argv.index("--")
        argv, extra = argv[:cut], argv[cut + 1:]
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--model", required=True)
    p.add_argument("--out-dir", required=True)
    p.add_argument("--tolerances", default="none,0.2,0.1,0.05,0.02")
    p.add_argument("--max-pulses", type=int, default=10)
    p.add_argument("--spec", default="nominal-1pp", help="the yield spec plotted")
    p.add_argument("--xbarmc", default="build/xbarmc")
    p.add_argument("--png", default=None, help="figure path (default OUT_DIR/verify.png)")
    a = p.parse_args(argv)
    os.makedirs(a.out_dir, exist_ok=True)
    rows = []
    for tol in a.tolerances.split(","):
        out = os.path.join(a.out_dir, "verify_%s.h5" % tol)
        cmd = [a.xbarmc, "mc", "--model", a.model, "--out", out, "--quiet",
               "--yield-spec", a.spec] + extra
        if tol != "none":
            cmd += ["--verify-tolerance", tol, "--verify-max-pulses", str(a.max_pulses)]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        with h5py.File(out, "r") as f:
            mc = f["mc"]
            pulses = float(mc.attrs.get("verify_mean_pulses", 1.0))
            failed = float(mc.attrs.get("verify_failed_fraction", float("nan")))
            rows.append((tol, pulses, failed, float(mc["summary/mean"][0]),
                         float(mc["summary/p5"][0]), float(mc["yield/fraction"][0, 0]),
                         float(mc["yield/wilson_low"][0, 0]), float(mc["yield/wilson_high"][0, 0])))
    print("%-9s %8s %8s %8s %8s  %s" % ("tolerance", "pulses", "missed", "mean", "p5",
                                         "yield %s [Wilson 95%%]" % a.spec))
    for tol, pulses, failed, mean, p5, y, lo, hi in rows:
        missed = "-" if failed != failed else "%.2f%%" % (100 * failed)
        print("%-9s %8.3f %8s %8.4f %8.4f  %.3f [%.3f, %.3f]" % (tol, pulses, missed, mean, p5,
                                                               y, lo, hi))
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return
    fig, ax = plt.subplots(figsize=(5.5, 3.6))
    xs = [r[1] for r in rows]
    ys = [r[5] for r in rows]
    err = [[r[5] - r[6] for r in rows], [r[7] - r[5] for r in rows]]
    ax.errorbar(xs, ys, yerr=err, marker="o", capsize=3)
    for r in rows:
        ax.annotate("off" if r[0] == "none" else "eps " + r[0], (r[1], r[5]),
                    textcoords="offset points", xytext=(4, -12), fontsize=8)
    ax.set_xlabel("mean programming pulses per cell")
    ax.set_ylabel("yield (%s)" % a.spec)
    ax.set_title("write-verify: yield against pulses spent")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    png = a.png or os.path.join(a.out_dir, "verify.png")
    fig.savefig(png, dpi=120)
    print("wrote", png)


if __name__ == "__main__":
    main()
