// SPDX-License-Identifier: GPL-2.0
/*
 * The supervisor's side of the sandbox: namespaces, id maps, cgroup,
 * release, and receiving the policy filter's notification descriptor.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "diag.h"
#include "sandbox.h"
#include "text_file.h"

/* Guest memory plus what its host processes need besides (page tables,
 * host task structures, the loader's own start-up). */
#define MEM_OVERHEAD_MIN (UINT64_C(256) << 20)

bool sandbox_prepare(struct sandbox *sb, const struct image *img, uint64_t phys_size,
		     uint64_t pids_limit, const struct cgroup_cpu *cpu, const char *cgroup_path)
{
	char name[48];

	*sb = (struct sandbox){ .sync = { -1, -1 }, .image = img };
	sb->pids_limit = pids_limit ? pids_limit : SANDBOX_DEFAULT_PIDS_LIMIT;
	sb->mem_limit = phys_size + (phys_size / 4 > MEM_OVERHEAD_MIN ? phys_size / 4
								: MEM_OVERHEAD_MIN);
	if (geteuid() == 0) {
		sb->host_uid = SANDBOX_ROOT_HOST_ID;
		sb->host_gid = SANDBOX_ROOT_HOST_ID;
	} else {
		sb->host_uid = geteuid();
		sb->host_gid = getegid();
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sb->sync) != 0) {
		diag_error("cannot create the sandbox's socket pair: %s", strerror(errno));
		return false;
	}
	snprintf(name, sizeof(name), "%llu-%d", cgroup_pidns_inode(), (int)getpid());
	if (cpu)
		sb->cpu = *cpu;
	if (!cgroup_create(&sb->cgroup, cgroup_path, name, sb->pids_limit, sb->mem_limit,
			   &sb->cpu)) {
		sandbox_cleanup(sb);
		return false;
	}
	return true;
}

pid_t sandbox_clone(struct sandbox *sb)
{
	/* The cgroup namespace comes later, once the child is in its cgroup. */
	const unsigned long flags = CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS |
				    CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS | SIGCHLD;
	/* fork()'s shape: same stack, 0 in the child. */
	pid_t pid = (pid_t)syscall(SYS_clone, flags, NULL, NULL, NULL, 0);

	if (pid < 0) {
		diag_error("cannot create the container's namespaces: clone: %s%s",
			   strerror(errno),
			   errno == EPERM || errno == ENOSPC ?
			   " (are user namespaces allowed? see user.max_user_namespaces"
			   " and kernel.unprivileged_userns_clone)" : "");
		return -1;
	}
	if (pid == 0) {
		close(sb->sync[0]);
		sb->sync[0] = -1;
	} else {
		cgroup_close_self_join(&sb->cgroup);	/* the child has them */
	}
	return pid;
}

/* The container's root is sb->host_uid/gid on the host, nothing else. */
static bool map_ids(const struct sandbox *sb, pid_t child)
{
	char map[64], proc[32];

	snprintf(proc, sizeof(proc), "/proc/%d", (int)child);
	snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)sb->host_uid);
	if (!text_file_write(proc, "uid_map", map))
		return false;
	/* Unprivileged, setgroups must go before a gid map can be written. */
	if (geteuid() != 0 && !text_file_write(proc, "setgroups", "deny\n"))
		return false;
	snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)sb->host_gid);
	return text_file_write(proc, "gid_map", map);
}

/* Does /proc show our own PID namespace (where the child's pid means it)? */
static bool proc_is_ours(void)
{
	char link[32];
	ssize_t n = readlink("/proc/self", link, sizeof(link) - 1);

	if (n <= 0)
		return false;
	link[n] = '\0';
	return atoi(link) == getpid();
}

bool sandbox_release(struct sandbox *sb, pid_t child)
{
	char go = 'g';

	close(sb->sync[1]);
	sb->sync[1] = -1;
	if (!map_ids(sb, child)) {
		diag_error("cannot map the container's user ids: %s%s", strerror(errno),
			   proc_is_ours() ? "" :
			   " (/proc is another PID namespace's: mount one for this one,"
			   " e.g. unshare --mount-proc)");
		return false;
	}
	if (!cgroup_join(&sb->cgroup, child))
		return false;
	if (send(sb->sync[0], &go, 1, MSG_NOSIGNAL) != 1) {
		diag_error("cannot release the LibOS process: %s", strerror(errno));
		return false;
	}
	return true;
}

int sandbox_receive_listener(struct sandbox *sb)
{
	char byte, cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c;
	ssize_t n;
	int fd;

	do
		n = recvmsg(sb->sync[0], &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	close(sb->sync[0]);
	sb->sync[0] = -1;
	if (n != 1)
		return -1;	/* the child failed and said why */
	c = CMSG_FIRSTHDR(&msg);
	if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
	    c->cmsg_len != CMSG_LEN(sizeof(int)))
		return -1;
	memcpy(&fd, CMSG_DATA(c), sizeof(fd));
	return fd;
}

void sandbox_cleanup(struct sandbox *sb)
{
	for (int i = 0; i < 2; i++) {
		if (sb->sync[i] >= 0)
			close(sb->sync[i]);
		sb->sync[i] = -1;
	}
	cgroup_destroy(&sb->cgroup);
}
