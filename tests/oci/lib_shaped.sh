# shellcheck shell=sh
# Sourced by docker_shaped.sh and fidelity.sh: their bundles, as Docker
# (docker) or ctr (containerd) would write them (shaped_spec.py), one for
# runc and one for xlibos.  Uses the suite's scratch, rootfs, here and cid.

# bundle NAME KIND [shaped_spec.py options] -- CMD...: NAME.runc and NAME.x,
# each with its own copy of the rootfs (runc makes mount points in it).
bundle() {
	name=$1 kind=$2
	shift 2
	for rt in runc x; do
		b=$scratch/$name.$rt
		rm -rf "$b"
		mkdir -p "$b"
		cp -a "$rootfs/." "$b/rootfs"
		if [ "$kind" = containerd ]; then
			python3 "$here/shaped_spec.py" "$kind" "$b" rootfs "$cid" "$@"
		else
			python3 "$here/shaped_spec.py" "$kind" "$b" "$b/rootfs" "$cid" "$@"
		fi
	done
}
