#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Runs the libFuzzer targets of a -Dfuzzing=true build, one after the
# other, each for SECONDS (default 300), at low priority:
#
#   CC=clang meson setup build-fuzz -Dfuzzing=true -Dintrospection=false \
#     -Dgtk=false -Db_lundef=false
#   ninja -C build-fuzz
#
# (-Db_lundef=false: the shared library links against the ASan runtime
# only at run time, as in .ci/test's sanitizer build.)
#   bash tests/fuzz/run-fuzzers.sh build-fuzz 300 [TARGET…]
#
# Seeds: the regression corpus tests/fuzz/corpus/<target>/ and the files of
# ../shared/testdata that the target reads (copied into the build dir, never
# into the source tree). New inputs go to <builddir>/fuzz-corpus/<target>,
# crashes to <builddir>/fuzz-artifacts/, logs (with libFuzzer's final
# stats: executions, cov:, ft:) to <builddir>/fuzz-logs/<target>.log.
set -uo pipefail
cd "$(dirname "$0")/../.."

builddir=${1:-build-fuzz}
seconds=${2:-300}
shift 2 2>/dev/null || shift $#
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(blf asc csv candump trc sqlite config remote dbc slcan serial socketcand)
testdata=../shared/testdata

declare -A globs=(
  [blf]='python-can/*.blf' [asc]='python-can/*.asc python-can/*.asc.gz' [trc]='python-can/*.trc'
)

status=0
for t in "${targets[@]}"; do
  seeds=$builddir/fuzz-seeds/$t
  work=$builddir/fuzz-corpus/$t
  mkdir -p "$seeds" "$work" "$builddir/fuzz-artifacts" "$builddir/fuzz-logs"
  for g in ${globs[$t]:-}; do
    cp -f $testdata/$g "$seeds"/ 2>/dev/null || true
  done
  max_len=()
  [ "$t" = sqlite ] && max_len=(-max_len=32768)
  # Real DBC files run to 500 KB: mutated whole, they run at ~50 execs/s.
  # Their head (BU_, BO_, SG_) and tail (CM_, BA_, VAL_) are seeds of 8 KB.
  if [ "$t" = dbc ]; then
    max_len=(-max_len=8192)
    for f in $testdata/dbc/*.dbc; do
      head -c 8000 "$f" > "$seeds/head-$(basename "$f")"
      tail -c 8000 "$f" > "$seeds/tail-$(basename "$f")"
    done
  fi
  # The BLF reader's inflate workers keep one codec per pool thread (a
  # GPrivate, freed when the thread ends); GLib parks idle pool threads for
  # reuse, so LeakSanitizer reports those caches, while fuzzing and again
  # at exit (as a crash of the empty input). ASan and UBSan stay on.
  leaks=${ASAN_OPTIONS:-}
  if [ "$t" = blf ]; then
    max_len+=(-detect_leaks=0)
    leaks=${leaks:+$leaks:}detect_leaks=0
  fi
  echo "== $t: ${seconds}s"
  ASAN_OPTIONS=$leaks nice -n 10 "$builddir/tests/fuzz/fuzz-$t" \
    -max_total_time="$seconds" -print_final_stats=1 -rss_limit_mb=2048 -timeout=10 \
    "${max_len[@]}" -artifact_prefix="$builddir/fuzz-artifacts/$t-" \
    "$work" "tests/fuzz/corpus/$t" "$seeds" > "$builddir/fuzz-logs/$t.log" 2>&1 || status=1
  grep -E '^#[0-9]+.*(DONE|INITED)|stat::number_of_executed_units|stat::new_units_added|ERROR|SUMMARY|Test unit written' \
    "$builddir/fuzz-logs/$t.log" | tail -8
done
exit $status
