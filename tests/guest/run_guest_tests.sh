#!/bin/sh
# Guest tests: unmodified static x86-64 Linux programs run by "xlibos run"
# must behave as they do natively.
#   1. tests/guest/*.c, each built with musl-gcc and with glibc (gcc
#      -static): the stdout and exit status of a run inside xlibos must be
#      byte-identical to a native run of the same binary.
#   2. busybox applets: "chroot COPY busybox APPLET" (needs root) against
#      "xlibos run --rootfs COPY -- busybox APPLET": stdout and exit status.
#   3. 16 MiB of stdin through the guest's sha256sum (and cat).
#   4. exit statuses: exit N, death by SIGSEGV.
#   5. bad input: each a one-line error, the documented status, no hang.
# usage: run_guest_tests.sh path/to/xlibos path/to/rootfs
# Builds into build/tests/guest/.  Prints "ok N - ..." / "not ok N - ..."
# (with a diff, expected = native, actual = xlibos) and ends with
# "N passed, N failed[, N skipped]"; exits non-zero on failure.

# Single-quoted commands are expanded by the guest's (or chroot's) shell.
# shellcheck disable=SC2016

if [ $# -ne 2 ] || [ ! -x "$1" ] || [ ! -d "$2" ]; then
	echo "usage: $0 path/to/xlibos path/to/rootfs" >&2
	exit 2
fi
loader=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
rootfs=$(cd "$2" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=$top/build/tests/guest
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$here/../lib.sh"

# Seconds before a hung run counts as a failure.
RUN_TIMEOUT=60
# Programs compared with a native run; segv dies of SIGSEGV on purpose.
PROGS="fileio memory timerand threads signals sigsrc procfs process vfork segv sysabi net bpf vdso timens hugetlb"
PATH_DEFAULT=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

# No core files from the programs that die of signals natively.
# shellcheck disable=SC3045
ulimit -c 0 2>/dev/null

# The rootfs copy lives on a tmpfs when one is at hand, so that a native
# chroot sees the same file system semantics (directory sizes, block
# counts) as the guest, whose root is a tmpfs too.
copy_parent=
for d in "${TMPDIR:-/tmp}" /dev/shm; do
	if [ "$(stat -f -c %T "$d" 2>/dev/null)" = tmpfs ] && [ -w "$d" ]; then
		copy_parent=$(mktemp -d "$d/xlibos-guest.XXXXXX") && break
	fi
done
[ -n "$copy_parent" ] || copy_parent=$(mktemp -d "${TMPDIR:-/tmp}/xlibos-guest.XXXXXX")
copy_on_tmpfs=$([ "$(stat -f -c %T "$copy_parent")" = tmpfs ] && echo yes)
trap 'rm -rf "$scratch" "$copy_parent"' EXIT
trap 'exit 130' INT TERM HUP
copy=$copy_parent/rootfs

# ---------------------------------------------------------------- build

# shellcheck source-path=SCRIPTDIR source=../static_progs.sh
. "$here/../static_progs.sh"
# shellcheck disable=SC2086
build_progs "$here" "$build" "$here/guest_test.h" "-static -O2 -pthread -Wall" $PROGS

# ---------------------------------------------------------------- rootfs copy

cp -a "$rootfs/." "$copy"
mkdir -p "$copy/tests/musl" "$copy/tests/glibc" "$copy/data"
for variant in $variants; do
	for prog in $PROGS; do
		[ -x "$build/$variant/$prog" ] && cp "$build/$variant/$prog" "$copy/tests/$variant/"
	done
done
# Inputs for the applet comparisons: text with repeats, a binary file, a table.
i=0
while [ $i -lt 300 ]; do
	echo "line $((i * 7919 % 1000)) word$((i % 17)) $(((i * i) % 97))"
	i=$((i + 1))
done >"$copy/data/words.txt"
head -c 100000 /dev/urandom >"$copy/data/blob"
printf 'b\tx 3\na\ty 1\nc\tz 2\na\ty 1\n' >"$copy/data/table"
# For the bad-input checks.
head -c 4096 /dev/zero >"$copy/tests/zeros"		# neither ELF nor "#!"
chmod 0755 "$copy/tests/zeros"
printf '#!/bin/sh\necho "script ran: $1"\nexit 3\n' >"$copy/tests/script"
chmod 0755 "$copy/tests/script"
head -c 2000 "$copy/bin/busybox" >"$copy/tests/truncated"
chmod 0755 "$copy/tests/truncated"
cp "$copy/bin/busybox" "$copy/tests/aarch64"
# e_machine (offset 18, little-endian) = 183, EM_AARCH64
printf '\267\000' | dd of="$copy/tests/aarch64" bs=1 seek=18 conv=notrunc 2>/dev/null
# A fixed time for the root directory, which the guest's / should carry
# (it shows as ".." in "ls -la /etc").
touch -d '2020-01-01 00:00:00 UTC' "$copy"

# guest ARGS...: run ARGS in xlibos on the copy; stdout, stderr to files.
# $guest_opts: more run options (--pack where the comparison needs a tmpfs
# root like the native copy's).
guest_opts=
# --net none: the native copy has no resolv.conf or hosts, which --net
# user would write into the container's layer.
guest() {
	# shellcheck disable=SC2086
	timeout "$RUN_TIMEOUT" "$loader" run --net none $guest_opts --rootfs "$copy" -- "$@" \
		>"$scratch/g.out" 2>"$scratch/g.err" </dev/null
	echo "[exit $?]" >>"$scratch/g.out"
}

# compare DESC: native ($scratch/n.out) against guest ($scratch/g.out).
compare() {
	if cmp -s "$scratch/n.out" "$scratch/g.out"; then
		ok "$1"
	else
		{
			diff -u --label native --label xlibos "$scratch/n.out" "$scratch/g.out"
			if [ -s "$scratch/g.err" ]; then
				echo "xlibos stderr:"
				head -n 20 "$scratch/g.err"
			fi
		} >"$out"
		not_ok "$1" "stdout and exit status differ (- native, + xlibos)"
		rm -f "$out"
	fi
}

# ---------------------------------------------------------------- 1. programs

# A program's arguments: the host clock for timerand; something to exec for vfork.
args_for() {
	case $1 in
	timerand) date +%s ;;
	vfork)	[ "$2" = guest ] && echo /bin/busybox && return
		if [ -x /bin/busybox ]; then echo /bin/busybox; else command -v true; fi ;;
	esac
}

# The guest's init starts the command in a session of its own; so does
# the native run.  Without it, a run inside a PID namespace whose session
# leader is outside (a CI container) sees getsid() == 0.
native_session=
command -v setsid >/dev/null 2>&1 && native_session=setsid

for variant in musl glibc; do
	case " $variants " in
	*" $variant "*) ;;
	*)	why=$why_musl
		[ "$variant" = glibc ] && why=$why_glibc
		for prog in $PROGS; do skip "$prog ($variant): native = xlibos" "$why"; done
		continue ;;
	esac
	for prog in $PROGS; do
		desc="$prog ($variant): native = xlibos"
		case " $build_failed " in
		*" $variant/$prog "*)
			not_ok "$desc" "not built"
			continue ;;
		esac
		# The shell's own "Segmentation fault" goes to n.err too.
		# shellcheck disable=SC2046,SC2086
		{
			(cd "$scratch" && timeout "$RUN_TIMEOUT" $native_session "$build/$variant/$prog" \
				$(args_for "$prog" native) >"$scratch/n.out" </dev/null)
			echo "[exit $?]" >>"$scratch/n.out"
		} 2>"$scratch/n.err"
		# A program that cannot test anything natively here (timens
		# without root) says only "SKIP: WHY": nothing to compare with.
		if [ "$(head -c 6 "$scratch/n.out")" = "SKIP: " ]; then
			skip "$desc" "$(head -n 1 "$scratch/n.out" | cut -c 7-) natively"
			continue
		fi
		# shellcheck disable=SC2046
		guest "/tests/$variant/$prog" $(args_for "$prog" guest)
		compare "$desc"
	done
done

# ---------------------------------------------------------------- 2. busybox applets

why_not=
if [ "$(id -u)" -ne 0 ]; then
	why_not="needs root for chroot"
elif ! command -v chroot >/dev/null 2>&1; then
	why_not="chroot not installed"
elif ! chroot "$copy" /bin/busybox true 2>/dev/null; then
	why_not="chroot into the rootfs copy failed"
fi

# applet DESC FILTER CMD...: CMD (busybox applet and arguments, run as
# /bin/busybox CMD) natively in a chroot and in xlibos; stdout through
# the sed script FILTER ("" for none) and exit status must match.
applet() {
	desc="busybox $1: native chroot = xlibos" filter=$2
	shift 2
	if [ -n "$why_not" ]; then
		skip "$desc" "$why_not"
		return
	fi
	# Same environment as "xlibos run" gives: PATH and HOME only.
	(cd / && timeout "$RUN_TIMEOUT" env -i PATH="$PATH_DEFAULT" HOME=/root \
		chroot "$copy" /bin/busybox "$@" >"$scratch/n.raw" 2>"$scratch/n.err" </dev/null)
	nrc=$?
	guest /bin/busybox "$@"
	sed '$d' "$scratch/g.out" >"$scratch/g.raw"
	grc=$(tail -n 1 "$scratch/g.out")
	sed -e "${filter:-b}" "$scratch/n.raw" >"$scratch/n.out"
	echo "[exit $nrc]" >>"$scratch/n.out"
	sed -e "${filter:-b}" "$scratch/g.raw" >"$scratch/g.out"
	echo "$grc" >>"$scratch/g.out"
	compare "$desc"
}

if [ -z "$copy_on_tmpfs" ] && [ -z "$why_not" ]; then
	echo "# note: no writable tmpfs for the rootfs copy; ls sizes may differ by nature"
fi
# Directory sizes are the file system's: the packed root is a tmpfs like
# the native copy's; the default root (ext4 under an overlay) is compared
# with runc by tests/storage/debian_rootfs.sh.
guest_opts=--pack
applet "ls -la /etc" "" ls -la /etc
# /, ., .., dev, proc, sys and tmp are mount points in the guest (the root
# tmpfs, devtmpfs, proc, sysfs, a fresh tmpfs), plain directories in the
# chroot: their lines differ by nature.
applet "ls -la / (mount points filtered)" \
	'/ \(\.\|\.\.\|dev\|proc\|sys\|tmp\)$/d' ls -la /
guest_opts=
applet "stat of / (mode, owner, mtime)" "" stat -c '%A %U %G %y' /
applet "cat /etc/passwd" "" cat /etc/passwd
applet "wc" "" wc /data/words.txt /etc/passwd
applet "sort" "" sort /data/words.txt
applet "sort -k2,2 -k3n | uniq -c" "" sh -c 'sort -k2,2 -k3n /data/words.txt | uniq -c'
applet "sha256sum" "" sha256sum /data/words.txt /data/blob /bin/busybox
applet "cut, tr, sort -u, uniq -c" "" sh -c 'cut -f2 /data/table | tr a-z A-Z | sort | uniq -c; sort -u /data/table'
applet "md5sum and cmp" "" sh -c 'md5sum /data/blob && cmp /data/blob /data/blob && echo same'
# find prints in readdir order, which is file system (and kernel version)
# specific even on tmpfs: compare it sorted.
applet "find /etc /data (sorted)" "" sh -c 'find /etc /data | sort'
applet "find -type f -name" "" find /etc -type f -name 'p*'
applet "sed" "" sed -e 's/root/ROOT/g' -e '/nobody/d' -e '1i\
first line' /etc/passwd
applet "sed -n range" "" sed -n '5,12p;/word3 /s/word/W/p' /data/words.txt
applet "awk" "" awk -F: '{ n += $3; u[$7]++ } END { print NR, n; for (s in u) c++; print c }' /etc/passwd
applet "awk arrays and printf" "" awk '{ s[$3] += $4 } END { for (k = 0; k < 17; k++) printf "%s=%d\n", "word" k, s["word" k] }' /data/words.txt
applet "tar c, tar x, diff -r" "" sh -c '
	set -e
	cd /
	tar cf /tmp/etc.tar etc data
	mkdir /tmp/x
	tar xf /tmp/etc.tar -C /tmp/x
	diff -r /etc /tmp/x/etc
	diff -r /data /tmp/x/data
	echo identical
	tar tf /tmp/etc.tar | sort
	rm -rf /tmp/x /tmp/etc.tar'
applet "sh builtins: loops, arithmetic, case, functions, test" "" sh -c '
	fib() { a=0; b=1; i=0; while [ $i -lt $1 ]; do t=$((a + b)); a=$b; b=$t; i=$((i + 1)); done; echo $a; }
	kind() { case $1 in [0-9]*) echo number;; *.txt) echo text;; "") echo empty;; *) echo other;; esac; }
	for n in 1 10 50 90; do printf "fib %s = %s\n" $n "$(fib $n)"; done
	for w in 42 notes.txt "" x; do kind "$w"; done
	i=0; s=0; until [ $i -ge 100 ]; do i=$((i + 1)); [ $((i % 3)) -eq 0 ] && continue; s=$((s + i * i)); done; echo "sum $s"
	echo $((7 * 6)) $((1 << 20)) $((-17 / 5)) $((-17 % 5)) $((0x7f ^ 0x0f)) $((3 > 2 && 2 > 3))
	test -d /etc && test ! -e /nonexistent && [ "abc" \< "abd" ] && echo tests-ok
	set -- a "b c" d; echo "$# args: $2"; shift 2; echo "now $#: $1"
	x=${UNSET:-default}; y=hello.world; echo "$x ${y%.*} ${y#*.} ${#y}"
	f() { return 3; }; f; echo "status $?"
	exit 5'
applet "sh -c 'exit 7'" "" sh -c 'exit 7'

# ---------------------------------------------------------------- 3. stdin and stdout

head -c 16M /dev/urandom >"$scratch/random"
want=$(sha256sum <"$scratch/random" | cut -d' ' -f1)
timeout "$RUN_TIMEOUT" "$loader" run --rootfs "$copy" -- /bin/busybox sha256sum \
	<"$scratch/random" >"$out" 2>&1
rc=$?
if [ $rc -eq 0 ] && [ "$(cat "$out")" = "$want  -" ]; then
	ok "16 MiB on stdin: guest sha256sum = host sha256sum"
else
	echo "expected: $want  -" >>"$out"
	not_ok "16 MiB on stdin: guest sha256sum = host sha256sum" "exit $rc"
fi
rm -f "$out"
got=$(timeout "$RUN_TIMEOUT" "$loader" run --rootfs "$copy" -- /bin/cat \
	<"$scratch/random" 2>"$out" | sha256sum | cut -d' ' -f1)
if [ "$got" = "$want" ]; then
	ok "16 MiB through the guest's cat, stdin to stdout, intact"
else
	not_ok "16 MiB through the guest's cat, stdin to stdout, intact" "sha256 $got, want $want"
fi
rm -f "$out"

# ---------------------------------------------------------------- 4. exit status

expect "sh -c 'exit 7' exits 7" 7 "" \
	timeout "$RUN_TIMEOUT" "$loader" run --rootfs "$copy" -- /bin/sh -c 'exit 7'
if [ -x "$copy/tests/musl/segv" ] || [ -x "$copy/tests/glibc/segv" ]; then
	segv=/tests/musl/segv
	[ -x "$copy$segv" ] || segv=/tests/glibc/segv
	expect "a program dying of SIGSEGV exits 139, says Segmentation fault" 139 "Segmentation fault" \
		timeout "$RUN_TIMEOUT" "$loader" run --rootfs "$copy" -- "$segv"
else
	skip "a program dying of SIGSEGV exits 139, says Segmentation fault" "segv not built"
fi
expect "kill -SEGV \$\$ exits 139" 139 "Segmentation fault" \
	timeout "$RUN_TIMEOUT" "$loader" run --rootfs "$copy" -- /bin/sh -c 'kill -SEGV $$'
expect "a #! script runs, with its exit status" 3 "script ran: arg" \
	timeout "$RUN_TIMEOUT" "$loader" run --rootfs "$copy" -- /tests/script arg

# ---------------------------------------------------------------- 5. bad input

# bad DESC RC SUBSTRING ARGS...: "xlibos ARGS" exits RC (or, for RC "nz",
# anything but 0 and the timeout's 124), its output contains SUBSTRING and
# is a single line.
bad() {
	desc=$1 want_rc=$2 want_text=$3
	shift 3
	timeout "$RUN_TIMEOUT" "$loader" "$@" >"$out" 2>&1 </dev/null
	rc=$?
	if [ $rc -eq 124 ]; then
		not_ok "$desc" "hung: killed after ${RUN_TIMEOUT}s"
	elif [ "$want_rc" = nz ] && [ $rc -eq 0 ]; then
		not_ok "$desc" "expected a non-zero exit, got 0"
	elif [ "$want_rc" != nz ] && [ $rc -ne "$want_rc" ]; then
		not_ok "$desc" "expected exit $want_rc, got $rc"
	elif [ -n "$want_text" ] && ! grep -qF -- "$want_text" "$out"; then
		not_ok "$desc" "output lacks: $want_text"
	elif [ "$(wc -l <"$out")" -ne 1 ]; then
		not_ok "$desc" "expected exactly one line of output"
	else
		ok "$desc"
	fi
	rm -f "$out"
}

bad "command not in the rootfs: 127" 127 "No such file or directory" run --rootfs "$copy" -- /no/such/program
bad "command not in PATH: 127" 127 "not found" run --rootfs "$copy" -- no-such-program
bad "non-ELF file marked executable: 126" 126 "Exec format error" run --rootfs "$copy" -- /tests/zeros
bad "directory as command: 126" 126 "" run --rootfs "$copy" -- /etc
bad "file without execute permission: 126" 126 "Permission denied" run --rootfs "$copy" -- /etc/passwd
# Native Linux maps the truncated program, which then dies of SIGSEGV or
# SIGBUS: any non-zero status with one line will do.
bad "truncated ELF: non-zero, one line, no hang" nz "" run --rootfs "$copy" -- /tests/truncated
bad "ELF for aarch64: ENOEXEC, 126" 126 "Exec format error" run --rootfs "$copy" -- /tests/aarch64
bad "missing rootfs: 125" 125 "not found" run --rootfs "$scratch/no-such-rootfs" -- /bin/true
bad "--mem 16M: too small, 125" 125 "too small" run --rootfs "$copy" --mem 16M -- /bin/true
# Packed, a rootfs that does not fit in guest memory next to the kernel.
mkdir "$scratch/bigroot"
cp -a "$rootfs/." "$scratch/bigroot/"
head -c 24M /dev/zero >"$scratch/bigroot/big"
bad "rootfs too big for --mem 32M: 125" 125 "" run --pack --rootfs "$scratch/bigroot" --mem 32M -- /bin/true
rm -rf "$scratch/bigroot"
# With init= set, a failing init panics instead of trying the defaults.
bad "guest kernel panic: 125 and a panic message" 125 "panic" \
	run --rootfs "$copy" --cmdline "rdinit=/nonexistent init=/nonexistent" -- /bin/true


# A SIGTERM sent to the loader reaches the container's command.
"$loader" run --rootfs "$rootfs" -- /bin/sh -c \
	'trap "echo got TERM; exit 3" TERM; echo ready; while true; do sleep 1; done' \
	>"$scratch/term.out" 2>&1 &
term_pid=$!
for _ in $(seq 100); do
	grep -q ready "$scratch/term.out" 2>/dev/null && break
	sleep 0.1
done
kill -TERM "$term_pid"
wait "$term_pid"
term_rc=$?
if [ "$term_rc" -eq 3 ] && grep -q "got TERM" "$scratch/term.out"; then
	ok "SIGTERM to the loader reaches the command's trap"
else
	not_ok "SIGTERM to the loader reaches the command's trap" "exit $term_rc: $(cat "$scratch/term.out")"
fi

summary
