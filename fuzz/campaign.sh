#!/bin/sh
# A fuzzing campaign on committed code: the code under test is exported
# from COMMIT (default HEAD) into build/fuzz-campaign/src-<commit>, so
# edits in progress in the working tree are not what gets fuzzed; harnesses,
# seeds and results go to build/fuzz-campaign/<commit>/.
# usage: campaign.sh [-c COMMIT] [-s SECONDS] [-p CPU] TARGET[:SECONDS]...
# Exit status as run.sh's (1: a crash or hang was found).
set -eu
fuzz=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$fuzz")
commit=HEAD seconds=600 cpu=1
while getopts c:s:p: opt; do
	case $opt in
	c) commit=$OPTARG ;;
	s) seconds=$OPTARG ;;
	p) cpu=$OPTARG ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || set -- elf_scan image guest_config abcom_cache handed_tables

c=$(git -C "$root" rev-parse --short "$commit")
src=$root/build/fuzz-campaign/src-$c
build=$root/build/fuzz-campaign/$c
if [ ! -d "$src" ]; then
	mkdir -p "$src.tmp"
	git -C "$root" archive "$c" abcom loader arch-xlibos/include arch-xlibos/kernel |
		tar -x -C "$src.tmp"
	mv "$src.tmp" "$src"
fi
echo "campaign on commit $c ($(git -C "$root" log -1 --format=%s "$c" | cut -c1-60)...)"
make --no-print-directory -s -C "$fuzz" SRC_ROOT="$src" FUZZ_BUILD="$build" \
	FUZZ_TARGETS="$*" afl plain seeds \
	>"$build.build.log" 2>&1 || { tail -n 20 "$build.build.log"; exit 2; }
exec sh "$fuzz/run.sh" "$build" "$seconds" "$cpu" "$@"
