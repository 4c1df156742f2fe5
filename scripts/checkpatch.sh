#!/bin/sh
# Run the kernel's checkpatch.pl over every patch in linux-patches/ and every
# file in arch-xlibos/.  Each patch or file is one test: it passes when
# checkpatch reports no errors.  Warnings are listed; the ones left are
# those arch code cannot avoid (pte_t-style typedefs the generic code
# requires, macros whose form the generic headers dictate).
# usage: checkpatch.sh KERNEL_SOURCE_TREE
# Ends with "N passed, N failed".
set -u
src=$1
root=$(cd "$(dirname "$0")/.." && pwd)
cp="$src/scripts/checkpatch.pl"
passed=0 failed=0 n=0
opts="--quiet --no-tree --show-types --ignore FILE_PATH_CHANGES"

report() {
	n=$((n + 1))
	if printf '%s\n' "$2" | grep -q '^ERROR'; then
		failed=$((failed + 1)); echo "not ok $n - checkpatch $1"
	else
		passed=$((passed + 1)); echo "ok $n - checkpatch $1"
	fi
	[ -n "$2" ] && printf '%s\n' "$2" | sed 's/^/#   /'
	return 0
}

for p in $(grep -v '^#' "$root/linux-patches/series"); do
	# shellcheck disable=SC2086
	res=$(perl "$cp" $opts "$root/linux-patches/$p" 2>&1 | grep -E '^(ERROR|WARNING)' )
	report "linux-patches/$p" "$res"
done

for f in $(cd "$root" && find arch-xlibos -type f \( -name '*.c' -o -name '*.h' -o -name '*.S' \) | sort); do
	# shellcheck disable=SC2086
	res=$(perl "$cp" $opts -f "$root/$f" 2>&1 | grep -E '^(ERROR|WARNING)')
	report "$f" "$res"
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
