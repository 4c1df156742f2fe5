/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The child side of "boot": become the LibOS process, load the image
 * into guest memory and jump to the kernel.
 */
#ifndef XLIBOS_LOADER_GUEST_H
#define XLIBOS_LOADER_GUEST_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdnoreturn.h>
#include <sys/types.h>

#include <asm/xlibos_boot.h>

#include "cgroup.h"
#include "handoff.h"
#include "image.h"
#include "initrd.h"

struct sandbox;

struct guest_params {
	pid_t supervisor;		/* must stay our parent */
	struct sandbox *sandbox;	/* set up by boot_guest() */
	uint64_t pids_limit;		/* host tasks; 0: the default */
	struct cgroup_cpu cpu_limits;	/* --cpus, --cpu-shares; 0s: none */
	const char *cgroup_path;	/* --cgroup-path: the container's cgroup, or NULL */
	const sigset_t *signal_mask;	/* mask to restore before booting */
	uint64_t phys_size;
	int phys_fd;			/* guest memory, made by boot_guest() */
	struct guest_devices *devices;	/* served by the supervisor, or NULL */
	const char *cmdline;
	struct image *image;
	struct initrd *initrd;		/* NULL if none */
	uint64_t vdso_clock_gettime;
	int cpu;			/* cpu_pin.h: CPU_PIN_START, _ANY or a CPU */
	struct xlibos_exit_record *exit_record;
	struct handoff *handoff;
};

/* Never returns: the kernel ends the process with exit_group(). */
noreturn void guest_run(const struct guest_params *p);

#endif
