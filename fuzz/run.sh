#!/bin/sh
# Fuzz each target with afl-fuzz for SECONDS on one CPU, one after the
# other, then print per target: seconds fuzzed, execs, paths (corpus
# entries), crashes, hangs.  A hang is run again with five times the limit
# and counted only if it still does not finish (a loaded host stalls a
# run now and then: those are reported as "flaky" and not kept).
# Crashing and hanging inputs are copied to fuzz/findings/<target>/ (named
# by content hash, so reruns add no duplicates).  Exits 1 if any target
# found a crash or hang, 2 if one could not be fuzzed.
# usage: run.sh BUILD_DIR SECONDS CPU TARGET[:SECONDS]...
#   BUILD_DIR  build/fuzz: afl/fuzz_<target>, seeds/<target>/, out/<target>/
#   env FUZZ_TIMEOUT_MS  per-input limit before AFL calls it a hang (1000)
set -u
build=$1 seconds=$2 cpu=$3
shift 3
findings=$(cd "$(dirname "$0")" && pwd)/findings
timeout_ms=${FUZZ_TIMEOUT_MS:-1000}
summary=$build/summary.txt
status=0

# afl-fuzz wants these when the sanitizers are in: abort so it sees a crash,
# no symbolizing (slow).  A request of gigabytes (a hostile size field)
# fails at once as malloc's would on most hosts, instead of ASan taking
# seconds to map it and AFL calling that a hang.
export ASAN_OPTIONS=abort_on_error=1:symbolize=0:detect_leaks=0:allocator_may_return_null=1:max_allocation_size_mb=2048
export UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:symbolize=0
export AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1

stat_of() {
	sed -n "s/^$1 *: *//p" "$2" 2>/dev/null | head -n 1
}

mkdir -p "$build/out"
: >"$summary"
printf '%-14s %8s %12s %7s %8s %6s\n' target seconds execs paths crashes hangs | tee -a "$summary"
for arg in "$@"; do
	t=${arg%%:*} secs=$seconds
	[ "$t" = "$arg" ] || secs=${arg#*:}
	bin=$build/afl/fuzz_$t out=$build/out/$t
	rm -rf "$out"
	mkdir -p "$out/tmp"
	cmd="afl-fuzz -b $cpu -V $secs -t $timeout_ms -m none -i $build/seeds/$t -o $out -- $bin"
	echo "$cmd" >"$out.cmd"
	FUZZ_TMPDIR=$out/tmp $cmd >"$out.log" 2>&1
	rc=$?
	stats=$out/default/fuzzer_stats
	if [ ! -f "$stats" ]; then
		printf '%-14s afl-fuzz failed (exit %d), see %s:\n' "$t" "$rc" "$out.log" | tee -a "$summary"
		tail -n 15 "$out.log" | sed 's/^/    /'
		status=2
		continue
	fi
	crashes=$(stat_of saved_crashes "$stats")
	hangs=0 flaky=0
	for f in "$out/default/hangs"/id:*; do
		[ -f "$f" ] || continue
		if FUZZ_TMPDIR=$out/tmp afl-showmap -q -t $((timeout_ms * 5)) -o /dev/null \
			-- "$bin" <"$f" >/dev/null 2>&1; then
			flaky=$((flaky + 1))
			rm -f "$f"
		else
			hangs=$((hangs + 1))
		fi
	done
	printf '%-14s %8s %12s %7s %8s %6s%s\n' "$t" "$(stat_of run_time "$stats")" \
		"$(stat_of execs_done "$stats")" "$(stat_of corpus_count "$stats")" \
		"${crashes:-?}" "$hangs" "$([ $flaky -eq 0 ] || echo " (+$flaky flaky)")" |
		tee -a "$summary"
	for kind in crashes hangs; do
		for f in "$out/default/$kind"/id:*; do
			[ -f "$f" ] || continue
			mkdir -p "$findings/$t"
			name=${kind%es}
			name=${name%s}-$(sha1sum <"$f" | cut -c1-16)
			[ -f "$findings/$t/$name" ] || echo "  new: fuzz/findings/$t/$name"
			cp "$f" "$findings/$t/$name"
		done
	done
	if [ "${crashes:-0}" != 0 ] || [ "${hangs:-0}" != 0 ]; then
		[ $status -eq 0 ] && status=1
	fi
done
echo "(commands in $build/out/<target>.cmd, afl-fuzz output in $build/out/<target>.log)"
exit $status
