#!/bin/sh
# linux.cgroupsPath and update, compared with runc through podman: the
# container's processes are where runc's are (its pid's cgroup is the
# path, podman stats reads them there), podman update writes the same
# CPU limits, the cgroup is gone after podman rm.  A memory update, which a
# guest cannot take while it runs, is refused by name.  Then bundles: the
# systemd form (SLICE:PREFIX:NAME) laid out as runc's systemd driver lays
# it, relative and ".." paths refused at create, update --resources from
# stdin, update of a container without a cgroup path refused.
# usage: cgroups.sh path/to/xlibos-runtime [path/to/rootfs]
set -u
# shellcheck source-path=SCRIPTDIR source=suite_init.sh
. "$(dirname "$0")/suite_init.sh"

checks="the pid's cgroup is cgroupsPath|stats from the container's cgroup|update --cpus --cpu-shares|update --memory refused|cgroup removed with the container|systemd form|relative path refused|.. refused|update --resources -|update without a cgroup path"
skip_all() { skip_checks cgroups "$1"; }
# shellcheck source=lib_podman.sh
. "$here/lib_podman.sh"
podman_require skip_all
[ -d /sys/fs/cgroup/pids ] && [ -d /sys/fs/cgroup/cpu ] ||
	skip_all "needs cgroup v1's pids and cpu hierarchies (this suite reads their files)"

podman_start skip_all

# session PM SUFFIX: the container's cgroup as podman and the host see it.
session() {
	$1 run -d $RUNOPTS --name "g$2" "$IMAGE" sleep 100 >/dev/null
	id=$($PODMAN inspect "g$2" --format '{{.Id}}')
	pid=$($PODMAN inspect "g$2" --format '{{.State.Pid}}')
	cg=/libpod_parent/libpod-$id
	grep -E ':(pids|memory|cpu|cpuacct):' "/proc/$pid/cgroup" | sed "s|$id|ID|" | sort
	# podman stats from that cgroup: usage within sane bounds.
	$PODMAN stats --no-stream --format '{{.MemUsage}} {{.PIDs}} {{.CPUPerc}}' "g$2" >"$scratch/stats.$2"
	$1 update --cpus 0.5 --cpu-shares 512 "g$2" >/dev/null
	echo "update: $?"
	for f in cpu.cfs_quota_us cpu.cfs_period_us cpu.shares; do
		echo "$f $(cat "/sys/fs/cgroup/cpu$cg/$f")"
	done
	$1 update --memory 64m "g$2" >"$scratch/mem.$2" 2>&1
	echo "$?" >"$scratch/memrc.$2"
	$PODMAN rm -f -t 0 "g$2" >/dev/null
	for h in pids memory cpu cpuacct; do
		[ -d "/sys/fs/cgroup/$h$cg" ] && echo "left: $h"
	done
}
session pm_runc r >"$scratch/r.out" 2>&1
session pm_x x >"$scratch/x.out" 2>&1
if [ "$(sed -n '/:pids:/p;/:memory:/p' "$scratch/r.out")" = "$(sed -n '/:pids:/p;/:memory:/p' "$scratch/x.out")" ] &&
	grep -q ':pids:/libpod_parent/libpod-ID' "$scratch/x.out"; then
	ok "the pid's cgroup is cgroupsPath: $(grep -E ':(pids|memory):' "$scratch/x.out" | tr '\n' ' ')(as runc)"
else
	not_ok "the pid's cgroup is cgroupsPath" "$(diff "$scratch/r.out" "$scratch/x.out")"
fi
# Usage, not equality: a guest kernel uses more than runc's one process.
read -r mem _ _ pids cpu <"$scratch/stats.x"
case "$mem" in
*MB | *kB) unit_ok=1 ;;
*) unit_ok=0 ;;
esac
cpu=${cpu%%.*}
if [ "$unit_ok" -eq 1 ] && [ "${pids:-0}" -ge 2 ] && [ "${cpu:-999}" -le 200 ]; then
	ok "stats from the container's cgroup: $(cat "$scratch/stats.x") (runc: $(cat "$scratch/stats.r"))"
else
	not_ok "stats from the container's cgroup" "xlibos: $(cat "$scratch/stats.x"), runc: $(cat "$scratch/stats.r") ($mem)"
fi
if [ "$(grep -E '^(update|cpu)' "$scratch/r.out")" = "$(grep -E '^(update|cpu)' "$scratch/x.out")" ] &&
	grep -q "cpu.cfs_quota_us 50000" "$scratch/x.out"; then
	ok "update --cpus --cpu-shares: $(grep -E '^cpu' "$scratch/x.out" | tr '\n' ' ')(as runc)"
else
	not_ok "update --cpus --cpu-shares" "$(diff "$scratch/r.out" "$scratch/x.out")"
fi
if [ "$(cat "$scratch/memrc.x")" -ne 0 ] &&
	grep -q "guest memory is 128M and cannot change while it runs" "$scratch/mem.x"; then
	ok "update --memory refused: $(grep -o 'linux.resources.memory.limit.*runs' "$scratch/mem.x")"
else
	not_ok "update --memory refused" "$(cat "$scratch/mem.x")"
fi
if ! grep -q "^left" "$scratch/x.out" && ! grep -q "^left" "$scratch/r.out"; then
	ok "cgroup removed with the container, as runc's"
else
	not_ok "cgroup removed with the container" "$(grep left "$scratch/x.out")"
fi

# Bundles.
R="$runtime --root $scratch/state"
B=$scratch/bundle
mkdir -p "$B"
(cd "$B" && $runtime spec >/dev/null) || not_ok "runtime spec"
# bundle_with CGROUPSPATH: config.json running sleep with that linux.cgroupsPath ("" for none).
bundle_with() {
	python3 - "$B/config.json" "$rootfs" "$1" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1]))
c["root"] = {"path": sys.argv[2], "readonly": True}
c["process"]["terminal"] = False
c["process"]["args"] = ["sleep", "1000"]
if sys.argv[3]:
    c["linux"]["cgroupsPath"] = sys.argv[3]
else:
    c["linux"].pop("cgroupsPath", None)
json.dump(c, open(sys.argv[1], "w"))
EOF
}
bundle_with "xltest.slice:xlt:cg$$"
# The supervisor joins at start, when it boots (create only holds it).
if $R create --bundle "$B" sd >"$out" 2>&1 && $R start sd >>"$out" 2>&1; then
	pid=$($R state sd | python3 -c 'import json,sys; print(json.load(sys.stdin)["pid"])')
	got=$(sed -n 's/^[0-9]*:pids://p' "/proc/$pid/cgroup")
	$R delete --force sd >/dev/null 2>&1
	if [ "$got" = "/xltest.slice/xlt-cg$$.scope" ] && [ ! -d "/sys/fs/cgroup/pids$got" ]; then
		ok "systemd form: xltest.slice:xlt:cg$$ is $got, removed at delete"
	else
		not_ok "systemd form" "got '$got'"
	fi
else
	not_ok "systemd form" "$(cat "$out")"
fi
rmdir /sys/fs/cgroup/*/xltest.slice 2>/dev/null
bundle_with "relative/path"
expect "relative path refused" 1 "linux.cgroupsPath 'relative/path'" $R create --bundle "$B" rel
bundle_with "/a/../../etc"
expect ".. refused" 1 "without . or .." $R create --bundle "$B" dots
bundle_with "/xltest-cg$$"
$R create --bundle "$B" up >"$out" 2>&1 && $R start up >>"$out" 2>&1
echo '{"cpu": {"quota": 20000, "period": 100000}}' | $R update --resources - up >>"$out" 2>&1
q=$(cat "/sys/fs/cgroup/cpu/xltest-cg$$/cpu.cfs_quota_us" 2>/dev/null)
$R delete --force up >/dev/null 2>&1
[ "$q" = 20000 ] && ok "update --resources -: cpu.cfs_quota_us $q" ||
	not_ok "update --resources -" "quota '$q': $(cat "$out")"
bundle_with ""
$R create --bundle "$B" none >"$out" 2>&1 && $R start none >>"$out" 2>&1
expect "update without a cgroup path" 1 "has no cgroup of its own" $R update --cpu-quota 20000 none
$R delete --force none >/dev/null 2>&1
summary
