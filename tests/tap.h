/* SPDX-License-Identifier: GPL-2.0 */
/* Minimal TAP-style reporting shared by the C test programs. */
#ifndef XLIBOS_TEST_TAP_H
#define XLIBOS_TEST_TAP_H

#include <stdbool.h>

/* Print "ok N - desc" or "not ok N - desc"; returns cond. */
bool check(bool cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A "#   ..." diagnostic line under the last check. */
void diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print "N passed, N failed"; returns the exit status. */
int tap_summary(void);

#endif
