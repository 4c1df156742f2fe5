#!/bin/sh
# abcom's site tables against a hostile rootfs and a poisoned cache
# (issue 11's findings), through --pack, whose walk uses the per-file cache:
# - an ELF file with hundreds of executable sections over the same bytes
#   (made by make_overlap_elf.py from busybox) packs in bounded time, and
#   the container still runs it (the LibOS refuses to decode it too, so its
#   system calls trap);
# - the cache directory is created mode 0700; one that is mode 0777, owned
#   by another user or a symlink is not used, with a one-line warning;
# - cache records that are garbage, forged but well-formed (offsets moved,
#   abcom_forge shift), planted under another file's key (a "colliding"
#   record), a FIFO or a symlink do not change what a genuine busybox does,
#   do not hang the loader, and are replaced by the right record;
# - a forged record that passes the loader's checks (consistent fields,
#   the file's bytes, but instruction starts left out: abcom_forge bounds)
#   is caught by the LibOS, which decodes each window again: its sites are
#   not patched (fewer sites patched) and busybox runs as before;
# - the sandboxed helper (abcom_helper_check.c) answers as abcom does in
#   process, and one out of time is killed and reaped.
# usage: abcom_tables.sh path/to/xlibos path/to/rootfs
# Prints "ok N - ..." / "not ok N - ..." and ends with "N passed, N failed[, N skipped]".

if [ $# -ne 2 ] || [ ! -x "$1" ] || [ ! -d "$2" ]; then
	echo "usage: $0 path/to/xlibos path/to/rootfs" >&2
	exit 2
fi
xlibos=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$here/../lib.sh"

rootfs=$scratch/rootfs
cache=$scratch/cache
forge=$scratch/abcom_forge
cp -a "$2/." "$rootfs"
busybox=$rootfs/bin/busybox
init=$(dirname "$xlibos")/xlibos-init
# A script that makes busybox do a bit of everything: the expected output.
script='for i in 1 2 3; do echo line $i; done; cat /etc/hostname; ls / | wc -l >/dev/null; echo done'
want=$(printf 'line 1\nline 2\nline 3\n'; cat "$rootfs/etc/hostname"; echo done)

# run CACHEDIR [xlibos run options]: busybox sh -c "$script", stdout+stderr in $out
run() {
	run_cache=$1
	shift
	XLIBOS_CACHE_DIR=$run_cache timeout 60 "$xlibos" run --pack --rootfs "$rootfs" "$@" \
		-- busybox sh -c "$script" >"$out" 2>&1
}

# same_output DESC RC: the run exited 0 and printed what busybox natively does
same_output() {
	got=$(grep -v '^xlibos: abcom mode' "$out")
	if [ "$2" -ne 0 ]; then
		not_ok "$1" "exit status $2"
	elif [ "$got" != "$want" ]; then
		not_ok "$1" "output differs from busybox's"
	else
		ok "$1"
	fi
}

# The record of FILE in CACHEDIR (named by its SHA-256).
record() {
	echo "$2/$(sha256sum "$1" | cut -c1-64)-v$abcom_version.sites"
}

patched() {
	sed -n 's/.* patched_load=\([0-9]*\).*/\1/p' "$out"
}

abcom_version=$(sed -n 's/^#define ABCOM_VERSION \([0-9]*\).*/\1/p' "$top/abcom/abcom.h")
if ! gcc -std=gnu11 -O2 -Wall -Wextra -Werror -I"$top/abcom" -I"$top/loader" \
	-o "$forge" "$here/abcom_forge.c" "$top/build/loader/abcom_cache.o" "$top/build/loader/fd_io.o" \
	"$top/build/loader/diag.o" "$top/build/abcom/libabcom.a" -lcapstone -lnettle \
	>"$out" 2>&1; then
	not_ok "build abcom_forge" "see above"
	summary
	exit
fi

# --- the helper itself --------------------------------------------------------------
if gcc -std=gnu11 -O2 -Wall -Wextra -Werror -I"$top/abcom" -I"$top/loader" \
	-o "$scratch/helper_check" "$here/abcom_helper_check.c" \
	"$top/build/loader/abcom_decode_helper.o" "$top/build/loader/abcom_helper_arena.o" "$top/build/loader/fd_io.o" \
	"$top/build/loader/capstone_lazy.o" "$top/build/loader/diag.o" \
	"$top/build/abcom/libabcom.a" >"$out" 2>&1; then
	"$scratch/helper_check" "$busybox" >"$scratch/helper.out" 2>&1
	while read -r verdict rest; do
		case $verdict in
		ok) ok "${rest#* - }" ;;
		*) not_ok "${rest#* - }" ;;
		esac
	done <"$scratch/helper.out"
	grep -q . "$scratch/helper.out" || not_ok "abcom_helper_check ran" "no output"
else
	not_ok "build abcom_helper_check" "see above"
fi

# --- a file the old loader decoded for minutes -------------------------------
python3 "$here/make_overlap_elf.py" "$busybox" "$rootfs/bin/busybox-overlap" 900 &&
	chmod 755 "$rootfs/bin/busybox-overlap"
start=$(date +%s)
XLIBOS_CACHE_DIR=$cache timeout 10 "$xlibos" run --pack --rootfs "$rootfs" \
	-- busybox-overlap echo overlap ok >"$out" 2>&1
rc=$?
if [ $rc -eq 0 ] && grep -qx 'overlap ok' "$out"; then
	ok "900 executable sections over the same bytes: packed and run in $(($(date +%s) - start)) s (limit 10)"
else
	not_ok "900 executable sections over the same bytes: packed and run within 10 s" "exit $rc"
fi

# --- the cache directory ------------------------------------------------------
rm -rf "$cache"
run "$cache"
same_output "genuine busybox, cold cache" $?
if [ "$(stat -c %a "$cache")" = 700 ] && [ "$(stat -c %u "$cache")" = "$(id -u)" ]; then
	ok "cache directory created mode 0700, owned by the user"
else
	not_ok "cache directory created mode 0700, owned by the user" "$(stat -c '%a %u' "$cache")"
fi
rec_bb=$(record "$busybox" "$cache")
rec_init=$(record "$init" "$cache")
if [ -f "$rec_bb" ] && [ -f "$rec_init" ] && [ "$(stat -c %a "$rec_bb")" = 600 ]; then
	ok "records named by SHA-256 of the content, mode 0600"
else
	not_ok "records named by SHA-256 of the content, mode 0600" "$(ls -l "$cache")"
fi
cp "$rec_bb" "$scratch/genuine_bb"
run "$cache" --stats
same_output "genuine busybox, warm cache" $?
genuine_patched=$(patched)

for mode in 777 770 755; do
	open_dir=$scratch/open$mode
	mkdir "$open_dir" && chmod "$mode" "$open_dir"
	run "$open_dir"
	rc=$?
	if grep -q "^xlibos: warning: cache directory '$open_dir' is open to group or others" "$out" &&
	   [ "$(grep -c '^xlibos: ' "$out")" -eq 1 ] && [ -z "$(ls -A "$open_dir")" ]; then
		ok "cache directory mode $mode: one-line warning, not used"
	else
		not_ok "cache directory mode $mode: one-line warning, not used" "$(ls -lA "$open_dir")"
	fi
	sed -i '/^xlibos: warning: cache directory/d' "$out"
	same_output "cache directory mode $mode: busybox runs as usual" $rc
done

if [ "$(id -u)" -eq 0 ]; then
	other=$scratch/other
	mkdir "$other" && chmod 700 "$other" && chown 65534:65534 "$other"
	run "$other"
	rc=$?
	if grep -q "^xlibos: warning: cache directory '$other' is owned by another user" "$out" &&
	   [ -z "$(ls -A "$other")" ]; then
		ok "cache directory owned by another user: warning, not used"
	else
		not_ok "cache directory owned by another user: warning, not used" "$(ls -lA "$other")"
	fi
	sed -i '/^xlibos: warning: cache directory/d' "$out"
	same_output "cache directory owned by another user: busybox runs as usual" $rc
else
	skip "cache directory owned by another user: warning, not used" "needs root to chown"
	skip "cache directory owned by another user: busybox runs as usual" "needs root to chown"
fi

ln -s "$cache" "$scratch/link"
run "$scratch/link"
rc=$?
if grep -q "^xlibos: warning: cache directory '$scratch/link' cannot be opened" "$out"; then
	ok "cache directory that is a symlink: warning, not used"
else
	not_ok "cache directory that is a symlink: warning, not used"
fi
sed -i '/^xlibos: warning: cache directory/d' "$out"
same_output "cache directory that is a symlink: busybox runs as usual" $rc

# --- poisoned records -----------------------------------------------------------
# rewritten DESC: busybox's record is the genuine one again
rewritten() {
	if [ -f "$rec_bb" ] && [ ! -L "$rec_bb" ] && cmp -s "$rec_bb" "$scratch/genuine_bb"; then
		ok "$1: replaced by the genuine record"
	else
		not_ok "$1: replaced by the genuine record" "$(ls -l "$rec_bb")"
	fi
}

head -c 30000 /dev/urandom >"$rec_bb"
run "$cache"
same_output "garbage record: busybox output unchanged" $?
rewritten "garbage record"

printf 'XACR' >"$rec_bb"
run "$cache"
same_output "truncated record: busybox output unchanged" $?
rewritten "truncated record"

"$forge" shift "$busybox" "$cache" >"$out" 2>&1 || not_ok "abcom_forge shift"
run "$cache"
same_output "well-formed record with every offset moved: busybox output unchanged" $?
rewritten "well-formed record with wrong offsets"

cp "$rec_init" "$rec_bb"
run "$cache"
same_output "colliding record (xlibos-init's table under busybox's key): busybox output unchanged" $?
rewritten "colliding record"

rm -f "$rec_bb"
ln -s "$scratch/genuine_bb" "$rec_bb"
run "$cache"
same_output "record that is a symlink: busybox output unchanged" $?
rewritten "record that is a symlink"

rm -f "$rec_bb"
mkfifo "$rec_bb"
run "$cache"
rc=$?
if [ $rc -eq 124 ]; then
	not_ok "FIFO as a record: no hang" "timed out after 60 s"
else
	same_output "FIFO as a record: no hang, busybox output unchanged" $rc
fi
rewritten "FIFO as a record"

# Passes the loader's checks (no decoding there): the LibOS must catch it.
"$forge" bounds "$busybox" "$cache" >"$scratch/forged" 2>&1
forged=$(cut -d' ' -f1 "$scratch/forged")
run "$cache" --stats
same_output "record with instruction starts left out: busybox output unchanged" $?
now_patched=$(patched)
if [ -n "$forged" ] && [ "$forged" -gt 0 ] && [ -n "$now_patched" ] &&
   [ "$now_patched" -lt "$genuine_patched" ]; then
	ok "the LibOS drops the $forged forged sites (patched $now_patched, genuinely $genuine_patched)"
else
	not_ok "the LibOS drops the forged sites" "forged '$forged', patched '$now_patched', genuinely '$genuine_patched'"
fi

summary
