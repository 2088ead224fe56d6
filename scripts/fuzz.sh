#!/usr/bin/env bash
# Builds the libFuzzer harnesses (CMake preset "fuzz": clang, ASan, UBSan, CPU only)
# and runs each for SECONDS (default 20) on a copy of its seed corpus from
# tests/fuzz/corpus. Fails on the first finding (crash, sanitizer report, timeout,
# out-of-memory, or an exception other than UserError); the input that caused it is
# saved under build-fuzz/fuzz-artifacts/<harness>/. Prints executions per second and
# total executions per harness.
#   bash scripts/fuzz.sh [SECONDS] [HARNESS...]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
shift || true

harnesses=("$@")
if ((${#harnesses[@]} == 0)); then
  for src in tests/fuzz/fuzz_*.cpp; do harnesses+=("$(basename "$src" .cpp)"); done
fi
# Only the harnesses (and the host library they link) are built.
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz --target "${harnesses[@]}"

work=build-fuzz/fuzz-work
artifacts=build-fuzz/fuzz-artifacts
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
total=0
printf '%-22s %10s %12s\n' harness execs/s executions >build-fuzz/fuzz-summary.txt
for h in "${harnesses[@]}"; do
  rm -rf "${work:?}/$h" "${artifacts:?}/$h"
  mkdir -p "$work/$h" "$artifacts/$h"
  cp -r "tests/fuzz/corpus/$h" "$work/$h/corpus"
  # Text readers get at most 4 KB per input; HDF5 harnesses keep their seeds' size.
  # LeakSanitizer stays on; for the HDF5 harnesses it skips the one leak libhdf5
  # itself commits when a metadata block fails to load (hdf5_lsan.supp, README.md),
  # which it recognizes by libhdf5's own frames: the slow unwinder sees them, the
  # fast one stops at the first frame of the (frame-pointer-less) library.
  mode=(-max_len=4096)
  asan=$ASAN_OPTIONS lsan=${LSAN_OPTIONS:-}
  case $h in
    fuzz_model_file | fuzz_results_file)
      mode=()
      asan=$ASAN_OPTIONS:fast_unwind_on_malloc=0
      lsan=suppressions=$PWD/tests/fuzz/hdf5_lsan.supp ;;
  esac
  dict=()
  [[ -f tests/fuzz/$h.dict ]] && dict=(-dict="tests/fuzz/$h.dict")
  echo "== $h: ${seconds}s"
  log=$work/$h/log.txt
  if ! ASAN_OPTIONS=$asan LSAN_OPTIONS=$lsan "build-fuzz/tests/fuzz/$h" "$work/$h/corpus" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -close_fd_mask=1 \
    -print_final_stats=1 "${mode[@]}" "${dict[@]}" -artifact_prefix="$artifacts/$h/" \
    >"$log" 2>&1; then
    tail -n 60 "$log"
    echo "fuzz.sh: $h found a problem; reproducer in $artifacts/$h/ (log: $log)" >&2
    exit 1
  fi
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
  execs=${execs:-0} rate=${rate:-0}
  total=$((total + execs))
  printf '%-22s %10s %12s\n' "$h" "$rate" "$execs" | tee -a build-fuzz/fuzz-summary.txt
done
printf '%-22s %10s %12s\n' total "" "$total" | tee -a build-fuzz/fuzz-summary.txt
