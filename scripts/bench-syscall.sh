#!/bin/sh
# System call cost, native versus inside xlibos on the trap path (abcom
# off: every guest syscall is a host seccomp SIGSYS into the LibOS) and on
# the rewritten path (abcom full).  Builds tests/guest/bench_syscall.c
# statically, runs it natively and in "xlibos run" one after the other,
# and prints ns per call and the ratios native/rewritten (the speed-up)
# and rewritten/plain function call.
# usage: bench-syscall.sh [LOADER [ROOTFS [N]]]
#   defaults: build/bin/xlibos, build/rootfs, N=200000 iterations
#   (CC picks the compiler: default musl-gcc if installed, else gcc)
set -eu

PROG=bench_syscall
DEFAULT_N=200000
# shellcheck source-path=SCRIPTDIR source=bench-lib.sh
. "$(dirname "$0")/bench-lib.sh"

"$bin" "$n" >"$scratch/native"
for mode in off full; do
	if ! timeout 600 "$loader" run --abcom "$mode" --stats --rootfs "$scratch/rootfs" \
		-- /bench_syscall "$n" >"$scratch/$mode" 2>"$scratch/$mode.stats"; then
		echo "$0: the benchmark failed inside xlibos (--abcom $mode)" >&2
		cat "$scratch/$mode.stats" >&2
		exit 1
	fi
done

echo "syscall cost, ns per call (best of 3 x $n iterations, $(basename "$CC") static)"
echo "  native: on the host; trap: xlibos --abcom off (every call a host SIGSYS);"
echo "  rewritten: xlibos --abcom full (sites rewritten into jumps to the LibOS)"
awk '
	FILENAME ~ /native$/ { native[$1] = $2; order[++n] = $1; next }
	FILENAME ~ /off$/ { trap[$1] = $2; next }
	{ fast[$1] = $2 }
	END {
		printf "%-24s %10s %10s %10s %16s %14s\n", "call", "native", "trap",
		       "rewritten", "native/rewritten", "rewritten/call"
		for (i = 1; i <= n; i++) {
			k = order[i]
			label = (k == "unixbench-mix") ? k " (5 calls)" : k
			printf "%-24s %10.1f %10.1f %10.1f %15.1fx %13.1fx\n", label,
			       native[k], trap[k], fast[k],
			       (fast[k] > 0 ? native[k] / fast[k] : 0),
			       (fast["function-call"] > 0 ? fast[k] / fast["function-call"] : 0)
		}
	}' "$scratch/native" "$scratch/off" "$scratch/full"
sed 's/^xlibos: /  --abcom full: /' "$scratch/full.stats"
