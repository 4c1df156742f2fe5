#!/bin/sh
# xlibos mkdisk FILE SIZE: a new sparse file formatted as ext4 with a
# journal, its root 0:0 mode 0755; never an existing file; bad sizes and
# arguments refused in one line with status 125, leaving nothing behind.
# usage: mkdisk.sh path/to/xlibos
# Prints "ok N - ..." / "not ok N - ..." and ends with "N passed, N failed[, N skipped]".

if [ $# -ne 1 ] || [ ! -x "$1" ]; then
	echo "usage: $0 path/to/xlibos" >&2
	exit 2
fi
xlibos=$1
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

NCHECKS=38
why_not=
for tool in mke2fs dumpe2fs debugfs e2fsck blkid; do
	command -v "$tool" >/dev/null || why_not="$tool not installed (e2fsprogs, util-linux)"
done
if [ -n "$why_not" ]; then
	for i in $(seq "$NCHECKS"); do skip "mkdisk check $i" "$why_not"; done
	summary
	exit
fi

d=$scratch/disks
mkdir -p "$d"

expect "mkdisk 64M" 0 "" "$xlibos" mkdisk "$d/a.img" 64M
if [ ! -s "$out" ]; then ok "... silent on success"; else not_ok "... silent on success"; fi
if [ "$(stat -c %s "$d/a.img")" -eq 67108864 ]; then ok "exactly 64 MiB long"; else
	not_ok "exactly 64 MiB long" "$(stat -c %s "$d/a.img")"; fi
allocated=$(($(stat -c %b "$d/a.img") * 512))
if [ "$allocated" -lt $((16 << 20)) ]; then ok "sparse ($((allocated >> 10)) KiB allocated)"; else
	not_ok "sparse" "$allocated bytes allocated"; fi
if [ "$(blkid -o value -s TYPE "$d/a.img")" = ext4 ]; then ok "blkid: ext4"; else not_ok "blkid: ext4"; fi
dumpe2fs -h "$d/a.img" >"$scratch/sb" 2>/dev/null
if grep '^Filesystem features:' "$scratch/sb" | grep -q has_journal; then ok "with a journal (a writable volume)"; else
	not_ok "with a journal (a writable volume)"; fi
if grep -q '^Block size: *4096$' "$scratch/sb" && grep -q '^Block count: *16384$' "$scratch/sb"; then
	ok "4 KiB blocks filling the file"
else
	not_ok "4 KiB blocks filling the file" "$(grep -e '^Block' "$scratch/sb")"
fi
if e2fsck -fn "$d/a.img" >"$scratch/fsck" 2>&1; then ok "e2fsck -fn: clean"; else not_ok "e2fsck -fn: clean" "$(cat "$scratch/fsck")"; fi
debugfs -R 'stat /' "$d/a.img" >"$scratch/root" 2>/dev/null
if grep -q 'Mode:  0755' "$scratch/root" && grep -q 'User:     0   Group:     0' "$scratch/root"; then
	ok "root directory 0:0 mode 0755 (the container's root writes to it)"
else
	not_ok "root directory 0:0 mode 0755" "$(head -5 "$scratch/root")"
fi
if [ "$(stat -c '%u %a' "$d/a.img")" = "$(id -u) 644" ]; then ok "the file is the caller's, mode 0644"; else
	not_ok "the file is the caller's, mode 0644" "$(stat -c '%u %a' "$d/a.img")"; fi

# Never an existing file, whatever it is.
echo "precious" >"$d/exists"
expect "an existing file is refused" 125 "xlibos: mkdisk: '$d/exists' already exists (mkdisk never overwrites a file)" \
	"$xlibos" mkdisk "$d/exists" 64M
expect_one_line "... in one line"
if [ "$(cat "$d/exists")" = precious ]; then ok "... and left as it was"; else not_ok "... and left as it was"; fi
ln -s "$d/exists" "$d/link"
expect "a symlink to an existing file is refused" 125 "already exists" "$xlibos" mkdisk "$d/link" 64M
ln -s "$d/nowhere" "$d/dangling"
expect "a dangling symlink is refused (not followed)" 125 "already exists" "$xlibos" mkdisk "$d/dangling" 64M
if [ ! -e "$d/nowhere" ]; then ok "... and nothing made at its target"; else not_ok "... and nothing made at its target"; fi
expect "a directory is refused" 125 "already exists" "$xlibos" mkdisk "$d" 64M
expect "a missing directory" 125 "xlibos: mkdisk: cannot create '$d/no/such.img': No such file or directory" \
	"$xlibos" mkdisk "$d/no/such.img" 64M

# Sizes as --mem takes them.
bad_size() {	# bad_size SIZE MESSAGE
	expect "size '$1' is refused" 125 "$2" "$xlibos" mkdisk "$d/bad.img" "$1"
	if [ -e "$d/bad.img" ]; then not_ok "... and no file is left" ; rm -f "$d/bad.img"; else
		ok "... and no file is left"; fi
}
bad_size 1M "xlibos: mkdisk: size 1M is out of range (8M to 16T)"
bad_size 0 "out of range"
bad_size 17T "out of range"
bad_size -5 "xlibos: mkdisk: invalid size '-5'"
bad_size 1X "invalid size '1X'"
bad_size "" "invalid size ''"
expect "8M, the smallest, works" 0 "" "$xlibos" mkdisk "$d/small.img" 8M
if e2fsck -fn "$d/small.img" >/dev/null 2>&1 && dumpe2fs -h "$d/small.img" 2>/dev/null | grep '^Filesystem features:' | grep -q has_journal; then
	ok "... clean, with a journal"
else
	not_ok "... clean, with a journal"
fi
expect "2GiB (suffix with iB)" 0 "" "$xlibos" mkdisk "$d/big.img" 2GiB
if [ "$(stat -c %s "$d/big.img")" -eq 2147483648 ] && [ "$(stat -c %b "$d/big.img")" -lt 200000 ]; then
	ok "... 2 GiB long, sparse"
else
	not_ok "... 2 GiB long, sparse" "$(stat -c '%s %b' "$d/big.img")"
fi

# Arguments.
expect "no SIZE" 125 "xlibos: mkdisk: missing FILE or SIZE" "$xlibos" mkdisk "$d/x.img"
expect "too many arguments" 125 "too many arguments" "$xlibos" mkdisk "$d/x.img" 64M extra
expect "an option where FILE goes" 125 "unknown option" "$xlibos" mkdisk --force 64M
expect "--help" 0 "usage: xlibos mkdisk FILE SIZE" "$xlibos" mkdisk --help

summary
