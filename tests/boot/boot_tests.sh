#!/bin/sh
# Boot the real LibOS image and check what a user sees.
# usage: boot_tests.sh LOADER IMAGE
# Ends with "N passed, N failed".

# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

loader=$1
image=$2
NO_INIT="No working init found"

# contains DESC TEXT: the last command's output ($out) contains TEXT
contains() {
	if grep -qF -- "$2" "$out"; then ok "$1"; else not_ok "$1" "output lacks: $2"; fi
}

for mem in 64M 128M 1G; do
	expect "boot --mem $mem ends in the kernel's no-init panic, exit 1" 1 \
		"xlibos: guest kernel panic: $NO_INIT" \
		"$loader" boot --image "$image" --mem "$mem"
	contains "boot --mem $mem prints the Linux boot log" "Linux version 6.1"
	contains "boot --mem $mem reaches the init stage" "Run /sbin/init as init process"
	contains "boot --mem $mem prints the panic itself" "Kernel panic - not syncing: $NO_INIT"
done

expect "kunit_shutdown=poweroff powers off, exit 0" 0 "reboot: Power down" \
	"$loader" boot --image "$image" --mem 128M --cmdline "kunit_shutdown=poweroff"
if grep -q "Kernel panic" "$out"; then
	not_ok "power-off boot has no panic"
else
	ok "power-off boot has no panic"
fi

# A sleeping kernel (rootdelay) must not wake up early: lower bound only.
start=$(date +%s%N)
expect "rootdelay=1 sleeps, then panics without init" 1 "Waiting 1 sec" \
	"$loader" boot --image "$image" --mem 128M --cmdline "rootdelay=1"
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
if [ "$elapsed_ms" -ge 1000 ]; then
	ok "rootdelay=1 took at least 1 s ($elapsed_ms ms)"
else
	not_ok "rootdelay=1 took at least 1 s" "took $elapsed_ms ms"
fi

# An initramfs is unpacked into the root (no init in it: same panic).
printf 'hello from the initrd\n' > "$scratch/hello"
(cd "$scratch" && echo hello | cpio -o -H newc --quiet > initrd.cpio)
expect "boot --initrd unpacks a cpio archive" 1 "$NO_INIT" \
	"$loader" boot --image "$image" --mem 128M --initrd "$scratch/initrd.cpio"
contains "initrd is found by the kernel" "Unpacking initramfs..."
if grep -q "Initramfs unpacking failed" "$out"; then
	not_ok "initrd unpacks without error"
else
	ok "initrd unpacks without error"
fi

expect "a kernel command line reaches the kernel" 1 "Kernel command line: quiet_marker_xyz" \
	"$loader" boot --image "$image" --mem 128M --cmdline "quiet_marker_xyz"

# Bad input with the real image.
expect "--mem 16M is refused" 2 "too small" \
	"$loader" boot --image "$image" --mem 16M
head -c 100000 "$image" > "$scratch/truncated.img"
expect "a truncated image is refused" 2 "xlibos: " \
	"$loader" boot --image "$scratch/truncated.img"
expect_one_line "a truncated image gives one error line"

# Nothing may outlive a boot: no host process still runs the loader.
sleep 0.2
if pgrep -f -- "--image $image" >/dev/null 2>&1; then
	not_ok "no host processes left behind"
else
	ok "no host processes left behind"
fi

summary
