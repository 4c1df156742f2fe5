// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <sys/random.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "cpu_pin.h"
#include "diag.h"
#include "guest.h"
#include "physmem.h"
#include "sandbox.h"
#include "supervisor.h"

typedef void (*xlibos_entry_fn)(struct xlibos_boot_info *);

/* Static, not on the stack: the kernel may reuse this stack freely. */
static struct xlibos_boot_info boot_info;


static bool fill_boot_info(const struct guest_params *p, int phys_fd)
{
	struct xlibos_boot_info *bi = &boot_info;

	memset(bi, 0, sizeof(*bi));
	bi->magic = XLIBOS_BOOT_MAGIC;
	bi->version = XLIBOS_BOOT_VERSION;
	bi->phys_fd = phys_fd;
	bi->phys_size = p->phys_size;
	if (p->initrd) {
		bi->initrd_phys = p->initrd->phys;
		bi->initrd_size = p->initrd->size;
	}
	bi->vdso_clock_gettime = p->vdso_clock_gettime;
	bi->exit_record = (uint64_t)(uintptr_t)p->exit_record;
	bi->console_fd = STDERR_FILENO;
	/*
	 * The guest credits it as entropy: without it its first getrandom()
	 * waits about a second for jitter entropy.  Never a made-up seed.
	 */
	if (getrandom(bi->rng_seed, sizeof(bi->rng_seed), 0) != (ssize_t)sizeof(bi->rng_seed)) {
		diag_error("cannot seed the guest's random pool: getrandom: %s", strerror(errno));
		return false;
	}
	/* Length was checked while parsing options. */
	snprintf(bi->cmdline, sizeof(bi->cmdline), "%s", p->cmdline);
	return true;
}

noreturn void guest_run(const struct guest_params *p)
{
	xlibos_entry_fn entry = (xlibos_entry_fn)(uintptr_t)p->image->entry;
	int phys_fd = p->phys_fd;

	supervisor_child_restore(p->signal_mask);
	if (!sandbox_child_start(p->sandbox))
		_exit(LOADER_EXIT_FAILURE);
	cpu_pin_apply(p->cpu);

	if (!physmem_map(phys_fd, p->phys_size) || !physmem_load_image(p->image, phys_fd))
		_exit(LOADER_EXIT_USAGE);
	image_close(p->image);	/* no loader fds should leak into the guest */
	if (p->initrd && !initrd_load(p->initrd))
		_exit(LOADER_EXIT_USAGE);
	if (!fill_boot_info(p, phys_fd))
		_exit(LOADER_EXIT_FAILURE);

	/* The kernel writes to fd 2 directly; get our buffered output out first. */
	fflush(NULL);
	/* From here on only LibOS code may make host calls. */
	if (!sandbox_child_seal(p->sandbox, phys_fd))
		_exit(LOADER_EXIT_FAILURE);
	p->handoff->stage = HANDOFF_IN_KERNEL;
	entry(&boot_info);

	/* Its trap filter makes even _exit a SIGSYS; the supervisor reports. */
	p->handoff->stage = HANDOFF_RETURNED;
	_exit(LOADER_EXIT_FAILURE);
}
