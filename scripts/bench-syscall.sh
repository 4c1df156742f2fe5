#!/bin/sh
# System call cost, native versus inside xlibos (today's trap path: every
# guest syscall is a host seccomp SIGSYS into the LibOS).  Builds
# tests/guest/bench_syscall.c statically, runs it natively and in
# "xlibos run" one after the other, and prints a table:
#   call  native ns  xlibos trap-path ns  ratio
# usage: bench-syscall.sh [LOADER [ROOTFS [N]]]
#   defaults: build/bin/xlibos, build/rootfs, N=200000 iterations
#   (CC picks the compiler: default musl-gcc if installed, else gcc)
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
loader=${1:-$root/build/bin/xlibos}
rootfs=${2:-$root/build/rootfs}
n=${3:-200000}

if [ ! -x "$loader" ] || [ ! -d "$rootfs" ]; then
	echo "usage: $0 [LOADER [ROOTFS [N]]] (build them with make all rootfs)" >&2
	exit 2
fi
if [ -z "${CC:-}" ]; then
	if command -v musl-gcc >/dev/null 2>&1; then CC=musl-gcc; else CC=gcc; fi
fi

out=$root/build/tests/guest
mkdir -p "$out"
bin=$out/bench_syscall
src=$root/tests/guest/bench_syscall.c
if [ ! -x "$bin" ] || [ -n "$(find "$src" -newer "$bin")" ]; then
	$CC -static -O2 -Wall -o "$bin" "$src"
fi

scratch=$(mktemp -d "${TMPDIR:-/tmp}/xlibos-bench.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
trap 'exit 130' INT TERM
cp -a "$rootfs" "$scratch/rootfs"
cp "$bin" "$scratch/rootfs/bench_syscall"

"$bin" "$n" >"$scratch/native"
if ! timeout 600 "$loader" run --rootfs "$scratch/rootfs" -- /bench_syscall "$n" \
	>"$scratch/xlibos"; then
	echo "$0: the benchmark failed inside xlibos" >&2
	exit 1
fi

echo "syscall cost, ns per call (best of 3 x $n iterations, $(basename "$CC") static)"
awk '
	NR == FNR { native[$1] = $2; order[++n] = $1; next }
	{ guest[$1] = $2 }
	END {
		printf "%-30s %12s %22s %8s\n", "call", "native ns", "xlibos trap-path ns", "ratio"
		for (i = 1; i <= n; i++) {
			k = order[i]
			label = (k == "unixbench-mix") ? k " (5 calls)" : k
			ratio = (native[k] > 0) ? guest[k] / native[k] : 0
			printf "%-30s %12.1f %22.1f %7.1fx\n", label, native[k], guest[k], ratio
		}
	}' "$scratch/native" "$scratch/xlibos"
