# shellcheck shell=sh
# Shared helpers for the loader test scripts (POSIX sh).  Source it, then
# call expect/ok/not_ok, and finish with summary.

passed=0
failed=0
skipped=0
count=0
scratch=$(mktemp -d "${TMPDIR:-/tmp}/xlibos-test.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
out="$scratch/out"

ok() {
	count=$((count + 1)); passed=$((passed + 1))
	echo "ok $count - $1"
}

not_ok() {
	count=$((count + 1)); failed=$((failed + 1))
	echo "not ok $count - $1"
	# Show what happened, indented, so failures explain themselves.
	[ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/#   /'
	[ -f "$out" ] && sed 's/^/#   | /' "$out"
	return 0
}

# skip DESC WHY: a check that cannot run here (counted, never a failure).
skip() {
	count=$((count + 1)); skipped=$((skipped + 1))
	echo "ok $count - $1 # SKIP $2"
}

# expect DESC RC SUBSTRING CMD...: run CMD (stdout+stderr to $out), require
# exit status RC and, unless SUBSTRING is empty, that the output contains it.
expect() {
	desc=$1 want_rc=$2 want_text=$3
	shift 3
	"$@" >"$out" 2>&1
	rc=$?
	if [ "$rc" -ne "$want_rc" ]; then
		not_ok "$desc" "expected exit $want_rc, got $rc"
	elif [ -n "$want_text" ] && ! grep -qF -- "$want_text" "$out"; then
		not_ok "$desc" "output lacks: $want_text"
	else
		ok "$desc"
	fi
}

# Every error must be exactly one "xlibos: " line (plus the optional hint;
# "fake: " lines come from the stand-in kernel).
expect_one_line() {
	desc=$1
	if [ "$(grep -c '^xlibos: ' "$out")" -eq 1 ] &&
	   [ "$(grep -vc -e '^xlibos: ' -e '^fake: ' -e "^try 'xlibos --help'\$" "$out")" -eq 0 ]; then
		ok "$desc"
	else
		not_ok "$desc" "expected a single 'xlibos: ' line"
	fi
}

# c_test PROGRAM DESC: run a C test that prints TAP lines ("ok N - ...",
# "not ok N - ..."): each line becomes a check of ours, prefixed by DESC;
# a failing exit with no "not ok" is a failure too.
c_test() {
	"$1" >"$scratch/ct.out" 2>"$scratch/ct.err"
	rc=$?
	while IFS= read -r line; do
		case $line in
		"not ok "*) not_ok "$2: ${line#* - }" "$(tail -n 20 "$scratch/ct.err")" ;;
		"ok "*) ok "$2: ${line#* - }" ;;
		esac
	done <"$scratch/ct.out"
	if [ "$rc" -ne 0 ] && ! grep -q '^not ok' "$scratch/ct.out"; then
		not_ok "$2: the test exits 0" "$(tail -n 5 "$scratch/ct.out" "$scratch/ct.err")"
	fi
}

summary() {
	if [ "$skipped" -gt 0 ]; then
		echo "$passed passed, $failed failed, $skipped skipped"
	else
		echo "$passed passed, $failed failed"
	fi
	[ "$failed" -eq 0 ]
}
