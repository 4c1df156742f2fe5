#!/bin/sh
# The fuzzers' reproducers as regression tests: every input in
# fuzz/findings/<target>/ (a crash or hang AFL++ found, kept after the fix)
# and every seed is run through the plain build of its harness (gcc,
# AddressSanitizer and UndefinedBehaviorSanitizer, no AFL: make -C fuzz
# plain) with a time limit, and must finish cleanly: exit 0, no sanitizer
# report, no broken promise of the code under test (the harnesses abort).
# Needs no AFL++ and no kernel.
# usage: fuzz_regress.sh [SECONDS]   time limit per run, default 10
# Prints "ok N - ..." / "not ok N - ..." and ends with "N passed, N failed".

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
limit=${1:-10}
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$here/../lib.sh"

build=$top/build/fuzz
findings=$top/fuzz/findings
targets="elf_scan image guest_config abcom_cache handed_tables"
# as in fuzz/run.sh: gigabyte requests fail at once instead of ASan mapping them
export ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1:max_allocation_size_mb=2048
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1

if make --no-print-directory -s -C "$top/fuzz" plain seeds >"$out" 2>&1; then
	ok "harnesses (plain build) and seeds build"
else
	not_ok "harnesses (plain build) and seeds build"
	summary
	exit
fi

# clean DESC TARGET FILE...: the harness runs the files within the limit
clean() {
	desc=$1 bin=$build/plain/fuzz_$2
	shift 2
	FUZZ_TMPDIR="$scratch/tmp" timeout "$limit" "$bin" "$@" >"$out" 2>&1
	rc=$?
	if [ $rc -eq 124 ]; then
		not_ok "$desc" "did not finish within $limit s"
	elif [ $rc -ne 0 ]; then
		not_ok "$desc" "exit status $rc"
	elif grep -q -e 'AddressSanitizer' -e 'runtime error' "$out"; then
		not_ok "$desc" "sanitizer report"
	else
		ok "$desc"
	fi
}

for t in $targets; do
	# shellcheck disable=SC2046
	clean "$t: seeds run cleanly" "$t" $(find "$build/seeds/$t" -type f | sort)
	[ -d "$findings/$t" ] || continue
	for f in "$findings/$t"/*; do
		case $f in *.md|*.txt) continue ;; esac
		[ -f "$f" ] && clean "$t: reproducer $(basename "$f") finishes cleanly" "$t" "$f"
	done
done
rm -rf "$scratch/tmp"
summary
