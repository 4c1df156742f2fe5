#!/bin/sh
# OCI hooks (runtime-spec config.md "POSIX-platform Hooks"), xlibos-runtime
# against runc on the same bundle: the order of prestart, createRuntime and
# poststop, the state each sees on stdin (status, id, bundle, pid = the pid
# file's), argv (argv[0] included), env and working directory; a failing
# prestart hook fails create with nothing left running (poststop still
# runs, as runc); a hook past its timeout is killed; poststart runs after
# start (runc 1.1 runs it in create: not compared).  Then Docker's
# libnetwork-setkey, played by a shell script: it moves one end of a veth
# pair the test made in a namespace of its own into /proc/PID/ns/net, gives
# it 10.199.N.2/24 and a default route; the container must see that
# address on eth0 and fetch a file from a server on 10.199.N.1 in the
# test's namespace, as under runc.  Hostile hooks: relative, missing, not
# executable, never ending, leaving a child on its output.
# usage: hooks.sh path/to/xlibos-runtime [path/to/rootfs]
set -u
# shellcheck source-path=SCRIPTDIR source=suite_init.sh
. "$(dirname "$0")/suite_init.sh"

skip_all() { skip_suite "OCI hooks" "$1"; }
command -v python3 >/dev/null 2>&1 || skip_all "python3 is needed"
runc=$(command -v runc || echo /usr/sbin/runc)
[ -x "$runc" ] || skip_all "runc is not installed (scripts/install-deps.sh)"
[ "$(id -u)" -eq 0 ] || skip_all "needs root (runc, network namespaces)"
[ -d "$rootfs/bin" ] || skip_all "no rootfs at $rootfs (make rootfs)"

export XLIBOS_CACHE_DIR="$scratch/cache"
netns=xlhk-$$
servers=""
cleanup() {
	for id in $(ls "$scratch/root.runc" 2>/dev/null); do "$runc" --root "$scratch/root.runc" delete --force "$id"; done
	for id in $(ls "$scratch/root.x" 2>/dev/null); do "$runtime" --root "$scratch/root.x" delete --force "$id"; done
	for p in $servers; do kill "$p"; done
	for f in "$scratch"/*.leftover; do [ -f "$f" ] && kill -9 "$(cat "$f")"; done
	ip netns del "$netns"
	ip netns del "$netns-p"
	rm -rf "$scratch"
} >/dev/null 2>&1
trap cleanup EXIT
trap 'exit 1' INT TERM

# RT ARGS: R runc ... or R x ... (suite_init.sh's rt_cmd)
R() { rt_cmd "$@"; }
alive() { st=$(ps -o stat= -p "$1" 2>/dev/null | cut -c1); [ -n "$st" ] && [ "$st" != Z ]; }
# wait_stopped RT ID: the container's command has ended (at most 20 s).
wait_stopped() {
	i=0
	while [ $i -lt 200 ] && R "$1" state "$2" 2>/dev/null | grep -q '"status": *"\(running\|created\)"'; do
		sleep 0.1
		i=$((i + 1))
	done
}

# The hook: records its argv (from /proc: argv[0] too), env, cwd and stdin
# as $LOGDIR/SEQ.NAME.{argv,env,cwd,json}; exits with $HOOK_RC if set.
hook=$scratch/hook.sh
cat >"$hook" <<'EOF'
#!/bin/sh
name=$1 dir=$2
n=$(ls "$dir" | grep -c '\.json$')
n=$(printf '%02d' "$n")
cat >"$dir/$n.$name.json"
tr '\0' '\n' </proc/$$/cmdline >"$dir/$n.$name.argv"
env | grep -v -e '^PWD=' -e '^SHLVL=' -e '^_=' | sort >"$dir/$n.$name.env"
pwd >"$dir/$n.$name.cwd"
[ -n "${HOOK_OUT:-}" ] && echo "$HOOK_OUT"
exit "${HOOK_RC:-0}"
EOF
chmod 755 "$hook"

# bundle NAME RT PYTHON-EDIT: $scratch/NAME.RT/config.json from `spec`,
# root the rootfs (read-only), the edit applied (dict c; h(name, dir, rc)
# makes a hook entry; L the log directory of this runtime).
mkdir -p "$scratch/specdir"
"$runtime" spec --bundle "$scratch/specdir" || skip_all "xlibos-runtime spec failed"
bundle() {
	name=$1 rt=$2 edit=$3
	b=$scratch/$name.$rt
	rm -rf "$b" "$b.log"
	mkdir -p "$b" "$b.log"
	python3 - "$scratch/specdir/config.json" "$b" "$rootfs" "$hook" "$b.log" <<EOF
import json, sys
c = json.load(open(sys.argv[1]))
b, rootfs, hook, L = sys.argv[2:6]
c["root"] = {"path": rootfs, "readonly": True}
c["process"]["terminal"] = False
c["process"]["args"] = ["true"]
def h(name, env=None, timeout=None):
    e = {"path": "/bin/sh", "args": ["hook-" + name, "-c", open(hook).read(), hook, name, L],
         "env": env if env is not None else ["A=1", "B=two words", "PATH=/usr/bin:/bin"]}
    if timeout is not None:
        e["timeout"] = timeout
    return e
$edit
json.dump(c, open(b + "/config.json", "w"))
EOF
}

# summarize RT NAME PIDFILE: one line per hook call, pids as "the pid
# file's" / "none" / "other", into $scratch/NAME.RT.sum.
summarize() {
	python3 - "$scratch/$2.$1.log" "$3" "$scratch/$2.$1" >"$scratch/$2.$1.sum" <<'EOF'
import json, os, sys
d, pidfile, bundle = sys.argv[1:4]
pid = open(pidfile).read().strip() if os.path.exists(pidfile) else "?"
for f in sorted(x for x in os.listdir(d) if x.endswith(".json")):
    base = f[:-5]
    s = json.load(open(os.path.join(d, f)))
    p = s.get("pid", 0)
    rel = "none" if not p else ("pidfile" if str(p) == pid else "other:%s" % p)
    argv = open(os.path.join(d, base + ".argv")).read().split("\n")
    if len(argv) > 2:
        argv[2] = "SCRIPT"
    print(base.split(".", 1)[1], "status=%s" % s.get("status"), "id=%s" % s.get("id"),
          "bundle=%s" % ("ok" if s.get("bundle") == bundle else s.get("bundle")), "pid=%s" % rel,
          "annotations=%s" % json.dumps(s.get("annotations", {}), sort_keys=True),
          "argv0=%s" % argv[0], "args=%s" % "|".join(argv[1:]).replace(d, "LOG").rstrip("|"),
          "env=%s" % open(os.path.join(d, base + ".env")).read().replace("\n", ";"),
          "cwd=%s" % ("bundle" if open(os.path.join(d, base + ".cwd")).read().strip() == bundle else "other"))
EOF
}

# same_sum NAME DESC: the hook calls as runc's.
same_sum() {
	if [ -s "$scratch/$1.runc.sum" ] && cmp -s "$scratch/$1.runc.sum" "$scratch/$1.x.sum"; then
		ok "$2: $(cut -d' ' -f1-2 "$scratch/$1.x.sum" | tr '\n' ',' | sed 's/,$//'), as runc"
	else
		not_ok "$2: as runc" "$(diff "$scratch/$1.runc.sum" "$scratch/$1.x.sum" 2>&1 | head -20)"
	fi
}

# --- The lifecycle: prestart x2, createRuntime, poststop --------------------
for rt in runc x; do
	bundle life $rt "c['annotations'] = {'org.example': 'v'}
c['hooks'] = {'prestart': [h('prestart1'), h('prestart2')], 'createRuntime': [h('createRuntime')],
              'poststop': [h('poststop')]}"
	b=$scratch/life.$rt
	R $rt create --bundle "$b" --pid-file "$b.pid" life >"$b.create" 2>&1 </dev/null
	echo $? >"$b.rc"
	R $rt start life >/dev/null 2>&1
	wait_stopped $rt life
	R $rt delete life >"$b.delete" 2>&1
	summarize $rt life "$b.pid"
done
if [ "$(cat "$scratch/life.runc.rc") $(cat "$scratch/life.x.rc")" = "0 0" ]; then
	ok "create with hooks: exit 0, as runc"
else
	not_ok "create with hooks: exit 0" "$(cat "$scratch/life.x.create")"
fi
same_sum life "hook order and the state, argv, env and cwd each sees"
if grep -q '^prestart1 status=creating id=life bundle=ok pid=pidfile .*argv0=hook-prestart1 .*env=A=1;B=two words;PATH=/usr/bin:/bin; cwd=bundle$' "$scratch/life.x.sum" &&
   grep -q '^poststop status=stopped id=life bundle=ok pid=none' "$scratch/life.x.sum"; then
	ok "prestart: status creating, pid = the pid file's, argv[0], env exactly, cwd the bundle; poststop: stopped"
else
	not_ok "prestart and poststop states" "$(cat "$scratch/life.x.sum")"
fi

# --- A failing prestart hook: create fails, nothing left, poststop runs ----
for rt in runc x; do
	bundle fail $rt "bad = h('prestart-fails', env=['HOOK_RC=3', 'HOOK_OUT=boom'])
c['hooks'] = {'prestart': [h('prestart1'), bad], 'createRuntime': [h('createRuntime')],
              'poststop': [h('poststop')]}"
	b=$scratch/fail.$rt
	R $rt create --bundle "$b" --pid-file "$b.pid" fail >"$b.create" 2>&1 </dev/null
	echo $? >"$b.rc"
	# The pid the hooks were told: the container's process, which must be gone.
	python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["pid"])' \
		"$b.log/00.prestart1.json" >"$b.held" 2>/dev/null
	summarize $rt fail "$b.held"
done
b=$scratch/fail.x
if [ "$(cat "$scratch/fail.runc.rc")" -ne 0 ] && [ "$(cat "$b.rc")" -eq 1 ] &&
   grep -q "^xlibos-runtime: prestart hook /bin/sh (hooks.prestart\[1\]): exited with status 3; its output: boom$" "$b.create"; then
	ok "a failing prestart hook fails create, named: '$(head -1 "$b.create")'"
else
	not_ok "a failing prestart hook fails create, named" "exit $(cat "$b.rc"); $(cat "$b.create")"
fi
held=$(cat "$b.held" 2>/dev/null)
if [ -n "$held" ] && ! alive "$held" && [ ! -e "$b.pid" ] && [ ! -e "$scratch/root.x/fail" ] &&
   ! pgrep -f -- "$b" >/dev/null; then
	ok "after it: no process (pid $held gone), no pid file, no state"
else
	not_ok "after it: nothing left" "held pid $held; $(ls "$scratch/root.x" "$b.pid" 2>&1)"
fi
same_sum fail "the hooks that ran"

# --- A hook past its timeout -------------------------------------------------
for rt in runc x; do
	bundle slow $rt "c['hooks'] = {'prestart': [{'path': '/bin/sh', 'args': ['sh', '-c', 'echo \$\$ >' + b + '.leftover; exec sleep 60'], 'timeout': 1}]}"
	b=$scratch/slow.$rt
	R $rt create --bundle "$b" --pid-file "$b.pid" slow >"$b.create" 2>&1 </dev/null
	echo $? >"$b.rc"
done
b=$scratch/slow.x
if [ "$(cat "$scratch/slow.runc.rc")" -ne 0 ] && [ "$(cat "$b.rc")" -eq 1 ] &&
   grep -q "^xlibos-runtime: prestart hook /bin/sh (hooks.prestart\[0\]): still running after its timeout of 1 s: killed" "$b.create" &&
   ! alive "$(cat "$b.leftover")" && [ ! -e "$scratch/root.x/slow" ]; then
	ok "a hook past its timeout is killed and fails create, as runc: '$(head -1 "$b.create")'"
else
	not_ok "a hook past its timeout" "exit $(cat "$b.rc"); $(cat "$b.create")"
fi

# --- poststart after start (runc 1.1.5 runs it in create: not compared) ------
bundle post x "c['process']['args'] = ['sleep', '1']
c['hooks'] = {'poststart': [h('poststart'), h('poststart-fails', env=['HOOK_RC=4']), h('poststart2')],
              'poststop': [h('poststop-fails', env=['HOOK_RC=5']), h('poststop2')]}"
b=$scratch/post.x
R x create --bundle "$b" --pid-file "$b.pid" post >"$b.create" 2>&1 </dev/null
n_create=$(ls "$b.log" | grep -c '\.json$')
R x start post >"$b.start" 2>&1
start_rc=$?
wait_stopped x post
R x delete post >"$b.delete" 2>&1
delete_rc=$?
summarize x post "$b.pid"
if [ "$n_create" -eq 0 ] && [ $start_rc -eq 0 ] &&
   grep -q '^poststart status=running id=post bundle=ok pid=pidfile' "$scratch/post.x.sum" &&
   grep -q '^poststart2 status=running' "$scratch/post.x.sum" &&
   grep -q "^xlibos-runtime: warning: poststart hook /bin/sh (hooks.poststart\[1\]): exited with status 4" "$b.start"; then
	ok "poststart: after start, status running, pid the pid file's; a failing one is a warning, the next still runs"
else
	not_ok "poststart after start" "run in create: $n_create; start: $start_rc $(cat "$b.start"); $(cut -c1-80 "$scratch/post.x.sum")"
fi
if [ $delete_rc -eq 0 ] && grep -q '^poststop2 status=stopped' "$scratch/post.x.sum" &&
   grep -q "^xlibos-runtime: warning: poststop hook /bin/sh (hooks.poststop\[0\]): exited with status 5" "$b.delete" &&
   [ ! -e "$scratch/root.x/post" ]; then
	ok "poststop: a failing one is a warning, delete succeeds and the next still runs (runtime-spec; runc 1.1 stops at it)"
else
	not_ok "poststop failing" "delete: $delete_rc $(cat "$b.delete")"
fi

# --- Hostile hooks ----------------------------------------------------------
printf '#!/bin/sh\nexit 0\n' >"$scratch/noexec.sh"
chmod 644 "$scratch/noexec.sh"
# hostile DESC MESSAGE EDIT: create fails with MESSAGE, nothing left.
n=0
hostile() {
	n=$((n + 1))
	bundle "h$n" x "$3"
	b=$scratch/h$n.x
	timeout 60 "$runtime" --root "$scratch/root.x" create --bundle "$b" --pid-file "$b.pid" "h$n" >"$b.create" 2>&1 </dev/null
	rc=$?
	if [ $rc -eq 1 ] && grep -q "^xlibos-runtime: .*$2" "$b.create" &&
	   [ "$(grep -vc '^xlibos-runtime: ' "$b.create")" -eq 0 ] &&
	   [ ! -e "$b.pid" ] && [ ! -e "$scratch/root.x/h$n" ] && ! pgrep -f -- "$b" >/dev/null; then
		ok "$1: '$(head -1 "$b.create" | cut -c1-120)'"
	else
		not_ok "$1" "exit $rc; $(cat "$b.create")"
	fi
}
hostile "a relative hook path" "config.json: hooks.prestart\[0\].path: 'bin/true' is not an absolute path" \
	"c['hooks'] = {'prestart': [{'path': 'bin/true'}]}"
hostile "a relative poststop path (checked at create)" "hooks.poststop\[0\].path: 'true' is not an absolute path" \
	"c['hooks'] = {'poststop': [{'path': 'true'}]}"
hostile "a missing hook" "prestart hook /nonexistent/hook (hooks.prestart\[0\]): cannot run it: No such file or directory" \
	"c['hooks'] = {'prestart': [{'path': '/nonexistent/hook'}]}"
hostile "a hook that is not executable" "createRuntime hook $scratch/noexec.sh (hooks.createRuntime\[0\]): cannot run it: Permission denied" \
	"c['hooks'] = {'createRuntime': [{'path': '$scratch/noexec.sh'}]}"
hostile "a hook that is a directory" "cannot run it: Permission denied" \
	"c['hooks'] = {'prestart': [{'path': '/'}]}"
hostile "a hook that never exits (timeout 2)" "still running after its timeout of 2 s: killed" \
	"c['hooks'] = {'prestart': [{'path': '/bin/sh', 'args': ['sh', '-c', 'while :; do sleep 1; done'], 'timeout': 2}]}"
hostile "a hook killed by a signal" "killed by signal 9" \
	"c['hooks'] = {'prestart': [{'path': '/bin/sh', 'args': ['sh', '-c', 'kill -9 \$\$']}]}"
hostile "timeout 0" "hooks.prestart\[0\].timeout: must be" \
	"c['hooks'] = {'prestart': [{'path': '/bin/true', 'timeout': 0}]}"
hostile "args not strings" "hooks.prestart\[0\].args\[1\]: must be a string" \
	"c['hooks'] = {'prestart': [{'path': '/bin/true', 'args': ['true', 1]}]}"
hostile "an unknown hook field" "hooks.prestart\[0\].user: unknown or unsupported field" \
	"c['hooks'] = {'prestart': [{'path': '/bin/true', 'user': 'root'}]}"
hostile "an unknown hook list" "hooks.preboot: unknown or unsupported field" \
	"c['hooks'] = {'preboot': [{'path': '/bin/true'}]}"
hostile "createContainer (the guest's namespaces)" "hooks.createContainer: not supported" \
	"c['hooks'] = {'createContainer': [{'path': '/bin/true'}]}"
hostile "startContainer (the guest's namespaces)" "hooks.startContainer: not supported" \
	"c['hooks'] = {'startContainer': [{'path': '/bin/true'}]}"
hostile "a named network namespace that is not there, with a prestart hook" "cannot enter the network namespace /nonexistent/netns: No such file or directory" \
	"c['linux']['namespaces'] = [n for n in c['linux']['namespaces'] if n['type'] != 'network'] + [{'type': 'network', 'path': '/nonexistent/netns'}]
c['hooks'] = {'prestart': [{'path': '/bin/true'}]}"
hostile "a named network namespace that is a regular file, with a prestart hook" "cannot enter the network namespace $scratch/noexec.sh: Invalid argument" \
	"c['linux']['namespaces'] = [n for n in c['linux']['namespaces'] if n['type'] != 'network'] + [{'type': 'network', 'path': '$scratch/noexec.sh'}]
c['hooks'] = {'prestart': [{'path': '/bin/true'}]}"

# A hook that ends but leaves a child holding its output (runc waits for it): create returns.
bundle left x "c['hooks'] = {'prestart': [{'path': '/bin/sh', 'args': ['sh', '-c', 'sleep 60 & echo \$! >' + b + '.leftover; exit 0']}]}"
b=$scratch/left.x
timeout 30 "$runtime" --root "$scratch/root.x" create --bundle "$b" --pid-file "$b.pid" left >"$b.create" 2>&1 </dev/null
rc=$?
if [ $rc -eq 0 ] && [ -s "$b.pid" ]; then
	ok "a hook that leaves a child on its output: create does not wait for the child"
else
	not_ok "a hook that leaves a child on its output" "exit $rc; $(cat "$b.create")"
fi
"$runtime" --root "$scratch/root.x" delete --force left >/dev/null 2>&1
# A hook that does not read a 1 MB state (annotations) on its stdin.
bundle big x "c['annotations'] = {'big': 'x' * 1000000}
c['hooks'] = {'prestart': [{'path': '/bin/true'}]}"
b=$scratch/big.x
timeout 30 "$runtime" --root "$scratch/root.x" create --bundle "$b" --pid-file "$b.pid" big >"$b.create" 2>&1 </dev/null
rc=$?
[ $rc -eq 0 ] && ok "a hook that does not read a 1 MB state on stdin" ||
	not_ok "a hook that does not read a 1 MB state on stdin" "exit $rc; $(cat "$b.create")"
"$runtime" --root "$scratch/root.x" delete --force big >/dev/null 2>&1

# --- Docker's libnetwork-setkey, played by a shell script ------------------
# As dockerd: the veth pair exists before (here in the test's namespace,
# its end there 10.197.K.1/24 with a server); the hook moves the other end
# into /proc/PID/ns/net (PID from the state on stdin), names it eth0 and
# gives it 10.197.K.2/24 and a default route.
if ! command -v ip >/dev/null 2>&1 || ! command -v nsenter >/dev/null 2>&1 ||
   ! ip netns add "$netns" 2>/dev/null; then
	skip "Docker's libnetwork-setkey played by a hook" "needs ip, nsenter and network namespaces"
	summary
	exit 0
fi
ip -n "$netns" link set lo up
setkey=$scratch/setkey.sh
cat >"$setkey" <<'EOF'
#!/bin/sh
# libnetwork-setkey NETNS PEER SUBNET, the state on stdin.
state=$(cat)
pid=$(printf '%s' "$state" | sed -n 's/.*"pid": *\([0-9][0-9]*\).*/\1/p')
[ -n "$pid" ] && [ "$pid" -gt 0 ] || { echo "no pid in the state: $state"; exit 1; }
ip -n "$1" link set "$2" netns "$pid" || exit 1
nsenter --net="/proc/$pid/ns/net" sh -c "ip link set $2 name eth0 && ip addr add $3.2/24 dev eth0 &&
	ip link set eth0 up && ip route add default via $3.1" || exit 1
EOF
chmod 755 "$setkey"
mkdir -p "$scratch/www"
echo "a file from the test's namespace" >"$scratch/www/f"
k=0
for rt in runc x; do
	k=$((k + 1))
	sub=10.197.$k host_if=xk$k$$a peer=xk$k$$b
	ip -n "$netns" link add "$host_if" type veth peer name "$peer" &&
	ip -n "$netns" addr add "$sub.1/24" dev "$host_if" && ip -n "$netns" link set "$host_if" up
	(cd "$scratch/www" && exec ip netns exec "$netns" python3 -m http.server --bind "$sub.1" 8080) \
		>"$scratch/http.$rt.log" 2>&1 &
	servers="$servers $!"
	i=0
	while [ $i -lt 100 ] && ! ip netns exec "$netns" python3 -c \
		"import socket; socket.create_connection(('$sub.1', 8080), 1)" 2>/dev/null; do
		sleep 0.1
		i=$((i + 1))
	done
	NETCMD="ip -4 -o addr show dev eth0 | awk '{print \$4}'; ip route | grep default; ls /sys/class/net; wget -q -O - http://$sub.1:8080/f"
	export NETCMD
	bundle net $rt "import os
c['process']['args'] = ['sh', '-c', os.environ['NETCMD']]
c['hooks'] = {'prestart': [{'path': '$setkey', 'args': ['libnetwork-setkey', '$netns', '$peer', '$sub'], 'timeout': 20}]}"
	b=$scratch/net.$rt
	R $rt create --bundle "$b" --pid-file "$b.pid" net >"$b.out" 2>&1 </dev/null
	echo $? >"$b.rc"
	R $rt start net >/dev/null 2>&1
	wait_stopped $rt net
	R $rt delete net >/dev/null 2>&1
	sed "s/10\.197\.$k\./10.197.K./g" "$b.out" >"$b.norm"
	# a namespace's devices go in the kernel's cleanup_net work, after
	# its last process: up to 5 s
	i=0
	while [ $i -lt 50 ] && ip -n "$netns" link show "$host_if" >/dev/null 2>&1; do
		sleep 0.1
		i=$((i + 1))
	done
	ip -n "$netns" link show "$host_if" >/dev/null 2>&1 && echo left >"$b.left"
done
b=$scratch/net.x
if [ "$(cat "$scratch/net.runc.rc") $(cat "$b.rc")" = "0 0" ] && cmp -s "$scratch/net.runc.norm" "$b.norm" &&
   grep -qx "10.197.K.2/24" "$b.norm" && grep -qx "a file from the test's namespace" "$b.norm"; then
	ok "the hook's eth0 in the container: its address, default route, a file fetched from 10.197.K.1, as runc ($(tr '\n' ' ' <"$b.norm" | cut -c1-90))"
else
	not_ok "the hook's eth0 in the container, as runc" "runc: $(cat "$scratch/net.runc.norm")
xlibos: $(cat "$b.norm")"
fi
if [ ! -e "$scratch/net.runc.left" ] && [ ! -e "$b.left" ]; then
	ok "after delete the veth pair is gone with the container's namespace, as runc"
else
	not_ok "after delete the veth pair is gone" "runc left: $([ -e "$scratch/net.runc.left" ] && echo yes) xlibos left: $([ -e "$b.left" ] && echo yes)"
fi

# Docker's --network none: the hook runs and adds nothing: only lo.
for rt in runc x; do
	bundle none $rt "c['process']['args'] = ['sh', '-c', 'ls /sys/class/net']
c['hooks'] = {'prestart': [{'path': '/bin/sh', 'args': ['sh', '-c', 'cat >/dev/null']}]}"
	b=$scratch/none.$rt
	R $rt create --bundle "$b" --pid-file "$b.pid" none >"$b.out" 2>&1 </dev/null
	R $rt start none >/dev/null 2>&1
	wait_stopped $rt none
	R $rt delete none >/dev/null 2>&1
done
if [ "$(cat "$scratch/none.x.out")" = lo ] && cmp -s "$scratch/none.runc.out" "$scratch/none.x.out"; then
	ok "a prestart hook that adds no interface: only lo, as runc"
else
	not_ok "a prestart hook that adds no interface: only lo" "runc: $(cat "$scratch/none.runc.out"); xlibos: $(cat "$scratch/none.x.out")"
fi

# A namespace named in linux.namespaces (CNI-prepared) and a prestart hook:
# /proc/PID/ns/net is that namespace, as runc's.
nscheck=$scratch/nscheck.sh
cat >"$nscheck" <<'EOF'
#!/bin/sh
# nscheck NSPATH OUT: is the state's pid in NSPATH?
pid=$(sed -n 's/.*"pid": *\([0-9][0-9]*\).*/\1/p')
if [ "$(stat -L -c %i "/proc/$pid/ns/net")" = "$(stat -L -c %i "$1")" ]; then echo same >"$2"; else echo different >"$2"; fi
EOF
chmod 755 "$nscheck"
ip netns add "$netns-p" 2>/dev/null
ip -n "$netns" link add "xp$$a" type veth peer name "xp$$b" &&
ip -n "$netns" link set "xp$$b" netns "$netns-p" &&
ip -n "$netns-p" addr add 10.197.9.2/24 dev "xp$$b" && ip -n "$netns-p" link set "xp$$b" up
for rt in runc x; do
	bundle path $rt "for ns in c['linux']['namespaces']:
    if ns['type'] == 'network':
        ns['path'] = '/run/netns/$netns-p'
c['hooks'] = {'prestart': [{'path': '$nscheck', 'args': ['nscheck', '/run/netns/$netns-p', b + '.ns']}]}"
	b=$scratch/path.$rt
	R $rt create --bundle "$b" --pid-file "$b.pid" path >"$b.out" 2>&1 </dev/null
	R $rt delete --force path >/dev/null 2>&1
done
if [ "$(cat "$scratch/path.x.ns" 2>/dev/null)" = same ] && [ "$(cat "$scratch/path.runc.ns" 2>/dev/null)" = same ]; then
	ok "a named network namespace: the hook sees it as /proc/PID/ns/net, as runc"
else
	not_ok "a named network namespace: the hook sees it as /proc/PID/ns/net" "runc: $(cat "$scratch/path.runc.ns" 2>&1); xlibos: $(cat "$scratch/path.x.ns" 2>&1) $(cat "$scratch/path.x.out")"
fi
ip netns del "$netns-p" 2>/dev/null

summary
