#!/bin/sh
# pause and resume (podman pause/unpause, docker pause, docker commit's
# default): every host process of the container stopped, then continued.
# Compared with runc through podman: the states podman reports, exec
# refused while paused, the command going on after unpause, a process the
# container stopped itself staying stopped, kill of a paused container
# (its writes kept).  Then the runtime's own answers (runc's words), and a
# container whose host processes get SIGSTOP/SIGCONT from outside (a
# debugger, ^Z of `xlibos run`) living on: the host resumes its timed
# futex waits with restart_syscall, which the sandbox allows.
# usage: pause.sh path/to/xlibos-runtime [path/to/rootfs]
set -u
# shellcheck source-path=SCRIPTDIR source=suite_init.sh
. "$(dirname "$0")/suite_init.sh"

checks="states|exec while paused|every host process stopped|goes on after unpause|stopped process stays stopped|kill while paused keeps the writes|runtime: pause twice|runtime: resume of a running one|runtime: TERM while paused|runtime: delete while paused|runtime: delete --force while paused|xlibos run: SIGSTOP and SIGCONT from outside"
skip_all() { skip_checks pause "$1"; }
# shellcheck source=lib_podman.sh
. "$here/lib_podman.sh"
podman_require skip_all

podman_start skip_all

# shellcheck disable=SC2016 # run in the container
loop='sleep 1000 & echo $! >/tmp/stopped; kill -STOP $!; i=0; while true; do i=$((i + 1)); echo $i >/tmp/count; sleep 0.1; done'

# session PM SUFFIX: what podman reports along a pause and an unpause.
session() {
	$1 run -d $RUNOPTS --name "p$2" "$IMAGE" sh -c "$loop" >/dev/null
	pm_wait_file "$1" "p$2" /tmp/count
	$1 pause "p$2" >/dev/null
	echo "paused: $($1 inspect "p$2" --format '{{.State.Status}}')"
	$1 exec "p$2" true >/dev/null 2>&1
	echo "exec while paused: $?"
	if [ "$2" = x ]; then
		# Every host process of the container is stopped.
		pid=$($1 inspect "p$2" --format '{{.State.Pid}}')
		n=0 stopped=0
		for p in $("$runtime" --root /run/xlibos-runtime ps --format json "$($1 inspect "p$2" --format '{{.ID}}')" | tr -d '[]' | tr ',' ' '); do
			n=$((n + 1))
			st=$(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null | cut -c1)
			[ "$st" = T ] && stopped=$((stopped + 1))
		done
		[ "$n" -gt 3 ] && [ "$n" -eq "$stopped" ] && echo "all $n stopped" >"$scratch/stopped" ||
			echo "$stopped of $n stopped (supervisor $pid)" >"$scratch/stopped"
	fi
	c1=$($1 exec "p$2" cat /tmp/count 2>/dev/null)
	$1 unpause "p$2" >/dev/null
	echo "unpaused: $($1 inspect "p$2" --format '{{.State.Status}}')"
	c1=$($1 exec "p$2" cat /tmp/count)
	i=0
	while [ $i -lt 50 ] && [ "$($1 exec "p$2" cat /tmp/count)" = "$c1" ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ "$($1 exec "p$2" cat /tmp/count)" != "$c1" ] && echo "counting again" >"$scratch/goes.$2"
	# The sleep the container stopped itself: still stopped.
	$1 exec "p$2" sh -c 'cut -d" " -f3 /proc/$(cat /tmp/stopped)/stat' >"$scratch/sleep.$2"
	# kill while paused: podman kills it; what it wrote is kept.
	$1 exec "p$2" sh -c 'echo kept >/kept'
	$1 pause "p$2" >/dev/null
	$1 kill "p$2" >/dev/null
	echo "wait: $($1 wait "p$2")"
	$1 diff "p$2" | grep kept >"$scratch/kept.$2"
}

session pm_runc r >"$scratch/r.out" 2>&1
session pm_x x >"$scratch/x.out" 2>&1
if cmp -s "$scratch/r.out" "$scratch/x.out"; then
	ok "states: $(grep -v exec "$scratch/x.out" | tr '\n' ' ')(as runc)"
else
	not_ok "states" "$(diff "$scratch/r.out" "$scratch/x.out")"
fi
grep -q "exec while paused: [1-9]" "$scratch/x.out" && grep -q "exec while paused: [1-9]" "$scratch/r.out" &&
	ok "exec while paused: refused, as runc" || not_ok "exec while paused" "$(cat "$scratch/x.out")"
grep -q "^all" "$scratch/stopped" 2>/dev/null && ok "every host process stopped: $(cat "$scratch/stopped")" ||
	not_ok "every host process stopped" "$(cat "$scratch/stopped" 2>/dev/null)"
[ -s "$scratch/goes.x" ] && [ -s "$scratch/goes.r" ] && ok "goes on after unpause, as runc" ||
	not_ok "goes on after unpause" "runc: $(cat "$scratch/goes.r" 2>/dev/null), xlibos: $(cat "$scratch/goes.x" 2>/dev/null)"
[ "$(cat "$scratch/sleep.x")" = T ] && cmp -s "$scratch/sleep.r" "$scratch/sleep.x" &&
	ok "stopped process stays stopped (T), as runc" ||
	not_ok "stopped process stays stopped" "runc: $(cat "$scratch/sleep.r"), xlibos: $(cat "$scratch/sleep.x")"
[ -s "$scratch/kept.x" ] && cmp -s "$scratch/kept.r" "$scratch/kept.x" &&
	ok "kill while paused keeps the writes: $(cat "$scratch/kept.x"), as runc" ||
	not_ok "kill while paused keeps the writes" "runc: $(cat "$scratch/kept.r"), xlibos: $(cat "$scratch/kept.x")"

# The runtime alone, on a bundle of its own.
R="$runtime --root $scratch/state"
B=$scratch/bundle
mkdir -p "$B"
(cd "$B" && $runtime spec >/dev/null) || not_ok "runtime spec"
python3 - "$B/config.json" "$rootfs" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1]))
c["root"] = {"path": sys.argv[2], "readonly": True}
c["process"]["terminal"] = False
c["process"]["args"] = ["sleep", "1000"]
json.dump(c, open(sys.argv[1], "w"))
EOF
$R create --bundle "$B" pc >"$out" 2>&1 && $R start pc >>"$out" 2>&1 && $R pause pc >>"$out" 2>&1 ||
	not_ok "runtime: create, start, pause" "$(cat "$out")"
expect "runtime: pause twice" 1 "is paused (container not running)" $R pause pc
$R create --bundle "$B" pc2 >"$out" 2>&1 && $R start pc2 >>"$out" 2>&1
expect "runtime: resume of a running one" 1 "is running (container not paused)" $R resume pc2
$R delete --force pc2 >/dev/null 2>&1
expect "runtime: TERM while paused" 1 "is paused: resume it first" $R kill pc TERM
expect "runtime: delete while paused" 1 "it is paused" $R delete pc
# gone_within PATTERN: no process's command line holds it, within 5 s.
gone_within() {
	i=0
	while [ $i -lt 50 ] && pgrep -f "$1" >/dev/null; do
		sleep 0.1
		i=$((i + 1))
	done
	! pgrep -f "$1" >/dev/null
}
if $R state pc | grep -q '"status": *"paused"' && $R delete --force pc >"$out" 2>&1 &&
	! $R state pc >/dev/null 2>&1 && gone_within "$scratch/state/pc/"; then
	ok "runtime: delete --force while paused: no process left"
else
	not_ok "runtime: delete --force while paused: no process left"
fi

# Stops from outside: each of the container's host processes stopped and continued.
xlibos=$(dirname "$runtime")/xlibos
"$xlibos" run --net none --rootfs "$rootfs" -- sh -c \
	'i=0; while [ $i -lt 30 ]; do i=$((i + 1)); sleep 0.1; done; echo finished' >"$out" 2>&1 &
lp=$!
sleep 1
for p in $lp $(pgrep -P $lp); do kill -STOP "$p"; done
sleep 0.5
for p in $(pgrep -P $lp) $lp; do kill -CONT "$p"; done
wait $lp
rc=$?
[ "$rc" -eq 0 ] && grep -q finished "$out" && ok "xlibos run: SIGSTOP and SIGCONT from outside: it goes on" ||
	not_ok "xlibos run: SIGSTOP and SIGCONT from outside" "exit $rc"
summary
