// SPDX-License-Identifier: GPL-2.0
/*
 * The first host process's side of the sandbox, before the LibOS runs.
 * Every step that fails ends the process with a message: a container
 * never starts half-sandboxed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/close_range.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "diag.h"
#include "sandbox.h"
#include "sandbox_filter.h"

/* RLIMIT_NPROC above the pids cgroup's limit, which should refuse first */
#define NPROC_OVER_CGROUP 8

#define fail(what) (diag_error("sandbox: %s: %s", (what), strerror(errno)), false)

static bool set_limit(int resource, rlim_t value, const char *what)
{
	struct rlimit rl = { value, value };

	return setrlimit(resource, &rl) == 0 || fail(what);
}

bool sandbox_child_start(struct sandbox *sb)
{
	char go;
	ssize_t n;

	do
		n = recv(sb->sync[1], &go, 1, 0);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		return false;	/* the supervisor gave up and said why */
	/* A crash would otherwise drop a core the size of guest memory. */
	if (!set_limit(RLIMIT_CORE, 0, "no core dumps"))
		return false;
	/*
	 * Root of the user namespace, which is sb->host_uid on the host: up
	 * to here this process still had the caller's host ids (root's, run
	 * as root), and its supplementary groups.
	 */
	if (setgroups(0, NULL) != 0 && errno != EPERM)
		return fail("setgroups");
	if (setresgid(0, 0, 0) != 0)
		return fail("setresgid");
	if (setresuid(0, 0, 0) != 0)
		return fail("setresuid");
	/* Single-threaded still: into the cgroup (v1), which becomes our root. */
	if (!cgroup_join_self(&sb->cgroup))
		return fail("joining the container's cgroup");
	if (unshare(CLONE_NEWCGROUP) != 0)
		return fail("cgroup namespace");
	/*
	 * The LibOS must never outlive its supervisor (set only now: a change
	 * of ids clears it), which may have died already: then its end of
	 * the socket reads as closed.
	 */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0)
		return fail("parent-death signal");
	if (recv(sb->sync[1], &go, 1, MSG_DONTWAIT | MSG_PEEK) == 0)
		return false;
	return true;
}

/* A new root holding nothing: no host path stays reachable. */
static bool enter_empty_root(void)
{
	static const char *const bases[] = { "/tmp", "/mnt", "/dev", "/proc" };
	const unsigned long nothing = MS_NOSUID | MS_NODEV | MS_NOEXEC;
	const char *base = NULL;

	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
		return fail("private mounts");
	for (size_t i = 0; !base && i < sizeof(bases) / sizeof(bases[0]); i++)
		if (mount("xlibos", bases[i], "tmpfs", nothing, "size=4k,nr_inodes=1,mode=0") == 0)
			base = bases[i];
	if (!base)
		return fail("empty root");
	/* pivot_root(".", "."): the old root ends up on top, then goes. */
	if (chdir(base) != 0 || syscall(SYS_pivot_root, ".", ".") != 0)
		return fail("pivot_root");
	if (umount2(".", MNT_DETACH) != 0 || chdir("/") != 0)
		return fail("detach the host root");
	if (mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | nothing, NULL) != 0)
		return fail("read-only root");
	return true;
}

/* Close every descriptor but stdio, guest memory and the sync socket. */
static bool close_others(int phys_fd, int sync_fd)
{
	int lo = phys_fd < sync_fd ? phys_fd : sync_fd;
	int hi = phys_fd < sync_fd ? sync_fd : phys_fd;

	if (lo < 3)
		return errno = EBADF, fail("descriptors 0-2 must be open");
	if ((lo > 3 && syscall(SYS_close_range, 3, lo - 1, 0) != 0) ||
	    (hi > lo + 1 && syscall(SYS_close_range, lo + 1, hi - 1, 0) != 0) ||
	    syscall(SYS_close_range, hi + 1, ~0U, 0) != 0)
		return fail("close_range");
	return true;
}

/* No capability left, not even in our own user namespace. */
static bool drop_capabilities(void)
{
	cap_t none;
	bool ok;

	for (cap_value_t c = 0; c < (cap_value_t)cap_max_bits(); c++)
		if (cap_drop_bound(c) != 0 && errno != EINVAL)
			return fail("capability bounding set");
	if (cap_reset_ambient() != 0)
		return fail("ambient capabilities");
	none = cap_init();
	ok = none && cap_set_proc(none) == 0;
	cap_free(none);
	return ok || fail("capabilities");
}

static bool install_filter(const struct sandbox_filter *f, unsigned int flags, int *listener)
{
	struct sock_fprog prog = { .len = f->len, .filter = (struct sock_filter *)f->insns };
	long ret = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);

	if (ret < 0)
		return fail("seccomp filter");
	if (listener)
		*listener = (int)ret;
	return true;
}

static bool send_listener(int sock, int fd)
{
	char byte = 'l', cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(fd));
	return sendmsg(sock, &msg, MSG_NOSIGNAL) == 1 || fail("hand over the filter");
}

bool sandbox_child_seal(struct sandbox *sb, int phys_fd)
{
	struct sandbox_filter policy, trap;
	int listener;

	if (!sandbox_filter_policy(sb->image, phys_fd, &policy) ||
	    !sandbox_filter_trap(sb->image, &trap))
		return false;
	if (!enter_empty_root() || !close_others(phys_fd, sb->sync[1]))
		return false;
	/*
	 * Host tasks of this user namespace (threads count): the only limit
	 * rootless; with a pids cgroup a little above its limit, so that the
	 * cgroup refuses first and counts it for the supervisor's note.
	 */
	if (!set_limit(RLIMIT_NPROC, sb->pids_limit +
		       (sb->cgroup.kind == CGROUP_NONE ? 0 : NPROC_OVER_CGROUP), "task limit"))
		return false;
	if (!drop_capabilities())
		return false;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return fail("no_new_privs");
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
		return fail("not dumpable");
	/*
	 * The policy filter lets every call from outside the hypercall
	 * section through, so this code can still hand its listener over;
	 * the trap filter then closes that door.
	 */
	if (!install_filter(&policy, SECCOMP_FILTER_FLAG_NEW_LISTENER, &listener) ||
	    !send_listener(sb->sync[1], listener))
		return false;
	close(listener);
	close(sb->sync[1]);
	sb->sync[1] = -1;
	/* phys_fd is the highest descriptor that stays */
	if (!set_limit(RLIMIT_NOFILE, (rlim_t)phys_fd + 1, "descriptor limit"))
		return false;
	return install_filter(&trap, 0, NULL);
}
