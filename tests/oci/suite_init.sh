# shellcheck shell=sh
# Sourced first by every OCI suite: its arguments are
# path/to/xlibos-runtime [path/to/rootfs].  Sets runtime, here (this
# folder), top and rootfs, sources tests/lib.sh, and gives the suites
# their "cannot run here" endings:
#   skip_suite DESC REASON     one skipped check
#   skip_checks PREFIX REASON  one skipped check per entry of $checks
#                              ("a|b|c"), named "PREFIX entry"
# usage: . "$(dirname "$0")/suite_init.sh"
if [ $# -lt 1 ] || [ ! -x "$1" ]; then
	echo "usage: $0 path/to/xlibos-runtime [path/to/rootfs]" >&2
	exit 2
fi
runtime=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
rootfs=${2:-$top/build/rootfs}
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$here/../lib.sh"

# rt_cmd RT ARGS...: runc (RT runc, $runc) or xlibos-runtime (RT x), each
# with a state root of its own under $scratch: the suites that run both on
# one bundle (hooks, pods) call it R.
rt_cmd() {
	rt=$1
	shift
	if [ "$rt" = runc ]; then
		"$runc" --root "$scratch/root.runc" "$@"
	else
		"$runtime" --root "$scratch/root.x" "$@"
	fi
}

skip_suite() {
	echo "ok - $1 # SKIP $2"
	echo "0 passed, 0 failed, 1 skipped"
	exit 0
}

skip_checks() {
	# shellcheck disable=SC2154 # the suite's list
	echo "$checks" | tr '|' '\n' | while IFS= read -r c; do
		echo "ok - $1 $c # SKIP $2"
	done
	echo "0 passed, 0 failed, $(echo "$checks" | tr '|' '\n' | wc -l) skipped"
	exit 0
}
