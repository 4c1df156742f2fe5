#!/bin/sh
# Boots the loader against stand-in kernel images (fake_image.c) to test
# image validation, guest memory setup, the boot info, exit-record handling
# and signal supervision -- everything except the real kernel.
# usage: fake_boot.sh path/to/xlibos DIR-with-fake-images
# Prints "ok N - ..." / "not ok N - ..." and ends with "N passed, N failed".

if [ $# -ne 2 ] || [ ! -x "$1" ] || [ ! -f "$2/fake.img" ]; then
	echo "usage: $0 path/to/xlibos DIR-containing-fake.img" >&2
	exit 2
fi
xlibos=$1
dir=$2
fake=$dir/fake.img
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

# Relayed signals must start out at their defaults: a non-interactive shell
# ignores SIGINT in background jobs, and the loader honours an inherited SIG_IGN.
# Truncate $out here, not in the background job, or wait_sleeping could
# read the previous run's output.  A watchdog stops a hung loader after 20 s.
run_bg() {
	: >"$out"
	env --default-signal=INT,TERM,HUP "$xlibos" "$@" >>"$out" 2>&1 &
	bg_pid=$!
	(
		trap 'kill "$nap" 2>/dev/null; exit 0' TERM
		sleep 20 & nap=$!
		wait "$nap" && kill -KILL "$bg_pid"
	) >/dev/null 2>&1 &
	watchdog_pid=$!
}

# Give up on the background loader (after a failed check).
stop_bg() {
	kill -KILL "$bg_pid" 2>/dev/null
	wait "$bg_pid" 2>/dev/null
	kill "$watchdog_pid" 2>/dev/null
}

# Wait (up to 5 s) for the fake kernel to report it is sleeping; sets
# guest_pid to the host pid of the LibOS process, the supervisor's child
# (the pid it prints is its own view: 1 when it is init of a PID namespace).
wait_sleeping() {
	guest_pid=
	for _ in $(seq 50); do
		if grep -q '^fake: sleeping pid=' "$out"; then
			guest_pid=$(pgrep -P "$bg_pid" | head -n 1)
			[ -n "$guest_pid" ] && return 0
		fi
		sleep 0.1
	done
	return 1
}

# wait_bg DESC RC TEXT: reap the background loader and check its outcome.
wait_bg() {
	wait "$bg_pid"
	rc=$?
	kill "$watchdog_pid" 2>/dev/null
	if [ "$rc" -ne "$2" ]; then
		not_ok "$1" "expected exit $2, got $rc"
	elif ! grep -qF -- "$3" "$out"; then
		not_ok "$1" "output lacks: $3"
	else
		ok "$1"
	fi
}

# patch FILE OFFSET OCTAL-ESCAPES: overwrite bytes of a copy of the fake image.
patched() {
	cp "$fake" "$scratch/$1"
	# shellcheck disable=SC2059 # $3 is a format of octal escapes on purpose
	printf "$3" | dd of="$scratch/$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
	echo "$scratch/$1"
}

quiet_check() {
	if grep -q '^xlibos: ' "$out"; then not_ok "$1" "expected no loader message"; else ok "$1"; fi
}

# --- how the guest ends -> exit status and message ---
expect "poweroff exits 0" 0 "fake: cmdline='poweroff'" "$xlibos" boot --image "$fake" --cmdline poweroff
quiet_check "poweroff is quiet"
expect "halt exits 0" 0 "" "$xlibos" boot --image "$fake" --cmdline halt
quiet_check "halt is quiet"
expect "restart exits 3" 3 "xlibos: guest requested restart (not supported), exiting" \
	"$xlibos" boot --image "$fake" --cmdline restart
expect "panic exits 1 with the message" 1 "xlibos: guest kernel panic: fake panic: disk on fire" \
	"$xlibos" boot --image "$fake" --cmdline "panic disk on fire"
expect "SIGSEGV in the guest" 1 "xlibos: LibOS terminated unexpectedly (killed by signal SIGSEGV)" \
	"$xlibos" boot --image "$fake" --cmdline segv
expect "exit without a record" 1 "xlibos: LibOS terminated unexpectedly (exit status 7)" \
	"$xlibos" boot --image "$fake" --cmdline exit7
expect "entry point returning" 1 "entry point returned" "$xlibos" boot --image "$fake" --cmdline return
expect_one_line "entry point returning: one line"

# --- what the guest sees ---
expect "boot info, memfd, vDSO (default 128M)" 0 "fake: check ok" \
	"$xlibos" boot --image "$fake" --cmdline "check mem=134217728"
expect "boot info with --mem 64MiB" 0 "fake: check ok" \
	"$xlibos" boot --image "$fake" --mem 64MiB --cmdline "check mem=67108864"
expect "--mem rounds up to a page" 0 "fake: check ok" \
	"$xlibos" boot --image "$fake" --mem 67108865 --cmdline "check mem=67112960"
expect "48M bss is zero and writable" 0 "fake: check ok" \
	"$xlibos" boot --image "$dir/fake-bigbss.img" --mem 64M --cmdline "check mem=67108864"
expect "empty command line by default" 1 "fake: cmdline=''" "$xlibos" boot --image "$fake"

# --- initrd ---
{ printf 'XLIBOS-INITRD-01'; head -c 10000 /dev/urandom; printf 'END-OF-INITRD-01'; } >"$scratch/initrd"
size=$(wc -c <"$scratch/initrd")
expect "initrd placed at the top of memory" 0 "fake: initrd ok" \
	"$xlibos" boot --image "$fake" --initrd "$scratch/initrd" --cmdline "initrd size=$size"
expect "initrd with --mem 32M" 0 "fake: initrd ok" \
	"$xlibos" boot --image "$fake" --mem 32M --initrd "$scratch/initrd" --cmdline "initrd size=$size"
expect "missing initrd" 2 "initrd '/nonexistent/initrd': cannot open" \
	"$xlibos" boot --image "$fake" --initrd /nonexistent/initrd
: >"$scratch/empty"
expect "empty initrd" 2 "is empty" "$xlibos" boot --image "$fake" --initrd "$scratch/empty"
head -c $((20 << 20)) /dev/zero >"$scratch/big-initrd"
expect "initrd too big for --mem" 2 "does not fit in --mem 32M" \
	"$xlibos" boot --image "$fake" --mem 32M --initrd "$scratch/big-initrd"
expect_one_line "initrd too big: one line"

# --- image validation ---
expect "image larger than --mem" 2 "--mem 32M too small for image" \
	"$xlibos" boot --image "$dir/fake-bigbss.img" --mem 32M
expect "boot protocol version mismatch" 2 "image boot protocol version 1, loader expects 3" \
	"$xlibos" boot --image "$dir/fake-oldproto.img"
expect "image without the note" 2 "not an xlibos image" "$xlibos" boot --image "$dir/fake-nonote.img"
expect "entry point in a data segment" 2 "not inside an executable segment" \
	"$xlibos" boot --image "$dir/fake-badentry.img"
expect "image linked at a host address" 2 "outside the xlibos memory window" \
	"$xlibos" boot --image "$dir/fake-lowaddr.img"
expect "ET_DYN image" 2 "expected ET_EXEC" \
	"$xlibos" boot --image "$(patched dyn.img 16 '\003\000')"
# Elf64_Phdr[1].p_memsz (offset 64 + 56 + 40) below its p_filesz.
expect "p_filesz > p_memsz" 2 "more file bytes than memory bytes" \
	"$xlibos" boot --image "$(patched memsz.img 160 '\001\000\000\000\000\000\000\000')"
# Both PT_LOADs (p_type at 64 and 120) turned into PT_NULL.
noload=$(patched noload.img 64 '\000')
printf '\000' | dd of="$noload" bs=1 seek=120 conv=notrunc 2>/dev/null
expect "no PT_LOAD" 2 "no loadable (PT_LOAD) segments" "$xlibos" boot --image "$noload"
head -c 8192 "$fake" >"$scratch/cut.img"
expect "truncated xlibos image" 2 "truncated" "$xlibos" boot --image "$scratch/cut.img"

# --- host environment problems, reported by the child ---
expect "guest window already mapped" 2 "address range already in use" \
	env LD_PRELOAD="$dir/squat_phys.so" "$xlibos" boot --image "$fake" --cmdline poweroff
expect_one_line "guest window already mapped: one line"
expect "guest memory allocation failure" 2 "cannot allocate 1073741824 bytes (1G) of guest memory" \
	sh -c 'ulimit -v 400000 && exec "$@"' sh "$xlibos" boot --image "$fake" --mem 1G --cmdline poweroff

# --- supervision ---
run_bg boot --image "$fake" --cmdline sleep
if wait_sleeping; then
	ok "guest runs in a child process"
	if grep -q '^Max core file size *0 *0' "/proc/$guest_pid/limits"; then
		ok "guest has RLIMIT_CORE 0"
	else
		not_ok "guest has RLIMIT_CORE 0"
	fi
	if grep -q '^7c0000000000-.* /memfd:xlibos-phys' "/proc/$guest_pid/maps"; then
		ok "guest memory is the xlibos-phys memfd at XLIBOS_PHYS_VIRT"
	else
		not_ok "guest memory is the xlibos-phys memfd at XLIBOS_PHYS_VIRT"
	fi
	# The LibOS process is init of its PID namespace: a signal it has no
	# handler for is ignored, so a relayed SIGTERM must leave it running
	# (the real kernel handles it and passes it to the container's init).
	kill -TERM "$bg_pid"
	sleep 0.3
	if kill -0 "$guest_pid" 2>/dev/null; then ok "SIGTERM is relayed, not fatal to the LibOS process"; else not_ok "SIGTERM is relayed, not fatal to the LibOS process" "guest died"; fi
	stop_bg
else
	not_ok "guest runs in a child process" "no 'sleeping' line"
	stop_bg
fi

run_bg boot --image "$fake" --cmdline sleep-ignint
if wait_sleeping; then
	kill -INT "$bg_pid"
	sleep 0.3
	if kill -0 "$guest_pid" 2>/dev/null; then ok "first SIGINT relayed (guest ignores it)"; else not_ok "first SIGINT relayed (guest ignores it)" "guest died"; fi
	kill -INT "$bg_pid"
	wait_bg "second SIGINT kills the guest" 1 "killed by signal SIGKILL"
else
	not_ok "first SIGINT relayed (guest ignores it)" "no 'sleeping' line"
	stop_bg
fi

run_bg boot --image "$fake" --cmdline sleep
if wait_sleeping; then
	stop_bg
	gone=no
	for _ in $(seq 50); do
		if ! kill -0 "$guest_pid" 2>/dev/null; then gone=yes; break; fi
		sleep 0.1
	done
	if [ $gone = yes ]; then ok "guest dies with its supervisor"; else not_ok "guest dies with its supervisor"; kill -KILL "$guest_pid"; fi
else
	not_ok "guest dies with its supervisor" "no 'sleeping' line"
	stop_bg
fi

summary
