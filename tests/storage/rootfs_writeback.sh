#!/bin/sh
# --rootfs-writeback: the container's changes to its root, kept in a guest
# tmpfs while it runs, are applied to the rootfs directory at its end
# (guest-init/writeback.c, over a 9P share of the rootfs).  The same
# script of changes runs natively in a chroot of one copy of a tree and in
# xlibos with --rootfs-writeback on another; the two trees must then be the
# same: names, types, modes (set-id bits too), owners, sizes, contents,
# link targets, hard links, the times the script set.  (Changing one name
# of a file the image has hard-linked breaks the link in the guest, as in
# any overlay without index=on, Docker's and podman's included: the script
# changes none.)  Then: what 9P cannot
# carry (a device node) is named and the rest still written; the command's
# status stands; the default still leaves the tree alone; --pack refuses
# the option; a program that mounts the share itself stays inside the
# rootfs.
# usage: rootfs_writeback.sh path/to/xlibos [path/to/rootfs]
set -u
if [ $# -lt 1 ] || [ ! -x "$1" ]; then
	echo "usage: $0 path/to/xlibos [path/to/rootfs]" >&2
	exit 2
fi
xlibos=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
rootfs=${2:-$top/build/rootfs}
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$here/../lib.sh"

checks="same tree as native|times set by the script|command's status|device node named, the rest written|default leaves the tree alone|--pack refused|share mounted inside stays in the rootfs|a second run sees the first's changes"
skip_all() {
	echo "$checks" | tr '|' '\n' | while IFS= read -r c; do skip "$c" "$1"; done
	summary
	exit 0
}
[ "$(id -u)" -eq 0 ] || skip_all "needs root (the native reference runs in a chroot)"
[ -x "$rootfs/bin/sh" ] || skip_all "no rootfs at $rootfs (make rootfs)"
export XLIBOS_CACHE_DIR="$scratch/cache"

# The image's side of the changes: files, trees and links to change or remove.
make_base() {
	cp -a "$rootfs/." "$1"
	mkdir -p "$1/data/gone/sub" "$1/data/opaque" "$1/data/todir" "$1/data/tofile/x"
	echo old >"$1/data/change"
	echo bye >"$1/data/gone/sub/f"
	echo hidden >"$1/data/opaque/old"
	echo file >"$1/data/todir"/../tofilex
	echo was >"$1/data/becomes-dir"
	ln -s /etc "$1/data/oldlink"
	echo linked >"$1/data/hl1"
	ln "$1/data/hl1" "$1/data/hl2"
	echo keep >"$1/data/keep"
	echo move >"$1/data/to-move"
	chmod 0640 "$1/data/keep"
}

# shellcheck disable=SC2016 # expanded inside the container
script='
set -e
cd /data
echo new >new
echo changed >change
rm -rf gone
rm -rf opaque && mkdir opaque && echo fresh >opaque/new
rm becomes-dir && mkdir becomes-dir && echo in >becomes-dir/f
rm -rf tofile && echo now-a-file >tofile
rm oldlink && ln -s /usr newlink && ln -s dangling oldlink
mkfifo fifo
echo pair >p1 && ln p1 p2
ln keep keep2
chown 1234:5678 new && chmod 4755 new
mkdir sgid && chmod 2775 sgid && chown 42:43 sgid
touch -d @1000000000 change
mkdir -p timed && touch -d @1200000000 timed
seq 1 300000 >big
echo sp >"with space" && echo nl >"new
line"
d=deep; i=0; while [ $i -lt 60 ]; do d=$d/d; i=$((i + 1)); done
mkdir -p "$d" && echo bottom >"$d/f"
chmod 0600 keep
mv /data/to-move /data/moved
exit 7
'

# listing DIR: one line per entry, sorted: what must be the same.
listing() {
	(cd "$1" && find . -path ./dev -prune -o -path ./proc -prune -o -path ./sys -prune -o \
		-path ./tmp -prune -o -printf '%p|%y|%m|%U|%G|%s|%n|%l|' -exec sh -c \
		'[ -f "$1" ] && [ ! -L "$1" ] && md5sum <"$1" | cut -c1-32 || echo -' sh {} \;) |
		LC_ALL=C sort
}

make_base "$scratch/native"
make_base "$scratch/guest"
chroot "$scratch/native" /bin/sh -c "$script" >"$scratch/n.out" 2>&1
nrc=$?
"$xlibos" run --net none --rootfs "$scratch/guest" --rootfs-writeback -- /bin/sh -c "$script" \
	>"$scratch/g.out" 2>&1
grc=$?
listing "$scratch/native" >"$scratch/n.list"
listing "$scratch/guest" >"$scratch/g.list"
if diff "$scratch/n.list" "$scratch/g.list" >"$scratch/d" 2>&1 && [ -s "$scratch/n.list" ]; then
	ok "same tree as native"
else
	not_ok "same tree as native" "$(head -40 "$scratch/d"; cat "$scratch/g.out")"
fi
t1=$(stat -c %Y "$scratch/guest/data/change" "$scratch/guest/data/timed" | tr '\n' ' ')
if [ "$t1" = "1000000000 1200000000 " ]; then
	ok "times set by the script"
else
	not_ok "times set by the script" "got $t1"
fi
if [ "$nrc" -eq 7 ] && [ "$grc" -eq 7 ]; then
	ok "command's status"
else
	not_ok "command's status" "native $nrc, xlibos $grc: $(cat "$scratch/g.out")"
fi

# A device node cannot reach the host through 9P: named, the rest written.
"$xlibos" run --net none --rootfs "$scratch/guest" --rootfs-writeback -- /bin/sh -c \
	'mknod /data/null c 1 3 && echo after >/data/after' >"$out" 2>&1
rc=$?
if [ "$rc" -eq 0 ] && grep -q "writeback: /data/null: a device node" "$out" &&
	grep -q "1 of the container's changes to its root were not written back" "$out" &&
	[ "$(cat "$scratch/guest/data/after" 2>/dev/null)" = after ] && [ ! -e "$scratch/guest/data/null" ]; then
	ok "device node named, the rest written"
else
	not_ok "device node named, the rest written" "rc $rc"
fi

listing "$scratch/guest" >"$scratch/before"
"$xlibos" run --net none --rootfs "$scratch/guest" -- /bin/sh -c 'echo x >/data/new; rm -rf /data/deep' \
	>"$out" 2>&1
listing "$scratch/guest" >"$scratch/after"
if cmp -s "$scratch/before" "$scratch/after"; then
	ok "default leaves the tree alone"
else
	not_ok "default leaves the tree alone" "$(diff "$scratch/before" "$scratch/after" | head)"
fi

expect "--pack refused" 125 "--rootfs-writeback needs the rootfs as an image" \
	"$xlibos" run --net none --pack --rootfs "$scratch/guest" --rootfs-writeback -- true

# A program inside mounts the share and walks up: it stays in the rootfs.
mkdir -p "$scratch/outside"
"$xlibos" run --net none --rootfs "$scratch/guest" --rootfs-writeback -- /bin/sh -c '
	mkdir -p /mnt/share && mount -t 9p -o trans=virtio,version=9p2000.L xlibos-root /mnt/share &&
	echo pwn >/mnt/share/../../../outside-file; echo pwn >/mnt/share/inside-file
	ln -s /mnt/share/../.. /mnt/share/up; echo pwn >/mnt/share/up/outside-file2; true' \
	>"$out" 2>&1
if [ -z "$(ls -A "$scratch/outside")" ] && [ ! -e "$scratch/outside-file" ] &&
	[ ! -e "$scratch/outside-file2" ] && [ ! -e "$(dirname "$scratch")/outside-file" ] &&
	[ "$(cat "$scratch/guest/inside-file" 2>/dev/null)" = pwn ]; then
	ok "share mounted inside stays in the rootfs"
else
	not_ok "share mounted inside stays in the rootfs" "$(ls -la "$scratch")"
fi

# The tree changed: a new image is made from it, and the changes are there.
expect "a second run sees the first's changes" 0 "fresh" \
	"$xlibos" run --net none --rootfs "$scratch/guest" --rootfs-writeback -- /bin/sh -c \
	'cat /data/opaque/new && test ! -e /data/opaque/old && test -p /data/fifo && test -u /data/new'

summary
