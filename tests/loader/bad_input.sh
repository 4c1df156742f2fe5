#!/bin/sh
# Error handling of the xlibos loader that needs no kernel image.
# usage: bad_input.sh path/to/xlibos
# Prints "ok N - ..." / "not ok N - ..." and ends with "N passed, N failed".

if [ $# -ne 1 ] || [ ! -x "$1" ]; then
	echo "usage: $0 path/to/xlibos" >&2
	exit 2
fi
xlibos=$1
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

# Hand-made broken ELF files, derived from a host binary.
host_elf=/bin/true
cp "$host_elf" "$scratch/arm.elf"
printf '\050\000' | dd of="$scratch/arm.elf" bs=1 seek=18 conv=notrunc 2>/dev/null	# EM_ARM
cp "$host_elf" "$scratch/class32.elf"
printf '\001' | dd of="$scratch/class32.elf" bs=1 seek=4 conv=notrunc 2>/dev/null	# ELFCLASS32
cp "$host_elf" "$scratch/bigendian.elf"
printf '\002' | dd of="$scratch/bigendian.elf" bs=1 seek=5 conv=notrunc 2>/dev/null	# ELFDATA2MSB
head -c 100 "$host_elf" >"$scratch/truncated.elf"
head -c 10 "$host_elf" >"$scratch/tiny.elf"
: >"$scratch/empty"

expect "--help exits 0 with usage on stdout" 0 "usage: xlibos boot" "$xlibos" --help
expect "-h exits 0" 0 "usage: xlibos boot" "$xlibos" -h
expect "boot --help exits 0" 0 "--mem SIZE" "$xlibos" boot --help
if "$xlibos" --help 2>/dev/null | grep -q "usage:"; then ok "usage goes to stdout"; else not_ok "usage goes to stdout"; fi
expect "no command" 2 "try 'xlibos --help'" "$xlibos"
expect "unknown command" 2 "unknown command 'frobnicate'" "$xlibos" frobnicate
expect "unknown top-level option" 2 "try 'xlibos --help'" "$xlibos" --frob
expect "unknown boot option" 2 "unknown option '--frob'" "$xlibos" boot --frob
expect_one_line "unknown option: one error line plus hint"
expect "missing option argument" 2 "requires an argument" "$xlibos" boot --mem
expect "stray argument" 2 "unexpected argument" "$xlibos" boot vmlinux
expect "--cmdline given twice" 2 "more than once" "$xlibos" boot --cmdline a --cmdline b

expect "--mem abc" 2 "invalid --mem 'abc': expected a size like 128M or 1G" \
	"$xlibos" boot --mem abc --image /nonexistent
expect_one_line "--mem abc: one line"
expect "--mem 0" 2 "invalid --mem '0'" "$xlibos" boot --mem 0 --image /nonexistent
expect "--mem -1" 2 "invalid --mem '-1'" "$xlibos" boot --mem -1 --image /nonexistent
expect "--mem overflow" 2 "invalid --mem" "$xlibos" boot --mem 99999999999999999999G --image /nonexistent
expect "--mem 16M" 2 "--mem 16M is too small to boot (minimum 32M)" \
	"$xlibos" boot --mem 16M --image /nonexistent
expect "--mem 1000T" 2 "is too large" "$xlibos" boot --mem 1000T --image /nonexistent
expect "--mem=64MiB accepted (then fails on the image)" 2 "/nonexistent" \
	"$xlibos" boot --mem=64MiB --image /nonexistent

long=$(head -c 2048 /dev/zero | tr '\0' x)
expect "--cmdline too long" 2 "maximum 2047" "$xlibos" boot --cmdline "$long" --image /nonexistent

expect "missing image" 2 "/nonexistent/vmlinux" "$xlibos" boot --image /nonexistent/vmlinux
expect_one_line "missing image: one line"
expect "XLIBOS_IMAGE is used" 2 "/nonexistent/from-env" env XLIBOS_IMAGE=/nonexistent/from-env "$xlibos" boot
expect "--image beats XLIBOS_IMAGE" 2 "/nonexistent/from-arg" \
	env XLIBOS_IMAGE=/nonexistent/from-env "$xlibos" boot --image /nonexistent/from-arg
# A copy of the loader in an empty tree: its default image is missing.
mkdir -p "$scratch/tree/bin"
cp "$xlibos" "$scratch/tree/bin/xlibos"
expect "default image is ../xlibos.img" 2 "$(cd "$scratch/tree" && pwd -P)/xlibos.img" \
	env -u XLIBOS_IMAGE "$scratch/tree/bin/xlibos" boot
expect "image is a directory" 2 "not a regular file" "$xlibos" boot --image /
expect "empty image" 2 "not an ELF file" "$xlibos" boot --image "$scratch/empty"
expect "non-ELF image" 2 "'/etc/passwd': not an ELF file" "$xlibos" boot --image /etc/passwd
expect_one_line "non-ELF image: one line"
expect "ELF for another machine" 2 "not x86-64" "$xlibos" boot --image "$scratch/arm.elf"
expect "32-bit ELF" 2 "not a 64-bit ELF" "$xlibos" boot --image "$scratch/class32.elf"
expect "big-endian ELF" 2 "not a little-endian ELF" "$xlibos" boot --image "$scratch/bigendian.elf"
expect "truncated ELF" 2 "truncated" "$xlibos" boot --image "$scratch/truncated.elf"
expect_one_line "truncated ELF: one line"
expect "ELF cut inside its header" 2 "$scratch/tiny.elf" "$xlibos" boot --image "$scratch/tiny.elf"
expect "host ELF without the xlibos note" 2 "not an xlibos image" "$xlibos" boot --image "$host_elf"

summary
