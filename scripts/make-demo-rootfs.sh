#!/bin/sh
# Assemble a small busybox-static root file system for "xlibos run" (make run):
#   OUTDIR/bin/busybox and a symlink per applet, /etc/passwd, /etc/group,
#   /etc/motd, /root, /tmp (1777) and empty mount points.
# Idempotent: re-running refreshes busybox and adds missing pieces, leaving
# anything else in OUTDIR alone.
# usage: make-demo-rootfs.sh OUTDIR
set -eu

if [ $# -ne 1 ]; then
	echo "usage: $0 OUTDIR" >&2
	exit 2
fi
out=$1

# Debian's busybox-static installs /bin/busybox; it must be static, since
# the rootfs has no C library.
busybox=${BUSYBOX:-/bin/busybox}
if [ ! -x "$busybox" ]; then
	echo "$0: $busybox not found (apt-get install busybox-static, or set BUSYBOX)" >&2
	exit 1
fi
if command -v file >/dev/null 2>&1 && ! file -L "$busybox" | grep -q 'statically linked'; then
	echo "$0: $busybox is not statically linked (install busybox-static)" >&2
	exit 1
fi

mkdir -p "$out/bin" "$out/etc" "$out/root" "$out/tmp" "$out/proc" "$out/sys" \
	"$out/dev" "$out/usr/bin" "$out/usr/sbin" "$out/sbin"
chmod 1777 "$out/tmp"
chmod 0700 "$out/root"

# Copy, then rename: an interrupted run never leaves half a busybox.
cp "$busybox" "$out/bin/busybox.new"
chmod 0755 "$out/bin/busybox.new"
mv -f "$out/bin/busybox.new" "$out/bin/busybox"

for applet in $("$out/bin/busybox" --list); do
	[ "$applet" = busybox ] && continue
	link=$out/bin/$applet
	# Leave real files alone: the user may have put their own there.
	if [ -L "$link" ] || [ ! -e "$link" ]; then
		ln -sfn busybox "$link"
	fi
done

write_if_missing() {
	[ -e "$1" ] || printf '%s' "$2" >"$1"
}
write_if_missing "$out/etc/passwd" 'root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
'
write_if_missing "$out/etc/group" 'root:x:0:
tty:x:5:
nogroup:x:65534:
'
write_if_missing "$out/etc/motd" 'Welcome to xlibos: Linux 6.1 running as a library OS in a host process.
'
write_if_missing "$out/etc/hostname" 'xlibos
'
echo "$out: busybox rootfs ready ($("$out/bin/busybox" --list | wc -l) applets)"
