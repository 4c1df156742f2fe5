#!/bin/sh
# xlibos-runtime called directly, as runc is: hostile bundles (missing or
# wrong-typed fields, unknown fields, a root that is a symlink out of the
# bundle, host device nodes as mounts, a config.json that is a FIFO...)
# each give one clear "xlibos-runtime: ..." error naming the field, exit 1,
# and nothing started (no state directory, no pid file, no process); then
# the lifecycle of a good bundle: create, state, start, kill, delete.
# usage: bundles.sh path/to/xlibos-runtime [path/to/rootfs]
set -u
# shellcheck source-path=SCRIPTDIR source=suite_init.sh
. "$(dirname "$0")/suite_init.sh"

state=$scratch/state
# alive PID: there and not a zombie (a process reaped between the two
# looks is gone); gone PID: waits up to 5 s for that.
alive() { st=$(ps -o stat= -p "$1" 2>/dev/null | cut -c1); [ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]; }
gone() { i=0; while [ $i -lt 50 ] && alive "$1"; do sleep 0.1; i=$((i + 1)); done; ! alive "$1"; }
R() { "$runtime" --root "$state" --cache-dir "$scratch/cache" "$@"; }
# Whatever ends the suite (a failure, ^C, a timeout's TERM), no container of
# its own outlives it: one left running its TERM-trapping loop ran for hours.
end_containers() {
	for id in $(R list --quiet 2>/dev/null); do R delete --force "$id"; done >/dev/null 2>&1
}
trap 'end_containers; rm -rf "$scratch"' EXIT
trap 'exit 1' INT TERM
command -v python3 >/dev/null 2>&1 ||
	skip_suite "hostile bundles" "python3 is needed to write them"

# The base bundle: `xlibos-runtime spec` with root.path absolute (allowed anywhere).
base=$scratch/base.json
mkdir -p "$scratch/specdir"
R spec --bundle "$scratch/specdir" && mv "$scratch/specdir/config.json" "$base"
python3 - "$base" "$rootfs" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1]))
c["root"]["path"] = sys.argv[2]
c["process"]["args"] = ["sh", "-c", "echo bundle ran"]
json.dump(c, open(sys.argv[1], "w"))
EOF

n=0
# hostile DESC MESSAGE PYTHON-EDIT: a bundle whose config is the base after
# the edit (Python on dict c, bundle dir b); create must fail with MESSAGE.
hostile() {
	desc=$1 message=$2 edit=$3
	n=$((n + 1))
	b=$scratch/bundle$n
	mkdir -p "$b"
	python3 - "$base" "$b" <<EOF
import json, os, sys
c = json.load(open(sys.argv[1]))
b = sys.argv[2]
raw = None
$edit
if raw is None:
    raw = json.dumps(c)
if raw is not False:
    open(os.path.join(b, "config.json"), "w").write(raw)
EOF
	R create --bundle "$b" --pid-file "$b/pid" "c$n" >"$out" 2>&1
	rc=$?
	if [ "$rc" -ne 1 ]; then
		not_ok "$desc: exit 1" "got $rc"
	elif ! grep "^xlibos-runtime: " "$out" | grep -qF -- "$message"; then
		not_ok "$desc: message" "expected: xlibos-runtime: $message"
	elif [ "$(grep -vc '^xlibos-runtime: ' "$out")" -ne 0 ]; then
		not_ok "$desc: only 'xlibos-runtime: ' lines"
	elif [ -e "$state/c$n" ] || [ -e "$b/pid" ] || pgrep -f -- "$b" >/dev/null; then
		not_ok "$desc: nothing started" "$(ls -la "$state" "$b" 2>&1)"
	else
		ok "$desc: '$(head -1 "$out" | cut -c1-110)'"
	fi
}

hostile "no config.json" "config.json: No such file or directory" "raw = False"
hostile "config.json is a FIFO" "not a regular file" "os.mkfifo(os.path.join(b, 'config.json')); raw = False"
hostile "not JSON" "config.json: line 1 column" "raw = '{\"ociVersion\": '"
hostile "a JSON array" "not a JSON object" "raw = '[1, 2]'"
hostile "duplicate keys" "duplicate object key" "raw = json.dumps(c)[:-1] + ', \"hostname\": \"a\", \"hostname\": \"b\"}'"
hostile "unknown top-level field" "config.json: solaris: unknown or unsupported field" "c['solaris'] = {}"
hostile "unknown process field" "config.json: process.bogus: unknown or unsupported field" "c['process']['bogus'] = 1"
hostile "ociVersion 2.0" "ociVersion: '2.0.0' is not a 1.x version" "c['ociVersion'] = '2.0.0'"
hostile "missing process" "config.json: process: missing" "del c['process']"
hostile "process.args a string" "config.json: process.args: must be an array" "c['process']['args'] = 'sh -c id'"
hostile "process.args with a number" "config.json: process.args[1]: must be a string" "c['process']['args'] = ['sh', 1]"
hostile "process.args empty" "config.json: process.args: must name a command" "c['process']['args'] = []"
hostile "process.user.uid a string" "config.json: process.user.uid: must be an integer" "c['process']['user']['uid'] = '0'"
hostile "process.user.uid negative" "config.json: process.user.uid: must be an integer" "c['process']['user']['uid'] = -1"
hostile "process.user.additionalGids wrong" "config.json: process.user.additionalGids[0]: must be" "c['process']['user']['additionalGids'] = ['wheel']"
hostile "process.env without =" "config.json: process.env[0]: 'NOEQUALS' is not KEY=VALUE" "c['process']['env'] = ['NOEQUALS']"
hostile "process.cwd relative" "config.json: process.cwd: 'tmp' is not an absolute path" "c['process']['cwd'] = 'tmp'"
hostile "process.terminal without --console-socket" "create: process.terminal needs --console-socket" "c['process']['terminal'] = True"
hostile "process.consoleSize wrong" "config.json: process.consoleSize.height: must be an integer" "c['process']['terminal'] = True; c['process']['consoleSize'] = {'height': 'tall', 'width': 80}"
hostile "process.rlimits unknown type" "config.json: process.rlimits[0].type: unknown limit" "c['process']['rlimits'] = [{'type': 'RLIMIT_BOGUS', 'soft': 1, 'hard': 1}]"
hostile "process.rlimits soft above hard" "soft limit above the hard one" "c['process']['rlimits'] = [{'type': 'RLIMIT_NOFILE', 'soft': 10, 'hard': 1}]"
hostile "process.noNewPrivileges a string" "config.json: process.noNewPrivileges: must be true or false" "c['process']['noNewPrivileges'] = 'yes'"
hostile "missing root.path" "config.json: root.path: missing" "del c['root']['path']"
hostile "root.readonly a string" "config.json: root.readonly: must be true or false" "c['root']['readonly'] = 'yes'"
hostile "root a symlink out of the bundle" "resolves to '/', outside the bundle" "os.symlink('/', os.path.join(b, 'rootfs')); c['root']['path'] = 'rootfs'"
hostile "root a symlink to another tree" "outside the bundle" "os.symlink('$rootfs', os.path.join(b, 'rootfs')); c['root']['path'] = 'rootfs'"
hostile "root.path with .." "outside the bundle" "c['root']['path'] = '../'"
hostile "root.path the host's /" "is the host's root directory" "c['root']['path'] = '/'"
hostile "root.path missing" "config.json: root.path 'nothere': No such file" "c['root']['path'] = 'nothere'"
hostile "bind mount of /dev/null" "'/dev/null' is a host device: host devices are not supported" "c['mounts'].append({'destination': '/dev/null', 'type': 'bind', 'source': '/dev/null', 'options': ['rbind']})"
hostile "bind mount of /dev" "'/dev' is a host device" "c['mounts'].append({'destination': '/hostdev', 'type': 'bind', 'source': '/dev', 'options': ['rbind']})"
hostile "bind mount of a device node outside /dev" "is a host device" "os.mknod(os.path.join(b, 'null'), 0o20666, os.makedev(1, 3)); c['mounts'].append({'destination': '/x', 'source': os.path.join(b, 'null'), 'options': ['bind']})"
hostile "ext4 mount of a block device" "config.json: mounts[6].type: 'ext4' mounts are not supported" "c['mounts'].append({'destination': '/disk', 'type': 'ext4', 'source': '/dev/vda'})"
hostile "mount destination relative" "mounts[6].destination: 'data' must be an absolute path" "c['mounts'].append({'destination': 'data', 'type': 'tmpfs', 'source': 'tmpfs'})"
hostile "mount destination with .." "must be an absolute path below /" "c['mounts'].append({'destination': '/a/../../etc', 'type': 'tmpfs', 'source': 'tmpfs'})"
hostile "unknown mount option" "config.json: mounts[0].options[0]: 'idmap' is not supported" "c['mounts'][0]['options'] = ['idmap']"
hostile "mounts not an array" "config.json: mounts: must be an array" "c['mounts'] = {}"
hostile "linux.devices" "config.json: linux.devices: host devices are not supported" "c['linux']['devices'] = [{'path': '/dev/sda', 'type': 'b', 'major': 8, 'minor': 0}]"
hostile "linux.uidMappings" "config.json: linux.uidMappings: user namespaces are not supported" "c['linux']['uidMappings'] = [{'containerID': 0, 'hostID': 1000, 'size': 1}]"
hostile "no network namespace (the host's)" "no network namespace: sharing the host's is not supported" "c['linux']['namespaces'] = [n for n in c['linux']['namespaces'] if n['type'] != 'network']"
hostile "joining a pid namespace" "linux.namespaces[0]: joining an existing pid namespace is not supported" "c['linux']['namespaces'][0]['path'] = '/proc/1/ns/pid'"
hostile "memory limit below 32M" "linux.resources.memory.limit: 1048576 bytes is below" "c['linux']['resources'] = {'memory': {'limit': 1048576}}"
hostile "device rule with a string allow" "config.json: linux.resources.devices[0].allow: must be true or false" "c['linux']['resources'] = {'devices': [{'allow': 'no', 'access': 'rwm'}]}"
hostile "real-time CPU limits" "config.json: linux.resources.cpu.realtimeRuntime: real-time scheduling is not supported" "c['linux']['resources'] = {'cpu': {'quota': 50000, 'realtimeRuntime': 950000}}"
hostile "cpuset of NUMA node 1" "config.json: linux.resources.cpu.mems: '1': only NUMA node 0 is supported" "c['linux']['resources'] = {'cpu': {'mems': '1'}}"
hostile "cpuset not a CPU list" "config.json: linux.resources.cpu.cpus: 'all' is not a CPU list" "c['linux']['resources'] = {'cpu': {'cpus': 'all'}}"
hostile "CPU quota below 1 ms" "quota 10 us per period 100000 us: both must be at least 1000" "c['linux']['resources'] = {'cpu': {'quota': 10, 'period': 100000}}"
hostile "CPU shares a string" "config.json: linux.resources.cpu.shares" "c['linux']['resources'] = {'cpu': {'shares': '512'}}"
hostile "seccomp defaultAction unknown" "config.json: linux.seccomp.defaultAction: 'SCMP_ACT_MAYBE' is not supported" "c['linux']['seccomp'] = {'defaultAction': 'SCMP_ACT_MAYBE'}"
hostile "seccomp notify" "config.json: linux.seccomp.listenerPath: seccomp notify is not supported" "c['linux']['seccomp'] = {'defaultAction': 'SCMP_ACT_ALLOW', 'listenerPath': '/run/x.sock'}"
hostile "seccomp names not an array" "config.json: linux.seccomp.syscalls[0].names: must be an array" "c['linux']['seccomp'] = {'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': 'mkdir', 'action': 'SCMP_ACT_ERRNO'}]}"
hostile "seccomp bad comparison" "linux.seccomp.syscalls[0].args[0].op: unknown comparison" "c['linux']['seccomp'] = {'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['mkdir'], 'action': 'SCMP_ACT_ERRNO', 'args': [{'index': 0, 'value': 1, 'op': 'SCMP_CMP_ABOUT'}]}]}"
hostile "capability unknown" "config.json: process.capabilities.bounding[0]: unknown capability 'CAP_EVERYTHING'" "c['process']['capabilities'] = {'bounding': ['CAP_EVERYTHING']}"
hostile "createContainer hooks (the guest's namespaces)" "config.json: hooks.createContainer: not supported" "c['hooks'] = {'createContainer': [{'path': '/bin/true'}]}"
hostile "unknown xlibos annotation" "annotations.io.xlibos.bogus: unknown xlibos option" "c['annotations'] = {'io.xlibos.bogus': '1'}"
hostile "io.xlibos.mem not a size" "annotations.io.xlibos.mem: 'lots' is not a size" "c['annotations'] = {'io.xlibos.mem': 'lots'}"

expect "invalid container id" 1 "invalid container id '../x'" R create --bundle "$scratch/bundle1" ../x
[ ! -e "$scratch/x" ] && ok "invalid container id: nothing created" || not_ok "invalid container id: nothing created"
expect "exec into a container that does not exist" 1 "container 'c1' does not exist" R exec c1 true
mkdir -p "$scratch/valid" && cp "$base" "$scratch/valid/config.json"
expect "--console-socket without process.terminal" 1 "create: --console-socket without process.terminal" R create --bundle "$scratch/valid" --console-socket /tmp/s c1
[ ! -e "$state/c1" ] && ok "--console-socket without process.terminal: nothing created" ||
	not_ok "--console-socket without process.terminal: nothing created"
expect "state of an unknown container" 1 "container 'nosuch' does not exist" R state nosuch

# --- a good bundle: the lifecycle ------------------------------------------------
good=$scratch/good
mkdir -p "$good"
cp -a "$rootfs/." "$good/rootfs"
python3 - "$base" "$good" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1]))
c["root"]["path"] = "rootfs"
c["process"]["args"] = ["sh", "-c", "echo out; echo err >&2; read line; echo got $line; exit 5"]
json.dump(c, open(sys.argv[2] + "/config.json", "w"))
EOF
mkfifo "$scratch/in"
# The supervisor keeps create's stdio, as runc's container process does.
R create --bundle "$good" --pid-file "$scratch/good.pid" good <"$scratch/in" >"$scratch/good.out" 2>"$scratch/good.err" &
exec 7>"$scratch/in"
wait $!
rc=$?
[ "$rc" -eq 0 ] && ok "create: exit 0" || not_ok "create: exit 0" "got $rc; $(cat "$scratch/good.err")"
pid=$(cat "$scratch/good.pid" 2>/dev/null)
expect "state: created, with the pid-file's pid" 0 "\"pid\": $pid," R state good
grep -q '"status": "created"' "$out" && ok "state: status created" || not_ok "state: status created"
[ ! -s "$scratch/good.out" ] && ok "created: the command has not run" || not_ok "created: the command has not run"
expect "list: the container, created" 0 "created" R list
expect "create with the same id" 1 "container 'good' already exists" R create --bundle "$good" good
R create --bundle "$good" --pid-file "$scratch/other.pid" other </dev/null >"$scratch/other.out" 2>&1
other=$(cat "$scratch/other.pid" 2>/dev/null)
expect "delete of a created container (as runc: no --force needed)" 0 "" R delete other
gone "$other" && ok "delete of a created container: its supervisor is gone" ||
	not_ok "delete of a created container: its supervisor is gone" "$(ps -o pid,stat,args -p "$other")"
[ ! -s "$scratch/other.out" ] && ok "delete of a created container: the command never ran" ||
	not_ok "delete of a created container: the command never ran"
expect "start" 0 "" R start good
expect "start twice" 1 "it is running, not created" R start good
expect "state: running" 0 '"status": "running"' R state good
echo "hello" >&7
exec 7>&-
i=0
while [ $i -lt 100 ] && kill -0 "$pid" 2>/dev/null && [ "$(ps -o stat= -p "$pid" | cut -c1)" != Z ]; do
	sleep 0.1
	i=$((i + 1))
done
wait "$pid" 2>/dev/null
printf 'out\ngot hello\n' | cmp -s - "$scratch/good.out" && ok "the command's stdout and stdin were create's" ||
	not_ok "the command's stdout and stdin were create's" "$(cat "$scratch/good.out")"
grep -qx err "$scratch/good.err" && ok "the command's stderr was create's" || not_ok "the command's stderr was create's"
expect "state: stopped, pid 0" 0 '"pid": 0,' R state good
grep -q '"status": "stopped"' "$out" && ok "state: status stopped" || not_ok "state: status stopped"
expect "kill of a stopped container" 1 "container 'good' is not running" R kill good
expect "delete" 0 "" R delete good
[ ! -e "$state/good" ] && ok "delete: state directory gone" || not_ok "delete: state directory gone"

# A running container: kill TERM reaches it; delete refuses, --force kills it.
python3 - "$base" "$good" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1]))
c["root"]["path"] = "rootfs"
c["process"]["args"] = ["sh", "-c", "trap 'echo TERM; exit 9' TERM; while :; do sleep 0.1; done"]
json.dump(c, open(sys.argv[2] + "/config.json", "w"))
EOF
R create --bundle "$good" --pid-file "$scratch/run.pid" run </dev/null >"$scratch/run.out" 2>&1
pid=$(cat "$scratch/run.pid")
R start run
sleep 0.5
expect "delete of a running container without --force" 1 "it is running (stop it, or use --force)" R delete run
expect "kill unknown signal" 1 "unknown signal 'NOPE'" R kill run NOPE
expect "kill --all run TERM" 0 "" R kill --all run TERM
wait "$pid" 2>/dev/null
i=0
while [ $i -lt 50 ] && kill -0 "$pid" 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
grep -qx TERM "$scratch/run.out" && ok "kill TERM: the trap ran" || not_ok "kill TERM: the trap ran" "$(cat "$scratch/run.out")"
expect "delete after kill" 0 "" R delete run
R create --bundle "$good" --pid-file "$scratch/run.pid" run2 </dev/null >/dev/null 2>&1
pid=$(cat "$scratch/run.pid")
R start run2
expect "delete --force of a running container" 0 "" R delete --force run2
gone "$pid" && ok "delete --force: the supervisor is gone" ||
	not_ok "delete --force: the supervisor is gone" "$(ps -o pid,stat,args -p "$pid")"
wait "$pid" 2>/dev/null
# linux.resources.cpu: quota/period, shares and cpus reach the supervisor's cgroup options.
cpu=$scratch/cpu
mkdir -p "$cpu"
cp -a "$rootfs/." "$cpu/rootfs"
python3 - "$good/config.json" "$cpu" <<'EOF2'
import json, sys
c = json.load(open(sys.argv[1]))
c["linux"]["resources"] = {"cpu": {"quota": 33333, "period": 100000, "shares": 512, "cpus": "0-1", "mems": "0"}}
json.dump(c, open(sys.argv[2] + "/config.json", "w"))
EOF2
R create --bundle "$cpu" --pid-file "$scratch/cpu.pid" cpu </dev/null >"$scratch/cpu.out" 2>&1
pid=$(cat "$scratch/cpu.pid" 2>/dev/null)
args=$(tr '\0' '\n' </proc/"${pid:-0}"/cmdline 2>/dev/null | paste -sd' ')
if printf '%s\n' "$args" | grep -q -e "--cpus 0.33333 " && printf '%s\n' "$args" | grep -q -e "--cpu-shares 512 " &&
   printf '%s\n' "$args" | grep -q -e "--cpu 0 "; then
	ok "linux.resources.cpu: --cpus 0.33333 --cpu-shares 512 --cpu 0 for the supervisor"
else
	not_ok "linux.resources.cpu: the supervisor's options" "$args; $(cat "$scratch/cpu.out")"
fi
R delete --force cpu >/dev/null 2>&1
wait "$pid" 2>/dev/null
[ -z "$(ls -A "$state")" ] && ok "nothing left in --root" || not_ok "nothing left in --root" "$(ls -A "$state")"

# --- linux.namespaces network path: a namespace prepared as CNI does -------------
# ns holds "eth0" (one end of a veth) with an address and a default route;
# the other end is in peer, where nc listens.  runc first (it leaves the
# namespace as it was), then xlibos (whose guest takes eth0 over).
# netns_case NAME CMD...: run CMD while nc in peer takes one connection.
netns_case() {
	rt_name=$1
	shift
	# nc stops at the end of its stdin: give it one that stays open, with no data.
	[ -p "$scratch/nc.in" ] || mkfifo "$scratch/nc.in"
	exec 8<>"$scratch/nc.in"
	timeout 20 ip netns exec "$peer" busybox nc -l -p 7777 <"$scratch/nc.in" >"$scratch/peer.$rt_name" 2>&1 &
	listener=$!
	i=0
	while [ $i -lt 50 ] && ! ip netns exec "$peer" busybox netstat -ltn 2>/dev/null | grep -q ':7777 '; do
		sleep 0.1
		i=$((i + 1))
	done
	"$@" >"$scratch/net.$rt_name" 2>&1 </dev/null
	echo "exit $?" >>"$scratch/net.$rt_name"
	wait "$listener" 2>/dev/null
	exec 8>&-
}
# xlibos_net_run: create, start, wait for the supervisor to end.
xlibos_net_run() {
	R create --bundle "$good" --pid-file "$scratch/net.pid" net || return 1
	R start net || return 1
	i=0
	while [ $i -lt 200 ] && kill -0 "$(cat "$scratch/net.pid")" 2>/dev/null; do
		sleep 0.1
		i=$((i + 1))
	done
}
ns=xoci-$$ peer=xocp-$$
if ! command -v ip >/dev/null 2>&1 || ! command -v runc >/dev/null 2>&1 ||
   ! command -v busybox >/dev/null 2>&1 ||
   ! ip netns add "$ns" 2>/dev/null; then
	skip "network namespace path: eth0 and traffic, as runc" "needs ip, runc, busybox and network namespaces"
else
	netns_cleanup() {
		ip netns del "$ns" 2>/dev/null
		ip netns del "$peer" 2>/dev/null
	}
	trap 'end_containers; netns_cleanup; rm -rf "$scratch"' EXIT
	ip netns add "$peer"
	ip link add "xo$$a" type veth peer name "xo$$b"
	ip link set "xo$$a" netns "$ns" name eth0
	ip link set "xo$$b" netns "$peer" name eth0
	ip -n "$ns" addr add 10.199.77.2/24 dev eth0
	ip -n "$ns" link set eth0 up
	ip -n "$ns" link set lo up
	ip -n "$ns" route add default via 10.199.77.1
	ip -n "$peer" addr add 10.199.77.1/24 dev eth0
	ip -n "$peer" link set eth0 up
	python3 - "$base" "$good" "/run/netns/$ns" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1]))
c["root"]["path"] = "rootfs"
c["root"]["readonly"] = False
ns = [n for n in c["linux"]["namespaces"] if n["type"] != "network"]
c["linux"]["namespaces"] = ns + [{"type": "network", "path": sys.argv[3]}]
c["process"]["args"] = ["sh", "-c", "ip -4 -o addr show eth0 | grep -o 'inet [0-9./]*'; ip route | grep -o 'default via [0-9.]*'; echo hello from the container | nc 10.199.77.1 7777 && echo sent"]
json.dump(c, open(sys.argv[2] + "/config.json", "w"))
EOF
	netns_case runc timeout 20 runc --root "$scratch/runc" run -b "$good" "oci-net-$$"
	netns_case xlibos xlibos_net_run
	R delete --force net >/dev/null 2>&1
	if grep -q "inet 10.199.77.2/24" "$scratch/net.xlibos" &&
	   grep -q "default via 10.199.77.1" "$scratch/net.xlibos" &&
	   grep -q "hello from the container" "$scratch/peer.xlibos" &&
	   grep -q "hello from the container" "$scratch/peer.runc" &&
	   grep -q "inet 10.199.77.2/24" "$scratch/net.runc"; then
		ok "network namespace path: the guest's eth0 has its address and route, the peer got the data (as runc)"
	else
		not_ok "network namespace path" "runc: $(cat "$scratch/net.runc" "$scratch/peer.runc")
xlibos: $(cat "$scratch/net.xlibos" "$scratch/peer.xlibos")"
	fi
	netns_cleanup
fi

expect "features: JSON" 0 '"io.xlibos.runtime.notApplied"' R features
R features | python3 -c 'import json,sys; json.load(sys.stdin)' && ok "features: valid JSON" || not_ok "features: valid JSON"
expect "spec refuses an existing config.json" 1 "exists already" R spec --bundle "$good"
expect "--version" 0 "xlibos-runtime version" R --version

summary
