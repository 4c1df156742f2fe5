// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>

#include "size.h"

static unsigned int suffix_shift(char c)
{
	switch (tolower((unsigned char)c)) {
	case 'k': return 10;
	case 'm': return 20;
	case 'g': return 30;
	case 't': return 40;
	default: return 0;
	}
}

bool size_parse(const char *text, uint64_t *bytes)
{
	const char *p = text;
	uint64_t value = 0;

	/* Digits by hand: strtoull would accept "-1", " 1" and "0x10". */
	if (!isdigit((unsigned char)*p))
		return false;
	for (; isdigit((unsigned char)*p); p++) {
		unsigned int digit = (unsigned int)(*p - '0');

		if (value > (UINT64_MAX - digit) / 10)
			return false;
		value = value * 10 + digit;
	}

	unsigned int shift = suffix_shift(*p);

	if (shift) {
		p++;
		/* "MiB" and "MB" both mean 2^20 here; disks are not our business. */
		if (tolower((unsigned char)p[0]) == 'i' && tolower((unsigned char)p[1]) == 'b')
			p += 2;
		else if (tolower((unsigned char)p[0]) == 'b')
			p++;
	} else if (tolower((unsigned char)*p) == 'b') {
		p++;	/* "4096B" */
	}
	if (*p != '\0')
		return false;

	if (shift && value > (UINT64_MAX >> shift))
		return false;
	*bytes = value << shift;
	return true;
}

char *size_format(uint64_t bytes, char *buf, size_t len)
{
	static const char units[] = "TGMK";
	static const unsigned int shifts[] = { 40, 30, 20, 10 };

	for (size_t i = 0; i < sizeof(shifts) / sizeof(shifts[0]); i++) {
		uint64_t unit = UINT64_C(1) << shifts[i];

		if (bytes != 0 && bytes % unit == 0) {
			snprintf(buf, len, "%" PRIu64 "%c", bytes / unit, units[i]);
			return buf;
		}
	}
	snprintf(buf, len, "%" PRIu64, bytes);
	return buf;
}
