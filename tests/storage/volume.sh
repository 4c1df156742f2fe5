#!/bin/sh
# --volume HOSTDIR:GUESTDIR[:ro]: a host directory shared live with the
# guest through virtio-9p and the supervisor's own 9P2000.L server
# (loader/p9/).  First the server alone, driven with crafted messages as a
# hostile guest would send them (tests/storage/p9_server_test.c: every
# operation, walks out of the volume, symlinks and hard links to outside
# files, bad lengths, truncated messages, too many fids, FIFOs, a
# read-only volume); then, when the loader has --volume, a container using
# one: files seen both ways while it runs, ls/stat against the host,
# changes, a :ro volume, links pointing outside.
# usage: volume.sh path/to/xlibos [path/to/rootfs]
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

# --- the server alone ---------------------------------------------------------
# server_pass LABEL DIR [RUNNER...]: run the server test in DIR; each of its
# checks is one of ours.
server_pass() {
	label=$1 dir=$2
	shift 2
	"$@" "$top/build/tests/storage/p9_server_test" "$dir" >"$scratch/p9.out" 2>&1
	rc=$?
	while IFS= read -r line; do
		desc=${line#* - }
		case $line in
		"not ok "*) not_ok "$label: $desc" "" ;;
		"ok "*"# SKIP "*) skip "$label: ${desc%% # SKIP *}" "${line##*# SKIP }" ;;
		"ok "*) ok "$label: $desc" ;;
		esac
	done <"$scratch/p9.out"
	if [ "$rc" -ne 0 ] && ! grep -q '^not ok' "$scratch/p9.out"; then
		not_ok "$label: the test exits 0" "$(tail -n 5 "$scratch/p9.out")"
	fi
}
if ! make --no-print-directory -s -C "$top/loader" p9-test-build >"$out" 2>&1; then
	not_ok "build tests/storage/p9_server_test" ""
else
	mkdir -p "$scratch/p9" "$scratch/p9-rootless"
	server_pass server "$scratch/p9"
	# The same as a user (rootless: the user's files show as 0:0).
	if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
		chown 65534:65534 "$scratch/p9-rootless"
		chmod 755 "$scratch"
		server_pass "server (rootless)" "$scratch/p9-rootless" \
			setpriv --reuid 65534 --regid 65534 --clear-groups
	else
		skip "server (rootless)" "needs root and setpriv to run as another user"
	fi
fi

# --- a container with a volume ------------------------------------------------
NGUEST=37
guest_skip() {
	for i in $(seq "$NGUEST"); do skip "container with a volume, check $i" "$1"; done
	summary
	exit
}
if "$xlibos" run --volume /nonexistent-probe:/probe -- true 2>&1 | grep -q "unknown option '--volume'"; then
	guest_skip "xlibos run has no --volume option yet"
fi
[ -x "$rootfs/bin/sh" ] || guest_skip "no guest rootfs with /bin/sh at $rootfs"
XL_TIMEOUT=${XL_TIMEOUT:-120}
xl() { timeout -k 5 "$XL_TIMEOUT" "$xlibos" "$@"; }

v=$scratch/vol
o=$scratch/outside
mkdir -p "$v/dir" "$o"
echo "from the host" >"$v/host.txt"
echo SECRET >"$o/secret"
chmod 600 "$o/secret"
ln -s ../outside/secret "$v/esc"
ln -s /etc/shadow "$v/abs"
ln "$o/secret" "$v/hard" 2>/dev/null || true
[ "$(id -u)" -eq 0 ] && chown 4321:4321 "$o/secret"
outside_state() { stat -c '%n %a %u %g %s %h %Y %Z' "$o" "$o"/*; cat "$o/secret"; }
before=$(outside_state)

# Writes in the guest, reads on the host while the container still runs
# (it waits for the host's answer file, written after the check).
# shellcheck disable=SC2016 # the guest's shell expands it
xl run --rootfs "$rootfs" --volume "$v:/mnt/v" -- /bin/sh -c '
	cd /mnt/v || exit 3
	cat host.txt
	echo "from the guest" >guest.txt
	i=0; while [ ! -e answer ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done
	cat answer
	mkdir d2 && mv guest.txt d2/moved.txt && ln -s d2/moved.txt sl && chmod 640 d2/moved.txt
	echo 0123456789 >trunc && truncate -s 4 trunc 2>/dev/null || : >trunc.fail
	rm -f host-rm.txt
	ls -la --full-time . >ls.guest 2>&1 || ls -la . >ls.guest 2>&1
	cat esc 2>&1; echo "esc: $?"
	cat abs 2>&1; echo "abs: $?"
	cat hard 2>&1; echo "hard: $?"
	echo x >esc 2>&1; echo "write esc: $?"
' >"$scratch/run.out" 2>&1 &
pid=$!
i=0
while [ ! -s "$v/guest.txt" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
if [ "$(cat "$v/guest.txt" 2>/dev/null)" = "from the guest" ]; then ok "a guest's write is on the host while it runs"; else
	not_ok "a guest's write is on the host while it runs" ""; fi
echo "host -> guest, live" >"$v/answer"
echo bye >"$v/host-rm.txt"
wait "$pid"
rc=$?
out_save=$out; out=$scratch/run.out
if [ "$rc" -eq 0 ]; then ok "the container ran (status 0)"; else not_ok "the container ran" "status $rc"; fi
if grep -qx "from the host" "$scratch/run.out"; then ok "the guest reads a host file"; else not_ok "the guest reads a host file" ""; fi
if grep -qx "host -> guest, live" "$scratch/run.out"; then ok "... and one the host wrote while it ran"; else
	not_ok "... and one the host wrote while it ran" ""; fi
out=$out_save
if [ "$(cat "$v/d2/moved.txt" 2>/dev/null)" = "from the guest" ] && [ "$(stat -c %a "$v/d2/moved.txt")" = 640 ]; then
	ok "mkdir, mv, chmod 640 in the guest: seen on the host"; else not_ok "mkdir, mv, chmod in the guest" "$(ls -laR "$v")"; fi
if [ "$(readlink "$v/sl")" = d2/moved.txt ]; then ok "ln -s in the guest: a symlink on the host"; else not_ok "ln -s in the guest" ""; fi
if [ "$(cat "$v/trunc" 2>/dev/null)" = 0123 ]; then ok "truncate -s 4 in the guest"; else not_ok "truncate -s 4 in the guest" "$(cat "$v/trunc")"; fi
if [ ! -e "$v/host-rm.txt" ]; then ok "rm in the guest of a file the host made"; else not_ok "rm in the guest" ""; fi
# ls -la in the guest against the host: the same names, sizes and modes.
if [ -s "$v/ls.guest" ]; then
	g=$(awk 'NF >= 9 && $NF != "." && $NF != ".." && $1 !~ /^total/ { print $1, $5, $NF }' "$v/ls.guest" | grep -v ' ls.guest$' | sort)
	# shellcheck disable=SC2012 # ls's own output is what is compared
	h=$(cd "$v" && ls -la --full-time . | awk 'NF >= 9 && $NF != "." && $NF != ".." && $1 !~ /^total/ { print $1, $5, $NF }' | grep -v ' ls.guest$' | sort)
	# Symlinks print "name -> target": compare the names' fields as printed.
	if [ -n "$g" ] && [ "$g" = "$h" ]; then ok "ls -la in the guest = on the host (modes, sizes, names of $(printf "%s\n" "$g" | wc -l) entries)"; else
		not_ok "ls -la in the guest = on the host" "guest:
$g
host:
$h"; fi
else
	not_ok "ls -la in the guest" "no ls.guest"
fi
if grep -q "^esc: 0" "$scratch/run.out" || grep -q "^SECRET" "$scratch/run.out"; then
	not_ok "a symlink to an outside file does not reach it" "$(cat "$scratch/run.out")"
else ok "a symlink to an outside file does not reach it (resolved in the guest)"; fi
if grep -q "^abs: 0" "$scratch/run.out"; then not_ok "a symlink to /etc/shadow reads the guest's, never the host's" ""; else
	ok "a symlink to /etc/shadow does not read the host's"; fi
if [ "$(id -u)" -eq 0 ]; then
	if grep -q "^hard: 0" "$scratch/run.out"; then not_ok "a hard link to another owner's outside file is refused" ""; else
		ok "a hard link to another owner's outside file is refused"; fi
else
	skip "a hard link to another owner's outside file is refused" "needs root"
fi
after=$(outside_state)
if [ "$before" = "$after" ]; then ok "nothing outside the volume changed"; else
	not_ok "nothing outside the volume changed" "before: $before
after: $after"; fi

# A read-only volume.
rm -f "$v/answer"
expect ":ro volume: a write fails with EROFS" 1 "Read-only file system" \
	xl run --rootfs "$rootfs" --volume "$v:/mnt/v:ro" -- /bin/sh -c 'cat /mnt/v/host.txt && echo x >/mnt/v/new'
if grep -q "from the host" "$out"; then ok ":ro volume: reads work"; else not_ok ":ro volume: reads work" ""; fi
if [ ! -e "$v/new" ]; then ok ":ro volume: nothing written on the host"; else not_ok ":ro volume: nothing written on the host" ""; fi

# A guest user's files are that user's on the host (as a bind mount), and
# the guest's permission checks hold for it.
if [ "$(id -u)" -ne 0 ]; then
	skip "a guest user's files belong to it on the host" "rootless: files are the user's"
	skip "... and root's 0600 file is refused to it" "rootless"
elif [ ! -x "$rootfs/bin/su" ] && [ ! -x "$rootfs/usr/bin/su" ]; then
	skip "a guest user's files belong to it on the host" "no su in $rootfs"
	skip "... and root's 0600 file is refused to it" "no su in $rootfs"
else
	v2=$scratch/vol2
	mkdir -p "$v2"
	chmod 777 "$v2"
	xl run --rootfs "$rootfs" --volume "$v2:/mnt/v" -- /bin/sh -c '
		cd /mnt/v && echo root >byroot && chmod 600 byroot &&
		su -s /bin/sh nobody -c "echo u >byuser; cat byroot"; true' >"$out" 2>&1
	if [ "$(stat -c %u:%g "$v2/byuser" 2>/dev/null)" = 65534:65534 ] &&
	   [ "$(stat -c %u "$v2/byroot")" = 0 ]; then
		ok "a guest user's files belong to it on the host (65534:65534, root's 0)"
	else
		not_ok "a guest user's files belong to it on the host" "$(ls -ln "$v2")"
	fi
	if grep -q "Permission denied" "$out"; then ok "... and root's 0600 file is refused to it"; else
		not_ok "... and root's 0600 file is refused to it" ""; fi
fi

# A hostile guest: a program inside takes the volume's device over (after
# unmounting it) and sends 9P no Linux client would, then transport garbage.
prog=$scratch/p9_hostile
image=${XLIBOS_IMAGE:-$top/build/xlibos.img}
wake=$(nm "$image" 2>/dev/null | awk '$3 == "xlibos_futex_wake" { print $1 }')
if ! gcc -std=gnu11 -Wall -Wextra -Werror -O2 -static -I"$top/arch-xlibos/include/uapi" \
	-o "$prog" "$here/p9_hostile.c" >"$out" 2>&1; then
	not_ok "build the hostile 9P driver" ""
elif [ -z "$wake" ]; then
	for i in 1 2 3 4 5; do skip "hostile 9P driver, check $i" "no symbol xlibos_futex_wake in $image (nm)"; done
else
	tree=$scratch/tree
	hv=$scratch/hvol
	mkdir -p "$hv"
	cp -a "$rootfs/." "$tree" && cp "$prog" "$tree/p9_hostile"
	ln -s ../outside "$hv/esc-dir"
	ln -s ../outside/secret "$hv/esc-file"
	ln "$o/secret" "$hv/hard" 2>/dev/null || true
	before=$(outside_state)
	# The root image is device 0, the only volume device 1.
	xl run --rootfs "$tree" --volume "$hv:/mnt/v" -- \
		sh -c "umount /mnt/v && /p9_hostile 1 $wake ops" >"$scratch/hostile.out" 2>&1
	rc=$?
	while IFS= read -r line; do
		case $line in
		"PASS "*) ok "hostile 9P: ${line#PASS }" ;;
		"FAIL "*) not_ok "hostile 9P: ${line#FAIL }" "" ;;
		esac
	done <"$scratch/hostile.out"
	if [ "$rc" -eq 0 ] && grep -qx "broken=0" "$scratch/hostile.out"; then
		ok "hostile 9P: the device keeps going (errors are answers)"
	else
		out=$scratch/hostile.out
		not_ok "hostile 9P: the device keeps going" "exit $rc"
		out=$scratch/out
	fi
	if [ "$(stat -c %s "$hv/from-hostile" 2>/dev/null)" = 50000 ]; then
		ok "hostile 9P: its 50000-byte write landed in the volume"
	else
		not_ok "hostile 9P: its 50000-byte write landed in the volume" ""
	fi
	for attack in "size-lie:a request that is not a 9P message (11 bytes, 4096" "short-in:a request that is not a 9P message (11 bytes, 4 for" "huge:a 9P message of 600023 bytes"; do
		name=${attack%%:*} why=${attack#*:}
		xl run --rootfs "$tree" --volume "$hv:/mnt/v" -- \
			sh -c "umount /mnt/v && /p9_hostile 1 $wake $name && cat /bin/busybox >/dev/null && echo root-still-works" \
			>"$out" 2>&1
		rc=$?
		if [ "$rc" -eq 0 ] && grep -qx "broken=1" "$out" && grep -q "root-still-works" "$out" &&
		   [ "$(grep -c "^xlibos: virtio-9p device 1: $why.*; the device is stopped" "$out")" -eq 1 ]; then
			ok "hostile 9P $name: the device stops with one message, the container goes on"
		else
			not_ok "hostile 9P $name: the device stops with one message" "exit $rc"
		fi
	done
	after=$(outside_state)
	if [ "$before" = "$after" ]; then ok "hostile 9P: nothing outside the volume changed"; else
		not_ok "hostile 9P: nothing outside the volume changed" ""; fi
fi

summary
