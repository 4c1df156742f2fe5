#!/bin/sh
# The README's example, exactly:
#   xlibos run -p 127.0.0.1:PORT:80 --rootfs DEBIAN -- nginx -g 'daemon off;'
# with Debian's nginx and its default configuration (which also listens on
# [::]:80: the old kernel without IPv6 failed there with EAFNOSUPPORT) in
# the cached Debian tree (scripts/make-debian-rootfs.sh).  The host fetches
# the default page with curl over 127.0.0.1 and gets the tree's file byte
# for byte; the guest fetches it over [::1]; the same request to the same
# tree in runc (in a network namespace this test makes, fetched by the
# host's curl inside it) gives the same answer (headers but Date, body);
# SIGTERM stops the container as it stops runc's, with the same exit status,
# and frees the port with no process left.
# usage: nginx.sh path/to/xlibos
# Needs root to build the Debian tree (debootstrap) and for runc.

if [ $# -ne 1 ] || [ ! -x "$1" ]; then
	echo "usage: $0 path/to/xlibos" >&2
	exit 2
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

listening() { ss -Htln "sport = :$1" 2>/dev/null | grep -q .; }
# shellcheck source=lib_net.sh
. "$here/lib_net.sh"

if ! command -v curl >/dev/null || ! command -v ss >/dev/null; then
	skip "nginx in xlibos" "needs curl and ss on the host"
	summary
	exit
fi
if ! debian_rootfs; then
	skip "nginx in xlibos" "$why_debian"
	summary
	exit
fi
page=$debian/var/www/html/index.nginx-debian.html
if [ ! -x "$debian/usr/sbin/nginx" ] || [ ! -f "$page" ]; then
	skip "nginx in xlibos" "the Debian tree has no nginx (an old tree: scripts/make-debian-rootfs.sh)"
	summary
	exit
fi

# A free host port above 20000, as user_net.sh picks them.
port=$((20000 + ($$ + 100) % 20000))
while listening "$port"; do port=$((port + 1)); done

xl_pid='' runc_id='' netns=''
cleanup() {
	[ -n "$xl_pid" ] && kill -9 "$xl_pid" 2>/dev/null
	[ -n "$runc_id" ] && { runc kill "$runc_id" KILL; runc delete -f "$runc_id"; } >/dev/null 2>&1
	if [ -n "$netns" ]; then
		for p in $(ip netns pids "$netns" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
		ip netns del "$netns" 2>/dev/null
	fi
	rm -rf "$scratch"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# ---------------------------------------------------------------- xlibos

"$xlibos" run -p "127.0.0.1:$port:80" --rootfs "$debian" -- nginx -g 'daemon off;' \
	>"$scratch/xl.log" 2>&1 &
xl_pid=$!
# The host port listens from the start (the supervisor holds it), before
# nginx does: until then a connection is reset.  The first run of a new
# tree also makes its image: up to 2 minutes in all.
fetch() {
	f_end=$(($(date +%s) + 120))
	while [ "$(date +%s)" -lt "$f_end" ] && kill -0 "$xl_pid" 2>/dev/null; do
		curl -sS -m 5 -D "$scratch/xl.head" -o "$scratch/xl.body" "http://127.0.0.1:$port/" \
			>"$out" 2>&1 && return 0
		sleep 0.1
	done
	return 1
}
if fetch; then
	ok "host curl http://127.0.0.1:$port/ -> nginx in xlibos"
	if cmp "$scratch/xl.body" "$page" >"$out" 2>&1; then
		ok "the page is the tree's index.nginx-debian.html, byte for byte"
	else
		not_ok "the page is the tree's index.nginx-debian.html, byte for byte" ""
	fi
	if head -n 1 "$scratch/xl.head" | grep -q '^HTTP/1.1 200' &&
	   grep -qi "^Content-Length: $(stat -c %s "$page")" "$scratch/xl.head" &&
	   grep -qi '^Server: nginx' "$scratch/xl.head"; then
		ok "200 OK, Server: nginx, Content-Length of the file"
	else
		not_ok "200 OK, Server: nginx, Content-Length of the file" "$(cat "$scratch/xl.head")"
	fi
else
	not_ok "host curl http://127.0.0.1:$port/ -> nginx in xlibos" "$(cat "$scratch/xl.log")"
fi
# Debian's config has "listen [::]:80 default_server": nginx started at all
# only if that worked; nothing about it on stderr, and it is still running.
if kill -0 "$xl_pid" 2>/dev/null && ! grep -q 'emerg\|Address family' "$scratch/xl.log"; then
	ok "nginx's default config ([::]:80 too) starts, nothing on stderr"
else
	not_ok "nginx's default config ([::]:80 too) starts, nothing on stderr" "$(cat "$scratch/xl.log")"
fi
kill -TERM "$xl_pid" 2>/dev/null
if wait_for 150 gone "$xl_pid"; then
	wait "$xl_pid"
	xl_rc=$?
	xl_pid=''
	if [ "$xl_rc" -eq 0 ]; then
		ok "SIGTERM: the container exits with nginx's status 0"
	else
		not_ok "SIGTERM: the container exits with nginx's status 0" "exit status $xl_rc: $(cat "$scratch/xl.log")"
	fi
else
	not_ok "SIGTERM: the container exits within 15 s" "$(cat "$scratch/xl.log")"
	xl_rc=timeout
fi
if wait_for 50 eval "! listening $port"; then
	ok "after it stopped, host port $port is free"
else
	not_ok "after it stopped, host port $port is free" "$(ss -tlnp "sport = :$port")"
fi
if wait_for 50 eval "! pgrep -f -- '-p 127.0.0.1:$port:80' >/dev/null"; then
	ok "after it stopped, no process is left"
else
	not_ok "after it stopped, no process is left" "$(pgrep -af -- "-p 127.0.0.1:$port:80")"
fi

# Over IPv6 inside the guest: the [::]:80 socket serves.
expect "the guest's curl http://[::1]/ gets the page over IPv6" 0 ipv6-same \
	xl run --rootfs "$debian" -- sh -c \
	'nginx && curl -sS -g -m 10 --retry 5 --retry-connrefused http://[::1]/ |
	 cmp - /var/www/html/index.nginx-debian.html && echo ipv6-same'

# ---------------------------------------------------------------- runc

if ! have_runc; then
	skip "the same answer from runc" "runc not usable here (needs root and runc)"
	summary
	exit
fi
# The container's own network namespace, only lo, which the host's curl
# enters to make the same request.
netns=xlnginx-$$
if ! ip netns add "$netns" || ! ip -n "$netns" link set lo up; then
	not_ok "a network namespace for runc" ""
	summary
	exit
fi
# nginx writes its logs, pid file and temporary files there: the root
# stays read-only, as the tree must stay as it is.
mkdir -p "$scratch/log" "$scratch/lib" "$scratch/run"
if ! bundle=$(runc_bundle "$debian" -b "$scratch/log:/var/log/nginx" -b "$scratch/lib:/var/lib/nginx" \
		-b "$scratch/run:/run" -- nginx -g 'daemon off;') ||
   ! runc_net_patch "$bundle" "/run/netns/$netns"; then
	not_ok "a runc bundle" ""
	summary
	exit
fi
runc_id=xlibos-nginx-$$
runc run --bundle "$bundle" "$runc_id" </dev/null >"$scratch/runc.log" 2>&1 &
runc_pid=$!
in_ns() { ip netns exec "$netns" "$@"; }
if wait_for 300 eval "in_ns ss -Htln 'sport = :80' | grep -q ." &&
   in_ns curl -sS -m 10 --retry 5 --retry-connrefused -D "$scratch/runc.head" \
	-o "$scratch/runc.body" http://127.0.0.1/ >"$out" 2>&1; then
	if cmp "$scratch/runc.body" "$scratch/xl.body" >"$out" 2>&1; then
		ok "runc's nginx sends the same page"
	else
		not_ok "runc's nginx sends the same page" ""
	fi
	grep -vi '^Date:' "$scratch/runc.head" >"$scratch/runc.h"
	grep -vi '^Date:' "$scratch/xl.head" >"$scratch/xl.h"
	if diff "$scratch/runc.h" "$scratch/xl.h" >"$out"; then
		ok "the same headers as runc's (but Date): length, type, Last-Modified, ETag"
	else
		not_ok "the same headers as runc's (but Date)" "- runc, + xlibos:"
	fi
else
	not_ok "curl -> nginx in runc" "$(cat "$scratch/runc.log")"
fi
runc kill "$runc_id" TERM >/dev/null 2>&1
if wait_for 150 gone "$runc_pid"; then
	wait "$runc_pid"
	runc_rc=$?
	if [ "$runc_rc" = "$xl_rc" ]; then
		ok "SIGTERM: the same exit status as runc's ($runc_rc)"
	else
		not_ok "SIGTERM: the same exit status as runc's" "runc $runc_rc, xlibos $xl_rc"
	fi
else
	not_ok "SIGTERM: runc's container exits within 15 s" "$(cat "$scratch/runc.log")"
fi
runc delete -f "$runc_id" >/dev/null 2>&1
runc_id=''

summary
