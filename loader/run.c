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

/* Docker's convention: every failure of xlibos itself is 125. */
static const struct boot_exit_policy run_policy = {
	.decide = exit_status_decide_run,
	.start_error = XLIBOS_RUN_ERROR,
	.wait_error = XLIBOS_RUN_ERROR,
};

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
	struct rootfs_archive archive;

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
	pack.mem_size = o->mem_size;
	pack.image_end = image.end_phys;
	/* Unless abcom is off: the LibOS gets the tables, not the decoding. */
	if (!o->abcom || strcmp(o->abcom, "off")) {
		abcom_tables_init(&tables);
		pack.tables = &tables;
	}
	ok = rootfs_pack(&pack, &archive);
	abcom_tables_free(&tables);
	if (!ok)
		goto fail_image;
	free(config);
	config = NULL;
	if (!rootfs_mem_place(&archive.mem, archive.fd, o->mem_size, o->mem_arg, image.end_phys,
			      o->extra_cmdline, &initrd))
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
