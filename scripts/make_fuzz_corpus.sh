#!/usr/bin/env bash
# Regenerates the seed corpora of tests/fuzz/corpus/<harness>/: valid inputs for
# every reader, small (a few KB each). Binary seeds (.npy, IDX, model and results
# HDF5 files) come from the project's own writers through build-fuzz/make_fuzz_corpus;
# text seeds (CSV, crossbar, TOML) are written here.
#   bash scripts/make_fuzz_corpus.sh   # builds build-fuzz/tests/fuzz/make_fuzz_corpus if needed
#   (MAKE_FUZZ_CORPUS=path/to/make_fuzz_corpus picks another build of it)
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=tests/fuzz/corpus

maker=${MAKE_FUZZ_CORPUS:-build-fuzz/tests/fuzz/make_fuzz_corpus}
if [[ ! -x $maker ]]; then
  cmake --preset fuzz >/dev/null
  cmake --build --preset fuzz --target make_fuzz_corpus
fi
rm -rf "$corpus"
mkdir -p "$corpus"
# The build is instrumented: leaks at exit are not the corpus' business.
ASAN_OPTIONS=detect_leaks=0 "$maker" "$corpus"

# Weights CSV: n_out lines of n_in values (DESIGN §3), with the accepted variants.
d=$corpus/fuzz_weights_csv
mkdir -p "$d"
printf -- '-0.30,0.52,0.0\n0.8,-0.8,0.1\n' >"$d/w_2x3.csv"
printf '\xEF\xBB\xBF1.5e-3, -2E+1 ,+0.25\r\n7,8,9\r\n\r\n' >"$d/bom_crlf_spaces.csv"
printf '0.1\t,\t0.2\n0.3,0.4' >"$d/tabs_no_final_newline.csv"
python3 - "$d/w_10x64.csv" <<'PY'
import math, sys
with open(sys.argv[1], "w") as f:
    for j in range(10):
        f.write(",".join("%.6g" % (0.8 * math.sin(1 + 64 * j + i)) for i in range(64)) + "\n")
PY

# .npz networks as NumPy writes them (stored and deflated): 4 -> 3 -> 2 with biases.
d=$corpus/fuzz_npz
mkdir -p "$d"
python3 - "$d" <<'PY'
import sys, numpy as np
w0 = np.arange(12, dtype=np.float64).reshape(3, 4) / 10 - 0.5
arrays = dict(w0=w0, b0=np.array([0.1, -0.2, 0.3]), w1=np.ones((2, 3), np.float32), b1=np.zeros(2))
np.savez(sys.argv[1] + "/net.npz", **arrays)
np.savez_compressed(sys.argv[1] + "/net_compressed.npz", **arrays)
np.savez(sys.argv[1] + "/one_layer.npz", w0=np.eye(10, 64, dtype=np.float32))
PY

# Crossbar: byte 0 = options (fuzz_crossbar_csv.cpp), matrix, "---", voltages.
d=$corpus/fuzz_crossbar_csv
mkdir -p "$d"
printf '\x0c%s' $'1e-6,2e-6,0\n3e-6,0,4e-6\n---\n0.1,0.05\n0.2,0\n' >"$d/g_nodal.csv"
printf '\x0b%s' $'1e4,2e4\n5e3,1e5\n2e4,3e4\n---\n0.1\n0.1\n0.1\n' >"$d/r_first_order.csv"
printf '\x10%s' $'1e-3\n---\n1,0.5,0.25\n' >"$d/g_none_1x1.csv"

# TOML configs: byte 0 picks the subcommand (0 map, 1 mc, 2 train, 3 run, 4 crossbar,
# 5 import).
d=$corpus/fuzz_config_toml
mkdir -p "$d"
printf '\x00%s' $'weights = "w.csv"\nout = "map.csv"\nweight-bits = 2\nlayout = "blocked"\nspacing = "linear"\nr-on = 2.34e8\n' >"$d/map.toml"
printf '\x00%s' $'[map]\nweights = "w.npy"\nout = "m.csv"\n' >"$d/map_section.toml"
printf '\x01%s' $'model = "m.h5"\nout = "r.h5"\nchips = 100\ntimes = [1, 3600, 86400]\nyield-spec = ["0.75", "float-1pp"]\nc2c-sigma = 0.1\nir-drop = "nodal"\nscheme = "A"\nthreshold-ratio = "calibrate"\ndrift-compensation = true\n# comment\n' >"$d/mc.toml"
printf '\x02%s' $'method = "avg_8x8"\nweight-bits = 4\nqat = true\nepochs = 5\nout = \'model.h5\'\n' >"$d/train.toml"
printf '\x03%s' $'[train]\nmethod = "proj_pca_64"\n[mc]\nchips = 10\n' >"$d/run.toml"
printf '\x00%s' $'weights = "net.h5"\nout-dir = "maps"\narray-rows = 128\narray-cols = 128\nbias-mode = "row"\n' >"$d/map_arrays.toml"
printf '\x02%s' $'method = "raw"\nhidden = [256, 64]\nbias = true\nbias-mode = "digital"\nout = "net.h5"\n' >"$d/train_network.toml"
printf '\x05%s' $'weights = ["w0.npy", "w1.npy"]\nbiases = ["b0.npy", "b1.npy"]\nmethod = "raw"\nout = "net.h5"\n' >"$d/import.toml"
printf '\x04%s' $'[crossbar.solve]\nconductances = "g.csv"\nvoltages = "v.csv"\nr-wl = 1.0\n' >"$d/crossbar.toml"

du -sh "$corpus"
find "$corpus" -type f | sort | xargs ls -l | awk '{print $5, $9}'
