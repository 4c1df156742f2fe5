#!/bin/sh
# xlibos-init run natively: PID 1 of a new PID+mount namespace, chrooted
# into a busybox rootfs packed by the loader (via the fake kernel's dump,
# so the config is the loader's own).  CAP_SYS_BOOT is dropped so its
# power-off fails and it exits with the status instead, except in the one
# check of the power-off itself.  Needs root, unshare, chroot, setpriv,
# cpio and busybox-static; skips everything otherwise.
# usage: init.sh path/to/xlibos path/to/fake.img
# Prints "ok N - ..." / "not ok N - ..." and ends with "N passed, N failed[, N skipped]".

# Single-quoted commands are expanded by the guest's shell, on purpose.
# shellcheck disable=SC2016

if [ $# -ne 2 ] || [ ! -x "$1" ] || [ ! -f "$2" ]; then
	echo "usage: $0 path/to/xlibos path/to/fake.img" >&2
	exit 2
fi
xlibos=$1
fake=$2
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$here/../lib.sh"

# Keep in step with the checks below: all are skipped together.
NCHECKS=37

why_not=
if [ "$(id -u)" -ne 0 ]; then
	why_not="needs root"
else
	for tool in unshare chroot setpriv cpio timeout; do
		command -v $tool >/dev/null || why_not="$tool not installed"
	done
	[ -x /bin/busybox ] || why_not="busybox-static not installed"
	if [ -z "$why_not" ] &&
	   ! unshare --fork --pid --mount --mount-proc sh -c '[ $$ -eq 1 ]' 2>/dev/null; then
		why_not="unshare of PID and mount namespaces not permitted here"
	fi
fi
if [ -n "$why_not" ]; then
	for i in $(seq "$NCHECKS"); do skip "guest init check $i" "$why_not"; done
	summary
	exit
fi

# No core files from the signal checks (dash and bash both have -c).
# shellcheck disable=SC3045
ulimit -c 0 2>/dev/null

base=$scratch/base
root=$scratch/root
gout=$scratch/stdout
gerr=$scratch/stderr
sh "$here/../../scripts/make-demo-rootfs.sh" "$base" >/dev/null
mkdir -p "$base/data"
echo 'echo not executable' >"$base/bin/notexec"
chmod 0644 "$base/bin/notexec"
printf '#!/nonexistent/interpreter\n' >"$base/bin/nointerp"
chmod 0755 "$base/bin/nointerp"
head -c 64 /dev/urandom | tr '\177' x >"$base/bin/garbage"	# never an ELF
chmod 0755 "$base/bin/garbage"

# pack RUN-ARGS...: the archive "xlibos run RUN-ARGS" would boot, unpacked into $root.
pack() {
	"$xlibos" run --pack --net none --image "$fake" --rootfs "$base" --cmdline fake_dump "$@" \
		>"$scratch/archive" 2>"$scratch/pack.err" &&
		rm -rf "$root" && mkdir "$root" &&
		(cd "$root" && cpio -idm --quiet) <"$scratch/archive"
}

# guest: run the unpacked init as PID 1, without CAP_SYS_BOOT.
guest() {
	timeout -s KILL 30 setpriv --bounding-set -sys_boot -- \
		unshare --fork --pid --mount --net --uts --mount-proc --kill-child chroot "$root" /.xlibos/init
}

# gexpect DESC RC STDOUT STDERR RUN-ARGS...: pack, run with $stdin (default
# /dev/null); the status must be RC, stdout exactly STDOUT (unless "*"),
# stderr must contain STDERR (exactly empty if STDERR is "").
gexpect() {
	desc=$1 want_rc=$2 want_out=$3 want_err=$4
	shift 4
	if ! pack "$@"; then
		not_ok "$desc" "packing failed: $(cat "$scratch/pack.err")"
		return
	fi
	guest <"${stdin:-/dev/null}" >"$gout" 2>"$gerr"
	rc=$?
	report "$desc"
}

# report DESC: judge $rc, $gout and $gerr against want_rc, want_out, want_err.
report() {
	if [ "$rc" -ne "$want_rc" ]; then
		not_ok "$1" "expected status $want_rc, got $rc; stderr: $(cat "$gerr")"
	elif [ "$want_out" != "*" ] && [ "$(cat "$gout")" != "$want_out" ]; then
		not_ok "$1" "stdout: $(head -c 300 "$gout")"
	elif [ -z "$want_err" ] && [ -s "$gerr" ]; then
		not_ok "$1" "unexpected stderr: $(cat "$gerr")"
	elif [ -n "$want_err" ] && ! grep -qF -- "$want_err" "$gerr"; then
		not_ok "$1" "stderr lacks '$want_err': $(cat "$gerr")"
	else
		ok "$1"
	fi
}

# --- exit status ---
gexpect "true exits 0, silently" 0 "" "" -- true
gexpect "exit status passes through (sh -c 'exit 7')" 7 "" "" -- sh -c 'exit 7'
gexpect "exit status 255" 255 "" "" -- sh -c 'exit 255'
gexpect "missing command: 127" 127 "" "xlibos: no-such-command: command not found" -- no-such-command
gexpect "missing path: 127" 127 "" "xlibos: /no/such/file: No such file or directory" -- /no/such/file
gexpect "non-executable file: 126" 126 "" "xlibos: /bin/notexec: cannot execute: Permission denied" \
	-- /bin/notexec
gexpect "non-executable file found in PATH: 126" 126 "" \
	"xlibos: notexec: cannot execute: Permission denied" -- notexec
gexpect "directory: 126" 126 "" "xlibos: /data: cannot execute: Is a directory" -- /data
gexpect "not an executable format: 126" 126 "" "xlibos: garbage: cannot execute: Exec format error" \
	-- garbage
gexpect "missing #! interpreter: 127" 127 "" "xlibos: nointerp: cannot execute: required file not found" \
	-- nointerp
gexpect "SIGSEGV: 139 and 'Segmentation fault'" 139 "" "Segmentation fault" -- sh -c 'kill -SEGV $$'
gexpect "SIGKILL: 137 and 'Killed'" 137 "" "Killed" -- sh -c 'kill -KILL $$'
gexpect "SIGABRT: 134 and 'Aborted'" 134 "" "Aborted" -- sh -c 'kill -ABRT $$'
gexpect "SIGINT: 130, no message (as shells do)" 130 "" "" -- sh -c 'kill -INT $$'
if grep -q 'core dumped' "$gerr"; then not_ok "no '(core dumped)' without a core"; else ok "no '(core dumped)' without a core"; fi

# --- environment, arguments, working directory ---
path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
gexpect "environment: defaults plus --env, nothing else" 0 \
	"$(printf 'FOO=bar\nHOME=/root\nMULTI=a b\nPATH=%s' "$path")" "" \
	--env FOO=bar --env 'MULTI=a b' -- sh -c 'env | grep -v "^PWD=\|^SHLVL=" | sort'
gexpect "--env overrides HOME; later --env wins" 0 "/home/x|2" "" \
	--env HOME=/home/x --env N=1 --env N=2 -- sh -c 'echo "$HOME|$N"'
gexpect "PATH from --env is used to find the command" 127 "" "xlibos: sh: command not found" \
	--env PATH=/nonexistent -- sh -c true
gexpect "arguments are passed verbatim" 0 "$(printf '[a b]\n[c\nd]\n[]\n[*]')" "" \
	-- printf '[%s]\n' 'a b' 'c
d' '' '*'
gexpect "default working directory is /" 0 "/" "" -- pwd
gexpect "--workdir" 0 "/etc" "" --workdir /etc -- pwd
gexpect "missing --workdir is created" 0 "/new/work/dir" "" --workdir /new/work/dir -- pwd
gexpect "unusable --workdir: 125" 125 "" "xlibos: workdir '/etc/passwd/x': Not a directory" \
	--workdir /etc/passwd/x -- pwd

# --- stdio ---
head -c 1048576 /dev/urandom >"$scratch/random"
stdin=$scratch/random
gexpect "stdin to stdout, 1 MiB of binary, unchanged" 0 "*" "" -- cat
if cmp -s "$scratch/random" "$gout"; then ok "cat output is byte-identical"; else not_ok "cat output is byte-identical"; fi
want=$(sha256sum <"$scratch/random" | cut -d' ' -f1)
gexpect "busybox sha256sum of stdin equals the host's" 0 "$want  -" "" -- sha256sum
stdin=
gexpect "stderr is separate from stdout" 0 "out" "err" -- sh -c 'echo out; echo err >&2'

# --- init's duties ---
gexpect "the command's parent is PID 1, which is /.xlibos/init" 0 "1 /.xlibos/init" "" \
	-- sh -c 'echo "$PPID $(tr -d "\0" </proc/1/cmdline)"'
if pack -- sh -c 'sh -c "sleep 0.2 & exit 0"; sleep 1
	for f in /proc/[0-9]*/stat; do read -r l <"$f"; set -- $l; echo "$1 $3"; done'; then
	if guest >"$gout" 2>"$gerr" && ! grep -q ' Z$' "$gout" && [ "$(wc -l <"$gout")" -ge 2 ]; then
		ok "orphans are reaped: no zombies"
	else
		not_ok "orphans are reaped: no zombies" "$(cat "$gout" "$gerr")"
	fi
else
	not_ok "orphans are reaped: no zombies" "packing failed"
fi

if pack -- sh -c 'grep -E " /(proc|sys|dev|tmp|dev/pts|dev/shm) " /proc/mounts | cut -d" " -f2,3 | sort
	stat -c "%a" /tmp /dev/shm'; then
	rm -rf "$root/sys" "$root/tmp"	# init creates missing mount points
	guest >"$gout" 2>"$gerr"
	rc=$?
	want_out=$(printf '/dev devtmpfs\n/dev/pts devpts\n/dev/shm tmpfs\n/proc proc\n/sys sysfs\n/tmp tmpfs\n1777\n1777')
	want_rc=0 want_err=
	report "proc, sysfs, devtmpfs, devpts, tmpfs mounted; /tmp 1777; missing points created"
else
	not_ok "proc, sysfs, devtmpfs, devpts, tmpfs mounted; /tmp 1777; missing points created"
fi

# /dev/xlibos-fd0..2 when the kernel provides them: here stand-ins for
# /dev/zero and /dev/null on a /dev that init must leave mounted as it is.
# $(...) runs in a subshell: /proc/$$ is the shell, with its fds untouched.
if pack -- sh -c 'head -c 4 >/data/in
	printf "%s\n" "$(readlink /proc/$$/fd/0)" "$(readlink /proc/$$/fd/1)" "$(readlink /proc/$$/fd/2)" >/data/fds
	echo to-stdout; echo to-stderr >&2'; then
	printf 'abcd' | timeout -s KILL 30 setpriv --bounding-set -sys_boot -- \
		unshare --fork --pid --mount --net --uts --mount-proc --kill-child sh -c '
			mount -t tmpfs -o mode=0755 tmpfs "$1/dev" &&
			mknod "$1/dev/xlibos-fd0" c 1 5 && mknod "$1/dev/xlibos-fd1" c 1 3 &&
			mknod "$1/dev/xlibos-fd2" c 1 3 && mknod "$1/dev/null" c 1 3 &&
			exec chroot "$1" /.xlibos/init' sh "$root" >"$gout" 2>"$gerr"
	rc=$?
	if [ $rc -eq 0 ] && [ ! -s "$gout" ] && [ ! -s "$gerr" ] &&
	   [ "$(od -An -tx1 "$root/data/in" | tr -d ' ')" = 00000000 ] &&
	   [ "$(cat "$root/data/fds")" = "$(printf '/dev/xlibos-fd0\n/dev/xlibos-fd1\n/dev/xlibos-fd2')" ]; then
		ok "/dev/xlibos-fd0..2 become stdin, stdout, stderr; a mounted /dev is kept"
	else
		not_ok "/dev/xlibos-fd0..2 become stdin, stdout, stderr; a mounted /dev is kept" \
			"status $rc; $(cat "$gout" "$gerr" "$root/data/fds" 2>&1)"
	fi
else
	not_ok "/dev/xlibos-fd0..2 become stdin, stdout, stderr; a mounted /dev is kept" "packing failed"
fi

pack -- true && rm "$root/.xlibos/config"
guest >"$gout" 2>"$gerr"
rc=$?
want_rc=125 want_out="" want_err="xlibos: /.xlibos/config: No such file or directory"
report "missing config: 125"

# --- signals sent to init reach the command ---
root_abs=$(cd "$scratch" && pwd -P)/root
# The host pid of the init chrooted into $root.
find_init() {
	init_pid=
	for _ in $(seq 50); do
		for p in /proc/[0-9]*; do
			if [ "$(readlink "$p/root" 2>/dev/null)" = "$root_abs" ] &&
			   [ "$(cat "$p/comm" 2>/dev/null)" = init ]; then
				init_pid=${p#/proc/}
				return 0
			fi
		done
		sleep 0.1
	done
	return 1
}
wait_ready() {
	for _ in $(seq 50); do
		grep -q ready "$gout" && return 0
		sleep 0.1
	done
	return 1
}
for sig in TERM INT HUP; do
	case $sig in
	TERM) want_rc=42 want_out="got-TERM" want_err= ;;
	INT) want_rc=43 want_out="got-INT" want_err= ;;
	HUP) want_rc=129 want_out="" want_err="Hangup" ;;
	esac
	if ! pack -- sh -c 'trap "echo got-TERM; exit 42" TERM; trap "echo got-INT; exit 43" INT
		echo ready >&2; while :; do sleep 0.1; done'; then
		not_ok "SIG$sig is forwarded to the command" "packing failed"
		continue
	fi
	guest >"$gout" 2>"$gerr" &
	bg_pid=$!
	if find_init && sleep 0.3 && grep -q ready "$gerr"; then
		kill -s "$sig" "$init_pid"
		wait "$bg_pid"
		rc=$?
		sed -i '/^ready$/d' "$gerr"
		report "SIG$sig is forwarded to the command"
	else
		not_ok "SIG$sig is forwarded to the command" "init did not start: $(cat "$gerr")"
		kill -KILL "$bg_pid" 2>/dev/null
		wait "$bg_pid"
	fi
done

# --- the end ---
# With CAP_SYS_BOOT, reboot(RB_POWER_OFF) in a PID namespace makes the
# kernel kill its init with SIGINT: proof init powered off instead of exiting.
pack -- sh -c 'echo before-poweroff; exit 3'
timeout -s KILL 30 unshare --fork --pid --mount --net --uts --mount-proc --kill-child \
	chroot "$root" /.xlibos/init >"$gout" 2>"$scratch/unshare.err"
rc=$?
if [ $rc -eq 130 ] && [ "$(cat "$gout")" = before-poweroff ]; then
	ok "init powers off (reboot(RB_POWER_OFF)) after the command ends"
else
	not_ok "init powers off (reboot(RB_POWER_OFF)) after the command ends" \
		"status $rc: $(cat "$gout" "$scratch/unshare.err")"
fi
# Not PID 1: never reboot, just exit with the status.
pack -- sh -c 'exit 5'
timeout -s KILL 30 setpriv --bounding-set -sys_boot -- unshare --mount --net --uts \
	chroot "$root" /.xlibos/init >"$gout" 2>"$gerr"
rc=$?
want_rc=5 want_out="" want_err=
report "not PID 1: exits with the status"

summary
