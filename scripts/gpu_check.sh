#!/usr/bin/env bash
# The first check of the CUDA backend on a device, in two halves (issue 13):
#
#   scripts/gpu_check.sh pack [BUILD_DIR] [PACK_DIR]
#       Here, without a GPU: builds xbarmc, the GPU tests and the CUDA benchmark with
#       sm_90 code (BUILD_DIR, default build-gpu-check, configured here unless it was
#       configured with an architecture list that holds 90), then copies them and every
#       shared library they load beyond the base system (ldd: HDF5 and its compression
#       libraries, OpenMP, MPI, libstdc++ …) into PACK_DIR (default gpu-check-pack,
#       git-ignored), self-contained and under 48 MiB, with MANIFEST.txt.
#
#   scripts/gpu_check.sh run [PACK_DIR]
#       On the device machine, with PACK_DIR carried: prints the device, driver and
#       compute capability; runs the GPU tests (and the parity tests again on the CPU's
#       scalar kernels), then compute-sanitizer memcheck, racecheck and synccheck on a
#       small case; then `xbarmc bench --backend cuda` on the 64×20 workload (10 000 chips
#       × 10 000 images, T = 16 and 32) and on a 64×128 array. Writes summary.txt (one
#       block: tests, sanitizer findings, inferences/s, fraction of the bound, CPU/GPU
#       agreement) and every log into $OUT (default gpu-check-out). Finishes in under
#       6 minutes (each step gets what is left of a 330 s budget). Without a GPU it says
#       so and exits 0.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
max_pack_bytes=$((48 * 1024 * 1024))
binaries=(xbarmc tests/xbarmc_gpu_tests benchmarks/xbarmc_bench_cuda_engine)
# Loaded from the device machine's own system: the C runtime and the kernel's loader.
base_libs='^(linux-vdso\.so|ld-linux[^ ]*\.so|libc\.so|libm\.so|libgcc_s\.so|libpthread\.so|libdl\.so|librt\.so|libresolv\.so|libutil\.so)'

die() { echo "gpu_check: $*" >&2; exit 1; }

pack() {
  local build="${1:-$here/build-gpu-check}" dest="${2:-$here/gpu-check-pack}"
  local archs=""
  [[ -f "$build/CMakeCache.txt" ]] &&
    archs="$(sed -n 's/^CMAKE_CUDA_ARCHITECTURES:[A-Z]*=//p' "$build/CMakeCache.txt")"
  if [[ ! "$archs" =~ (^|;)90 ]]; then
    [[ -f "$build/CMakeCache.txt" ]] && die "$build is configured for CUDA architectures '$archs', not sm_90"
    cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CUDA_ARCHITECTURES=90 \
      -DXBARMC_WERROR=ON >"$build.configure.log" 2>&1 || die "configure failed: $build.configure.log"
  fi
  grep -q '^CMAKE_CUDA_COMPILER:[A-Z]*=.\+' "$build/CMakeCache.txt" ||
    die "$build has no CUDA compiler (nvcc not found when it was configured)"
  cmake --build "$build" --target xbarmc xbarmc_gpu_tests xbarmc_bench_cuda_engine -j2 \
    >"$dest.build.log" 2>&1 || die "build failed: $dest.build.log"

  rm -rf "$dest" && mkdir -p "$dest/bin" "$dest/lib/cxx" || die "cannot write $dest"
  local b lib path
  for b in "${binaries[@]}"; do
    [[ -x "$build/$b" ]] || die "$build/$b was not built"
    cp "$build/$b" "$dest/bin/" && strip --strip-unneeded "$dest/bin/$(basename "$b")"
  done
  # Every library ldd resolves, beyond the base set, into lib/ (one level of ldd lists
  # the whole closure).
  for b in "$dest"/bin/*; do
    ldd "$b" | awk '/=> \//{print $1, $3}' | while read -r lib path; do
      [[ "$lib" =~ $base_libs ]] && continue
      # libstdc++ apart: `run` prefers the device's own when it is new enough (the
      # packed one may need a newer glibc than the device has).
      local to="$dest/lib"
      [[ "$lib" == libstdc++.so* ]] && to="$dest/lib/cxx"
      [[ -f "$to/$lib" ]] || cp -L "$path" "$to/$lib"
    done
  done
  # Self-contained: with lib/ first, nothing outside it and the base set is loaded.
  local missing=""
  for b in "$dest"/bin/*; do
    while read -r lib path; do
      [[ "$lib" =~ $base_libs ]] && continue
      [[ "$path" == "$dest/lib/$lib" || "$path" == "$dest/lib/cxx/$lib" ]] ||
        missing+=" $(basename "$b"):$lib=>$path"
    done < <(LD_LIBRARY_PATH="$dest/lib:$dest/lib/cxx" ldd "$b" | awk '/=>/{print $1, $3}')
  done
  [[ -z "$missing" ]] || die "libraries resolve outside the pack:$missing"
  cp "$here/scripts/gpu_check.sh" "$dest/"

  local bytes
  bytes=$(du -sb "$dest" | cut -f1)
  {
    echo "# xbarmc gpu_check pack"
    echo "commit: $(git -C "$here" describe --always --dirty 2>/dev/null || echo unknown)"
    echo "built: $(date -u +%Y-%m-%dT%H:%M:%SZ) in $build (CUDA architectures ${archs:-90})"
    echo "nvcc: $("$(sed -n 's/^CMAKE_CUDA_COMPILER:[A-Z]*=//p' "$build/CMakeCache.txt")" --version | tail -1)"
    echo "total bytes: $bytes"
    echo "needs glibc: $(objdump -T "$dest"/bin/* "$dest"/lib/*.so* 2>/dev/null | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -1)" \
      "(lib/cxx/libstdc++: $(objdump -T "$dest"/lib/cxx/* 2>/dev/null | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -1));" \
      "libstdc++: $(objdump -T "$dest"/bin/* "$dest"/lib/*.so* 2>/dev/null | grep -o 'GLIBCXX_[0-9.]*' | sort -uV | tail -1)"
    echo "# size sha256 path"
    (cd "$dest" && find . -type f ! -name MANIFEST.txt | sort | while read -r f; do
      echo "$(stat -c %s "$f") $(sha256sum "$f" | cut -c1-64) ${f#./}"
    done)
  } >"$dest/MANIFEST.txt"
  ((bytes < max_pack_bytes)) || die "$dest holds $bytes bytes, over the 48 MiB limit"
  echo "gpu_check: packed $(ls "$dest/bin" | wc -l) programs and $(find "$dest/lib" -type f | wc -l) libraries into $dest ($((bytes / 1024)) KiB)"
}

# --- run ------------------------------------------------------------------------

budget_s=330

left() { echo $((budget_s - SECONDS)); }

# step NAME LIMIT_S CMD…: runs CMD with its output in $OUT/NAME.log, at most LIMIT_S
# seconds and never past the budget; records the exit status.
step() {
  local name="$1" limit="$2"
  shift 2
  local rest
  rest=$(($(left) - 5))
  ((rest < limit)) && limit=$rest
  if ((limit < 5)); then
    echo "skipped (out of time)" >"$OUT/$name.log"
    status[$name]=skipped
    return
  fi
  echo "gpu_check: $name (<= ${limit}s)"
  timeout "$limit" "$@" >"$OUT/$name.log" 2>&1
  local rc=$?
  status[$name]=$rc
  ((rc == 124)) && status[$name]="timeout after ${limit}s"
}

has_gpu() {
  if command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L 2>/dev/null | grep -q '^GPU'; then
    return 0
  fi
  # No nvidia-smi: ask the runtime through xbarmc (exit 2 "no CUDA device" without one).
  "$pack_dir/bin/xbarmc" bench --backend cuda --chips 1 --cpu-chips 1 --images 1 --timesteps 1 \
    >/dev/null 2>&1
}

tests_line() {  # passed/failed/skipped of a gtest log
  local log="$1"
  local p f s
  p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
  f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
  s=$(sed -n 's/^\[  SKIPPED \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
  echo "${p:-0} passed, ${f:-0} failed, ${s:-0} skipped (exit ${status[$2]})"
}

sanitizer_line() {
  local log="$OUT/$1.log" n
  n=$(sed -n 's/.*ERROR SUMMARY: \([0-9]*\) error.*/\1/p; s/.*RACECHECK SUMMARY: \([0-9]*\) hazard.*/\1/p' "$log" | tail -1)
  echo "${n:-?} findings (exit ${status[$1]})"
}

bench_lines() {  # the GPU figures of a bench log
  local log="$OUT/$1.log"
  awk '
    /^xbarmc bench:/ { split($0, a, ", "); shape = a[1]; sub("xbarmc bench: ", "", shape); t = a[2] }
    /^  cuda / { match($0, /[0-9.e+]+ inferences\/s/); ips = substr($0, RSTART, RLENGTH) }
    /identical on both/ { match($0, /identical on both: [0-9]+ of [0-9]+/); agree = substr($0, RSTART + 19, RLENGTH - 19) }
    /napkin bound/ { match($0, /reached [0-9.]+ % of [0-9.e+]+/); frac = substr($0, RSTART + 8, RLENGTH - 8);
                     printf "  %s %s: %s, %s of the bound, CPU/GPU identical chips %s\n", shape, t, ips, frac, agree }
  ' "$log"
  echo "  (exit ${status[$1]})"
}

run() {
  pack_dir="$(cd "${1:-$here/gpu-check-pack}" 2>/dev/null && pwd)" || die "no pack folder ${1:-gpu-check-pack}"
  [[ -x "$pack_dir/bin/xbarmc" ]] || die "$pack_dir holds no bin/xbarmc (run pack first)"
  OUT="${OUT:-$here/gpu-check-out}"
  mkdir -p "$OUT" || die "cannot write $OUT"
  # The device's libstdc++ when it is new enough, else the packed one.
  local base_path="${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  export LD_LIBRARY_PATH="$pack_dir/lib$base_path"
  if ! "$pack_dir/bin/xbarmc" --version >/dev/null 2>&1; then
    export LD_LIBRARY_PATH="$pack_dir/lib:$pack_dir/lib/cxx$base_path"
    if ! "$pack_dir/bin/xbarmc" --version >"$OUT/loader.log" 2>&1; then
      cat "$OUT/loader.log"
      die "the packed programs do not start here ($(sed -n 's/^needs //p' "$pack_dir/MANIFEST.txt"); this machine: $(getconf GNU_LIBC_VERSION 2>/dev/null))"
    fi
  fi
  if ! has_gpu; then
    echo "gpu_check: no GPU on this machine (nvidia-smi and the CUDA runtime see none); nothing to run" |
      tee "$OUT/summary.txt"
    exit 0
  fi
  declare -gA status
  local bin="$pack_dir/bin"
  {
    nvidia-smi --query-gpu=name,driver_version,compute_cap,memory.total,clocks.max.sm --format=csv 2>&1
    nvidia-smi 2>&1 | head -5
  } >"$OUT/device.log"
  cat "$OUT/device.log"

  step tests 100 "$bin/xbarmc_gpu_tests" --gtest_color=no
  step tests_scalar 60 env XBARMC_SIMD=scalar "$bin/xbarmc_gpu_tests" --gtest_color=no \
    --gtest_filter='CudaParity.*'
  local small=(bench --backend cuda --chips 6 --cpu-chips 1 --images 40 --timesteps 8)
  local tool sanitizer
  sanitizer="$(command -v compute-sanitizer || ls /usr/local/cuda*/bin/compute-sanitizer \
    /usr/local/cuda*/compute-sanitizer/compute-sanitizer 2>/dev/null | head -1)"
  for tool in memcheck racecheck synccheck; do
    if [[ -z "$sanitizer" ]]; then
      echo "compute-sanitizer not found" >"$OUT/sanitizer_$tool.log"
      status[sanitizer_$tool]="not found"
      continue
    fi
    step "sanitizer_$tool" 60 "$sanitizer" --tool "$tool" --error-exitcode 3 "$bin/xbarmc" "${small[@]}"
  done
  step bench_64x20 120 "$bin/xbarmc" bench --backend cuda --chips 10000 --images 10000 \
    --cpu-chips 16 --timesteps 16,32
  step bench_64x128 60 "$bin/xbarmc" bench --backend cuda --inputs 64 --outputs 64 --chips 2000 \
    --images 10000 --cpu-chips 4 --timesteps 16

  {
    echo "== xbarmc gpu_check $(date -u +%Y-%m-%dT%H:%M:%SZ) ($(sed -n 's/^commit: //p' "$pack_dir/MANIFEST.txt"))"
    echo "device: $(sed -n 2p "$OUT/device.log")"
    echo "GPU tests: $(tests_line "$OUT/tests.log" tests)"
    echo "GPU parity tests, CPU scalar kernels: $(tests_line "$OUT/tests_scalar.log" tests_scalar)"
    echo "compute-sanitizer memcheck: $(sanitizer_line sanitizer_memcheck)," \
      "racecheck: $(sanitizer_line sanitizer_racecheck), synccheck: $(sanitizer_line sanitizer_synccheck)"
    echo "bench 64x20 (10 000 chips x 10 000 images):"
    bench_lines bench_64x20
    echo "bench 64x128 (2 000 chips x 10 000 images):"
    bench_lines bench_64x128
    echo "wall: ${SECONDS} s"
  } | tee "$OUT/summary.txt"
}

case "${1:-}" in
  pack) shift; pack "$@" ;;
  run) shift; run "$@" ;;
  *) echo "usage: $0 pack [BUILD_DIR] [PACK_DIR] | run [PACK_DIR]" >&2; exit 2 ;;
esac
