# shellcheck shell=sh
# Shared by the benchmarks that run a guest program natively and inside
# xlibos (bench-syscall.sh, bench-process.sh).  Source it with PROG (the
# name of tests/guest/PROG.c) and DEFAULT_N set, and the script's
# arguments [LOADER [ROOTFS [N]]].  It sets root, loader, rootfs, n, CC
# (default musl-gcc if installed, else gcc), bin (PROG built static, with
# -pthread) and scratch (a temporary directory, removed at exit, whose
# rootfs/ is a copy of ROOTFS with PROG in its root).

root=$(cd "$(dirname "$0")/.." && pwd)
loader=${1:-$root/build/bin/xlibos}
rootfs=${2:-$root/build/rootfs}
n=${3:-$DEFAULT_N}

if [ ! -x "$loader" ] || [ ! -d "$rootfs" ]; then
	echo "usage: $0 [LOADER [ROOTFS [N]]] (build them with make all rootfs)" >&2
	exit 2
fi
if [ -z "${CC:-}" ]; then
	if command -v musl-gcc >/dev/null 2>&1; then CC=musl-gcc; else CC=gcc; fi
fi

mkdir -p "$root/build/tests/guest"
bin=$root/build/tests/guest/$PROG
src=$root/tests/guest/$PROG.c
if [ ! -x "$bin" ] || [ -n "$(find "$src" -newer "$bin")" ]; then
	$CC -static -O2 -pthread -Wall -o "$bin" "$src"
fi

scratch=$(mktemp -d "${TMPDIR:-/tmp}/xlibos-bench.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
trap 'exit 130' INT TERM
cp -a "$rootfs" "$scratch/rootfs"
cp "$bin" "$scratch/rootfs/$PROG"
