#!/bin/sh
# Escape tests (issue 11): hostile guest programs try to reach the host
# from inside an xlibos container, and the host checks that nothing
# happened.  tests/security/escape/ is the program (one door, one attempt
# per run); tests/security/victim.c is the host's bait process.
#
# Doors (escape.c): a, the LibOS's xlibos_host_syscall called directly;
# b, a jump to each 0f 05 in .hypercall.text (found here, on the host, in
# the image's bytes) with chosen registers; c-hc, c-text, c-edge, a
# "syscall" of our own written into LibOS text (inside the hypercall
# section, in .text below it, and in the two bytes just before it, whose
# return address is the section's start); d, a forged exit record.
#
# Attempts: read and create host files, execve of a host program, a TCP
# connection to a listener on the host's 127.0.0.1, kill, ptrace,
# process_vm_writev and /proc/PID/mem on a host process outside the
# container, mount, unshare, setns, bpf, io_uring_setup, userfaultfd,
# perf_event_open, memfd_create + execveat, clone with namespace flags,
# kill(0) and kill(-1).
#
# Each run passes when, on the host: the bait directory is as it was (the
# secret unchanged and not in the output, no new file, no mount on it),
# the victim is alive, untraced, not stopped, and got no signal, no
# connection and no write; and the container ended clearly: exit 159 with
# "xlibos: container killed: forbidden host system call", or exit 0 with
# the program's own "result: refused" (every host call failed) or
# "result: host-judged".  A forged exit record must end with 125 or 159
# and sane stderr (no control characters, no injected "xlibos:" line).
#
# Probes: an allowed host call (a write to the host's stdout) through each
# door must come through (through c-text it must not: that syscall is
# outside the hypercall section and traps to the LibOS): the doors are
# real, and a refusal is the host's.
#
# Controls: each attempt also runs natively on the host (door n, outside
# any container) and must be caught by the same checks; a control that
# is not caught is a failure (the check would be blind).
#
# usage: run_escape_tests.sh path/to/xlibos [path/to/rootfs]
# Needs root (skipped otherwise).  Prints "ok N - ..." / "not ok N - ..."
# and ends with "N passed, N failed, N skipped".

# $addrs is split into arguments on purpose.
# shellcheck disable=SC2086

if [ $# -lt 1 ] || [ ! -x "$1" ]; then
	echo "usage: $0 path/to/xlibos [path/to/rootfs]" >&2
	exit 2
fi
loader=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
rootfs=${2:-$top/build/rootfs}
image=${XLIBOS_IMAGE:-$(dirname "$(dirname "$loader")")/xlibos.img}
build=$top/build/tests/security/escape
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$here/../lib.sh"

# Seconds before a run counts as hung.
RUN_TIMEOUT=30
# Seconds a probe may run: what follows its allowed call may hang the
# container (see probe).
PROBE_TIMEOUT=8
HANDOFF="xlibos: container killed: forbidden host system call"
ESCAPE_OPS="read create execve connect kill ptrace vmwrite procmem mount unshare setns bpf io_uring userfaultfd perf memfd_exec clone_ns kill_group kill_all"

# shellcheck disable=SC3045
ulimit -c 0 2>/dev/null
trap 'exit 130' INT TERM HUP

is_root=$([ "$(id -u)" -eq 0 ] && echo yes)
victim_pid=
watch_pid=
sid=
panic_ok=

# ---------------------------------------------------------------- setup

why_all=
for tool in nm readelf od setsid timeout ps; do
	command -v "$tool" >/dev/null 2>&1 || why_all="$tool not installed"
done
[ -f "$image" ] || why_all="no image at $image"
[ -d "$rootfs" ] || why_all="no rootfs at $rootfs"
# The attempts use root's powers on the host (mount, setns, bpf, ptrace of
# any process, PID namespaces): as another user most would prove nothing.
[ -n "$is_root" ] || why_all="needs root"
cc_static=
if command -v musl-gcc >/dev/null 2>&1; then
	cc_static=musl-gcc
elif command -v gcc >/dev/null 2>&1 && [ -e "$(gcc -print-file-name=libc.a)" ]; then
	cc_static=gcc
else
	why_all=${why_all:-"neither musl-gcc nor a static glibc"}
fi
if [ -n "$why_all" ]; then
	skip "escape tests" "$why_all"
	summary
	exit $?
fi

# newer A B: A was modified after B.
newer() {
	[ -n "$(find "$1" -newer "$2" 2>/dev/null)" ]
}

# build_if_stale OUT CC CFLAGS SRC...: into a temporary name first, so a
# concurrent run never sees half a binary.
build_if_stale() {
	b_out=$1 b_cc=$2 b_flags=$3
	shift 3
	if [ -x "$b_out" ]; then
		b_stale=
		for b_src in "$@" "$here"/escape/*.h; do
			newer "$b_src" "$b_out" && b_stale=yes
		done
		[ -z "$b_stale" ] && return 0
	fi
	# shellcheck disable=SC2086
	$b_cc $b_flags -o "$b_out.$$" "$@" >"$out" 2>&1 && mv -f "$b_out.$$" "$b_out"
}

mkdir -p "$build"
if ! build_if_stale "$build/escape" "$cc_static" "-static -O2 -Wall -Wextra -Werror" \
	"$here"/escape/*.c; then
	not_ok "build the escape program" "compiler failed"
	summary
	exit 1
fi
if ! build_if_stale "$build/victim" "${CC:-cc}" "-O2 -Wall -Wextra -Werror" "$here/victim.c"; then
	not_ok "build the victim" "compiler failed"
	summary
	exit 1
fi
rm -f "$out"

copy=$scratch/rootfs
cp -a "$rootfs/." "$copy"
cp "$build/escape" "$copy/escape"

# symbol NAME: its address in the image, 0x-prefixed.
symbol() {
	nm "$image" | awk -v n="$1" '$3 == n { print "0x" $1; exit }'
}
hostcall=$(symbol xlibos_host_syscall)
hcstart=$(symbol __hypercall_text_start)
hcend=$(symbol __hypercall_text_end)
boot=$(symbol xlibos_boot)
if [ -z "$hostcall" ] || [ -z "$hcstart" ] || [ -z "$hcend" ] || [ -z "$boot" ]; then
	skip "escape tests" "symbols missing from $image (xlibos_host_syscall, __hypercall_text_start/end, xlibos_boot)"
	summary
	exit $?
fi
addrs="hostcall=$hostcall hcstart=$hcstart hcend=$hcend boot=$boot"

# Every 0f 05 byte pair in [hcstart, hcend), aligned to an instruction or
# not: the file offset comes from the PT_LOAD segment holding hcstart.
syscall_sites() {
	seg=
	# LOAD Offset VirtAddr PhysAddr FileSiz MemSiz Flg Align
	while read -r kind off va _ fsz _; do
		[ "$kind" = LOAD ] || continue
		if [ $(($1)) -ge $((va)) ] && [ $(($1)) -lt $((va + fsz)) ]; then
			seg=$((off - va))
			break
		fi
	done <<EOF_LOAD
$(readelf -lW "$image")
EOF_LOAD
	[ -n "$seg" ] || return 1
	od -An -v -tx1 -j $(($1 + seg)) -N $(($2 - $1)) "$image" |
		tr -s ' ' '\n' | grep -v '^$' |
		awk -v base="$(($1))" '
			prev == "0f" && $1 == "05" { printf "0x%x\n", base + NR - 2 }
			{ prev = $1 }'
}
sites=$(syscall_sites "$hcstart" "$hcend")

# ---------------------------------------------------------------- the host's bait

# bait_listing: the bait directory's entries and its own modification
# time (an entry made and removed again changes that too).
bait_listing() {
	stat -c 'directory modified %y' "$bait"
	ls -lA --time-style=full-iso "$bait"
}

# new_bait: a fresh directory with a secret and an empty mount point.
new_bait() {
	bait=$(mktemp -d "$scratch/bait.XXXXXX")
	token="secret-$(od -An -tx8 -N8 /dev/urandom | tr -d ' ')"
	echo "$token" >"$bait/secret"
	chmod 0600 "$bait/secret"
	mkdir "$bait/mnt"
	touch -d '2020-01-01 00:00:00 UTC' "$bait/secret"
	bait_before=$(bait_listing)
}

# wait_file FILE: until it has content (5 s at most).
wait_file() {
	i=0
	while [ ! -s "$1" ] && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	[ -s "$1" ]
}

# start_victim: a host process outside the container, in a session of its
# own; sets victim_pid, victim_addr, victim_port.
start_victim() {
	rm -f "$scratch/victim.log" "$scratch/victim.info"
	: >"$scratch/victim.log"
	setsid "$build/victim" "$scratch/victim.log" "$scratch/victim.info" </dev/null &
	victim_pid=$!
	wait_file "$scratch/victim.info" || return 1
	read_victim_info
	[ "$victim_pid_info" = "$victim_pid" ]
}

read_victim_info() {
	read -r victim_pid_info victim_addr victim_port <"$scratch/victim.info"
}

# watch_victim PID: note in victim.watch whenever PID is traced.
watch_victim() {
	: >"$scratch/victim.watch"
	(
		while [ -e "/proc/$1" ] && [ ! -e "$scratch/watch.stop" ]; do
			t=$(awk '/^TracerPid:/ { print $2 }' "/proc/$1/status" 2>/dev/null)
			[ -n "$t" ] && [ "$t" != 0 ] && echo "traced by $t" >>"$scratch/victim.watch"
			sleep 0.05
		done
	) &
	watch_pid=$!
}

stop_watch() {
	if [ -n "$watch_pid" ]; then
		touch "$scratch/watch.stop"
		wait "$watch_pid" 2>/dev/null
		rm -f "$scratch/watch.stop"
		watch_pid=
	fi
}

# kill_session SID: every process left in the run's session, by pid.
kill_session() {
	[ -n "$1" ] || return 0
	for p in $(ps -e -o pid=,sid= | awk -v s="$1" '$2 == s { print $1 }'); do
		kill -9 "$p" 2>/dev/null
	done
}

stop_victim() {
	if [ -n "$victim_pid" ]; then
		kill -9 "$victim_pid" 2>/dev/null
		wait "$victim_pid" 2>/dev/null
		victim_pid=
	fi
}

cleanup_all() {
	stop_watch
	stop_victim
	kill_session "$sid"
	for m in "$scratch"/bait.*/mnt; do
		grep -qF " $m " /proc/self/mountinfo 2>/dev/null && umount -l "$m" 2>/dev/null
	done
}

trap 'cleanup_all; rm -rf "$scratch"' EXIT

# ---------------------------------------------------------------- one run

# run_attempt HOW DOOR OP [ARGS...]: HOW is "xlibos" (in a container) or
# "native" (the control, on the host).  The run gets a session of its own
# (so that whatever it leaves behind can be killed by session id); for
# kill_group the victim shares the run's process group, for kill_all also
# a PID namespace of the host's, which bounds what kill(-1) can reach.
# Leaves rc, $scratch/run.out, $scratch/run.err.
run_attempt() {
	how=$1 door=$2 op=$3
	shift 3
	rm -f "$scratch/sid"
	if [ "$how" = xlibos ]; then
		set -- "$loader" run --rootfs "$copy" -- /escape "door=$door" "op=$op" "$@"
	else
		set -- "$build/escape" "door=$door" "op=$op" "$@"
	fi
	case $op in
	kill_group | kill_all)
		ns=
		[ "$op" = kill_all ] && ns="unshare --pid --fork --kill-child --mount-proc"
		# shellcheck disable=SC2016,SC2086
		timeout -k 5 "$RUN_TIMEOUT" setsid $ns sh -c '
			echo $$ >"$1/sid"
			: >"$1/victim.log"
			rm -f "$1/victim.info"
			"$2" "$1/victim.log" "$1/victim.info" </dev/null &
			i=0
			while [ ! -s "$1/victim.info" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
			shift 2
			"$@"
			rc=$?
			sleep 0.5	# time for the victim to log a signal
			kill -9 $! 2>/dev/null
			exit $rc' sh "$scratch" "$build/victim" "$@" \
			>"$scratch/run.out" 2>"$scratch/run.err" </dev/null
		rc=$? ;;
	*)
		# shellcheck disable=SC2016
		timeout -k 5 "$RUN_TIMEOUT" setsid sh -c 'echo $$ >"$0"; exec "$@"' \
			"$scratch/sid" "$@" >"$scratch/run.out" 2>"$scratch/run.err" </dev/null
		rc=$? ;;
	esac
	sid=$(cat "$scratch/sid" 2>/dev/null)
	# The session of an unshare'd run is the sh inside: its pid there is
	# 1, so find the session by the setsid'd unshare instead.
	[ "$op" = kill_all ] && sid=
	# Let a host process that escaped finish what it started, and the
	# victim log what reached it.
	sleep 0.5
	kill_session "$sid"
	sid=
}

# host_problems: what changed on the host, one line each, in $scratch/problems.
host_problems() {
	: >"$scratch/problems"
	{
		after=$(bait_listing)
		[ "$after" = "$bait_before" ] ||
			printf 'bait directory changed:\n%s\n' "$after"
		[ "$(cat "$bait/secret" 2>/dev/null)" = "$token" ] || echo "secret changed"
		grep -qF "$token" "$scratch/run.out" "$scratch/run.err" &&
			echo "the secret was read (it is in the output)"
		if grep -qF " $bait/mnt " /proc/self/mountinfo; then
			echo "a mount appeared on the host at $bait/mnt"
			umount -l "$bait/mnt" 2>/dev/null
		fi
		[ -s "$scratch/victim.log" ] && sed 's/^/victim: /' "$scratch/victim.log"
		[ -s "$scratch/victim.watch" ] && sort -u "$scratch/victim.watch" | sed 's/^/victim: /'
		if [ -n "$victim_pid" ]; then
			if ! kill -0 "$victim_pid" 2>/dev/null; then
				echo "victim (host pid $victim_pid) is dead"
			else
				awk '/^State:/ && $2 ~ /^[Tt]/ { print "victim stopped: " $0 }
				     /^TracerPid:/ && $2 != 0 { print "victim traced: " $0 }' \
					"/proc/$victim_pid/status"
			fi
		fi
	} >>"$scratch/problems" 2>/dev/null
}

# clear_end: the container ended as it should; else the reason on stdout.
# With $panic_ok set, a guest kernel panic (125) is a clear end too.
clear_end() {
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		echo "hung: killed after ${RUN_TIMEOUT}s"
	elif [ "$rc" -eq 159 ] && grep -qF "$HANDOFF" "$scratch/run.err"; then
		:
	elif [ "$rc" -eq 0 ] && grep -qE '^result: (refused|host-judged)$' "$scratch/run.out"; then
		:
	elif [ -n "$panic_ok" ] && [ "$rc" -eq 125 ] &&
	     grep -q '^xlibos: guest kernel panic: ' "$scratch/run.err"; then
		:
	else
		echo "unclear end: exit $rc"
	fi
}

# report DESC: ok or not ok, with what the run printed.
report() {
	ending=$(clear_end)
	if [ ! -s "$scratch/problems" ] && [ -z "$ending" ]; then
		ok "$1"
		# Which call the host stopped, and where.
		grep -o 'forbidden host system call.*' "$scratch/run.err" | sed 's/^/#   /'
		return
	fi
	{
		[ -n "$ending" ] && echo "$ending"
		cat "$scratch/problems"
		echo "stdout:"
		head -n 15 "$scratch/run.out"
		echo "stderr:"
		head -n 10 "$scratch/run.err"
	} >"$out"
	not_ok "$1" "the host saw an escape, or the container did not end clearly"
	rm -f "$out"
}

# bait_args: the escape program's arguments naming the bait.
bait_args() {
	echo "dir=$bait port=${victim_port:-1} pid=${victim_pid:-1} addr=${victim_addr:-0}"
}

# wanted DESC: not left out by $ESCAPE_ONLY (an extended regular
# expression on the descriptions, to run a few while debugging).
wanted() {
	[ -z "${ESCAPE_ONLY:-}" ] || printf '%s\n' "$1" | grep -qE -- "$ESCAPE_ONLY"
}

# attempt DESC HOW DOOR OP [ARGS...]: one run with fresh bait and victim.
attempt() {
	desc=$1 how=$2 door=$3 op=$4
	shift 4
	new_bait
	victim_pid='' victim_addr='' victim_port=''
	case $op in
	kill_group | kill_all) : >"$scratch/victim.watch" ;;
	*)	if ! start_victim; then
			not_ok "$desc" "the victim did not start"
			stop_victim
			return
		fi
		watch_victim "$victim_pid" ;;
	esac
	# shellcheck disable=SC2046
	run_attempt "$how" "$door" "$op" $(bait_args) "$@"
	stop_watch
	host_problems
	case $op in
	kill_group | kill_all) victim_pid= ;;	# it lived inside the run
	esac
}

# ---------------------------------------------------------------- the program runs

# Without arguments it prints its usage and exits 2: it runs in a container.
timeout -k 5 "$RUN_TIMEOUT" "$loader" run --rootfs "$copy" -- /escape >"$out" 2>&1 </dev/null
rc=$?
if [ $rc -eq 2 ] && grep -q '^usage: escape' "$out"; then
	ok "the escape program runs in a container (its usage, exit 2)"
else
	not_ok "the escape program runs in a container (its usage, exit 2)" "exit $rc"
fi
rm -f "$out"

# control OP: natively on the host (door n, no container), the attempt
# must be seen by the checks.
control() {
	desc="control: $1 natively on the host is caught by the checks"
	wanted "$desc" || return 0
	attempt "$desc" native n "$1" tag=native
	ending=$(clear_end)
	if [ -s "$scratch/problems" ] || [ -n "$ending" ]; then
		ok "$desc"
	else
		{ echo "stdout:"; cat "$scratch/run.out"; echo "stderr:"; cat "$scratch/run.err"; } >"$out"
		not_ok "$desc" "the native escape went unnoticed: the check is blind"
		rm -f "$out"
	fi
	stop_victim
}

# escape DESC DOOR OP [ARGS...]: the attempt in a container; the host
# must see nothing, the container must end clearly.
escape() {
	desc=$1
	wanted "$desc" || return 0
	shift
	attempt "$desc" xlibos "$@" $addrs
	report "$desc"
	stop_victim
}

# probe WANT DESC DOOR [ARGS...]: an allowed host call (a write to the
# host's stdout) through DOOR; WANT "reaches": its text shows, so the door
# is real and the refusals below are the host's doing; WANT "traps": it
# must not show (a syscall outside the hypercall section is the LibOS's).
probe() {
	want=$1 desc="door $3 $1 the host: $2"
	shift 2
	wanted "$desc" || return 0
	timeout -k 2 "$PROBE_TIMEOUT" "$loader" run --rootfs "$copy" -- /escape "door=$1" op=probe \
		$addrs "$@" >"$scratch/run.out" 2>"$scratch/run.err" </dev/null
	rc=$?
	reached=$(grep -cx 'probe: host write through the door' "$scratch/run.out")
	if grep -q '^result: ' "$scratch/run.out"; then
		back="came back ($(grep -m1 '^result: ' "$scratch/run.out"))"
	elif [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		# What runs after the syscall can end a host thread: the
		# program may hang its own container, nothing more.
		back="did not come back: the container hung, killed after ${PROBE_TIMEOUT}s"
	else
		back="did not come back: exit $rc, $(grep -m1 '^xlibos: ' "$scratch/run.err")"
	fi
	{ echo "exit $rc"; echo "stdout:"; head -n 5 "$scratch/run.out"
	  echo "stderr:"; head -n 5 "$scratch/run.err"; } >"$out"
	if [ "$want" = reaches ] && [ "$reached" -eq 0 ]; then
		not_ok "$desc" "no host write came through"
	elif [ "$want" = traps ] && [ "$reached" -ne 0 ]; then
		not_ok "$desc" "the host write came through"
	else
		rm -f "$out"
		ok "$desc"
		[ "$want" = reaches ] && echo "#   $back"
	fi
	rm -f "$out"
}

probe reaches "a write to stdout (allowed)" a
for site in $sites; do
	probe reaches "a write to stdout (allowed), the 0f 05 at $site" b "site=$site"
done
probe reaches "a write to stdout (allowed), own syscall in .hypercall.text" c-hc
probe traps "a write to stdout, own syscall in .text below .hypercall.text" c-text
probe reaches "a write to stdout (allowed), own syscall before .hypercall.text" c-edge

# ---------------------------------------------------------------- controls

for op in $ESCAPE_OPS; do
	control "$op"
done

# ---------------------------------------------------------------- door a

for op in $ESCAPE_OPS; do
	escape "door a (xlibos_host_syscall): $op" a "$op" tag=a
done

# ---------------------------------------------------------------- door b

[ -n "$sites" ] ||
	not_ok "door b: 0f 05 byte pairs found in .hypercall.text" "none between $hcstart and $hcend"
for site in $sites; do
	escape "door b (jump to the 0f 05 at $site): create" b create "site=$site" "tag=b-$site"
done
# Two more attempts through the first site.
for site in $sites; do
	for op in read connect; do
		escape "door b (jump to the 0f 05 at $site): $op" b "$op" "site=$site" "tag=b-$op"
	done
	break
done

# ---------------------------------------------------------------- door c

for op in create read connect; do
	escape "door c (own syscall written into .hypercall.text): $op" c-hc "$op" tag=c-hc
done
# The LibOS takes a trapped system call from its own text for a bug of its
# own and panics: a clear end too (125), as long as the host saw nothing.
panic_ok=yes
escape "door c (own syscall written into .text below .hypercall.text): create" \
	c-text create tag=c-text
panic_ok=
escape "door c (own syscall in the 2 bytes before .hypercall.text): create" \
	c-edge create tag=c-edge

# ---------------------------------------------------------------- door d

# forged VARIANT DESC: the forged record ends the run with a clear status
# and stderr the supervisor made sane.
forged() {
	desc="door d (forged exit record): $2"
	wanted "$desc" || return 0
	timeout -k 5 "$RUN_TIMEOUT" "$loader" run --rootfs "$copy" -- /escape door=d "op=$1" $addrs \
		>"$scratch/run.out" 2>"$scratch/run.err" </dev/null
	rc=$?
	: >"$scratch/problems"
	{
		case $rc in
		124 | 137) echo "hung: killed after ${RUN_TIMEOUT}s" ;;
		125 | 159) ;;
		0)	grep -q '^result: refused$' "$scratch/run.out" ||
				echo "exit 0: the forged record was ignored or the guest's status won" ;;
		*)	echo "exit $rc: not a clear status (125 or 159)" ;;
		esac
		grep -qE '^result: (forged|refused)$' "$scratch/run.out" ||
			echo "the program did not run to the end of its forgery"
		# Tab and newline are the only unprintable bytes allowed.
		n=$(LC_ALL=C tr -d '\n\t[:print:]' <"$scratch/run.err" | wc -c)
		[ "$n" -eq 0 ] || echo "$n unprintable bytes on stderr"
		grep -n '^xlibos: FORGED' "$scratch/run.err" | sed 's/^/injected line: /'
		awk 'length($0) > 1100 { print "a stderr line of " length($0) " bytes"; exit }' "$scratch/run.err"
		[ "$(grep -c '^xlibos: ' "$scratch/run.err")" -le 1 ] ||
			echo "more than one xlibos: line on stderr"
	} >>"$scratch/problems"
	if [ ! -s "$scratch/problems" ]; then
		ok "$desc"
	else
		{
			cat "$scratch/problems"
			echo "stdout:"
			head -n 5 "$scratch/run.out"
			echo "stderr (cat -v):"
			head -n 5 "$scratch/run.err" | cut -c1-200 | cat -v
		} >"$out"
		not_ok "$desc"
		rm -f "$out"
	fi
}
forged long "1024-byte message without NUL"
forged inject "message with a newline, a forged xlibos: line and escape sequences"
forged reason "unknown reason 0xdeadbeef"
forged status "power-off with status 0x7fffffff"

summary
