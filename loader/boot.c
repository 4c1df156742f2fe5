// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "boot.h"
#include "cpu_pin.h"
#include "sandbox.h"
#include "sandbox_watch.h"
#include "diag.h"
#include "exit_status.h"
#include "guest.h"
#include "hostmem.h"
#include "options.h"
#include "supervisor.h"
#include "teardown_child.h"
#include "usage.h"
#include "vdso.h"
#include "physmem.h"
#include "virtio/devices.h"

/* A zeroed page shared with the child (and so with the LibOS). */
static void *shared_page(void)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static void close_inputs(struct guest_params *gp)
{
	image_close(gp->image);
	if (gp->initrd)
		initrd_close(gp->initrd);
	if (gp->phys_fd >= 0)
		close(gp->phys_fd);
	gp->phys_fd = -1;
}

/* After the container: the back ends, then the sandbox's leftovers. */
static void end_container(struct guest_params *gp, struct sandbox *sb)
{
	if (gp->devices)
		guest_devices_stop(gp->devices);
	sandbox_cleanup(sb);
}

/*
 * The same once the status is known: guest memory stays mapped, for a
 * child that outlives the supervisor to free its pages (2-4 ms) after our
 * parent has the status.  Started last, it inherits the fewest descriptors.
 */
static void end_container_last(struct guest_params *gp, struct sandbox *sb)
{
	struct guest_ram ram = { 0 };

	if (gp->devices) {
		ram = gp->devices->ram;
		guest_devices_stop_leave_memory(gp->devices);
	}
	sandbox_cleanup(sb);
	if (ram.base && !teardown_child_start())
		munmap(ram.base, ram.size);
}

/* The child could not be released: end it, and say the start failed. */
static int abandon_child(pid_t child, struct guest_params *gp, struct sandbox *sb, int status)
{
	kill(child, SIGKILL);
	while (waitpid(child, NULL, 0) < 0 && errno == EINTR)
		;
	end_container(gp, sb);
	return status;
}

/* Decide the status: the watch's verdict first, then the exit record. */
static int decide(struct guest_params *gp, const struct boot_exit_policy *policy,
		  const struct sandbox *sb, int wstatus)
{
	char msg[XLIBOS_EXIT_MSG_MAX + 128];
	uint64_t refused = cgroup_pids_refused(&sb->cgroup);
	int status = sandbox_watch_verdict(msg, sizeof(msg));

	if (status < 0)		/* killed after --stop-timeout: 137 */
		status = supervisor_verdict(msg, sizeof(msg));
	if (status < 0)
		status = policy->decide(gp->exit_record, wstatus,
					(enum handoff_stage)gp->handoff->stage, msg, sizeof(msg));
	if (msg[0])
		diag_error("%s", msg);
	if (refused)
		diag_error("note: the container reached its limit of %" PRIu64
			   " host tasks (%" PRIu64 " forks refused)", sb->pids_limit, refused);
	return status;
}

int boot_guest(struct guest_params *gp, const struct boot_exit_policy *policy)
{
	struct sandbox sb;
	sigset_t saved_mask;
	int wstatus, status, listener;
	pid_t child;

	gp->phys_fd = -1;
	gp->exit_record = shared_page();
	gp->handoff = shared_page();
	if (!gp->exit_record || !gp->handoff) {
		diag_error("cannot allocate the exit record: %s", strerror(errno));
		close_inputs(gp);
		return policy->start_error;
	}
	if (!sandbox_prepare(&sb, gp->image, gp->phys_size, gp->pids_limit, &gp->cpu_limits,
			     gp->cgroup_path)) {
		close_inputs(gp);
		return policy->start_error;
	}
	gp->sandbox = &sb;
	/* Guest memory is the supervisor's, so its device back ends see it. */
	if (!physmem_create(gp->phys_size, &gp->phys_fd)) {
		close_inputs(gp);
		end_container(gp, &sb);
		return policy->start_error;
	}

	/* An inherited SIG_IGN for SIGCHLD would auto-reap the child. */
	signal(SIGCHLD, SIG_DFL);
	supervisor_block_signals(&saved_mask);
	fflush(NULL);	/* or buffered output would be written twice */

	gp->supervisor = getpid();
	gp->signal_mask = &saved_mask;
	/* One CPU for the vCPU and the device back ends (cpu_pin.h). */
	if (gp->cpu == CPU_PIN_START)
		gp->cpu = sched_getcpu() >= 0 ? sched_getcpu() : CPU_PIN_ANY;
	child = sandbox_clone(&sb);
	if (child < 0) {
		close_inputs(gp);
		end_container(gp, &sb);
		return policy->start_error;
	}
	if (child == 0)
		guest_run(gp);

	/*
	 * The back ends start now: threads before the clone would leave the
	 * child their locks, and their mapping of guest memory.  The child
	 * waits for its release before it touches guest memory.
	 */
	if (gp->devices && !guest_devices_start(gp->devices, gp->phys_fd, gp->phys_size, gp->cpu)) {
		close_inputs(gp);
		return abandon_child(child, gp, &sb, policy->start_error);
	}
	/* The supervisor needs neither the image nor the initrd. */
	close_inputs(gp);
	if (!sandbox_release(&sb, child))
		return abandon_child(child, gp, &sb, policy->start_error);
	/* -1: the child failed before its filters and said why */
	listener = sandbox_receive_listener(&sb);
	if (!sandbox_watch_start(listener, child, &sb.cgroup)) {
		diag_error("cannot watch the container: %s", strerror(errno));
		return abandon_child(child, gp, &sb, policy->start_error);
	}

	if (!supervisor_wait(child, &saved_mask, &wstatus)) {
		sandbox_watch_stop();
		end_container(gp, &sb);
		return policy->wait_error;
	}
	sandbox_watch_stop();
	status = decide(gp, policy, &sb, wstatus);
	end_container_last(gp, &sb);
	return status;
}

static const struct boot_exit_policy boot_policy = {
	.decide = exit_status_decide,
	.start_error = LOADER_EXIT_USAGE,
	.wait_error = LOADER_EXIT_FAILURE,
};

int boot_command(int argc, char **argv)
{
	struct boot_options opts;
	char default_image[PATH_MAX];
	struct image image;
	struct initrd initrd;
	struct guest_params gp = { 0 };

	switch (options_parse_boot(argc, argv, hostmem_total(), &opts)) {
	case OPTIONS_HELP:
		usage_print(stdout);
		return LOADER_EXIT_OK;
	case OPTIONS_ERROR:
		return LOADER_EXIT_USAGE;
	case OPTIONS_OK:
		break;
	}
	if (!opts.image_path) {
		if (!options_default_image(default_image, sizeof(default_image)))
			return LOADER_EXIT_USAGE;
		opts.image_path = default_image;
	}

	/* Everything that can be checked is checked before forking. */
	if (!image_open(opts.image_path, opts.mem_size, opts.mem_arg, &image))
		return LOADER_EXIT_USAGE;
	if (opts.initrd_path &&
	    !initrd_open(opts.initrd_path, opts.mem_size, opts.mem_arg, image.end_phys, &initrd)) {
		image_close(&image);
		return LOADER_EXIT_USAGE;
	}

	gp.phys_size = opts.mem_size;
	gp.cmdline = opts.cmdline;
	gp.image = &image;
	gp.initrd = opts.initrd_path ? &initrd : NULL;
	gp.vdso_clock_gettime = vdso_clock_gettime();
	gp.cpu = CPU_PIN_START;
	return boot_guest(&gp, &boot_policy);
}
