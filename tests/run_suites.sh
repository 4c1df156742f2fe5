#!/bin/sh
# Run test suites that each end with "N passed, N failed" (optionally
# ", N skipped"); print their output and a grand total in the same format.
# A suite that ends without that line (crashed, killed) counts as one failure.
# usage: run_suites.sh "command one" "command two" ...

total_passed=0
total_failed=0
total_skipped=0
log=$(mktemp "${TMPDIR:-/tmp}/xlibos-suite.XXXXXX")
failures=$(mktemp "${TMPDIR:-/tmp}/xlibos-failures.XXXXXX")
trap 'rm -f "$log" "$failures"' EXIT
summary_re='^\([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed\(, \([0-9][0-9]*\) skipped\)\{0,1\}$'

for suite in "$@"; do
	echo "# $suite"
	sh -c "$suite" >"$log" 2>&1
	rc=$?
	cat "$log"
	last=$(tail -n 1 "$log")
	p=$(printf '%s\n' "$last" | sed -n "s/$summary_re/\\1/p")
	f=$(printf '%s\n' "$last" | sed -n "s/$summary_re/\\2/p")
	s=$(printf '%s\n' "$last" | sed -n "s/$summary_re/\\4/p")
	if [ -z "$p" ]; then
		echo "not ok - suite ended without a summary (exit status $rc)"
		p=0 f=1
	elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - suite exited with status $rc"
		f=1
	fi
	# CI shows only the tail of a long log: keep the failures for a recap.
	if [ "$f" -ne 0 ]; then
		echo "# in: $suite" >>"$failures"
		grep '^not ok' "$log" >>"$failures"
	fi
	total_passed=$((total_passed + p))
	total_failed=$((total_failed + f))
	total_skipped=$((total_skipped + ${s:-0}))
done

if [ -s "$failures" ]; then
	echo "# failures:"
	cat "$failures"
fi
echo "$total_passed passed, $total_failed failed, $total_skipped skipped"
[ "$total_failed" -eq 0 ]
