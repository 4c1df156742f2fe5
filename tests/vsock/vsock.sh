#!/bin/sh
# The supervisor-to-guest control channel: `xlibos run --control-socket
# PATH` (virtio-vsock, Firecracker's hybrid vsock on the host side).  First
# the device alone driven as a hostile guest (tests/vsock/vsock_device_test.c),
# then containers running tests/vsock/vsock_guest.c (static, through a
# --volume) with host clients in tests/vsock/vsock_client.py: echo both ways,
# 100 MB each way with matching sha256, 50 connections at once, half-close,
# a port nobody listens on, garbage request lines, too many clients, a
# client that never reads (the guest blocks, the supervisor does not
# grow), a client that goes away mid-write, SIGKILL of the container
# mid-transfer, an existing PATH, the guest connecting to the host (CID 2),
# a hostile driver inside taking the device over (tests/vsock/vsock_hostile.c),
# and no device without the option.  Every run uses --net none.
# usage: vsock.sh path/to/xlibos [path/to/rootfs]
set -u
if [ $# -lt 1 ] || [ ! -x "$1" ]; then
	echo "usage: $0 path/to/xlibos [path/to/rootfs]" >&2
	exit 2
fi
xlibos=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
rootfs=${2:-$top/build/rootfs}
client="$here/vsock_client.py"
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$here/../lib.sh"
# shellcheck source-path=SCRIPTDIR source=../net/lib_net.sh
. "$here/../net/lib_net.sh"

bg_pids=""
cleanup() {
	for p in $bg_pids; do kill -9 "$p" 2>/dev/null; done
	rm -rf "$scratch"
}
trap cleanup EXIT

# --- the device alone --------------------------------------------------------
if ! make --no-print-directory -s -C "$top/loader" vsock-test-build >"$out" 2>&1; then
	not_ok "build tests/vsock/vsock_device_test" "$(tail -n 5 "$out")"
else
	c_test "$top/build/tests/vsock/vsock_device_test" device
	if command -v valgrind >/dev/null; then
		if valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
			"$top/build/tests/vsock/vsock_device_test" >"$scratch/vg.out" 2>&1; then
			ok "device: the hostile-guest test is clean under valgrind (no invalid access, no leak)"
		else
			not_ok "device: the hostile-guest test is clean under valgrind" \
				"$(grep -v '^ok ' "$scratch/vg.out" | tail -n 30)"
		fi
	else
		skip "device: the hostile-guest test under valgrind" "valgrind not installed"
	fi
fi

# --- options ---------------------------------------------------------------
touch "$scratch/taken"
expect "--control-socket on an existing path is refused (125)" 125 "already exists" \
	"$xlibos" run --net none --control-socket "$scratch/taken" --rootfs "$rootfs" -- true
expect_one_line "--control-socket on an existing path: one line"
if [ -f "$scratch/taken" ]; then ok "the existing file is left alone"
else not_ok "the existing file is left alone"; fi
deep=$scratch/$(printf '%0100d' 0)/$(printf '%0100d' 1)
mkdir -p "$deep"
expect "--control-socket deeper than a socket address holds (through its directory)" 0 "" \
	"$xlibos" run --net none --control-socket "$deep/c.sock" --rootfs "$rootfs" -- sh -c \
	'grep -qx 0x0013 /sys/bus/virtio/devices/*/device'
if [ ! -e "$deep/c.sock" ]; then ok "... and its socket is removed at the end"
else not_ok "... and its socket is removed at the end" "$(ls -l "$deep")"; fi
expect "--control-socket with a file name too long for a socket is refused (125)" 125 \
	"its file name is too long" \
	"$xlibos" run --net none --control-socket "$scratch/$(printf '%0120d' 0)" --rootfs "$rootfs" -- true
expect_one_line "--control-socket with a file name too long: one line"
expect "--control-socket twice is refused (125)" 125 "given more than once" \
	"$xlibos" run --net none --control-socket "$scratch/a.sock" --control-socket "$scratch/b.sock" \
	--rootfs "$rootfs" -- true
if [ ! -e "$scratch/a.sock" ] && [ ! -e "$scratch/b.sock" ]; then ok "... and leaves no socket"
else not_ok "... and leaves no socket" "$(ls "$scratch")"; fi
expect "--control-socket in a missing directory is refused (125)" 125 \
	"No such file or directory" \
	"$xlibos" run --net none --control-socket "$scratch/none/c.sock" --rootfs "$rootfs" -- true

if ! command -v python3 >/dev/null; then
	skip "every container test" "needs python3 on the host"
	summary
	exit
fi
mkdir -p "$scratch/bin"
if ! gcc -static -O2 -Wall -Wextra -Werror -o "$scratch/bin/vsock_guest" "$here/vsock_guest.c" \
	>"$out" 2>&1; then
	skip "every container test" "cannot build the static guest program: $(head -n 1 "$out")"
	summary
	exit
fi

# start NAME ARGS...: a container with its control socket at $scratch/NAME.sock
# running vsock_guest ARGS, output in $scratch/NAME.out; $c is its loader.
start() {
	name=$1
	shift
	"$xlibos" run --net none --control-socket "$scratch/$name.sock" \
		--volume "$scratch/bin:/t:ro" --rootfs "$rootfs" -- /t/vsock_guest "$@" \
		>"$scratch/$name.out" 2>&1 &
	c=$!
	bg_pids="$bg_pids $c"
}
# listening NAME: the guest program listens (or the container ended).
ready() { wait_for 600 has_text "$scratch/$1.out" listening; }
# finish NAME: the container has ended within 30 s (killed otherwise).
finish() {
	if ! wait_for 300 gone "$c"; then
		kill -9 "$c" 2>/dev/null
		return 1
	fi
	wait "$c"
}
py() { timeout 120 python3 "$client" "$@"; }

# --- echo, the socket file, its mode ---------------------------------------
start echo echo 5000 1
if ready echo; then
	# The container's host processes (the supervisor's descendants) hold
	# nothing of the channel: only their stdio and guest memory.
	leaks="" nproc=0
	todo=$(pgrep -P "$c")
	while [ -n "$todo" ]; do
		next=""
		for p in $todo; do
			nproc=$((nproc + 1))
			for f in /proc/"$p"/fd/*; do
				l=$(readlink "$f" 2>/dev/null) || continue
				case $f:$l in
				*/fd/[012]:* | *:/memfd:xlibos-phys*) ;;
				*) leaks="$leaks $p:$l" ;;
				esac
			done
			next="$next $(pgrep -P "$p")"
		done
		todo=$(printf '%s' "$next" | xargs)
	done
	if [ -z "$leaks" ] && [ "$nproc" -gt 0 ]; then
		ok "the container's $nproc host processes hold no descriptor of the control channel"
	else
		not_ok "the container's host processes hold no descriptor of the control channel" "$leaks"
	fi
	mode=$(stat -c '%a %F' "$scratch/echo.sock" 2>/dev/null)
	if [ "$mode" = "600 socket" ]; then ok "the control socket is a socket of mode 0600"
	else not_ok "the control socket is a socket of mode 0600" "got: $mode"; fi
	got=$(printf 'CONNECT 5000\nhello, guest\n' | timeout 20 python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX); s.settimeout(15); s.connect(sys.argv[1])
s.sendall(sys.stdin.buffer.read()); s.shutdown(socket.SHUT_WR)
buf = b""
while True:
    b = s.recv(4096)
    if not b: break
    buf += b
sys.stdout.write(buf.decode())' "$scratch/echo.sock" 2>&1)
	case $got in
	"OK "[0-9]*"
hello, guest") ok "CONNECT 5000 answers 'OK <port>', then the guest echoes (bytes sent with the request line too)" ;;
	*) not_ok "CONNECT 5000 answers 'OK <port>', then the guest echoes" "got: $got" ;;
	esac
	py quit "$scratch/echo.sock" 5000 >/dev/null 2>&1
fi
if finish && [ ! -e "$scratch/echo.sock" ]; then
	ok "the container ends with its command; the socket file is removed"
else
	not_ok "the container ends with its command; the socket file is removed" "$(cat "$scratch/echo.out")"
fi

# --- 100 MB each way ---------------------------------------------------------
start big echo 5001 1
if ready big && py echo "$scratch/big.sock" 5001 104857600 >"$out" 2>&1 &&
   [ "$(sed -n 's/^sent //p' "$out")" = "$(sed -n 's/^recv //p' "$out")" ] &&
   grep -qx 'bytes 104857600' "$out"; then
	ok "100 MB each way at once through the guest, sha256 matches"
else
	not_ok "100 MB each way at once through the guest, sha256 matches" "$(cat "$scratch/big.out")"
fi
py quit "$scratch/big.sock" 5001 >/dev/null 2>&1
finish

# --- 50 connections at once ------------------------------------------------
start many echo 5002 50
if ready many && py many "$scratch/many.sock" 5002 50 >"$out" 2>&1 && grep -qx '50 ok' "$out"; then
	ok "50 connections at once, each echoed whole"
else
	not_ok "50 connections at once, each echoed whole" "$(cat "$scratch/many.out")"
fi
py quit "$scratch/many.sock" 5002 >/dev/null 2>&1
if finish && grep -q 'served 50, 0 failed' "$scratch/many.out"; then
	ok "50 connections: the guest served each without an error"
else
	not_ok "50 connections: the guest served each without an error" "$(cat "$scratch/many.out")"
fi

# --- half-close ------------------------------------------------------------
start half half 5003
if ready half && py half "$scratch/half.sock" 5003 300000 >"$out" 2>&1 &&
   grep -qx 'got 300000 bytes' "$out"; then
	ok "half-close: the guest sees EOF after the host's shutdown(SHUT_WR) and still answers"
else
	not_ok "half-close: the guest sees EOF after the host's shutdown(SHUT_WR) and still answers" \
		"$(cat "$scratch/half.out")"
fi
py quit "$scratch/half.sock" 5003 >/dev/null 2>&1
finish

# --- refusals, garbage, limits (one container listening on 5004) -------------
start bad echo 5004 1
if ready bad; then
	py raw "$scratch/bad.sock" 'CONNECT 6000\n' >"$out" 2>&1
	if grep -qx "got b''" "$out" && grep -Eq 'closed after [01]\.' "$out"; then
		ok "CONNECT to a port nobody listens on: closed at once, no OK"
	else
		not_ok "CONNECT to a port nobody listens on: closed at once, no OK" "$(cat "$out")"
	fi
	bad_ok=0 bad_n=0
	for line in 'HELLO\n' 'CONNECT\n' 'CONNECT \n' 'CONNECT -1\n' 'CONNECT +5004\n' \
		'CONNECT 05004\n' 'CONNECT 5004 \n' 'CONNECT 5004\r\n' 'connect 5004\n' \
		'CONNECT 4294967295\n' 'CONNECT 99999999999\n' 'CONNECT 5x\n' \
		'CONNECT 5004\0\n' "$(printf '%0100d' 7)"; do
		bad_n=$((bad_n + 1))
		py raw "$scratch/bad.sock" "$line" >"$out" 2>&1
		if grep -qx "got b''" "$out" && grep -Eq 'closed after [01]\.' "$out"; then
			bad_ok=$((bad_ok + 1))
		else
			echo "line $line: $(tr '\n' ' ' <"$out")" >>"$scratch/bad.log"
		fi
	done
	if [ "$bad_ok" -eq "$bad_n" ]; then
		ok "$bad_n garbage request lines (signs, leading zeros, spaces, CR, NUL, too long, 2^32-1): closed at once"
	else
		not_ok "garbage request lines: closed at once" "$(cat "$scratch/bad.log")"
	fi
	py raw "$scratch/bad.sock" 'CONNECT 50' >"$out" 2>&1
	if grep -qx "got b''" "$out" && grep -Eq 'closed after [56]\.' "$out"; then
		ok "a request line never finished: closed after 5 s"
	else
		not_ok "a request line never finished: closed after 5 s" "$(cat "$out")"
	fi
	# 70 clients that say nothing: 64 are held (until their 5 s), 6 refused at once.
	timeout 30 python3 -c '
import socket, sys, time
ss = []
for i in range(70):
    s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); ss.append(s)
time.sleep(1)
closed = 0
for s in ss:
    try:
        if s.recv(1, socket.MSG_DONTWAIT) == b"": closed += 1
    except BlockingIOError:
        pass
print("closed", closed)' "$scratch/bad.sock" >"$out" 2>&1
	if grep -qx 'closed 6' "$out"; then
		ok "70 clients at once: 64 are served, 6 refused"
	else
		not_ok "70 clients at once: 64 are served, 6 refused" "$(cat "$out")"
	fi
	sleep 5
	if py echo "$scratch/bad.sock" 5004 1000 >"$out" 2>&1 && grep -qx 'bytes 1000' "$out"; then
		ok "after the garbage and the crowd, the channel still works"
	else
		not_ok "after the garbage and the crowd, the channel still works" "$(cat "$scratch/bad.out")"
	fi
	py quit "$scratch/bad.sock" 5004 >/dev/null 2>&1
fi
finish

# --- a client that never reads ----------------------------------------------
start fill fill 5005
if ready fill; then
	py hold "$scratch/fill.sock" 5005 >"$scratch/hold.out" 2>&1 &
	h=$!
	bg_pids="$bg_pids $h"
	if wait_for 300 has_text "$scratch/fill.out" wrote; then
		n=$(sed -n 's/^wrote //p' "$scratch/fill.out")
		rss1=$(awk '/^VmRSS/ {print $2}' "/proc/$c/status")
		sleep 3
		rss2=$(awk '/^VmRSS/ {print $2}' "/proc/$c/status")
		# Guest socket buffer + our 256 KiB + the host socket's buffer.
		if [ "$n" -gt 0 ] && [ "$n" -lt 4194304 ]; then
			ok "a client that never reads: the guest's writes block after $n bytes"
		else
			not_ok "a client that never reads: the guest's writes block" "wrote $n"
		fi
		if [ "$rss2" -le $((rss1 + 1024)) ]; then
			ok "a client that never reads: the supervisor does not grow (${rss1} -> ${rss2} KiB)"
		else
			not_ok "a client that never reads: the supervisor does not grow" "${rss1} -> ${rss2} KiB"
		fi
	else
		not_ok "a client that never reads: the guest's writes block" "$(cat "$scratch/fill.out")"
	fi
	kill "$h" 2>/dev/null
fi
kill "$c" 2>/dev/null
finish

# --- a client that goes away mid-write, then SIGKILL mid-transfer -------------
start kill echo 5006 3
if ready kill; then
	py flood "$scratch/kill.sock" 5006 20000000 >"$out" 2>&1
	sleep 1
	if kill -0 "$c" 2>/dev/null && py echo "$scratch/kill.sock" 5006 1000 >"$out" 2>&1 &&
	   grep -qx 'bytes 1000' "$out"; then
		ok "a client closing mid-write leaves the supervisor (no SIGPIPE) and the channel working"
	else
		not_ok "a client closing mid-write leaves the supervisor and the channel working" \
			"$(cat "$scratch/kill.out")"
	fi
	py echo "$scratch/kill.sock" 5006 2000000000 >"$scratch/long.out" 2>&1 &
	e=$!
	bg_pids="$bg_pids $e"
	sleep 2
	guest=$(pgrep -P "$c" | head -n 1)
	[ -n "$guest" ] && kill -9 "$guest"
	if wait_for 100 gone "$e" && grep -q '^bytes' "$scratch/long.out" &&
	   ! grep -qx 'bytes 2000000000' "$scratch/long.out"; then
		ok "SIGKILL of the container mid-transfer: the client sees EOF ($(sed -n 's/^bytes //p' "$scratch/long.out") bytes back)"
	else
		not_ok "SIGKILL of the container mid-transfer: the client sees EOF" "$(cat "$scratch/long.out")"
		kill "$e" 2>/dev/null
	fi
	if wait_for 100 gone "$c" && [ ! -e "$scratch/kill.sock" ]; then
		ok "SIGKILL of the container: the supervisor ends and removes the socket file"
	else
		not_ok "SIGKILL of the container: the supervisor ends and removes the socket file" \
			"$(ls -l "$scratch"; cat "$scratch/kill.out")"
	fi
fi
kill -9 "$c" 2>/dev/null

# --- the guest may not connect to the host ------------------------------------
"$xlibos" run --net none --control-socket "$scratch/out.sock" --volume "$scratch/bin:/t:ro" \
	--rootfs "$rootfs" -- /t/vsock_guest connect 2 1024 >"$out" 2>&1
case $(cat "$out") in
ECONNRESET | ECONNREFUSED) ok "the guest connecting to the host (CID 2): $(cat "$out")" ;;
*) not_ok "the guest connecting to the host (CID 2) is refused" ;;
esac

expect "the guest connecting to another CID (5): dropped and counted, its connect times out" 1 \
	"ETIMEDOUT" "$xlibos" run --net none --control-socket "$scratch/out.sock" \
	--volume "$scratch/bin:/t:ro" --rootfs "$rootfs" -- /t/vsock_guest connect 5 1024
if grep -Eq "virtio-vsock: dropped [1-9][0-9]* malformed packets" "$out"; then
	ok "... and the supervisor says how many packets it dropped"
else
	not_ok "... and the supervisor says how many packets it dropped" ""
fi

# --- a hostile driver inside takes the device over ------------------------------
# (tests/vsock/vsock_hostile.c; the doorbell through the LibOS's own futex wake)
image=${XLIBOS_IMAGE:-$top/build/xlibos.img}
wake=$(nm "$image" 2>/dev/null | awk '$3 == "xlibos_futex_wake" { print $1 }')
if [ -z "$wake" ]; then
	skip "a hostile driver inside" "no symbol xlibos_futex_wake in $image (nm)"
elif ! gcc -std=gnu11 -Wall -Wextra -Werror -O2 -static -I"$top/arch-xlibos/include/uapi" \
	-o "$scratch/bin/vsock_hostile" "$here/vsock_hostile.c" >"$out" 2>&1; then
	not_ok "build the hostile driver" "$(head -n 5 "$out")"
else
	timeout -k 5 120 "$xlibos" run --net none --control-socket "$scratch/h1.sock" \
		--volume "$scratch/bin:/t:ro" --rootfs "$rootfs" -- \
		sh -c "/t/vsock_hostile $wake garbage; echo done" >"$out" 2>&1
	rc=$?
	if [ $rc -eq 0 ] && grep -q '^PASS 5000 random' "$out" && grep -q '^PASS a REQUEST' "$out" &&
	   grep -qx 'broken=0' "$out" && grep -qx 'done' "$out" && ! grep -q 'device is stopped' "$out"; then
		ok "a hostile driver's 5000 random packets: dropped or answered, the device goes on"
	else
		not_ok "a hostile driver's 5000 random packets: dropped or answered, the device goes on" "exit $rc"
	fi
	for attack in loop readable; do
		rm -f "$scratch/h.out"
		timeout -k 5 120 "$xlibos" run --net none --control-socket "$scratch/h2.sock" \
			--volume "$scratch/bin:/t:ro" --rootfs "$rootfs" -- \
			sh -c "/t/vsock_hostile $wake $attack; echo attacked; sleep 3; echo done" \
			>"$scratch/h.out" 2>&1 &
		c=$!
		bg_pids="$bg_pids $c"
		wait_for 600 has_text "$scratch/h.out" attacked
		py raw "$scratch/h2.sock" 'CONNECT 1024\n' >"$out" 2>&1
		refused=$(cat "$out")
		if finish && [ "$(grep -c 'virtio-vsock device [0-9]*: .*; the device is stopped' "$scratch/h.out")" -eq 1 ] &&
		   grep -qx 'broken=1' "$scratch/h.out" && grep -qx 'done' "$scratch/h.out" &&
		   [ ! -e "$scratch/h2.sock" ]; then
			ok "a hostile $attack ring: the device stops with one message, the container goes on and ends"
		else
			not_ok "a hostile $attack ring: the device stops with one message, the container goes on" \
				"$(cat "$scratch/h.out")"
		fi
		case $refused in
		*"got b''"* | *Errno*) ok "a hostile $attack ring: host clients are refused meanwhile" ;;
		*) not_ok "a hostile $attack ring: host clients are refused meanwhile" "$refused" ;;
		esac
	done
fi

# --- no option, no device ------------------------------------------------------
expect "without --control-socket the guest has no vsock device" 0 "" \
	"$xlibos" run --net none --rootfs "$rootfs" -- sh -c \
	'! grep -qx 0x0013 /sys/bus/virtio/devices/*/device'
expect "with it, the guest has one (virtio id 19)" 0 "" \
	"$xlibos" run --net none --control-socket "$scratch/dev.sock" --rootfs "$rootfs" -- sh -c \
	'grep -qx 0x0013 /sys/bus/virtio/devices/*/device'

summary
