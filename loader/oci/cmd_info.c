// SPDX-License-Identifier: GPL-2.0
/* features (what this runtime honours) and spec (a starting config.json). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "log.h"

static const char features_json[] =
"{\n"
"  \"ociVersionMin\": \"1.0.0\",\n"
"  \"ociVersionMax\": \"1.2.0\",\n"
"  \"hooks\": [\"prestart\", \"createRuntime\", \"poststart\", \"poststop\"],\n"
"  \"mountOptions\": [\"ro\", \"rw\", \"nosuid\", \"suid\", \"nodev\", \"dev\", \"noexec\", \"exec\",\n"
"    \"noatime\", \"atime\", \"nodiratime\", \"diratime\", \"relatime\", \"norelatime\",\n"
"    \"strictatime\", \"nostrictatime\", \"sync\", \"async\", \"dirsync\", \"mand\", \"nomand\",\n"
"    \"bind\", \"rbind\", \"private\", \"rprivate\", \"slave\", \"rslave\", \"shared\", \"rshared\",\n"
"    \"unbindable\", \"runbindable\", \"tmpcopyup\", \"notmpcopyup\", \"defaults\", \"z\", \"Z\"],\n"
"  \"linux\": {\n"
"    \"namespaces\": [\"pid\", \"network\", \"ipc\", \"uts\", \"mount\", \"cgroup\"],\n"
"    \"capabilities\": [\"CAP_CHOWN\", \"CAP_DAC_OVERRIDE\", \"CAP_DAC_READ_SEARCH\", \"CAP_FOWNER\",\n"
"      \"CAP_FSETID\", \"CAP_KILL\", \"CAP_SETGID\", \"CAP_SETUID\", \"CAP_SETPCAP\", \"CAP_LINUX_IMMUTABLE\",\n"
"      \"CAP_NET_BIND_SERVICE\", \"CAP_NET_BROADCAST\", \"CAP_NET_ADMIN\", \"CAP_NET_RAW\", \"CAP_IPC_LOCK\",\n"
"      \"CAP_IPC_OWNER\", \"CAP_SYS_MODULE\", \"CAP_SYS_RAWIO\", \"CAP_SYS_CHROOT\", \"CAP_SYS_PTRACE\",\n"
"      \"CAP_SYS_PACCT\", \"CAP_SYS_ADMIN\", \"CAP_SYS_BOOT\", \"CAP_SYS_NICE\", \"CAP_SYS_RESOURCE\",\n"
"      \"CAP_SYS_TIME\", \"CAP_SYS_TTY_CONFIG\", \"CAP_MKNOD\", \"CAP_LEASE\", \"CAP_AUDIT_WRITE\",\n"
"      \"CAP_AUDIT_CONTROL\", \"CAP_SETFCAP\", \"CAP_MAC_OVERRIDE\", \"CAP_MAC_ADMIN\", \"CAP_SYSLOG\",\n"
"      \"CAP_WAKE_ALARM\", \"CAP_BLOCK_SUSPEND\", \"CAP_AUDIT_READ\", \"CAP_PERFMON\", \"CAP_BPF\",\n"
"      \"CAP_CHECKPOINT_RESTORE\"],\n"
"    \"cgroup\": { \"v1\": false, \"v2\": false, \"systemd\": false, \"systemdUser\": false },\n"
"    \"seccomp\": {\n"
"      \"enabled\": true,\n"
"      \"actions\": [\"SCMP_ACT_KILL\", \"SCMP_ACT_KILL_THREAD\", \"SCMP_ACT_KILL_PROCESS\", \"SCMP_ACT_TRAP\",\n"
"        \"SCMP_ACT_ERRNO\", \"SCMP_ACT_TRACE\", \"SCMP_ACT_ALLOW\", \"SCMP_ACT_LOG\"],\n"
"      \"operators\": [\"SCMP_CMP_NE\", \"SCMP_CMP_LT\", \"SCMP_CMP_LE\", \"SCMP_CMP_EQ\", \"SCMP_CMP_GE\",\n"
"        \"SCMP_CMP_GT\", \"SCMP_CMP_MASKED_EQ\"],\n"
"      \"archs\": [\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_X86\", \"SCMP_ARCH_X32\"],\n"
"      \"knownFlags\": [\"SECCOMP_FILTER_FLAG_TSYNC\", \"SECCOMP_FILTER_FLAG_LOG\", \"SECCOMP_FILTER_FLAG_SPEC_ALLOW\"],\n"
"      \"supportedFlags\": []\n"
"    },\n"
"    \"apparmor\": { \"enabled\": false },\n"
"    \"selinux\": { \"enabled\": false },\n"
"    \"intelRdt\": { \"enabled\": false },\n"
"    \"mountExtensions\": { \"idmap\": { \"enabled\": false } }\n"
"  },\n"
"  \"annotations\": {\n"
"    \"io.xlibos.mem\": \"guest memory (e.g. 256M); else linux.resources.memory.limit, else 128M\",\n"
"    \"io.xlibos.abcom\": \"system call rewriting: off, online or full (default full)\",\n"
"    \"io.xlibos.net\": \"none: the guest gets only lo and leaves the network namespace's interface alone, as a pod's sandbox container does (CRI's and CRI-O's container-type sandbox and podman's catatonit infra are recognised without it)\",\n"
"    \"io.xlibos.runtime.boundary\": \"each container runs its own Linux kernel (a library OS) in host processes confined by xlibos's own seccomp allow-list, namespaces and cgroups; process.user, capabilities, rlimits, noNewPrivileges and linux.seccomp are applied by that guest kernel to the container's processes\",\n"
"    \"io.xlibos.runtime.notApplied\": \"accepted and type-checked but not applied inside the guest yet: process.apparmorProfile, process.selinuxLabel, linux.resources.devices (the guest has only its own kernel's devices)\",\n"
"    \"io.xlibos.runtime.hooks\": \"prestart and createRuntime run in create with the supervisor's pid, held in the container's network namespace (a new one unless linux.namespaces names one) until they end; the guest then takes over the interface they put there (Docker's libnetwork-setkey)\",\n"
"    \"io.xlibos.runtime.exec\": \"exec, kill with any signal (--all too) and terminal resizes reach the guest through a guest agent (xlibos-init) over virtio-vsock; ps lists the container's host processes\",\n"
"    \"io.xlibos.runtime.rootfs\": \"a writable root's changes are written back into root.path when the container ends (kill KILL included: through the guest, the supervisor ended 10 s later at most) and at pause; device nodes and extended attributes are not, and are named on stderr\",\n"
"    \"io.xlibos.runtime.pause\": \"pause stops every host process of the container (SIGSTOP) after a write-back of its root; resume continues them\",\n"
"    \"io.xlibos.runtime.cgroups\": \"the supervisor and every host process of the container are in linux.cgroupsPath (v1: pids, memory, cpu, cpuacct, blkio; the systemd form SLICE:PREFIX:NAME laid out as runc's systemd driver, without registering a unit), from start; update changes CPU quota, period, shares, cpus and the pids limit there; guest memory cannot change while it runs\",\n"
"    \"io.xlibos.runtime.notSupported\": \"checkpoint, restore, events, createContainer and startContainer hooks (they run in the container's namespaces: the guest kernel's), user namespaces, joining existing namespaces other than network (a pod's ipc and uts joins are accepted, the guest keeping its own), more than one application container per network namespace, block I/O limits, host devices\"\n"
"  }\n"
"}\n";

int cmd_features(const struct oci_globals *g, int argc, char **argv)
{
	int npos;

	(void)g;
	if (!oci_parse("features", argc, argv, NULL, 0, NULL, &npos, 0))
		return OCI_EXIT_FAILURE;
	fputs(features_json, stdout);
	return 0;
}

/* Like runc spec's, but without a terminal (not supported yet). */
static const char spec_json[] =
"{\n"
"  \"ociVersion\": \"1.0.2\",\n"
"  \"process\": {\n"
"    \"terminal\": false,\n"
"    \"user\": { \"uid\": 0, \"gid\": 0 },\n"
"    \"args\": [\"sh\"],\n"
"    \"env\": [\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\", \"TERM=xterm\"],\n"
"    \"cwd\": \"/\",\n"
"    \"rlimits\": [{ \"type\": \"RLIMIT_NOFILE\", \"hard\": 1024, \"soft\": 1024 }],\n"
"    \"noNewPrivileges\": true\n"
"  },\n"
"  \"root\": { \"path\": \"rootfs\", \"readonly\": true },\n"
"  \"hostname\": \"xlibos\",\n"
"  \"mounts\": [\n"
"    { \"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\" },\n"
"    { \"destination\": \"/dev\", \"type\": \"tmpfs\", \"source\": \"tmpfs\",\n"
"      \"options\": [\"nosuid\", \"strictatime\", \"mode=755\", \"size=65536k\"] },\n"
"    { \"destination\": \"/dev/pts\", \"type\": \"devpts\", \"source\": \"devpts\",\n"
"      \"options\": [\"nosuid\", \"noexec\", \"newinstance\", \"ptmxmode=0666\", \"mode=0620\", \"gid=5\"] },\n"
"    { \"destination\": \"/dev/mqueue\", \"type\": \"mqueue\", \"source\": \"mqueue\",\n"
"      \"options\": [\"nosuid\", \"noexec\", \"nodev\"] },\n"
"    { \"destination\": \"/sys\", \"type\": \"sysfs\", \"source\": \"sysfs\",\n"
"      \"options\": [\"nosuid\", \"noexec\", \"nodev\", \"ro\"] },\n"
"    { \"destination\": \"/sys/fs/cgroup\", \"type\": \"cgroup\", \"source\": \"cgroup\",\n"
"      \"options\": [\"nosuid\", \"noexec\", \"nodev\", \"relatime\", \"ro\"] }\n"
"  ],\n"
"  \"linux\": {\n"
"    \"namespaces\": [{ \"type\": \"pid\" }, { \"type\": \"network\" }, { \"type\": \"ipc\" },\n"
"                   { \"type\": \"uts\" }, { \"type\": \"mount\" }]\n"
"  }\n"
"}\n";

int cmd_spec(const struct oci_globals *g, int argc, char **argv)
{
	const char *bundle = ".", *rootless = NULL;
	const struct oci_opt opts[] = {
		{ "--bundle", "-b", true, &bundle, NULL },
		{ "--rootless", NULL, false, &rootless, NULL },
	};
	char path[4096];
	int npos, fd;
	size_t len = strlen(spec_json);

	(void)g;
	if (!oci_parse("spec", argc, argv, opts, 2, NULL, &npos, 0))
		return OCI_EXIT_FAILURE;
	snprintf(path, sizeof(path), "%s/config.json", bundle);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0) {
		oci_error(errno == EEXIST ? "spec: %s exists already: remove it first"
					  : "spec: %s: %s", path, strerror(errno));
		return OCI_EXIT_FAILURE;
	}
	if (write(fd, spec_json, len) != (ssize_t)len) {
		oci_error("spec: cannot write %s: %s", path, strerror(errno));
		close(fd);
		return OCI_EXIT_FAILURE;
	}
	close(fd);
	return 0;
}
