#!/bin/sh
# xlibos-runtime under the real Docker: a private dockerd (its own
# --data-root, --exec-root, --pidfile, unix socket, no bridge, no iptables)
# with a "runtimes" entry for xlibos, a busybox image made with `docker
# import`, and `docker run` with --runtime xlibos compared with --runtime
# runc: stdio and exit status, -e, -w, -u, -v, --read-only, -d + logs,
# exec, stop and kill.  Without dockerd (this machine cannot install
# docker.io) every check SKIPs with that reason.
# Never run here: kept to plain docker commands; see tests/oci/docker_shaped.sh
# for what is checked without dockerd.
# usage: docker.sh path/to/xlibos-runtime [path/to/rootfs]
set -u
# shellcheck source-path=SCRIPTDIR source=suite_init.sh
. "$(dirname "$0")/suite_init.sh"

checks="run --rm: stdio and exit status|-e|-w|-u|-v|-v :ro|--read-only|-i: stdin|run -d + logs|exec|exec exit status|stop|kill"
skip_all() { skip_checks docker "$1"; }
command -v dockerd >/dev/null 2>&1 ||
	skip_all "dockerd is not installed (Debian's docker.io; this machine has no network to install it)"
command -v docker >/dev/null 2>&1 || skip_all "the docker client is not installed"
command -v runc >/dev/null 2>&1 || skip_all "runc is not installed (scripts/install-deps.sh)"
[ "$(id -u)" -eq 0 ] || skip_all "needs root (a rootful dockerd)"
[ -d "$rootfs/bin" ] || skip_all "no rootfs at $rootfs (make rootfs)"

# Everything dockerd keeps, under $D; its own containerd (no --containerd).
D=$scratch/docker
mkdir -p "$D/data" "$D/exec" "$D/vol" "$D/volro"
sock=$D/docker.sock
cat >"$D/daemon.json" <<EOF
{ "runtimes": { "xlibos": { "path": "$runtime" } } }
EOF
DOCKER="docker -H unix://$sock"
dockerd_pid=""
cleanup() {
	if [ -n "$dockerd_pid" ]; then
		$DOCKER rm -f $($DOCKER ps -aq 2>/dev/null) >/dev/null 2>&1
		kill "$dockerd_pid" 2>/dev/null
		i=0
		while [ $i -lt 100 ] && kill -0 "$dockerd_pid" 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
		kill -9 "$dockerd_pid" 2>/dev/null
	fi
	grep " $D/" /proc/mounts | awk '{print $2}' | sort -r | while read -r m; do
		umount -l "$m" 2>/dev/null
	done
	rm -rf "$scratch"
}
trap cleanup EXIT
dockerd --config-file "$D/daemon.json" --data-root "$D/data" --exec-root "$D/exec" \
	--pidfile "$D/dockerd.pid" -H "unix://$sock" --bridge none --iptables=false \
	--ip-masq=false --storage-driver vfs >"$D/dockerd.log" 2>&1 &
dockerd_pid=$!
i=0
while [ $i -lt 300 ] && ! $DOCKER info >/dev/null 2>&1; do
	kill -0 "$dockerd_pid" 2>/dev/null || break
	sleep 0.1
	i=$((i + 1))
done
$DOCKER info >/dev/null 2>&1 || skip_all "dockerd did not start here: $(tail -1 "$D/dockerd.log")"

IMAGE=xlibos-docker-test:1
tar -C "$rootfs" -cf "$D/rootfs.tar" . && $DOCKER import "$D/rootfs.tar" "$IMAGE" >"$out" 2>&1 ||
	skip_all "docker import failed: $(tail -1 "$out")"
timeout 60 $DOCKER run --rm --runtime runc "$IMAGE" true >"$out" 2>&1 ||
	skip_all "docker with runc cannot run a container here: $(tail -1 "$out")"

# same DESC STDIN DOCKER-RUN-ARGS...: `docker run --rm -i` with runc and with
# xlibos; stdout, stderr and exit status must be the same.
same() {
	desc=$1 input=$2
	shift 2
	printf '%s' "$input" | timeout 60 $DOCKER run --rm -i --runtime runc "$@" >"$scratch/r.out" 2>"$scratch/r.err"
	rr=$?
	printf '%s' "$input" | timeout 60 $DOCKER run --rm -i --runtime xlibos "$@" >"$scratch/x.out" 2>"$scratch/x.err"
	xr=$?
	if [ "$rr" -eq "$xr" ] && cmp -s "$scratch/r.out" "$scratch/x.out" &&
	   cmp -s "$scratch/r.err" "$scratch/x.err"; then
		ok "docker $desc (exit $xr, as runc)"
	else
		not_ok "docker $desc" "runc: exit $rr, xlibos: exit $xr
$(diff "$scratch/r.out" "$scratch/x.out"; diff "$scratch/r.err" "$scratch/x.err")"
	fi
}

echo "from the host" >"$D/volro/f"
same "run --rm: stdio and exit status" "" "$IMAGE" sh -c 'echo out; echo err >&2; exit 3'
same "-e" "" -e FOO=bar "$IMAGE" sh -c 'echo "$FOO"'
same "-w" "" -w /tmp "$IMAGE" pwd
same "-u" "" -u 65534:65534 "$IMAGE" id
same "-v" "" -v "$D/vol:/vol" "$IMAGE" sh -c 'echo written >/vol/f && cat /vol/f'
same "-v :ro" "" -v "$D/volro:/ro:ro" "$IMAGE" sh -c 'cat /ro/f; touch /ro/x 2>/dev/null || echo read-only'
same "--read-only" "" --read-only "$IMAGE" sh -c 'touch /x 2>/dev/null || echo read-only'
same "-i: stdin" "line one
" "$IMAGE" sh -c 'read a; echo "got $a"'

# run -d + logs, exec, stop (sh as PID 1 ignores TERM: stop waits -t, then KILL), kill.
for rt in runc xlibos; do
	$DOCKER run -d --runtime "$rt" --name "d-$rt" "$IMAGE" sh -c 'echo started; while :; do sleep 1; done' >/dev/null 2>&1
done
sleep 2
for rt in runc xlibos; do $DOCKER logs "d-$rt" >"$scratch/logs.$rt" 2>&1; done
cmp -s "$scratch/logs.runc" "$scratch/logs.xlibos" && grep -qx started "$scratch/logs.xlibos" &&
	ok "docker run -d + logs (as runc)" || not_ok "docker run -d + logs" "$(cat "$scratch/logs.xlibos")"
for rt in runc xlibos; do
	timeout 60 $DOCKER exec -e X=1 -w /tmp "d-$rt" sh -c 'echo "exec $X"; pwd; exit 4' >"$scratch/exec.$rt" 2>&1
	echo "exit $?" >>"$scratch/exec.$rt"
done
cmp -s "$scratch/exec.runc" "$scratch/exec.xlibos" && grep -q 'exec 1' "$scratch/exec.xlibos" &&
	ok "docker exec -e -w (as runc)" || not_ok "docker exec -e -w" "$(cat "$scratch/exec.xlibos")"
grep -qx 'exit 4' "$scratch/exec.xlibos" && ok "docker exec exit status" || not_ok "docker exec exit status"
for rt in runc xlibos; do
	timeout 60 $DOCKER stop -t 1 "d-$rt" >/dev/null 2>&1
	$DOCKER inspect -f '{{.State.ExitCode}}' "d-$rt" >"$scratch/stop.$rt" 2>&1
done
cmp -s "$scratch/stop.runc" "$scratch/stop.xlibos" && ok "docker stop -t 1: exit code $(cat "$scratch/stop.xlibos") (as runc)" ||
	not_ok "docker stop" "runc: $(cat "$scratch/stop.runc"), xlibos: $(cat "$scratch/stop.xlibos")"
for rt in runc xlibos; do
	$DOCKER rm -f "d-$rt" >/dev/null 2>&1
	$DOCKER run -d --runtime "$rt" --name "k-$rt" "$IMAGE" sh -c 'while :; do sleep 1; done' >/dev/null 2>&1
	sleep 1
	timeout 60 $DOCKER kill "k-$rt" >/dev/null 2>&1
	timeout 60 $DOCKER wait "k-$rt" >"$scratch/kill.$rt" 2>&1
	$DOCKER rm -f "k-$rt" >/dev/null 2>&1
done
cmp -s "$scratch/kill.runc" "$scratch/kill.xlibos" && ok "docker kill: exit code $(cat "$scratch/kill.xlibos") (as runc)" ||
	not_ok "docker kill" "runc: $(cat "$scratch/kill.runc"), xlibos: $(cat "$scratch/kill.xlibos")"
summary
