#!/bin/sh
# abcom guest tests: static x86-64 programs whose system call sites abcom
# rewrites (threads sharing a site, signals and restarts through rewritten
# sites, vfork and clone children leaving through them, the red zone and
# the register contract, a jump to the old syscall address, bad numbers,
# windows with a rip-relative lea, a loop window).
# Each tests/abcom_guest/*.c is built with musl-gcc and with gcc -static,
# run natively and in xlibos with --abcom=full and off (and online for
# some); stdout and exit status must be identical to the native run.
# --stats then shows that the rewritten path was used (full, online) or
# not at all (off).
# usage: run_abcom_tests.sh path/to/xlibos path/to/rootfs
# Builds into build/tests/abcom_guest/.  Prints "ok N - ..." / "not ok N -
# ..." and ends with "N passed, N failed[, N skipped]"; exits non-zero on
# failure.

if [ $# -ne 2 ] || [ ! -x "$1" ] || [ ! -d "$2" ]; then
	echo "usage: $0 path/to/xlibos path/to/rootfs" >&2
	exit 2
fi
loader=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
rootfs=$(cd "$2" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=$top/build/tests/abcom_guest
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$here/../lib.sh"

# Seconds before a hung run counts as a failure.
RUN_TIMEOUT=60
PROGS="threads_same_site signals_during_syscalls restart vfork_exit clone_newstack redzone jump_to_old_syscall bad_numbers riprel loop_window"
# Also run with --abcom=online: sites rewritten when they first trap, with
# other threads in them, or while the trapping call blocks and restarts.
ONLINE="threads_same_site signals_during_syscalls restart jump_to_old_syscall"
CFLAGS="-static -O2 -pthread -Wall -Wextra -Werror"

# min_fast PROG: under full and online, fast_calls must reach at least the
# number of calls the program makes through its own rewritten sites, less
# 1% (the LibOS's init adds its own, so "> 0" alone would prove nothing).
# Empty: no such check.
min_fast() {
	case $1 in
	threads_same_site)	echo 792000 ;;	# 8 x 100000 getpid
	signals_during_syscalls) echo 198000 ;;	# 200000 getppid
	redzone)		echo 207900 ;;	# 10000 + 200000 getpid
	bad_numbers)		echo 6930 ;;	# 7 x 1000 -ENOSYS
	riprel)			echo 1980 ;;	# 1000 uname + 1000 getcwd
	loop_window)		echo 20000 ;;	# getpid for 3 x 50 ms (a trap
						# each: ~15000 at most)
	esac
}

# min_resumed PROG: under full and online, at least this many threads
# resumed from the rewritten bytes (the #UD on an old syscall address).
min_resumed() {
	case $1 in
	jump_to_old_syscall)	echo 1002 ;;	# 1002 jumps to the old syscall
	esac
}

copy_parent=$(mktemp -d "${TMPDIR:-/tmp}/xlibos-abcom.XXXXXX")
trap 'rm -rf "$scratch" "$copy_parent"' EXIT
trap 'exit 130' INT TERM HUP
copy=$copy_parent/rootfs

# ---------------------------------------------------------------- build

# shellcheck source-path=SCRIPTDIR source=../static_progs.sh
. "$here/../static_progs.sh"
# shellcheck disable=SC2086
build_progs "$here" "$build" "$here/abcom_test.h" "$CFLAGS" $PROGS

# ---------------------------------------------------------------- rootfs copy

cp -a "$rootfs/." "$copy"
mkdir -p "$copy/tests/abcom/musl" "$copy/tests/abcom/glibc"
for variant in $variants; do
	for prog in $PROGS; do
		[ -x "$build/$variant/$prog" ] && cp "$build/$variant/$prog" "$copy/tests/abcom/$variant/"
	done
done

# ---------------------------------------------------------------- runs

# stat_of NAME: the counter NAME from the --stats line in g.err.
stat_of() {
	sed -n "s/^xlibos: abcom .* $1=\\([0-9][0-9]*\\).*/\\1/p" "$scratch/g.err" | tail -n 1
}

# num_test A OP B: test(1) with OP -eq or -ge.
num_test() {
	case $2 in
	-eq)	[ "$1" -eq "$3" ] ;;
	-ge)	[ "$1" -ge "$3" ] ;;
	*)	return 2 ;;
	esac
}

# stats_check DESC NAME OP VALUE: the counter NAME compared (test OP) to VALUE.
stats_check() {
	desc=$1 name=$2 op=$3 want=$4
	got=$(stat_of "$name")
	if [ -z "$got" ]; then
		head -n 20 "$scratch/g.err" >"$out"
		not_ok "$desc" "no '$name=' in the --stats line on stderr"
		rm -f "$out"
	elif num_test "$got" "$op" "$want"; then
		ok "$desc"
	else
		grep '^xlibos: abcom' "$scratch/g.err" >"$out"
		not_ok "$desc" "$name=$got, want $op $want"
		rm -f "$out"
	fi
}

for variant in musl glibc; do
	case " $variants " in
	*" $variant "*) ;;
	*)	why=$why_musl
		[ "$variant" = glibc ] && why=$why_glibc
		for prog in $PROGS; do skip "$prog ($variant)" "$why"; done
		continue ;;
	esac
	for prog in $PROGS; do
		case " $build_failed " in
		*" $variant/$prog "*)
			not_ok "$prog ($variant)" "not built"
			continue ;;
		esac

		# Native: the reference, and it must pass on its own.
		(cd "$scratch" && timeout "$RUN_TIMEOUT" "$build/$variant/$prog" \
			>"$scratch/n.out" 2>"$scratch/n.err" </dev/null)
		nrc=$?
		echo "[exit $nrc]" >>"$scratch/n.out"
		if [ "$nrc" -eq 0 ] && ! grep -q FAIL "$scratch/n.out"; then
			ok "$prog ($variant): native run passes"
		else
			cat "$scratch/n.out" "$scratch/n.err" >"$out"
			not_ok "$prog ($variant): native run passes" "exit $nrc"
			rm -f "$out"
		fi

		modes="full off"
		case " $ONLINE " in *" $prog "*) modes="full online off" ;; esac
		for mode in $modes; do
			desc="$prog ($variant) --abcom=$mode"
			timeout "$RUN_TIMEOUT" "$loader" run --rootfs "$copy" \
				--abcom "$mode" --stats -- "/tests/abcom/$variant/$prog" \
				>"$scratch/g.out" 2>"$scratch/g.err" </dev/null
			grc=$?
			echo "[exit $grc]" >>"$scratch/g.out"
			if cmp -s "$scratch/n.out" "$scratch/g.out"; then
				ok "$desc: stdout and exit = native"
			else
				{
					[ "$grc" -eq 124 ] && echo "hung: killed after ${RUN_TIMEOUT}s"
					diff -u --label native --label xlibos "$scratch/n.out" "$scratch/g.out"
					if [ -s "$scratch/g.err" ]; then
						echo "xlibos stderr:"
						head -n 20 "$scratch/g.err"
					fi
				} >"$out"
				not_ok "$desc: stdout and exit = native" "differ (- native, + xlibos)"
				rm -f "$out"
			fi

			case $mode in
			off)
				stats_check "$desc: --stats fast_calls = 0" fast_calls -eq 0 ;;
			*)
				min=$(min_fast "$prog")
				[ -n "$min" ] && stats_check "$desc: --stats fast_calls >= $min" \
					fast_calls -ge "$min"
				min=$(min_resumed "$prog")
				[ -n "$min" ] && stats_check "$desc: --stats resumed >= $min" \
					resumed -ge "$min" ;;
			esac
		done
	done
done

# ---------------------------------------------------------------- coverage
# With --abcom full nearly every system call of a busybox workload takes
# the rewritten path: at least 99% (fast_percent in the --stats line).
workload='find / -xdev >/dev/null; tar cf /tmp/a.tar /bin /etc 2>/dev/null
tar tf /tmp/a.tar >/dev/null; sha256sum /tmp/a.tar >/dev/null
i=0; while [ $i -lt 200 ]; do i=$((i + 1)); echo $i >/tmp/x; cat /tmp/x >/dev/null; done
echo done'
desc="busybox workload (find, tar, sha256sum, a shell loop) --abcom=full"
gout=$(timeout "$RUN_TIMEOUT" "$loader" run --rootfs "$copy" --abcom full --stats \
	-- /bin/sh -c "$workload" 2>"$scratch/g.err")
if [ "$gout" = done ]; then
	ok "$desc: runs to the end"
else
	head -n 20 "$scratch/g.err" >"$out"
	not_ok "$desc: runs to the end" "stdout '$gout'"
	rm -f "$out"
fi
pct=$(sed -n 's/^xlibos: abcom .* fast_percent=\([0-9.]*\) .*/\1/p' "$scratch/g.err")
if awk -v p="${pct:-0}" 'BEGIN { exit !(p >= 99.0) }'; then
	ok "$desc: $pct% of system calls on the rewritten path (>= 99%)"
else
	grep '^xlibos: abcom' "$scratch/g.err" >"$out"
	not_ok "$desc: >= 99% of system calls on the rewritten path" "fast_percent=${pct:-none}"
	rm -f "$out"
fi

summary
