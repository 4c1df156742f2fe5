// SPDX-License-Identifier: GPL-2.0
/*
 * Test driver of loader/rootfs_image.c: image_get [--tables] DIR prints
 * "PATH SIZE TABLES_LEN" of the cached image (PATH as the descriptor
 * names it), or the loader's one-line error and exits 125.
 * With --dump-tables FILE the blob is written there.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "rootfs_image.h"

int main(int argc, char **argv)
{
	struct rootfs_image img;
	const char *dump = NULL;
	bool tables = false;
	char proc[32], path[4096];
	ssize_t n;
	int i = 1;

	for (; i < argc - 1; i++) {
		if (strcmp(argv[i], "--tables") == 0) {
			tables = true;
		} else if (strcmp(argv[i], "--dump-tables") == 0 && i + 2 < argc) {
			tables = true;
			dump = argv[++i];
		} else {
			break;
		}
	}
	if (i != argc - 1) {
		fprintf(stderr, "usage: image_get [--tables] [--dump-tables FILE] DIR\n");
		return 2;
	}
	if (!rootfs_image_get(argv[i], tables, &img))
		return 125;
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", img.fd);
	n = readlink(proc, path, sizeof(path) - 1);
	path[n > 0 ? n : 0] = '\0';
	if ((fcntl(img.fd, F_GETFL) & (O_ACCMODE | O_NONBLOCK)) != O_RDONLY ||
	    !(fcntl(img.fd, F_GETFD) & FD_CLOEXEC)) {
		fprintf(stderr, "image_get: descriptor is not O_RDONLY|O_CLOEXEC\n");
		return 1;
	}
	printf("%s %llu %zu\n", path, (unsigned long long)img.size, img.abcom_tables_len);
	if (dump) {
		FILE *f = fopen(dump, "wb");

		if (!f || fwrite(img.abcom_tables, 1, img.abcom_tables_len, f) != img.abcom_tables_len ||
		    fclose(f))
			return 1;
	}
	rootfs_image_free(&img);
	return 0;
}
