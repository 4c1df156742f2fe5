#!/bin/sh
# A rootfs that is an overlay mount's top (podman's and containerd's
# containers) is keyed from its layers (loader/rootfs_image_layers.c):
# containers of one image share the image, and whatever changes what the
# merged tree shows (a write, a delete or a replaced directory through the
# overlay, a change in a lower layer, the layers' order) gives a new one.
# What the container sees is compared with the host's view of the mount.
# Runs in a mount namespace of its own (unshare -m): its mounts go with it.
# usage: rootfs_image_overlay.sh path/to/xlibos path/to/image_get [path/to/rootfs]
# Prints "ok N - ..." / "not ok N - ..." and ends with "N passed, N failed[, N skipped]".

if [ $# -lt 2 ]; then
	echo "usage: $0 path/to/xlibos path/to/image_get [path/to/rootfs]" >&2
	exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
xlibos=$1
get=$2
tree=${3:-$root/build/rootfs}
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$here/../lib.sh"

checks="two mounts of one lower share the image|a file written through the overlay|the image b shares stays after a's new one|the other mount still shows the lower's file|a file deleted through the overlay|a directory replaced through the overlay|a file changed in the lower layer|two lowers: the upper one's file|two lowers in the other order: another image|a relative lowerdir: the merged tree|a directory inside an overlay: the merged tree"
why_not=
[ "$(id -u)" -eq 0 ] || why_not="needs root (overlay mounts)"
command -v unshare >/dev/null || why_not="unshare not installed (util-linux)"
[ -x "$tree/bin/busybox" ] || why_not="no rootfs at $tree (make rootfs)"
grep -qw overlay /proc/filesystems 2>/dev/null || modprobe overlay 2>/dev/null ||
	why_not="no overlayfs on this host"
if [ -z "$why_not" ] && [ -z "${XLIBOS_OVERLAY_TEST_NS:-}" ]; then
	# Again in a private mount namespace; the mounts end with it.
	XLIBOS_OVERLAY_TEST_NS=1 exec unshare -m --propagation private sh "$0" "$@"
fi
if [ -n "$why_not" ]; then
	echo "$checks" | tr '|' '\n' | while IFS= read -r c; do echo "ok - $c # SKIP $why_not"; done
	echo "0 passed, 0 failed, $(echo "$checks" | tr '|' '\n' | wc -l) skipped"
	exit 0
fi

XLIBOS_CACHE_DIR=$scratch/cache
export XLIBOS_CACHE_DIR
S=$scratch
cp -a "$tree" "$S/lower"
mkdir -p "$S/lower2/etc" && echo from-lower2 >"$S/lower2/etc/motd"

# ovl NAME LOWERDIRS: an overlay at $S/NAME/merged with an empty upper layer.
ovl() {
	mkdir -p "$S/$1/upper" "$S/$1/work" "$S/$1/merged"
	mount -t overlay overlay -o "lowerdir=$2,upperdir=$S/$1/upper,workdir=$S/$1/work" "$S/$1/merged"
}
# image DIR: the cache entry's image for DIR (the driver's first field).
image() { "$get" "$1" 2>"$out" | cut -d' ' -f1; }
# seen NAME CMD: CMD's output inside a container of $S/NAME/merged.
seen() { "$xlibos" run --net none --rootfs "$S/$1/merged" -- sh -c "$2" 2>"$out"; }
# same DESC WANT GOT
same() {
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "host: '$2', container: '$3'"; fi
}
cleanup() {
	for m in a b c d e f; do umount "$S/$m/merged" 2>/dev/null; done
	rm -rf "$scratch"
}
trap cleanup EXIT

ovl a "$S/lower"
ovl b "$S/lower"
ia=$(image "$S/a/merged")
ib=$(image "$S/b/merged")
if [ -n "$ia" ] && [ "$ia" = "$ib" ]; then
	ok "two mounts of one lower share the image"
else
	not_ok "two mounts of one lower share the image" "images: '$ia' and '$ib'"
fi

echo written-through-a >"$S/a/merged/etc/motd"
same "a file written through the overlay" "$(cat "$S/a/merged/etc/motd")" "$(seen a 'cat /etc/motd')"
# a's new image removes the images only a used, not the one b shares.
if [ -f "$ia" ]; then
	ok "the image b shares stays after a's new one"
else
	not_ok "the image b shares stays after a's new one" "gone: $ia"
fi
same "the other mount still shows the lower's file" "$(cat "$S/b/merged/etc/motd")" \
	"$(seen b 'cat /etc/motd')"

rm "$S/a/merged/etc/motd"
# shellcheck disable=SC2012 # the names are the test's own
same "a file deleted through the overlay" "$(ls "$S/a/merged/etc" | tr '\n' ' ')" \
	"$(seen a 'ls /etc' | tr '\n' ' ')"

rm -rf "$S/a/merged/etc" && mkdir "$S/a/merged/etc" && echo only >"$S/a/merged/etc/only"
# shellcheck disable=SC2012
same "a directory replaced through the overlay" "$(ls "$S/a/merged/etc" | tr '\n' ' ')" \
	"$(seen a 'ls /etc' | tr '\n' ' ')"

echo changed-in-lower >>"$S/lower/etc/hostname"
same "a file changed in the lower layer" "$(cat "$S/b/merged/etc/hostname")" \
	"$(seen b 'cat /etc/hostname')"

ovl c "$S/lower2:$S/lower"
ovl d "$S/lower:$S/lower2"
same "two lowers: the upper one's file" "$(cat "$S/c/merged/etc/motd")" "$(seen c 'cat /etc/motd')"
ic=$(image "$S/c/merged")
id=$(image "$S/d/merged")
if [ -n "$ic" ] && [ -n "$id" ] && [ "$ic" != "$id" ] &&
   [ "$(seen d 'cat /etc/motd')" = "$(cat "$S/d/merged/etc/motd")" ]; then
	ok "two lowers in the other order: another image"
else
	not_ok "two lowers in the other order: another image" "images: '$ic' and '$id'"
fi

# A lowerdir relative to the mounter's directory cannot be found again: merged walk.
mkdir -p "$S/e/upper" "$S/e/work" "$S/e/merged"
(cd "$S" && mount -t overlay overlay -o "lowerdir=lower,upperdir=$S/e/upper,workdir=$S/e/work" \
	"$S/e/merged")
echo relative >"$S/e/merged/etc/hostname"
same "a relative lowerdir: the merged tree" "relative" "$(seen e 'cat /etc/hostname')"

# The rootfs a directory inside an overlay, not its top: merged walk.
ovl f "$S"
same "a directory inside an overlay: the merged tree" "$(cat "$S/f/merged/lower/etc/hostname")" \
	"$("$xlibos" run --net none --rootfs "$S/f/merged/lower" -- cat /etc/hostname 2>"$out")"

summary
