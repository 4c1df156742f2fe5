/* SPDX-License-Identifier: GPL-2.0 */
/* Command line of "xlibos run". */
#ifndef XLIBOS_LOADER_RUN_OPTIONS_H
#define XLIBOS_LOADER_RUN_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cgroup.h"
#include "guest-init/config_format.h"
#include "net/net_spec.h"
#include "net/publish.h"
#include "options.h"

/* Start of the kernel command line of every run; --cmdline is appended. */
/* loglevel=0: only a panic reaches stderr, which is the program's own. */
#define RUN_CMDLINE_PREFIX "rdinit=/" XLIBOS_GUEST_INIT " loglevel=0"

/*
 * Bounds of --pids-limit: an idle container has about 22 host tasks
 * (kernel threads included); the host's PID_MAX_LIMIT.
 */
#define RUN_MIN_PIDS_LIMIT	32
#define RUN_MAX_PIDS_LIMIT	4194304
/* --net when none is given: user (see usage.c). */
#define RUN_DEFAULT_NET_USER	true
/* --hostname: a host name as sethostname() takes it (HOST_NAME_MAX). */
#define RUN_MAX_HOSTNAME	64
/* --stop-timeout: at most a year. */
#define RUN_MAX_STOP_TIMEOUT	(365U * 24 * 3600)

struct run_options {
	uint64_t mem_size;	/* bytes, page aligned, validated */
	const char *mem_arg;	/* --mem as typed, for messages */
	const char *extra_cmdline; /* --cmdline, or NULL */
	const char *image_path;	/* --image, else $XLIBOS_IMAGE, else NULL */
	const char *rootfs_path; /* --rootfs, else NULL (beside the image) */
	const char *workdir;	/* --workdir (absolute), else NULL */
	const char *abcom;	/* --abcom off|online|full, else NULL */
	bool stats;		/* --stats: print abcom's counters at exit */
	int cpu;		/* --cpu, parsed (cpu_pin.h) */
	unsigned int stop_timeout; /* --stop-timeout: seconds from SIGTERM to SIGKILL */
	unsigned int pids_limit; /* --pids-limit: host tasks; 0: SANDBOX_DEFAULT_PIDS_LIMIT */
	struct cgroup_cpu cpu_limits; /* --cpus, --cpu-shares (cpu_limits.h) */
	const char **env;	/* --env values, in order (malloc'd array) */
	size_t nenv;
	const char **disks;	/* --disk values, in order (malloc'd array) */
	size_t ndisks;
	const char **volumes;	/* --volume values, in order (malloc'd array) */
	size_t nvolumes;
	bool pack;		/* --pack: the rootfs in an initramfs, not a disk image */
	bool rootfs_writeback;	/* --rootfs-writeback: the root's changes go back to --rootfs */
	struct net_spec net;	/* --net, parsed */
	const char *hostname;	/* --hostname, else NULL */
	struct net_publish *publish; /* -p/--publish values, parsed, in order (malloc'd) */
	size_t npublish;
	/* Hidden, for xlibos-runtime (loader/oci/): see run.c. */
	const char *start_fifo;	/* --start-fifo: boot only once a reader opens it */
	int ready_fd;		/* --ready-fd: told "held at the FIFO"; -1 if none */
	const char *guest_records; /* --guest-records: a file of extra init records */
	const char *control_socket; /* --control-socket: the vsock control channel's socket */
	const char *cgroup_path; /* --cgroup-path: the container's cgroup (config.json's) */
	char **cmd;		/* after "--"; cmd[0] exists */
	size_t ncmd;
};

/*
 * Parse the arguments after "run" (argv[0] is "run").  host_mem bounds
 * --mem as for boot.  On OPTIONS_OK free opts->env with run_options_free().
 */
enum options_result options_parse_run(int argc, char **argv, uint64_t host_mem,
				      struct run_options *opts);

void run_options_free(struct run_options *opts);

/*
 * RUN_CMDLINE_PREFIX, then " xlibos.abcom=MODE" if abcom is non-NULL, then
 * " extra" if extra is non-empty.  False if too long.
 */
bool run_kernel_cmdline(const char *abcom, const char *extra, char *buf, size_t len);

/* Default rootfs: the directory "rootfs" beside the image. */
bool run_default_rootfs(const char *image_path, char *buf, size_t len);

/* xlibos-init beside the executable exe_path (testable). */
bool run_init_beside(const char *exe_path, char *buf, size_t len);

/*
 * The guest init binary: $XLIBOS_INIT, else xlibos-init beside this
 * program.  Prints a message and returns false if neither can be named.
 */
bool run_locate_init(char *buf, size_t len);

#endif
