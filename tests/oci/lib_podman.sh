# shellcheck shell=sh
# Debian's podman with everything it keeps under one directory, for the
# OCI suites and make bench-oci (sourced after tests/lib.sh).
#   podman_setup DIR RUNTIME: $PODMAN, $RUNOPTS, $IMAGE; pm_runc and pm_x
#     (storage driver $PODMAN_STORAGE_DRIVER, default vfs)
#     run podman with runc and with RUNTIME; podman_cleanup undoes it all.
#   podman_import ROOTFS: the image $IMAGE from a tarball of ROOTFS.
#   podman_require SKIP: what the podman suites need, else SKIP "why".
#   podman_start SKIP: podman_setup in $scratch/podman, cleaned up at exit,
#     and the image imported (else SKIP "why").
#   pm_wait_file PM NAME FILE: until FILE exists in container NAME (5 s at most).

podman_setup() {
	T=$1
	pm_runtime=$2
	mkdir -p "$T"
	# Everything podman keeps, in $T; cgroupfs and a file for events (no systemd here).
	PODMAN="podman --root $T/store --runroot $T/run --tmpdir $T/tmp --storage-driver ${PODMAN_STORAGE_DRIVER:-vfs} --cgroup-manager cgroupfs --events-backend file"
	# This machine's default limits are above what podman may set: give them explicitly.
	RUNOPTS="--network none --ulimit nofile=1024:1024 --ulimit nproc=1024:1024"
	IMAGE=localhost/xlibos-oci-test:1
	# podman import records blobs in root's containers/image cache, outside --root.
	blobcache=/var/lib/containers/cache/blob-info-cache-v1.boltdb
	[ -e "$blobcache" ] && had_blobcache=1 || had_blobcache=0
	# conmon calls the runtime without our flags at clean-up: its default --root.
	[ -d /run/xlibos-runtime ] && had_state_root=1 || had_state_root=0
}

podman_cleanup() {
	$PODMAN rm -af -t 0 >/dev/null 2>&1
	$PODMAN rmi -af >/dev/null 2>&1
	# podman mounts a tmpfs per container for /dev/shm; none may outlive us.
	grep " $T/" /proc/mounts | awk '{print $2}' | sort -r | while read -r m; do
		umount -l "$m" 2>/dev/null
	done
	rm -rf "$T"
	[ "$had_state_root" -eq 1 ] || rmdir /run/xlibos-runtime 2>/dev/null
	if [ "$had_blobcache" -eq 0 ]; then
		rm -f "$blobcache"
		rmdir /var/lib/containers/cache /var/lib/containers 2>/dev/null
	fi
}

pm_runc() { $PODMAN --runtime runc "$@"; }
# cache-dir: xlibos's rootfs images of podman's trees go to $T too.
pm_x() { $PODMAN --runtime "$pm_runtime" --runtime-flag "cache-dir=$T/cache" "$@"; }

podman_import() {
	tar -C "$1" -cf "$T/rootfs.tar" . && $PODMAN import "$T/rootfs.tar" "$IMAGE"
}

podman_require() {
	command -v podman >/dev/null 2>&1 || $1 "podman is not installed (scripts/install-deps.sh)"
	command -v runc >/dev/null 2>&1 || $1 "runc is not installed (scripts/install-deps.sh)"
	[ "$(id -u)" -eq 0 ] || $1 "needs root (rootful podman with cgroupfs)"
	# shellcheck disable=SC2154 # the suite's (suite_init.sh)
	[ -d "$rootfs/bin" ] || $1 "no rootfs at $rootfs (make rootfs)"
}

podman_start() {
	# shellcheck disable=SC2154 # the suite's (suite_init.sh)
	podman_setup "$scratch/podman" "$runtime"
	trap 'podman_cleanup; rm -rf "$scratch"' EXIT
	# shellcheck disable=SC2154 # tests/lib.sh's
	podman_import "$rootfs" >"$out" 2>&1 || $1 "podman import failed: $(tail -1 "$out")"
}

pm_wait_file() {
	i=0
	while [ $i -lt 50 ] && ! $1 exec "$2" test -e "$3" 2>/dev/null; do
		sleep 0.1
		i=$((i + 1))
	done
}
