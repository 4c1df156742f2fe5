#!/bin/sh
# A container's lifecycle, like Docker's (issue 11), with the real kernel:
#   1. the container ends when CMD ends: a CMD that leaves a background
#      child (sh -c 'sleep 1000 & exit 3') ends it at once with status 3,
#      and no host process of it is left;
#   2. "docker stop": SIGTERM to xlibos goes to CMD; a CMD that ignores it
#      is killed after --stop-timeout (2 s, 0 s, and the default 10 s):
#      exit 137, one line "xlibos: container did not stop within N s of
#      SIGTERM: killed", nothing left in its host PID namespace;
#   3. a CMD that handles SIGTERM exits with its own status (42); one that
#      does not dies of it (143); SIGHUP is forwarded too; a first SIGINT
#      reaches CMD, a second one kills the container; ^C typed on a terminal
#      (which reaches every host process) reaches CMD once;
#   4. a SIGTERM sent while the guest still boots and unpacks a large
#      rootfs (10-50 ms after start) is held and reaches CMD's handler, every
#      time; without a handler CMD dies of it (143);
#   5. --stop-timeout and --pids-limit: bad values are refused with one line
#      and 125; --help documents them.
# usage: lifecycle.sh path/to/xlibos path/to/rootfs
# The kernel image is the loader's default (../xlibos.img beside its
# directory) unless $XLIBOS_IMAGE names one.
# Prints "ok N - ..." / "not ok N - ..." and ends with "N passed, N failed[, N skipped]".

if [ $# -ne 2 ] || [ ! -x "$1" ] || [ ! -d "$2" ]; then
	echo "usage: $0 path/to/xlibos path/to/rootfs" >&2
	exit 2
fi
xlibos=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
rootfs=$(cd "$2" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$here/../lib.sh"

image=${XLIBOS_IMAGE:-$(dirname "$(dirname "$xlibos")")/xlibos.img}
export XLIBOS_IMAGE="$image"
# Seconds before a hung loader counts as a failure.
WATCHDOG=40

# ------------------------------------------------------------ helpers

now() {
	date +%s.%N
}

# elapsed START: seconds since START (decimal)
elapsed() {
	awk -v s="$1" -v e="$(now)" 'BEGIN { printf "%.2f", e - s }'
}

# within X LO HI: LO <= X <= HI (decimals)
within() {
	awk -v x="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(x >= lo && x <= hi) }'
}

# start_bg ARGS...: "xlibos run ARGS..." in the background, output in $out,
# with the signals it relays at their defaults (a non-interactive shell
# ignores SIGINT in background jobs) and a watchdog.
start_bg() {
	: >"$out"
	env --default-signal=INT,TERM,HUP "$xlibos" run "$@" >"$out" 2>&1 &
	bg_pid=$!
	started_at=$(now)
	(
		trap 'kill "$nap" 2>/dev/null; exit 0' TERM
		sleep "$WATCHDOG" & nap=$!
		wait "$nap" && kill -KILL "$bg_pid"
	) >/dev/null 2>&1 &
	watchdog_pid=$!
	pidns=
}

# wait_line TEXT: wait (up to 20 s) for a line TEXT in $out; meanwhile note
# the container's host PID namespace (its first host process is the
# loader's child, init of that namespace).
wait_line() {
	for _ in $(seq 400); do
		note_pidns
		if grep -qx -- "$1" "$out"; then
			note_pidns
			return 0
		fi
		kill -0 "$bg_pid" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

note_pidns() {
	[ -n "$pidns" ] && return
	first=$(pgrep -P "$bg_pid" | head -n 1)
	[ -n "$first" ] && pidns=$(readlink "/proc/$first/ns/pid" 2>/dev/null)
}

# finish_bg: reap the loader; sets rc and took (seconds since start).
finish_bg() {
	wait "$bg_pid"
	rc=$?
	took=$(elapsed "$started_at")
	kill "$watchdog_pid" 2>/dev/null
	wait "$watchdog_pid" 2>/dev/null
}

# left_in_pidns: host processes still in the container's PID namespace.
left_in_pidns() {
	[ -n "$pidns" ] || return 0
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/ns/pid" 2>/dev/null)" = "$pidns" ] && echo "${p#/proc/}"
	done
}

# check_gone DESC: no host process of the container is left.
check_gone() {
	if [ -z "$pidns" ]; then
		not_ok "$1" "never saw the container's first host process"
		return
	fi
	left=$(left_in_pidns)
	if [ -n "$left" ]; then
		not_ok "$1" "host processes left in $pidns: $left"
		# shellcheck disable=SC2086
		kill -KILL $left 2>/dev/null
	else
		ok "$1"
	fi
}

# check_run DESC RC TEXT MAXSECS: the loader exited RC within MAXSECS, its
# output holds the line TEXT (unless empty).
check_run() {
	if [ "$rc" -ne "$2" ]; then
		not_ok "$1" "expected exit $2, got $rc after $took s"
	elif [ -n "$3" ] && ! grep -qx -- "$3" "$out"; then
		not_ok "$1" "output lacks the line: $3"
	elif ! within "$took" 0 "$4"; then
		not_ok "$1" "took $took s (at most $4 expected)"
	else
		ok "$1"
	fi
}

why_not=
[ -f "$image" ] || why_not="no kernel image at $image (make all)"
[ -x "$rootfs/bin/sh" ] || why_not="no /bin/sh in $rootfs (make rootfs)"
command -v pgrep >/dev/null || why_not="pgrep not installed (procps)"
if [ -n "$why_not" ]; then
	for i in $(seq 31); do skip "lifecycle check $i" "$why_not"; done
	summary
	exit
fi

# ------------------------------------------------- 1. CMD ends: all ends

start_bg --rootfs "$rootfs" -- sh -c 'sleep 1000 & echo bg-started; sleep 1; exit 3'
wait_line bg-started
finish_bg
check_run "CMD exiting with a background child ends the container with its status" 3 "" 15
check_gone "CMD exiting with a background child: no host process left"

# ------------------------------------------------- 2. docker stop

# stop_ignored DESC TIMEOUT-OPTION N LO HI: CMD ignores SIGTERM; expect 137
# and the message after about N s.
stop_ignored() {
	desc=$1 opt=$2 secs=$3 lo=$4 hi=$5
	# shellcheck disable=SC2086
	start_bg --rootfs "$rootfs" $opt -- \
		sh -c 'trap "" TERM; sleep 1000 & echo started; while :; do wait; done'
	if ! wait_line started; then
		finish_bg
		not_ok "$desc" "CMD never started"
		return
	fi
	sent=$(now)
	kill -TERM "$bg_pid"
	finish_bg
	after=$(elapsed "$sent")
	msg="xlibos: container did not stop within $secs s of SIGTERM: killed"
	if [ "$rc" -ne 137 ]; then
		not_ok "$desc" "expected exit 137, got $rc"
	elif [ "$(cat "$out")" != "$(printf 'started\n%s' "$msg")" ]; then
		not_ok "$desc" "expected 'started' and the one line: $msg"
	elif ! within "$after" "$lo" "$hi"; then
		not_ok "$desc" "killed $after s after SIGTERM (expected $lo-$hi s)"
	else
		ok "$desc"
	fi
	check_gone "$desc: no host process left"
}

stop_ignored "SIGTERM ignored: killed after --stop-timeout 2, exit 137" \
	"--stop-timeout 2" 2 1.8 6
stop_ignored "SIGTERM ignored: --stop-timeout 0 kills at once" \
	"--stop-timeout=0" 0 0 3
stop_ignored "SIGTERM ignored: killed after the default 10 s" "" 10 9.8 15

# ------------------------------------------------- 3. forwarding

# A trap in a shell runs once the foreground command ends: so wait.
start_bg --rootfs "$rootfs" -- \
	sh -c 'trap "echo got-term; exit 42" TERM; sleep 1000 & echo started; wait'
wait_line started
kill -TERM "$bg_pid"
finish_bg
check_run "SIGTERM handled by CMD: its own status" 42 got-term 10
check_gone "SIGTERM handled by CMD: no host process left"

start_bg --rootfs "$rootfs" -- sh -c 'sleep 1000 & echo started; wait'
wait_line started
kill -TERM "$bg_pid"
finish_bg
check_run "SIGTERM not handled by CMD: it dies of it (143)" 143 "" 10

start_bg --rootfs "$rootfs" -- \
	sh -c 'trap "echo got-hup; exit 43" HUP; sleep 1000 & echo started; wait'
wait_line started
kill -HUP "$bg_pid"
finish_bg
check_run "SIGHUP reaches CMD" 43 got-hup 10

start_bg --rootfs "$rootfs" -- \
	sh -c 'trap "echo got-int" INT; sleep 1000 & echo started; while :; do wait; done'
wait_line started
kill -INT "$bg_pid"
got_int=no
for _ in $(seq 100); do
	grep -qx got-int "$out" && { got_int=yes; break; }
	sleep 0.05
done
kill -INT "$bg_pid"
finish_bg
if [ $got_int = yes ] && [ "$rc" -ne 0 ] && within "$took" 0 10; then
	ok "first SIGINT reaches CMD, the second kills the container"
else
	not_ok "first SIGINT reaches CMD, the second kills the container" \
		"got-int: $got_int, exit $rc after $took s"
fi
check_gone "second SIGINT: no host process left"

# ^C on a terminal reaches every host process of the container (same
# process group): CMD must see it once; the second one ends the container.
if command -v python3 >/dev/null; then
	timeout 60 python3 "$here/lifecycle/tty_interrupt.py" "$xlibos" --rootfs "$rootfs" >"$out" 2>&1
	if grep -qx "first: 1" "$out" && grep -q "^exit: [0-9]" "$out" && ! grep -qx "exit: 0" "$out"; then
		ok "^C on a terminal reaches CMD once, a second ^C ends the container"
	else
		not_ok "^C on a terminal reaches CMD once, a second ^C ends the container"
	fi
else
	skip "^C on a terminal reaches CMD once, a second ^C ends the container" "python3 not installed"
fi

# ------------------------------------------------- 4. SIGTERM while booting

# A rootfs that takes a while to pack and unpack: 80 MB more.
big=$scratch/big-rootfs
avail_kb=$(awk '/^MemAvailable:/ { print $2 }' /proc/meminfo)
if [ "${avail_kb:-0}" -lt 1500000 ]; then
	for d in 10 20 30 40 50 20; do
		skip "SIGTERM $d ms after start (large rootfs)" "less than 1.5 GB of host memory available"
	done
else
	cp -a "$rootfs/." "$big"
	head -c 80M /dev/urandom >"$big/big"
	# term_early MS TRAP RC TEXT
	term_early() {
		start_bg --rootfs "$big" --mem 512M -- sh -c "$2"'echo started; sleep 1000 & wait'
		sleep "$(awk -v ms="$1" 'BEGIN { printf "%.3f", ms / 1000 }')"
		# Still booting: "started" must not be out yet, or the test proves little.
		early=yes
		grep -qx started "$out" && early=no
		kill -TERM "$bg_pid"
		finish_bg
		desc="SIGTERM $1 ms after start (large rootfs, still booting: $early)"
		check_run "$desc${2:+, CMD traps it}" "$3" "$4" 15
	}
	for ms in 10 20 30 40 50; do
		term_early "$ms" 'trap "echo got-term; exit 42" TERM; ' 42 got-term
	done
	term_early 20 '' 143 ""
fi

# ------------------------------------------------- 5. options

expect "--stop-timeout abc refused" 125 \
	"xlibos: invalid --stop-timeout 'abc': expected a whole number from 0 to 31536000" \
	"$xlibos" run --rootfs "$rootfs" --stop-timeout abc -- true
expect_one_line "--stop-timeout abc: one line"
expect "--stop-timeout -1 refused" 125 "invalid --stop-timeout '-1'" \
	"$xlibos" run --rootfs "$rootfs" --stop-timeout -1 -- true
expect "--pids-limit 0 refused" 125 \
	"xlibos: invalid --pids-limit '0': expected a whole number from 32 to 4194304" \
	"$xlibos" run --rootfs "$rootfs" --pids-limit 0 -- true
expect_one_line "--pids-limit 0: one line"
expect "--pids-limit 99999999999999999999 refused" 125 "invalid --pids-limit" \
	"$xlibos" run --rootfs "$rootfs" --pids-limit 99999999999999999999 -- true
expect "--pids-limit given twice refused" 125 "given more than once" \
	"$xlibos" run --rootfs "$rootfs" --pids-limit 100 --pids-limit 200 -- true
expect "--pids-limit 64 --stop-timeout 5 accepted" 0 "" \
	"$xlibos" run --rootfs "$rootfs" --pids-limit 64 --stop-timeout 5 -- true
expect "--help documents --stop-timeout" 0 "--stop-timeout SECONDS" "$xlibos" --help
expect "--help documents --pids-limit" 0 "--pids-limit N" "$xlibos" --help

summary
