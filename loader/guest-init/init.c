// SPDX-License-Identifier: GPL-2.0
/*
 * xlibos-init: PID 1 of an "xlibos run" guest, at /.xlibos/init in the
 * initramfs the loader packs.  Sets up the usual mounts, the host's
 * stdio and the loopback interface, runs the one command described by
 * /.xlibos/config, stays init (forwarding signals, reaping orphans) until
 * it ends, then reports its status to the LibOS and powers the guest off.
 *
 * Exit statuses (guest-init/run_status.h): the command's own, 128+N for
 * signal N, 126 cannot execute, 127 not found, 125 if the config cannot
 * be read, the working directory cannot be entered or fork fails.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <stdbool.h>
#include <unistd.h>

#include "config.h"
#include "config_format.h"
#include "container.h"
#include "kernel_init.h"
#include "loopback.h"
#include "mounts.h"
#include "net_setup.h"
#include "root_image.h"
#include "run_status.h"
#include "shutdown.h"
#include "status.h"
#include "std_fds.h"
#include "supervise.h"
#include "tty.h"
#include "workdir.h"
#include "writeback.h"

static int run(const struct init_config *cfg)
{
	char message[64];
	int wstatus;

	if (!workdir_enter(cfg->workdir) || !tty_start(cfg))
		return XLIBOS_RUN_ERROR;
	wstatus = supervise_command(cfg);
	tty_finish();
	if (wstatus < 0)
		return XLIBOS_RUN_ERROR;
	/* As a shell would; runc's container ends with no word (podman kill). */
	if (!cfg->ncontainer && status_signal_message(wstatus, message, sizeof(message)))
		fprintf(stderr, "%s\n", message);
	return status_from_wait(wstatus);
}

/* The --disk mounts, then the volumes with the container's own mounts (container.c). */
static bool mount_attached(const struct init_config *cfg)
{
	return root_image_mount_disks(cfg->disks, cfg->ndisks) && container_mounts(cfg);
}

/* Image mode: the overlay root, then the disks; false if it cannot be. */
static bool enter_image(const struct init_config *cfg)
{
	struct stat root;
	bool ok;

	if (!root_image_enter(cfg->root) || stat("/", &root) != 0)
		return false;
	mounts_setup(cfg->ncontainer > 0);
	ok = mount_attached(cfg);
	/* Mount points made above leave the root's times as the image has them. */
	struct timespec times[2] = { root.st_atim, root.st_mtim };

	utimensat(AT_FDCWD, "/", times, 0);
	return ok;
}

/* Packed mode: the initramfs is the root; leave only the image's files. */
static void tidy_packed_root(void)
{
	/*
	 * The container's root should hold only the image's files, with
	 * the root's own times as the image has them.
	 */
	struct stat root;
	bool have_root = stat("/", &root) == 0;

	unlink("/" XLIBOS_GUEST_CONFIG);
	unlink("/" XLIBOS_GUEST_INIT);
	unlink("/" XLIBOS_GUEST_ABCOM_TABLES);	/* read at boot */
	rmdir("/" XLIBOS_GUEST_DIR);
	if (have_root) {
		struct timespec times[2] = { root.st_atim, root.st_mtim };

		utimensat(AT_FDCWD, "/", times, 0);
	}
}

int main(void)
{
	struct init_config cfg;
	int status = XLIBOS_RUN_ERROR;
	bool have_cfg;

	/* First of all: a SIGTERM that comes while we start must wait for CMD. */
	supervise_hold_signals();
	/* Files the guest creates get the modes they ask for, as under docker. */
	umask(022);
	have_cfg = access("/" XLIBOS_GUEST_CONFIG, F_OK) == 0 &&
		   config_load("/" XLIBOS_GUEST_CONFIG, &cfg);
	if (have_cfg && cfg.root) {
		root_image_early_dev();
		std_fds_setup();
		if (!enter_image(&cfg))
			shutdown_with_status(XLIBOS_RUN_ERROR);
	} else {
		mounts_setup(have_cfg && cfg.ncontainer > 0);
		std_fds_setup();
		if (!have_cfg)	/* now that stderr is the host's */
			have_cfg = config_load("/" XLIBOS_GUEST_CONFIG, &cfg);
		if (have_cfg)
			tidy_packed_root();
		if (have_cfg && !mount_attached(&cfg))
			shutdown_with_status(XLIBOS_RUN_ERROR);
	}
	loopback_up();
	if (have_cfg && (cfg.hostname || cfg.net) && !kernel_init()) {
		/* Run natively in a test: the host's interfaces are not ours. */
		fprintf(stderr, "xlibos: not the kernel's own init: network and host name left alone\n");
		cfg.hostname = cfg.net = NULL;
	}
	if (have_cfg && cfg.hostname && sethostname(cfg.hostname, strlen(cfg.hostname)) != 0)
		fprintf(stderr, "xlibos: cannot set the host name: %s\n", strerror(errno));
	if (have_cfg && cfg.net && !net_setup(cfg.net, cfg.net6, cfg.dns))
		shutdown_with_status(XLIBOS_RUN_ERROR);
	if (have_cfg && cfg.ncontainer && !container_setup(&cfg))
		shutdown_with_status(XLIBOS_RUN_ERROR);
	if (have_cfg) {
		status = run(&cfg);
		/* The command's status stands; what was not written back is named. */
		if (cfg.writeback && cfg.root)
			writeback_root(cfg.writeback);
		config_free(&cfg);
	}
	shutdown_with_status(status);
}
