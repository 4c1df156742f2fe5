#!/bin/sh
# The host sandbox of a container, checked from the host (issue 11):
#   1. every host process of a running container (run as root, with a
#      descriptor the caller left open): uid/gid nobody, no capabilities
#      (effective, permitted, bounding, ambient), no_new_privs, seccomp
#      filter mode with two filters, its own user, pid, mount, net, ipc,
#      uts and cgroup namespaces, only descriptors 0-2 and guest memory,
#      an empty root, no core dumps, in the container's cgroup;
#   2. the same run as an ordinary user (rootless), its own uid;
#   3. a fork bomb under --pids-limit: host tasks never above the limit,
#      the bomb sees EAGAIN, the container ends with the bomb's status and a
#      note, nothing left behind;
#   4. a host memory bomb (guest memory mapped again and again through the
#      LibOS's own hypercall entry, filling the host with page tables):
#      killed with 137 and "out of host memory" by the cgroup;
#   5. a guest memory bomb: the guest's own OOM killer ends it (137),
#      host memory stays within the cgroup's limit;
#   6. the container's cgroup is gone after each run.
# usage: sandbox.sh path/to/xlibos
# Prints "ok N - ..." / "not ok N - ..." and ends with "N passed, N failed, N skipped".

if [ $# -ne 1 ] || [ ! -x "$1" ]; then
	echo "usage: $0 path/to/xlibos" >&2
	exit 2
fi
xlibos=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=$top/build/tests/security
image=$top/build/xlibos.img
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$here/../lib.sh"

NCHECKS=17
why_not=
[ "$(id -u)" -eq 0 ] || why_not="needs root (host uids, cgroups, other users' processes)"
command -v musl-gcc >/dev/null || why_not="musl-gcc not installed"
[ -f "$image" ] && [ -d "$top/build/rootfs" ] || why_not="build/xlibos.img or build/rootfs missing (make all rootfs)"
if [ -n "$why_not" ]; then
	for i in $(seq "$NCHECKS"); do skip "sandbox check $i" "$why_not"; done
	summary
	exit
fi

mkdir -p "$build"
for prog in forkbomb hostmembomb guestmembomb; do
	musl-gcc -static -O2 -Wall -Wextra -Werror -o "$build/$prog" "$here/sandbox/$prog.c" ||
		{ echo "not ok - cannot build $prog"; exit 1; }
done
rootfs=$scratch/rootfs
cp -a "$top/build/rootfs" "$rootfs"
cp "$build/forkbomb" "$build/hostmembomb" "$build/guestmembomb" "$rootfs/bin/"
# The rootless run reads the rootfs as nobody.
rootless_dir=$scratch/rootless
mkdir -p "$rootless_dir" && cp -a "$rootfs/." "$rootless_dir/rootfs" &&
	chown -R 65534:65534 "$rootless_dir" && chmod 755 "$scratch"

sym() {
	nm "$image" | awk -v s="$1" '$3 == s { print $1 }'
}

# cgroup_dir CTRL LOADERPID: where the container's v1/v2 cgroup should be.
cgroup_dir() {
	if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; then
		echo "/sys/fs/cgroup/xlibos/$(stat -L -c %i /proc/self/ns/pid)-$2"
	else
		echo "/sys/fs/cgroup/$1$(awk -F: -v c="$1" '$2 == c { print $3 }' /proc/self/cgroup | sed 's,^/$,,')/xlibos-$(stat -L -c %i /proc/self/ns/pid)-$2"
	fi
}

# container_pids LOADERPID: the host processes of a run (children and
# their descendants; the loader's own pid excluded).
container_pids() {
	todo=$(pgrep -P "$1")
	all=
	while [ -n "$todo" ]; do
		next=
		for p in $todo; do
			all="$all $p"
			next="$next $(pgrep -P "$p")"
		done
		todo=$(echo $next)
	done
	echo $all
}

# inspect PID LOADERPID UID: print what is wrong with host process PID
# (nothing if it ended meanwhile: spare host processes come and go).
inspect() {
	found=$(inspect_now "$@")
	[ -d "/proc/$1" ] && printf '%s' "$found"
}

inspect_now() {
	st=/proc/$1/status
	grep -q "^Uid:	$3	$3	$3	$3" "$st" || echo "pid $1: $(grep ^Uid "$st")"
	grep -q "^Gid:	$3	$3	$3	$3" "$st" || echo "pid $1: $(grep ^Gid "$st")"
	for c in CapInh CapPrm CapEff CapBnd CapAmb; do
		grep -q "^$c:	0000000000000000" "$st" || echo "pid $1: $(grep "^$c" "$st")"
	done
	grep -q "^NoNewPrivs:	1" "$st" || echo "pid $1: no_new_privs not set"
	grep -q "^Seccomp:	2" "$st" || echo "pid $1: $(grep '^Seccomp:' "$st")"
	grep -q "^Seccomp_filters:	2" "$st" || echo "pid $1: $(grep '^Seccomp_filters' "$st")"
	for ns in user pid mnt net ipc uts cgroup; do
		[ "$(readlink "/proc/$1/ns/$ns")" != "$(readlink "/proc/$2/ns/$ns")" ] ||
			echo "pid $1: shares the host's $ns namespace"
	done
	fds=$(ls /proc/"$1"/fd | sort -n | tr '\n' ' ')
	case $fds in
	"0 1 2 "[0-9]*" ") ;;
	*) echo "pid $1: descriptors $fds" ;;
	esac
	for fd in /proc/"$1"/fd/*; do
		case ${fd##*/} in 0|1|2) continue ;; esac
		case $(readlink "$fd") in
		/memfd:xlibos-phys*) ;;
		*) echo "pid $1: fd ${fd##*/} is $(readlink "$fd")" ;;
		esac
	done
	[ -z "$(ls -A "/proc/$1/root/" 2>&1)" ] || echo "pid $1: root holds $(ls -A "/proc/$1/root/" 2>&1 | head -3 | tr '\n' ' ')"
	grep -q "^Max core file size *0 *0" "/proc/$1/limits" || echo "pid $1: core dumps allowed"
}

# --- 1. as root, with fd 7 left open by the caller ---
secret=$scratch/secret
echo host-secret >"$secret"
( exec 7<"$secret"; exec "$xlibos" run --rootfs "$rootfs" -- sh -c 'sleep 3; echo done' ) >"$out" 2>&1 &
loader=$!
sleep 1.5
pids=$(container_pids "$loader")
problems=
count=0
for p in $pids; do
	count=$((count + 1))
	problems="$problems$(inspect "$p" "$loader" 65534)"
done
if [ "$count" -lt 2 ]; then
	not_ok "root run: container host processes found" "only: $pids"
else
	ok "root run: container host processes found ($count)"
fi
[ -z "$problems" ] && ok "root run: nobody, no capabilities, no_new_privs, two filters, own namespaces, fds 0-2 + guest memory only (fd 7 of the caller closed), empty root, no cores" ||
	not_ok "root run: sandbox of every host process" "$problems"
pids_dir=$(cgroup_dir pids "$loader")
mem_dir=$(cgroup_dir memory "$loader")
# Where the cgroup hierarchy cannot be changed, xlibos goes without.
no_cgroup=
[ -d "$pids_dir" ] || no_cgroup="no usable pids/memory cgroup hierarchy here"
in_cg=yes
for p in $pids; do
	grep -qx "$p" "$pids_dir/cgroup.procs" 2>/dev/null || in_cg="no ($p not in $pids_dir)"
done
if [ -n "$no_cgroup" ]; then
	skip "root run: every host process in the container's cgroup" "$no_cgroup"
	skip "root run: default pids limit 4096" "$no_cgroup"
else
	[ "$in_cg" = yes ] && ok "root run: every host process in the container's cgroup" ||
		not_ok "root run: every host process in the container's cgroup" "$in_cg"
	[ "$(cat "$pids_dir/pids.max" 2>/dev/null)" = 4096 ] && ok "root run: default pids limit 4096" ||
		not_ok "root run: default pids limit 4096" "pids.max: $(cat "$pids_dir/pids.max" 2>&1)"
fi
wait "$loader"
rc=$?
[ "$rc" -eq 0 ] && grep -qx done "$out" && ok "root run: the program ran to its end" ||
	not_ok "root run: the program ran to its end" "exit $rc"
[ ! -d "$pids_dir" ] && [ ! -d "$mem_dir" ] && ok "root run: cgroup removed at the end" ||
	not_ok "root run: cgroup removed at the end" "$pids_dir or $mem_dir still there"

# --- 2. rootless ---
( cd "$rootless_dir" && exec setpriv --reuid=65534 --regid=65534 --clear-groups \
	env HOME="$rootless_dir" "$xlibos" run --rootfs "$rootless_dir/rootfs" -- sh -c 'sleep 3; echo done' ) >"$out" 2>&1 &
wrapper=$!
sleep 1.5
loader=$wrapper	# the subshell became setpriv, env, then xlibos
pids=$(container_pids "$loader")
problems=
for p in $pids; do
	problems="$problems$(inspect "$p" "$loader" 65534)"
done
[ -n "$pids" ] && [ -z "$problems" ] && ok "rootless run: same sandbox, the user's own uid" ||
	not_ok "rootless run: same sandbox, the user's own uid" "pids: $pids
$problems"
wait "$wrapper"
rc=$?
[ "$rc" -eq 0 ] && grep -qx done "$out" && ok "rootless run: the program ran to its end" ||
	not_ok "rootless run: the program ran to its end" "exit $rc"

# --- 3. fork bomb ---
limit=64
"$xlibos" run --pids-limit $limit --rootfs "$rootfs" -- forkbomb 100000 >"$out" 2>&1 &
loader=$!
cg=$(cgroup_dir pids "$loader")
peak=0
for _ in $(seq 1200); do
	kill -0 "$loader" 2>/dev/null || break
	n=$(cat "$cg/pids.current" 2>/dev/null || echo 0)
	[ "$n" -gt "$peak" ] && peak=$n
	sleep 0.05
done
kill -KILL "$loader" 2>/dev/null
wait "$loader"
rc=$?
[ "$peak" -gt 0 ] && [ "$peak" -le "$limit" ] && ok "fork bomb: host tasks peaked at $peak <= $limit" ||
	not_ok "fork bomb: host tasks peaked at $peak <= $limit"
if [ "$rc" -eq 0 ] && grep -q "fork refused after [0-9]* children: Resource temporarily unavailable" "$out" &&
	{ [ -n "$no_cgroup" ] || grep -q "xlibos: note: the container reached its limit of $limit host tasks" "$out"; }; then
	ok "fork bomb: EAGAIN inside, container ended with its status and a note"
else
	not_ok "fork bomb: EAGAIN inside, container ended with its status and a note" "exit $rc"
fi
[ -z "$(container_pids "$loader")" ] && ok "fork bomb: no host process left" ||
	not_ok "fork bomb: no host process left"

# --- 4. host memory bomb ---
if [ -n "$no_cgroup" ]; then
	skip "host memory bomb: killed with 137 and a message" "$no_cgroup"
	skip "host memory bomb: never finished its loop" "$no_cgroup"
else
	expect "host memory bomb: killed with 137 and a message" 137 "container killed: out of host memory" \
		timeout 120 "$xlibos" run --mem 64M --rootfs "$rootfs" -- hostmembomb \
		"$(sym xlibos_host_syscall)" "$(sym xlibos_boot)" 0x4000000
	grep -q "not stopped" "$out" && not_ok "host memory bomb: never finished its loop" ||
		ok "host memory bomb: never finished its loop"
fi

# --- 5. guest memory bomb ---
expect "guest memory bomb: the guest's OOM killer ends it" 137 "" \
	timeout 120 "$xlibos" run --mem 64M --rootfs "$rootfs" -- guestmembomb
grep -q "out of host memory" "$out" && not_ok "guest memory bomb: no host OOM" || ok "guest memory bomb: no host OOM"

# --- 6. a loader killed with SIGKILL leaves its cgroup; the next start removes it ---
if [ -n "$no_cgroup" ]; then
	skip "cgroup of a SIGKILLed loader removed by the next start" "$no_cgroup"
else
	"$xlibos" run --rootfs "$rootfs" -- sleep 30 >"$out" 2>&1 &
	loader=$!
	cg=$(cgroup_dir pids "$loader")
	for _ in $(seq 100); do [ -n "$(container_pids "$loader")" ] && break; sleep 0.1; done
	left=$(container_pids "$loader")
	kill -KILL "$loader"
	wait "$loader" 2>/dev/null
	# The container ends with its init (parent-death signal), the cgroup stays.
	for _ in $(seq 100); do [ -z "$(ps -o pid= -p "$(echo $left | tr ' ' ,)" 2>/dev/null)" ] && break; sleep 0.1; done
	leaked=no
	[ -d "$cg" ] && leaked=yes
	timeout 60 "$xlibos" run --rootfs "$rootfs" -- true >"$out" 2>&1
	if [ "$leaked" = yes ] && [ ! -d "$cg" ]; then
		ok "cgroup of a SIGKILLed loader removed by the next start"
	else
		not_ok "cgroup of a SIGKILLed loader removed by the next start" "left by the kill: $leaked; still there: $( [ -d "$cg" ] && echo yes || echo no)"
	fi
fi

summary
