#!/bin/sh
# Install what building and testing xlibos needs (Debian 12).  Idempotent
# and quiet when everything is already present.
# usage: install-deps.sh [--bench | --fuzz | --bench-net]
set -eu

PACKAGES="linux-source-6.1 build-essential flex bison bc cpio kmod \
libelf-dev libssl-dev libcapstone-dev libxxhash-dev pkg-config musl-tools busybox-static \
python3 xz-utils patch time procps gawk libcap-dev libpopt-dev rsync libseccomp-dev \
debootstrap e2fsprogs sqlite3 runc libslirp-dev libmnl-dev iproute2 curl"
# SHA-256 for the loader's and the runtime's caches: nettle (sha256_of.h)
PACKAGES="$PACKAGES nettle-dev"
# xlibos-runtime (loader/oci/): config.json through libjansson (strict types,
# duplicate keys refused); tests/oci drive it with podman and compare with runc.
PACKAGES="$PACKAGES libjansson-dev podman"
# tests/oci/exec.sh drives podman run -it and exec -it in a tmux terminal
PACKAGES="$PACKAGES tmux"
# tests/oci/rootless.sh: rootless podman maps its user's subordinate ids
PACKAGES="$PACKAGES uidmap"
# tests/guest/debug (strace -f and gdb inside a container) and the
# capabilities kselftest (libcap-ng, static)
PACKAGES="$PACKAGES strace gdb libcap-ng-dev"
# --bench: also what make bench compares with (ptrace UML, 116 MB)
if [ "${1:-}" = --bench ]; then
	PACKAGES="$PACKAGES user-mode-linux"
fi
# --fuzz: also AFL++ (afl-fuzz, afl-clang-fast) for make fuzz
if [ "${1:-}" = --fuzz ]; then
	PACKAGES="$PACKAGES afl++"
fi
# --bench-net: also the clients of make bench-net (the servers are in the
# Debian test tree)
if [ "${1:-}" = --bench-net ]; then
	PACKAGES="$PACKAGES wrk redis-tools iperf3"
fi

# Optional: Docker and containerd for tests/oci/docker.sh and containerd.sh,
# which skip without them.  Tried with whatever package lists apt has (no
# update of their own), only if the mirror's name resolves within 3 s
# (offline, apt would spend minutes failing); failing is a warning, never
# an error (this CI machine has no mirror).
OPTIONAL="docker.io containerd"
opt_missing=""
for p in $OPTIONAL; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		opt_missing="$opt_missing $p"
	fi
done
if [ -n "$opt_missing" ]; then
	opt_sudo=""
	[ "$(id -u)" -eq 0 ] || opt_sudo=sudo
	# shellcheck disable=SC2086
	opt_host=$(apt-get install --print-uris -qq $opt_missing 2>/dev/null |
		sed -n "s|^'[a-z]*://\([^/:']*\).*|\1|p" | head -1)
	# shellcheck disable=SC2086
	if [ -z "$opt_host" ] || ! timeout 3 getent hosts "$opt_host" >/dev/null 2>&1 ||
	   ! DEBIAN_FRONTEND=noninteractive timeout 600 $opt_sudo apt-get install -y -qq \
		--no-install-recommends -o Acquire::http::Timeout=10 $opt_missing >/dev/null 2>&1; then
		echo "install-deps: warning: optional$opt_missing not installed (tests/oci/docker.sh and containerd.sh will skip)" >&2
	fi
fi

missing=""
for p in $PACKAGES; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

echo "install-deps: installing$missing"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
