#!/bin/sh
# A hostile rootfs: the loader, run as root, packs a tree whose owner may be
# anyone and may change it while it is packed.  Nothing of the host outside
# the tree may end up in the archive (read back through the stand-in
# kernel's fake_dump, as tests/run/pack.sh does), nothing may hang the
# loader, and every refusal is one clear line.
# usage: rootfs.sh path/to/xlibos path/to/fake.img
# Prints "ok N - ..." / "not ok N - ..." and ends with "N passed, N failed[, N skipped]".

if [ $# -ne 2 ] || [ ! -x "$1" ] || [ ! -f "$2" ]; then
	echo "usage: $0 path/to/xlibos path/to/fake.img" >&2
	exit 2
fi
xlibos=$1
fake=$2
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

# Keep in step with the checks below: all are skipped together.
NCHECKS=40
why_not=
[ "$(id -u)" -eq 0 ] || why_not="needs root (the loader reads the tree as its owner only when run as root)"
command -v cpio >/dev/null || why_not="cpio not installed"
command -v timeout >/dev/null || why_not="timeout not installed"
if [ -n "$why_not" ]; then
	for i in $(seq "$NCHECKS"); do skip "hostile rootfs check $i" "$why_not"; done
	summary
	exit
fi
have_python=no
command -v python3 >/dev/null && python3 -c 'import ctypes' 2>/dev/null && have_python=yes

# Host files that must never reach a container: a marker in each.
marker="XLIBOS-HOST-SECRET-$$-$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')"
host=$scratch/host
mkdir -p "$host/dir"
echo "$marker shadow" >"$host/shadow" && chmod 0600 "$host/shadow"
echo "$marker readable" >"$host/dir/readable" && chmod 0644 "$host/dir/readable"
echo "$marker dir" >"$host/dir/secret" && chmod 0644 "$host/dir/secret"

archive=$scratch/archive.cpio
names=$scratch/names

# pack ROOTFS [run options]: the loader's archive in $archive (via the fake
# kernel), its names in $names, stderr in $out; bounded so a hang fails.
pack() {
	pack_root=$1
	shift
	timeout 60 "$xlibos" run --pack --image "$fake" --rootfs "$pack_root" --cmdline fake_dump "$@" -- true \
		>"$archive" 2>"$out"
	pack_rc=$?
	cpio -t --quiet <"$archive" >"$names" 2>/dev/null
	return "$pack_rc"
}

leaked() {
	grep -qaF "$marker" "$archive"
}

# The loader's warnings about the tree: one line per entry skipped.
warnings() {
	grep -c '^xlibos: warning: rootfs: ' "$out"
}

# --- escaping symlinks: packed as links, never followed ---
r=$scratch/links
mkdir -p "$r/bin" "$r/etc" "$r/a/b/c"
ln -s "$host/shadow" "$r/etc/abs-shadow"
ln -s "../../../../../../../../../../../..$host/shadow" "$r/a/b/c/rel-shadow"
ln -s "$host/dir" "$r/dir-link"
ln -s "$host/shadow" "$r/bin/sh"
ln -s /proc/self/root/etc/passwd "$r/etc/magic"
if pack "$r" && [ -s "$archive" ]; then ok "a tree of escaping symlinks packs"; else not_ok "a tree of escaping symlinks packs"; fi
if leaked; then not_ok "no host file content behind the symlinks"; else ok "no host file content behind the symlinks"; fi
cpio -tv --quiet <"$archive" >"$scratch/listing" 2>/dev/null
if grep -q "^l.* etc/abs-shadow -> $host/shadow\$" "$scratch/listing" &&
   grep -q "^l.* a/b/c/rel-shadow -> \.\./\.\./.*\.\.$host/shadow\$" "$scratch/listing" &&
   grep -q "^l.* dir-link -> $host/dir\$" "$scratch/listing" &&
   grep -q "^l.* bin/sh -> $host/shadow\$" "$scratch/listing" &&
   grep -q "^l.* etc/magic -> /proc/self/root/etc/passwd\$" "$scratch/listing"; then
	ok "absolute, relative ../.., directory, /bin/sh and /proc links kept as symlinks with their text"
else
	not_ok "absolute, relative ../.., directory, /bin/sh and /proc links kept as symlinks with their text" \
		"$(grep -e '-> ' "$scratch/listing")"
fi
if grep -q '^dir-link/' "$names"; then
	not_ok "nothing packed below a symlinked directory" "$(grep '^dir-link/' "$names")"
else
	ok "nothing packed below a symlinked directory"
fi
ln -s "$host/dir" "$scratch/root-link"
if pack "$scratch/root-link" && grep -qx secret "$names"; then
	ok "--rootfs itself a symlink is followed (the caller chose it)"
else
	not_ok "--rootfs itself a symlink is followed (the caller chose it)"
fi

# --- hard links and ownership: read as the tree's owner ---
r=$scratch/nobody
mkdir -p "$r/etc" "$r/own"
ln "$host/shadow" "$r/etc/stolen-hardlink"
echo mine >"$r/own/file" && ln "$r/own/file" "$r/own/file-link"
chown -R 65534:65534 "$r"
chown 0:0 "$r/etc/stolen-hardlink"
if pack "$r"; then ok "a nobody-owned tree with a hard link of a root-only host file packs"; else
	not_ok "a nobody-owned tree with a hard link of a root-only host file packs"; fi
if leaked || grep -q stolen "$names"; then
	not_ok "the hard link of the root-only file is not packed"
else
	ok "the hard link of the root-only file is not packed"
fi
if grep -qxF "xlibos: warning: rootfs: skipping '$r/etc/stolen-hardlink': a hard link not owned by the rootfs's owner or in a directory others can write" "$out" &&
   [ "$(warnings)" -eq 1 ]; then
	ok "one warning line names it"
else
	not_ok "one warning line names it"
fi
if grep -qx own/file "$names" && grep -qx own/file-link "$names"; then
	ok "hard links of the owner's own files are packed"
else
	not_ok "hard links of the owner's own files are packed"
fi
# The same link in a directory others can write: anyone could have planted it.
r=$scratch/rootowned
mkdir -p "$r/tmp" && chmod 1777 "$r/tmp"
ln "$host/shadow" "$r/tmp/planted"
pack "$r"
if ! leaked && ! grep -q planted "$names" && grep -q "skipping '$r/tmp/planted'" "$out"; then
	ok "root-owned tree: a hard link in a world-writable directory is skipped"
else
	not_ok "root-owned tree: a hard link in a world-writable directory is skipped"
fi
rm -f "$r/tmp/planted"
# Programs of an owner's tree still get abcom's site tables (decoded from
# the open file, with the loader's own cache): more than the init's alone.
tables_size() {
	rm -rf "$scratch/t" && mkdir -p "$scratch/t" &&
		(cd "$scratch/t" && cpio -idm --quiet .xlibos/abcom-tables <"$archive" 2>/dev/null)
	stat -c %s "$scratch/t/.xlibos/abcom-tables" 2>/dev/null || echo 0
}
r=$scratch/elf
mkdir -p "$r/bin"
chown -R 65534:65534 "$r"
pack "$r"
without=$(tables_size)
cp "$(dirname "$xlibos")/xlibos-init" "$r/bin/prog" && chown 65534:65534 "$r/bin/prog"
pack "$r"
with=$(tables_size)
if [ "$with" -gt "$without" ]; then
	ok "a program in a nobody-owned tree gets its site table ($without -> $with bytes)"
else
	not_ok "a program in a nobody-owned tree gets its site table ($without -> $with bytes)"
fi

# Without a link: a file the owner cannot read stops the run, naming it.
r=$scratch/nobody2
mkdir -p "$r/etc"
echo "$marker copy" >"$r/etc/rootonly"
chown 65534:65534 "$r" "$r/etc"
chmod 0600 "$r/etc/rootonly"
expect "a root-only file in a nobody-owned tree is read as nobody: refused" 125 \
	"xlibos: rootfs: cannot read '$r/etc/rootonly': Permission denied (read as uid 65534, the rootfs's owner)" \
	timeout 60 "$xlibos" run --pack --image "$fake" --rootfs "$r" -- true
expect_one_line "unreadable as the owner: one line"
chown 65534:65534 "$r/etc/rootonly"
if pack "$r" && grep -qaF "$marker copy" "$archive"; then
	ok "once nobody owns it, it is packed"
else
	not_ok "once nobody owns it, it is packed"
fi

# --- device nodes, FIFOs, sockets: never opened, never packed ---
r=$scratch/special
mkdir -p "$r/dev" "$r/data"
special=yes
# /dev/sda's and /dev/mem's numbers.
mknod "$r/data/disk" b 8 0 2>/dev/null &&
	mknod "$r/data/mem" c 1 1 && mknod "$r/dev/null" c 1 3 && mkfifo "$r/data/fifo" || special=no
if [ "$have_python" = yes ]; then
	python3 -c 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$r/data/socket"
fi
# IN_OPEN on each node while the loader packs (O_PATH makes no event).
watch_opens='
import ctypes, os, subprocess, sys
libc = ctypes.CDLL(None, use_errno=True)
fd = libc.inotify_init1(os.O_NONBLOCK)
for p in sys.argv[1].split(":"):
    if libc.inotify_add_watch(fd, p.encode(), 0x20) < 0:
        sys.exit("cannot watch " + p)
with open(sys.argv[2], "wb") as out, open(sys.argv[3], "wb") as err:
    subprocess.run(sys.argv[4:], stdout=out, stderr=err)
try:
    events = os.read(fd, 65536)
except BlockingIOError:
    events = b""
print(len(events))
'
if [ "$special" = no ]; then
	for what in "packs" "no device, FIFO or socket in the archive" "one warning line each" \
		"device nodes and FIFO never opened"; do
		skip "special files: $what" "mknod not permitted"
	done
else
	start=$(date +%s)
	if [ "$have_python" = yes ]; then
		opens=$(python3 -c "$watch_opens" "$r/data/disk:$r/data/mem:$r/dev/null:$r/data/fifo" \
			"$archive" "$out" timeout 60 "$xlibos" run --pack --image "$fake" --rootfs "$r" \
			--cmdline fake_dump -- true)
		cpio -t --quiet <"$archive" >"$names" 2>/dev/null
	else
		pack "$r"
	fi
	if [ -s "$archive" ] && [ $(($(date +%s) - start)) -lt 30 ]; then
		ok "special files: packs, no hang"
	else
		not_ok "special files: packs, no hang"
	fi
	if grep -q -e '^data/' -e '^dev/null$' "$names"; then
		not_ok "special files: no device, FIFO or socket in the archive" "$(grep -e '^data/' -e '^dev/' "$names")"
	else
		ok "special files: no device, FIFO or socket in the archive"
	fi
	nsock=0
	[ -S "$r/data/socket" ] && nsock=1
	if grep -qxF "xlibos: warning: rootfs: skipping '$r/data/disk': a device node is not packed (the guest has its own /dev)" "$out" &&
	   grep -qxF "xlibos: warning: rootfs: skipping '$r/data/fifo': a FIFO is not packed" "$out" &&
	   { [ "$nsock" -eq 0 ] || grep -qxF "xlibos: warning: rootfs: skipping '$r/data/socket': a socket is not packed" "$out"; } &&
	   [ "$(warnings)" -eq $((4 + nsock)) ]; then
		ok "special files: one warning line each"
	else
		not_ok "special files: one warning line each"
	fi
	if [ "$have_python" = no ]; then
		skip "special files: device nodes and FIFO never opened" "needs python3 (inotify)"
	elif [ "$opens" = 0 ]; then
		ok "special files: device nodes and FIFO never opened"
	else
		not_ok "special files: device nodes and FIFO never opened" "inotify saw $opens bytes of IN_OPEN events"
	fi
fi
if grep -qx 'dev/console' "$names"; then
	ok "the loader's own dev/console is still added"
else
	not_ok "the loader's own dev/console is still added"
fi

# --- sizes, depth, names ---
r=$scratch/sparse
mkdir -p "$r"
truncate -s 1T "$r/huge"
start=$(date +%s)
expect "a 1 TiB sparse file is refused" 125 "does not fit in --mem" \
	timeout 60 "$xlibos" run --pack --image "$fake" --rootfs "$r" -- true
if [ $(($(date +%s) - start)) -lt 10 ]; then ok "... at once (its data is never read)"; else
	not_ok "... at once (its data is never read)" "took $(($(date +%s) - start)) s"; fi
expect_one_line "huge file: one line"
rm -f "$r/huge"
truncate -s 3G "$r/big"
start=$(date +%s)
expect "a 3 GiB sparse file with --mem 256M is refused" 125 "xlibos: rootfs (3073 MiB in files, 3073 MiB in memory) does not fit in --mem 256M" \
	timeout 60 "$xlibos" run --pack --image "$fake" --rootfs "$r" --mem 256M -- true
if [ $(($(date +%s) - start)) -lt 10 ]; then ok "... at once"; else not_ok "... at once"; fi
rm -f "$r/big"

r=$scratch/deep
mkdir -p "$r/$(printf 'd/%.0s' $(seq 256))"
if pack "$r" && grep -qx "$(printf 'd/%.0s' $(seq 255))d" "$names"; then
	ok "256 directories deep packs"
else
	not_ok "256 directories deep packs"
fi
mkdir "$r/$(printf 'd/%.0s' $(seq 256))d"
expect "257 directories deep is refused" 125 "is nested more than 256 directories deep" \
	timeout 60 "$xlibos" run --pack --image "$fake" --rootfs "$r" -- true
expect_one_line "too deep: one line"

r=$scratch/long
long=$(printf 'n%.0s' $(seq 200))
mkdir -p "$r"
(cd "$r" && mkdir -p "$(printf "$long/%.0s" $(seq 21))")
expect "a path over 4095 bytes is refused" 125 "is longer than 4095 bytes" \
	timeout 60 "$xlibos" run --pack --image "$fake" --rootfs "$r" -- true
expect_one_line "path too long: one line"

r=$scratch/oddnames
mkdir -p "$r"
printf 'first' >"$r/$(printf 'new\nline')"
printf 'second' >"$r/$(printf 'tab\tbyte\377')"
mkfifo "$r/$(printf 'fifo\nwith newline')"
pack "$r"
unpacked=$scratch/unpacked
mkdir -p "$unpacked" && (cd "$unpacked" && cpio -idm --quiet --no-absolute-filenames <"$archive" 2>/dev/null)
if [ "$(cat "$unpacked/$(printf 'new\nline')")" = first ] &&
   [ "$(cat "$unpacked/$(printf 'tab\tbyte\377')")" = second ]; then
	ok "names with a newline, a tab and byte 0xff packed with their contents"
else
	not_ok "names with a newline, a tab and byte 0xff packed with their contents"
fi
if [ "$(warnings)" -eq 1 ] && [ "$(grep -vc -e '^xlibos: ' -e '^fake: ' "$out")" -eq 0 ] &&
   grep -qF "skipping '$r/fifo\\012with newline'" "$out"; then
	ok "a warning about a name with a newline stays one line (octal escape)"
else
	not_ok "a warning about a name with a newline stays one line (octal escape)"
fi

# A file system mounted inside the tree is not the tree.
if unshare -m true 2>/dev/null; then
	r=$scratch/mounted
	mkdir -p "$r/mnt"
	# shellcheck disable=SC2016 # expanded by the inner shell
	unshare -m --propagation private sh -c '
		mount -t tmpfs tmpfs "$1/mnt" && echo "$2 mounted" >"$1/mnt/file" &&
		exec timeout 60 "$3" run --pack --image "$4" --rootfs "$1" --cmdline fake_dump -- true' \
		sh "$r" "$marker" "$xlibos" "$fake" >"$archive" 2>"$out"
	cpio -t --quiet <"$archive" >"$names" 2>/dev/null
	if ! leaked && ! grep -q '^mnt' "$names" && grep -qF "skipping '$r/mnt': another file system is mounted there" "$out"; then
		ok "a mount point inside the tree is skipped with a warning"
	else
		not_ok "a mount point inside the tree is skipped with a warning" "$(cat "$names")"
	fi
else
	skip "a mount point inside the tree is skipped with a warning" "unshare -m not permitted"
fi

# --- the race: a directory swapped for a symlink to a host directory ---
# renameat2(RENAME_EXCHANGE) flips tree/a between the real directory and a
# symlink to $host/dir as fast as it can while the loader packs, many times.
swap='
import ctypes, sys
libc = ctypes.CDLL(None, use_errno=True)
a, b = sys.argv[1].encode(), sys.argv[2].encode()
while True:
    if libc.renameat2(-100, a, -100, b, 2) != 0:
        sys.exit("renameat2: errno %d" % ctypes.get_errno())
'
runs=150
if [ "$have_python" = no ]; then
	skip "directory swapped for a symlink: no host file packed in $runs runs" "needs python3 (renameat2)"
	skip "directory swapped for a symlink: both states were packed" "needs python3 (renameat2)"
else
	r=$scratch/race
	mkdir -p "$r/a/sub"
	for i in $(seq 40); do echo "tree file $i" >"$r/a/file$i"; echo x >"$r/a/sub/f$i"; done
	ln -s "$host/dir" "$scratch/race-link"
	python3 -c "$swap" "$r/a" "$scratch/race-link" &
	swapper=$!
	leaks=0 as_dir=0 as_link=0 failed_runs=0
	for i in $(seq "$runs"); do
		if ! pack "$r"; then
			failed_runs=$((failed_runs + 1))
			grep -q 'changed while it was being packed' "$out" || sed 's/^/#   | /' "$out"
		fi
		leaked && leaks=$((leaks + 1))
		grep -qx 'a/file1' "$names" && as_dir=$((as_dir + 1))
		cpio -tv --quiet <"$archive" 2>/dev/null | grep -q "^l.* a -> $host/dir\$" && as_link=$((as_link + 1))
	done
	kill "$swapper" 2>/dev/null
	wait "$swapper" 2>/dev/null
	if [ "$leaks" -eq 0 ]; then
		ok "directory swapped for a symlink: no host file packed in $runs runs"
	else
		not_ok "directory swapped for a symlink: no host file packed in $runs runs" "$leaks archives held $marker"
	fi
	if [ "$as_dir" -gt 0 ] && [ "$as_link" -gt 0 ]; then
		ok "directory swapped for a symlink: both states were packed ($as_dir as the directory, $as_link as the link, $failed_runs runs saw a change)"
	else
		not_ok "directory swapped for a symlink: both states were packed" "$as_dir as the directory, $as_link as the link"
	fi
fi

# --- FIFOs where the loader expects files: an error at once ---
mkfifo "$scratch/fifo"
mkdir -p "$scratch/plain"
expect "FIFO as --image: an error, no hang" 125 "xlibos: image '$scratch/fifo': not a regular file" \
	timeout 10 "$xlibos" run --image "$scratch/fifo" --rootfs "$scratch/plain" -- true
expect_one_line "FIFO as --image: one line"
expect "FIFO as --initrd: an error, no hang" 2 "xlibos: initrd '$scratch/fifo': not a regular file" \
	timeout 10 "$xlibos" boot --image "$fake" --initrd "$scratch/fifo"
expect "FIFO as boot --image: an error, no hang" 2 "xlibos: image '$scratch/fifo': not a regular file" \
	timeout 10 "$xlibos" boot --image "$scratch/fifo"
expect "FIFO as the guest init (XLIBOS_INIT): an error, no hang" 125 "is not a regular file" \
	env XLIBOS_INIT="$scratch/fifo" timeout 10 "$xlibos" run --pack --image "$fake" --rootfs "$scratch/plain" -- true
expect "a directory as --initrd" 2 "xlibos: initrd '$scratch/plain': not a regular file" \
	timeout 10 "$xlibos" boot --image "$fake" --initrd "$scratch/plain"

summary
