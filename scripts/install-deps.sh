#!/bin/sh
# Install what building and testing xlibos needs (Debian 12).  Idempotent
# and quiet when everything is already present.
# usage: install-deps.sh [--bench | --fuzz | --bench-net]
set -eu

PACKAGES="linux-source-6.1 build-essential flex bison bc cpio kmod \
libelf-dev libssl-dev libcapstone-dev libxxhash-dev pkg-config musl-tools busybox-static \
python3 xz-utils patch time procps gawk libcap-dev libpopt-dev rsync libseccomp-dev \
debootstrap e2fsprogs sqlite3 runc libslirp-dev libmnl-dev iproute2 curl"
# xlibos-runtime (loader/oci/): config.json through libjansson (strict types,
# duplicate keys refused); tests/oci drive it with podman and compare with runc.
PACKAGES="$PACKAGES libjansson-dev podman"
# tests/oci/exec.sh drives podman run -it and exec -it in a tmux terminal
PACKAGES="$PACKAGES tmux"
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
