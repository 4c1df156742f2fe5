#!/bin/sh
# make bench-net: network servers natively, in runc and in xlibos with each
# network back end, in one run, driven by clients on the host side, as a
# table of requests (or bits) per second with the runc/xlibos ratios.
#   nginx 1 KB     wrk -c 64 on a 1 KiB static file              req/s
#   nginx 1 MB     wrk -c 64 on a 1 MiB static file              req/s
#   redis SET/GET  redis-benchmark -c 50, -P 1 (BENCH_REDIS_N requests)
#                  and -P 16 (ten times as many)                 req/s
#   iperf3 up      iperf3 TCP, client -> server                  Gbit/s
#   iperf3 down    iperf3 -R, server -> client                   Gbit/s
# The servers are the Debian test tree's (scripts/make-debian-rootfs.sh:
# bookworm's nginx with its default configuration, redis-server, iperf3),
# the same binaries everywhere, each environment on a fresh writable
# overlay of that tree:
#   native       chroot into the overlay, in the "host" namespace; the
#                clients reach it over lo
#   runc         Debian's runc, the overlay as root, in a network namespace
#                of its own with a veth pair on a bridge in the host
#                namespace, as Docker sets it up; the clients reach the
#                container's address through the bridge
#   xlibos user  --net user -p 127.0.0.1:HOSTPORT:PORT (libslirp)
#   xlibos tap   --net tap:IFNAME,...: a TAP device on the same bridge
#   xlibos netns --net netns:PATH: a namespace with a veth on the bridge,
#                prepared as CNI does
# A back end this xlibos does not have is reported "skipped: why".
# Everything happens in network namespaces this script makes (the "host"
# one is xlbench-host-PID; the addresses are private ones inside them) and
# a mount namespace of its own; nothing in the caller's namespaces is
# touched, and all of it goes at exit.  The server side is pinned to CPU 0,
# the clients to CPU 1 (BENCH_NET_PIN=0: no pinning).  Timings are
# reported, never judged.
# Targets (issue 13): xlibos with its fastest back end at least as fast as
# runc for nginx and Redis (ratio <= 1), --net user within 2x of runc.
# usage: bench_net.sh path/to/xlibos
# Env: BENCH_NET_SECONDS (each wrk and iperf3 run, 5), BENCH_REDIS_N
# (100000), BENCH_REPEAT (3: medians of that many, the environments taking
# turns), BENCH_MEM (xlibos --mem, 512M), BENCH_NET_PIN (1), BENCH_NET_ONLY
# (some of "native runc user tap netns": only those).

# Single-quoted snippets are expanded by the shell of each environment.
# shellcheck disable=SC2016

if [ $# -ne 1 ] || [ ! -x "$1" ]; then
	echo "usage: $0 path/to/xlibos" >&2
	exit 2
fi
say() { echo "bench-net: $*" >&2; }
if [ "$(id -u)" -ne 0 ]; then
	say "needs root (network namespaces, runc, TAP devices)"
	exit 1
fi
for tool in ip unshare nsenter taskset python3 curl wrk redis-benchmark redis-cli iperf3; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		say "no $tool here (scripts/install-deps.sh --bench-net installs the clients)"
		exit 1
	fi
done
# The overlays are mounted in a mount namespace of this run: they (and the
# namespaces' names under /run/netns) go with it, however it ends.
if [ -z "${XLBENCH_OWN_MOUNTS:-}" ]; then
	XLBENCH_OWN_MOUNTS=1 exec unshare --mount --propagation private -- sh "$0" "$@"
fi

xlibos=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$here/../lib.sh"
# shellcheck source-path=SCRIPTDIR source=../storage/lib_storage.sh
. "$top/tests/storage/lib_storage.sh"
# shellcheck source-path=SCRIPTDIR source=runc_net.sh
. "$here/runc_net.sh"

SECS=${BENCH_NET_SECONDS:-5}
REDIS_N=${BENCH_REDIS_N:-100000}
REPEAT=${BENCH_REPEAT:-3}
MEM=${BENCH_MEM:-512M}
PIN=${BENCH_NET_PIN:-1}
XL_TIMEOUT=600

if ! debian_rootfs; then
	say "no Debian tree: $why_debian"
	exit 1
fi
for need in usr/sbin/nginx usr/bin/redis-server usr/bin/iperf3; do
	if [ ! -x "$debian/$need" ]; then
		say "the Debian tree $debian has no /$need (scripts/make-debian-rootfs.sh builds it with the servers)"
		exit 1
	fi
done
pin_server='' pin_client=''
if [ "$PIN" = 1 ] && [ "$(nproc)" -ge 2 ]; then
	pin_server="taskset -c 0" pin_client="taskset -c 1"
fi

# ---------------------------------------------------------------- namespaces

ns_host=xlbench-host-$$
ns_runc=xlbench-runc-$$
ns_xlns=xlbench-xlns-$$
net=10.77.0			# a /24 on the bridge, inside these namespaces only
addr_runc=$net.2 addr_xlns=$net.3 addr_tap=$net.4
tap=xltap0

srv_pid='' runc_id=''
cleanup() {
	trap '' INT TERM HUP
	[ -n "$runc_id" ] && { runc kill "$runc_id" KILL; runc delete -f "$runc_id"; } >/dev/null 2>&1
	[ -n "$srv_pid" ] && kill -9 "$srv_pid" 2>/dev/null
	for ns in "$ns_host" "$ns_runc" "$ns_xlns"; do
		[ -e "/run/netns/$ns" ] || continue
		for p in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
		ip netns del "$ns" 2>/dev/null
	done
	for m in "$scratch"/ov/*/root; do
		[ -d "$m" ] && umount -R -l "$m" 2>/dev/null
	done
	rm -rf "$scratch"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# nsenter, not ip netns exec: that one also remounts /sys, which hides the
# cgroup file system from runc.
in_host() { nsenter --net="/run/netns/$ns_host" "$@"; }

# A bridge in the host namespace, as docker0; runc's namespace on a veth.
ip netns add "$ns_host" || exit 1
in_host ip link set lo up
in_host ip link add xlbr0 type bridge
in_host ip addr add "$net.1/24" dev xlbr0
in_host ip link set xlbr0 up
ip netns add "$ns_runc" || exit 1
in_host ip link add vrunc type veth peer name eth0 netns "$ns_runc"
in_host ip link set vrunc master xlbr0 up
ip -n "$ns_runc" link set lo up
ip -n "$ns_runc" addr add "$addr_runc/24" dev eth0
ip -n "$ns_runc" link set eth0 up
ip -n "$ns_runc" route add default via "$net.1"
# A TAP device on the bridge for --net tap.
in_host ip tuntap add dev "$tap" mode tap
in_host ip link set "$tap" master xlbr0 up

# make_xlns: (again) the namespace for --net netns, as CNI prepares one: a
# veth "eth0" with an address and a default route.  xlibos takes the
# interface over, so each container gets a fresh one.
make_xlns() {
	if [ -e "/run/netns/$ns_xlns" ]; then
		for p in $(ip netns pids "$ns_xlns"); do kill -9 "$p" 2>/dev/null; done
		ip netns del "$ns_xlns"
	fi
	# the old pair goes with its namespace, but maybe not at once
	in_host ip link del vxlns 2>/dev/null
	ip netns add "$ns_xlns" &&
	in_host ip link add vxlns type veth peer name eth0 netns "$ns_xlns" &&
	in_host ip link set vxlns master xlbr0 up &&
	ip -n "$ns_xlns" link set lo up &&
	ip -n "$ns_xlns" addr add "$addr_xlns/24" dev eth0 &&
	ip -n "$ns_xlns" link set eth0 up &&
	ip -n "$ns_xlns" route add default via "$net.1"
}

# ---------------------------------------------------------------- the servers

# The same in every environment: the two files, Redis without persistence,
# iperf3's server, then nginx as the main process, with Debian's config.
serve='head -c 1024 /dev/urandom >/var/www/html/1k &&
head -c 1048576 /dev/urandom >/var/www/html/1m || exit 1
redis-server --bind 0.0.0.0 --port 6379 --protected-mode no --save "" --appendonly no >/tmp/redis.log 2>&1 &
iperf3 -s -p 5201 >/tmp/iperf3.log 2>&1 &
exec nginx -g "daemon off;"'

ov_n=0
# overlay: a fresh writable overlay of the tree, at $root.
overlay() {
	ov_n=$((ov_n + 1))
	ov=$scratch/ov/$ov_n
	root=$ov/root
	mkdir -p "$ov/up" "$ov/work" "$root" &&
	mount -t overlay overlay -o "lowerdir=$debian,upperdir=$ov/up,workdir=$ov/work" "$root"
}

xl_spec() {	# BACKEND: the --net (and -p) options of that back end
	case $1 in
	user) echo "--net user -p 127.0.0.1:18080:80 -p 127.0.0.1:16379:6379 -p 127.0.0.1:15201:5201" ;;
	tap) echo "--net tap:$tap,ip=$addr_tap/24,gw=$net.1" ;;
	netns) echo "--net netns:/run/netns/$ns_xlns" ;;
	esac
}

# start ENV: the servers in ENV, in the background; sets srv_pid (the
# process to stop), srv_addr and the ports the clients use.
start() {
	log=$scratch/$1.log
	hp=80 rp=6379 ip3=5201 runc_id=''
	case $1 in
	native)
		overlay || return 1
		mount --rbind /dev "$root/dev" && mount -t proc proc "$root/proc" || return 1
		# shellcheck disable=SC2086 # $pin_server: a command or nothing
		nsenter --net="/run/netns/$ns_host" $pin_server chroot "$root" sh -c "$serve" </dev/null >"$log" 2>&1 &
		srv_pid=$! srv_addr=127.0.0.1 ;;
	runc)
		overlay || return 1
		bundle=$(runc_bundle "$root" -w -- sh -c "$serve") &&
			runc_net_patch "$bundle" "/run/netns/$ns_runc" || return 1
		runc_id=xlbench-$$-$ov_n
		# shellcheck disable=SC2086
		nsenter --net="/run/netns/$ns_host" $pin_server runc run --bundle "$bundle" "$runc_id" \
			</dev/null >"$log" 2>&1 &
		srv_pid=$! srv_addr=$addr_runc ;;
	user|tap|netns)
		[ "$1" = netns ] && { make_xlns || return 1; }
		# shellcheck disable=SC2086,SC2046 # the options are words
		nsenter --net="/run/netns/$ns_host" $pin_server "$xlibos" run --mem "$MEM" $(xl_spec "$1") \
			--rootfs "$debian" -- sh -c "$serve" </dev/null >"$log" 2>&1 &
		srv_pid=$!
		case $1 in
		user) srv_addr=127.0.0.1 hp=18080 rp=16379 ip3=15201 ;;
		tap) srv_addr=$addr_tap ;;
		netns) srv_addr=$addr_xlns ;;
		esac ;;
	esac
	# ready when nginx serves the whole 1 MiB file and Redis answers
	left=600
	while [ "$left" -gt 0 ]; do
		if ! kill -0 "$srv_pid" 2>/dev/null; then
			say "$1: the servers exited: $(tail -n 3 "$log" | tr '\n' ' ')"
			return 1
		fi
		[ "$(in_host curl -s -m 2 -o /dev/null -w '%{http_code} %{size_download}' \
			"http://$srv_addr:$hp/1m" 2>/dev/null)" = "200 1048576" ] &&
			in_host redis-cli -h "$srv_addr" -p "$rp" ping 2>/dev/null | grep -q PONG &&
			return 0
		sleep 0.1
		left=$((left - 1))
	done
	say "$1: not serving after 60 s: $(tail -n 3 "$log" | tr '\n' ' ')"
	return 1
}

stop() {	# ENV
	if [ -n "$runc_id" ]; then
		runc kill "$runc_id" TERM >/dev/null 2>&1
	else
		kill -TERM "$srv_pid" 2>/dev/null
	fi
	all_gone "$srv_pid" 20 >/dev/null || kill -9 "$srv_pid" 2>/dev/null
	wait "$srv_pid" 2>/dev/null
	if [ -n "$runc_id" ]; then
		runc delete -f "$runc_id" >/dev/null 2>&1
		runc_id=''
	fi
	# natively, Redis and iperf3 are left in the host namespace
	for p in $(ip netns pids "$ns_host"); do kill -9 "$p" 2>/dev/null; done
	srv_pid=''
	for m in "$scratch"/ov/*/root; do
		mountpoint -q "$m" && umount -R -l "$m"
	done
	rm -rf "$scratch/ov"
}

results=$scratch/results
: >"$results"
record() {	# TEST ENV VALUE (none: "fail", or "died" once the servers died)
	rv=${3:-fail}
	[ -z "${3:-}" ] && [ -n "${dead:-}" ] && rv=died
	echo "$1 $2 $rv" >>"$results"
}

client() {	# a client in the host namespace, on its CPU, under a watchdog
	# shellcheck disable=SC2086
	timeout -k 5 $((SECS + 60)) nsenter --net="/run/netns/$ns_host" $pin_client "$@"
}

# wrk_rps URL: requests per second, "*" appended if wrk saw errors
wrk_rps() {
	client wrk -t 1 -c 64 -d "${SECS}s" "$1" >"$scratch/wrk.out" 2>&1
	awk '/^Requests\/sec:/ { r = $2 } /Socket errors|Non-2xx/ { e = "*" }
	     END { if (r != "") print r e }' "$scratch/wrk.out"
}

# alive ENV: the servers still run; said once if not
alive() {
	kill -0 "$srv_pid" 2>/dev/null && return 0
	if [ -z "$dead" ]; then
		wait "$srv_pid"
		say "$1: the servers died during the run (exit status $?): $(tail -n 3 "$log" | tr '\n' ' ')"
		dead=yes
	fi
	return 1
}

measure() {	# ENV: every client against the servers started for ENV
	dead=''
	client wrk -t 1 -c 64 -d 1s "http://$srv_addr:$hp/1k" >/dev/null 2>&1	# warm-up
	for f in 1k 1m; do
		if alive "$1"; then
			record "nginx_$f" "$1" "$(wrk_rps "http://$srv_addr:$hp/$f")"
		else
			record "nginx_$f" "$1" ''
		fi
	done
	for p in 1 16; do
		n=$REDIS_N
		[ "$p" = 1 ] || n=$((REDIS_N * 10))
		: >"$scratch/redis.out"
		alive "$1" && client redis-benchmark -h "$srv_addr" -p "$rp" -c 50 -n "$n" -P "$p" \
			-t set,get --csv >"$scratch/redis.out" 2>&1
		record "redis_set_p$p" "$1" "$(awk -F'"' '$2 == "SET" { print $4 }' "$scratch/redis.out")"
		record "redis_get_p$p" "$1" "$(awk -F'"' '$2 == "GET" { print $4 }' "$scratch/redis.out")"
	done
	for dir in up down; do
		r=''
		[ "$dir" = down ] && r=-R
		gbps=''
		for _ in 1 2 3; do	# iperf3's server may still be starting
			alive "$1" || break
			# shellcheck disable=SC2086
			client iperf3 -c "$srv_addr" -p "$ip3" -t "$SECS" $r -J >"$scratch/iperf3.out" 2>&1 &&
				gbps=$(python3 -c 'import json, sys
print("%.2f" % (json.load(open(sys.argv[1]))["end"]["sum_received"]["bits_per_second"] / 1e9))' \
					"$scratch/iperf3.out" 2>/dev/null) && break
			sleep 1
		done
		[ -n "$gbps" ] || [ -n "$dead" ] || say "$1: iperf3 $dir failed: $(grep -m 1 '"error"' "$scratch/iperf3.out")"
		record "iperf3_$dir" "$1" "$gbps"
	done
}

# ---------------------------------------------------------------- which environments

envs=native
if have_runc; then envs="$envs runc"; else say "runc not usable here: no runc column"; fi
skipped=''
say "xlibos: the image of $debian (made once, cached)"
in_host timeout -k 5 "$XL_TIMEOUT" "$xlibos" run --net none --rootfs "$debian" -- true \
	>"$scratch/warm.log" 2>&1 ||
	say "xlibos warm-up run failed: $(head -n 2 "$scratch/warm.log")"
for be in user tap netns; do
	[ "$be" = netns ] && make_xlns
	# shellcheck disable=SC2046
	if in_host timeout -k 5 120 "$xlibos" run $(xl_spec "$be") --rootfs "$debian" -- \
		ip -4 addr show eth0 >"$scratch/probe.log" 2>&1; then
		envs="$envs $be"
	else
		why=$(grep -m 1 '^xlibos: ' "$scratch/probe.log" || tail -n 1 "$scratch/probe.log")
		skipped="$skipped
xlibos --net $be: skipped: ${why:-exit status not 0}"
		say "--net $be: skipped: $why"
	fi
done

if [ -n "${BENCH_NET_ONLY:-}" ]; then
	only=''
	for env in $envs; do
		case " $BENCH_NET_ONLY " in *" $env "*) only="$only $env" ;; esac
	done
	envs=${only# }
fi

load_start=$(cut -d' ' -f1-3 /proc/loadavg)
rep=1
while [ "$rep" -le "$REPEAT" ]; do
	for env in $envs; do
		say "$env ($rep of $REPEAT)"
		if start "$env"; then
			measure "$env"
		else
			for t in nginx_1k nginx_1m redis_set_p1 redis_get_p1 redis_set_p16 \
				 redis_get_p16 iperf3_up iperf3_down; do
				record "$t" "$env" fail
			done
		fi
		stop "$env"
	done
	rep=$((rep + 1))
done

# ---------------------------------------------------------------- table

ver() { dpkg-query --admindir="$debian/var/lib/dpkg" -W -f '${Version}' "$1" 2>/dev/null; }
echo
echo "make bench-net: $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs, $(uname -r), load average $load_start at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end"
echo "servers: Debian's nginx $(ver nginx) (default config), redis-server $(ver redis-server), iperf3 $(ver iperf3), from $debian"
echo "clients: wrk -t 1 -c 64 -d ${SECS}s, redis-benchmark -c 50 -n $REDIS_N (-P 16: $((REDIS_N * 10))), iperf3 -t $SECS (TCP)"
if [ -n "$pin_server" ]; then
	echo "CPUs: servers (and xlibos's back-end threads) on CPU 0, clients on CPU 1;"
	echo "  nginx's worker_processes auto: 2 natively and in runc (both on CPU 0), 1 in xlibos (one vCPU)"
else
	echo "CPUs: not pinned"
fi
echo "native: chroot, clients over lo; runc $(runc --version 2>/dev/null | awk 'NR == 1 { print $3 }'): own netns, veth on a bridge (MTU 1500),"
echo "  clients to its address (no published-port NAT); xlibos --mem $MEM: user = -p 127.0.0.1:PORT (libslirp),"
echo "  tap = a TAP device on the bridge, netns = a namespace with a veth on the bridge"
[ -n "$skipped" ] && echo "${skipped#?}"
echo
RESULTS=$results awk '
BEGIN {
	n = split("nginx_1k nginx_1m redis_set_p1 redis_get_p1 redis_set_p16 redis_get_p16 iperf3_up iperf3_down", order, " ")
	name["nginx_1k"] = "nginx 1 KB"; name["nginx_1m"] = "nginx 1 MB"
	name["redis_set_p1"] = "redis SET -P 1"; name["redis_get_p1"] = "redis GET -P 1"
	name["redis_set_p16"] = "redis SET -P 16"; name["redis_get_p16"] = "redis GET -P 16"
	name["iperf3_up"] = "iperf3 to server"; name["iperf3_down"] = "iperf3 from server"
	for (i = 1; i <= n; i++) unit[order[i]] = order[i] ~ /^iperf3/ ? "Gbit/s" : "req/s"
	ne = split("native runc user tap netns", envs, " ")
	while ((getline line < ENVIRON["RESULTS"]) > 0) {
		split(line, f, " "); k = f[1] SUBSEP f[2]
		cnt[k]++; val[k, cnt[k]] = f[3]
		if (f[3] !~ /^[0-9.]+\*?$/) bad[k] = f[3]
	}
	for (k in cnt) {
		if (k in bad) { v[k] = bad[k]; continue }
		m = cnt[k]; mark = ""
		for (i = 1; i <= m; i++) {
			x[i] = val[k, i]
			if (x[i] ~ /\*$/) { mark = "*"; sub(/\*$/, "", x[i]) }
			x[i] += 0
		}
		for (i = 2; i <= m; i++)
			for (j = i; j > 1 && x[j - 1] > x[j]; j--) { t = x[j]; x[j] = x[j - 1]; x[j - 1] = t }
		med = m % 2 ? x[(m + 1) / 2] : (x[m / 2] + x[m / 2 + 1]) / 2
		v[k] = sprintf(med < 100 ? "%.2f" : "%.0f", med) mark
	}
	printf "%-18s %-6s %9s %9s %9s %9s %9s %10s %9s %10s\n", "test", "unit", "native", "runc",
		"xl-user", "xl-tap", "xl-netns", "user/runc", "tap/runc", "netns/runc"
	for (i = 1; i <= n; i++) {
		t = order[i]
		line = sprintf("%-18s %-6s", name[t], unit[t])
		for (e = 1; e <= ne; e++) {
			s = v[t, envs[e]]
			line = line sprintf(" %9s", s == "" ? "-" : s)
		}
		b = v[t, "runc"]; sub(/\*$/, "", b)
		for (e = 3; e <= ne; e++) {
			c = v[t, envs[e]]; sub(/\*$/, "", c)
			r = "-"
			if (b ~ /^[0-9.]+$/ && c ~ /^[0-9.]+$/ && b + 0 > 0 && c + 0 > 0)
				r = sprintf("%.2fx", b / c)
			line = line sprintf(e == 4 ? " %9s" : " %10s", r)
		}
		print line
	}
}'
echo
echo "Medians of $REPEAT runs; the environments took turns, each run a new container."
echo "X/runc is the cost ratio runc/X: above 1, xlibos with that back end is slower."
echo "Targets: the fastest back end <= 1x for nginx and Redis; user <= 2x."
echo "* wrk saw socket errors or non-2xx answers; fail: the client got no result; died: the"
echo "servers had died earlier in that run (in any run: the bench-net: lines say how).  Timings are"
echo "never pass/fail."
