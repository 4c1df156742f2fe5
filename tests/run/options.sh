#!/bin/sh
# Command-line and setup errors of "xlibos run" (no kernel needed): every
# one exits 125 with a single "xlibos: " line (plus the --help hint for
# usage errors), before anything is booted.
# usage: options.sh path/to/xlibos
# Prints "ok N - ..." / "not ok N - ..." and ends with "N passed, N failed".

if [ $# -ne 1 ] || [ ! -x "$1" ]; then
	echo "usage: $0 path/to/xlibos" >&2
	exit 2
fi
xlibos=$1
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

root=$scratch/root
mkdir -p "$root"
: >"$scratch/file"
: >"$scratch/not-elf"
# Every run below stops before booting: a nonexistent image is never reached
# unless a check is broken, and then it fails instead of booting a kernel.
noimg=/nonexistent/dir/xlibos.img

expect "run --help exits 0" 0 "xlibos run [--rootfs DIR]" "$xlibos" run --help
expect "help documents the run exit statuses" 0 "125    xlibos failed" "$xlibos" --help
expect "help after -- is the command's" 125 "" "$xlibos" run --rootfs /nonexistent -- --help

expect "no arguments" 125 "missing '-- COMMAND [ARGS...]'" "$xlibos" run
expect_one_line "no arguments: one line plus hint"
expect "nothing after --" 125 "missing command after '--'" "$xlibos" run --image "$noimg" --
expect "command without --" 125 "unexpected argument 'ls' for 'run' (put the command after '--')" \
	"$xlibos" run ls
expect_one_line "command without --: one line plus hint"
expect "unknown option" 125 "unknown option '--frob' for 'run'" "$xlibos" run --frob -- true
expect "boot-only option" 125 "unknown option '--initrd' for 'run'" "$xlibos" run --initrd x -- true
expect "missing option value" 125 "option '--rootfs' requires an argument" "$xlibos" run --rootfs
expect "option twice" 125 "'--workdir' given more than once" \
	"$xlibos" run --workdir /a --workdir /b -- true
expect "--env without =" 125 "invalid --env 'FOO': expected KEY=VALUE" "$xlibos" run --env FOO -- true
expect_one_line "--env without =: one line plus hint"
expect "--env with an empty key" 125 "invalid --env '=bar': empty variable name" \
	"$xlibos" run --env =bar -- true
expect "unknown --abcom mode" 125 "invalid --abcom 'fast': expected off, online or full" \
	"$xlibos" run --abcom fast -- true
expect_one_line "unknown --abcom mode: one line plus hint"
expect "--cpu not a number" 125 "invalid --cpu 'x': expected a CPU number or 'any'" \
	"$xlibos" run --cpu x -- true
expect_one_line "--cpu not a number: one line plus hint"
expect "--cpu negative" 125 "invalid --cpu '-1'" "$xlibos" run --cpu -1 -- true
expect "--cpu beyond any CPU set" 125 "invalid --cpu '99999'" "$xlibos" run --cpu 99999 -- true
expect "--cpu not allowed here" 125 "--cpu 1000: this process may not run on CPU 1000" \
	"$xlibos" run --cpu 1000 -- true
expect "relative --workdir" 125 "--workdir 'tmp' must be an absolute path" \
	"$xlibos" run --workdir tmp -- true
expect "bad --mem" 125 "invalid --mem 'lots'" "$xlibos" run --mem lots -- true
expect_one_line "bad --mem: one line"
expect "--mem too small" 125 "too small" "$xlibos" run --mem 1M -- true
long=$(head -c 2040 /dev/zero | tr '\0' x)
expect "--cmdline too long with the run prefix" 125 "maximum" "$xlibos" run --cmdline "$long" -- true
expect "boot keeps exit 2 for usage errors" 2 "unknown option" "$xlibos" boot --frob

expect "missing rootfs" 125 "xlibos: rootfs '/nonexistent/rootfs' not found" \
	"$xlibos" run --image "$noimg" --rootfs /nonexistent/rootfs -- true
expect_one_line "missing rootfs: one line"
expect "rootfs is a file" 125 "xlibos: rootfs '$scratch/file' is not a directory" \
	"$xlibos" run --image "$noimg" --rootfs "$scratch/file" -- true
expect_one_line "rootfs is a file: one line"
expect "default rootfs is beside --image" 125 "rootfs '/nonexistent/dir/rootfs' not found" \
	"$xlibos" run --image "$noimg" -- true
expect "default rootfs is beside \$XLIBOS_IMAGE" 125 "rootfs '/nonexistent/env/rootfs' not found" \
	env XLIBOS_IMAGE=/nonexistent/env/xlibos.img "$xlibos" run -- true
# A copy in an empty tree: build/bin/xlibos -> build/xlibos.img -> build/rootfs.
mkdir -p "$scratch/build/bin"
cp "$xlibos" "$scratch/build/bin/xlibos"
expect "default rootfs is build/rootfs" 125 "rootfs '$(cd "$scratch" && pwd -P)/build/rootfs' not found" \
	env -u XLIBOS_IMAGE "$scratch/build/bin/xlibos" run -- true
mkdir "$scratch/build/rootfs"
expect "default init is xlibos-init beside the loader" 125 \
	"guest init '$(cd "$scratch" && pwd -P)/build/bin/xlibos-init' not found" \
	env -u XLIBOS_IMAGE -u XLIBOS_INIT "$scratch/build/bin/xlibos" run -- true
expect "missing guest init" 125 "guest init '/nonexistent/init' not found" \
	env XLIBOS_INIT=/nonexistent/init "$xlibos" run --image "$noimg" --rootfs "$root" -- true
expect_one_line "missing guest init: one line"
expect "guest init is a directory" 125 "guest init '$scratch' is not a regular file" \
	env XLIBOS_INIT="$scratch" "$xlibos" run --image "$noimg" --rootfs "$root" -- true
expect "missing image" 125 "$noimg" "$xlibos" run --image "$noimg" --rootfs "$root" -- true
expect_one_line "missing image: one line"
expect "image is not ELF" 125 "not an ELF file" "$xlibos" run --image "$scratch/not-elf" --rootfs "$root" -- true

summary
