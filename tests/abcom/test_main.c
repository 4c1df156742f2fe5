// SPDX-License-Identifier: GPL-2.0
/*
 * abcom unit tests.
 * usage: test_abcom EXPECTED_COUNTS_FILE [CORE_OBJECT.o...]
 * Prints "ok N - ..." / "not ok N - ..." and ends with "N passed, N failed".
 */
#include <stdio.h>
#include "tap.h"
#include "tests.h"

int main(int argc, char **argv)
{
	test_synthetic();
	test_plans();
	test_limits();
	test_freestanding(argc > 2 ? argc - 2 : 0, argv + 2);
	test_binaries(argc > 1 ? argv[1] : "tests/abcom/expected-counts.txt");
	return tap_summary();
}
