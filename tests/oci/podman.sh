#!/bin/sh
# xlibos-runtime driven by Debian's podman (conmon), each check compared
# with runc on the same image: stdio and exit status, -e, -w, -u, -v,
# --read-only, --memory, run -d + logs, stop and kill.  The image is made
# locally with `podman import` from a tarball of the busybox rootfs; podman
# uses a private storage (vfs), run root and image cache under a temporary
# directory, removed at the end: nothing is left behind.
# usage: podman.sh path/to/xlibos-runtime [path/to/rootfs]
set -u
# shellcheck source-path=SCRIPTDIR source=suite_init.sh
. "$(dirname "$0")/suite_init.sh"

checks="stdio and exit status|stdin|-e|-w|-u|-u nobody's uid: HOME from /etc/passwd|capabilities|capabilities with -u|seccomp: podman's default profile|--security-opt seccomp=PROFILE|--security-opt seccomp=unconfined|masked and read-only paths|--cap-add, --cap-drop|-v|-v :ro|-v FILE:PATH:ro (a copy taken at start)|--tmpfs with a size|--hostname|--sysctl|--ulimit|a volume inside a tmpfs (--read-only's /run)|--read-only|--memory|run -t|run -it|--annotation io.xlibos.mem, io.xlibos.abcom|--annotation io.xlibos.nope refused|run -d + logs|stop|stop after the timeout|kill|kill -s USR1|kill -s USR2 and stop without handlers|once the containers are removed, only the images copies can use are left|new copies of the image use the image kept"
skip_all() { skip_checks podman "$1"; }
# shellcheck source=lib_podman.sh
. "$here/lib_podman.sh"
podman_require skip_all
podman_start skip_all
mkdir -p "$T/vol"
pm_runc run --rm $RUNOPTS "$IMAGE" true >"$out" 2>&1 ||
	skip_all "podman with runc cannot run a container here: $(tail -1 "$out")"

# same DESC STDIN PODMAN-RUN-ARGS...: `podman run --rm` with runc and with
# xlibos; stdout, stderr and exit status must be the same.
same() {
	desc=$1 input=$2
	shift 2
	printf '%s' "$input" | pm_runc run --rm -i $RUNOPTS "$@" >"$scratch/r.out" 2>"$scratch/r.err"
	rr=$?
	printf '%s' "$input" | pm_x run --rm -i $RUNOPTS "$@" >"$scratch/x.out" 2>"$scratch/x.err"
	xr=$?
	if [ "$rr" -eq "$xr" ] && cmp -s "$scratch/r.out" "$scratch/x.out" &&
	   cmp -s "$scratch/r.err" "$scratch/x.err"; then
		ok "podman $desc (exit $xr, as runc)"
	else
		not_ok "podman $desc" "runc: exit $rr, xlibos: exit $xr
$(diff "$scratch/r.out" "$scratch/x.out" | sed 's/^/stdout /')
$(diff "$scratch/r.err" "$scratch/x.err" | sed 's/^/stderr /')"
	fi
}

same "stdio and exit status" "" "$IMAGE" sh -c 'echo to stdout; echo to stderr >&2; exit 3'
same "stdin" "line one
line two" "$IMAGE" sh -c 'cat; echo "[$(wc -c)]"'
same "-e" "" -e GREETING=hello -e 'SPACED=a b  c' "$IMAGE" sh -c 'echo "$GREETING|$SPACED"; env | grep -c ^GREETING='
same "-w" "" -w /etc "$IMAGE" sh -c 'pwd; ls passwd'
same "-u" "" -u 1000:1000 "$IMAGE" sh -c 'id; id -G; echo "HOME=$HOME"; touch /root/x 2>&1; echo $?'
same "-u nobody's uid: HOME from /etc/passwd" "" -u 65534 "$IMAGE" sh -c 'echo "HOME=$HOME"'
# Capabilities inside the guest: the same sets as runc's, and what they allow.
same "capabilities" "" "$IMAGE" sh -c 'grep ^Cap /proc/self/status; touch /a; chown 5 /a && echo chown ok'
same "capabilities with -u" "" -u 1000 "$IMAGE" sh -c 'grep ^Cap /proc/self/status'
# seccomp inside the guest: podman's default profile, a profile of our own, unconfined.
printf '%s\n' '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]}' >"$T/deny-mkdir.json"
same "seccomp: podman's default profile" "" "$IMAGE" sh -c 'grep ^Seccomp /proc/self/status'
same "--security-opt seccomp=PROFILE" "" --security-opt "seccomp=$T/deny-mkdir.json" "$IMAGE" sh -c 'mkdir /tmp/x; echo $?; touch /tmp/y && echo touched'
same "--security-opt seccomp=unconfined" "" --security-opt seccomp=unconfined "$IMAGE" sh -c 'grep ^Seccomp: /proc/self/status'
same "masked and read-only paths" "" "$IMAGE" sh -c 'wc -c < /proc/timer_list; ls /sys/firmware | wc -l; echo 1 2>&1 > /proc/sys/vm/drop_caches; echo $?; umount /proc/sys 2>/dev/null; echo $?'
same "--cap-add, --cap-drop" "" --cap-add SYS_ADMIN --cap-drop CHOWN "$IMAGE" sh -c 'grep ^Cap /proc/self/status; touch /a; chown 5 /a 2>&1'

echo "from the host" >"$T/vol/host.txt"
same "-v" "" -v "$T/vol:/data" "$IMAGE" sh -c 'cat /data/host.txt; echo written > /data/new.$$; cat /data/new.$$'
n=$(cat "$T"/vol/new.* 2>/dev/null | grep -c written)
[ "$n" -eq 2 ] && ok "podman -v: both containers' files reached the host" ||
	not_ok "podman -v: both containers' files reached the host" "$(ls -l "$T/vol")"
same "-v :ro" "" -v "$T/vol:/data:ro" "$IMAGE" sh -c 'cat /data/host.txt; echo x > /data/ro 2>/dev/null; echo $?'
[ ! -e "$T/vol/ro" ] && ok "podman -v :ro: nothing written on the host" ||
	not_ok "podman -v :ro: nothing written on the host"

same "-v FILE:PATH:ro (a copy taken at start)" "" -v "$T/vol/host.txt:/etc/host.txt:ro" "$IMAGE" sh -c 'cat /etc/host.txt; echo x >> /etc/host.txt 2>/dev/null; echo $?'
same "--tmpfs with a size" "" --tmpfs /scratch:size=1m "$IMAGE" sh -c 'echo a > /scratch/a && cat /scratch/a; dd if=/dev/zero of=/scratch/big bs=1k count=2048 2>/dev/null; echo $?'
same "--hostname" "" --hostname oci-test-host "$IMAGE" sh -c 'hostname; cat /etc/hostname'
same "--sysctl" "" --sysctl net.ipv4.ip_forward=1 "$IMAGE" cat /proc/sys/net/ipv4/ip_forward
same "--ulimit" "" --ulimit nofile=512:800 "$IMAGE" sh -c 'ulimit -n; ulimit -Hn'
same "a volume inside a tmpfs (--read-only's /run)" "" --read-only -v "$T/vol:/run/data:ro" "$IMAGE" cat /run/data/host.txt
same "--read-only" "" --read-only "$IMAGE" sh -c 'touch /x 2>&1; echo $?; touch /tmp/x; echo $?; grep -c " / .*ro," /proc/mounts'

# --memory: within the limit works, past it fails (runc: OOM-killed; xlibos:
# the guest kernel refuses the allocation or OOM-kills); the limit is the guest's memory.
pm_runc run --rm $RUNOPTS --memory 64m "$IMAGE" sh -c 'dd if=/dev/zero of=/dev/null bs=8M count=1 2>/dev/null && echo small ok; dd if=/dev/zero of=/dev/null bs=100M count=1 2>/dev/null || echo big failed' >"$scratch/r.out" 2>&1
pm_x run --rm $RUNOPTS --memory 64m "$IMAGE" sh -c 'dd if=/dev/zero of=/dev/null bs=8M count=1 2>/dev/null && echo small ok; dd if=/dev/zero of=/dev/null bs=100M count=1 2>/dev/null || echo big failed; awk "/MemTotal/ {print (\$2 <= 65536) ? \"guest memory within 64M\" : \$2}" /proc/meminfo' >"$scratch/x.out" 2>&1
if grep -q "small ok" "$scratch/r.out" && grep -q "big failed" "$scratch/r.out" &&
   grep -q "small ok" "$scratch/x.out" && grep -q "big failed" "$scratch/x.out" &&
   grep -q "guest memory within 64M" "$scratch/x.out"; then
	ok "podman --memory 64m: 8M allocates, 100M fails, as runc; guest memory within 64M"
else
	not_ok "podman --memory 64m" "runc: $(cat "$scratch/r.out")
xlibos: $(cat "$scratch/x.out")"
fi

# -t: the command on a terminal (the guest's own pty, relayed), CRLF line ends, exit status.
pm_runc run --rm -t $RUNOPTS "$IMAGE" sh -c 'tty; test -t 0 && test -t 1 && echo on a terminal; exit 3' >"$scratch/r.out" 2>&1
rr=$?
pm_x run --rm -t $RUNOPTS "$IMAGE" sh -c 'tty; test -t 0 && test -t 1 && echo on a terminal; exit 3' >"$scratch/x.out" 2>&1
xr=$?
if [ "$rr" -eq "$xr" ] && cmp -s "$scratch/r.out" "$scratch/x.out"; then
	ok "podman run -t: $(tr -d '\r' <"$scratch/x.out" | tr '\n' ' ')exit $xr (as runc)"
else
	not_ok "podman run -t" "runc ($rr): $(od -c "$scratch/r.out" | head -3)
xlibos ($xr): $(od -c "$scratch/x.out" | head -3)"
fi
# -it driven through script(1): a shell, ^C interrupts its foreground job, exit status.
tty_session() {
	(sleep 2; printf 'sleep 100\n'; sleep 1; printf '\003'; sleep 0.5
	 printf 'echo after $((6*7))\n'; sleep 0.5; printf 'exit 4\n'; sleep 1) |
		timeout 30 script -qec "$PODMAN $* run -it --rm $RUNOPTS $IMAGE sh" /dev/null >"$scratch/tty.out" 2>&1
	echo "exit $?, $(tr -d '\r' <"$scratch/tty.out" | grep -ac '^after 42')"
}
if command -v script >/dev/null 2>&1; then
	r=$(tty_session --runtime runc)
	x=$(tty_session --runtime "$runtime" --runtime-flag "cache-dir=$T/cache")
	[ "$r" = "$x" ] && [ "$x" = "exit 4, 1" ] &&
		ok "podman run -it: ^C stops sleep, the shell goes on, exit 4 (as runc)" ||
		not_ok "podman run -it" "runc: $r; xlibos: $x"
else
	skip "podman run -it" "script(1) is not installed"
fi

# xlibos's own options as annotations (no runc counterpart).
pm_x run --rm $RUNOPTS --annotation io.xlibos.mem=256M --annotation io.xlibos.abcom=off "$IMAGE" sh -c 'head -1 /proc/meminfo; cat /proc/cmdline' >"$out" 2>&1
mem=$(awk '/MemTotal/ {print $2}' "$out")
if [ "${mem:-0}" -gt 200000 ] && [ "$mem" -le 262144 ] && grep -q "xlibos.abcom=off" "$out"; then
	ok "podman --annotation io.xlibos.mem=256M, io.xlibos.abcom=off: $mem kB, abcom off"
else
	not_ok "podman --annotation io.xlibos.mem, io.xlibos.abcom"
fi
expect "podman --annotation io.xlibos.nope: refused, naming it" 126 "annotations.io.xlibos.nope: unknown xlibos option" \
	pm_x run --rm $RUNOPTS --annotation io.xlibos.nope=1 "$IMAGE" true

# detached: DESC RUNTIME-FUNCTION -> "logs|exit code" of a container stopped by podman stop
detached_stop() {
	pm=$1 timeout=$2
	shift 2
	id=$($pm run -d $RUNOPTS "$IMAGE" "$@") || { echo "run -d failed"; return; }
	# Until it has printed its first line (bounded).
	i=0
	while [ $i -lt 100 ] && ! $pm logs "$id" 2>/dev/null | grep -q started; do
		sleep 0.1
		i=$((i + 1))
	done
	status=$($pm inspect "$id" --format '{{.State.Status}}')
	$pm stop -t "$timeout" "$id" >/dev/null 2>&1
	code=$($pm inspect "$id" --format '{{.State.ExitCode}}')
	logs=$($pm logs "$id" 2>&1 | tr '\n' ' ')
	$pm rm "$id" >/dev/null 2>&1
	echo "$status|$logs|$code"
}

r=$(detached_stop pm_runc 10 sh -c 'trap "echo got TERM; exit 42" TERM; echo started; while :; do sleep 0.1; done')
x=$(detached_stop pm_x 10 sh -c 'trap "echo got TERM; exit 42" TERM; echo started; while :; do sleep 0.1; done')
[ "$r" = "$x" ] && [ "$x" = "running|started got TERM |42" ] &&
	ok "podman run -d + logs: running, 'started' logged (as runc)" ||
	not_ok "podman run -d + logs" "runc: $r; xlibos: $x"
[ "$r" = "$x" ] && ok "podman stop: SIGTERM reaches the trap, exit 42 (as runc)" ||
	not_ok "podman stop" "runc: $r; xlibos: $x"

r=$(detached_stop pm_runc 1 sh -c 'trap "" TERM; echo started; while :; do sleep 0.1; done')
x=$(detached_stop pm_x 1 sh -c 'trap "" TERM; echo started; while :; do sleep 0.1; done')
[ "$r" = "$x" ] && [ "${x##*|}" = 137 ] &&
	ok "podman stop -t 1 of a program ignoring SIGTERM: killed, 137 (as runc)" ||
	not_ok "podman stop after the timeout" "runc: $r; xlibos: $x"

# kill: podman kill (SIGKILL) -> 137, as runc
kill_code() {
	pm=$1
	id=$($pm run -d $RUNOPTS "$IMAGE" sleep 1000) || { echo "run -d failed"; return; }
	$pm kill "$id" >/dev/null 2>&1
	$pm wait "$id" 2>/dev/null
	$pm rm "$id" >/dev/null 2>&1
}
r=$(kill_code pm_runc)
x=$(kill_code pm_x)
[ "$r" = "$x" ] && [ "$x" = 137 ] && ok "podman kill: exit 137 (as runc)" ||
	not_ok "podman kill" "runc: $r; xlibos: $x"

# Any signal reaches the guest (over the control channel): USR1 runs the command's trap.
usr1() {
	pm=$1
	id=$($pm run -d $RUNOPTS "$IMAGE" sh -c 'trap "echo got USR1" USR1; echo started; while :; do sleep 0.1; done') ||
		{ echo "run -d failed"; return; }
	i=0
	while [ $i -lt 100 ] && ! $pm logs "$id" 2>/dev/null | grep -q started; do sleep 0.1; i=$((i + 1)); done
	$pm kill -s USR1 "$id" >/dev/null 2>&1
	echo "kill $?"
	sleep 1
	$pm logs "$id" 2>&1
	$pm inspect "$id" --format '{{.State.Status}}'
	$pm rm -f -t 0 "$id" >/dev/null 2>&1
}
r=$(usr1 pm_runc | tr '\n' ' ')
x=$(usr1 pm_x | tr '\n' ' ')
[ "$r" = "$x" ] && [ "$x" = "kill 0 started got USR1 running " ] &&
	ok "podman kill -s USR1: the trap runs, the container goes on (as runc)" ||
	not_ok "podman kill -s USR1" "runc: $r; xlibos: $x"

# The command is PID 1 under runc: a signal it has no handler for is dropped, so
# kill -s USR2 leaves sleep running, and stop -t 1 has to kill it (137).
unhandled() {
	pm=$1
	id=$($pm run -d $RUNOPTS "$IMAGE" sleep 1000) || { echo "run -d failed"; return; }
	sleep 1
	$pm kill -s USR2 "$id" >/dev/null 2>&1
	echo "kill $?"
	sleep 1
	$pm inspect "$id" --format '{{.State.Status}}'
	$pm stop -t 1 "$id" >/dev/null 2>&1
	$pm inspect "$id" --format '{{.State.ExitCode}}'
	$pm rm -f -t 0 "$id" >/dev/null 2>&1
}
r=$(unhandled pm_runc | tr '\n' ' ')
x=$(unhandled pm_x | tr '\n' ' ')
[ "$r" = "$x" ] && [ "$x" = "kill 0 running 137 " ] &&
	ok "podman kill -s USR2 and stop of sleep (no handlers): USR2 dropped, TERM too, killed after 1 s (as runc, PID 1)" ||
	not_ok "podman kill/stop of a command without handlers" "runc: $r; xlibos: $x"

# Every container's tree is its own (podman's copy): its entry goes with
# it, but an image of files that later copies may have stays for them
# (one per distinct tree: -v and -w add directories to a copy).
pm_x rm -af -t 0 >/dev/null 2>&1
n=$(ls -d "$T/cache/images/"*/ 2>/dev/null | wc -l)
kept=$(ls -d "$T/cache/images/"*/by-content 2>/dev/null | wc -l)
imgs=$(find "$T/cache/images" -name rootfs.ext4 -printf '%i\n' 2>/dev/null | sort -u | wc -l)
[ "$n" -ge 1 ] && [ "$kept" -eq "$n" ] && [ "$imgs" -eq "$n" ] &&
	ok "once the containers are removed, only the images copies can use are left ($n)" ||
	not_ok "once the containers are removed, only the images copies can use are left" "$n entries, $kept kept, $imgs images: $(ls "$T/cache/images")"
pm_x run --rm $RUNOPTS "$IMAGE" true >"$out" 2>&1 && pm_x run --rm $RUNOPTS "$IMAGE" true >>"$out" 2>&1
rc=$?
imgs2=$(find "$T/cache/images" -name rootfs.ext4 -printf '%i\n' 2>/dev/null | sort -u | wc -l)
n2=$(ls -d "$T/cache/images/"*/ 2>/dev/null | wc -l)
[ "$rc" -eq 0 ] && [ "$imgs2" -eq "$imgs" ] && [ "$n2" -eq "$n" ] &&
	ok "new copies of the image use the image kept (no new image, nothing left)" ||
	not_ok "new copies of the image use the image kept" "rc $rc, images $imgs -> $imgs2, entries $n -> $n2: $(cat "$out")"

summary
