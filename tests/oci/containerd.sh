#!/bin/sh
# xlibos-runtime under the real containerd: a private containerd (its own
# config, root, state and socket; CRI off), a busybox image made with
# `ctr image import` from an OCI archive of the rootfs, and
# `ctr run --rm --runc-binary xlibos-runtime` compared with runc: stdio and
# exit status, --env, --cwd, --read-only, a bind mount, and
# `ctr task kill` of a running container.  Without containerd and ctr
# (this machine cannot install them) every check SKIPs with that reason.
# Never run here: kept to plain ctr commands; see tests/oci/docker_shaped.sh
# for what is checked without containerd.
# usage: containerd.sh path/to/xlibos-runtime [path/to/rootfs]
set -u
# shellcheck source-path=SCRIPTDIR source=suite_init.sh
. "$(dirname "$0")/suite_init.sh"

checks="run --rm: stdio and exit status|--env|--cwd|--read-only|--mount bind|task kill"
skip_all() { skip_checks ctr "$1"; }
command -v containerd >/dev/null 2>&1 ||
	skip_all "containerd is not installed (Debian's containerd; this machine has no network to install it)"
command -v ctr >/dev/null 2>&1 || skip_all "ctr is not installed (Debian's containerd)"
command -v containerd-shim-runc-v2 >/dev/null 2>&1 || skip_all "containerd-shim-runc-v2 is not installed"
runc=$(command -v runc) || skip_all "runc is not installed (scripts/install-deps.sh)"
command -v python3 >/dev/null 2>&1 || skip_all "python3 is needed to write the image archive"
[ "$(id -u)" -eq 0 ] || skip_all "needs root (a rootful containerd)"
[ -d "$rootfs/bin" ] || skip_all "no rootfs at $rootfs (make rootfs)"

C=$scratch/containerd
mkdir -p "$C/root" "$C/state" "$C/runc" "$C/vol"
sock=$C/containerd.sock
cat >"$C/config.toml" <<EOF
version = 2
root = "$C/root"
state = "$C/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$sock"
[ttrpc]
  address = "$sock.ttrpc"
[debug]
  address = "$C/debug.sock"
EOF
CTR="ctr --address $sock --namespace xlibos-test"
containerd_pid=""
cleanup() {
	if [ -n "$containerd_pid" ]; then
		for t in $($CTR task ls -q 2>/dev/null); do
			$CTR task kill -s SIGKILL "$t" >/dev/null 2>&1
			$CTR task delete -f "$t" >/dev/null 2>&1
		done
		for c in $($CTR container ls -q 2>/dev/null); do $CTR container rm "$c" >/dev/null 2>&1; done
		kill "$containerd_pid" 2>/dev/null
		i=0
		while [ $i -lt 100 ] && kill -0 "$containerd_pid" 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
		kill -9 "$containerd_pid" 2>/dev/null
	fi
	grep " $C/" /proc/mounts | awk '{print $2}' | sort -r | while read -r m; do
		umount -l "$m" 2>/dev/null
	done
	rm -rf "$scratch"
}
trap cleanup EXIT
containerd --config "$C/config.toml" >"$C/containerd.log" 2>&1 &
containerd_pid=$!
i=0
while [ $i -lt 300 ] && ! $CTR version >/dev/null 2>&1; do
	kill -0 "$containerd_pid" 2>/dev/null || break
	sleep 0.1
	i=$((i + 1))
done
$CTR version >/dev/null 2>&1 || skip_all "containerd did not start here: $(tail -1 "$C/containerd.log")"

# An OCI image archive of the rootfs: one uncompressed layer, named by
# io.containerd.image.name for `ctr image import`.
IMAGE=docker.io/library/xlibos-ctr-test:1
tar -C "$rootfs" -cf "$C/layer.tar" . &&
python3 - "$C" "$IMAGE" <<'EOF' >"$out" 2>&1
import hashlib, json, os, sys, tarfile
d, name = sys.argv[1], sys.argv[2]
blobs = os.path.join(d, "oci", "blobs", "sha256")
os.makedirs(blobs)
def put(data):
    h = hashlib.sha256(data).hexdigest()
    open(os.path.join(blobs, h), "wb").write(data)
    return "sha256:" + h, len(data)
layer = open(os.path.join(d, "layer.tar"), "rb").read()
ldig, lsize = put(layer)
config = json.dumps({"architecture": "amd64", "os": "linux",
                     "config": {"Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
                                "Cmd": ["sh"]},
                     "rootfs": {"type": "layers", "diff_ids": [ldig]}}).encode()
cdig, csize = put(config)
manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                       "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                                  "digest": cdig, "size": csize},
                       "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar",
                                   "digest": ldig, "size": lsize}]}).encode()
mdig, msize = put(manifest)
index = {"schemaVersion": 2, "manifests": [{
    "mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": mdig, "size": msize,
    "platform": {"architecture": "amd64", "os": "linux"},
    "annotations": {"io.containerd.image.name": name, "org.opencontainers.image.ref.name": "1"}}]}
open(os.path.join(d, "oci", "index.json"), "w").write(json.dumps(index))
open(os.path.join(d, "oci", "oci-layout"), "w").write('{"imageLayoutVersion": "1.0.0"}')
with tarfile.open(os.path.join(d, "image.tar"), "w") as t:
    for entry in ("oci-layout", "index.json", "blobs"):
        t.add(os.path.join(d, "oci", entry), entry)
EOF
[ $? -eq 0 ] || skip_all "cannot write the image archive: $(tail -1 "$out")"
$CTR image import "$C/image.tar" >"$out" 2>&1 || skip_all "ctr image import failed: $(tail -1 "$out")"
n=0
# crun RUNTIME [ctr run options] -- CMD...: `ctr run --rm` with RUNTIME (runc or xlibos).
crun() {
	rt=$1
	shift
	bin=$runc
	[ "$rt" = xlibos ] && bin=$runtime
	n=$((n + 1))
	timeout 60 $CTR run --rm --snapshotter native --runc-binary "$bin" --runc-root "$C/runc" "$@"
}
# same DESC [ctr run options] -- CMD...: stdout, stderr, exit status as runc's.
same() {
	desc=$1
	shift
	opts=""
	while [ "$1" != -- ]; do opts="$opts $1"; shift; done
	shift
	# shellcheck disable=SC2086
	crun runc $opts "$IMAGE" "r$n" "$@" >"$scratch/r.out" 2>"$scratch/r.err" </dev/null
	rr=$?
	# shellcheck disable=SC2086
	crun xlibos $opts "$IMAGE" "x$n" "$@" >"$scratch/x.out" 2>"$scratch/x.err" </dev/null
	xr=$?
	if [ "$rr" -eq "$xr" ] && cmp -s "$scratch/r.out" "$scratch/x.out" &&
	   cmp -s "$scratch/r.err" "$scratch/x.err"; then
		ok "ctr $desc (exit $xr, as runc)"
	else
		not_ok "ctr $desc" "runc: exit $rr, xlibos: exit $xr
$(diff "$scratch/r.out" "$scratch/x.out"; diff "$scratch/r.err" "$scratch/x.err")"
	fi
}
echo "from the host" >"$C/vol/f"
same "run --rm: stdio and exit status" -- sh -c 'echo out; echo err >&2; exit 3'
same "--env" --env FOO=bar -- sh -c 'echo "$FOO"'
same "--cwd" --cwd /tmp -- pwd
same "--read-only" --read-only -- sh -c 'touch /x 2>/dev/null || echo read-only'
same "--mount bind" --mount "type=bind,src=$C/vol,dst=/vol,options=rbind:ro" -- sh -c 'cat /vol/f; touch /vol/x 2>/dev/null || echo read-only'

# ctr task kill of a running container: SIGTERM by number through the
# shim; sh as PID 1 ignores it, SIGKILL ends it.
for rt in runc xlibos; do
	bin=$runc
	[ "$rt" = xlibos ] && bin=$runtime
	$CTR run -d --snapshotter native --runc-binary "$bin" --runc-root "$C/runc" "$IMAGE" "k-$rt" \
		sh -c 'while :; do sleep 1; done' >/dev/null 2>&1
	sleep 1
	$CTR task kill "k-$rt" >/dev/null 2>&1
	sleep 1
	$CTR task ls | grep -q "k-$rt .*RUNNING" && echo "TERM ignored" >"$scratch/kill.$rt"
	$CTR task kill -s SIGKILL "k-$rt" >/dev/null 2>&1
	i=0
	while [ $i -lt 100 ] && $CTR task ls | grep -q "k-$rt .*RUNNING"; do sleep 0.1; i=$((i + 1)); done
	$CTR task ls | grep "k-$rt " | awk '{print $3}' >>"$scratch/kill.$rt"
	$CTR task delete "k-$rt" >/dev/null 2>&1
	$CTR container rm "k-$rt" >/dev/null 2>&1
done
cmp -s "$scratch/kill.runc" "$scratch/kill.xlibos" && ok "ctr task kill (TERM, then KILL): $(tr '\n' ' ' <"$scratch/kill.xlibos")(as runc)" ||
	not_ok "ctr task kill" "runc: $(cat "$scratch/kill.runc"), xlibos: $(cat "$scratch/kill.xlibos")"
summary
