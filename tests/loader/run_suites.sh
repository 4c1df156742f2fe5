#!/bin/sh
# Run test suites that each end with "N passed, N failed"; print their output
# and a grand total in the same format.  A suite that ends without that line
# (crashed, killed) counts as one failure.
# usage: run_suites.sh "command one" "command two" ...

total_passed=0
total_failed=0
log=$(mktemp "${TMPDIR:-/tmp}/xlibos-suite.XXXXXX")
trap 'rm -f "$log"' EXIT

for suite in "$@"; do
	echo "# $suite"
	sh -c "$suite" >"$log" 2>&1
	rc=$?
	cat "$log"
	last=$(tail -n 1 "$log")
	p=$(printf '%s\n' "$last" | sed -n 's/^\([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed$/\1/p')
	f=$(printf '%s\n' "$last" | sed -n 's/^\([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed$/\2/p')
	if [ -z "$p" ]; then
		echo "not ok - suite ended without a summary (exit status $rc)"
		p=0 f=1
	elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - suite exited with status $rc"
		f=1
	fi
	total_passed=$((total_passed + p))
	total_failed=$((total_failed + f))
done

echo "$total_passed passed, $total_failed failed"
[ "$total_failed" -eq 0 ]
