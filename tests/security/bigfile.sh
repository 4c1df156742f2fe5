#!/bin/sh
# A large executable made inside the container, under --abcom full: the
# LibOS finds its system call sites itself (no loader table for it),
# reading the whole file into a 50 MB vmalloc buffer, which vmalloc frees
# lazily and flushes from a kworker, in another host process.  Every host
# process must drop its mirror of the freed buffer: one that kept it wrote
# the next such file's bytes into frames that had new owners (tmpfs pages
# here, creds and page tables in the kselftest run), 1 run in 2.
#   1. /tmp/a/sh (busybox + 50 MB) runs a shell that fills /tmp/c (60 MB
#      of 'x', which takes the freed frames), then /tmp/b/echo (another such
#      file: a second scan, at the same vmalloc address): /tmp/c must be
#      unchanged, both programs must run, no panic, exit 0; RUNS times;
#   2. the kselftest program that showed the bug, copied and run inside
#      the container (if scripts/kselftest.sh has built it), RUNS times.
# usage: bigfile.sh path/to/xlibos path/to/rootfs
# The kernel image is the loader's default unless $XLIBOS_IMAGE names one.
# Prints "ok N - ..." / "not ok N - ..." and ends with "N passed, N failed[, N skipped]".

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

RUNS=${BIGFILE_RUNS:-6}
# Seconds before a hung run counts as a failure.
WATCHDOG=60

# The guest's script: $1 is how many bytes of padding.
# shellcheck disable=SC2016 # expanded by the guest's shell
guest_script='
pad=$1
mkdir -p /tmp/a /tmp/b &&
cat /bin/busybox > /tmp/a/sh && head -c "$pad" /dev/zero >> /tmp/a/sh &&
cat /bin/busybox > /tmp/b/echo &&
head -c $((pad + 4096)) /dev/zero >> /tmp/b/echo &&
chmod +x /tmp/a/sh /tmp/b/echo || exit 90
/tmp/a/sh -c "
	head -c 60000000 /dev/zero | tr \"\\\\000\" x > /tmp/c
	before=\$(md5sum < /tmp/c)
	/tmp/b/echo second-scan-ran || exit 91
	after=\$(md5sum < /tmp/c)
	[ \"\$before\" = \"\$after\" ] || { echo tmpfs-data-changed; exit 92; }
	echo first-scan-ran
"
'

bigfile_run() {
	timeout -k 5 "$WATCHDOG" "$xlibos" run --abcom full --mem 512M \
		--cmdline loglevel=4 --rootfs "$rootfs" -- \
		sh -c "$guest_script" sh 50000000
}

i=0
while [ "$i" -lt "$RUNS" ]; do
	i=$((i + 1))
	bigfile_run >"$out" 2>&1
	rc=$?
	if [ "$rc" -ne 0 ]; then
		not_ok "large file made in the guest, scanned twice (run $i)" "exit $rc"
	elif grep -q -e 'kernel panic' -e 'kernel page fault' "$out"; then
		not_ok "large file made in the guest, scanned twice (run $i)" "panic"
	elif ! grep -q second-scan-ran "$out" || ! grep -q first-scan-ran "$out"; then
		not_ok "large file made in the guest, scanned twice (run $i)" "a program did not run"
	else
		ok "large file made in the guest, scanned twice (run $i): both ran, tmpfs data intact"
	fi
done

ks=$top/build/kselftest/rootfs/exec@load_address.0x1000000
if [ ! -x "$ks/kselftest/exec/load_address.0x1000000" ]; then
	skip "kselftest load_address.0x1000000 copied in the guest" \
		"not built (sh scripts/kselftest.sh --no-native)"
else
	i=0
	while [ "$i" -lt "$RUNS" ]; do
		i=$((i + 1))
		timeout -k 5 "$WATCHDOG" "$xlibos" run --abcom full --mem 512M \
			--cmdline loglevel=4 --rootfs "$ks" -- sh -c \
			'cp /kselftest/exec/load_address.0x1000000 /tmp/x && /tmp/x | tail -1' \
			>"$out" 2>&1
		rc=$?
		if [ "$rc" -eq 0 ] && grep -q 'pass:4 fail:0' "$out" &&
		   ! grep -q 'kernel panic' "$out"; then
			ok "kselftest load_address.0x1000000 copied in the guest (run $i)"
		else
			not_ok "kselftest load_address.0x1000000 copied in the guest (run $i)" "exit $rc"
		fi
	done
fi
rm -f "$out"
summary
