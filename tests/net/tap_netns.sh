#!/bin/sh
# --net tap:IFNAME and --net netns:PATH, in network namespaces this test
# makes (never the host's own interfaces; addresses in 10.201.0.0/24,
# 10.202.0.0/24, fd20:1::/64 and fd20:2::/64 exist only inside them):
#   tap:   a TAP device in a "host" namespace with the host side's address;
#          the guest's eth0 gets ip=/gw=/ip6= and the device's MTU;
#          servers both ways, 100 MB each way with matching sha256, IPv6,
#          a second container on the same device refused, a SIGKILL in
#          the middle of a transfer (no process left, the device reusable).
#   netns: a namespace prepared as CNI's bridge/ptp plugins and podman do
#          (a veth "eth0" with an address, a default route, MTU 1400); the
#          guest's eth0 has its MAC, addresses, routes and MTU, the
#          namespace's own stack has none while the container runs and
#          gets them back when it ends; servers both ways, 100 MB each way,
#          IPv6, a SIGKILL mid-transfer.
#   bad options and namespaces: clear errors, exit 125, nothing started.
# usage: tap_netns.sh path/to/xlibos [path/to/rootfs]
set -u
if [ $# -lt 1 ] || [ ! -x "$1" ]; then
	echo "usage: $0 path/to/xlibos [path/to/rootfs]" >&2
	exit 2
fi
xlibos=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
rootfs=${2:-$top/build/rootfs}
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$here/../lib.sh"
# shellcheck source=lib_net.sh
. "$here/lib_net.sh"

if [ "$(id -u)" != 0 ] || ! command -v ip >/dev/null || ! [ -c /dev/net/tun ]; then
	skip "TAP and network namespace back ends" "needs root, iproute2 and /dev/net/tun"
	summary
	exit
fi
ns_h=xlnt-h-$$
ns_c=xlnt-c-$$
scratch=$(mktemp -d)
out=$scratch/out
bg_pids=""
cleanup() {
	for p in $bg_pids; do kill -9 "$p" 2>/dev/null; done
	ip netns del "$ns_c" 2>/dev/null
	ip netns del "$ns_c-e" 2>/dev/null
	ip netns del "$ns_h" 2>/dev/null
	rm -rf "$scratch"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

in_h() { ip netns exec "$ns_h" "$@"; }
sum_of() { sha256sum "$1" | cut -c1-64; }
# loader_left PATTERN: processes of a container whose command line has PATTERN.
loader_left() { pgrep -f -- "$1" >/dev/null; }

ip netns add "$ns_h" && ip -n "$ns_h" link set lo up || {
	not_ok "make a network namespace" "ip netns add failed"
	summary
	exit
}
mkdir -p "$scratch/www"
echo "hello from the host side" >"$scratch/www/index.html"
head -c 100M /dev/urandom >"$scratch/www/big"
big_sum=$(sum_of "$scratch/www/big")
ip netns exec "$ns_h" busybox httpd -f -p 8080 -h "$scratch/www" &
bg_pids="$bg_pids $!"

# A guest that serves a 100 MB file of its own on :80 (its sha256 first).
serve_big='mkdir /w && head -c 104857600 /dev/urandom >/w/big && sha256sum /w/big && echo index >/w/index.html && exec httpd -f -p 80 -h /w'

# run_x ARGS...: xlibos run in the host side namespace.
run_x() { in_h "$xlibos" run "$@"; }
# both_ways NAME NETOPT GUESTADDR HOSTADDR HOSTADDR6 GUESTADDR6: the checks common to both modes.
both_ways() {
	name=$1 net=$2 gaddr=$3 haddr=$4 haddr6=$5 gaddr6=$6
	expect "$name: guest wget -> host side $haddr:8080" 0 "hello from the host side" \
		run_x --net "$net" --rootfs "$rootfs" -- \
		wget -q -O - "http://$haddr:8080/index.html"
	expect "$name: guest wget -> host side [$haddr6]:8080 (IPv6)" 0 "hello from the host side" \
		run_x --net "$net" --rootfs "$rootfs" -- \
		wget -q -O - "http://[$haddr6]:8080/index.html"
	expect "$name: 100 MB host side -> guest, sha256 matches" 0 "$big_sum" \
		run_x --net "$net" --mem 256M --rootfs "$rootfs" -- \
		sh -c "wget -q -O - http://$haddr:8080/big | sha256sum"
	# In the background: ip netns exec execs xlibos, so $! is the loader.
	ip netns exec "$ns_h" "$xlibos" run --net "$net" --mem 384M --rootfs "$rootfs" -- \
		sh -c "$serve_big" >"$scratch/big.out" 2>&1 &
	c=$!
	bg_pids="$bg_pids $c"
	if wait_for 300 has_text "$scratch/big.out" /w/big &&
	   in_h curl -sS -m 60 --retry 5 --retry-connrefused -o "$scratch/got" "http://$gaddr/big" &&
	   [ "$(sum_of "$scratch/got")" = "$(cut -c1-64 "$scratch/big.out")" ]; then
		ok "$name: 100 MB guest -> host side curl $gaddr, sha256 matches"
	else
		not_ok "$name: 100 MB guest -> host side curl $gaddr, sha256 matches" "$(cat "$scratch/big.out")"
	fi
	if in_h curl -sS -m 10 -o "$out" "http://[$gaddr6]/index.html" && grep -q index "$out"; then
		ok "$name: host side curl [$gaddr6] (IPv6) -> guest httpd"
	else
		not_ok "$name: host side curl [$gaddr6] (IPv6) -> guest httpd" "$(cat "$out")"
	fi
	rm -f "$scratch/got"
	kill "$c"
	wait_for 150 gone "$c" || kill -9 "$c"
	# SIGKILL while the guest downloads: the container's processes go.
	ip netns exec "$ns_h" "$xlibos" run --net "$net" --mem 256M --rootfs "$rootfs" -- \
		sh -c "echo started; while :; do wget -q -O /dev/null http://$haddr:8080/big; done # kill-$name" \
		>"$scratch/kill.out" 2>&1 &
	c=$!
	bg_pids="$bg_pids $c"
	if wait_for 300 has_text "$scratch/kill.out" started; then
		sleep 1
		kill -KILL "$c"
		wait "$c" 2>/dev/null
		if wait_for 100 eval "! loader_left 'done # kill-$name'"; then
			ok "$name: SIGKILL mid-transfer: no process left"
		else
			not_ok "$name: SIGKILL mid-transfer: no process left" "$(pgrep -af -- "kill-$name")"
		fi
	else
		not_ok "$name: SIGKILL mid-transfer" "$(cat "$scratch/kill.out")"
	fi
}

# --- tap: --------------------------------------------------------------------
ip -n "$ns_h" tuntap add dev xt0 mode tap &&
	ip -n "$ns_h" addr add 10.201.0.1/24 dev xt0 &&
	ip -n "$ns_h" addr add fd20:1::1/64 dev xt0 nodad &&
	ip -n "$ns_h" link set xt0 up
tap="tap:xt0,ip=10.201.0.2/24,gw=10.201.0.1,ip6=fd20:1::2/64,gw6=fd20:1::1"
in_h "$xlibos" run --net "$tap" --hostname web1 --rootfs "$rootfs" -- \
	sh -c 'ip addr show eth0; ip route; hostname' >"$out" 2>&1
if grep -q "inet 10.201.0.2/24" "$out" && grep -q "inet6 fd20:1::2/64" "$out" &&
   grep -q "mtu 1500" "$out" && grep -q "default via 10.201.0.1 dev eth0" "$out" &&
   grep -qx web1 "$out"; then
	ok "tap: eth0 has ip=, ip6=, the device's MTU 1500, the default route; --hostname"
else
	not_ok "tap: eth0 has ip=, ip6=, the device's MTU 1500, the default route; --hostname" "$(cat "$out")"
fi
both_ways tap "$tap" 10.201.0.2 10.201.0.1 fd20:1::1 fd20:1::2
# One container per TAP device (it has one queue).
ip netns exec "$ns_h" "$xlibos" run --net "$tap" --rootfs "$rootfs" -- sleep 20 >"$scratch/first.out" 2>&1 &
c=$!
bg_pids="$bg_pids $c"
sleep 1
expect "tap: a second container on the same device is refused" 125 "another process has it" \
	in_h "$xlibos" run --net "$tap" --rootfs "$rootfs" -- true
kill "$c"
wait_for 150 gone "$c"
expect "tap: the device is usable again after its container ended" 0 "hello from the host side" \
	in_h "$xlibos" run --net "$tap" --rootfs "$rootfs" -- \
	wget -q -O - "http://10.201.0.1:8080/index.html"
expect "tap: a device that does not exist" 125 "no such network interface" \
	in_h "$xlibos" run --net "tap:nope0,ip=10.201.0.2/24" --rootfs "$rootfs" -- true
expect "tap: an interface that is not a TAP device" 125 "it is not a TAP device" \
	in_h "$xlibos" run --net "tap:lo,ip=10.201.0.2/24" --rootfs "$rootfs" -- true
expect "tap: ip= missing" 125 "needs ip=ADDR/PREFIX" \
	"$xlibos" run --net "tap:xt0" --rootfs "$rootfs" -- true
expect "tap: a gateway outside the subnet" 125 "is not another address of" \
	"$xlibos" run --net "tap:xt0,ip=10.201.0.2/24,gw=10.9.9.9" --rootfs "$rootfs" -- true
expect "tap: an unknown key" 125 "unknown key 'mtu'" \
	"$xlibos" run --net "tap:xt0,ip=10.201.0.2/24,mtu=9000" --rootfs "$rootfs" -- true
expect "tap: -p is for --net user" 125 "--publish needs --net user" \
	"$xlibos" run --net "$tap" -p 8080:80 --rootfs "$rootfs" -- true

# --- netns: ------------------------------------------------------------------
ip netns add "$ns_c" && ip -n "$ns_c" link set lo up &&
	ip -n "$ns_h" link add vh0 type veth peer name eth0 netns "$ns_c" &&
	ip -n "$ns_h" addr add 10.202.0.1/24 dev vh0 &&
	ip -n "$ns_h" addr add fd20:2::1/64 dev vh0 nodad &&
	ip -n "$ns_h" link set vh0 up &&
	ip -n "$ns_c" link set eth0 mtu 1400 &&
	ip -n "$ns_c" addr add 10.202.0.2/24 dev eth0 &&
	ip -n "$ns_c" addr add fd20:2::2/64 dev eth0 nodad &&
	ip -n "$ns_c" link set eth0 up &&
	ip -n "$ns_c" route add default via 10.202.0.1 &&
	ip -n "$ns_c" -6 route add default via fd20:2::1
mac=$(ip -n "$ns_c" -br link show eth0 | awk '{print $3}')
netns="netns:/run/netns/$ns_c"
in_h "$xlibos" run --net "$netns" --rootfs "$rootfs" -- \
	sh -c 'ip addr show eth0; ip route; ip -6 route' >"$out" 2>&1
if grep -q "link/ether $mac" "$out" && grep -q "inet 10.202.0.2/24" "$out" &&
   grep -q "inet6 fd20:2::2/64" "$out" && grep -q "mtu 1400" "$out" &&
   grep -q "default via 10.202.0.1 dev eth0" "$out" && grep -q "default via fd20:2::1 dev eth0" "$out"; then
	ok "netns: eth0 has the namespace's MAC, addresses, MTU 1400 and default routes"
else
	not_ok "netns: eth0 has the namespace's MAC, addresses, MTU 1400 and default routes" \
		"want $mac; $(cat "$out")"
fi
# While a container runs, the namespace's own stack has no address (it
# would answer for the guest); when it ends, the addresses and default
# routes are back (CNI plugins look the address up there to tear down).
state_of_ns() {
	{ ip -n "$ns_c" -o addr show eth0 | awk '$3 != "inet6" || $4 !~ /^fe80/ {print $3, $4}'
	  ip -n "$ns_c" route show default; ip -n "$ns_c" -6 route show default | cut -d' ' -f1-5; } |
		LC_ALL=C sort
}
state_of_ns >"$scratch/ns.before"
ip netns exec "$ns_h" "$xlibos" run --net "$netns" --rootfs "$rootfs" -- \
	sh -c 'echo up; sleep 3' >"$scratch/hold.out" 2>&1 &
c=$!
bg_pids="$bg_pids $c"
if wait_for 300 has_text "$scratch/hold.out" up && ! ip -n "$ns_c" addr show eth0 | grep -q "inet"; then
	ok "netns: while the container runs, the namespace's own stack has no address"
else
	not_ok "netns: while the container runs, the namespace's own stack has no address" \
		"$(ip -n "$ns_c" addr show eth0)"
fi
wait_for 150 gone "$c"
state_of_ns >"$scratch/ns.after"
if [ -s "$scratch/ns.before" ] && cmp -s "$scratch/ns.before" "$scratch/ns.after"; then
	ok "netns: when it ends, the namespace has its addresses and default routes back"
else
	not_ok "netns: when it ends, the namespace has its addresses and default routes back" \
		"$(diff "$scratch/ns.before" "$scratch/ns.after")"
fi
# An interface without an IPv4 address: nothing to take, a clear error.
ip -n "$ns_c" addr del 10.202.0.2/24 dev eth0
expect "netns: a namespace whose interface has no address" 125 "has no IPv4 address" \
	in_h "$xlibos" run --net "$netns" --rootfs "$rootfs" -- true
ip -n "$ns_c" addr add 10.202.0.2/24 dev eth0
ip -n "$ns_c" route add default via 10.202.0.1
both_ways netns "$netns" 10.202.0.2 10.202.0.1 fd20:2::1 fd20:2::2
# A supervisor killed with SIGKILL gives nothing back: as CNI would after
# such a crash, set the namespace up again.
ip -n "$ns_c" addr add 10.202.0.2/24 dev eth0 2>/dev/null
ip -n "$ns_c" route add default via 10.202.0.1 2>/dev/null
expect "netns: a path that does not exist" 125 "No such file or directory" \
	"$xlibos" run --net netns:/run/netns/xlnt-none-$$ --rootfs "$rootfs" -- true
expect "netns: a namespace of another type" 125 "not a network namespace" \
	"$xlibos" run --net netns:/proc/self/ns/pid --rootfs "$rootfs" -- true
mkfifo "$scratch/fifo"
expect "netns: a FIFO (no hang)" 125 "not a network namespace" \
	timeout 20 "$xlibos" run --net "netns:$scratch/fifo" --rootfs "$rootfs" -- true
expect "netns: a relative path" 125 "needs an absolute path" \
	"$xlibos" run --net netns:run/netns/x --rootfs "$rootfs" -- true
ip netns add "$ns_c-e"
if "$xlibos" run --net "netns:/run/netns/$ns_c-e" --rootfs "$rootfs" -- ip -o link >"$out" 2>&1 &&
   [ "$(grep -c . "$out")" = 1 ] && grep -q "1: lo:" "$out"; then
	ok "netns: a namespace with only lo (podman's --network none) gives only lo"
else
	not_ok "netns: a namespace with only lo (podman's --network none) gives only lo" "$(cat "$out")"
fi
ip netns del "$ns_c-e"
expect "netns: an interface named with if= that is not there" 125 "no Ethernet interface 'eth9'" \
	"$xlibos" run --net "$netns,if=eth9" --rootfs "$rootfs" -- true
ip -n "$ns_c" link add xd0 type veth peer name xd1 2>/dev/null && ip -n "$ns_c" link set xd0 up
if ip -n "$ns_c" link show xd0 >/dev/null 2>&1; then
	expect "netns: two Ethernet interfaces up: choose one" 125 "choose one with ,if=NAME" \
		"$xlibos" run --net "$netns" --rootfs "$rootfs" -- true
	expect "netns: ,if=eth0 chooses" 0 "inet 10.202.0.2/24" \
		"$xlibos" run --net "$netns,if=eth0" --rootfs "$rootfs" -- ip addr show eth0
else
	skip "netns: two Ethernet interfaces up" "cannot add a second veth pair"
	skip "netns: ,if=eth0 chooses" "cannot add a second veth pair"
fi

summary
