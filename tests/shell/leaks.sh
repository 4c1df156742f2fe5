#!/bin/sh
# Leak checks for one container: tests/shell/forkloop.c (static, glibc)
# runs inside xlibos.
#   1. In one run: 1000 fork+exit+wait cycles and 1000 pthread_create+join
#      cycles all succeed, and the guest's MemFree (/proc/meminfo) after them
#      is at most 1% below before (judged inside the guest; more is no leak).
#   2. On the host, while the program sleeps at the end, the container's
#      host processes and threads are no more than those of a run that only
#      sleeps (the LibOS process has a fixed number of threads), once the
#      spare host processes and threads the cycles left have expired
#      (SPARE_IDLE).
#   3. After each run ends, no host process or thread of it remains.
#   4. All host threads of the LibOS (not the supervisor) are pinned to one
#      and the same host CPU (xlibos run's default --cpu).
#   5. Under a host task limit (a pids cgroup, when this host lets us make
#      one) of an idle run's threads + 9: 8 children at once, then 8 threads
#      at once succeed, though the children's host processes would wait as
#      spares (the LibOS ends them when a host clone fails with EAGAIN).
# A run's host processes are found by their command line: the loader's, which
# every LibOS and guest process inherits, names a --rootfs path unique to
# this script.  Threads are counted in /proc/PID/task.
# usage: leaks.sh path/to/xlibos
# Builds into build/tests/shell/.  Prints "ok N - ..." / "not ok N - ..."
# and ends with "N passed, N failed[, N skipped]"; exits non-zero on failure.

if [ $# -ne 1 ] || [ ! -x "$1" ]; then
	echo "usage: $0 path/to/xlibos" >&2
	exit 2
fi
loader=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=$top/build/tests/shell
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$here/../lib.sh"

# Seconds before a hung run counts as a failure.
RUN_TIMEOUT=120
# Seconds the guest program sleeps at the end, while the host counts.
SLEEP=4
# Seconds an unused spare host process or thread lives (SPARE_IDLE_NS,
# hostpool.c).
SPARE_IDLE=1

# ---------------------------------------------------------------- build

mkdir -p "$build"
bin=$build/forkloop
if ! command -v gcc >/dev/null 2>&1 || [ ! -e "$(gcc -print-file-name=libc.a)" ]; then
	for d in "fork and thread cycles" "guest MemFree within 1%" \
		"host processes and threads" "nothing left on the host"; do
		skip "$d" "gcc or the static glibc (libc6-dev) not installed"
	done
	summary
	exit
fi
if [ ! -x "$bin" ] || [ -n "$(find "$here/forkloop.c" -newer "$bin")" ]; then
	if ! gcc -static -O2 -pthread -Wall -o "$bin.$$" "$here/forkloop.c" >"$out" 2>&1 ||
	   ! mv -f "$bin.$$" "$bin"; then
		rm -f "$bin.$$"
		not_ok "build forkloop" "compiler failed"
		summary
		exit 1
	fi
fi
rm -f "$out"

# ---------------------------------------------------------------- rootfs

# A rootfs of its own, at a path no other run uses: the program alone.
root_parent=$(mktemp -d "${TMPDIR:-/tmp}/xlibos-leaks.XXXXXX")
trap 'rm -rf "$scratch" "$root_parent"' EXIT
trap 'exit 130' INT TERM HUP
root=$root_parent/rootfs
mkdir -p "$root/dev" "$root/proc" "$root/sys" "$root/tmp" "$root/root"
chmod 1777 "$root/tmp"
cp "$bin" "$root/forkloop"

# run_tasks: the /proc/PID/task/TID directories of this script's runs on the
# host.  A thread belongs to a run when its command line starts with the
# loader and holds "--rootfs ROOT" (timeout and this shell name it too, but
# are not the loader).
run_tasks() {
	for task in /proc/[0-9]*/task/[0-9]*; do
		cmd=$(tr '\0' ' ' 2>/dev/null <"$task/cmdline") || continue
		case $cmd in
		"$loader "*" --rootfs $root "*) echo "$task" ;;
		esac
	done
}

# count: "PROCESSES THREADS" of this script's runs on the host.
count() {
	procs=0 threads=0 seen=
	for task in $(run_tasks); do
		threads=$((threads + 1))
		pid=${task#/proc/}
		pid=${pid%%/*}
		case " $seen " in
		*" $pid "*) ;;
		*) seen="$seen $pid" procs=$((procs + 1)) ;;
		esac
	done
	echo "$procs $threads"
}

# ps_list: the run's host threads, for a failure's explanation.
ps_list() {
	for task in $(run_tasks); do
		t=${task#/proc/}
		echo "pid ${t%%/*} tid ${t##*/} $(sed -n 's/^State:\t//p' "$task/status" 2>/dev/null)"
	done
}

# libos_cpus: the distinct CPU lists the run's host threads may use, but for
# the supervisor's (the loader process that timeout started).
libos_cpus() {
	for task in $(run_tasks); do
		[ "$(sed -n 's/^PPid:\t//p' "$task/status" 2>/dev/null)" = "$run_pid" ] && continue
		sed -n 's/^Cpus_allowed_list:\t//p' "$task/status" 2>/dev/null
	done | sort -u
}

# start MODE: run "forkloop MODE SLEEP" in the background; wait for "ready".
# Sets run_pid; returns non-zero if "ready" never came.
start() {
	: >"$scratch/$1.out"
	timeout "$RUN_TIMEOUT" "$loader" run --rootfs "$root" -- /forkloop "$1" "$SLEEP" \
		>"$scratch/$1.out" 2>"$scratch/$1.err" </dev/null &
	run_pid=$!
	i=0
	while ! grep -q '^ready$' "$scratch/$1.out"; do
		kill -0 "$run_pid" 2>/dev/null || return 1
		i=$((i + 1))
		[ $i -gt $((RUN_TIMEOUT * 10)) ] && return 1
		sleep 0.1
	done
}

# finish MODE: wait for the run; its exit status in $run_rc.
finish() {
	wait "$run_pid"
	run_rc=$?
}

# gone: 0 when nothing of the runs remains (allowing 5 seconds to wind down).
gone() {
	i=0
	while [ "$(count)" != "0 0" ]; do
		i=$((i + 1))
		[ $i -gt 50 ] && return 1
		sleep 0.1
	done
}

# ---------------------------------------------------------------- 1. idle run

if ! start idle; then
	finish idle
	{ cat "$scratch/idle.out" "$scratch/idle.err"; } >"$out"
	not_ok "an idle run (the baseline) gets to its sleep" "exit status $run_rc"
	rm -f "$out"
	summary
	exit 1
fi
counts=$(count)
base_procs=${counts% *} base_threads=${counts#* }
cpus=$(libos_cpus)
finish idle
case $cpus in
*[!0-9]* | "") not_ok "the LibOS's host threads are pinned to one host CPU" \
		"their allowed CPUs: $(echo "$cpus" | tr '\n' ' ')" ;;
*) ok "the LibOS's host threads are pinned to one host CPU ($cpus)" ;;
esac
if [ "$run_rc" -eq 0 ] && [ "$base_procs" -gt 0 ]; then
	ok "an idle run: $base_procs host processes, $base_threads threads while it sleeps"
else
	cat "$scratch/idle.out" "$scratch/idle.err" >"$out"
	not_ok "an idle run: $base_procs host processes, $base_threads threads while it sleeps" \
		"exit status $run_rc (want 0) and at least one process"
	rm -f "$out"
fi
if gone; then
	ok "an idle run leaves no host process or thread behind"
else
	ps_list >"$out"
	not_ok "an idle run leaves no host process or thread behind" "still there 5 s after it ended:"
	rm -f "$out"
fi

# ---------------------------------------------------------------- 2. forkloop run

if ! start run; then
	finish run
	cat "$scratch/run.out" "$scratch/run.err" >"$out"
	not_ok "1000 fork+exit and 1000 pthread_create+join cycles in one run" \
		"the run ended (exit status $run_rc) or hung before its sleep"
	rm -f "$out"
	summary
	exit 1
fi
# A spare host process or thread (the LibOS keeps an ended guest process's
# host process for the next fork, and an ended thread's host thread for the
# next thread there) ends after SPARE_IDLE seconds unused: count again
# until then, while the guest still sleeps.
i=0
while :; do
	counts=$(count)
	procs=${counts% *} threads=${counts#* }
	{ [ "$procs" -le "$base_procs" ] && [ "$threads" -le "$base_threads" ]; } && break
	i=$((i + 1))
	[ $i -gt $((SPARE_IDLE * 10 + 5)) ] && break
	sleep 0.1
done
ps_list >"$scratch/ps"
finish run

verdict() {
	line=$(grep "^$1 " "$scratch/run.out")
	case $line in
	"$1 ok"*)	ok "$2" ;;
	*)		cat "$scratch/run.out" "$scratch/run.err" >"$out"
			not_ok "$2" "${line:-no verdict}"
			rm -f "$out" ;;
	esac
}
verdict cycles "1000 fork+exit and 1000 pthread_create+join cycles in one run"
numbers=$(sed -n 's/^MemFree before \([0-9]*\) kB, after \([0-9]*\) kB$/: \1 kB, then \2 kB/p' "$scratch/run.err")
verdict memfree "guest MemFree before and after the cycles within 1%$numbers"
if [ "$run_rc" -eq 0 ]; then
	ok "the forkloop run exits 0"
else
	cat "$scratch/run.out" "$scratch/run.err" >"$out"
	not_ok "the forkloop run exits 0" "exit status $run_rc"
	rm -f "$out"
fi

d="host processes and threads after the cycles ($procs, $threads) no more than an idle run's ($base_procs, $base_threads)"
if [ "$procs" -le "$base_procs" ] && [ "$threads" -le "$base_threads" ] && [ "$procs" -gt 0 ]; then
	ok "$d"
else
	cp "$scratch/ps" "$out"
	not_ok "$d" "the run's host threads while it slept:"
	rm -f "$out"
fi
if gone; then
	ok "the forkloop run leaves no host process or thread behind"
else
	ps_list >"$out"
	not_ok "the forkloop run leaves no host process or thread behind" "still there 5 s after it ended:"
	rm -f "$out"
fi

# ---------------------------------------------------------------- 5. pids limit

# pids_cgroup: a new pids cgroup directory (v1 or v2), or nothing.
pids_cgroup() {
	for d in /sys/fs/cgroup/pids /sys/fs/cgroup; do
		[ -w "$d" ] && [ -e "$d/cgroup.procs" ] || continue
		if [ "$d" = /sys/fs/cgroup ]; then
			grep -qw pids "$d/cgroup.subtree_control" 2>/dev/null || continue
		fi
		cg=$d/xlibos-leaks.$$
		mkdir "$cg" 2>/dev/null && [ -e "$cg/pids.max" ] && { echo "$cg"; return; }
		rmdir "$cg" 2>/dev/null
	done
}
d="under a host task limit of an idle run's $base_threads threads + 9, 8 children then 8 threads at once"
cg=$(pids_cgroup)
if [ -z "$cg" ]; then
	skip "$d" "no pids cgroup can be made here"
else
	echo $((base_threads + 9)) >"$cg/pids.max"
	timeout "$RUN_TIMEOUT" sh -c 'echo $$ >"$1/cgroup.procs" && shift && exec "$@"' sh "$cg" \
		"$loader" run --rootfs "$root" -- /forkloop wave 0 \
		>"$scratch/wave.out" 2>"$scratch/wave.err" </dev/null
	run_rc=$?
	if [ "$run_rc" -eq 0 ] && grep -q '^wave ok$' "$scratch/wave.out"; then
		ok "$d"
	else
		cat "$scratch/wave.out" "$scratch/wave.err" >"$out"
		not_ok "$d" "exit status $run_rc"
		rm -f "$out"
	fi
	gone
	rmdir "$cg" 2>/dev/null
fi

summary
