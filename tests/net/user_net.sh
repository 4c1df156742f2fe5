#!/bin/sh
# --net user: the guest's eth0 (Linux's virtio_net) served by libslirp in
# the supervisor, and -p/--publish as "docker run -p".  Only loopback
# addresses on the host: a guest httpd fetched through a published port,
# a guest client reaching a host server through the gateway (10.0.2.2 is
# the host's loopback for the guest with allow-host-loopback; refused by
# default), UDP both ways, 100 MB each way with matching sha256, 1000
# connections at once, a container killed with SIGKILL in the middle of a
# transfer (the port is free again, no process left), the guest's view
# (ip addr, ip route, resolv.conf, hosts, hostname), bad options; first
# the device alone with malformed frames (tests/net/virtio_net_test.c).
# usage: user_net.sh path/to/xlibos [path/to/rootfs]
set -u
if [ $# -lt 1 ] || [ ! -x "$1" ]; then
	echo "usage: $0 path/to/xlibos [path/to/rootfs]" >&2
	exit 2
fi
xlibos=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
rootfs=${2:-$top/build/rootfs}
debian=$top/build/debian-rootfs
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$here/../lib.sh"
# shellcheck source=lib_net.sh
. "$here/lib_net.sh"

# Host ports for this run (only ever bound on 127.0.0.1).
base=$((20000 + $$ % 20000))
p_http=$base p_host=$((base + 1)) p_udp=$((base + 2)) p_udp_host=$((base + 3))
p_big=$((base + 4)) p_kill=$((base + 5)) p_busy=$((base + 6)) p_conc=$((base + 7))
bg_pids=""
cleanup() {
	for p in $bg_pids; do kill -9 "$p" 2>/dev/null; done
	rm -rf "$scratch"
}
trap cleanup EXIT

listening() { ss -Htln "sport = :$1" 2>/dev/null | grep -q .; }

# --- the device alone, driven as a hostile guest would, and the guard -----
if ! make --no-print-directory -s -C "$top/loader" net-test-build >"$out" 2>&1; then
	not_ok "build tests/net/virtio_net_test and host_alias_guard_test" "$(tail -n 5 "$out")"
else
	c_test "$top/build/tests/net/virtio_net_test" device
	c_test "$top/build/tests/net/host_alias_guard_test" guard
fi

if ! command -v curl >/dev/null || ! command -v ss >/dev/null; then
	skip "every network test" "needs curl and ss on the host"
	summary
	exit
fi

# --- options --------------------------------------------------------------
expect "--net bogus is refused" 125 "invalid --net 'bogus'" \
	"$xlibos" run --net bogus --rootfs "$rootfs" -- true
expect_one_line "--net bogus: one line"
expect "-p with one number is refused" 125 "expected [HOSTIP:]HOSTPORT:GUESTPORT" \
	"$xlibos" run --net user -p 80 --rootfs "$rootfs" -- true
expect "-p with port 0 is refused" 125 "ports 1 to 65535" \
	"$xlibos" run --net user -p 0:80 --rootfs "$rootfs" -- true
expect "-p /sctp is refused" 125 "--publish '1:2/sctp'" \
	"$xlibos" run --net user -p 1:2/sctp --rootfs "$rootfs" -- true
expect "-p with a host name is refused" 125 "must be an IPv4 address" \
	"$xlibos" run --net user -p localhost:1:2 --rootfs "$rootfs" -- true
expect "-p with --net none is refused" 125 "--publish needs --net user" \
	"$xlibos" run --net none -p 127.0.0.1:$p_busy:80 --rootfs "$rootfs" -- true
# A busy host port fails the start, as docker run -p does.
python3 -c "
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1', $p_busy)); s.listen(); time.sleep(30)" &
busy=$!
bg_pids="$bg_pids $busy"
if wait_for 50 listening "$p_busy"; then
	expect "a busy host port fails the start" 125 "cannot listen on the host" \
		"$xlibos" run --net user -p "127.0.0.1:$p_busy:80" --rootfs "$rootfs" -- true
	expect_one_line "busy port: one line"
else
	not_ok "a busy host port fails the start" "could not occupy port $p_busy"
fi
kill "$busy" 2>/dev/null

# --- the guest's view -----------------------------------------------------
expect "--net user: eth0 has 10.0.2.15/24 and MTU 65520" 0 "inet 10.0.2.15/24" \
	"$xlibos" run --net user --rootfs "$rootfs" -- ip addr show eth0
if grep -q "mtu 65520" "$out" && grep -q "link/ether 52:54:00:12:34:56" "$out"; then
	ok "eth0: MTU 65520, MAC 52:54:00:12:34:56"
else
	not_ok "eth0: MTU 65520, MAC 52:54:00:12:34:56" ""
fi
expect "--net user: default route via 10.0.2.2" 0 "default via 10.0.2.2 dev eth0" \
	"$xlibos" run --net user --rootfs "$rootfs" -- ip route
expect "--net user: IPv6 fd00::15/64, default route via fd00::2" 0 "default via fd00::2 dev eth0" \
	"$xlibos" run --net user --rootfs "$rootfs" -- sh -c 'ip -6 addr show eth0; ip -6 route'
if grep -q "inet6 fd00::15/64" "$out"; then ok "eth0 has fd00::15/64"
else not_ok "eth0 has fd00::15/64" ""; fi
expect "--net user: resolv.conf names 10.0.2.3" 0 "nameserver 10.0.2.3" \
	"$xlibos" run --net user --rootfs "$rootfs" -- cat /etc/resolv.conf
expect "--net user: /etc/hosts names the container" 0 "10.0.2.15	" \
	"$xlibos" run --net user --rootfs "$rootfs" -- cat /etc/hosts
if [ -f "$rootfs/etc/hostname" ]; then
	want=$(cat "$rootfs/etc/hostname")
	expect "--net user: the image's own /etc/hostname is kept" 0 "" \
		"$xlibos" run --net user --rootfs "$rootfs" -- cat /etc/hostname
	if [ "$(cat "$out")" = "$want" ]; then ok "/etc/hostname is the image's"
	else not_ok "/etc/hostname is the image's" "want: $want"; fi
fi
if [ ! -e "$rootfs/etc/resolv.conf" ] && [ ! -e "$rootfs/etc/hosts" ]; then
	ok "the image itself was not changed (no resolv.conf, no hosts)"
else
	not_ok "the image itself was not changed" "$(ls -l "$rootfs/etc")"
fi
expect "--net none: no eth0" 0 "" \
	"$xlibos" run --net none --rootfs "$rootfs" -- sh -c 'ip link; ! ip link show eth0 2>/dev/null'
expect "the guest pings its gateway" 0 "1 packets received" \
	"$xlibos" run --net user --rootfs "$rootfs" -- ping -c 1 -W 5 10.0.2.2

expect "-p alone implies --net user" 0 "inet 10.0.2.15/24" \
	"$xlibos" run -p "127.0.0.1:$p_http:80" --rootfs "$rootfs" -- ip addr show eth0

# --- a guest server through a published port ------------------------------
mkdir -p "$scratch/www"
echo "hello from the guest" >"$scratch/www/index.html"
"$xlibos" run --net user -p "127.0.0.1:$p_http:80" --volume "$scratch/www:/www:ro" \
	--rootfs "$rootfs" -- busybox httpd -f -p 80 -h /www >"$scratch/httpd.out" 2>&1 &
c=$!
bg_pids="$bg_pids $c"
if wait_for 100 listening "$p_http" &&
   curl -sS -m 10 --retry 3 --retry-connrefused "http://127.0.0.1:$p_http/index.html" \
	>"$out" 2>&1 && grep -q "hello from the guest" "$out"; then
	ok "host curl -> 127.0.0.1:$p_http -> guest httpd :80"
else
	not_ok "host curl -> 127.0.0.1:$p_http -> guest httpd :80" "$(cat "$scratch/httpd.out")"
fi
# Who holds what: the supervisor (the loader) has the host sockets; the
# container's host processes are in a network namespace of their own
# with no socket at all.
descendants() {
	for k in $(pgrep -P "$1"); do echo "$k"; descendants "$k"; done
}
sup_ns=$(readlink "/proc/$c/ns/net")
kids=$(descendants "$c")
bad=""
for k in $kids; do
	[ "$(readlink "/proc/$k/ns/net" 2>/dev/null)" = "$sup_ns" ] && bad="$bad $k:host-netns"
	ls -l "/proc/$k/fd" 2>/dev/null | grep -q 'socket:' && bad="$bad $k:socket"
done
if [ -z "$kids" ]; then
	not_ok "container processes: own network namespace, no sockets" "no host processes found"
elif [ -z "$bad" ]; then
	ok "container processes: own network namespace, no sockets; the supervisor holds the port"
else
	not_ok "container processes: own network namespace, no sockets" "$bad"
fi
if ls -l "/proc/$c/fd" | grep -q 'socket:'; then ok "the supervisor holds the host sockets"
else not_ok "the supervisor holds the host sockets" "$(ls -l "/proc/$c/fd")"; fi
kill "$c"
if wait_for 150 gone "$c" && wait_for 20 eval "! listening $p_http"; then
	ok "after the container stops, its host port is free"
else
	not_ok "after the container stops, its host port is free" "$(ss -tlnp | grep ":$p_http")"
fi

# --- a guest client reaching a host server --------------------------------
mkdir -p "$scratch/host"
echo "hello from the host" >"$scratch/host/index.html"
head -c 100M /dev/urandom >"$scratch/host/big"
host_sum=$(sha256sum "$scratch/host/big" | cut -c1-64)
busybox httpd -f -p "127.0.0.1:$p_host" -h "$scratch/host" &
h=$!
bg_pids="$bg_pids $h"
if wait_for 50 listening "$p_host"; then
	expect "guest wget -> 10.0.2.2:$p_host -> host 127.0.0.1 (allow-host-loopback)" 0 \
		"hello from the host" \
		"$xlibos" run --net user,allow-host-loopback --rootfs "$rootfs" -- \
		wget -q -O - "http://10.0.2.2:$p_host/index.html"
	# By default the host's loopback is not the container's: refused at once.
	expect "by default, 10.0.2.2:$p_host is refused (the host's loopback is not reachable)" \
		0 "refused" \
		"$xlibos" run --rootfs "$rootfs" -- sh -c \
		"timeout 10 wget -q -O - http://10.0.2.2:$p_host/index.html 2>&1 | grep -o refused"
	expect "by default, 10.0.2.77 (another alias of slirp's) does not reach the host either" 0 \
		"not reached" \
		"$xlibos" run --net user --rootfs "$rootfs" -- sh -c \
		"timeout 10 wget -q -O - http://10.0.2.77:$p_host/index.html || echo not reached"
	expect "guest ping fd00::2 (IPv6)" 0 "1 packets received" \
		"$xlibos" run --net user --rootfs "$rootfs" -- ping -6 -c 1 -W 5 fd00::2
	expect "100 MB host -> guest, sha256 matches" 0 "$host_sum" \
		"$xlibos" run --net user,allow-host-loopback --mem 256M --rootfs "$rootfs" -- \
		sh -c "wget -q -O - http://10.0.2.2:$p_host/big | sha256sum"
else
	not_ok "host server on 127.0.0.1:$p_host" "busybox httpd did not listen"
fi
kill "$h"
# IPv6: fd00::2 is the host's ::1 for the guest.
busybox httpd -f -p "[::1]:$p_host" -h "$scratch/host" 2>/dev/null &
h=$!
bg_pids="$bg_pids $h"
if wait_for 30 listening "$p_host"; then
	expect "guest wget -> [fd00::2]:$p_host -> host [::1] (IPv6, allow-host-loopback)" 0 \
		"hello from the host" \
		"$xlibos" run --net user,allow-host-loopback --rootfs "$rootfs" -- \
		wget -q -O - "http://[fd00::2]:$p_host/index.html"
	expect "by default, [fd00::2]:$p_host is refused" 0 "refused" \
		"$xlibos" run --rootfs "$rootfs" -- sh -c \
		"timeout 10 wget -q -O - http://[fd00::2]:$p_host/index.html 2>&1 | grep -o refused"
else
	skip "guest wget over IPv6 to the host's ::1" "the host has no ::1"
fi
kill "$h"

# --- 100 MB guest -> host ----------------------------------------------------
"$xlibos" run --net user --mem 384M -p "127.0.0.1:$p_big:80" --rootfs "$rootfs" -- sh -c \
	'mkdir /w && head -c 104857600 /dev/urandom >/w/big && sha256sum /w/big && exec httpd -f -p 80 -h /w' \
	>"$scratch/big.out" 2>&1 &
c=$!
bg_pids="$bg_pids $c"
# Clients that go away mid-download first: the supervisor's writes to
# their sockets fail with EPIPE, which must not kill it (SIGPIPE).
if wait_for 300 has_text "$scratch/big.out" /w/big; then
	for _ in 1 2 3 4 5; do
		curl -sS -m 60 "http://127.0.0.1:$p_big/big" 2>/dev/null | head -c 100000 >/dev/null
	done
	if kill -0 "$c" 2>/dev/null; then ok "clients closing mid-download leave the container running"
	else not_ok "clients closing mid-download leave the container running" "$(cat "$scratch/big.out")"; fi
fi
if wait_for 300 has_text "$scratch/big.out" /w/big &&
   curl -sS -m 60 --retry 3 --retry-connrefused -o "$scratch/got" "http://127.0.0.1:$p_big/big" &&
   [ "$(sha256sum "$scratch/got" | cut -c1-64)" = "$(cut -c1-64 "$scratch/big.out")" ]; then
	ok "100 MB guest -> host, sha256 matches"
else
	not_ok "100 MB guest -> host, sha256 matches" "$(cat "$scratch/big.out")"
fi
rm -f "$scratch/got"
kill "$c"
wait_for 150 gone "$c"

# --- SIGKILL in the middle of a transfer ------------------------------------
"$xlibos" run --net user --mem 256M -p "127.0.0.1:$p_kill:80" --rootfs "$rootfs" -- sh -c \
	'mkdir /w && head -c 67108864 /dev/zero >/w/big && echo ready && exec httpd -f -p 80 -h /w' \
	>"$scratch/kill.out" 2>&1 &
c=$!
bg_pids="$bg_pids $c"
if wait_for 300 has_text "$scratch/kill.out" ready; then
	curl -sS -m 60 --limit-rate 4M -o /dev/null "http://127.0.0.1:$p_kill/big" 2>"$scratch/curl.err" &
	cu=$!
	sleep 1
	kill -9 "$c"
	if wait_for 100 gone "$cu" && wait_for 50 gone "$c" && ! wait "$cu"; then
		ok "SIGKILL mid-transfer: the host client sees the end at once (a short transfer)"
	else
		not_ok "SIGKILL mid-transfer: the host client sees the end at once (a short transfer)" \
			"$(cat "$scratch/curl.err")"
		kill "$cu" 2>/dev/null
	fi
	if wait_for 50 eval "! listening $p_kill"; then
		ok "SIGKILL mid-transfer: host port $p_kill is free again"
	else
		not_ok "SIGKILL mid-transfer: host port $p_kill is free again" "$(ss -tlnp | grep ":$p_kill")"
	fi
	if wait_for 50 eval "! pgrep -f -- '-p 127.0.0.1:$p_kill:80' >/dev/null"; then
		ok "SIGKILL mid-transfer: no process left"
	else
		not_ok "SIGKILL mid-transfer: no process left" "$(pgrep -af -- "-p 127.0.0.1:$p_kill:80")"
	fi
else
	not_ok "SIGKILL mid-transfer" "$(cat "$scratch/kill.out")"
	kill -9 "$c"
fi

# --- UDP both ways, 1000 connections at once (python3 on both sides: the
# Debian rootfs, built here if no suite before has: it is cached) --------------
[ -x "$debian/usr/bin/python3" ] || "$top/scripts/make-debian-rootfs.sh" "$debian" >/dev/null 2>&1
if [ -x "$debian/usr/bin/python3" ] && command -v python3 >/dev/null; then
	mkdir -p "$scratch/py"
	cat >"$scratch/py/server.py" <<'PY'
import asyncio
async def handle(r, w):
    w.write((await r.readline()).upper()); await w.drain(); w.close()
async def main():
    srv = await asyncio.start_server(handle, '0.0.0.0', 7000, backlog=2048)
    print('ready', flush=True)
    async with srv:
        await srv.serve_forever()
asyncio.run(main())
PY
	cat >"$scratch/py/client.py" <<'PY'
import asyncio, sys
async def main(port, n):
    conns = await asyncio.gather(*[asyncio.open_connection('127.0.0.1', port) for _ in range(n)])
    for i, (r, w) in enumerate(conns):
        w.write(b'conn %d\n' % i)
    good = 0
    for i, (r, w) in enumerate(conns):
        good += await asyncio.wait_for(r.readline(), 30) == b'CONN %d\n' % i
        w.close()
    print('%d/%d answered' % (good, n))
asyncio.run(main(int(sys.argv[1]), int(sys.argv[2])))
PY
	"$xlibos" run -p "127.0.0.1:$p_conc:7000" --volume "$scratch/py:/py:ro" --rootfs "$debian" -- \
		python3 /py/server.py >"$scratch/conc.out" 2>&1 &
	c=$!
	bg_pids="$bg_pids $c"
	if wait_for 300 has_text "$scratch/conc.out" ready; then
		expect "1000 connections at once through a published port, each answered" 0 \
			"1000/1000 answered" timeout 60 python3 "$scratch/py/client.py" "$p_conc" 1000
	else
		not_ok "1000 connections at once" "$(cat "$scratch/conc.out")"
	fi
	kill "$c"
	wait_for 150 gone "$c" || kill -9 "$c"

	# guest -> host: a datagram to 10.0.2.2:PORT reaches the host's 127.0.0.1.
	python3 -c "
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('127.0.0.1', $p_udp_host))
s.settimeout(60); data, peer = s.recvfrom(100); s.sendto(data.upper(), peer)
print(data.decode())" >"$scratch/udp_host.out" 2>&1 &
	u=$!
	bg_pids="$bg_pids $u"
	wait_for 100 eval "ss -Huln 'sport = :$p_udp_host' | grep -q ."
	expect "UDP guest -> host 10.0.2.2:$p_udp_host and the answer back (allow-host-loopback)" \
		0 "PING-FROM-GUEST" \
		"$xlibos" run --net user,allow-host-loopback --rootfs "$debian" -- python3 -c "
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(1)
for _ in range(10):  # UDP: a datagram may be lost, as on any network
    s.sendto(b'ping-from-guest', ('10.0.2.2', $p_udp_host))
    try:
        print(s.recv(100).decode()); break
    except socket.timeout:
        pass"
	wait_for 50 gone "$u"
	if grep -q ping-from-guest "$scratch/udp_host.out"; then ok "the host got the guest's datagram"
	else not_ok "the host got the guest's datagram" "$(cat "$scratch/udp_host.out")"; fi
	# host -> guest: -p 127.0.0.1:PORT:5353/udp.
	"$xlibos" run --net user -p "127.0.0.1:$p_udp:5353/udp" --rootfs "$debian" -- python3 -c "
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('0.0.0.0', 5353))
print('ready', flush=True); s.settimeout(60)
data, peer = s.recvfrom(100); s.sendto(data.upper(), peer); print(data.decode())" \
		>"$scratch/udp_guest.out" 2>&1 &
	c=$!
	bg_pids="$bg_pids $c"
	if wait_for 300 has_text "$scratch/udp_guest.out" ready &&
	   python3 -c "
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(2)
for _ in range(10):
    s.sendto(b'ping-from-host', ('127.0.0.1', $p_udp))
    try:
        print(s.recv(100).decode()); sys.exit(0)
    except socket.timeout:
        pass
sys.exit(1)" >"$out" 2>&1 && grep -q PING-FROM-HOST "$out"; then
		ok "UDP host 127.0.0.1:$p_udp -> guest :5353 and the answer back"
	else
		not_ok "UDP host 127.0.0.1:$p_udp -> guest :5353 and the answer back" \
			"$(cat "$scratch/udp_guest.out")"
	fi
	wait_for 100 gone "$c" || kill -9 "$c"
else
	skip "UDP both ways" "needs python3 on the host and build/debian-rootfs"
fi

summary
