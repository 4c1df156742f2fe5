#!/bin/sh
# make check: every test suite, each ending in "N passed, N failed", then a
# grand total in the same form.  Expects `make all kernel-kunit` done.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build
loader=$build/bin/xlibos

make --no-print-directory -s -C "$root/loader" test-build >/dev/null || exit 1

exec sh "$root/tests/run_suites.sh" \
	"$build/tests/loader/test_loader_options" \
	"sh $root/tests/loader/bad_input.sh $loader" \
	"sh $root/tests/loader/fake_boot.sh $loader $build/tests/loader" \
	"sh $root/tests/boot/boot_tests.sh $loader $build/xlibos.img" \
	"python3 $root/tests/kunit/run_kunit.py --loader $loader --image $build/xlibos-kunit.img --expected $root/tests/kunit/expected-suites.txt --log $build/tests/kunit.log" \
	"sh $root/scripts/checkpatch.sh $build/linux"
