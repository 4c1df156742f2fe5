#!/bin/sh
# Debugging a program inside a container, compared with native runs:
#   1. ptrace_regs.c (static glibc): registers through GETREGS, regsets,
#      PEEKUSER/POKEUSER (debug registers too), single steps, a system
#      call's result changed by a tracer, seccomp filters and strict mode,
#      deaths by core-dumping signals with RLIMIT_CORE 0, PR_SET_TSC,
#      ARCH_*_CPUID.  Output identical to the native run's, except the
#      "limit:" lines, which must say the documented refusals
#      (docs/kernel-config.md, "Port limits").
#   2. Core dumps written as Linux writes them: a SIGQUIT with
#      RLIMIT_CORE unlimited ends in 131 "(core dumped)" and an ELF core
#      with NT_PRSTATUS, NT_FPREGSET, NT_X86_XSTATE and NT_AUXV notes, in the
#      directory core_pattern names (a volume, read on the host); a parent
#      waiting for a core-dumping child is not stuck; a core_pattern pipe
#      to a helper gets the core.
#   3. strace -f of a pipeline (the host's strace and its libraries in a
#      test rootfs): the same write calls and exits as natively.
#   4. gdb -batch (break, step, next, info registers, print, finish,
#      continue) on a program built with -g: the same session as natively.
# usage: run_debug_tests.sh path/to/xlibos path/to/rootfs
# Ends with "N passed, N failed, N skipped".

if [ $# -ne 2 ] || [ ! -x "$1" ] || [ ! -d "$2" ]; then
	echo "usage: $0 path/to/xlibos path/to/rootfs" >&2
	exit 2
fi
loader=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
rootfs=$(cd "$2" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
build=$top/build/tests/debug
# shellcheck source-path=SCRIPTDIR source=../../lib.sh
. "$here/../../lib.sh"
TO=60
mkdir -p "$build"
# shellcheck disable=SC3045
ulimit -c 0 2>/dev/null

run() {
	timeout -k 5 "$TO" "$loader" run "$@"
}

# -------------------------------------------------------------- rootfs
# build/rootfs plus the test programs, and with --tools the host's strace
# and gdb with their libraries (and gdb's Python); made once per change of
# the programs, in build/tests/debug.
libs_of() {
	ldd "$1" 2>/dev/null | grep -o '/[^ ]*' | sort -u
}

make_rootfs() {
	r=$build/rootfs.new
	rm -rf "$r" "$build/rootfs"
	cp -a "$rootfs/." "$r" || return 1
	mkdir -p "$r/t" "$r/src"
	cp "$build/ptrace_regs" "$build/self" "$build/hello" "$r/t/"
	cp "$here/hello.c" "$r/src/"
	cp "$here/gdb.cmd" "$r/t/"
	for tool in strace gdb; do
		p=$(command -v $tool) || continue
		cp "$p" "$r/bin/"
		for l in $(libs_of "$p"); do
			mkdir -p "$r$(dirname "$l")"
			cp -L "$l" "$r$l"
		done
	done
	if command -v gdb >/dev/null; then
		py=$(gdb -batch -ex 'python import sys; print(sys.prefix + "/lib/python%d.%d" % sys.version_info[:2])' 2>/dev/null)
		if [ -n "$py" ] && [ -d "$py" ]; then
			mkdir -p "$r$(dirname "$py")"
			rsync -a --exclude test --exclude tests --exclude idlelib \
				--exclude tkinter --exclude ensurepip --exclude __pycache__ \
				"$py" "$r$(dirname "$py")/"
		fi
		[ -d /usr/share/gdb/python ] && mkdir -p "$r/usr/share/gdb" &&
			cp -a /usr/share/gdb/python "$r/usr/share/gdb/"
		gconv=$(dirname "$(libs_of "$(command -v gdb)" | grep '/libc.so' | head -n 1)")/gconv
		[ -d "$gconv" ] && mkdir -p "$r$gconv" && cp -a "$gconv/." "$r$gconv/"
	fi
	mv "$r" "$build/rootfs"
}

for p in ptrace_regs self; do
	if [ ! -x "$build/$p" ] || [ -n "$(find "$here/$p.c" -newer "$build/$p")" ]; then
		gcc -static -O2 -Wall -Wextra -o "$build/$p" "$here/$p.c" ||
			not_ok "build $p"
	fi
done
if [ ! -x "$build/hello" ] || [ -n "$(find "$here/hello.c" -newer "$build/hello")" ]; then
	# built where the guest sees its source: /src/hello.c
	mkdir -p "$build/src" && cp "$here/hello.c" "$build/src/" &&
	gcc -static -g -O0 -fdebug-prefix-map="$build/src=/src" \
		-o "$build/hello" "$build/src/hello.c" || not_ok "build hello"
fi
stamp=$build/rootfs/.stamp
if [ ! -f "$stamp" ] || [ -n "$(find "$build/ptrace_regs" "$build/self" "$build/hello" \
	"$here/gdb.cmd" "$rootfs/bin/busybox" -newer "$stamp" 2>/dev/null)" ]; then
	make_rootfs && touch "$stamp"
fi
trfs=$build/rootfs

# ----------------------------------------------------- 1. ptrace_regs
"$build/ptrace_regs" >"$scratch/native" 2>&1
run --rootfs "$trfs" -- /t/ptrace_regs >"$scratch/xlibos" 2>&1
rc=$?
grep -v '^limit:' "$scratch/native" >"$scratch/n"
grep -v '^limit:' "$scratch/xlibos" >"$scratch/x"
if [ $rc -eq 0 ] && diff "$scratch/n" "$scratch/x" >"$out"; then
	ok "ptrace registers, single steps, seccomp, core signals: as native ($(wc -l <"$scratch/n") lines)"
else
	not_ok "ptrace registers, single steps, seccomp, core signals: as native (exit $rc)"
fi
rm -f "$out"
for want in "limit: POKEUSER DR7 L0: ENOSPC" "limit: PR_SET_TSC sigsegv: -1 EINVAL" \
	    "limit: ARCH_SET_CPUID 1: -1 ENODEV"; do
	if grep -qxF "$want" "$scratch/xlibos"; then
		ok "documented refusal: ${want#limit: }"
	else
		not_ok "documented refusal: ${want#limit: }" "$(grep -F "${want%%:*}" "$scratch/xlibos")"
	fi
done

# ------------------------------------------------------- 2. core dumps
cores=$scratch/cores
mkdir -p "$cores"
chmod 777 "$cores"
run --rootfs "$trfs" --volume "$cores:/cores" -- sh -c \
	'echo "/cores/core.%e.%s.%p" >/proc/sys/kernel/core_pattern
	 ulimit -c unlimited; /t/self 3 core; echo "status $?"
	 ulimit -c 0; /t/self 11; echo "status $?"
	 /t/self 3 core & wait $!; echo "bg status $?"' \
	>"$out" 2>&1
rc=$?
if [ $rc -eq 0 ] && grep -qx "status 131" "$out" && grep -qx "status 139" "$out" &&
   grep -q "Quit (core dumped)" "$out" && grep -qx "Segmentation fault" "$out" &&
   grep -qx "bg status 131" "$out"; then
	ok "core-dumping signals: 131 core dumped, 139 without core (RLIMIT_CORE 0), waited for"
else
	not_ok "core-dumping signals: 131 core dumped, 139 without core (RLIMIT_CORE 0), waited for" "exit $rc"
fi
rm -f "$out"
core=$(find "$cores" -name 'core.self.3.*' | head -n 1)
if [ ! -f "$core" ]; then
	not_ok "core file where core_pattern says" "$(ls -la "$cores")"
elif [ -n "$(find "$cores" -name 'core.self.11.*')" ]; then
	not_ok "no core file with RLIMIT_CORE 0"
elif ! command -v readelf >/dev/null; then
	skip "core file notes" "no readelf"
else
	readelf -h -n "$core" >"$scratch/notes" 2>&1
	if grep -q "CORE (Core file)" "$scratch/notes" &&
	   grep -q NT_PRSTATUS "$scratch/notes" && grep -q NT_FPREGSET "$scratch/notes" &&
	   grep -q NT_X86_XSTATE "$scratch/notes" && grep -q NT_AUXV "$scratch/notes"; then
		ok "core file at core_pattern's path: ELF core with prstatus, FP, XSAVE, auxv notes"
	else
		cp "$scratch/notes" "$out"
		not_ok "core file at core_pattern's path: ELF core with prstatus, FP, XSAVE, auxv notes"
		rm -f "$out"
	fi
	if command -v gdb >/dev/null; then
		gdb -batch -ex bt "$build/self" "$core" >"$out" 2>&1
		if grep -q "Program terminated with signal SIGQUIT" "$out" && grep -q "in main" "$out"; then
			ok "the host's gdb reads the guest's core: SIGQUIT, backtrace to main"
		else
			not_ok "the host's gdb reads the guest's core: SIGQUIT, backtrace to main"
		fi
		rm -f "$out"
	fi
fi

# A core_pattern pipe: the kernel starts the helper with the core on its
# stdin, as systemd-coredump or apport are started.
run --rootfs "$trfs" -- sh -c \
	'printf "#!/bin/sh\ncat >/tmp/core.pipe.\$1\n" >/tmp/h; chmod +x /tmp/h
	 echo "|/tmp/h %s" >/proc/sys/kernel/core_pattern
	 /t/self 3 core; echo "status $?"; sleep 0.3
	 head -c 4 /tmp/core.pipe.3 | od -c | head -n 1' >"$out" 2>&1
if grep -qx "status 131" "$out" && grep -q "Quit (core dumped)" "$out" &&
   grep -q '177   E   L   F' "$out"; then
	ok "core_pattern |helper: the helper gets the ELF core on its stdin"
else
	not_ok "core_pattern |helper: the helper gets the ELF core on its stdin"
fi
rm -f "$out"

# -------------------------------------------------------- 3. strace -f
# Natively: the same rootfs under chroot (root only), same paths.
native_ok=
[ "$(id -u)" -eq 0 ] && chroot "$trfs" /bin/true 2>/dev/null && native_ok=1
if ! command -v strace >/dev/null; then
	skip "strace -f inside" "no strace on the host (apt-get install strace)"
elif [ -z "$native_ok" ]; then
	skip "strace -f inside" "the native run needs chroot (root)"
else
	# shellcheck disable=SC2016
	script='echo hi | cat; /t/self 3; echo "st $?"'
	chroot "$trfs" /bin/strace -f -qq -e trace=write,exit_group -e signal=none \
		sh -c "$script" >"$scratch/no" 2>"$scratch/ns"
	run --rootfs "$trfs" -- strace -f -qq -e trace=write,exit_group \
		-e signal=none sh -c "$script" >"$scratch/xo" 2>"$scratch/xs"
	rc=$?
	# without pids, sorted: the processes interleave differently
	for f in ns xs; do
		sed 's/^\[pid *[0-9]*\] //' "$scratch/$f" | sort >"$scratch/$f.sorted"
	done
	if [ $rc -eq 0 ] && grep -q 'write(1, "st 131' "$scratch/xs" &&
	   diff "$scratch/no" "$scratch/xo" >"$out" &&
	   diff "$scratch/ns.sorted" "$scratch/xs.sorted" >>"$out"; then
		ok "strace -f of a pipeline and a core-dumping child: same calls as natively ($(wc -l <"$scratch/xs") lines)"
	else
		not_ok "strace -f of a pipeline and a core-dumping child: same calls as natively (exit $rc)"
	fi
	rm -f "$out"
fi

# ------------------------------------------------------------- 4. gdb
if ! command -v gdb >/dev/null; then
	skip "gdb -batch inside" "no gdb on the host (apt-get install gdb)"
elif [ -z "$native_ok" ]; then
	skip "gdb -batch inside" "the native run needs chroot (root)"
else
	# with its own /proc, as gdb wants, in a mount namespace of its own
	unshare -m --propagation private sh -c 'mount -t proc proc "$1/proc" &&
		SHELL=/bin/sh exec chroot "$1" /bin/gdb -batch -nx -x /t/gdb.cmd /t/hello' \
		sh "$trfs" >"$scratch/ng" 2>&1
	run --mem 512M --rootfs "$trfs" -- gdb -batch -nx -x /t/gdb.cmd /t/hello \
		>"$scratch/xg" 2>&1
	rc=$?
	for f in ng xg; do
		sed 's/(process [0-9]*)/(process N)/' "$scratch/$f" >"$scratch/$f.f"
	done
	if [ $rc -eq 0 ] && grep -q 'Value returned is $4 = 5' "$scratch/xg.f" &&
	   diff "$scratch/ng.f" "$scratch/xg.f" >"$out"; then
		ok "gdb -batch: break, step, next, info registers, print, finish, continue as natively"
	else
		not_ok "gdb -batch: break, step, next, info registers, print, finish, continue as natively (exit $rc)"
	fi
	rm -f "$out"
fi

summary
