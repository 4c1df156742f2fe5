#!/bin/sh
# Process costs, side by side in one run: fork+exit+wait, fork+execve+wait
# of a static binary, a pipe ping-pong between two processes and thread
# create+join (tests/guest/bench_process.c), natively, inside xlibos, and
# inside Debian's user-mode-linux (ptrace UML: the same "Linux in a
# process" idea) when it is installed (scripts/install-deps.sh --bench).
# Prints ns per operation and the ratios to native.
# usage: bench-process.sh [LOADER [ROOTFS [N]]]
#   defaults: build/bin/xlibos, build/rootfs, N=2000 iterations
#   (CC picks the compiler: default musl-gcc if installed, else gcc)
set -eu

PROG=bench_process
DEFAULT_N=2000
# shellcheck source-path=SCRIPTDIR source=bench-lib.sh
. "$(dirname "$0")/bench-lib.sh"

"$bin" "$n" >"$scratch/native"
if ! timeout 600 "$loader" run --rootfs "$scratch/rootfs" -- /bench_process "$n" \
	>"$scratch/xlibos"; then
	echo "$0: the benchmark failed inside xlibos" >&2
	exit 1
fi

# UML: the benchmark is init of a guest whose root is the same tree (hostfs).
uml=$(command -v linux.uml || true)
: >"$scratch/uml"
if [ -n "$uml" ]; then
	mkdir -p "$scratch/uml-tmp"
	TMPDIR=$scratch/uml-tmp timeout 600 "$uml" mem=256M rootfstype=hostfs \
		rootflags="$scratch/rootfs" rw init=/bench_process quiet con=null \
		con0=fd:0,fd:1 -- "$n" </dev/null 2>/dev/null |
		tr -d '\r' | grep -E '^[a-z+-]+ [0-9]+$' >"$scratch/uml" || true
fi

echo "process costs, ns per operation (best of 3 x $n, fork+execve x $((n / 4)); $(basename "$CC") static)"
awk -v uml_note="${uml:+ran}" '
	FILENAME ~ /native$/ { native[$1] = $2; order[++n] = $1; next }
	FILENAME ~ /xlibos$/ { guest[$1] = $2; next }
	{ uml[$1] = $2 }
	END {
		printf "%-22s %10s %10s %8s %10s %8s\n", "operation", "native", "xlibos",
		       "ratio", "UML", "ratio"
		for (i = 1; i <= n; i++) {
			k = order[i]
			u = (k in uml) ? sprintf("%10d %7.1fx", uml[k], uml[k] / native[k]) \
				       : sprintf("%10s %8s", "-", "-")
			printf "%-22s %10d %10d %7.1fx %s\n", k, native[k], guest[k],
			       guest[k] / native[k], u
		}
		if (uml_note == "")
			print "UML: not installed (scripts/install-deps.sh --bench installs user-mode-linux)"
	}' "$scratch/native" "$scratch/xlibos" "$scratch/uml"
