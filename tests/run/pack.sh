#!/bin/sh
# The rootfs archive of "xlibos run": packed by the loader, handed to the
# stand-in kernel, which copies it to stdout (fake_dump); then unpacked with
# GNU cpio and compared with the source tree.  Also the packer's errors.
# usage: pack.sh path/to/xlibos path/to/fake.img
# Prints "ok N - ..." / "not ok N - ..." and ends with "N passed, N failed[, N skipped]".

if [ $# -ne 2 ] || [ ! -x "$1" ] || [ ! -f "$2" ]; then
	echo "usage: $0 path/to/xlibos path/to/fake.img" >&2
	exit 2
fi
xlibos=$1
fake=$2
init=$(dirname "$xlibos")/xlibos-init
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

# Keep in step with the checks below: all are skipped together.
NCHECKS=19
why_not=
[ "$(id -u)" -eq 0 ] || why_not="needs root (owners, device nodes, unreadable files)"
command -v cpio >/dev/null || why_not="cpio not installed"
if [ -n "$why_not" ]; then
	for i in $(seq "$NCHECKS"); do skip "rootfs archive check $i" "$why_not"; done
	summary
	exit
fi

# dump ROOTFS ARCHIVE [run options]: the initrd the kernel received.
dump() {
	dump_rootfs=$1 dump_archive=$2
	shift 2
	"$xlibos" run --pack --image "$fake" --rootfs "$dump_rootfs" --cmdline fake_dump "$@" -- true \
		>"$dump_archive" 2>"$out"
}

# unpack ARCHIVE DIR: extract as root would, keeping owners and file mtimes.
unpack() {
	rm -rf "$2" && mkdir -p "$2" && (cd "$2" && cpio -idm --quiet --no-absolute-filenames) <"$1"
}

# --- a tree with every kind of entry ---
src=$scratch/src
mkdir -p "$src/etc" "$src/empty-dir" "$src/deep/a/b/c" "$src/sticky" "$src/dev" "$src/.xlibos"
echo 'root:x:0:0:root:/root:/bin/sh' >"$src/etc/passwd"
: >"$src/empty-file"
printf 'spaces' >"$src/name with spaces"
printf 'newline' >"$src/name
with newline"
printf 'bytes' >"$src/$(printf 'n\001\377')"
head -c 300000 /dev/urandom >"$src/deep/a/b/c/random.bin"
cp "$src/deep/a/b/c/random.bin" "$src/deep/a/b/c/hardlink-source"
ln "$src/deep/a/b/c/hardlink-source" "$src/deep/hardlink"
echo secret >"$src/etc/shadow" && chmod 0000 "$src/etc/shadow"
echo setuid >"$src/setuid" && chmod 4755 "$src/setuid"
chmod 1777 "$src/sticky"
chmod 0700 "$src/deep/a"
echo owned >"$src/owned" && chown 1234:5678 "$src/owned"
ln -s etc/passwd "$src/rel-link"
ln -s /etc/passwd "$src/abs-link"
ln -s /nonexistent/target "$src/dangling-link"
ln -s deep/a "$src/dir-link"
echo stale >"$src/.xlibos/stale"
touch -d '2001-02-03 04:05:06 UTC' "$src/etc/passwd" "$src/empty-file"
touch -d '1999-12-31 23:59:59 UTC' "$src/deep/a/b/c/random.bin"
touch -d '2003-03-03 12:00:00 UTC' "$src/empty-dir"
touch -h -d '2002-02-02 12:00:00 UTC' "$src/rel-link"
special=yes
if mkfifo "$src/special-fifo" && mknod "$src/dev/special-null" c 1 3 &&
   mknod "$src/dev/special-loop" b 7 0; then
	chmod 0620 "$src/dev/special-null"
else
	special=no
fi

archive=$scratch/archive.cpio
dst=$scratch/dst
if dump "$src" "$archive" && [ -s "$archive" ]; then
	ok "fake kernel dumped the archive it received"
else
	not_ok "fake kernel dumped the archive it received"
fi
if unpack "$archive" "$dst"; then ok "GNU cpio extracts it"; else not_ok "GNU cpio extracts it"; fi
cpio -t --quiet <"$archive" >"$scratch/names" 2>&1

# "." comes first: it carries the mode and mtime of the guest's "/".
if [ "$(head -n 1 "$scratch/names")" = "." ]; then
	ok "the root comes first, as '.'"
else
	not_ok "the root comes first, as '.'" "first: $(head -n 1 "$scratch/names")"
fi
if tail -n +2 "$scratch/names" | grep -q -e '^\./' -e '^/' -e '^\.$'; then
	not_ok "names are relative: no '/', './' or '.'" "$(head -5 "$scratch/names")"
else
	ok "names are relative: no '/', './' or '.'"
fi
if [ "$(sed -n 2p "$scratch/names")" = "abs-link" ]; then
	ok "entries are sorted by name"
else
	not_ok "entries are sorted by name" "first: $(head -n 1 "$scratch/names")"
fi

if diff -r --no-dereference -x 'special-*' -x .xlibos -x console "$src" "$dst" >"$scratch/diff" 2>&1; then
	ok "contents equal: files, empty files, odd names, symlinks, empty dirs"
else
	not_ok "contents equal: files, empty files, odd names, symlinks, empty dirs" "$(head -20 "$scratch/diff")"
fi

# Metadata of everything but our additions, sorted; newline names split
# into two lines identically on both sides.
meta() {
	(cd "$1" && {
		find . -mindepth 1 ! -path './.xlibos*' ! -path ./dev/console ! -name 'special-*' \
			! -type d -printf '%P|%y|%m|%U|%G|%s|%l\n'
		find . -mindepth 1 ! -path './.xlibos*' -type d -printf '%P|%y|%m|%U|%G\n'
		find . -type f ! -path './.xlibos*' -print0 | xargs -0 stat -c '%n|mtime %Y'
	} | LC_ALL=C sort)
}
meta "$src" >"$scratch/meta.src"
meta "$dst" >"$scratch/meta.dst"
if diff "$scratch/meta.src" "$scratch/meta.dst" >"$scratch/diff"; then
	ok "type, mode (setuid, sticky, 0000), owner, size, link target, file mtime preserved"
else
	not_ok "type, mode (setuid, sticky, 0000), owner, size, link target, file mtime preserved" \
		"$(head -20 "$scratch/diff")"
fi
# Never opened, never packed: the guest mounts its own devtmpfs at /dev, and
# a FIFO or device of the host has no business in a container's tree.
if [ "$special" = yes ]; then
	dump "$src" "$archive"
	if ! grep -q special- "$scratch/names" &&
	   grep -qxF "xlibos: warning: rootfs: skipping '$src/special-fifo': a FIFO is not packed" "$out" &&
	   grep -qF "xlibos: warning: rootfs: skipping '$src/dev/special-null': a device node is not packed" "$out" &&
	   grep -qF "xlibos: warning: rootfs: skipping '$src/dev/special-loop': a device node is not packed" "$out"; then
		ok "fifo, char and block devices skipped, one warning line each"
	else
		not_ok "fifo, char and block devices skipped, one warning line each" "$(grep special- "$scratch/names")"
	fi
else
	skip "fifo, char and block devices skipped, one warning line each" "mknod not permitted"
fi

# cpio does not restore directory and symlink times: read them from the listing.
cpio -tv --quiet <"$archive" >"$scratch/listing" 2>&1
if grep -q 'Mar  3  2003 empty-dir$' "$scratch/listing" &&
   grep -q 'Feb  2  2002 rel-link -> etc/passwd$' "$scratch/listing"; then
	ok "directory and symlink mtimes in the archive"
else
	not_ok "directory and symlink mtimes in the archive" "$(grep -e empty-dir -e rel-link "$scratch/listing")"
fi
if [ "$(grep -c 'hardlink' "$scratch/names")" -eq 2 ] && [ "$(stat -c %h "$dst/deep/hardlink")" -eq 1 ]; then
	ok "hard links become separate files"
else
	not_ok "hard links become separate files"
fi

# --- what the loader adds ---
if cmp -s "$init" "$dst/.xlibos/init" && [ "$(stat -c '%a %u %g' "$dst/.xlibos/init")" = "755 0 0" ]; then
	ok ".xlibos/init is xlibos-init, mode 0755, root-owned"
else
	not_ok ".xlibos/init is xlibos-init, mode 0755, root-owned"
fi
if [ ! -e "$dst/.xlibos/stale" ] && [ "$(grep -c '^\.xlibos$' "$scratch/names")" -eq 1 ]; then
	ok "the rootfs's own .xlibos is replaced, not merged"
else
	not_ok "the rootfs's own .xlibos is replaced, not merged"
fi
if [ -c "$dst/dev/console" ] && [ "$(stat -c '%t:%T %a' "$dst/dev/console")" = "5:1 600" ] &&
   [ "$(grep -c '^dev$' "$scratch/names")" -eq 1 ]; then
	ok "dev/console (5,1) added to an existing dev/, which is not repeated"
else
	not_ok "dev/console (5,1) added to an existing dev/, which is not repeated"
fi

# --net none: no net, net6 or dns records (--net user, the default, adds them).
dump "$src" "$archive" --env "A=1" --env "B=two words" --workdir /w --net none
printf 'XLIBOS-CONFIG 1\nargv\0true\0env\0A=1\0env\0B=two words\0workdir\0/w\0' >"$scratch/want"
unpack "$archive" "$dst"
if cmp -s "$scratch/want" "$dst/.xlibos/config"; then
	ok ".xlibos/config holds argv, env and workdir records"
else
	not_ok ".xlibos/config holds argv, env and workdir records" "$(od -c "$dst/.xlibos/config" | head)"
fi

# --- trees with special cases ---
mkdir -p "$scratch/nodev/bin"
dump "$scratch/nodev" "$archive" && unpack "$archive" "$dst"
if [ -d "$dst/dev" ] && [ -c "$dst/dev/console" ]; then
	ok "dev/ and dev/console added when missing"
else
	not_ok "dev/ and dev/console added when missing"
fi
mkdir -p "$scratch/hasconsole/dev"
echo placeholder >"$scratch/hasconsole/dev/console"
dump "$scratch/hasconsole" "$archive" && unpack "$archive" "$dst"
if [ -f "$dst/dev/console" ] && [ "$(cpio -t --quiet <"$archive" | grep -c '^dev/console$')" -eq 1 ]; then
	ok "an existing dev/console is kept"
else
	not_ok "an existing dev/console is kept"
fi
ln -s "$src" "$scratch/link-to-src"
if dump "$scratch/link-to-src/" "$archive" && cpio -t --quiet <"$archive" | grep -qx 'etc/passwd'; then
	ok "--rootfs may be a symlink and end in '/'"
else
	not_ok "--rootfs may be a symlink and end in '/'"
fi

# --- errors: root reads anything, so drop the DAC capabilities ---
nodac() {
	setpriv --bounding-set -dac_override,-dac_read_search -- "$@"
}
if ! command -v setpriv >/dev/null || ! nodac true 2>/dev/null; then
	skip "unreadable file" "needs setpriv"
	skip "unreadable file: one line" "needs setpriv"
	skip "unreadable directory" "needs setpriv"
else
	mkdir -p "$scratch/bad/etc"
	echo x >"$scratch/bad/etc/shadow"
	chmod 0000 "$scratch/bad/etc/shadow"
	expect "unreadable file" 125 "xlibos: rootfs: cannot read '$scratch/bad/etc/shadow': Permission denied" \
		nodac "$xlibos" run --pack --image "$fake" --rootfs "$scratch/bad" -- true
	expect_one_line "unreadable file: one line"
	chmod 0644 "$scratch/bad/etc/shadow"
	mkdir -p "$scratch/bad/private"
	chmod 0000 "$scratch/bad/private"
	expect "unreadable directory" 125 "cannot read directory '$scratch/bad/private'" \
		nodac "$xlibos" run --pack --image "$fake" --rootfs "$scratch/bad" -- true
fi

summary
