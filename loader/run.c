// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "abcom_tables.h"
#include "boot.h"
#include "diag.h"
#include "exit_status.h"
#include "guest-init/run_status.h"
#include "hostmem.h"
#include "initrd.h"
#include "rootfs_pack.h"
#include "run.h"
#include "run_config.h"
#include "run_options.h"
#include "run_stats.h"
#include "size.h"
#include "supervisor.h"
#include "usage.h"
#include "vdso.h"

#define MIB (UINT64_C(1) << 20)
#define PAGE_MASK_4K (UINT64_C(4096) - 1)

/* Docker's convention: every failure of xlibos itself is 125. */
static const struct boot_exit_policy run_policy = {
	.decide = exit_status_decide_run,
	.start_error = XLIBOS_RUN_ERROR,
	.wait_error = XLIBOS_RUN_ERROR,
};

/*
 * Largest archive that fits.  The kernel keeps the archive where the
 * loader put it (reserved, outside the RAM it counts) while unpacking it
 * into the root tmpfs, and a tmpfs may fill half of that RAM: so guest
 * memory must hold it three times besides the kernel and its headroom.
 */
#define ARCHIVE_COPIES 3

static uint64_t archive_limit(uint64_t phys_size, uint64_t image_end)
{
	uint64_t used = ((image_end + PAGE_MASK_4K) & ~PAGE_MASK_4K) + XLIBOS_KERNEL_HEADROOM;

	return phys_size > used ? (phys_size - used) / ARCHIVE_COPIES : 0;
}

static bool place_archive(const struct run_options *o, uint64_t image_end, int fd,
			  uint64_t size, struct initrd *rd)
{
	char need[SIZE_FORMAT_MAX];

	*rd = (struct initrd){ .path = "packed rootfs", .fd = fd, .size = size };
	if (size <= archive_limit(o->mem_size, image_end) &&
	    initrd_place(o->mem_size, image_end, size, &rd->phys))
		return true;
	diag_error("rootfs (%" PRIu64 " MiB) does not fit in --mem %s (needs at least %s)",
		   (size + MIB - 1) / MIB, o->mem_arg,
		   size_format(initrd_min_mem(image_end, ARCHIVE_COPIES * size), need, sizeof(need)));
	initrd_close(rd);
	return false;
}

/* Everything after option parsing; returns the exit status. */
static int run_with(const struct run_options *o)
{
	char image_path[PATH_MAX], rootfs[PATH_MAX], init_path[PATH_MAX];
	char cmdline[XLIBOS_CMDLINE_MAX];
	const struct run_config cfg = {
		.argv = o->cmd, .argc = o->ncmd,
		.env = o->env, .nenv = o->nenv,
		.workdir = o->workdir,
	};
	struct rootfs_pack_input pack = { 0 };
	struct guest_params gp = { 0 };
	struct abcom_tables tables = { 0 };
	bool ok;
	int status;
	struct image image;
	struct initrd initrd;
	char *config = NULL;
	uint64_t archive_size;
	int archive_fd;

	if (o->image_path)
		snprintf(image_path, sizeof(image_path), "%s", o->image_path);
	else if (!options_default_image(image_path, sizeof(image_path)))
		return XLIBOS_RUN_ERROR;
	if (o->rootfs_path) {
		snprintf(rootfs, sizeof(rootfs), "%s", o->rootfs_path);
	} else if (!run_default_rootfs(image_path, rootfs, sizeof(rootfs))) {
		diag_error("image path too long to find the default rootfs; use --rootfs DIR");
		return XLIBOS_RUN_ERROR;
	}
	/* Cheap checks first: a missing rootfs should not wait for the image. */
	if (!rootfs_check_dir(rootfs) || !run_locate_init(init_path, sizeof(init_path)) ||
	    !rootfs_check_init(init_path))
		return XLIBOS_RUN_ERROR;
	/* Length was checked while parsing options. */
	run_kernel_cmdline(o->abcom, o->extra_cmdline, cmdline, sizeof(cmdline));

	if (!image_open(image_path, o->mem_size, o->mem_arg, &image))
		return XLIBOS_RUN_ERROR;
	if (!run_config_encode(&cfg, &config, &pack.config_size))
		goto fail_image;
	pack.dir = rootfs;
	pack.init_path = init_path;
	pack.config = config;
	pack.limit = archive_limit(o->mem_size, image.end_phys);
	/* Unless abcom is off: the LibOS gets the tables, not the decoding. */
	if (!o->abcom || strcmp(o->abcom, "off")) {
		abcom_tables_init(&tables);
		pack.tables = &tables;
	}
	ok = rootfs_pack(&pack, &archive_fd, &archive_size);
	abcom_tables_free(&tables);
	if (!ok)
		goto fail_image;
	free(config);
	config = NULL;
	if (!place_archive(o, image.end_phys, archive_fd, archive_size, &initrd))
		goto fail_image;

	gp.phys_size = o->mem_size;
	gp.cmdline = cmdline;
	gp.image = &image;
	gp.initrd = &initrd;
	gp.vdso_clock_gettime = vdso_clock_gettime();
	gp.cpu = o->cpu;
	gp.pids_limit = o->pids_limit;
	status = boot_guest(&gp, &run_policy);
	if (o->stats && gp.exit_record)
		run_print_stats(gp.exit_record);
	return status;

fail_image:
	free(config);
	image_close(&image);
	return XLIBOS_RUN_ERROR;
}

int run_command(int argc, char **argv)
{
	struct run_options opts;
	int status;

	switch (options_parse_run(argc, argv, hostmem_total(), &opts)) {
	case OPTIONS_HELP:
		usage_print(stdout);
		return LOADER_EXIT_OK;
	case OPTIONS_ERROR:
		return XLIBOS_RUN_ERROR;
	case OPTIONS_OK:
		break;
	}
	/* From here on a SIGTERM waits for the container instead of killing us. */
	supervisor_start(opts.stop_timeout);
	status = run_with(&opts);
	run_options_free(&opts);
	return status;
}
