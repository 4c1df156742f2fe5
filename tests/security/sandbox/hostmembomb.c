// SPDX-License-Identifier: GPL-2.0
/*
 * Host memory bomb: through the LibOS's own hypercall entry, map guest
 * memory (the one mapping the host allow-list permits) at ever new
 * addresses and read-touch it, so that the host fills with page tables.
 * The container's memory cgroup must stop it.
 * usage: hostmembomb HEX(xlibos_host_syscall) HEX(xlibos_boot) PHYS_BYTES
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

typedef long (*hostcall_fn)(long, long, long, long, long, long, long);

int main(int argc, char **argv)
{
	hostcall_fn hc;
	const int32_t *boot;
	unsigned long size, base = 0x500000000000UL;
	volatile const char *p;
	long sum = 0;

	if (argc != 4)
		return 2;
	hc = (hostcall_fn)strtoul(argv[1], NULL, 16);
	boot = (const int32_t *)strtoul(argv[2], NULL, 16);
	size = strtoul(argv[3], NULL, 0);
	/* struct xlibos_boot_info: magic (8), version (4), phys_fd (4) */
	printf("phys fd %d\n", boot[3]);
	fflush(stdout);
	for (unsigned long i = 0; i < 60000; i++) {
		unsigned long at = base + i * size;
		long r = hc(9 /* mmap */, at, size, 1 /* PROT_READ */,
			    0x11 /* MAP_SHARED | MAP_FIXED */, boot[3], 0);

		if (r != (long)at) {
			printf("mmap %lu failed: %ld\n", i, r);
			return 1;
		}
		for (p = (const char *)at; p < (const char *)(at + size); p += 2 << 20)
			sum += *p;
	}
	printf("not stopped (%ld)\n", sum);
	return 3;
}
