#!/bin/sh
# Assemble a root file system from this host's own programs and their shared
# libraries, with no network, for "xlibos run" of dynamic glibc programs:
#   bash (also /bin/sh), every program of coreutils, grep, sed, gawk (also
#   awk), findutils, diffutils, tar and gzip; busybox (static) and procps
#   when installed.  Each ELF program's libraries, as ldd reports them, are
#   copied to the same paths (symlinks resolved), with the dynamic linker at
#   /lib64/ld-linux-x86-64.so.2.  Debian 12's merged-/usr layout: bin, sbin,
#   lib and lib64 are symlinks into usr.  /etc/passwd, /etc/group (root),
#   /etc/nsswitch.conf, and empty /tmp, /root, /dev, /proc, /sys.
# No documentation, locales or other package data.
# Idempotent: OUTDIR/.host-rootfs-stamp records what it was built from (this
# script and the package versions); when that still holds, nothing is done.
# Otherwise OUTDIR is rebuilt whole (it must be absent, empty, or a rootfs
# made by this script).
# usage: make-host-rootfs.sh OUTDIR
set -eu

if [ $# -ne 1 ]; then
	echo "usage: $0 OUTDIR" >&2
	exit 2
fi
out=${1%/}
me=$0
stamp_name=.host-rootfs-stamp

die() {
	echo "$me: $*" >&2
	exit 1
}

for tool in dpkg-query ldd file cp sha256sum; do
	command -v "$tool" >/dev/null 2>&1 || die "$tool not found (a Debian host is needed)"
done

# Packages whose programs are copied; the optional ones only when installed.
REQUIRED="bash coreutils grep sed gawk findutils diffutils tar gzip"
OPTIONAL="busybox-static procps"

installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "ok installed"
}

missing=
for p in $REQUIRED; do
	installed "$p" || missing="$missing $p"
done
[ -z "$missing" ] || die "missing host package(s):$missing (run scripts/install-deps.sh)"
packages=$REQUIRED
for p in $OPTIONAL; do
	installed "$p" && packages="$packages $p"
done

# What the rootfs is built from: this script and every package's version
# (and the C library's, which every program loads).
want_stamp=$(
	sha256sum <"$me" | cut -d' ' -f1
	for p in $packages libc6; do
		dpkg-query -W -f='${Package} ${Version}\n' "$p"
	done
)
if [ -f "$out/$stamp_name" ] && [ "$(cat "$out/$stamp_name")" = "$want_stamp" ]; then
	exit 0
fi

if [ -e "$out" ] && [ ! -f "$out/$stamp_name" ] && [ -n "$(ls -A "$out" 2>/dev/null)" ]; then
	die "$out exists and was not made by this script; remove it or choose another OUTDIR"
fi

# Build beside OUTDIR, then swap it in: an interrupted run leaves no half
# rootfs behind a valid stamp.
new=$out.new.$$
old=$out.old.$$
trap 'rm -rf "$new" "$old"' EXIT
trap 'exit 130' INT TERM HUP
rm -rf "$new"
mkdir -p "$new/usr/bin" "$new/usr/sbin" "$new/usr/lib" "$new/usr/lib64" \
	"$new/etc" "$new/root" "$new/tmp" "$new/dev" "$new/proc" "$new/sys"
for d in bin sbin lib lib64; do
	ln -s "usr/$d" "$new/$d"
done
chmod 1777 "$new/tmp"
chmod 0700 "$new/root"

# The rootfs path of a host program path: /bin/x -> usr/bin/x, and so on.
dest_of() {
	case $1 in
	/bin/*)		echo "usr$1" ;;
	/sbin/*)	echo "usr$1" ;;
	/usr/*)		echo "${1#/}" ;;
	*)		return 1 ;;
	esac
}

elfs=$(mktemp "${TMPDIR:-/tmp}/host-rootfs.XXXXXX")
trap 'rm -rf "$new" "$old" "$elfs" "$elfs".*' EXIT

# copy_program HOSTPATH: a program, or a symlink to one (kept as a symlink).
copy_program() {
	dst=$(dest_of "$1") || return 0
	if [ -e "$new/$dst" ] || [ -L "$new/$dst" ]; then
		return 0
	fi
	if [ -L "$1" ]; then
		ln -s "$(readlink "$1")" "$new/$dst"
		return 0
	fi
	[ -f "$1" ] || return 0
	cp -p "$1" "$new/$dst"
	case $(file -b "$1") in
	ELF*dynamic*|ELF*"interpreter"*) echo "$1" >>"$elfs" ;;
	esac
}

# Programs only: files directly in a bin or sbin directory.
for p in $packages; do
	dpkg-query -L "$p" | grep -E '^(/usr)?/s?bin/[^/]+$' >"$elfs.list" ||
		die "package $p lists no programs"
	while IFS= read -r f; do
		copy_program "$f"
	done <"$elfs.list"
done
rm -f "$elfs.list"

# Programs named under another name than their package's files.
[ -e "$new/usr/bin/awk" ] || ln -s gawk "$new/usr/bin/awk"
ln -sf bash "$new/usr/bin/sh"

# Every symlinked program must end at a program that is there.
for l in "$new"/usr/bin/* "$new"/usr/sbin/*; do
	[ -L "$l" ] || continue
	[ -e "$l" ] || die "$(basename "$l") -> $(readlink "$l"): the target was not copied"
done

# Libraries: each path ldd prints ("name => /path (addr)" or "/path (addr)"),
# at the same path in the rootfs, its symlinks resolved.
while IFS= read -r prog; do
	ldd "$prog" >"$elfs.ldd" 2>&1 || die "ldd $prog failed: $(head -n 1 "$elfs.ldd")"
	if grep -q 'not found' "$elfs.ldd"; then
		die "$prog: $(grep 'not found' "$elfs.ldd" | head -n 1 | sed 's/^[[:space:]]*//')"
	fi
	sed -n -e 's/^[[:space:]]*[^[:space:]]* => \(\/[^[:space:]]*\) .*/\1/p' \
		-e 's/^[[:space:]]*\(\/[^[:space:]]*\) (.*/\1/p' "$elfs.ldd"
done <"$elfs" >"$elfs.libs"
libs=$(sort -u "$elfs.libs")
[ -n "$libs" ] || die "ldd found no libraries"
for lib in $libs; do
	[ -e "$lib" ] || die "library $lib not found"
	case $lib in
	/lib/*|/lib64/*)	dst=usr$lib ;;
	/usr/*)			dst=${lib#/} ;;
	*)			die "library $lib is outside /lib, /lib64 and /usr" ;;
	esac
	mkdir -p "$new/$(dirname "$dst")"
	cp -L "$lib" "$new/$dst"
done
[ -f "$new/usr/lib64/ld-linux-x86-64.so.2" ] ||
	die "no dynamic linker at /lib64/ld-linux-x86-64.so.2 (is this an x86-64 glibc host?)"

printf 'root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n' \
	>"$new/etc/passwd"
printf 'root:x:0:\ntty:x:5:\nnogroup:x:65534:\n' >"$new/etc/group"
printf 'passwd: files\ngroup: files\nhosts: files\n' >"$new/etc/nsswitch.conf"
echo xlibos >"$new/etc/hostname"

printf '%s\n' "$want_stamp" >"$new/$stamp_name"

if [ -e "$out" ]; then
	mv "$out" "$old"
fi
mv "$new" "$out"
rm -rf "$old"
echo "$out: host rootfs ready ($(find "$out/usr/bin" "$out/usr/sbin" -maxdepth 1 ! -type d | wc -l) programs, $(du -sh "$out" | cut -f1))"
