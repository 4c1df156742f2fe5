#!/bin/sh
# The read-only ext4 image of a rootfs tree (loader/rootfs_image.c), host
# side: what the image holds (read back with debugfs and e2fsck, compared
# with the tree), the cache (hits, keys, concurrent starts, broken
# entries) and hostile trees (escaping symlinks, special files, unreadable
# files, hard links of host files, a tree changed while it is imaged).
# usage: rootfs_image.sh path/to/image_get [path/to/xlibos path/to/fake.img]
#   image_get is the test driver (tests/storage/image_get.c, built here if
#   missing); xlibos and fake.img, if given, compare abcom's tables with
#   those of a packed start.
# Prints "ok N - ..." / "not ok N - ..." and ends with "N passed, N failed[, N skipped]".

if [ $# -lt 1 ]; then
	echo "usage: $0 path/to/image_get [path/to/xlibos path/to/fake.img]" >&2
	exit 2
fi
get=$1
xlibos=${2:-}
fake=${3:-}
root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

# Keep in step with the checks below: all are skipped together.
NCHECKS=73
why_not=
[ "$(id -u)" -eq 0 ] || why_not="needs root (trees of other owners, device nodes, mount namespaces)"
for tool in debugfs e2fsck dumpe2fs mke2fs timeout; do
	command -v "$tool" >/dev/null || why_not="$tool not installed (e2fsprogs, coreutils)"
done
# Up to date with the loader's sources (a no-op when it is).
if [ -z "$why_not" ]; then
	case $get in /*) abs_get=$get ;; *) abs_get=$PWD/$get ;; esac
	if ! make --no-print-directory -s -C "$root/loader" "$abs_get" >"$out" 2>&1; then
		not_ok "the test driver $get builds"
		summary
		exit
	fi
fi
if [ -n "$why_not" ]; then
	for i in $(seq "$NCHECKS"); do skip "rootfs image check $i" "$why_not"; done
	summary
	exit
fi
have_python=no
command -v python3 >/dev/null && python3 -c 'import ctypes, os' 2>/dev/null && have_python=yes

XLIBOS_CACHE_DIR=$scratch/cache
export XLIBOS_CACHE_DIR
images=$XLIBOS_CACHE_DIR/images

# A host file that must never reach an image.
marker="XLIBOS-HOST-SECRET-$$-$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')"
host=$scratch/host
mkdir -p "$host/dir"
echo "$marker shadow" >"$host/shadow" && chmod 0600 "$host/shadow"
echo "$marker dir" >"$host/dir/secret"

# image DIR [--tables]: the cached image's path in $img (empty on failure), output in $out.
image() {
	img_dir=$1
	shift
	timeout -k 5 120 "$get" "$@" "$img_dir" >"$out" 2>&1
	img_rc=$?
	img=
	[ "$img_rc" -eq 0 ] && img=$(cut -d' ' -f1 "$out")
	return "$img_rc"
}

# The tree's entries as "path type perm uid gid size" (size for files and
# symlinks), sorted; and the same from the image through debugfs.
tree_listing() {
	(cd "$1" && find . -mindepth 1 -printf '%P %y %04m %U %G %s\n') |
		awk '{ if ($2 != "f" && $2 != "l") $6 = "-"; print }' | sort
}
image_listing() {
	(cd "$1" && find . -type d -printf '%P\n') | sed 's|^|ls -p /|' >"$scratch/cmds"
	debugfs -f "$scratch/cmds" "$2" 2>/dev/null | awk '
		/^debugfs: ls -p \// { dir = substr($0, 17); if (dir != "") dir = dir "/"; next }
		/^\// {
			n = split($0, f, "/")
			name = f[6]
			if (name == "." || name == "..") next
			m = f[3]
			t = substr(m, 1, length(m) - 4) + 0
			type = t == 4 ? "d" : t == 10 ? "f" : t == 12 ? "l" : t == 1 ? "p" : t == 2 ? "c" : t == 6 ? "b" : t == 14 ? "s" : "?"
			size = (type == "f" || type == "l") ? f[7] : "-"
			print dir name, type, substr(m, length(m) - 3), f[4], f[5], size
		}' | sort
}
fsck_clean() {
	e2fsck -fn "$1" >"$scratch/fsck" 2>&1
}
in_image() {	# in_image IMAGE PATH: debugfs stat of PATH
	debugfs -R "stat \"/$2\"" "$1" 2>/dev/null
}
leftovers() {	# temporary files or build directories left in the cache
	find "$images" -name '*.tmp-*' -o -name 'stage-*' | grep -c .
}

# --- a tree of every kind of entry ---
t=$scratch/tree
mkdir -p "$t/bin" "$t/etc/deep/er" "$t/tmp" "$t/home/user" "$t/dev" "$t/empty-dir"
chmod 1777 "$t/tmp"
head -c 300000 /dev/urandom >"$t/bin/prog"
chmod 4755 "$t/bin/prog"
echo "hello" >"$t/etc/hostname"
: >"$t/etc/empty"
head -c 5000 /dev/urandom >"$t/etc/deep/er/file"
ln "$t/etc/deep/er/file" "$t/etc/deep/hardlink"
ln "$t/etc/deep/er/file" "$t/etc/third-link"
truncate -s 100M "$t/etc/sparse" && printf 'end' >>"$t/etc/sparse"
ln -s hostname "$t/etc/short-link"
ln -s "$(printf 'x%.0s' $(seq 120))/target" "$t/etc/long-link"
ln -s /etc/shadow "$t/etc/abs-shadow"
ln -s "../../../../../../..$host/shadow" "$t/etc/rel-shadow"
ln -s "$host/dir" "$t/dir-link"
mkfifo "$t/dev/fifo"
mknod "$t/dev/mem" c 1 1
mknod "$t/dev/sda" b 8 0
echo mine >"$t/home/user/file"
chown -R 1000:1000 "$t/home/user"
chown 65534:65534 "$t/etc/hostname"
chmod 0750 "$t"
if [ "$have_python" = yes ]; then
	python3 -c 'import os,sys; os.setxattr(sys.argv[1], "user.test", b"value")' "$t/etc/hostname" 2>/dev/null
fi

start=$(date +%s)
if image "$t" && [ -n "$img" ]; then ok "a tree of every kind of entry is imaged"; else not_ok "a tree of every kind of entry is imaged"; fi
if [ $(($(date +%s) - start)) -lt 60 ]; then ok "... without hanging on the FIFO"; else not_ok "... without hanging on the FIFO"; fi
case $img in
"$images"/[0-9a-f]*/rootfs.ext4) ok "the image is <cache>/images/<key>/rootfs.ext4" ;;
*) not_ok "the image is <cache>/images/<key>/rootfs.ext4" "got: $img" ;;
esac
key_dir=$(basename "$(dirname "$img")")
if [ "${#key_dir}" -eq 64 ] && [ "$(stat -c '%a %u' "$images" "$images/$key_dir" | sort -u)" = "700 0" ] &&
   [ "$(stat -c '%a %u %F' "$img")" = "400 0 regular file" ]; then
	ok "key of 64 hex digits; directories 0700, image 0400, ours"
else
	not_ok "key of 64 hex digits; directories 0700, image 0400, ours" "$(stat -c '%n %a %u %F' "$images" "$images/$key_dir" "$img")"
fi
if [ "$(cut -d' ' -f2 "$out")" = "$(stat -c %s "$img")" ]; then ok "the size reported is the file's"; else
	not_ok "the size reported is the file's"; fi
if fsck_clean "$img"; then ok "e2fsck -fn finds the image clean"; else not_ok "e2fsck -fn finds the image clean" "$(cat "$scratch/fsck")"; fi
if dumpe2fs -h "$img" 2>/dev/null | grep -q '^Block size: *4096$' &&
   ! dumpe2fs -h "$img" 2>/dev/null | grep '^Filesystem features:' | grep -q has_journal; then
	ok "4 KiB blocks, no journal (read-only image)"
else
	not_ok "4 KiB blocks, no journal (read-only image)"
fi
tree_listing "$t" >"$scratch/want"
image_listing "$t" "$img" >"$scratch/got"
if cmp -s "$scratch/want" "$scratch/got"; then
	ok "names, types, modes, owners and sizes as in the tree ($(wc -l <"$scratch/want") entries)"
else
	not_ok "names, types, modes, owners and sizes as in the tree" "$(diff "$scratch/want" "$scratch/got")"
fi
if in_image "$img" "" | grep -q 'Mode:  0750' && in_image "$img" "" | grep -q 'User:     0   Group:     0' &&
   ! debugfs -R 'ls /' "$img" 2>/dev/null | grep -q lost+found; then
	ok "the root is 0:0 with the tree's mode (0750), no lost+found (as runc shows the tree)"
else
	not_ok "the root is 0:0 with the tree's mode (0750), no lost+found (as runc shows the tree)" "$(in_image "$img" "" | head -5)"
fi
if in_image "$img" etc/abs-shadow | grep -qF 'Fast link dest: "/etc/shadow"' &&
   in_image "$img" etc/rel-shadow | grep -qF "Fast link dest: \"../../../../../../..$host/shadow\"" &&
   in_image "$img" dir-link | grep -qF "link dest: \"$host/dir\"" &&
   [ "$(debugfs -R 'cat /etc/long-link' "$img" 2>/dev/null)" = "$(readlink "$t/etc/long-link")" ]; then
	ok "symlinks (absolute, ../.., to a host directory, 120+ bytes) kept as symlinks with their text"
else
	not_ok "symlinks (absolute, ../.., to a host directory, 120+ bytes) kept as symlinks with their text"
fi
if grep -qaF "$marker" "$img"; then not_ok "no host file content in the image"; else ok "no host file content in the image"; fi
if in_image "$img" etc/deep/hardlink | grep -q 'Links: 3' &&
   [ "$(in_image "$img" etc/deep/hardlink | sed -n 's/^Inode: \([0-9]*\).*/\1/p')" = \
     "$(in_image "$img" etc/third-link | sed -n 's/^Inode: \([0-9]*\).*/\1/p')" ]; then
	ok "hard links are one inode with 3 links"
else
	not_ok "hard links are one inode with 3 links"
fi
if in_image "$img" dev/mem | grep -q 'Device major/minor number: 01:01' &&
   in_image "$img" dev/sda | grep -q 'Device major/minor number: 08:00' &&
   in_image "$img" dev/fifo | grep -q 'Type: FIFO'; then
	ok "device nodes and the FIFO are made as such (never opened)"
else
	not_ok "device nodes and the FIFO are made as such (never opened)"
fi
mkdir -p "$scratch/dump"
debugfs -R "rdump / $scratch/dump" "$img" >/dev/null 2>&1
if cmp -s "$t/bin/prog" "$scratch/dump/bin/prog" && cmp -s "$t/etc/sparse" "$scratch/dump/etc/sparse" &&
   cmp -s "$t/etc/deep/er/file" "$scratch/dump/etc/deep/hardlink" && cmp -s "$t/home/user/file" "$scratch/dump/home/user/file"; then
	ok "file contents are the tree's (binary, sparse 100 MiB, hard link)"
else
	not_ok "file contents are the tree's (binary, sparse 100 MiB, hard link)"
fi
if [ "$(stat -c %b "$img")" -lt $(( $(stat -c %s "$img") / 512 / 2 )) ]; then
	ok "the image file is sparse ($(( $(stat -c %b "$img") / 2048 )) of $(( $(stat -c %s "$img") >> 20 )) MiB allocated)"
else
	not_ok "the image file is sparse"
fi
if [ "$have_python" = no ] || ! python3 -c 'import os,sys; os.getxattr(sys.argv[1], "user.test")' "$t/etc/hostname" 2>/dev/null; then
	skip "extended attributes are copied" "no user xattrs here"
elif debugfs -R 'ea_get /etc/hostname user.test' "$img" 2>/dev/null | grep -q value; then
	ok "extended attributes are copied"
else
	not_ok "extended attributes are copied"
fi

# --- the cache ---
first=$img
before=$(stat -c '%i %y' "$img")
start_ns=$(date +%s%N)
image "$t"
took=$((($(date +%s%N) - start_ns) / 1000000))
if [ "$img" = "$first" ] && [ "$(stat -c '%i %y' "$img")" = "$before" ]; then
	ok "second get: the same image, not made again (same inode and mtime; ${took} ms)"
else
	not_ok "second get: the same image, not made again"
fi
# The walk runs on as many threads as it may use CPUs: one gives the same key.
if ! command -v taskset >/dev/null || [ "$(nproc)" -lt 2 ]; then
	skip "the key on one CPU: the same image" "needs taskset and 2 CPUs"
else
	timeout -k 5 120 taskset -c 0 "$get" "$t" >"$out" 2>&1
	if [ "$(cut -d' ' -f1 "$out")" = "$first" ]; then
		ok "the key on one CPU (one walking thread): the same image"
	else
		not_ok "the key on one CPU (one walking thread): the same image" "$(cat "$out")"
	fi
fi
if [ "$(find "$images" -name rootfs.ext4 | wc -l)" -eq 1 ] && [ "$(leftovers)" -eq 0 ]; then
	ok "one entry, nothing left of the build"
else
	not_ok "one entry, nothing left of the build" "$(find "$images")"
fi
keys="$key_dir"
# new_key DESC: the tree changed; a new entry, and the one before it, which
# only this tree used, removed (an image per restart of a writing container
# would pile up otherwise; rootfs_image_overlay.sh keeps a shared one)
new_key() {
	prev=$img
	image "$t"
	k=$(basename "$(dirname "$img")")
	if [ -n "$img" ] && ! printf '%s\n' "$keys" | grep -qx "$k" && [ ! -e "$prev" ]; then
		ok "$1: new key"
	else
		not_ok "$1: new key" "$(cat "$out")"
	fi
	keys="$keys
$k"
}
touch -d '2001-01-01' "$t/etc/hostname"
new_key "mtime changed"
chmod 0640 "$t/etc/hostname"
new_key "mode changed"
chown 1000 "$t/etc/empty"
new_key "owner changed"
# same size, mtime put back: ctime still says it changed
touch -r "$t/etc/deep/er/file" "$scratch/ref"
printf 'Y' | dd of="$t/etc/deep/er/file" bs=1 seek=10 conv=notrunc 2>/dev/null
touch -r "$scratch/ref" "$t/etc/deep/er/file"
new_key "contents changed with size and mtime restored (ctime)"
mv "$t/etc/empty" "$t/etc/empty2"
new_key "a file renamed"
ln -sfn other "$t/etc/short-link"
new_key "a symlink's target changed"
chmod 0700 "$t/etc/deep"
new_key "a directory's mode changed"
if python3 -c 'import os, sys; os.setxattr(sys.argv[1], "user.xlibos-test", b"1")' "$t/etc/deep" 2>/dev/null; then
	new_key "a directory's extended attribute set"
else
	skip "a directory's extended attribute set" "no user.* attributes on $t's file system"
fi
# A directory's own times are the container's (a new overlay upper
# directory, directories copied up): the key leaves them out.
was=$k
touch -d '2002-02-02' "$t/etc/deep" "$t"
image "$t"
if [ "$(basename "$(dirname "$img")")" = "$was" ]; then
	ok "only directories' times changed: the same entry (an overlay's copy-up shares the image)"
else
	not_ok "only directories' times changed: the same entry" "$(cat "$out")"
fi
if debugfs -R 'cat /etc/deep/er/file' "$img" 2>/dev/null | cmp -s - "$t/etc/deep/er/file"; then
	ok "the new image has the new contents"
else
	not_ok "the new image has the new contents"
fi

# --- abcom's tables ---
e=$scratch/elf
mkdir -p "$e/bin" "$e/etc"
cp "$root/build/bin/xlibos-init" "$e/bin/init-copy" 2>/dev/null || cp /bin/true "$e/bin/init-copy"
cp /bin/true "$e/bin/true"
echo "not a program" >"$e/etc/text"
image "$e" --tables
tables_len=$(cut -d' ' -f3 "$out")
if [ -n "$img" ] && [ "${tables_len:-0}" -gt 0 ]; then ok "tables of the tree's programs ($tables_len bytes)"; else
	not_ok "tables of the tree's programs"; fi
tables_file=$(dirname "$img")/abcom-tables-v$(sed -n 's/^#define ABCOM_VERSION \([0-9]*\).*/\1/p' "$root/abcom/abcom.h")
before=$(stat -c '%i %y' "$tables_file" 2>/dev/null)
timeout -k 5 60 "$get" --dump-tables "$scratch/blob1" "$e" >"$out" 2>&1
if [ -n "$before" ] && [ "$(stat -c '%i %y' "$tables_file")" = "$before" ] &&
   [ "$(stat -c %s "$scratch/blob1")" = "$tables_len" ]; then
	ok "tables cached next to the image and used again"
else
	not_ok "tables cached next to the image and used again"
fi
if [ -n "$xlibos" ] && [ -x "$xlibos" ] && [ -f "$fake" ] && command -v cpio >/dev/null; then
	timeout -k 5 60 "$xlibos" run --pack --image "$fake" --rootfs "$e" --cmdline fake_dump -- true >"$scratch/archive" 2>/dev/null
	mkdir -p "$scratch/unpacked"
	(cd "$scratch/unpacked" && cpio -idm --quiet .xlibos/abcom-tables <"$scratch/archive" 2>/dev/null)
	# the packed blob is the tree's records, then the guest init's
	if [ ! -s "$scratch/unpacked/.xlibos/abcom-tables" ]; then
		skip "the tables are those --pack hands over for the tree" "xlibos run --cmdline fake_dump gave no archive"
	elif cmp -s -n "$tables_len" "$scratch/blob1" "$scratch/unpacked/.xlibos/abcom-tables"; then
		ok "the tables are those --pack hands over for the tree"
	else
		not_ok "the tables are those --pack hands over for the tree"
	fi
else
	skip "the tables are those --pack hands over for the tree" "no xlibos and fake.img given"
fi
printf 'garbage' >"$scratch/garbage" && chmod u+w "$tables_file" && cat "$scratch/garbage" >"$tables_file"
timeout -k 5 60 "$get" --dump-tables "$scratch/blob2" "$e" >"$out" 2>&1
if cmp -s "$scratch/blob1" "$scratch/blob2"; then ok "corrupted tables file: made again"; else
	not_ok "corrupted tables file: made again"; fi

# --- broken cache entries are made again ---
image "$t"
good=$img
corrupt() {	# corrupt DESC: $good was damaged; the next get makes it again
	image "$t"
	if [ "$img" = "$good" ] && [ -f "$img" ] && [ ! -L "$img" ] && fsck_clean "$img" &&
	   [ "$(stat -c '%a %u' "$img")" = "400 0" ]; then
		ok "$1: made again"
	else
		not_ok "$1: made again"
	fi
}
chmod u+w "$good" && printf '\0\0' | dd of="$good" bs=1 seek=1080 conv=notrunc 2>/dev/null
corrupt "superblock magic overwritten"
chmod u+w "$good" && truncate -s 1M "$good"
corrupt "image truncated"
rm -f "$good" && ln -s "$host/shadow" "$good"
corrupt "image replaced by a symlink to a host file"
if grep -qaF "$marker" "$good"; then not_ok "... which is not followed"; else ok "... which is not followed"; fi
rm -f "$good" && mkfifo "$good"
corrupt "image replaced by a FIFO (no hang)"
# (the tree's first image went when the tree changed: another tree's)
other=$(timeout -k 5 60 "$get" "$e" 2>/dev/null | cut -d' ' -f1)
rm -f "$good" && cp "$other" "$good"
corrupt "image replaced by another tree's image"
chown 1000 "$good"
corrupt "image owned by another user"
: >"$(dirname "$good")/rootfs.ext4.tmp-999999" && mkdir "$(dirname "$good")/stage-999999"
rm -f "$good"
corrupt "leftovers of a killed build next to a missing image"
if [ "$(leftovers)" -eq 0 ]; then ok "... are removed by the next build"; else not_ok "... are removed by the next build"; fi
stat -c %i "$good" >"$scratch/good-ino"
chmod 0755 "$(dirname "$good")"
expect "an entry directory open to others is not used: a warning, an image for this run only" 0 \
	"xlibos: warning: rootfs image: the image cache entry is open to group or others (needs mode 0700); the image is made for this run only" \
	timeout -k 5 60 "$get" "$t"
if [ "$(grep -c . "$out")" -eq 2 ] && grep -q '(deleted)' "$out" && [ "$(stat -c %i "$good")" = "$(cat "$scratch/good-ino")" ]; then
	ok "... one warning line, the image deleted once open, the entry left alone"
else
	not_ok "... one warning line, the image deleted once open, the entry left alone"
fi
chmod 0700 "$(dirname "$good")"

env -u XLIBOS_CACHE_DIR -u XDG_CACHE_HOME -u HOME TMPDIR="$scratch" timeout -k 5 60 "$get" --tables "$t" >"$out" 2>&1
if grep -qx "xlibos: warning: rootfs image: no usable cache directory (set XLIBOS_CACHE_DIR to a directory of yours, mode 0700); the image is made for this run only" "$out" &&
   grep -q "^$scratch/xlibos-image\.[A-Za-z0-9]*/rootfs.ext4 (deleted) [0-9]* [0-9]*\$" "$out" &&
   [ -z "$(find "$scratch" -maxdepth 1 -name 'xlibos-image.*')" ]; then
	ok "no cache directory at all: an image in TMPDIR for this run only, nothing left there"
else
	not_ok "no cache directory at all: an image in TMPDIR for this run only, nothing left there"
fi

# --- concurrent first starts of a new tree ---
c=$scratch/conc
mkdir -p "$c"
for i in $(seq 20); do head -c 2000000 /dev/urandom >"$c/f$i"; done
for i in 1 2 3 4 5 6; do
	timeout -k 5 120 "$get" "$c" >"$scratch/conc.$i" 2>&1 &
done
wait
paths=$(cut -d' ' -f1 "$scratch"/conc.* | sort -u)
if [ "$(printf '%s\n' "$paths" | wc -l)" -eq 1 ] && [ -f "$paths" ] && ! grep -q xlibos: "$scratch"/conc.*; then
	ok "6 concurrent gets of a new tree all succeed with one image"
else
	not_ok "6 concurrent gets of a new tree all succeed with one image" "$(cat "$scratch"/conc.*)"
fi
if fsck_clean "$paths" && [ "$(leftovers)" -eq 0 ]; then ok "... which is clean, nothing left over"; else
	not_ok "... which is clean, nothing left over"; fi

# --- hostile trees ---
ln -s "$t" "$scratch/top-link"
expect "top directory a symlink: refused" 125 "xlibos: rootfs '$scratch/top-link' is a symlink; give the directory it points to" \
	timeout -k 5 60 "$get" "$scratch/top-link"
expect_one_line "top directory a symlink: one line"
expect "top directory a symlink with a trailing slash: refused" 125 "is a symlink" \
	timeout -k 5 60 "$get" "$scratch/top-link/"
expect "top directory missing" 125 "xlibos: rootfs '$scratch/none' not found" timeout -k 5 60 "$get" "$scratch/none"
expect "top directory a file" 125 "xlibos: rootfs '$host/shadow' is not a directory" timeout -k 5 60 "$get" "$host/shadow"

# A nobody-owned tree: mke2fs reads it as nobody.
r=$scratch/nobody
mkdir -p "$r/etc"
echo "the tree's own file" >"$r/etc/rootonly"
chown -R 65534:65534 "$r"
chown 0:0 "$r/etc/rootonly" && chmod 0600 "$r/etc/rootonly"
expect "a file its owner cannot read: refused" 125 "rootonly" timeout -k 5 60 "$get" "$r"
if grep -q "^xlibos: rootfs image of '$r': mke2fs failed (status 1): .*Permission denied" "$out"; then
	ok "... saying mke2fs could not read it"
else
	not_ok "... saying mke2fs could not read it"
fi
expect_one_line "unreadable file: one line"
if [ "$(find "$images" -name rootfs.ext4 -newer "$r/etc/rootonly" | wc -l)" -eq 0 ] && [ "$(leftovers)" -eq 0 ]; then
	ok "a failed build leaves no entry behind"
else
	not_ok "a failed build leaves no entry behind" "$(find "$images" -newer "$r/etc/rootonly")"
fi
chown 65534:65534 "$r/etc/rootonly"
if image "$r" && in_image "$img" etc/rootonly | grep -q 'User: 65534'; then
	ok "once nobody owns it, it is imaged with its owner"
else
	not_ok "once nobody owns it, it is imaged with its owner"
fi
ln "$host/shadow" "$r/etc/stolen"
chown 0:0 "$r/etc/stolen"
expect "a hard link of a root-only host file in a nobody-owned tree: refused" 125 \
	"xlibos: rootfs: '$r/etc/stolen' is a hard link not owned by the rootfs's owner or in a directory others can write" \
	timeout -k 5 60 "$get" "$r"
rm -f "$r/etc/stolen"

r=$scratch/rootonly
mkdir -p "$r/etc" "$r/root"
echo "root's own" >"$r/etc/shadow" && chmod 0000 "$r/etc/shadow"
echo "in a 0000 directory" >"$r/root/file" && chmod 0000 "$r/root"
if image "$r" && [ "$(debugfs -R 'cat /etc/shadow' "$img" 2>/dev/null)" = "root's own" ] &&
   [ "$(debugfs -R 'cat /root/file' "$img" 2>/dev/null)" = "in a 0000 directory" ] &&
   in_image "$img" root | grep -q 'Mode:  0000'; then
	ok "root-owned tree: mode 0000 files and directories are imaged (read with CAP_DAC_READ_SEARCH)"
else
	not_ok "root-owned tree: mode 0000 files and directories are imaged (read with CAP_DAC_READ_SEARCH)"
fi

r=$scratch/sparse
mkdir -p "$r"
truncate -s 1T "$r/huge"
start=$(date +%s)
if image "$r" && [ $(($(date +%s) - start)) -lt 20 ] && in_image "$img" huge | grep -q 'Size: 1099511627776'; then
	ok "a 1 TiB sparse file: imaged at once, holes kept ($(($(stat -c %s "$img") >> 20)) MiB image)"
else
	not_ok "a 1 TiB sparse file: imaged at once, holes kept"
fi

r=$scratch/deep
mkdir -p "$r/$(printf 'd/%.0s' $(seq 257))"
expect "258 directories deep: refused" 125 "is nested more than 256 directories deep" timeout -k 5 60 "$get" "$r"

# A mount inside the tree is not the tree.
r=$scratch/mounted
mkdir -p "$r/mnt"
# shellcheck disable=SC2016 # expanded by the inner shell
if unshare -m --propagation private sh -c 'mount -t tmpfs tmpfs "$1/mnt" && echo "$2" >"$1/mnt/file" &&
	exec timeout -k 5 60 "$3" "$1"' sh "$r" "$marker" "$get" >"$out" 2>&1; then
	img=$(grep -v '^xlibos:' "$out" | cut -d' ' -f1)
	if grep -qF "warning: rootfs: '$r/mnt': another file system is mounted there" "$out" &&
	   ! grep -qaF "$marker" "$img" && in_image "$img" mnt | grep -q 'Type: directory'; then
		ok "a mount point in the tree: its directory only, with a warning"
	else
		not_ok "a mount point in the tree: its directory only, with a warning"
	fi
else
	skip "a mount point in the tree: its directory only, with a warning" "unshare -m failed"
fi

# An overlay whose layers are on different file systems (a tmpfs lower, the
# upper in $scratch): its files show their layer's device number, and are
# the tree's all the same (only another mount's root is left out).
r=$scratch/ovl
mkdir -p "$r/lower" "$r/upper" "$r/work" "$r/merged"
# shellcheck disable=SC2016 # expanded by the inner shell
if unshare -m --propagation private sh -c 'mount -t tmpfs tmpfs "$1/lower" && mkdir "$1/lower/bin" &&
	echo lower >"$1/lower/bin/file" &&
	mount -t overlay overlay -o "lowerdir=$1/lower,upperdir=$1/upper,workdir=$1/work" "$1/merged" &&
	echo upper >"$1/merged/new" && exec timeout -k 5 60 "$2" "$1/merged"' sh "$r" "$get" >"$out" 2>&1; then
	img=$(grep -v '^xlibos:' "$out" | cut -d' ' -f1)
	if ! grep -q "another file system is mounted there" "$out" &&
	   debugfs -R 'cat /bin/file' "$img" 2>/dev/null | grep -qx lower &&
	   debugfs -R 'cat /new' "$img" 2>/dev/null | grep -qx upper; then
		ok "an overlay with layers on two file systems: every file imaged, no warning"
	else
		not_ok "an overlay with layers on two file systems: every file imaged, no warning"
	fi
else
	skip "an overlay with layers on two file systems: every file imaged, no warning" "cannot mount an overlay here"
fi

# The race: a file flipped with a symlink to a host file, and a directory
# with a symlink to a host directory, while images are made.
swap='
import ctypes, sys
libc = ctypes.CDLL(None, use_errno=True)
pairs = [(sys.argv[i].encode(), sys.argv[i + 1].encode()) for i in (1, 3)]
while True:
    for a, b in pairs:
        libc.renameat2(-100, a, -100, b, 2)
'
runs=40
if [ "$have_python" = no ]; then
	skip "file and directory swapped for symlinks: no host file in $runs images" "needs python3"
	skip "... and no image made of a changing tree is kept" "needs python3"
else
	r=$scratch/race
	mkdir -p "$r/a/sub"
	for i in $(seq 30); do echo "tree file $i" >"$r/a/file$i"; echo x >"$r/a/sub/f$i"; done
	echo "plain" >"$r/victim"
	ln -s "$host/dir" "$scratch/race-dirlink"
	ln -s "$host/shadow" "$scratch/race-filelink"
	python3 -c "$swap" "$r/a" "$scratch/race-dirlink" "$r/victim" "$scratch/race-filelink" &
	swapper=$!
	leaks=0 made=0 changed=0
	for i in $(seq "$runs"); do
		if image "$r"; then made=$((made + 1)); grep -qaF "$marker" "$img" && leaks=$((leaks + 1)); fi
		if grep -q 'changed while' "$out"; then changed=$((changed + 1)); elif [ "$img_rc" -ne 0 ]; then
			cat "$out" >>"$scratch/race-other"; fi
	done
	kill "$swapper" 2>/dev/null
	wait "$swapper" 2>/dev/null
	all_leaks=$(find "$images" -name rootfs.ext4 -exec grep -laF "$marker" {} + | wc -l)
	if [ "$leaks" -eq 0 ] && [ "$all_leaks" -eq 0 ]; then
		ok "file and directory swapped for symlinks: no host file in $runs images ($made made, $changed saw a change)"
	else
		not_ok "file and directory swapped for symlinks: no host file in $runs images" "$leaks leaked"
	fi
	if [ "$(leftovers)" -eq 0 ] && [ $((made + changed)) -eq "$runs" ]; then
		ok "... every run made an image or said the tree changed; nothing left over"
	else
		not_ok "... every run made an image or said the tree changed; nothing left over" \
			"$made made, $changed changed; $(leftovers) left over; other failures: $(cat "$scratch/race-other" 2>/dev/null)"
	fi
fi

# --- clean-up: entries unused for 14 days go when another image is made ---
p=$scratch/prune
mkdir -p "$p/a" "$p/b" "$p/c"
echo a >"$p/a/f"
echo b >"$p/b/f"
echo c >"$p/c/f"
image "$p/a"; old=$(dirname "$img")
image "$p/b"; held=$(dirname "$img")
touch -d '20 days ago' "$old" "$held"
# Another run holding an old entry's lock keeps it.
flock "$held/lock" sleep 30 &
holder=$!
sleep 0.3
image "$p/c"
if [ -n "$img" ] && [ ! -e "$old" ] && [ -f "$held/rootfs.ext4" ] && [ -f "$img" ]; then
	ok "an entry unused for 20 days is removed when another is made; one whose lock is held stays"
else
	not_ok "an entry unused for 20 days is removed when another is made" "$(ls "$images")"
fi
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null
before=$(stat -c %Y "$held")
touch -d '20 days ago' "$held"
image "$p/b"
if [ -f "$held/rootfs.ext4" ] && [ "$(stat -c %Y "$held")" -gt $(($(date +%s) - 60)) ]; then
	ok "a start from an entry marks it used (and an old one is not removed by its own use)"
else
	not_ok "a start from an entry marks it used" "$before -> $(stat -c %Y "$held" 2>&1)"
fi

# --- copies of a tree (podman's vfs driver copies the image's tree for each container) ---
c=$scratch/copies
mkdir -p "$c/orig/bin" "$c/orig/etc"
cp /bin/true "$c/orig/bin/true"
head -c 200000 /dev/urandom >"$c/orig/etc/data"
for f in a1 a2 b1 b2; do printf 'same' >"$c/orig/etc/$f"; done
touch -d '2003-03-03' "$c/orig/etc/a1" "$c/orig/etc/a2" "$c/orig/etc/b1" "$c/orig/etc/b2"
rm "$c/orig/etc/a2" "$c/orig/etc/b2"
ln "$c/orig/etc/a1" "$c/orig/etc/a2"
ln "$c/orig/etc/b1" "$c/orig/etc/b2"
image "$c/orig" --tables
orig_img=$img
orig_tables=$(cut -d' ' -f3 "$out")
cp -a "$c/orig" "$c/copy"
ls "$images" >"$scratch/entries-before"
image "$c/copy" --tables
copy_tables=$(cut -d' ' -f3 "$out")
# the copy's own entry (its key differs), with the original's image linked in
copy_entry=$(ls "$images" | grep -vxF -f "$scratch/entries-before" | grep -x '[0-9a-f]\{64\}')
if [ -n "$img" ] && [ -n "$orig_img" ] && [ -n "$copy_entry" ] &&
   [ "$(stat -c %i "$images/$copy_entry/rootfs.ext4")" = "$(stat -c %i "$orig_img")" ] &&
   [ "$copy_tables" = "$orig_tables" ] && [ -n "$(ls "$images/$copy_entry" | grep abcom-tables)" ]; then
	ok "a copy of a tree (new inodes and change times) uses its original's image, tables too"
else
	not_ok "a copy of a tree uses its original's image" "$orig_img $copy_entry $orig_tables/$copy_tables $(cat "$out")"
fi
# copy DESC CHANGE...: a copy changed by CHANGE (mtimes put back) gets an image of its own
copy_differs() {
	desc=$1
	shift
	rm -rf "$c/copy2"
	cp -a "$c/orig" "$c/copy2"
	(cd "$c/copy2" && "$@")
	image "$c/copy2"
	if [ -n "$img" ] && [ "$(stat -c %i "$img")" != "$(stat -c %i "$orig_img")" ] && fsck_clean "$img"; then
		ok "a copy with $desc: an image of its own"
	else
		not_ok "a copy with $desc: an image of its own" "$(cat "$out")"
	fi
}
same_size_edit() {
	touch -r etc/data "$scratch/ref"
	printf 'Z' | dd of=etc/data bs=1 seek=100 conv=notrunc 2>/dev/null
	touch -r "$scratch/ref" etc/data
}
copy_differs "a file's contents changed, size and mtime put back" same_size_edit
if debugfs -R 'cat /etc/data' "$img" 2>/dev/null | cmp -s - "$c/copy2/etc/data"; then
	ok "that image has the copy's contents"
else
	not_ok "that image has the copy's contents"
fi
# the same four files, the same link counts, other pairs linked
relink() {
	rm etc/a2 etc/b1 && ln etc/a1 etc/b1 && ln etc/b2 etc/a2
}
copy_differs "other files linked together (the same link counts)" relink
if [ "$have_python" = yes ] && python3 -c 'import os, sys; os.setxattr(sys.argv[1], "user.xlibos-test", b"1")' "$c/orig/etc/data" 2>/dev/null; then
	python3 -c 'import os, sys; os.removexattr(sys.argv[1], "user.xlibos-test")' "$c/orig/etc/data"
	set_xattr() {
		python3 -c 'import os, sys; os.setxattr(sys.argv[1], "user.xlibos-test", b"1")' etc/data
	}
	copy_differs "an extended attribute on a file" set_xattr
else
	skip "a copy with an extended attribute on a file: an image of its own" "no user.* attributes here"
fi
# a record naming an entry that is gone, and a record of garbage: an image is made
rm -rf "$c/copy3"
cp -a "$c/orig" "$c/copy3"
for r in "$images"/content-*; do printf 'garbage' >"$r.x" && chmod 0400 "$r.x" && mv -f "$r.x" "$r"; done
image "$c/copy3"
if [ -n "$img" ] && [ "$(stat -c %i "$img")" != "$(stat -c %i "$orig_img")" ] && fsck_clean "$img"; then
	ok "a broken content record is not followed: the copy gets an image of its own"
else
	not_ok "a broken content record is not followed" "$(cat "$out")"
fi

# --- rootless: a user's own tree, mke2fs in a user namespace ---
if id 1000 >/dev/null 2>&1 && command -v setpriv >/dev/null; then
	u=$scratch/user
	mkdir -p "$u/home/bin" "$u/cache"
	echo "user file" >"$u/home/bin/file"
	ln -s /etc/shadow "$u/home/link"
	chown -R 1000:1000 "$u"
	chmod 0700 "$u/cache"
	chmod 0755 "$scratch"
	setpriv --reuid=1000 --regid=1000 --clear-groups env XLIBOS_CACHE_DIR="$u/cache" \
		timeout -k 5 60 "$get" "$u/home" >"$out" 2>&1
	rc=$?
	img=$(cut -d' ' -f1 "$out")
	if [ "$rc" -eq 0 ] && fsck_clean "$img" && in_image "$img" bin/file | grep -q 'User:  1000' &&
	   [ "$(stat -c %u "$img")" = 1000 ]; then
		ok "rootless: a user's tree is imaged into the user's cache, ids kept"
	else
		not_ok "rootless: a user's tree is imaged into the user's cache, ids kept"
	fi
	chmod 0700 "$scratch"
else
	skip "rootless: a user's tree is imaged into the user's cache, ids kept" "no uid 1000 or setpriv"
fi

summary
