#!/bin/sh
# The guest's random pool is seeded from the host at boot (boot info's
# rng_seed, credited by add_bootloader_randomness): the first getrandom()
# does not wait for jitter entropy, and two containers never share a seed.
# usage: random_seed.sh path/to/xlibos path/to/rootfs
set -u
if [ $# -ne 2 ] || [ ! -x "$1" ] || [ ! -d "$2" ]; then
	echo "usage: $0 path/to/xlibos path/to/rootfs" >&2
	exit 2
fi
xlibos=$1 rootfs=$2
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$here/../lib.sh"

# crng_ready() is what getrandom(0) waits for; entropy_avail reads 256 then.
expect "the pool is ready when the command starts (entropy_avail 256)" 0 "256" \
	timeout -k 5 60 "$xlibos" run --rootfs "$rootfs" -- cat /proc/sys/kernel/random/entropy_avail
# Control: the same check fails when the kernel is told not to credit it.
got=$(timeout -k 5 60 "$xlibos" run --rootfs "$rootfs" --cmdline random.trust_bootloader=off -- \
	cat /proc/sys/kernel/random/entropy_avail 2>&1)
if [ "$got" != 256 ]; then
	ok "control: without crediting the seed the pool is not ready ($got)"
else
	not_ok "control: without crediting the seed the pool is not ready" "$got"
fi
# /dev/random blocks exactly like getrandom(0) until the pool is ready.
expect "/dev/random gives 64 bytes at once" 0 "64" \
	timeout -k 5 60 "$xlibos" run --rootfs "$rootfs" -- sh -c 'head -c 64 /dev/random | wc -c'
a=$(timeout -k 5 60 "$xlibos" run --rootfs "$rootfs" -- sh -c 'head -c 32 /dev/urandom | od -An -tx1' 2>&1)
b=$(timeout -k 5 60 "$xlibos" run --rootfs "$rootfs" -- sh -c 'head -c 32 /dev/urandom | od -An -tx1' 2>&1)
if [ -n "$a" ] && [ "$a" != "$b" ]; then
	ok "two containers draw different random bytes"
else
	not_ok "two containers draw different random bytes" "$a / $b"
fi
summary
