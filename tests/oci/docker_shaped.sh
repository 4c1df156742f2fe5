#!/bin/sh
# xlibos-runtime called as Docker 20.10 and containerd 1.6 call it, without
# dockerd or containerd (neither can be installed on this machine): the
# config.json each writes (shaped_spec.py, rebuilt from their sources,
# Docker's real default seccomp profile in fixtures/) and the command lines
# containerd's io.containerd.runc.v2 shim issues through go-runc, with its
# --root, --log FILE --log-format json, pid file, pipes or console socket,
# and its reaper's wait for the pid (shim_sequence.py).  Each case runs the
# same bundle and the same sequence with runc and with xlibos: step
# statuses, the container's output and exit status must be the same.  What
# Docker sets that xlibos cannot honour must be refused by name.
# Sources and what they say: tests/oci/fixtures/README.md.
# usage: docker_shaped.sh path/to/xlibos-runtime [path/to/rootfs]
set -u
# shellcheck source-path=SCRIPTDIR source=suite_init.sh
. "$(dirname "$0")/suite_init.sh"

skip_all() { skip_suite "Docker- and containerd-shaped bundles and shim sequence" "$1"; }
command -v python3 >/dev/null 2>&1 || skip_all "python3 is needed"
runc=$(command -v runc) || skip_all "runc is not installed (scripts/install-deps.sh)"
[ "$(id -u)" -eq 0 ] || skip_all "needs root (runc as Docker runs it)"
[ -d "$rootfs/bin" ] || skip_all "no rootfs at $rootfs (make rootfs)"

profile=$here/fixtures/docker-20.10.24-seccomp-default.json
# Docker's: <exec-root>/runtime-runc/moby; containerd's: /run/containerd/runc/<namespace>.
# Neither exists before a first container (runc makes them).
docker_root=$scratch/exec-root/runtime-runc/moby
ctr_root=$scratch/run-containerd/runc/default
export XLIBOS_CACHE_DIR="$scratch/cache"
# Whatever a failed step left: runc's and xlibos's containers, then $scratch.
cleanup() {
	for root in "$docker_root" "$ctr_root"; do
		for id in $(ls "$root.runc" 2>/dev/null); do "$runc" --root "$root.runc" delete --force "$id"; done
		for id in $(ls "$root.x" 2>/dev/null); do "$runtime" --root "$root.x" delete --force "$id"; done
	done >/dev/null 2>&1
	[ -n "${hostns:-}" ] && ip netns del "$hostns" 2>/dev/null
	rm -rf "$scratch"
}
trap cleanup EXIT
# Container ids as Docker makes them.
cid=4f0c2a9d8e1b7c3a5f6e9d0c1b2a3f4e5d6c7b8a9f0e1d2c3b4a5f6e7d8c9b0a

# shellcheck source-path=SCRIPTDIR source=lib_shaped.sh
. "$here/lib_shaped.sh"

# shim SCENARIO NAME ROOT [shim_sequence.py options]: the sequence with runc
# and with xlibos; results in NAME.runc.out/ and NAME.x.out/.
shim() {
	scen=$1 name=$2 root=$3
	shift 3
	for rt in runc x; do
		bin=$runc
		[ "$rt" = x ] && bin=$runtime
		rm -rf "$scratch/$name.$rt.out"
		timeout 180 python3 "$here/shim_sequence.py" "$scen" "$bin" "$root.$rt" \
			"$scratch/$name.$rt" "$cid" "$scratch/$name.$rt.out" "$@" \
			>"$scratch/$name.$rt.driver" 2>&1
	done
}

# same_steps NAME DESC: every step's status as runc's.
same_steps() {
	r=$scratch/$1.runc.out x=$scratch/$1.x.out
	if [ -s "$r/steps" ] && cmp -s "$r/steps" "$x/steps"; then
		ok "$2: $(tr '\n' ' ' <"$x/steps" | sed 's/ $//'), as runc"
	else
		not_ok "$2: the steps as runc's" "runc: $(cat "$r/steps" 2>&1 | tr '\n' ' ')
xlibos: $(cat "$x/steps" 2>&1 | tr '\n' ' ')
$(cat "$scratch/$1.x.driver" "$x"/*.out "$x/stderr" 2>/dev/null | head -20)"
	fi
}

# same_output NAME DESC [FILES]: the container's output as runc's.
same_output() {
	r=$scratch/$1.runc.out x=$scratch/$1.x.out
	files=${3:-stdout stderr}
	bad=""
	for f in $files; do
		cmp -s "$r/$f" "$x/$f" || bad="$bad $f"
	done
	if [ -z "$bad" ] && [ -s "$r/${files%% *}" ]; then
		ok "$2"
	else
		not_ok "$2" "differs:$bad
$(for f in $files; do diff "$r/$f" "$x/$f"; done 2>&1 | head -30)"
	fi
}

# The probe: what a Docker container sees, in words runc and xlibos share
# (after a second, in which the shim's state sees it running).
probe='sleep 1; echo out; echo err >&2; id; hostname; cat /etc/hostname; pwd
env | sort
grep -E "^(CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs|Seccomp):" /proc/self/status
cat /proc/sys/net/ipv4/ping_group_range /proc/sys/net/ipv4/ip_unprivileged_port_start
wc -c </proc/kcore; ls /sys/firmware | wc -l; cat /proc/sys/kernel/hostname
touch /sys/x 2>/dev/null && echo sys writable; echo 1 2>/dev/null >/proc/sys/kernel/domainname && echo proc/sys writable
touch /dev/shm/x && echo shm writable; touch /x && echo rootfs writable; touch /dev/mqueue/x 2>/dev/null; ls /dev/mqueue
cat /etc/hosts /etc/resolv.conf; ls -ld /dev/pts /dev/shm /dev/mqueue /tmp | cut -c1-10
for d in null zero full random urandom tty; do [ -c /dev/$d ] && echo /dev/$d; done
exit 3'

# --- Docker: `docker run --rm IMAGE CMD` -------------------------------------
bundle docker docker --seccomp-profile "$profile" -- sh -c "$probe"
shim run docker "$docker_root"
same_steps docker "Docker's config.json, the shim's create/state/start/state/wait/state/delete"
same_output docker "Docker's config.json: the container's stdout and stderr as runc's (ids, hostname, env, capabilities, seccomp, sysctls, masked and read-only paths, mounts, devices)"
x=$scratch/docker.x.out
grep -qx 'Seccomp:	2' "$x/stdout" && ok "Docker's default seccomp profile is in force (Seccomp: 2)" ||
	not_ok "Docker's default seccomp profile is in force"

# The pid file, as go-runc's ReadPidFile reads it: strconv.Atoi of the whole file.
pidtext=$(cat "$x/pidfile" 2>/dev/null)
if printf '%s' "$pidtext" | grep -qx '[1-9][0-9]*' && [ "$(wc -c <"$x/pidfile")" -eq "${#pidtext}" ]; then
	ok "the pid file is a bare decimal pid, no newline ($pidtext)"
else
	not_ok "the pid file is a bare decimal pid" "$(od -c "$x/pidfile" 2>&1 | head -3)"
fi

# state, as go-runc's Container: id, pid, status, bundle, rootfs, created
# (time.Time: RFC 3339), annotations (map of strings); statuses as runc's.
python3 - "$scratch/docker.runc.out" "$x" "$cid" "$scratch/docker.x" "$pidtext" >"$out" 2>&1 <<'EOF'
import json, re, sys
r, x, cid, bundle, pid = sys.argv[1:]
rfc3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?(Z|[+-]\d\d:\d\d)$")
ok = True
for name in ("state-created", "state-running", "state-stopped"):
    s = json.load(open("%s/%s.json" % (x, name)))
    rs = json.load(open("%s/%s.json" % (r, name)))
    want = name.split("-")[1]
    checks = [s.get("id") == cid, isinstance(s.get("pid"), int), s.get("status") == want,
              s.get("status") == rs.get("status"), s.get("bundle") == bundle,
              isinstance(s.get("rootfs"), str), rfc3339.match(s.get("created", "")),
              s.get("annotations") is None or (isinstance(s["annotations"], dict) and
              all(isinstance(v, str) for v in s["annotations"].values()))]
    if name != "state-stopped":
        checks.append(s.get("pid") == int(pid))
    else:
        checks.append(s.get("pid") == rs.get("pid"))
    if not all(checks):
        ok = False
        print(name, checks, s, rs)
sys.exit(0 if ok else 1)
EOF
if [ $? -eq 0 ]; then
	ok "state: id, the pid file's pid, status created/running/stopped as runc's, bundle, rootfs, RFC 3339 created, string annotations"
else
	not_ok "state, as go-runc's Container reads it"
fi

# process.oomScoreAdj: the host's OOM killer sees the container's value, not
# the shim's that runc and the runtime inherit (containerd.service's -999,
# plus one; here 300: going below 0 needs CAP_SYS_RESOURCE, which this
# machine's root lacks): 0 as Docker always sets, 500 for --oom-score-adj 500.
bundle oom docker --seccomp-profile "$profile" -- true
python3 - "$scratch/oom.runc/config.json" "$scratch/oom.x/config.json" <<'EOF'
import json, sys
for path in sys.argv[1:]:
    c = json.load(open(path))
    c["process"]["oomScoreAdj"] = 500
    json.dump(c, open(path, "w"))
EOF
shim run oom "$docker_root" --oom-score-adj 300
cp -r "$scratch/docker.runc" "$scratch/oom0.runc" && cp -r "$scratch/docker.x" "$scratch/oom0.x"
shim run oom0 "$docker_root" --oom-score-adj 300
got="$(cat "$scratch/oom0.runc.out/oom_score_adj" "$scratch/oom0.x.out/oom_score_adj" \
	"$scratch/oom.runc.out/oom_score_adj" "$scratch/oom.x.out/oom_score_adj" 2>&1 | tr '\n' ' ')"
[ "$got" = "0 0 500 500 " ] &&
	ok "process.oomScoreAdj 0 and 500 under a shim at 300: the pid's oom_score_adj on the host, as runc's" ||
	not_ok "process.oomScoreAdj: the pid's oom_score_adj on the host (runc 0, xlibos 0, runc 500, xlibos 500)" "$got"

# --log FILE --log-format json: containerd's getLastRuntimeError decodes it
# entry by entry (level, msg, time as Go's time.Time: RFC 3339).
logcheck() {
	python3 - "$1" >"$out" 2>&1 <<'EOF'
import json, re, sys
rfc3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?(Z|[+-]\d\d:\d\d)$")
lines = open(sys.argv[1]).read().splitlines()
for line in lines:
    e = json.loads(line)
    assert isinstance(e, dict) and isinstance(e.get("msg"), str), line
    assert e.get("level") in ("debug", "info", "warning", "error", "fatal"), line
    assert rfc3339.match(e.get("time", "")), line
print(len(lines))
EOF
}
if logcheck "$scratch/docker.x/log.json"; then
	ok "--log --log-format json: $(cat "$out") lines, each a JSON object with level, msg and an RFC 3339 time"
else
	not_ok "--log --log-format json: JSON lines as the shim decodes them"
fi

# Docker on a systemd host (Debian 12: cgroup v2, systemd): --systemd-cgroup
# and a "slice:prefix:name" cgroupsPath.  runc needs systemd for it: compared
# with runc's cgroupfs run of the same container.
bundle dsysd docker-systemd --seccomp-profile "$profile" -- sh -c "$probe"
shim run dsysd "$docker_root" --systemd-cgroup
if cmp -s "$scratch/dsysd.x.out/stdout" "$scratch/docker.runc.out/stdout" &&
   cmp -s "$scratch/dsysd.x.out/steps" "$scratch/docker.runc.out/steps"; then
	ok "--systemd-cgroup and cgroupsPath system.slice:docker:ID: the same steps and output"
else
	not_ok "--systemd-cgroup and cgroupsPath system.slice:docker:ID" "$(cat "$scratch/dsysd.x.out/steps" "$scratch/dsysd.x.out/stderr" 2>&1)"
fi

# docker run -i -e -w -u -v -v:ro --read-only: stdin through the shim's pipe.
mkdir -p "$scratch/vol" "$scratch/volro"
echo "from the host" >"$scratch/volro/f"
printf 'line one\nline two\n' >"$scratch/stdin"
bundle opts docker --seccomp-profile "$profile" --readonly --env FOO=bar --cwd /tmp \
	--user 65534:65534 --bind "$scratch/vol:/vol" --bind "$scratch/volro:/ro:ro" -- \
	sh -c 'read a; read b; echo "got $a, $b"; id; pwd; echo "FOO=$FOO"; grep -E "^Cap(Prm|Eff|Bnd):" /proc/self/status
touch /x 2>/dev/null || echo rootfs read-only; touch /etc/x 2>/dev/null || echo etc read-only
cat /ro/f; touch /ro/y 2>/dev/null || echo ro volume read-only; echo written >/vol/f && echo vol writable; exit 0'
shim run opts "$docker_root" --stdin "$scratch/stdin"
same_steps opts "docker run -i -e -w -u 65534 -v -v:ro --read-only"
same_output opts "docker run -i -e -w -u 65534 -v -v:ro --read-only: stdin, env, cwd, user, capabilities, read-only root, volumes as runc's"

# docker stop: kill ID 15 (a number), 1 s, kill ID 9; then the kills the
# shim may issue once the process is gone.  sh as PID 1 ignores TERM.
bundle stop docker --seccomp-profile "$profile" -- sh -c 'echo started; while :; do sleep 1; done'
shim stop stop "$docker_root"
same_steps stop "docker stop, no TERM handler: kill 15 (ignored by PID 1), kill 9, exit 137, kill after the exit"
grep -q "container not running" "$scratch/stop.x.out/kill-9-stopped.out" &&
	ok "kill of a stopped container: 'container not running' (the shim's checkKillError: already finished)" ||
	not_ok "kill of a stopped container: the words the shim matches" "$(cat "$scratch/stop.x.out/kill-9-stopped.out")"
bundle stoptrap docker --seccomp-profile "$profile" -- sh -c "trap 'echo TERM; exit 9' TERM; echo started; while :; do sleep 1; done"
shim stop stoptrap "$docker_root"
same_steps stoptrap "docker stop with a TERM handler"
same_output stoptrap "docker stop with a TERM handler: the handler's output as runc's" stdout

# docker exec: the container's process with args, env, cwd replaced (daemon/exec.go).
bundle exec docker --seccomp-profile "$profile" -- sh -c 'echo started; exec sleep 60'
for rt in runc x; do
	python3 - "$scratch/exec.$rt/config.json" "$scratch/exec.$rt.process" <<'EOF'
import json, sys
p = json.load(open(sys.argv[1]))["process"]
p["args"] = ["sh", "-c", "echo exec out; echo exec err >&2; pwd; echo $FOO; id -u; exit 7"]
p["env"] = p["env"] + ["FOO=exec"]
p["cwd"] = "/tmp"
p["terminal"] = False
json.dump(p, open(sys.argv[2], "w"))
EOF
done
for rt in runc x; do
	timeout 180 python3 "$here/shim_sequence.py" exec "$( [ $rt = x ] && echo "$runtime" || echo "$runc")" \
		"$docker_root.$rt" "$scratch/exec.$rt" "$cid" "$scratch/exec.$rt.out" \
		--exec-process "$scratch/exec.$rt.process" >"$scratch/exec.$rt.driver" 2>&1
done
same_steps exec "docker exec: exec --process F --detach --pid-file, its pid's exit status, ps, kill 9"
same_output exec "docker exec: the exec'd command's stdout and stderr as runc's" "exec.stdout exec.stderr"
if python3 -c 'import json,sys; p=json.load(open(sys.argv[1])); sys.exit(not (isinstance(p, list) and all(isinstance(i, int) for i in p) and int(sys.argv[2]) in p))' \
	"$scratch/exec.x.out/ps.json" "$(cat "$scratch/exec.x.out/pidfile")" 2>"$out"; then
	ok "ps --format json: a JSON array of pids with the container's (go-runc Ps, docker top)"
else
	not_ok "ps --format json: a JSON array of pids" "$(cat "$scratch/exec.x.out/ps.json")"
fi

# docker exec -t: the same, process.terminal, --console-socket before --detach.
for rt in runc x; do
	python3 - "$scratch/exec.$rt/config.json" "$scratch/exec.$rt.process" <<'EOF'
import json, sys
p = json.load(open(sys.argv[1]))["process"]
p["args"] = ["sh", "-c", "[ -t 0 ] && [ -t 1 ] && echo exec on a terminal; echo $TERM; exit 5"]
p["env"] = p["env"] + ["TERM=xterm"]
p["terminal"] = True
json.dump(p, open(sys.argv[2], "w"))
EOF
	rm -rf "$scratch/exec.$rt.out"
	timeout 180 python3 "$here/shim_sequence.py" exec "$( [ $rt = x ] && echo "$runtime" || echo "$runc")" \
		"$docker_root.$rt" "$scratch/exec.$rt" "$cid" "$scratch/exec.$rt.out" \
		--exec-process "$scratch/exec.$rt.process" --exec-tty >"$scratch/exec.$rt.driver" 2>&1
done
same_steps exec "docker exec -t: exec --process F --console-socket S --detach --pid-file, the pty master received"
same_output exec "docker exec -t: the terminal's output as runc's" exec.stdout

# --- What Docker sets that xlibos refuses, by name ---------------------------
# refused NAME DESC MESSAGE: create fails (exit 1), what the shim would
# report (the log's last error) names it, nothing was started.
refused() {
	x=$scratch/$1.x.out
	if grep -qx 'create 1' "$x/steps" && grep -qF -- "$3" "$x/runtime-error" &&
	   [ ! -e "$scratch/$1.x/init.pid" ] && [ ! -e "$docker_root.x/$cid" ]; then
		ok "$2: refused: 'OCI runtime create failed: $(cut -c1-100 "$x/runtime-error")'"
	else
		not_ok "$2: refused by name" "$(cat "$x/steps" "$x/runtime-error" 2>&1)"
	fi
}
# Docker's libnetwork-setkey prestart hook (daemon/oci_linux.go
# WithLibnetwork), in every container with a network, --network none
# included: dockerd's own binary, which hands /proc/PID/ns/net (PID from
# the state on stdin) to libnetwork.  A script stands in for it (at
# dockerd's /proc/PID/exe there is no dockerd here): it records its
# arguments, what the state says and whether the pid's network namespace
# is a new one; adding no interface, as with --network none.
# tests/oci/hooks.sh has one that moves a veth in, as the bridge network.
setkey=$scratch/libnetwork-setkey
cat >"$setkey" <<'EOF'
#!/bin/sh
python3 -c '
import json, os, sys
s = json.load(sys.stdin)
new = os.stat("/proc/self/ns/net").st_ino != os.stat("/proc/%d/ns/net" % s["pid"]).st_ino
open(os.path.join(s["bundle"], "setkey.out"), "w").write("%s id=%s %s new-netns=%s\n" % (
    " ".join(sys.argv[2:]), s["id"] == sys.argv[3], s["status"], new))
' "$0" "$@"
EOF
chmod 755 "$setkey"
bundle net docker-net --seccomp-profile "$profile" -- sh -c 'ls /sys/class/net'
for rt in runc x; do
	python3 - "$scratch/net.$rt/config.json" "$setkey" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1]))
c["hooks"]["prestart"][0]["path"] = sys.argv[2]
json.dump(c, open(sys.argv[1], "w"))
EOF
done
shim run net "$docker_root"
same_steps net "Docker's bridge network (prestart hook libnetwork-setkey): the shim's sequence"
same_output net "Docker's bridge network: the container's output (only lo: the stand-in adds nothing) as runc's"
if [ -s "$scratch/net.x/setkey.out" ] && cmp -s "$scratch/net.runc/setkey.out" "$scratch/net.x/setkey.out" &&
   grep -q " id=True creating new-netns=True" "$scratch/net.x/setkey.out"; then
	ok "libnetwork-setkey's arguments and state as runc's: $(cut -c1-50 "$scratch/net.x/setkey.out")..., status creating, /proc/PID/ns/net a new namespace"
else
	not_ok "libnetwork-setkey's arguments and state as runc's" "runc: $(cat "$scratch/net.runc/setkey.out" 2>&1)
xlibos: $(cat "$scratch/net.x/setkey.out" 2>&1)"
fi
# docker run --network host: Docker names the host's namespace
# (/var/run/docker/netns/default, daemon/oci_linux.go WithNamespaces).  The
# netns back end would take the host's interface over (its addresses
# stripped while the container runs, for good after a SIGKILL): refused.
# Here "the host" is a namespace of ours, with the runtime run inside it.
hostns=xdsh-$$
if ! command -v ip >/dev/null 2>&1 || ! ip netns add "$hostns" 2>/dev/null; then
	skip "docker run --network host: refused" "needs ip and network namespaces"
else
	ip link add "xds$$a" type veth peer name "xds$$b" &&
	ip link set "xds$$a" netns "$hostns" name eth0 &&
	ip -n "$hostns" addr add 10.199.89.2/24 dev eth0 && ip -n "$hostns" link set eth0 up
	bundle hostnet docker --seccomp-profile "$profile" -- true
	python3 - "$scratch/hostnet.x/config.json" "/run/netns/$hostns" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1]))
for ns in c["linux"]["namespaces"]:
    if ns["type"] == "network":
        ns["path"] = sys.argv[2]
json.dump(c, open(sys.argv[1], "w"))
EOF
	rm -rf "$scratch/hostnet.x.out"
	ip netns exec "$hostns" timeout 60 python3 "$here/shim_sequence.py" fail "$runtime" "$docker_root.x" \
		"$scratch/hostnet.x" "$cid" "$scratch/hostnet.x.out" >"$scratch/hostnet.x.driver" 2>&1
	refused hostnet "docker run --network host (the runtime's own namespace)" "is the host's network namespace: sharing the host's is not supported"
	ip -n "$hostns" -4 -o addr show eth0 | grep -q 10.199.89.2/24 &&
		ok "docker run --network host: the host's interface keeps its address" ||
		not_ok "docker run --network host: the host's interface keeps its address"
	ip netns del "$hostns"
fi
# docker run --blkio-weight 500
bundle blkio docker --seccomp-profile "$profile" -- true
python3 - "$scratch/blkio.x/config.json" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1]))
c["linux"]["resources"]["blockIO"]["weight"] = 500
json.dump(c, open(sys.argv[1], "w"))
EOF
shim fail blkio "$docker_root"
refused blkio "docker run --blkio-weight 500" "linux.resources.blockIO.weight: I/O weights are not supported"
# A bad bundle: the runtime's own message reaches the shim through the log.
bundle bad docker -- true
python3 - "$scratch/bad.x/config.json" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1]))
c["process"]["cwd"] = "relative"
json.dump(c, open(sys.argv[1], "w"))
EOF
shim fail bad "$docker_root"
refused bad "a relative process.cwd" "process.cwd: 'relative' is not an absolute path"
logcheck "$scratch/bad.x/log.json" && ok "--log-format json after a refusal: JSON lines" ||
	not_ok "--log-format json after a refusal: JSON lines" "$(cat "$scratch/bad.x/log.json")"
# AppArmor (Debian 12's Docker sets docker-default): accepted, and listed
# by features as not applied (the guest kernel has no AppArmor; the host
# side is the supervisor's own sandbox).
bundle aa docker --seccomp-profile "$profile" --apparmor -- sh -c 'echo ran'
shim run aa "$docker_root"
if grep -qx 'exit 0' "$scratch/aa.x.out/steps" && grep -qx ran "$scratch/aa.x.out/stdout" &&
   "$runtime" features | grep -q 'notApplied.*process.apparmorProfile'; then
	ok "process.apparmorProfile docker-default: accepted; features lists it as not applied"
else
	not_ok "process.apparmorProfile docker-default" "$(cat "$scratch/aa.x.out/steps" "$scratch/aa.x.out/stderr")"
fi

# --- docker run options, as daemon/oci_linux.go writes them ----------------
# variant NAME PYTHON-EDIT PROBE: NAME's bundles are docker's with the edit
# (on dict c), running PROBE.
variant() {
	bundle "$1" docker --seccomp-profile "$profile" -- sh -c "$3"
	for rt in runc x; do
		python3 - "$scratch/$1.$rt/config.json" <<EOF
import json, sys
c = json.load(open(sys.argv[1]))
$2
json.dump(c, open(sys.argv[1], "w"))
EOF
	done
}
# honoured: the same output as runc.  (Without --ulimit, runc's limits are
# its caller's, xlibos's the guest kernel's; ip_forward of a new namespace
# is the host's under runc: each is looked at only where the option sets it.)
caps='grep -E "^(CapPrm|CapEff|CapBnd|NoNewPrivs):" /proc/self/status'
variant ulimit "c['process']['rlimits'] = [{'type': 'RLIMIT_NOFILE', 'hard': 2048, 'soft': 1024}]" 'ulimit -n; ulimit -Hn'
variant caps "c['process']['capabilities'] = {k: ['CAP_NET_BIND_SERVICE'] for k in ('bounding', 'effective', 'permitted')}" "$caps"
variant nnp "c['process']['noNewPrivileges'] = True" "$caps"
variant sysctl "c['linux']['sysctl']['net.ipv4.ip_forward'] = '1'" 'cat /proc/sys/net/ipv4/ip_forward'
variant tmpfs "c['mounts'].append({'destination': '/run', 'type': 'tmpfs', 'source': 'tmpfs', 'options': ['noexec', 'nosuid', 'nodev', 'rprivate', 'size=1m']})" \
	'df -k /run | awk "NR==2 {print \$2}"; touch /run/x && echo run writable; cp /bin/busybox /run/b && /run/b true 2>/dev/null || echo run noexec'
for v in ulimit:"--ulimit nofile=1024:2048" caps:"--cap-drop ALL --cap-add NET_BIND_SERVICE" \
	nnp:"--security-opt no-new-privileges" sysctl:"--sysctl net.ipv4.ip_forward=1" tmpfs:"--tmpfs /run:size=1m"; do
	shim run "${v%%:*}" "$docker_root"
	same_steps "${v%%:*}" "docker run ${v#*:}"
	same_output "${v%%:*}" "docker run ${v#*:}: the container's output as runc's"
done
variant limits "c['linux']['resources']['memory'].update({'limit': 67108864, 'swap': 134217728})
c['linux']['resources']['pids'] = {'limit': 100}
c['linux']['resources']['cpu'].update({'shares': 512, 'quota': 50000, 'period': 100000, 'cpus': '0'})" \
	'awk "/MemTotal/ {print (\$2 <= 65536) ? \"at most 64M\" : \"more than 64M\"}" /proc/meminfo'
shim run limits "$docker_root"
grep -qx 'at most 64M' "$scratch/limits.x.out/stdout" && grep -qx 'exit 0' "$scratch/limits.x.out/steps" &&
	ok "docker run --memory 64m --pids-limit 100 --cpus 0.5 --cpuset-cpus 0 --cpu-shares 512: accepted, guest memory at most 64M" ||
	not_ok "docker run --memory 64m --pids-limit 100 --cpus 0.5 --cpuset-cpus 0 --cpu-shares 512" "$(cat "$scratch/limits.x.out/steps" "$scratch/limits.x.out/stdout" "$scratch/limits.x.out/stderr")"
# refused by name: what xlibos cannot give a container.
variant device "c['linux']['devices'] = [{'path': '/dev/xnull', 'type': 'c', 'major': 1, 'minor': 3, 'fileMode': 8630, 'uid': 0, 'gid': 0}]
c['linux']['resources']['devices'].append({'allow': True, 'type': 'c', 'major': 1, 'minor': 3, 'access': 'rwm'})" true
shim fail device "$docker_root"
refused device "docker run --device /dev/null:/dev/xnull (and --privileged's host devices)" "linux.devices: host devices are not supported"
variant ipchost "c['linux']['namespaces'] = [n for n in c['linux']['namespaces'] if n['type'] != 'ipc']" true
shim fail ipchost "$docker_root"
refused ipchost "docker run --ipc host" "no ipc namespace: sharing the host's is not supported"
variant pidhost "c['linux']['namespaces'] = [n for n in c['linux']['namespaces'] if n['type'] != 'pid']" true
shim fail pidhost "$docker_root"
refused pidhost "docker run --pid host" "no pid namespace: sharing the host's is not supported"
variant userns "c['linux']['namespaces'].append({'type': 'user'})
c['linux']['uidMappings'] = [{'containerID': 0, 'hostID': 100000, 'size': 65536}]
c['linux']['gidMappings'] = [{'containerID': 0, 'hostID': 100000, 'size': 65536}]" true
shim fail userns "$docker_root"
refused userns "dockerd --userns-remap" "user namespaces are not supported"

# --- containerd: `ctr run --rm --runc-binary xlibos-runtime IMAGE ID CMD` ----
ctr_probe='echo out; echo err >&2; id; hostname; pwd; env | sort
grep -E "^(CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs|Seccomp):" /proc/self/status
ulimit -n; ulimit -Hn; wc -c </proc/kcore; touch /run/x && echo run writable
touch /sys/x 2>/dev/null && echo sys writable; ls -ld /run /dev/shm | cut -c1-10; exit 4'
bundle ctr containerd -- sh -c "$ctr_probe"
shim run ctr "$ctr_root"
same_steps ctr "containerd's config.json (root \"rootfs\" in the bundle), the shim's sequence"
same_output ctr "containerd's config.json: stdout and stderr as runc's (rlimits, noNewPrivileges, /run, capabilities, the host's hostname)"
bundle ctrro containerd --readonly --tty -- sh -c 'echo out; tty; [ -t 0 ] && echo stdin is a tty; touch /x 2>/dev/null || echo read-only; echo "TERM=$TERM"; exit 6'
shim run ctrro "$ctr_root" --tty
same_steps ctrro "ctr run -t --read-only: --console-socket, the pty master received, create's output ended"
same_output ctrro "ctr run -t --read-only: the terminal's output as runc's" stdout

# dockerd with default-runtime xlibos: docker info/version run RUNTIME
# --version and take the text around "version" (daemon/info_unix.go
# parseRuntimeVersion).
ver=$("$runtime" --version 2>&1 | grep -m1 version)
[ -n "${ver#*version}" ] && [ -n "$(echo "${ver%%version*}" | tr -d ' ')" ] &&
	ok "--version: '$ver' (dockerd's parseRuntimeVersion: a name and a version)" ||
	not_ok "--version, as dockerd parses it" "$("$runtime" --version 2>&1)"
[ -d "$docker_root.x" ] && [ -d "$ctr_root.x" ] &&
	ok "--root and its missing parents are made, as runc's (/run/containerd/runc/NS, /run/docker/runtime-runc/moby)" ||
	not_ok "--root and its missing parents are made"
left=$(find "$docker_root.x" "$ctr_root.x" "$docker_root.runc" "$ctr_root.runc" -mindepth 1 2>&1)
[ -z "$left" ] && ok "nothing left under --root (xlibos's nor runc's)" || not_ok "nothing left under --root" "$left"
summary
