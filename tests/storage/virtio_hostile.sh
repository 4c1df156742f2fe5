#!/bin/sh
# A hostile guest against the virtio back ends: a program inside the
# container (tests/storage/virtio_hostile.c) drives a disk's port page and
# builds its own virtqueues with garbage in them.  The supervisor must stop
# that device with one clear message and carry on: the container's command
# finishes, its root (another device) still works, nothing outside guest
# memory and the disk changes, and no process is left behind.
# usage: virtio_hostile.sh path/to/xlibos path/to/rootfs
set -u
if [ $# -ne 2 ] || [ ! -x "$1" ] || [ ! -d "$2" ]; then
	echo "usage: $0 path/to/xlibos path/to/rootfs" >&2
	exit 2
fi
xlibos=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
rootfs=$(cd "$2" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$here/../lib.sh"

prog=$scratch/virtio_hostile
if ! gcc -std=gnu11 -Wall -Wextra -Werror -O2 -static -I"$top/arch-xlibos/include/uapi" \
	-o "$prog" "$here/virtio_hostile.c" >"$out" 2>&1; then
	not_ok "build the hostile driver" ""
	summary
	exit
fi
# The LibOS's host futex wake, which the program calls as an attacker would.
image=${XLIBOS_IMAGE:-$top/build/xlibos.img}
wake=$(nm "$image" 2>/dev/null | awk '$3 == "xlibos_futex_wake" { print $1 }')
if [ -z "$wake" ]; then
	skip "hostile virtio driver" "no symbol xlibos_futex_wake in $image (nm)"
	summary
	exit
fi
tree=$scratch/tree
cp -a "$rootfs/." "$tree" && cp "$prog" "$tree/virtio_hostile"
disk=$scratch/disk.img
"$xlibos" mkdisk "$disk" 16M >"$out" 2>&1 || not_ok "xlibos mkdisk" ""
canary=$scratch/canary
echo "outside" >"$canary"
sum_before=$(sha256sum "$disk" "$canary")

# attack, the supervisor's message (empty: the device must keep going),
# what the program prints.
run_attack() {
	attack=$1 message=$2 printed=$3
	timeout -k 5 60 "$xlibos" run --rootfs "$tree" --disk "$disk:/scratch:ro" -- \
		sh -c "/virtio_hostile 1 $attack $wake && cat /bin/busybox >/dev/null && echo root-still-works" \
		>"$out" 2>&1
	rc=$?
	if [ $rc -ne 0 ]; then
		not_ok "$attack: container ends normally" "exit $rc"
	elif ! grep -q "root-still-works" "$out" || ! grep -qF -- "$printed" "$out"; then
		not_ok "$attack: the program finishes ($printed), the root disk still works" ""
	elif [ -n "$message" ] && ! grep -q "^xlibos: virtio-blk device 1: .*$message.*; the device is stopped" "$out"; then
		not_ok "$attack: one message from the supervisor" "expected: $message"
	elif [ -z "$message" ] && grep -q "device is stopped" "$out"; then
		not_ok "$attack: the device keeps going" ""
	else
		ok "$attack: $( [ -n "$message" ] && echo "device stopped: $message" || echo "device keeps going")"
	fi
}

run_attack regs "" "magic="
run_attack ring-out "queue rings are not in guest memory" "broken=1"
run_attack desc-out "is not guest memory" "broken=1"
run_attack desc-loop "out of range or a loop" "broken=1"
run_attack avail-jump "available index moved" "broken=1"
run_attack indirect "indirect descriptor" "broken=1"
# A read past the disk's end is the guest's own error: IOERR (1), no stop.
run_attack wild-sector "" "broken=0 status=1"

if [ "$(sha256sum "$disk" "$canary")" = "$sum_before" ]; then
	ok "the disk (read-only) and a file beside it are unchanged"
else
	not_ok "the disk (read-only) and a file beside it are unchanged" ""
fi
left=$(pgrep -f "$tree" || true)
if [ -z "$left" ]; then
	ok "no process left behind"
else
	not_ok "no process left behind" "$left"
fi
summary
exit
