#!/bin/sh
# Build (once) a Debian bookworm minbase root file system with python3,
# sqlite3 and apt, for the storage tests and make bench-storage, and the
# servers of the network tests and make bench-net (Debian's nginx with its
# default configuration, redis-server, iperf3):
#   debootstrap --variant=minbase --include=python3,sqlite3,...,nginx bookworm OUTDIR MIRROR
# MIRROR is $DEBIAN_MIRROR, else the first Debian mirror serving bookworm in
# /etc/apt/sources.list or /etc/apt/sources.list.d/*.
# Cached: OUTDIR.stamp records what was built; a second call with the same
# recipe prints OUTDIR and returns at once.  The tree is built in a temporary
# directory beside OUTDIR and renamed, so an interrupted build never leaves a
# half tree behind a stamp.  Needs root (debootstrap makes device nodes and
# chroots).  Prints the path of the tree on its last line of stdout.
# usage: make-debian-rootfs.sh [OUTDIR]   (default build/debian-rootfs)
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/build/debian-rootfs}
suite=bookworm
packages=python3,sqlite3,perl,openssl,ca-certificates,curl,iproute2,procps,nginx,redis-server,iperf3
# Part of the stamp: change it and every cache is rebuilt.
recipe="debootstrap minbase $suite include=$packages v5"

say() { echo "make-debian-rootfs: $*" >&2; }

if [ -f "$out.stamp" ] && [ -d "$out" ] && [ "$(cat "$out.stamp")" = "$recipe" ]; then
	echo "$out"
	exit 0
fi

if ! command -v debootstrap >/dev/null 2>&1; then
	say "debootstrap not found (apt-get install debootstrap, or scripts/install-deps.sh)"
	exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
	say "debootstrap needs root"
	exit 1
fi

# The machine's Debian mirror: one-line "deb URI SUITE ..." entries and
# deb822 "URIs:"/"Suites:" stanzas; a security or ports archive is not it.
find_mirror() {
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
		 /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk -v suite="$suite" '
			function pick(uri) {
				if (uri ~ /security|ports/) return
				print uri; found = 1; exit
			}
			/^[ \t]*deb[ \t]/ {
				i = 2
				if ($i ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
				if ($(i + 1) == suite) pick($i)
				next
			}
			/^[ \t]*$/ {
				if (uris != "" && suites ~ "(^| )" suite "( |$)" && types ~ /(^| )deb( |$)/) {
					split(uris, u, " "); pick(u[1])
				}
				uris = suites = types = ""; next
			}
			tolower($1) == "uris:"   { $1 = ""; uris = $0 }
			tolower($1) == "suites:" { $1 = ""; suites = $0 " " }
			tolower($1) == "types:"  { $1 = ""; types = $0 " " }
			END {
				if (!found && uris != "" && suites ~ "(^| )" suite "( |$)" && types ~ /(^| )deb( |$)/) {
					split(uris, u, " "); print u[1]
				}
			}' "$f" | sed 's/^ *//'
	done | head -n 1
}

mirror=${DEBIAN_MIRROR:-$(find_mirror)}
if [ -z "$mirror" ]; then
	say "no Debian $suite mirror in /etc/apt/sources.list*; set DEBIAN_MIRROR"
	exit 1
fi

mkdir -p "$(dirname "$out")"
tmp=$(mktemp -d "$out.tmp.XXXXXX")
# debootstrap mounts /proc and /sys in the target; a failed run may leave
# them mounted, and rm -rf must not walk into them.
cleanup() {
	for m in proc sys dev/pts dev; do
		mountpoint -q "$tmp/$m" 2>/dev/null && umount -l "$tmp/$m"
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say "debootstrap $suite (minbase + $packages) from $mirror into $out (a few minutes)"
start=$(date +%s)
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
set -- --variant=minbase --include="$packages"
[ -f "$keyring" ] && set -- "$@" --keyring="$keyring"
if ! debootstrap "$@" "$suite" "$tmp" "$mirror" >"$tmp.log" 2>&1; then
	tail -n 20 "$tmp.log" >&2
	say "debootstrap failed (log: $tmp.log)"
	exit 1
fi
# Downloaded packages and the archive's package lists are not part of an
# image (Debian's own container images ship without them, ~60 MB that apt
# would turn into a 70 MB cache in every container); apt works without.
rm -f "$tmp"/var/cache/apt/archives/*.deb "$tmp"/var/cache/apt/*.bin
find "$tmp/var/lib/apt/lists" -mindepth 1 -maxdepth 1 -type f ! -name lock -delete
# As in an unpacked OCI image, /dev is an empty directory: the container
# runtime provides the devices.
find "$tmp/dev" -mindepth 1 -delete
# mktemp made it 0700; a root directory is 0755.
chmod 0755 "$tmp"
for need in usr/bin/python3 usr/bin/sqlite3 usr/bin/apt usr/sbin/nginx \
	    usr/bin/redis-server usr/bin/iperf3; do
	if [ ! -x "$tmp/$need" ]; then
		say "the new tree lacks /$need"
		exit 1
	fi
done

rm -rf "$out" "$out.stamp"
mv "$tmp" "$out"
rm -f "$tmp.log"
printf '%s\n' "$recipe" >"$out.stamp"
say "done in $(($(date +%s) - start)) s: $(du -sm "$out" | cut -f1) MB"
echo "$out"
