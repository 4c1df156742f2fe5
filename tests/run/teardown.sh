#!/bin/sh
# The supervisor's end: its address space (guest memory's last mapping)
# is torn down by a child that outlives it (loader/teardown_child.c).
# Checked from a parent that is a child subreaper (as conmon is): the
# status and output are the command's, the one orphan is that child and
# it ends by itself within 2 s; a shell pipe ends; with --cgroup-path, the
# cgroup empties and can be removed.
# usage: teardown.sh path/to/xlibos [path/to/rootfs]
set -u
if [ $# -lt 1 ] || [ ! -x "$1" ]; then
	echo "usage: $0 path/to/xlibos [path/to/rootfs]" >&2
	exit 2
fi
xlibos=$1
here=$(cd "$(dirname "$0")" && pwd)
rootfs=${2:-$here/../../build/rootfs}
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$here/../lib.sh"

if ! command -v python3 >/dev/null; then
	skip "the supervisor's end, seen by a subreaper" "needs python3 on the host"
	summary
	exit
fi

# subreaper.py CMD...: runs CMD with its stdout on a pipe, as a child
# subreaper; prints "status N", "stdout <text>", "orphan COMM STATUS MS"
# for each orphan reaped within 2 s, then "left yes|no" (a child not reaped).
cat >"$scratch/subreaper.py" <<'EOF'
import ctypes, os, subprocess, sys, time
libc = ctypes.CDLL(None, use_errno=True)
if libc.prctl(36, 1, 0, 0, 0) != 0:          # PR_SET_CHILD_SUBREAPER
    sys.exit("prctl: %s" % os.strerror(ctypes.get_errno()))
p = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
data = p.stdout.read()                        # to EOF: every writer closed it
status = p.wait()
# The orphan, if any, is ours once the supervisor is gone.
end = time.monotonic() + 2
seen = []
while time.monotonic() < end:
    try:
        info = os.waitid(os.P_ALL, 0, os.WEXITED | os.WNOHANG | os.WNOWAIT)
    except ChildProcessError:
        break
    if info is None:
        time.sleep(0.005)
        continue
    try:
        comm = open("/proc/%d/comm" % info.si_pid).read().strip()
    except OSError:
        comm = "?"
    os.waitpid(info.si_pid, 0)
    seen.append((comm, info.si_status, int((2 - (end - time.monotonic())) * 1000)))
print("status", status)
print("stdout", data.decode().strip())
for c, s, ms in seen:
    print("orphan", c, s, ms)
try:
    os.waitid(os.P_ALL, 0, os.WEXITED | os.WNOHANG | os.WNOWAIT)
    print("left", "yes")
except ChildProcessError:
    print("left", "no")
EOF

timeout 60 python3 "$scratch/subreaper.py" "$xlibos" run --net none --rootfs "$rootfs" -- \
	sh -c 'echo hello; exit 7' >"$scratch/sr.out" 2>&1
if grep -qx "status 7" "$scratch/sr.out" && grep -qx "stdout hello" "$scratch/sr.out"; then
	ok "the command's status (7) and output, as the supervisor's parent sees them"
else
	not_ok "the command's status and output" "$(cat "$scratch/sr.out")"
fi
orphans=$(grep -c '^orphan ' "$scratch/sr.out")
if [ "$orphans" -eq 1 ] && grep -q '^orphan xlibos-teardown 0 ' "$scratch/sr.out" &&
   grep -qx "left no" "$scratch/sr.out"; then
	ok "one orphan, the teardown child: it ends by itself within 2 s, status 0 ($(grep '^orphan' "$scratch/sr.out" | cut -d' ' -f4) ms)"
else
	not_ok "one orphan, the teardown child, ending within 2 s" "$(cat "$scratch/sr.out")"
fi

# A shell pipe: cat sees EOF once the supervisor is gone.
got=$(timeout 60 sh -c "'$xlibos' run --net none --rootfs '$rootfs' -- echo piped | cat")
if [ "$got" = piped ]; then
	ok "xlibos run ... | cat ends with the command's output"
else
	not_ok "xlibos run ... | cat ends with the command's output" "got: $got"
fi

# --cgroup-path: the supervisor and so its teardown child are in it; it
# empties and goes (as xlibos-runtime delete removes it) within a second.
cg=/xlibos-teardown-test-$$
if [ "$(id -u)" -ne 0 ]; then
	skip "--cgroup-path: the cgroup empties and can be removed" "needs root"
elif [ -d /sys/fs/cgroup/pids ] || [ -f /sys/fs/cgroup/cgroup.controllers ]; then
	if [ -d /sys/fs/cgroup/pids ]; then dir=/sys/fs/cgroup/pids$cg; else dir=/sys/fs/cgroup$cg; fi
	timeout 60 "$xlibos" run --net none --cgroup-path "$cg" --rootfs "$rootfs" -- true >"$out" 2>&1
	rc=$?
	gone=no
	for _ in $(seq 100); do
		rmdir "$dir" 2>/dev/null || [ ! -d "$dir" ] && { gone=yes; break; }
		sleep 0.01
	done
	for h in memory cpu cpuacct blkio; do rmdir "/sys/fs/cgroup/$h$cg" 2>/dev/null; done
	if [ "$rc" -eq 0 ] && [ "$gone" = yes ]; then
		ok "--cgroup-path: the cgroup empties and can be removed within a second"
	else
		not_ok "--cgroup-path: the cgroup empties and can be removed" "exit $rc, removed: $gone"
	fi
else
	skip "--cgroup-path: the cgroup empties and can be removed" "no pids cgroup (v1) or cgroup v2 here"
fi

summary
