#!/bin/sh
# --cpus and --cpu-shares (docker run's): the container's cgroup gets the
# CPU quota and weight, with the same values runc writes for podman's
# --cpus/--cpu-shares, and a busy loop in the guest is throttled by it;
# bad values, and limits asked for where no cgroup can apply them
# (rootless), are refused with one line and 125.
# usage: cpu_limits.sh path/to/xlibos path/to/rootfs
if [ $# -ne 2 ] || [ ! -x "$1" ] || [ ! -d "$2" ]; then
	echo "usage: $0 path/to/xlibos path/to/rootfs" >&2
	exit 2
fi
xlibos=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
rootfs=$(cd "$2" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$here/../lib.sh"

for bad in 0 0.001 abc 1.2.3 "" 1.000001 -1 99999; do
	expect "--cpus '$bad' refused" 125 "invalid --cpus" "$xlibos" run --net none --cpus "$bad" -- true
	expect_one_line "--cpus '$bad': one line"
done
for bad in 0 1 262145 x ""; do
	expect "--cpu-shares '$bad' refused" 125 "invalid --cpu-shares" "$xlibos" run --net none --cpu-shares "$bad" -- true
done
expect "--help documents --cpus" 0 "--cpus N" "$xlibos" --help

# The container's cgroup, found by the supervisor's pid (its name ends in -PID).
cgroup_file() {	# cgroup_file PID FILE: the path, v1 or v2
	for f in /sys/fs/cgroup/cpu/xlibos-*-"$1"/"$2" /sys/fs/cgroup/cpu/*/xlibos-*-"$1"/"$2" \
		 /sys/fs/cgroup/xlibos/*-"$1"/"$2"; do
		[ -f "$f" ] && { echo "$f"; return 0; }
	done
	return 1
}
if [ "$(id -u)" -ne 0 ]; then
	for i in 1 2 3 4; do skip "cgroup CPU limits check $i" "needs root"; done
elif ! grep -qw cpu /proc/cgroups; then
	for i in 1 2 3 4; do skip "cgroup CPU limits check $i" "no cpu cgroup controller"; done
else
	# A busy guest for 6 s at a quarter of a CPU, weight 512 (long enough
	# to be read 2 s after its cgroup is found, however slow the start).
	"$xlibos" run --net none --cpus 0.25 --cpu-shares 512 --rootfs "$rootfs" -- \
		sh -c 'end=$(($(date +%s) + 6)); while [ "$(date +%s)" -lt "$end" ]; do :; done' \
		>"$scratch/busy.out" 2>&1 &
	pid=$!
	quota= shares= v2=
	for i in $(seq 50); do
		if q=$(cgroup_file "$pid" cpu.cfs_quota_us); then
			quota=$(cat "$q") period=$(cat "$(dirname "$q")/cpu.cfs_period_us")
			shares=$(cat "$(dirname "$q")/cpu.shares")
			stat=$(dirname "$q")/cpu.stat
			break
		elif q=$(cgroup_file "$pid" cpu.max); then
			v2=1 quota=$(cut -d' ' -f1 "$q") period=$(cut -d' ' -f2 "$q")
			shares=$(cat "$(dirname "$q")/cpu.weight")
			stat=$(dirname "$q")/cpu.stat
			break
		fi
		sleep 0.1
	done
	if [ "$quota" = 25000 ] && [ "$period" = 100000 ]; then
		ok "--cpus 0.25: quota 25000 us per 100000 us, as runc sets for --cpus 0.25"
	else
		not_ok "--cpus 0.25: quota 25000 us per 100000 us" "quota '$quota' period '$period'"
	fi
	if { [ -z "$v2" ] && [ "$shares" = 512 ]; } || { [ -n "$v2" ] && [ "$shares" = 20 ]; }; then
		ok "--cpu-shares 512: cpu.shares 512 (v2: weight 20, runc's mapping)"
	else
		not_ok "--cpu-shares 512: the cgroup's weight" "got '$shares'"
	fi
	sleep 2
	throttled=$(awk '$1 == "nr_throttled" {print $2}' "$stat" 2>/dev/null)
	if [ "${throttled:-0}" -gt 0 ]; then
		ok "a busy guest is throttled ($throttled periods)"
	else
		not_ok "a busy guest is throttled" "cpu.stat: $(cat "$stat" 2>&1)"
	fi
	wait "$pid"
	rc=$?
	if [ "$rc" -eq 0 ] && ! cgroup_file "$pid" cpu.stat >/dev/null; then
		ok "the container ends normally and its cpu cgroup is removed"
	else
		not_ok "the container ends normally and its cpu cgroup is removed" "rc $rc; $(cat "$scratch/busy.out")"
	fi
fi

# Rootless: no cgroup to apply them: refused, never ignored.
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null && id nobody >/dev/null 2>&1; then
	chmod 0755 "$scratch"
	mkdir "$scratch/tree"	# the limit is refused before anything runs
	chown nobody "$scratch/tree"
	setpriv --reuid=nobody --regid=nogroup --clear-groups env HOME="$scratch" \
		"$xlibos" run --net none --cpus 0.5 --pack --rootfs "$scratch/tree" -- true >"$out" 2>&1
	rc=$?
	if [ "$rc" -eq 125 ] && grep -q "need the cpu cgroup controller" "$out"; then
		ok "rootless: --cpus refused (no cgroup can apply it), exit 125"
	else
		not_ok "rootless: --cpus refused" "rc $rc"
	fi
	chmod 0700 "$scratch"
else
	skip "rootless: --cpus refused" "needs root, setpriv and user nobody"
fi
summary
