# shellcheck shell=sh
# Helpers of the network suites (sourced after tests/lib.sh).

# wait_for N CMD...: up to N tenths of a second for CMD to succeed.
wait_for() {
	n=$1
	shift
	while [ "$n" -gt 0 ]; do
		"$@" && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}
# gone PID: the process has ended.
gone() { ! kill -0 "$1" 2>/dev/null; }
# has_text FILE TEXT: FILE holds TEXT.
has_text() { grep -q -- "$2" "$1" 2>/dev/null; }
