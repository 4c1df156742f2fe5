#!/bin/sh
# "xlibos run" against the stand-in kernel (tests/loader/fake_image.c): the
# kernel command line, the initrd it receives, and how the end of the guest
# becomes the exit status (the record's status on power-off, 125 otherwise).
# usage: fake_run.sh path/to/xlibos path/to/fake.img
# Prints "ok N - ..." / "not ok N - ..." and ends with "N passed, N failed".

if [ $# -ne 2 ] || [ ! -x "$1" ] || [ ! -f "$2" ]; then
	echo "usage: $0 path/to/xlibos path/to/fake.img" >&2
	exit 2
fi
xlibos=$1
fake=$2
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

root=$scratch/root
mkdir -p "$root/etc"
echo hello >"$root/etc/motd"

run() {
	"$xlibos" run --image "$fake" --rootfs "$root" "$@"
}

quiet_check() {
	if grep -q '^xlibos: ' "$out"; then not_ok "$1" "expected no loader message"; else ok "$1"; fi
}

expect "kernel command line is rdinit=/.xlibos/init loglevel=0" 0 \
	"fake: cmdline='rdinit=/.xlibos/init loglevel=0'" run -- true
quiet_check "power-off with status 0 is quiet"
expect "--cmdline is appended" 0 "fake: cmdline='rdinit=/.xlibos/init loglevel=0 loglevel=3 fake_status=0'" \
	run --cmdline "loglevel=3 fake_status=0" -- true
expect "guest status 7 becomes the exit status" 7 "" run --cmdline fake_status=7 -- true
quiet_check "status 7 is quiet"
expect "guest status 139" 139 "" run --cmdline fake_status=139 -- true
expect "guest status 255" 255 "" run --cmdline fake_status=255 -- true
expect "guest status out of range" 125 "guest reported exit status 300 (outside 0-255)" \
	run --cmdline fake_status=300 -- true
expect "kernel panic exits 125 with the panic line" 125 \
	"xlibos: guest kernel panic: fake panic: init died" run --cmdline fake_panic -- true
expect_one_line "kernel panic: one line"
expect "LibOS exiting without a record exits 125" 125 "LibOS terminated unexpectedly (exit status 7)" \
	run --cmdline fake_exit7 -- true
expect "initrd checked by the fake kernel in 32M" 0 "" run --mem 32M -- true

# Packed (--pack), the files need twice their pages in guest RAM besides
# the archive and the kernel: 20 MiB cannot fit in 32M.  As a disk image
# (the default) they need no guest memory.
head -c $((20 << 20)) /dev/zero >"$root/big"
expect "rootfs too big for --mem" 125 "xlibos: rootfs (21 MiB in files, 21 MiB in memory) does not fit in --mem 32M (needs at least" \
	run --pack --mem 32M -- true
expect_one_line "rootfs too big: one line"
expect "the same rootfs fits in 128M" 0 "" run --mem 128M -- true

summary
