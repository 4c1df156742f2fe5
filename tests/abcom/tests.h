/* SPDX-License-Identifier: GPL-2.0 */
/* Shared pieces of the abcom tests. */
#ifndef ABCOM_TESTS_H
#define ABCOM_TESTS_H

#include <stddef.h>
#include <stdint.h>
#include "abcom.h"

/*
 * Apply the patch's write steps one by one to `code` (a writable copy of
 * the region that holds the site, mapped at vaddr) and check every
 * intermediate state; restores the original bytes before returning.
 * Returns NULL when all is well, else a description of the first problem.
 */
const char *verify_patch(const struct abcom_site *site,
			 const struct abcom_patch *p, uint8_t *code,
			 size_t len, uint64_t vaddr);

void test_synthetic(void);
void test_plans(void);
/* The core objects need nothing from libc but mem* (nm -u). */
void test_freestanding(int n_objs, char **objs);
/* Real binaries listed in the expected-counts file. */
void test_binaries(const char *expected_file);
/* Hostile files and forged site tables (test_limits.c). */
void test_limits(void);

#endif
