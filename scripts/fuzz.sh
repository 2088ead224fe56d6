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
# LeakSanitizer stays on; HDF5 keeps its free lists reachable, so they are not leaks.
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
total=0
printf '%-22s %10s %12s\n' harness execs/s executions >build-fuzz/fuzz-summary.txt
for h in "${harnesses[@]}"; do
  rm -rf "${work:?}/$h" "${artifacts:?}/$h"
  mkdir -p "$work/$h" "$artifacts/$h"
  cp -r "tests/fuzz/corpus/$h" "$work/$h/corpus"
  # Text readers get at most 4 KB per input. HDF5 harnesses keep their seeds' size
  # and run in fork mode past hangs and crashes, since Debian's libhdf5 1.10 (not
  # ours, not instrumented) loops forever or crashes on some corrupt files
  # (tests/fuzz/README.md); every crash is then replayed below and fails the run
  # unless its innermost frame is in libhdf5. Memory errors and leaks that libhdf5 commits
  # in libc calls are suppressed (hdf5_*.supp).
  mode=(-max_len=4096)
  asan=$ASAN_OPTIONS lsan=${LSAN_OPTIONS:-}
  case $h in
    fuzz_model_file | fuzz_results_file)
      mode=(-fork=1 -ignore_timeouts=1 -ignore_ooms=1 -ignore_crashes=1 -timeout=3)
      asan=$ASAN_OPTIONS:allocator_may_return_null=1:suppressions=$PWD/tests/fuzz/hdf5_asan.supp
      lsan=suppressions=$PWD/tests/fuzz/hdf5_lsan.supp ;;
  esac
  dict=()
  [[ -f tests/fuzz/$h.dict ]] && dict=(-dict="tests/fuzz/$h.dict")
  echo "== $h: ${seconds}s"
  log=$work/$h/log.txt
  status=0
  ASAN_OPTIONS=$asan LSAN_OPTIONS=$lsan "build-fuzz/tests/fuzz/$h" "$work/$h/corpus" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -close_fd_mask=1 \
    -print_final_stats=1 "${mode[@]}" "${dict[@]}" -artifact_prefix="$artifacts/$h/" \
    >"$log" 2>&1 || status=$?
  # Fork mode exits with the status of its last job even when told to go on: there
  # the saved inputs decide. Leaks always fail; a crash, hang or out-of-memory
  # fails unless, replayed, its innermost frame (not the sanitizer's, libFuzzer's,
  # libc's or the allocator's) is in libhdf5.
  if [[ ${mode[0]} != -fork=1 && $status != 0 ]] || compgen -G "$artifacts/$h/leak-*" >/dev/null; then
    tail -n 60 "$log"
    echo "fuzz.sh: $h found a problem; reproducer in $artifacts/$h/ (log: $log)" >&2
    exit 1
  fi
  in_hdf5=0 not_reproduced=0
  for input in $(ls "$artifacts/$h"/{crash,timeout,oom}-* 2>/dev/null | head -n 8); do
    replay=$(ASAN_OPTIONS=$asan LSAN_OPTIONS=$lsan "build-fuzz/tests/fuzz/$h" -timeout=3 "$input" 2>&1 || true)
    if grep -q 'FUZZ FINDING' <<<"$replay"; then
      tail -n 60 <<<"$replay"
      echo "fuzz.sh: $h: finding on $input" >&2
      exit 1
    fi
    # A fork-mode job runs many inputs in one process; an input that crashed there but
    # runs cleanly alone depends on state libhdf5 kept from earlier inputs (our readers
    # keep none between calls).
    if ! grep -qE '^==[0-9]+==.*ERROR|ERROR: libFuzzer|^SUMMARY' <<<"$replay"; then
      not_reproduced=$((not_reproduced + 1))
      continue
    fi
    frame=$(grep -E '^ +#[0-9]+ 0x' <<<"$replay" |
      grep -vE '__sanitizer|__asan|__lsan|__ubsan|fuzzer::|__interceptor|libc\.so|sysdeps/|/nptl/|raise|abort|Alarm|signal' |
      grep -vE ' in (malloc|calloc|realloc|free|operator new|operator delete)' |
      head -n 1 || true)
    if ! grep -q 'libhdf5' <<<"$frame"; then
      tail -n 60 <<<"$replay"
      echo "fuzz.sh: $h failed outside libhdf5 on $input" >&2
      exit 1
    fi
    in_hdf5=$((in_hdf5 + 1))
  done
  ((in_hdf5 == 0)) || echo "   ($in_hdf5 crashes/hangs/OOMs inside libhdf5, replayed: known, see tests/fuzz/README.md)"
  ((not_reproduced == 0)) || echo "   ($not_reproduced crashes of a fork-mode job that do not reproduce alone: libhdf5 state from earlier inputs)"
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
  if [[ ${mode[0]} == -fork=1 ]]; then  # the parent's last status line "#N: ... exec/s R ..."
    last=$(grep -E '^#[0-9]+: ' "$log" | tail -n 1 || true)
    execs=$(sed -E 's/^#([0-9]+):.*/\1/' <<<"$last")
    rate=$((${execs:-0} / seconds))
  fi
  execs=${execs:-0} rate=${rate:-0}
  total=$((total + execs))
  printf '%-22s %10s %12s\n' "$h" "$rate" "$execs" | tee -a build-fuzz/fuzz-summary.txt
done
printf '%-22s %10s %12s\n' total "" "$total" | tee -a build-fuzz/fuzz-summary.txt
