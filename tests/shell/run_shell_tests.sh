#!/bin/sh
# Shell tests: the scripts in tests/shell/cases/ are run by the host's own
# bash (and, for scripts marked "# posix: yes", by "busybox sh") twice on a
# copy of the host rootfs (scripts/make-host-rootfs.sh):
#   native: chroot COPY SHELL /tests/NAME.sh (needs root), in a private mount
#           and PID namespace with /proc, /dev and a fresh /tmp, as the
#           guest has them;
#   xlibos: xlibos run --rootfs COPY -- SHELL /tests/NAME.sh
# and stdout, stderr and the exit status must be identical.
# A script's first "# desc: " line describes it.  Scripts write only in
# /tmp, which is a fresh tmpfs in both runs.
# usage: run_shell_tests.sh path/to/xlibos
# Builds the rootfs into build/host-rootfs.  Prints "ok N - ..." /
# "not ok N - ..." (with a diff, - native, + xlibos) and ends with
# "N passed, N failed[, N skipped]"; exits non-zero on failure.

if [ $# -ne 1 ] || [ ! -x "$1" ]; then
	echo "usage: $0 path/to/xlibos" >&2
	exit 2
fi
loader=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
rootfs=$top/build/host-rootfs
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$here/../lib.sh"

# Seconds before a hung run counts as a failure.
RUN_TIMEOUT=120
PATH_DEFAULT=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
# Guest memory: the rootfs is held three times, and the scripts use /tmp.
MEM=256M

# No core files from children that die of signals natively.
# shellcheck disable=SC3045
ulimit -c 0 2>/dev/null

# ---------------------------------------------------------------- rootfs

if ! sh "$top/scripts/make-host-rootfs.sh" "$rootfs" >"$out" 2>&1; then
	not_ok "host rootfs (scripts/make-host-rootfs.sh)" "could not be built"
	rm -f "$out"
	summary
	exit 1
fi
rm -f "$out"

# The copy lives on a tmpfs when one is at hand: the guest's root is a
# tmpfs too, and so directory sizes and block counts agree.
copy_parent=
for d in /dev/shm "${TMPDIR:-/tmp}"; do
	if [ "$(stat -f -c %T "$d" 2>/dev/null)" = tmpfs ] && [ -w "$d" ]; then
		copy_parent=$(mktemp -d "$d/xlibos-shell.XXXXXX") && break
	fi
done
[ -n "$copy_parent" ] || copy_parent=$(mktemp -d "${TMPDIR:-/tmp}/xlibos-shell.XXXXXX")
trap 'rm -rf "$scratch" "$copy_parent"' EXIT
trap 'exit 130' INT TERM HUP
copy=$copy_parent/rootfs
cp -a "$rootfs/." "$copy"
mkdir -p "$copy/tests"
cp "$here"/cases/*.sh "$copy/tests/"
chmod 0755 "$copy"/tests/*.sh

why_native=
if [ "$(id -u)" -ne 0 ]; then
	why_native="needs root for chroot"
elif ! command -v chroot >/dev/null 2>&1 || ! command -v unshare >/dev/null 2>&1; then
	why_native="chroot or unshare not installed"
elif ! unshare --mount --pid --fork sh -c "mount -t proc proc '$copy/proc'" 2>/dev/null; then
	why_native="cannot unshare a mount and PID namespace here"
elif ! chroot "$copy" /bin/bash -c true 2>/dev/null; then
	why_native="chroot into the rootfs copy failed"
fi
why_busybox=
[ -x "$copy/bin/busybox" ] || why_busybox="busybox not in the rootfs (apt-get install busybox-static)"

# native SHELL... : run the shell natively in a chroot of the copy, inside a
# new mount and PID namespace whose PID 1 is a host sh that mounts what the
# guest's init mounts and then waits, as the guest's init does.
native() {
	# shellcheck disable=SC2016
	timeout "$RUN_TIMEOUT" unshare --mount --pid --fork sh -c '
		copy=$1; shift
		mount -t proc proc "$copy/proc" &&
		mount --rbind /dev "$copy/dev" &&
		mount -t tmpfs -o mode=1777 tmpfs "$copy/tmp" || exit 125
		cd / && env -i PATH="$0" HOME=/root chroot "$copy" "$@"
	' "$PATH_DEFAULT" "$copy" "$@" \
		>"$scratch/n.out" 2>"$scratch/n.err" </dev/null
	echo $? >"$scratch/n.rc"
}

# guest SHELL...: the same inside xlibos.
guest() {
	timeout "$RUN_TIMEOUT" "$loader" run --mem "$MEM" --rootfs "$copy" -- "$@" \
		>"$scratch/g.out" 2>"$scratch/g.err" </dev/null
	echo $? >"$scratch/g.rc"
}

# report PREFIX: stdout, stderr and exit status in one file, for diff.
report() {
	echo "--- stdout"
	cat "$scratch/$1.out"
	echo "--- stderr"
	cat "$scratch/$1.err"
	echo "--- exit status $(cat "$scratch/$1.rc")"
}

# check DESC SHELL...: native against xlibos.
check() {
	desc=$1
	shift
	native "$@"
	guest "$@"
	report n >"$scratch/native"
	report g >"$scratch/xlibos"
	if cmp -s "$scratch/native" "$scratch/xlibos"; then
		ok "$desc"
	else
		how="stdout, stderr or exit status differ (- native, + xlibos)"
		[ "$(cat "$scratch/g.rc")" = 124 ] && how="xlibos run timed out after ${RUN_TIMEOUT}s"
		diff -u --label native --label xlibos "$scratch/native" "$scratch/xlibos" \
			| head -n 80 >"$out"
		not_ok "$desc" "$how"
		rm -f "$out"
	fi
}

for script in "$here"/cases/*.sh; do
	name=$(basename "$script")
	sdesc=$(sed -n 's/^# desc: //p' "$script" | head -n 1)
	posix=$(sed -n 's/^# posix: //p' "$script" | head -n 1)

	d="bash $name: $sdesc"
	if [ -n "$why_native" ]; then
		skip "$d" "$why_native"
	else
		check "$d" /bin/bash "/tests/$name"
	fi

	[ "$posix" = yes ] || continue
	d="busybox sh $name: $sdesc"
	if [ -n "$why_native" ]; then
		skip "$d" "$why_native"
	elif [ -n "$why_busybox" ]; then
		skip "$d" "$why_busybox"
	else
		check "$d" /bin/busybox sh "/tests/$name"
	fi
done

summary
