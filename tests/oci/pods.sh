#!/bin/sh
# Pods: a sandbox (pause) container and one application container sharing
# a network namespace, as Kubernetes' CRI (containerd, CRI-O) and podman
# make them; xlibos-runtime against runc on the same input.
#
# Bundles shaped as containerd's CRI writes them (no cluster needed): a
# namespace the test makes (ip netns add) with a veth to a second namespace
# of its own that runs a server; the sandbox bundle
# (io.kubernetes.cri.container-type=sandbox) names the namespace's path,
# the application bundle (=container) joins /proc/PID/ns/{net,ipc,uts} of
# the sandbox's state pid.  The sandbox must join the namespace (its pid's
# ns/net is it) and leave the interface alone (its guest: lo only); the
# application container takes it over and fetches a file from the server,
# as under runc; a second one is refused at create with one line and
# nothing started; when the first ends (normally, or killed), the
# interface is given back and a new one takes it again.
#
# Then Debian's podman: `podman pod create` (--network none, as CNI's
# bridge would put addresses on the host; the test moves a veth into the
# pod's namespace instead, as a CNI plugin would) with an infra image run
# as podman's own pause image is (/catatonit -P; catatonit itself is not
# installed here), `podman run --pod` fetching from the server as under
# runc, a second application container refused, kill + restart.
# Only addresses inside namespaces the test made; every loop bounded.
# usage: pods.sh path/to/xlibos-runtime [path/to/rootfs]
set -u
# shellcheck source-path=SCRIPTDIR source=suite_init.sh
. "$(dirname "$0")/suite_init.sh"

skip_all() { skip_suite "pods" "$1"; }
command -v python3 >/dev/null 2>&1 || skip_all "python3 is needed"
command -v busybox >/dev/null 2>&1 || skip_all "busybox is needed (the test's server)"
runc=$(command -v runc || echo /usr/sbin/runc)
[ -x "$runc" ] || skip_all "runc is not installed (scripts/install-deps.sh)"
[ "$(id -u)" -eq 0 ] || skip_all "needs root (runc, network namespaces)"
[ -d "$rootfs/bin" ] || skip_all "no rootfs at $rootfs (make rootfs)"
rootfs=$(cd "$rootfs" && pwd)

export XLIBOS_CACHE_DIR="$scratch/cache"
ns=xlpod-$$
server=""
have_podman=0
cleanup() {
	for d in "$scratch/root.runc"/*; do [ -d "$d" ] && "$runc" --root "$scratch/root.runc" delete --force "${d##*/}"; done
	for d in "$scratch/root.x"/*; do [ -d "$d" ] && "$runtime" --root "$scratch/root.x" delete --force "${d##*/}"; done
	if [ "$have_podman" -eq 1 ]; then
		$PODMAN pod rm -af -t 0
		podman_cleanup
	fi
	[ -n "$server" ] && kill "$server"
	ip netns del "$ns"
	ip netns del "$ns-s"
	ip link del "xq$$a"
	rm -rf "$scratch"
} >/dev/null 2>&1
trap cleanup EXIT
trap 'exit 1' INT TERM

# RT ARGS: R runc ... or R x ... (suite_init.sh's rt_cmd)
R() { rt_cmd "$@"; }
# wait_stopped RT ID: the container's command has ended (at most 30 s).
wait_stopped() {
	i=0
	while [ $i -lt 300 ] && R "$1" state "$2" 2>/dev/null | grep -q '"status": *"\(running\|created\)"'; do
		sleep 0.1
		i=$((i + 1))
	done
}
# addr_back NS: its eth0 has 10.196.K.2/24 again (at most 5 s).
addr_back() {
	i=0
	while [ $i -lt 50 ]; do
		ip -n "$1" -4 addr show dev eth0 2>/dev/null | grep -q "inet $sub.2/24" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
ino() { stat -L -c %i "$1" 2>/dev/null; }

# The server's namespace and the pod's, joined by a veth (K: this run's subnet).
sub=10.196.$(($$ % 200 + 20))
mkdir -p "$scratch/www"
echo "a file from the test's namespace" >"$scratch/www/index.html"
if ! ip netns add "$ns-s" || ! ip netns add "$ns" ||
   ! ip link add "xq$$a" type veth peer name "xq$$b" ||
   ! ip link set "xq$$a" netns "$ns-s" || ! ip link set "xq$$b" netns "$ns" ||
   ! ip -n "$ns-s" addr add "$sub.1/24" dev "xq$$a" || ! ip -n "$ns-s" link set "xq$$a" up ||
   ! ip -n "$ns-s" link set lo up || ! ip -n "$ns" link set "xq$$b" name eth0 ||
   ! ip -n "$ns" addr add "$sub.2/24" dev eth0 || ! ip -n "$ns" link set eth0 up ||
   ! ip -n "$ns" link set lo up || ! ip -n "$ns" route add default via "$sub.1"; then
	skip_all "cannot make network namespaces and a veth here"
fi
ip netns exec "$ns-s" busybox httpd -f -p 8080 -h "$scratch/www" &
server=$!

mkdir -p "$scratch/specdir"
"$runtime" spec --bundle "$scratch/specdir" || skip_all "xlibos-runtime spec failed"
# bundle NAME TYPE NETPATH ARGS-JSON: $scratch/NAME/config.json, CRI-shaped:
# TYPE the container-type annotation ("" none); NETPATH the network
# namespace's path; /proc/PID/ns/net with a TYPE also joins that pid's
# ipc and uts (without, it is --network container:'s shape).
bundle() {
	python3 - "$scratch/specdir/config.json" "$scratch/$1" "$rootfs" "$2" "$3" "$4" <<'EOF'
import json, os, sys
c = json.load(open(sys.argv[1]))
b, rootfs, ctype, netpath, args = sys.argv[2:7]
os.makedirs(b, exist_ok=True)
c["root"] = {"path": rootfs, "readonly": True}
c["process"]["terminal"] = False
c["process"]["args"] = json.loads(args)
c["annotations"] = {"io.kubernetes.cri.container-type": ctype} if ctype else {}
proc = ctype and netpath.startswith("/proc/") and netpath.split("/")[2]
for n in c["linux"]["namespaces"]:
    if n["type"] == "network":
        n["path"] = netpath
    elif proc and n["type"] in ("ipc", "uts"):
        n["path"] = "/proc/%s/ns/%s" % (proc, n["type"])
json.dump(c, open(b + "/config.json", "w"))
EOF
}

# The sandbox prints its interfaces then pauses; the app prints its eth0
# address and the server's file.
lo_then_pause='["sh", "-c", "ls /sys/class/net; exec sleep 1000"]'
fetch='["sh", "-c", "ip -4 addr show dev eth0 | grep -o \"inet [0-9./]*\"; wget -q -O - http://'$sub'.1:8080/index.html"]'

# start_sandbox RT: create + start the sandbox, its pid in $sb_pid.
start_sandbox() {
	bundle "sb.$1" sandbox "/run/netns/$ns" "$lo_then_pause"
	sb_pid=""
	R "$1" create --bundle "$scratch/sb.$1" --pid-file "$scratch/sb.$1.pid" sb >"$scratch/sb.$1.out" 2>&1 &&
		R "$1" start sb >>"$scratch/sb.$1.out" 2>&1 && sb_pid=$(cat "$scratch/sb.$1.pid")
}
# run_app RT ID: create, start, wait for the app joining the sandbox; output in $scratch/ID.RT.out.
run_app() {
	bundle "$2.$1" container "/proc/$sb_pid/ns/net" "$fetch"
	R "$1" create --bundle "$scratch/$2.$1" "$2" >"$scratch/$2.$1.out" 2>&1 &&
		R "$1" start "$2" >>"$scratch/$2.$1.out" 2>&1 && wait_stopped "$1" "$2"
	R "$1" delete --force "$2" >/dev/null 2>&1
	sed "s/$sub\./10.196.K./g" "$scratch/$2.$1.out" >"$scratch/$2.$1.norm"
}

# --- CRI-shaped bundles: runc first, then xlibos, in the same namespace ----
start_sandbox runc
if [ -n "$sb_pid" ]; then
	run_app runc app
	R runc delete --force sb >/dev/null 2>&1
else
	not_ok "runc: the CRI sandbox bundle runs" "$(cat "$scratch/sb.runc.out")"
fi

start_sandbox x
if [ -n "$sb_pid" ] && [ "$(ino "/proc/$sb_pid/ns/net")" = "$(ino "/run/netns/$ns")" ]; then
	ok "sandbox: its state pid is in the pod's network namespace (/proc/PID/ns/net is it)"
else
	not_ok "sandbox: its state pid is in the pod's network namespace" \
		"pid '$sb_pid': $(cat "$scratch/sb.x.out")"
fi
sleep 1
if [ "$(tr '\n' ' ' <"$scratch/sb.x.out")" = "lo " ] && addr_back "$ns"; then
	ok "sandbox: its guest has only lo, the namespace's eth0 keeps $sub.2/24"
else
	not_ok "sandbox: its guest has only lo, the namespace keeps its address" \
		"$(cat "$scratch/sb.x.out"; ip -n "$ns" addr show dev eth0)"
fi

run_app x app
if [ -s "$scratch/app.runc.norm" ] && cmp -s "$scratch/app.runc.norm" "$scratch/app.x.norm" &&
   grep -q "inet 10.196.K.2/24" "$scratch/app.x.norm" && grep -q "from the test's namespace" "$scratch/app.x.norm"; then
	ok "app joining /proc/SANDBOX/ns/net: eth0 $sub.2/24, a file fetched from $sub.1, as runc"
else
	not_ok "app joining the sandbox's namespace: as runc" \
		"$(diff "$scratch/app.runc.norm" "$scratch/app.x.norm" 2>&1 | head -20)"
fi
if addr_back "$ns"; then
	ok "app ended: the namespace's eth0 has $sub.2/24 back"
else
	not_ok "app ended: the namespace's eth0 has its address back" "$(ip -n "$ns" addr show dev eth0)"
fi

# A long-running app holds the interface; a second is refused at create.
bundle hold.x container "/proc/$sb_pid/ns/net" '["sleep", "1000"]'
R x create --bundle "$scratch/hold.x" --pid-file "$scratch/hold.pid" hold >"$out" 2>&1 &&
	R x start hold >>"$out" 2>&1
if ! ip -n "$ns" -4 addr show dev eth0 | grep -q inet; then
	ok "app running: the namespace's own stack has no address left on eth0 (the guest's now)"
else
	not_ok "app running: the namespace's eth0 taken over" "$(ip -n "$ns" addr show dev eth0)"
fi
bundle second.x container "/proc/$sb_pid/ns/net" "$fetch"
R x create --bundle "$scratch/second.x" --pid-file "$scratch/second.pid" second >"$out" 2>&1
rc=$?
if [ "$rc" -ne 0 ] && [ "$(wc -l <"$out")" -eq 1 ] &&
   grep -q "^xlibos-runtime: network namespace /proc/$sb_pid/ns/net: its interface is already used by another xlibos container; containers sharing a network namespace" "$out" &&
   ! R x list 2>/dev/null | grep -q '^second ' && [ ! -e "$scratch/second.pid" ] &&
   ! pgrep -f "$scratch/second.x" >/dev/null; then
	ok "a second app in the pod: create fails ($rc) with one line naming the cause, nothing started"
else
	not_ok "a second app in the pod: refused at create, nothing started" "exit $rc"
fi
R x delete --force second >/dev/null 2>&1
# --network container:hold: its state pid's namespace is the pod's (as runc's), so refused the same way.
hold_pid=$(cat "$scratch/hold.pid" 2>/dev/null)
bundle third.x "" "/proc/$hold_pid/ns/net" "$fetch"
R x create --bundle "$scratch/third.x" third >"$out" 2>&1
rc=$?
if [ -n "$hold_pid" ] && [ "$(ino "/proc/$hold_pid/ns/net")" = "$(ino "/run/netns/$ns")" ] &&
   [ "$rc" -ne 0 ] && [ "$(wc -l <"$out")" -eq 1 ] && grep -q "its interface is already used by another xlibos container" "$out"; then
	ok "the app's state pid is in the pod's namespace too; joining it (--network container:) is refused the same way"
else
	not_ok "joining the app's /proc/PID/ns/net (--network container:): refused by name" "exit $rc, pid '$hold_pid'"
fi
R x delete --force third >/dev/null 2>&1

# Killed: SIGKILL straight to the supervisor (the state pid: a host OOM
# kill, an outside kill -9); the interface comes back all the same, and a
# new app takes it.
[ -n "$hold_pid" ] && kill -KILL "$hold_pid"
wait_stopped x hold
R x delete hold >/dev/null 2>&1
if addr_back "$ns"; then
	ok "app killed (SIGKILL of its supervisor): the namespace's eth0 has $sub.2/24 back"
else
	not_ok "app killed: the namespace's eth0 has its address back" "$(ip -n "$ns" addr show dev eth0)"
fi
run_app x again
if cmp -s "$scratch/app.runc.norm" "$scratch/again.x.norm"; then
	ok "a new app after the killed one takes the interface over again, as runc"
else
	not_ok "a new app after the killed one: as runc" \
		"$(diff "$scratch/app.runc.norm" "$scratch/again.x.norm" 2>&1 | head -20)"
fi
R x delete --force sb >/dev/null 2>&1

# Joining another container's IPC namespace outside a pod stays refused.
bundle solo.x "" "/run/netns/$ns" '["true"]'
python3 - "$scratch/solo.x/config.json" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1]))
for n in c["linux"]["namespaces"]:
    if n["type"] == "ipc":
        n["path"] = "/proc/1/ns/ipc"
json.dump(c, open(sys.argv[1], "w"))
EOF
expect "no pod annotation: joining an ipc namespace is still refused by name" 1 \
	"joining an existing ipc namespace is not supported" \
	R x create --bundle "$scratch/solo.x" solo

# --- podman ------------------------------------------------------------------
pod_checks="podman: an app in a pod fetches over the pod's network, as runc|podman: a second app in the pod gets the one-line error|podman: the app killed, restarted: it fetches again|podman: the app removed: the pod's eth0 has its address back"
skip_podman() {
	old_ifs=$IFS
	IFS='|'
	for c in $pod_checks; do
		IFS=$old_ifs
		skip "$c" "$1"
	done
	IFS=$old_ifs
}
podman_part() {
	command -v podman >/dev/null 2>&1 || { skip_podman "podman is not installed"; return; }
	# shellcheck source-path=SCRIPTDIR source=lib_podman.sh
	. "$here/lib_podman.sh"
	podman_setup "$scratch/podman" "$runtime"
	have_podman=1
	# An infra container takes no --ulimit: containers.conf gives every container this machine's limits.
	printf '[containers]\ndefault_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]\n' >"$T/containers.conf"
	export CONTAINERS_CONF="$T/containers.conf"
	opts="--ulimit nofile=1024:1024 --ulimit nproc=1024:1024"
	podman_import "$rootfs" >"$out" 2>&1 || { skip_podman "podman import failed: $(tail -1 "$out")"; return; }
	# podman's own pause image: ENTRYPOINT ["/catatonit", "-P"] (here a script that sleeps).
	mkdir -p "$T/pause" && cp -a "$rootfs/." "$T/pause/" &&
		printf '#!/bin/sh\nexec sleep 2147483647\n' >"$T/pause/catatonit" && chmod 755 "$T/pause/catatonit" &&
		tar -C "$T/pause" -cf "$T/pause.tar" . &&
		$PODMAN import --change 'ENTRYPOINT ["/catatonit", "-P"]' "$T/pause.tar" localhost/xlibos-pause:1 >"$out" 2>&1 ||
		{ skip_podman "podman import of the pause image failed: $(tail -1 "$out")"; return; }
	for rt in runc x; do
		# Each pod its own subnet and veth: the runc pod's may still be going.
		if [ $rt = runc ]; then
			P="$PODMAN --runtime runc" psub=10.195.${sub##*.}
		else
			P="$PODMAN --runtime $runtime --runtime-flag cache-dir=$T/cache" psub=10.194.${sub##*.}
		fi
		va=xr$$$rt vb=xs$$$rt
		$P pod create --name "pod-$rt" --network none --infra-image localhost/xlibos-pause:1 >"$out" 2>&1 &&
			$P pod start "pod-$rt" >>"$out" 2>&1 ||
			{ not_ok "podman ($rt): pod create/start" "$(tail -3 "$out")"; continue; }
		infra=$($PODMAN ps -a --filter "pod=pod-$rt" --format '{{.IsInfra}} {{.Pid}}' | awk '$1 == "true" { print $2 }')
		# As a CNI plugin: a veth end into the pod's namespace, addressed, a default route.
		if ! ip link add "$va" type veth peer name "$vb" || ! ip link set "$va" netns "$ns-s" ||
		   ! ip link set "$vb" netns "/proc/$infra/ns/net" ||
		   ! ip -n "$ns-s" link set "$va" up || ! ip -n "$ns-s" addr add "$psub.1/24" dev "$va" ||
		   ! nsenter --net="/proc/$infra/ns/net" sh -c "ip link set $vb name eth0 && ip addr add $psub.2/24 dev eth0 && ip link set eth0 up && ip route add default via $psub.1"; then
			not_ok "podman ($rt): a veth into the pod's namespace (infra pid '$infra')"
			continue
		fi
		# shellcheck disable=SC2086
		timeout 120 $P run --rm --pod "pod-$rt" $opts "$IMAGE" sh -c \
			"ip -4 addr show dev eth0 | grep -o 'inet [0-9./]*'; wget -q -O - http://$psub.1:8080/index.html" \
			>"$scratch/pm.$rt.out" 2>&1
		sed "s/$psub\./P./g" "$scratch/pm.$rt.out" >"$scratch/pm.$rt.norm"
		[ $rt = x ] || { $P pod rm -f -t 0 "pod-$rt" >/dev/null 2>&1; continue; }
		if [ -s "$scratch/pm.runc.norm" ] && cmp -s "$scratch/pm.runc.norm" "$scratch/pm.x.norm" &&
		   grep -q "from the test's namespace" "$scratch/pm.x.norm"; then
			ok "podman: an app in a pod fetches over the pod's network, as runc ($(tr '\n' ' ' <"$scratch/pm.x.norm" | cut -c1-60))"
		else
			not_ok "podman: an app in a pod fetches over the pod's network, as runc" \
				"$(diff "$scratch/pm.runc.norm" "$scratch/pm.x.norm" 2>&1 | head -20)"
		fi
		# shellcheck disable=SC2086
		timeout 120 $P run -d --pod "pod-$rt" --name a1 $opts "$IMAGE" sleep 1000 >"$out" 2>&1
		# shellcheck disable=SC2086
		timeout 120 $P run --rm --pod "pod-$rt" --name a2 $opts "$IMAGE" true >"$out" 2>&1
		rc=$?
		if [ "$rc" -ne 0 ] && grep -q "its interface is already used by another xlibos container" "$out"; then
			ok "podman: a second app in the pod gets the one-line error (podman exits $rc)"
		else
			not_ok "podman: a second app in the pod gets the one-line error" "exit $rc"
		fi
		timeout 60 $P kill a1 >/dev/null 2>&1
		timeout 120 $P restart a1 >"$out" 2>&1
		if timeout 60 $P exec a1 wget -q -O - "http://$psub.1:8080/index.html" >"$out" 2>&1 &&
		   grep -q "from the test's namespace" "$out"; then
			ok "podman: the app killed, restarted: it fetches again"
		else
			not_ok "podman: the app killed, restarted: it fetches again"
		fi
		timeout 60 $P rm -f -t 0 a1 >/dev/null 2>&1
		if nsenter --net="/proc/$infra/ns/net" ip -4 addr show dev eth0 | grep -q "inet $psub.2/24"; then
			ok "podman: the app removed: the pod's eth0 has its address back"
		else
			not_ok "podman: the app removed: the pod's eth0 has its address back"
		fi
		$P pod rm -f -t 0 "pod-$rt" >/dev/null 2>&1
	done
}
podman_part

summary
