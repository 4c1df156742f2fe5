#!/bin/sh
# xlibos-runtime exec, kill with any signal, terminal resizes and ps: the
# control channel (the supervisor's vsock device) and the guest agent.
# First called directly, as runc is (a bundle of the busybox rootfs):
# exec's stdio and status, --detach with a pid file, odd and hostile
# --process files (one clear error, nothing started), kill -s USR1 and
# --all, ps, exec into a stopped container.  Then through Debian's podman,
# each check compared with runc on the same image: podman exec (stdio,
# exit status, -e, -w, -u, stdin to EOF, a binary MiB each way, not
# found, -d, -t), podman exec -it and podman run -it in a tmux terminal
# that the test resizes (stty size inside, ^C interrupting sleep).
# usage: exec.sh path/to/xlibos-runtime [path/to/rootfs]
set -u
# shellcheck source-path=SCRIPTDIR source=suite_init.sh
. "$(dirname "$0")/suite_init.sh"

command -v python3 >/dev/null 2>&1 && [ -d "$rootfs/bin" ] ||
	skip_suite exec "needs python3 and a rootfs at $rootfs (make rootfs)"

state=$scratch/state
R() { "$runtime" --root "$state" --cache-dir "$scratch/cache" "$@"; }
# wait_for FILE TEXT: until FILE holds TEXT (bounded), true if it does.
wait_for() {
	i=0
	while [ $i -lt 100 ] && ! grep -q -- "$2" "$1" 2>/dev/null; do
		sleep 0.1
		i=$((i + 1))
	done
	grep -q -- "$2" "$1" 2>/dev/null
}
# Whatever happens, no container of ours outlives the suite.
end_containers() {
	tmux -L "xlibos-exec-$$" kill-server 2>/dev/null
	for dir in "$state"/*; do
		[ -d "$dir" ] && R delete --force "${dir##*/}" >/dev/null 2>&1
	done
}
trap 'end_containers; rm -rf "$scratch"' EXIT
# alive PID: a process that has not ended (a zombie has).
alive() { kill -0 "$1" 2>/dev/null && [ "$(ps -o stat= -p "$1" | cut -c1)" != Z ]; }

# --- directly: a bundle, created and started --------------------------------------
# (runc's spec: a read-only root with no tmpfs on /tmp, as under runc; /dev/shm is writable.)
b=$scratch/bundle
mkdir -p "$b"
R spec --bundle "$b"
python3 - "$b/config.json" "$rootfs" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1]))
c["root"]["path"] = sys.argv[2]
c["process"]["args"] = ["sh", "-c", "trap 'echo got USR1' USR1; trap 'echo got USR2' USR2; trap 'echo got TERM; exit 42' TERM; echo started; while :; do sleep 0.1; done"]
c["process"]["env"] = ["PATH=/usr/sbin:/usr/bin:/sbin:/bin", "FROM_CONFIG=yes"]
json.dump(c, open(sys.argv[1], "w"))
EOF
R create --bundle "$b" --pid-file "$scratch/c.pid" c </dev/null >"$scratch/c.out" 2>"$scratch/c.err"
R start c
sup=$(cat "$scratch/c.pid" 2>/dev/null)
if ! wait_for "$scratch/c.out" started; then
	not_ok "the container started" "$(cat "$scratch/c.out" "$scratch/c.err")"
	summary
	exit 1
fi

R exec c sh -c 'echo out; echo err >&2; echo "$FROM_CONFIG $PWD"; exit 3' >"$scratch/e.out" 2>"$scratch/e.err" </dev/null
rc=$?
if [ "$rc" -eq 3 ] && [ "$(cat "$scratch/e.out")" = "out
yes /" ] && [ "$(cat "$scratch/e.err")" = err ]; then
	ok "exec ID CMD: stdout, stderr apart, the container's environment, exit 3"
else
	not_ok "exec ID CMD" "exit $rc; out: $(cat "$scratch/e.out"); err: $(cat "$scratch/e.err")"
fi
r=$(printf 'one\ntwo\n' | R exec --cwd /etc --env A=b --user 1000:1000 c sh -c 'cat; echo "$A $(pwd) $(id -u):$(id -g)"; cat' 2>&1)
[ "$r" = "one
two
b /etc 1000:1000" ] && ok "exec --cwd --env --user, stdin to its end" || not_ok "exec --cwd --env --user, stdin" "$r"
expect "exec: killed by a signal is 128+N" 137 "" R exec c sh -c 'kill -9 $$'
expect "exec: a command that is not there: 127" 127 "not found" R exec c nosuchcommand
expect "exec --cwd a missing directory: 127, said" 127 "chdir to cwd (\"/nope\")" R exec --cwd /nope c true
head -c 1048576 /dev/urandom >"$scratch/blob"
r=$(R exec c sha256sum <"$scratch/blob" | cut -d' ' -f1)
[ "$r" = "$(sha256sum <"$scratch/blob" | cut -d' ' -f1)" ] && ok "exec: 1 MiB of binary stdin arrives whole" ||
	not_ok "exec: 1 MiB of binary stdin" "$r"
R exec c cat <"$scratch/blob" >"$scratch/blob.back"
cmp -s "$scratch/blob" "$scratch/blob.back" && ok "exec: 1 MiB of binary stdout back, whole" ||
	not_ok "exec: 1 MiB of binary stdout" "$(wc -c <"$scratch/blob.back") bytes"
r=$(timeout 20 "$runtime" --root "$state" exec c yes | head -c 4 | tr -d '\n')
[ "$r" = yy ] && ok "exec yes | head: our stdout closed early, the process gets SIGPIPE, exec ends" ||
	not_ok "exec yes | head: our stdout closed early" "got '$r'"

timeout 20 "$runtime" --root "$state" exec c sh -c 'echo out; echo err >&2; exit 4' <&- >&- 2>&-
rc=$?
[ "$rc" -eq 4 ] && ok "exec with stdin, stdout and stderr closed: exit 4, no hang" ||
	not_ok "exec with its stdio closed" "exit $rc"

# --detach: the proxy's pid in the file, the process's status as the proxy's.
R exec --detach --pid-file "$scratch/d.pid" c sh -c 'sleep 0.5; echo detached > /dev/shm/d; exit 7' </dev/null >"$scratch/d.out" 2>&1
rc=$?
dpid=$(cat "$scratch/d.pid" 2>/dev/null)
if [ "$rc" -eq 0 ] && [ -n "$dpid" ] && alive "$dpid"; then
	ok "exec --detach: exit 0 at once, the relay's pid in --pid-file and alive"
else
	not_ok "exec --detach" "exit $rc, pid '$dpid'; $(cat "$scratch/d.out")"
fi
i=0
while [ $i -lt 50 ] && [ -n "$dpid" ] && alive "$dpid"; do sleep 0.1; i=$((i + 1)); done
expect "exec --detach: the process ran" 0 "detached" R exec c cat /dev/shm/d
# A subreaper (as conmon is) reaps the relay: its exit status is the process's.
cat >"$scratch/subreaper.py" <<'EOF'
import ctypes, os, subprocess, sys
ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)	# PR_SET_CHILD_SUBREAPER
rc = subprocess.call(sys.argv[1:], stdin=subprocess.DEVNULL)
codes = []
while True:
    try:
        pid, st = os.wait()
    except ChildProcessError:
        break
    codes.append("exit %d" % os.WEXITSTATUS(st) if os.WIFEXITED(st) else "signal %d" % os.WTERMSIG(st))
print("runtime %d, relay %s" % (rc, ",".join(codes)))
EOF
r=$(python3 "$scratch/subreaper.py" "$runtime" --root "$state" exec -d c sh -c 'exit 7' 2>&1)
[ "$r" = "runtime 0, relay exit 7" ] && ok "exec --detach under a subreaper: the relay exits 7 as the process" ||
	not_ok "exec --detach under a subreaper" "$r"
r=$(python3 "$scratch/subreaper.py" "$runtime" --root "$state" exec -d c sh -c 'kill -USR2 $$' 2>&1)
[ "$r" = "runtime 0, relay signal 12" ] && ok "exec --detach: a process killed by SIGUSR2: the relay dies of SIGUSR2" ||
	not_ok "exec --detach, killed by a signal" "$r"
# Signals to the relay reach the process.
R exec --detach --pid-file "$scratch/t.pid" c sh -c 'trap "echo relayed > /dev/shm/t; exit 0" TERM; while :; do sleep 0.1; done' </dev/null >/dev/null 2>&1
sleep 0.5
kill -TERM "$(cat "$scratch/t.pid")"
sleep 1
expect "exec --detach: SIGTERM to the relay reaches the process" 0 "relayed" R exec c cat /dev/shm/t

# Odd and hostile --process files: one error, exit 1, nothing started.
n=0
# bad_process DESC MESSAGE PYTHON (writes the file p, or raw text) [EXEC OPTIONS...]
bad_process() {
	desc=$1 message=$2 edit=$3
	shift 3
	n=$((n + 1))
	p=$scratch/process$n.json
	python3 - "$p" <<EOF
import json, os, sys
p = sys.argv[1]
c = {"args": ["sh", "-c", "echo ran > /tmp/bad$n"], "cwd": "/", "user": {"uid": 0, "gid": 0}, "env": ["PATH=/bin"]}
raw = None
$edit
if raw is None:
    raw = json.dumps(c)
if raw is not False:
    open(p, "w").write(raw)
EOF
	R exec --process "$p" --pid-file "$scratch/bad$n.pid" "$@" c </dev/null >"$out" 2>&1
	rc=$?
	if [ "$rc" -ne 1 ]; then
		not_ok "exec --process, $desc: exit 1" "got $rc"
	elif ! grep "^xlibos-runtime: " "$out" | grep -qF -- "$message"; then
		not_ok "exec --process, $desc: message" "expected: $message"
	elif [ "$(grep -vc '^xlibos-runtime: ' "$out")" -ne 0 ]; then
		not_ok "exec --process, $desc: only 'xlibos-runtime: ' lines" "other lines"
	elif [ -e "$scratch/bad$n.pid" ] || R exec c test -e "/tmp/bad$n"; then
		not_ok "exec --process, $desc: nothing started" "a pid file or /tmp/bad$n"
	else
		ok "exec --process, $desc: '$(head -1 "$out" | cut -c1-100)'"
	fi
}
bad_process "missing file" "No such file or directory" "raw = False"
bad_process "a FIFO" "not a regular file" "os.mkfifo(p); raw = False"
bad_process "5 MiB" "not a regular file of at most 4 MiB" "raw = ' ' * (5 << 20) + '{}'"
bad_process "not JSON" "line 1 column" "raw = '{\"args\": '"
bad_process "an array" "not a JSON object" "raw = '[]'"
bad_process "no args" ".json: process.args: missing" "del c['args']"
bad_process "args a string" "process.args: must be an array" "c['args'] = 'sh -c id'"
bad_process "args with a number" "process.args[1]: must be a string" "c['args'] = ['sh', 1]"
bad_process "args empty" "process.args: must name a command" "c['args'] = []"
bad_process "no cwd" "process.cwd: missing" "del c['cwd']"
bad_process "cwd relative" "process.cwd: 'tmp' is not an absolute path" "c['cwd'] = 'tmp'"
bad_process "env a number" "process.env[0]: must be a string" "c['env'] = [1]"
bad_process "env without =" "process.env[0]: 'NOEQUALS' is not KEY=VALUE" "c['env'] = ['NOEQUALS']"
bad_process "no user" "process.user: missing" "del c['user']"
bad_process "user.uid a string" "process.user.uid: must be an integer" "c['user']['uid'] = '0'"
bad_process "unknown field" "process.bogus: unknown or unsupported field" "c['bogus'] = 1"
bad_process "duplicate keys" "duplicate object key" "raw = json.dumps(c)[:-1] + ', \"cwd\": \"/\"}'"
bad_process "a capability unknown" "unknown capability 'CAP_EVERYTHING'" "c['capabilities'] = {'bounding': ['CAP_EVERYTHING']}"
bad_process "rlimit soft above hard" "soft limit above the hard one" "c['rlimits'] = [{'type': 'RLIMIT_NOFILE', 'soft': 10, 'hard': 1}]"
bad_process "a terminal, --detach, no --console-socket" "a terminal with --detach needs --console-socket" "c['terminal'] = True" --detach
bad_process "--console-socket without a terminal" "--console-socket without a terminal" "" --console-socket "$scratch/nosock"
bad_process "and a command too" "--process and a command: one or the other" "" c true
expect "exec with no command" 1 "xlibos-runtime: exec: usage" R exec c
expect "exec --preserve-fds 3 refused" 1 "passing descriptors is not supported" R exec --preserve-fds 3 c true
expect "exec --user a name refused" 1 "--user 'root': UID[:GID] in numbers" R exec --user root c true
expect "exec into an unknown container" 1 "container 'nosuch' does not exist" R exec nosuch true

# tty_session TMUX-COMMAND: a shell in a 80x24 tmux terminal that grows to 100x30;
# stty size before and after, ^C stops sleep, the shell goes on.  Each step
# waits (bounded) for the answer to the one before: the machine may be slow.
tty_session() {
	sock=xlibos-exec-$$
	tmux -L "$sock" kill-server 2>/dev/null
	tmux -L "$sock" new-session -d -s t -x 80 -y 24 "$1; echo status \$?; sleep 30"
	# pane_has PATTERN: within 10 s, the terminal shows a line matching it
	pane_has() {
		i=0
		while [ $i -lt 100 ] && ! tmux -L "$sock" capture-pane -p -t t -S -100 | grep -Eq "$1"; do
			sleep 0.1
			i=$((i + 1))
		done
	}
	keys() { tmux -L "$sock" send-keys -t t "$@"; }
	pane_has '# *$'
	keys 'stty size' Enter
	pane_has '^24 80$'
	tmux -L "$sock" resize-window -t t -x 100 -y 30
	# The new size may take a moment to reach the guest: ask again, up to 5 times.
	for _ in 1 2 3 4 5; do
		keys 'stty size' Enter
		sleep 1
		tmux -L "$sock" capture-pane -p -t t -S -100 | grep -q '^30 100$' && break
	done
	keys 'echo sleeping; sleep 100' Enter
	pane_has '^sleeping'
	sleep 1
	keys C-c
	keys 'echo after $((6*7))' Enter
	pane_has '^after 42'
	keys 'exit 4' Enter
	pane_has '^status'
	tmux -L "$sock" capture-pane -p -t t -S -100 | grep -E '^[0-9]+ [0-9]+$|^after 42|^status' | uniq | tr '\n' '|'
	tmux -L "$sock" kill-server 2>/dev/null
}
if command -v tmux >/dev/null 2>&1; then
	x=$(tty_session "$runtime --root $state exec -t c sh")
	[ "$x" = "24 80|30 100|after 42|status 4|" ] &&
		ok "exec -t on our own terminal (tmux): made raw, stty size follows it (24 80, then 30 100), ^C stops sleep, exit 4" ||
		not_ok "exec -t on our own terminal" "$x"
else
	skip "exec -t on our own terminal" "tmux is not installed"
fi

# kill: any signal reaches the command; --all reaches the exec'd processes too.
expect "kill c USR1" 0 "" R kill c USR1
wait_for "$scratch/c.out" "got USR1" && ok "kill USR1: the command's trap ran" ||
	not_ok "kill USR1: the command's trap ran" "$(cat "$scratch/c.out")"
R exec -d c sh -c 'trap "echo exec got USR2 > /dev/shm/all; exit 0" USR2; while :; do sleep 0.1; done' </dev/null >/dev/null 2>&1
sleep 0.5
expect "kill --all c USR2" 0 "" R kill --all c USR2
wait_for "$scratch/c.out" "got USR2" && ok "kill --all USR2: the command's trap ran" ||
	not_ok "kill --all USR2: the command's trap ran" "$(cat "$scratch/c.out")"
sleep 0.5
expect "kill --all USR2: an exec'd process's trap ran too" 0 "exec got USR2" R exec c cat /dev/shm/all
# STOP and CONT reach the command whatever its handlers (as runc's PID 1).
stopped() { R exec c sh -c 'grep -l "^State:.*stopped" /proc/[0-9]*/status 2>/dev/null | wc -l'; }
R kill c STOP
s1=$(stopped)
R kill c CONT
s2=$(stopped)
[ "$s1" -ge 1 ] && [ "$s2" -eq 0 ] && ok "kill STOP stops the command, kill CONT resumes it" ||
	not_ok "kill STOP, CONT" "stopped after STOP: $s1, after CONT: $s2"
expect "kill with signal 65 refused" 1 "unknown signal '65'" R kill c 65

# ps: the supervisor and its descendants (the container's host processes).
R ps --format json c >"$out" 2>&1
if grep -q "^\[$sup," "$out" && [ "$(tr ',' '\n' <"$out" | wc -l)" -ge 2 ]; then
	ok "ps --format json: the supervisor ($sup) and its host processes"
else
	not_ok "ps --format json" "supervisor $sup"
fi
R ps c >"$out" 2>&1
if head -1 "$out" | grep -q PID && awk '{print $2}' "$out" | grep -qx "$sup" &&
   [ "$(wc -l <"$out")" -ge 3 ]; then
	ok "ps: ps -ef's header and the container's lines"
else
	not_ok "ps: a table" "no header or supervisor line"
fi

expect "kill c TERM: reaches the trap" 0 "" R kill c TERM
i=0
while [ $i -lt 100 ] && alive "$sup"; do sleep 0.1; i=$((i + 1)); done
grep -q "got TERM" "$scratch/c.out" && ! alive "$sup" && ok "kill TERM: the trap ran, the container ended" ||
	not_ok "kill TERM: the trap ran, the container ended" "$(cat "$scratch/c.out")"
# Right after start (the guest still boots): exec waits for the agent; TERM is held for the trap.
R create --bundle "$b" --pid-file "$scratch/q.pid" q </dev/null >"$scratch/q.out" 2>&1
R start q
expect "exec right after start: waits for the booting guest" 0 "right after" R exec q echo right after start
expect "kill TERM right after start" 0 "" R kill q TERM
i=0
while [ $i -lt 100 ] && alive "$(cat "$scratch/q.pid")"; do sleep 0.1; i=$((i + 1)); done
grep -q "got TERM" "$scratch/q.out" && ok "kill TERM right after start: the trap ran" ||
	not_ok "kill TERM right after start: the trap ran" "$(cat "$scratch/q.out")"
R delete --force q >/dev/null 2>&1

# A state directory deeper than a socket address holds: the channel still works.
deep=$scratch/$(printf 'd%.0s' $(seq 1 90))
mkdir -p "$deep"
"$runtime" --root "$deep" create --bundle "$b" deep </dev/null >/dev/null 2>&1
"$runtime" --root "$deep" start deep
expect "exec with a state directory path of more than 108 bytes" 0 "deep path" \
	"$runtime" --root "$deep" exec deep echo deep path
"$runtime" --root "$deep" delete --force deep >/dev/null 2>&1

expect "exec into a stopped container: a clear error" 1 "cannot exec in container 'c': it is stopped, not running" R exec c true
expect "ps of a stopped container: none" 0 "[]" R ps --format json c
R delete c >/dev/null 2>&1
[ -z "$(ls -A "$state" 2>/dev/null)" ] && ok "nothing left in --root (control.sock removed)" ||
	not_ok "nothing left in --root" "$(ls -A "$state/"*)"

# --- a hostile guest: what comes back over the channel is checked -------------------
# hostile_guest SCENARIO STATUS MESSAGE: exec against fake_agent.py playing SCENARIO
# must end (bounded) with STATUS and MESSAGE, and print no control character it sent.
hostile_guest() {
	sc=$1 want=$2 message=$3
	fake=$scratch/fake
	rm -rf "$fake" "$scratch/fake.out"
	mkdir -p "$fake"
	python3 "$here/fake_agent.py" "$fake" f "$b" "$sc" >"$scratch/fake.out" 2>&1 &
	fpid=$!
	wait_for "$scratch/fake.out" ready
	timeout 20 "$runtime" --root "$fake" exec f true </dev/null >"$out" 2>&1
	rc=$?
	kill "$fpid" 2>/dev/null
	wait "$fpid" 2>/dev/null
	if [ "$rc" -ne "$want" ]; then
		not_ok "a hostile guest, $sc: exit $want" "got $rc"
	elif [ -n "$message" ] && ! grep "^xlibos-runtime: " "$out" | grep -qF -- "$message"; then
		not_ok "a hostile guest, $sc: message" "expected: $message"
	elif grep -q "$(printf '[\033\007]')" "$out"; then
		not_ok "a hostile guest, $sc: no control characters passed on" "$(od -c "$out" | head -3)"
	else
		ok "a hostile guest, $sc: exit $rc${message:+, '$(grep '^xlibos-runtime: ' "$out" | head -1 | cut -c17-100)'}"
	fi
}
hostile_guest not-ok 1 "answered something else than OK"
hostile_guest long-line 1 "answered something else than OK"
hostile_guest pid-0 1 "bad answer from the container's agent"
hostile_guest pid-huge 1 "bad answer from the container's agent"
hostile_guest started-short 1 "bad answer from the container's agent"
hostile_guest ok-answer-to-exec 1 "unexpected frame"
hostile_guest exit-first 1 "unexpected frame"
hostile_guest error-escapes 1 "exec failed: ?[31mred??second line"
hostile_guest unknown-type 137 "exec: unknown frame type"
hostile_guest huge-stdout 137 "exec: frame too long"
hostile_guest exit-300 137 "out of place or out of range"
hostile_guest exit-kind-7 137 "out of place or out of range"
hostile_guest signal-0 137 "out of place or out of range"
hostile_guest stdin-frame 137 "out of place or out of range"
hostile_guest close-mid-frame 137 "closed inside a frame"
hostile_guest close-early 137 "closed before the process's exit status"
hostile_guest killed 137 ""
grep -qx out "$out" && grep -qx err "$out" && ok "a guest process killed by SIGKILL: its output, then exit 137" ||
	not_ok "a guest process killed by SIGKILL: its output" "$(cat "$out")"

# --- through podman, compared with runc ---------------------------------------------
podman_checks="exec: stdio and exit status|exec -e, -w, -u|exec: capabilities, seccomp, environment|exec -u 1000: HOME|exec -i: stdin to EOF|exec: binary stdin and stdout|exec: not found|exec -w missing|exec -d|exec -t|exec -it: resize, ^C|run -it: resize, ^C|stop right after run -d|kill -s USR1|stop: TERM trapped"
skip_podman() {
	echo "$podman_checks" | tr '|' '\n' | while IFS= read -r c; do skip "podman $c" "$1"; done
	# The subshell's counts do not come back: count them here.
	k=$(echo "$podman_checks" | tr '|' '\n' | wc -l)
	skipped=$((skipped + k))
	count=$((count + k))
	summary
	exit $?
}
command -v podman >/dev/null 2>&1 || skip_podman "podman is not installed (scripts/install-deps.sh)"
command -v runc >/dev/null 2>&1 || skip_podman "runc is not installed (scripts/install-deps.sh)"
[ "$(id -u)" -eq 0 ] || skip_podman "needs root (rootful podman with cgroupfs)"

# shellcheck source=lib_podman.sh
. "$here/lib_podman.sh"
podman_setup "$scratch/podman" "$runtime"
cleanup() {
	end_containers
	podman_cleanup
	rm -rf "$scratch"
}
trap cleanup EXIT
podman_import "$rootfs" >"$out" 2>&1 || skip_podman "podman import failed: $(tail -1 "$out")"
rid=$(pm_runc run -d $RUNOPTS "$IMAGE" sh -c 'trap "echo got USR1" USR1; trap "echo got TERM; exit 42" TERM; echo started; while :; do sleep 0.1; done' 2>"$out") ||
	skip_podman "podman with runc cannot run a container here: $(tail -1 "$out")"
xid=$(pm_x run -d $RUNOPTS "$IMAGE" sh -c 'trap "echo got USR1" USR1; trap "echo got TERM; exit 42" TERM; echo started; while :; do sleep 0.1; done')
i=0
while [ $i -lt 100 ] && ! pm_x logs "$xid" 2>/dev/null | grep -q started; do sleep 0.1; i=$((i + 1)); done

# exec_same DESC STDIN ARGS-BEFORE-ID -- CMD...: podman exec [ARGS] ID CMD with both.
exec_same() {
	desc=$1 input=$2
	shift 2
	pre=""
	while [ "$1" != "--" ]; do pre="$pre $1"; shift; done
	shift
	printf '%s' "$input" | pm_runc exec $pre "$rid" "$@" >"$scratch/r.out" 2>"$scratch/r.err"
	rr=$?
	printf '%s' "$input" | pm_x exec $pre "$xid" "$@" >"$scratch/x.out" 2>"$scratch/x.err"
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
exec_same "exec: stdio and exit status" "" -- sh -c 'echo to stdout; echo to stderr >&2; exit 3'
exec_same "exec -e, -w, -u" "" -e GREETING=hello -w /etc -u 1000:1000 -- sh -c 'echo "$GREETING $(pwd)"; id; touch /root/x 2>&1; echo $?'
exec_same "exec: capabilities, seccomp, environment, limits, umask" "" -- sh -c 'grep -E "^(Cap|Seccomp:|NoNewPrivs)" /proc/self/status; env | grep -v HOSTNAME | sort; ulimit -n; umask'
exec_same "exec -u 1000: the same, HOME as runc's" "" -u 1000 -- sh -c 'grep -E "^(Cap|Seccomp:|NoNewPrivs)" /proc/self/status; env | grep -v HOSTNAME | sort; ulimit -n; umask'
exec_same "exec -i: stdin to EOF" "hi
there" -i -- sh -c 'cat; echo "[$(wc -c)]"'
r=$(pm_runc exec -i "$rid" sha256sum <"$scratch/blob"; pm_runc exec -i "$rid" cat <"$scratch/blob" | sha256sum)
x=$(pm_x exec -i "$xid" sha256sum <"$scratch/blob"; pm_x exec -i "$xid" cat <"$scratch/blob" | sha256sum)
[ "$r" = "$x" ] && ok "podman exec: binary stdin and stdout, 1 MiB each way (as runc)" ||
	not_ok "podman exec: binary stdin and stdout" "runc: $r
xlibos: $x"
# Not found: the status as runc's (podman words the errors its own way for each).
pm_runc exec "$rid" nosuchcommand >/dev/null 2>&1
rr=$?
pm_x exec "$xid" nosuchcommand >/dev/null 2>&1
xr=$?
[ "$rr" -eq "$xr" ] && ok "podman exec: a command not found: exit $xr (as runc)" ||
	not_ok "podman exec: not found" "runc: $rr, xlibos: $xr"
pm_runc exec -w /nope "$rid" true >/dev/null 2>&1
rr=$?
pm_x exec -w /nope "$xid" true >/dev/null 2>&1
xr=$?
[ "$rr" -eq "$xr" ] && ok "podman exec -w a missing directory: exit $xr (as runc)" ||
	not_ok "podman exec -w missing" "runc: $rr, xlibos: $xr"
pm_runc exec -d "$rid" sh -c 'sleep 0.3; echo detached > /tmp/d' >/dev/null
pm_x exec -d "$xid" sh -c 'sleep 0.3; echo detached > /tmp/d' >/dev/null
sleep 1.5
r=$(pm_runc exec "$rid" cat /tmp/d)
x=$(pm_x exec "$xid" cat /tmp/d)
[ "$r" = "$x" ] && [ "$x" = detached ] && ok "podman exec -d: the process ran (as runc)" ||
	not_ok "podman exec -d" "runc: $r; xlibos: $x"
exec_same "exec -t" "" -t -- sh -c 'test -t 0 && test -t 1 && echo on a terminal; tty | grep -c /dev/pts/; exit 4'

if command -v tmux >/dev/null 2>&1; then
	r=$(tty_session "$PODMAN --runtime runc exec -it $rid sh")
	x=$(tty_session "$PODMAN --runtime $runtime --runtime-flag cache-dir=$T/cache exec -it $xid sh")
	[ "$r" = "$x" ] && [ "$x" = "24 80|30 100|after 42|status 4|" ] &&
		ok "podman exec -it: stty size follows the terminal (24 80, then 30 100), ^C stops sleep, exit 4 (as runc)" ||
		not_ok "podman exec -it: resize, ^C" "runc: $r
xlibos: $x"
	r=$(tty_session "$PODMAN --runtime runc run -it --rm $RUNOPTS $IMAGE sh")
	x=$(tty_session "$PODMAN --runtime $runtime --runtime-flag cache-dir=$T/cache run -it --rm $RUNOPTS $IMAGE sh")
	[ "$r" = "$x" ] && [ "$x" = "24 80|30 100|after 42|status 4|" ] &&
		ok "podman run -it: stty size follows the terminal (24 80, then 30 100), ^C stops sleep, exit 4 (as runc)" ||
		not_ok "podman run -it: resize, ^C" "runc: $r
xlibos: $x"
else
	skip "podman exec -it: resize, ^C" "tmux is not installed"
	skip "podman run -it: resize, ^C" "tmux is not installed"
fi

# stop right after run -d: TERM waits for the trap (runc's command gets it once it runs).
stop_at_once() {
	pm=$1
	id=$($pm run -d $RUNOPTS "$IMAGE" sh -c 'trap "exit 42" TERM; while :; do sleep 0.1; done')
	$pm stop -t 10 "$id" >/dev/null 2>&1
	$pm inspect "$id" --format '{{.State.ExitCode}}'
	$pm rm -f -t 0 "$id" >/dev/null 2>&1
}
r=$(stop_at_once pm_runc)
x=$(stop_at_once pm_x)
[ "$r" = "$x" ] && [ "$x" = 42 ] && ok "podman stop right after run -d: the trap's exit 42 (as runc)" ||
	not_ok "podman stop right after run -d" "runc: $r; xlibos: $x"

pm_runc kill -s USR1 "$rid" >/dev/null
pm_x kill -s USR1 "$xid" >/dev/null
sleep 1
r=$(pm_runc logs "$rid" 2>&1 | tr '\n' ' ')
x=$(pm_x logs "$xid" 2>&1 | tr '\n' ' ')
[ "$r" = "$x" ] && [ "$x" = "started got USR1 " ] && ok "podman kill -s USR1: the trap ran (as runc)" ||
	not_ok "podman kill -s USR1" "runc: $r; xlibos: $x"
pm_runc stop -t 10 "$rid" >/dev/null 2>&1
pm_x stop -t 10 "$xid" >/dev/null 2>&1
r="$(pm_runc inspect "$rid" --format '{{.State.ExitCode}}') $(pm_runc logs "$rid" 2>&1 | tr '\n' ' ')"
x="$(pm_x inspect "$xid" --format '{{.State.ExitCode}}') $(pm_x logs "$xid" 2>&1 | tr '\n' ' ')"
[ "$r" = "$x" ] && [ "$x" = "42 started got USR1 got TERM " ] &&
	ok "podman stop: TERM reaches the trap, exit 42 (as runc)" ||
	not_ok "podman stop: TERM trapped" "runc: $r; xlibos: $x"

summary
