#!/bin/sh
# A container never hangs when one of its host processes dies, and a
# program that writes its own GS base does not take the LibOS down.
#   1. hostdeath/gsbase.c (WRGSBASE, then system calls on the rewritten
#      and the trapped path, a signal, a fault, single steps): output and
#      exit status identical to a native run (and eight at once, five
#      times).  Before the fix a host process died of SIGSEGV and the
#      container hung.
#   2. hostdeath/killhost.c ends a host process of its own container
#      through the LibOS's host call function (as the host's OOM killer or
#      a crash would): its own (holding the vCPU) with SIGKILL and with a
#      plain exit, and a sleeping child's with SIGKILL.  The container must
#      end within DEATH_TIMEOUT seconds with status 125 and one
#      "xlibos: container killed: host process N ..." line.  Before, it
#      hung until killed.
# usage: hostdeath.sh path/to/xlibos path/to/rootfs
# Every run is bounded (timeout): a hang is a failure, never a stuck run.

if [ $# -ne 2 ] || [ ! -x "$1" ] || [ ! -d "$2" ]; then
	echo "usage: $0 path/to/xlibos path/to/rootfs" >&2
	exit 2
fi
loader=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
rootfs=$(cd "$2" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=$top/build/tests/guest/hostdeath
image=${XLIBOS_IMAGE:-$(dirname "$(dirname "$loader")")/xlibos.img}
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$here/../lib.sh"

RUN_TIMEOUT=60
# A dead host process is noticed at once (SIGCHLD) or by the timer
# thread's watch within about 1.5 s; 15 s leaves room for a loaded host.
DEATH_TIMEOUT=15

mkdir -p "$build"
for p in gsbase killhost; do
	if ! gcc -static -O2 -Wall -Werror -o "$build/$p.$$" "$here/hostdeath/$p.c" \
		>"$scratch/cc.log" 2>&1; then
		not_ok "build $p" "$(cat "$scratch/cc.log")"
		summary
		exit 1
	fi
	mv -f "$build/$p.$$" "$build/$p"
done
copy=$scratch/rootfs
cp -a "$rootfs/." "$copy"
cp "$build/gsbase" "$build/killhost" "$copy/bin/"

# ---------------------------------------------------------------- GS base
(cd "$scratch" && timeout "$RUN_TIMEOUT" "$build/gsbase") \
	>"$scratch/native.out" 2>&1
native_rc=$?
if [ "$native_rc" -eq 4 ]; then
	skip "WRGSBASE by a program" "$(cat "$scratch/native.out")"
else
	for abcom in full off; do
		timeout -k 5 "$RUN_TIMEOUT" "$loader" run --net none --abcom "$abcom" \
			--rootfs "$copy" -- /bin/gsbase </dev/null >"$scratch/xlibos.out" 2>"$out"
		rc=$?
		if [ "$rc" -ne "$native_rc" ]; then
			not_ok "WRGSBASE by a program (abcom $abcom): exit as native" \
				"native $native_rc, xlibos $rc$([ "$rc" -eq 124 ] && echo ' (timed out: hung)')"
		elif ! cmp -s "$scratch/native.out" "$scratch/xlibos.out"; then
			not_ok "WRGSBASE by a program (abcom $abcom): output as native" \
				"$(diff "$scratch/native.out" "$scratch/xlibos.out")"
		else
			ok "WRGSBASE by a program (abcom $abcom): output and exit as native"
		fi
	done
fi

# Eight at once on the trap path, five times: a host signal may land on
# the first instruction of a handler entered from user mode, before its GS
# check (2 runs in 50 killed the LibOS's first host process before that
# was handled).
if [ "$native_rc" -eq 0 ]; then
	bad=0
	for i in 1 2 3 4 5; do
		timeout -k 5 "$RUN_TIMEOUT" "$loader" run --net none --abcom off --rootfs "$copy" -- \
			/bin/sh -c 'for i in 1 2 3 4 5 6 7 8; do /bin/gsbase >/dev/null & done
				    s=0; for i in 1 2 3 4 5 6 7 8; do wait %$i || s=1; done; exit $s' \
			</dev/null >"$out" 2>&1 || { bad=$i; break; }
	done
	if [ "$bad" -eq 0 ]; then
		ok "eight WRGSBASE programs at once (abcom off), five runs"
	else
		not_ok "eight WRGSBASE programs at once (abcom off), five runs" "run $bad failed"
	fi
fi

# ------------------------------------------------------- host process death
hostcall=$(nm "$image" 2>/dev/null | awk '$3 == "xlibos_host_syscall" { print "0x" $1; exit }')
if [ -z "$hostcall" ]; then
	skip "host process death" "no xlibos_host_syscall symbol in $image"
	summary
	exit $?
fi
for how in self-kill self-exit child-kill; do
	start=$(date +%s)
	timeout -k 5 "$DEATH_TIMEOUT" "$loader" run --net none --rootfs "$copy" -- \
		/bin/killhost "$hostcall" "$how" </dev/null >"$out" 2>&1
	rc=$?
	secs=$(($(date +%s) - start))
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		not_ok "host process death ($how): the container ends" \
			"still running after $DEATH_TIMEOUT s: hung"
	elif [ "$rc" -ne 125 ]; then
		not_ok "host process death ($how): the container ends" "exit $rc, expected 125"
	elif [ "$(grep -c '^xlibos: container killed: host process [0-9]* .*carried guest pid [0-9]* (killhost)' "$out")" -ne 1 ]; then
		not_ok "host process death ($how): one line naming the host process and guest task"
	elif grep -q '^still running' "$out"; then
		not_ok "host process death ($how): the program went on past its host process's death"
	else
		ok "host process death ($how): the container ends in ${secs}s, 125, says which"
	fi
done

summary
