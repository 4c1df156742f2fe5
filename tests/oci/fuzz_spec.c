// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness: xlibos-runtime's config.json reader on arbitrary
 * bytes (the bundle's rootfs and bind sources are real directories, so
 * every later field is reached).  Build and run by hand, e.g.:
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -I loader \
 *     tests/oci/fuzz_spec.c loader/oci/{spec*,json_get,plan,log}.c loader/size.c \
 *     -ljansson -lseccomp -o fuzz_spec && ./fuzz_spec -max_total_time=120 CORPUS
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "oci/spec.h"

static char bundle[] = "/tmp/xlibos-fuzz-spec.XXXXXX";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct oci_spec_info info;
	struct oci_plan plan;
	char path[128];
	json_t *doc;
	int fd;

	if (!ready) {
		if (!mkdtemp(bundle))
			abort();
		snprintf(path, sizeof(path), "%s/rootfs", bundle);
		mkdir(path, 0755);
		ready = 1;
	}
	snprintf(path, sizeof(path), "%s/config.json", bundle);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, data, size) != (ssize_t)size)
		abort();
	close(fd);
	if (!plan_init(&plan))
		return 0;
	spec_load(bundle, &plan, &info, &doc);
	plan_finish(&plan);
	plan_free(&plan);
	json_decref(doc);
	return 0;
}
