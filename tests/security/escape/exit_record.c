// SPDX-License-Identifier: GPL-2.0
/*
 * The record's layout is the boot protocol's
 * (arch-xlibos/include/uapi/asm/xlibos_boot.h), spelled out here.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "exit_record.h"
#include "hostcall.h"

#define BOOT_MAGIC		0x58424f4f544c4942ULL
#define BOOT_EXIT_RECORD	48	/* offsetof(struct xlibos_boot_info, exit_record) */
#define EXIT_MAGIC		0x54495845U
#define EXIT_POWEROFF		1U
#define EXIT_PANIC		4U
#define MSG_MAX			1024

struct record_head {
	unsigned magic, reason;
	int status;
	unsigned reserved;
};

static int peek64(unsigned long addr, unsigned long long *v)
{
	unsigned char b[8];
	int i, c;

	for (i = 0; i < 8; i++) {
		c = door_peek(addr + i);
		if (c < 0)
			return 0;
		b[i] = (unsigned char)c;
	}
	memcpy(v, b, 8);
	return 1;
}

int exit_record_forge(unsigned long boot_info, const char *variant)
{
	static char msg[MSG_MAX];
	struct record_head head = { EXIT_MAGIC, EXIT_PANIC, 0, 0 };
	unsigned long long magic, rec;
	unsigned long long zero = 0;
	size_t len = MSG_MAX;

	if (!strcmp(variant, "long")) {
		memset(msg, 'A', sizeof(msg));	/* no NUL anywhere */
	} else if (!strcmp(variant, "inject")) {
		len = (size_t)snprintf(msg, sizeof(msg), "%s",
			"forged\nxlibos: FORGED container exited 0\r\033[2J\033]0;FORGED\007 "
			"\033[1A\033[Kend") + 1;
	} else if (!strcmp(variant, "reason")) {
		head.reason = 0xdeadbeefU;
		len = (size_t)snprintf(msg, sizeof(msg), "x") + 1;
	} else if (!strcmp(variant, "status")) {
		head.reason = EXIT_POWEROFF;
		head.status = 0x7fffffff;
		len = 1;
		msg[0] = '\0';
	} else {
		return 2;
	}
	if (!peek64(boot_info, &magic) || magic != BOOT_MAGIC) {
		printf("boot info not readable at %#lx\n", boot_info);
		return 1;
	}
	if (!peek64(boot_info + BOOT_EXIT_RECORD, &rec) || !rec) {
		printf("no exit record address in the boot info\n");
		return 1;
	}
	printf("exit record at %#llx\n", rec);
	if (!door_poke((unsigned long)rec + sizeof(head), msg, len) ||
	    !door_poke((unsigned long)rec + 4, &head.reason, 12) ||
	    !door_poke((unsigned long)rec, &head.magic, 4)) {
		printf("exit record not writable\n");
		return 1;
	}
	/* Without the pointer, the LibOS's power-off leaves the record alone. */
	if (!door_poke(boot_info + BOOT_EXIT_RECORD, &zero, sizeof(zero)))
		printf("boot info not writable: the LibOS may rewrite the record\n");
	return 0;
}
