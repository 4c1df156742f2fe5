#!/bin/sh
# Small seed corpora, one directory per fuzz target.
# usage: make-seeds.sh OUT_DIR SEEDGEN FAKE_IMAGE [XLIBOS_IMAGE]
#   SEEDGEN      build/fuzz/plain/seedgen (writes the tiny ELF and records)
#   FAKE_IMAGE   build/tests/loader/fake.img, a stand-in LibOS image
#   XLIBOS_IMAGE build/xlibos.img: its first 4 KiB (headers) if present
set -eu
out=$1 seedgen=$2 fake=$3 image=${4:-}
src=$(cd "$(dirname "$0")" && pwd)/seeds
nul() { printf '%s\0' "$@"; }

rm -rf "$out"
mkdir -p "$out/elf_scan" "$out/image" "$out/guest_config" "$out/abcom_cache" \
	"$out/handed_tables"

# elf_scan: every site shape abcom knows, static (ET_EXEC) and shared
# (ET_DYN), a few hundred bytes each, plus the 296-byte tiny ELF.
small="-nostdlib -Os -s -fno-asynchronous-unwind-tables -Wl,--build-id=none \
-Wl,-z,noseparate-code -Wl,-z,max-page-size=16 -Wl,-z,common-page-size=16"
# shellcheck disable=SC2086
gcc $small -static -o "$out/elf_scan/sites-exec.elf" "$src/sites.c"
# shellcheck disable=SC2086
gcc $small -shared -fpic -o "$out/elf_scan/sites-dyn.elf" "$src/sites.c"
"$seedgen" tiny "$out/elf_scan/tiny.elf"

# image: the stand-in image, stripped; the real one's headers (truncated)
objcopy --strip-all "$fake" "$out/image/fake.img"
if [ -n "$image" ] && [ -f "$image" ]; then
	head -c 4096 "$image" >"$out/image/xlibos-head.img"
fi

# guest_config: what run_config.c writes, with every record kind
{ printf 'XLIBOS-CONFIG 1\n'; nul argv /bin/sh argv -c argv 'echo hi'; } \
	>"$out/guest_config/command"
{ printf 'XLIBOS-CONFIG 1\n'; nul env PATH=/bin env A=1 env A=2 workdir /tmp argv ls; } \
	>"$out/guest_config/env-workdir"

# abcom_cache: the record the loader caches for the tiny ELF
mkdir -p "$out/cache.tmp"
"$seedgen" cache "$out/cache.tmp"
for f in "$out/cache.tmp"/*; do
	[ -f "$f" ] && mv "$f" "$out/abcom_cache/tiny.rec"
done
rmdir "$out/cache.tmp"

# handed_tables: a file, then the loader's records (fuzz_handed_tables.c)
"$seedgen" handed "$out/elf_scan/sites-exec.elf" >"$out/handed_tables/one.tab"
"$seedgen" handed "$out/elf_scan/tiny.elf" "$out/elf_scan/tiny.elf" \
	"$out/elf_scan/sites-exec.elf" >"$out/handed_tables/two.tab"

for d in "$out"/*; do
	printf 'seeds: %-14s %s files, %s bytes\n' "$(basename "$d")" \
		"$(find "$d" -type f | wc -l)" "$(cat "$d"/* | wc -c)"
done
