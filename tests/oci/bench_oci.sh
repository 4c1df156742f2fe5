#!/bin/sh
# make bench-oci: `podman run --rm IMAGE true` with runc and with
# xlibos-runtime, in one run, taking turns, median of N (default 20), on
# the busybox image podman.sh uses (podman import, private storage);
# prints ms and the ratio.  Target: xlibos no slower than runc.
# usage: bench_oci.sh path/to/xlibos-runtime [path/to/rootfs]
set -u
if [ $# -lt 1 ] || [ ! -x "$1" ]; then
	echo "usage: $0 path/to/xlibos-runtime [path/to/rootfs]" >&2
	exit 2
fi
runtime=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
rootfs=${2:-$top/build/rootfs}
runs=${BENCH_OCI_RUNS:-20}
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$here/../lib.sh"
# shellcheck source=lib_podman.sh
. "$here/lib_podman.sh"

say() { echo "bench-oci: $*" >&2; }
for tool in podman runc; do
	command -v $tool >/dev/null || { say "skipped: $tool is not installed"; exit 0; }
done
[ "$(id -u)" -eq 0 ] || { say "skipped: needs root (rootful podman)"; exit 0; }
podman_setup "$scratch/podman" "$runtime"
cleanup() {
	podman_cleanup
	rm -rf "$scratch"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
podman_import "$rootfs" >"$out" 2>&1 || { say "podman import failed: $(tail -1 "$out")"; exit 1; }

# ms RUNNER: one `podman run --rm IMAGE true`, in milliseconds (or "fail").
ms() {
	s=$(date +%s%N)
	"$1" run --rm $RUNOPTS "$IMAGE" true >/dev/null 2>&1 || { echo fail; return; }
	e=$(date +%s%N)
	echo $(((e - s) / 1000000))
}
median() { sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2)}'; }

# A first run of each warms podman's storage and xlibos's image cache.
ms pm_runc >/dev/null
ms pm_x >/dev/null
: >"$scratch/runc.ms"
: >"$scratch/x.ms"
i=0
while [ "$i" -lt "$runs" ]; do
	ms pm_runc >>"$scratch/runc.ms"
	ms pm_x >>"$scratch/x.ms"
	i=$((i + 1))
done
for f in runc x; do
	if grep -q fail "$scratch/$f.ms"; then
		say "$f: $(grep -c fail "$scratch/$f.ms") of $runs runs failed"
		exit 1
	fi
done
r=$(median <"$scratch/runc.ms")
x=$(median <"$scratch/x.ms")
echo "make bench-oci: $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "podman run --rm IMAGE true (busybox image, vfs storage, --network none), median of $runs, taking turns"
printf '%-22s %8s\n' "runtime" "ms"
printf '%-22s %8s\n' "runc" "$r"
printf '%-22s %8s\n' "xlibos-runtime" "$x"
awk -v r="$r" -v x="$x" 'BEGIN { printf "xlibos/runc            %7.2fx (target <= 1x)\n", x / r }'
