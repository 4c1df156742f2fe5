// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "abcom_tables.h"
#include "boot.h"
#include "diag.h"
#include "exit_status.h"
#include "fd_io.h"
#include "guest-init/run_status.h"
#include "hostmem.h"
#include "initrd.h"
#include "net/backend.h"
#include "rootfs_pack.h"
#include "run.h"
#include "run_disks.h"
#include "run_initramfs.h"
#include "rootfs_image.h"
#include "virtio/devices.h"
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

/* What both ways of handing the rootfs to the guest need. */
struct run_setup {
	const struct run_options *o;
	const char *rootfs, *init_path;
	struct image image;
	struct guest_devices devices;
	char **disk_records, **volume_records;
	bool want_tables;	/* abcom is not off: hand over site tables */
	char root_dev[16];	/* image mode: the root image's device */
};

/* --pack: the whole tree in the initramfs, unpacked into a tmpfs root. */
static bool prepare_packed(struct run_setup *rs, const struct run_config *cfg,
			   struct initrd *initrd)
{
	const struct run_options *o = rs->o;
	struct rootfs_pack_input pack = { 0 };
	struct abcom_tables tables = { 0 };
	struct rootfs_archive archive;
	char *config = NULL;
	bool ok;

	if (!run_config_encode(cfg, &config, &pack.config_size))
		return false;
	pack.dir = rs->rootfs;
	pack.init_path = rs->init_path;
	pack.config = config;
	pack.mem_size = o->mem_size;
	pack.image_end = rs->image.end_phys;
	/* Unless abcom is off: the LibOS gets the tables, not the decoding. */
	if (rs->want_tables) {
		abcom_tables_init(&tables);
		pack.tables = &tables;
	}
	ok = rootfs_pack(&pack, &archive);
	abcom_tables_free(&tables);
	free(config);
	return ok && rootfs_mem_place(&archive.mem, archive.fd, o->mem_size, o->mem_arg,
				      rs->image.end_phys, o->extra_cmdline, initrd);
}

/* The 9P mount tag of --rootfs-writeback's share of the rootfs. */
#define RUN_WRITEBACK_TAG	"xlibos-root"

/*
 * --rootfs-writeback: the tree itself, read-write over 9P, for the guest
 * init to apply the root's changes to at the end (guest-init/writeback.c).
 * The 9P server keeps every operation beneath it, as for a volume.
 */
static bool attach_writeback(struct run_setup *rs, const char *real)
{
	int fd = open(real, O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0) {
		diag_error("rootfs '%s': %s", real, strerror(errno));
		return false;
	}
	return guest_devices_add_p9(&rs->devices, fd, RUN_WRITEBACK_TAG, P9_SHARE_ROOTFS, real);
}

/*
 * The default: the tree as a read-only ext4 image (cached, shared by every
 * container of the tree) on the first block device, under an overlay.
 */
static bool attach_root_image(struct run_setup *rs, struct rootfs_image *img)
{
	char real[PATH_MAX];

	/* A symlink the caller named is the caller's choice, as with --pack. */
	if (!realpath(rs->rootfs, real)) {
		diag_error("rootfs '%s': %s", rs->rootfs, strerror(errno));
		return false;
	}
	if (!rootfs_image_get(real, rs->want_tables, img))
		return false;
	run_disks_device_name(rs->devices.n, rs->root_dev, sizeof(rs->root_dev));
	/* The device owns the descriptor from here on, even on failure. */
	bool ok = guest_devices_add_blk(&rs->devices, img->fd, "rootfs image", true);

	img->fd = -1;
	return ok && (!rs->o->rootfs_writeback || attach_writeback(rs, real));
}

/* Image mode's initramfs: only the guest init, its config, abcom's tables. */
static bool prepare_image(struct run_setup *rs, const struct run_config *cfg,
			  const struct rootfs_image *img, struct initrd *initrd)
{
	const struct run_options *o = rs->o;
	char *config = NULL;
	size_t config_size;
	bool ok = run_config_encode(cfg, &config, &config_size) &&
		  run_initramfs_make(rs->init_path, config, config_size, img->abcom_tables,
				     img->abcom_tables_len, o->mem_size, o->mem_arg,
				     rs->image.end_phys, initrd);

	free(config);
	return ok;
}

/* --guest-records: at most this much (file bind mounts' contents included). */
#define RUN_GUEST_RECORDS_MAX	(16u << 20)

/*
 * --guest-records FILE (written by xlibos-runtime): whole "TAG\0VALUE\0"
 * records for the guest init, which checks each.  Here only their framing.
 */
static bool read_guest_records(const char *path, char **data, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
	struct stat st;
	size_t nuls = 0;

	*data = NULL;
	*len = 0;
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_size > RUN_GUEST_RECORDS_MAX) {
		diag_error("--guest-records '%s': %s", path,
			   fd < 0 ? strerror(errno) : "not a regular file of at most 16 MiB");
		goto fail;
	}
	*len = (size_t)st.st_size;
	*data = malloc(*len + 1);
	if (!*data || !fd_read_all(fd, *data, *len)) {
		diag_error("--guest-records '%s': cannot read it", path);
		goto fail;
	}
	for (size_t i = 0; i < *len; i++)
		nuls += (*data)[i] == '\0';
	if (*len && ((*data)[*len - 1] != '\0' || nuls % 2)) {
		diag_error("--guest-records '%s': not whole records", path);
		goto fail;
	}
	close(fd);
	return true;
fail:
	if (fd >= 0)
		close(fd);
	free(*data);
	*data = NULL;
	return false;
}

/*
 * --start-fifo (xlibos-runtime's create/start split): everything is
 * prepared; say so on --ready-fd, then wait until "start" opens the FIFO
 * and takes the byte written there.  Held signals stay held meanwhile.
 */
static bool wait_for_start(const struct run_options *o)
{
	bool ok;
	int fd;

	if (o->ready_fd >= 0) {
		ok = fd_write_all(o->ready_fd, "r", 1);
		close(o->ready_fd);
		if (!ok)
			return false;	/* nobody waits for us: the runtime gave up */
	}
	if (!o->start_fifo)
		return true;
	do
		fd = open(o->start_fifo, O_WRONLY | O_CLOEXEC);
	while (fd < 0 && errno == EINTR);
	if (fd < 0) {
		diag_error("start FIFO '%s': %s", o->start_fifo, strerror(errno));
		return false;
	}
	ok = fd_write_all(fd, "0", 1);
	close(fd);
	return ok;
}

/* Everything after option parsing; returns the exit status. */
static int run_with(const struct run_options *o)
{
	char image_path[PATH_MAX], rootfs[PATH_MAX], init_path[PATH_MAX];
	char cmdline[XLIBOS_CMDLINE_MAX];
	struct run_config cfg = {
		.argv = o->cmd, .argc = o->ncmd,
		.env = o->env, .nenv = o->nenv,
		.workdir = o->workdir,
	};
	struct run_setup rs = { .o = o, .rootfs = rootfs, .init_path = init_path };
	struct guest_params gp = { 0 };
	struct initrd initrd;
	struct rootfs_image img = { .fd = -1 };
	struct net_link link = { 0 };
	int status = XLIBOS_RUN_ERROR;
	char *records = NULL;
	bool ok;

	guest_devices_init(&rs.devices);
	rs.want_tables = !o->abcom || strcmp(o->abcom, "off");
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
	if (o->guest_records &&
	    !read_guest_records(o->guest_records, &records, &cfg.extra_len))
		return XLIBOS_RUN_ERROR;
	cfg.extra = records;
	/* Length was checked while parsing options. */
	run_kernel_cmdline(o->abcom, o->extra_cmdline, cmdline, sizeof(cmdline));

	if (!image_open(image_path, o->mem_size, o->mem_arg, &rs.image)) {
		free(records);
		return XLIBOS_RUN_ERROR;
	}
	/* The root image is /dev/vda; disks follow it, in order. */
	ok = (o->pack || attach_root_image(&rs, &img)) &&
	     run_disks_attach(o->disks, o->ndisks, &rs.devices, &rs.disk_records) &&
	     run_volumes_attach(o->volumes, o->nvolumes, &rs.devices, &rs.volume_records) &&
	     (o->net.mode == NET_MODE_NONE ||
	      guest_devices_add_net(&rs.devices, &o->net, o->publish, o->npublish, &link)) &&
	     (!o->control_socket || guest_devices_add_vsock(&rs.devices, o->control_socket));
	cfg.disks = rs.disk_records;
	cfg.ndisks = o->ndisks;
	cfg.volumes = rs.volume_records;
	cfg.nvolumes = o->nvolumes;
	cfg.root = o->pack ? NULL : rs.root_dev;
	if (ok && o->net.mode != NET_MODE_NONE && !link.absent) {
		cfg.net = link.net;
		cfg.net6 = *link.net6 ? link.net6 : NULL;
		cfg.dns = *link.dns ? link.dns : NULL;
	}
	cfg.hostname = o->hostname;
	cfg.writeback = o->rootfs_writeback ? RUN_WRITEBACK_TAG : NULL;
	if (ok)
		ok = o->pack ? prepare_packed(&rs, &cfg, &initrd)
			     : prepare_image(&rs, &cfg, &img, &initrd);
	rootfs_image_free(&img);
	free(records);
	if (ok)
		ok = wait_for_start(o);
	if (!ok) {
		image_close(&rs.image);
		goto out;
	}

	gp.phys_size = o->mem_size;
	gp.cmdline = cmdline;
	gp.image = &rs.image;
	gp.initrd = &initrd;
	gp.devices = &rs.devices;
	gp.vdso_clock_gettime = vdso_clock_gettime();
	gp.cpu = o->cpu;
	gp.pids_limit = o->pids_limit;
	gp.cpu_limits = o->cpu_limits;
	gp.cgroup_path = o->cgroup_path;
	status = boot_guest(&gp, &run_policy);
	if (o->stats && gp.exit_record)
		run_print_stats(gp.exit_record);
out:
	guest_devices_stop(&rs.devices);
	run_disks_free(rs.disk_records, o->ndisks);
	run_disks_free(rs.volume_records, o->nvolumes);
	return status;
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
