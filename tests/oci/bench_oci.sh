#!/bin/sh
# make bench-oci: `podman run --rm IMAGE true` with runc and with
# xlibos-runtime, in one run, taking turns, median of N (default 20), on
# the busybox image podman.sh uses (podman import, private storage), with
# podman's default storage driver (overlay: every container of an image
# shares its layers, and so xlibos's rootfs image) and with vfs (every
# container a full copy: xlibos images each one); then the Debian tree
# (build/debian-rootfs) with overlay if it was built.  Prints ms and the
# ratio.  Target: xlibos no slower than runc.
# BENCH_OCI_PHASES=1: each runtime behind a shim that times its calls, and
# per row a line of medians: create, start, from start's end to delete's
# start (the container's run, then podman's clean-up, the same for both),
# delete; the shim's own cost (a shell, two date) is in every figure.
# usage: bench_oci.sh path/to/xlibos-runtime [path/to/rootfs]
set -u
# shellcheck source-path=SCRIPTDIR source=suite_init.sh
. "$(dirname "$0")/suite_init.sh"
runs=${BENCH_OCI_RUNS:-20}
# shellcheck source=lib_podman.sh
. "$here/lib_podman.sh"

say() { echo "bench-oci: $*" >&2; }
for tool in podman runc; do
	command -v $tool >/dev/null || { say "skipped: $tool is not installed"; exit 0; }
done
[ "$(id -u)" -eq 0 ] || { say "skipped: needs root (rootful podman)"; exit 0; }
set_up=0
cleanup() {
	[ "$set_up" -eq 0 ] || podman_cleanup
	rm -rf "$scratch"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# shim NAME RUNTIME: $scratch/NAME, which runs RUNTIME and appends
# "START_NS END_NS VERB" of each call to $scratch/NAME.calls.
shim() {
	cat >"$scratch/$1" <<EOF
#!/bin/sh
s=\$(date +%s%N)
"$2" "\$@"
rc=\$?
verb=other
for a in "\$@"; do
	case \$a in create|start|delete|kill|state) verb=\$a; break ;; esac
done
echo "\$s \$(date +%s%N) \$verb" >>"$scratch/$1.calls"
exit \$rc
EOF
	chmod +x "$scratch/$1"
}

# phases NAME: the medians of NAME.calls, one podman run being a create,
# a start and a delete.
phases() {
	awk -v name="$1" '
		function med(a, n,   i, j, t) {
			for (i = 2; i <= n; i++)
				for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
			return n ? a[int((n + 1) / 2)] : 0
		}
		$3 == "create" { c[++n] = ($2 - $1) / 1e6 }
		$3 == "start" { s[n] = ($2 - $1) / 1e6; send = $2 }
		$3 == "delete" && send { r[n] = ($1 - send) / 1e6; d[n] = ($2 - $1) / 1e6; send = 0 }
		END { printf "%s create %.1f, start %.1f, start..delete %.1f, delete %.1f", name, med(c, n), med(s, n), med(r, n), med(d, n) }
	' "$scratch/$1.calls"
}

# ms RUNNER: one `podman run --rm IMAGE true`, in milliseconds (or "fail").
ms() {
	s=$(date +%s%N)
	"$1" run --rm $RUNOPTS "$IMAGE" true >/dev/null 2>&1 || { echo fail; return; }
	e=$(date +%s%N)
	echo $(((e - s) / 1000000))
}
median() { sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2)}'; }

# row LABEL DRIVER TREE: one line of the table (podman's store made and removed).
row() {
	PODMAN_STORAGE_DRIVER=$2
	podman_setup "$scratch/podman" "$runtime"
	set_up=1
	if [ "${BENCH_OCI_PHASES:-0}" = 1 ]; then
		shim runc-timed "$(command -v runc)"
		shim x-timed "$runtime"
		# shellcheck disable=SC2317 # called through ms
		pm_runc() { $PODMAN --runtime "$scratch/runc-timed" "$@"; }
		# shellcheck disable=SC2317
		pm_x() { $PODMAN --runtime "$scratch/x-timed" --runtime-flag "cache-dir=$T/cache" "$@"; }
	fi
	if ! podman_import "$3" >"$out" 2>&1; then
		say "$1: podman import failed: $(tail -1 "$out")"
		podman_cleanup
		set_up=0
		return 1
	fi
	# A first run of each warms podman's storage and xlibos's image cache.
	ms pm_runc >/dev/null
	ms pm_x >/dev/null
	: >"$scratch/runc-timed.calls"
	: >"$scratch/x-timed.calls"
	: >"$scratch/runc.ms"
	: >"$scratch/x.ms"
	i=0
	while [ "$i" -lt "$runs" ]; do
		ms pm_runc >>"$scratch/runc.ms"
		ms pm_x >>"$scratch/x.ms"
		i=$((i + 1))
	done
	podman_cleanup
	set_up=0
	for f in runc x; do
		if grep -q fail "$scratch/$f.ms"; then
			say "$1: $f: $(grep -c fail "$scratch/$f.ms") of $runs runs failed"
			return 1
		fi
	done
	r=$(median <"$scratch/runc.ms")
	x=$(median <"$scratch/x.ms")
	awk -v l="$1" -v r="$r" -v x="$x" 'BEGIN { printf "%-28s %8d %8d %9.2fx\n", l, r, x, x / r }'
	[ "${BENCH_OCI_PHASES:-0}" = 1 ] &&
		echo "  phases, ms: $(phases runc-timed | sed 's/^runc-timed/runc/'); $(phases x-timed | sed 's/^x-timed/xlibos/')"
	return 0
}

# Guest memory gets huge pages only where the host gives shared memory them (README, host tuning).
shmem_thp=$(sed -n 's/.*\[\([a-z_]*\)\].*/\1/p' /sys/kernel/mm/transparent_hugepage/shmem_enabled 2>/dev/null)
echo "make bench-oci: $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg), shmem_enabled ${shmem_thp:-unknown}"
echo "podman run --rm IMAGE true, --network none, median of $runs, taking turns (target: xlibos/runc <= 1x)"
printf '%-28s %8s %8s %10s\n' "image, storage driver" "runc ms" "xlibos" "xlibos/runc"
status=0
if grep -qw overlay /proc/filesystems || modprobe overlay 2>/dev/null; then
	row "busybox, overlay (default)" overlay "$rootfs" || status=1
else
	say "no overlayfs on this host: the overlay rows are left out"
fi
row "busybox, vfs" vfs "$rootfs" || status=1
deb=$top/build/debian-rootfs
if [ -x "$deb/usr/bin/python3" ] && grep -qw overlay /proc/filesystems; then
	row "debian, overlay" overlay "$deb" || status=1
else
	say "no Debian tree (make debian-rootfs): its row is left out"
fi
exit $status
