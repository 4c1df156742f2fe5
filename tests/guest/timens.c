// SPDX-License-Identifier: GPL-2.0
/*
 * Time namespaces (CONFIG_TIME_NS): unshare(CLONE_NEWTIME) leaves the
 * caller where it is and puts its future children in a new namespace whose
 * CLOCK_MONOTONIC (and _RAW, _COARSE) and CLOCK_BOOTTIME run 1000 s and
 * 2000 s ahead, as set in /proc/self/timens_offsets before any process is
 * in it (after that: EACCES).  A child sees the shift through the raw
 * system call and through the vDSO (__vdso_clock_gettime, called
 * directly), in /proc/uptime, and in absolute sleeps and timers
 * (clock_nanosleep and timerfd with an absolute time from the shifted
 * clock wake after about 50 ms, not 1000 s); CLOCK_REALTIME and
 * CLOCK_TAI are not shifted.  setns() to the initial namespace and to the
 * child's (/proc/CHILD/ns/time) switches the caller's clocks, vDSO
 * included, and its next child is born in the child's namespace.
 * Needs root (CAP_SYS_ADMIN, CAP_SYS_TIME); natively without it, or on a
 * kernel without time namespaces, the first line is "SKIP: WHY".
 * Prints only facts (ok/FAIL), never times.
 */
#include "guest_test.h"
#include "vdso_parse.h"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <sys/wait.h>

#define NSEC 1000000000LL
#define MONO_OFFSET 1000	/* seconds */
#define BOOT_OFFSET 2000
#define SLEEP_NS 50000000LL	/* the absolute sleeps and timers: now + 50 ms */
#define LATE_LIMIT_NS (2 * NSEC)

struct clock_case {
	clockid_t id;
	const char *name;
	long offset;		/* seconds ahead inside the namespace */
	int coarse;
};

static const struct clock_case clocks[] = {
	{ CLOCK_MONOTONIC, "CLOCK_MONOTONIC", MONO_OFFSET, 0 },
	{ CLOCK_MONOTONIC_RAW, "CLOCK_MONOTONIC_RAW", MONO_OFFSET, 0 },
	{ CLOCK_MONOTONIC_COARSE, "CLOCK_MONOTONIC_COARSE", MONO_OFFSET, 1 },
	{ CLOCK_BOOTTIME, "CLOCK_BOOTTIME", BOOT_OFFSET, 0 },
	{ CLOCK_REALTIME, "CLOCK_REALTIME", 0, 0 },
	{ CLOCK_REALTIME_COARSE, "CLOCK_REALTIME_COARSE", 0, 1 },
	{ CLOCK_TAI, "CLOCK_TAI", 0, 0 },
};
#define NCLOCKS (sizeof(clocks) / sizeof(clocks[0]))

/* Clock readings (syscall) and uptime of a process outside the namespace. */
struct baseline {
	int64_t ns[NCLOCKS];
	double uptime;
};

static struct vdso_fns vf;

static int64_t ts_ns(const struct timespec *ts)
{
	return (int64_t)ts->tv_sec * NSEC + ts->tv_nsec;
}

static int64_t sys_now(clockid_t id)
{
	struct timespec ts;

	if (syscall(SYS_clock_gettime, id, &ts) != 0)
		return -1;
	return ts_ns(&ts);
}

static int64_t resolution(clockid_t id)
{
	struct timespec ts;

	return syscall(SYS_clock_getres, id, &ts) == 0 ? ts_ns(&ts) : 0;
}

static double read_uptime(void)
{
	FILE *f = fopen("/proc/uptime", "r");
	double up = -1;

	if (f) {
		if (fscanf(f, "%lf", &up) != 1)
			up = -1;
		fclose(f);
	}
	return up;
}

static void take_baseline(struct baseline *b)
{
	b->uptime = read_uptime();
	for (size_t k = 0; k < NCLOCKS; k++)
		b->ns[k] = sys_now(clocks[k].id);
}

static int read_link(const char *path, char *buf, size_t len)
{
	ssize_t n = readlink(path, buf, len - 1);

	buf[n > 0 ? n : 0] = 0;
	return n > 0;
}

/*
 * The caller's clocks against B: each is B's reading plus the namespace
 * offset (SHIFTED) or plus nothing, give or take 1 s of elapsed time,
 * through the syscall and through the vDSO (which must also lie between
 * two syscall reads).
 */
static void check_clocks(const char *who, const struct baseline *b, int shifted)
{
	char name[160];

	for (size_t k = 0; k < NCLOCKS; k++) {
		const struct clock_case *c = &clocks[k];
		int64_t want = b->ns[k] + (shifted ? c->offset * NSEC : 0);
		int64_t slack = c->coarse ? resolution(c->id) : 0;
		const char *what = !c->offset ? "never shifted" : !shifted ? "not shifted" :
				   c->offset == MONO_OFFSET ? "+1000 s" : "+2000 s";
		struct timespec a, v = { 0, 0 }, z;
		int64_t s1, s2, d;
		int rv;

		s1 = syscall(SYS_clock_gettime, c->id, &a) == 0 ? ts_ns(&a) : -1;
		rv = vf.clock_gettime ? vf.clock_gettime(c->id, &v) : -ENOSYS;
		s2 = syscall(SYS_clock_gettime, c->id, &z) == 0 ? ts_ns(&z) : -1;
		d = s1 - want;
		snprintf(name, sizeof(name), "%s%s via syscall: %s", who, c->name, what);
		checkf(name, s1 >= 0 && d >= -slack && d <= NSEC, "%lld ns off", (long long)d);
		d = ts_ns(&v) - want;
		snprintf(name, sizeof(name), "%s%s via vDSO: %s, between two syscall reads",
			 who, c->name, what);
		checkf(name, rv == 0 && d >= -slack && d <= NSEC && ts_ns(&v) >= s1 - slack &&
		       ts_ns(&v) <= s2 + slack, "vDSO returned %d, %lld ns off, syscall %lld..%lld",
		       rv, (long long)d, (long long)(s1 - want), (long long)(s2 - want));
	}
}

/* /proc/self/timens_offsets: 0 and both offsets when it parses. */
static int read_offsets(long long *mono, long long *boot)
{
	FILE *f = fopen("/proc/self/timens_offsets", "r");
	char clock[16];
	long long sec;
	long nsec;
	int seen = 0;

	*mono = *boot = -1;
	if (!f)
		return -1;
	while (fscanf(f, "%15s %lld %ld", clock, &sec, &nsec) == 3) {
		if (nsec != 0)
			sec = -2;
		if (!strcmp(clock, "monotonic")) {
			*mono = sec;
			seen |= 1;
		} else if (!strcmp(clock, "boottime")) {
			*boot = sec;
			seen |= 2;
		}
	}
	fclose(f);
	return seen == 3 ? 0 : -1;
}

static void check_offsets_file(const char *who, long long want_mono, long long want_boot)
{
	long long mono, boot;
	int r = read_offsets(&mono, &boot);
	char name[160];

	snprintf(name, sizeof(name), "%s/proc/self/timens_offsets shows monotonic %lld, boottime %lld",
		 who, want_mono, want_boot);
	checkf(name, r == 0 && mono == want_mono && boot == want_boot, "read %d: %lld %lld",
	       r, mono, boot);
}

/* Writes TEXT to /proc/self/timens_offsets in one write: 0 or the errno. */
static int write_offsets(const char *text)
{
	int fd = open("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
	ssize_t n;
	int err;

	if (fd < 0)
		return errno;
	n = write(fd, text, strlen(text));
	err = n == (ssize_t)strlen(text) ? 0 : n < 0 ? errno : EIO;
	close(fd);
	return err;
}

static void on_alarm(int sig)
{
	(void)sig;
}

/* A SIGALRM in 2 s (no SA_RESTART) ends a sleep that would be 1000 s. */
static void guard(int on)
{
	struct itimerval it = { { 0, 0 }, { on ? 2 : 0, 0 } };
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
}

static void check_abs_sleep(const char *who, clockid_t id, const char *clock_name)
{
	struct timespec target;
	int64_t t = sys_now(id) + SLEEP_NS, late;
	long r;
	int err;
	char name[160];

	target.tv_sec = t / NSEC;
	target.tv_nsec = t % NSEC;
	guard(1);
	r = syscall(SYS_clock_nanosleep, id, TIMER_ABSTIME, &target, NULL);
	err = errno;
	guard(0);
	late = sys_now(id) - t;
	snprintf(name, sizeof(name), "%sclock_nanosleep(%s, TIMER_ABSTIME, shifted now + 50 ms) "
		 "wakes after it, within 2 s", who, clock_name);
	checkf(name, r == 0 && late >= 0 && late < LATE_LIMIT_NS, "%s, woke %lld ns after the target",
	       r ? gt_errname(err) : "0", (long long)late);
}

static void check_abs_timerfd(const char *who, clockid_t id, const char *clock_name)
{
	struct itimerspec its, cur;
	struct pollfd p;
	uint64_t expirations = 0;
	int64_t t, late, left;
	int fd = timerfd_create(id, TFD_CLOEXEC);
	int polled;
	char name[160];

	snprintf(name, sizeof(name), "%stimerfd_create(%s)", who, clock_name);
	if (!check(name, fd >= 0))
		return;
	memset(&its, 0, sizeof(its));
	t = sys_now(id) + SLEEP_NS;
	its.it_value.tv_sec = t / NSEC;
	its.it_value.tv_nsec = t % NSEC;
	snprintf(name, sizeof(name), "%stimerfd_settime(%s, TFD_TIMER_ABSTIME, shifted now + 50 ms)",
		 who, clock_name);
	check(name, timerfd_settime(fd, TFD_TIMER_ABSTIME, &its, NULL) == 0);
	left = timerfd_gettime(fd, &cur) == 0 ? ts_ns(&cur.it_value) : -1;
	snprintf(name, sizeof(name), "%stimerfd_gettime(%s): at most 50 ms left", who, clock_name);
	checkf(name, left > 0 && left <= SLEEP_NS, "%lld ns left", (long long)left);
	p.fd = fd;
	p.events = POLLIN;
	polled = poll(&p, 1, (int)(LATE_LIMIT_NS / 1000000));
	late = sys_now(id) - t;
	snprintf(name, sizeof(name), "%stimerfd(%s) expires once, after the target, within 2 s",
		 who, clock_name);
	checkf(name, polled == 1 && read(fd, &expirations, 8) == 8 && expirations == 1 &&
	       late >= 0 && late < LATE_LIMIT_NS, "poll %d, %llu expirations, %lld ns late",
	       polled, (unsigned long long)expirations, (long long)late);
	close(fd);
}

/* In the first child, born in the namespace. */
static void child_checks(const struct baseline *b, const char *ns_link)
{
	char link[64];
	double up;

	read_link("/proc/self/ns/time", link, sizeof(link));
	check("child: /proc/self/ns/time is the parent's time_for_children", !strcmp(link, ns_link));
	check_clocks("child: ", b, 1);
	check_offsets_file("child: ", MONO_OFFSET, BOOT_OFFSET);
	checkf("child: writing its timens_offsets: EACCES", write_offsets("monotonic 1 0\n") == EACCES,
	       "%s", gt_errname(write_offsets("monotonic 1 0\n")));
	up = read_uptime();
	checkf("child: /proc/uptime is 2000 s ahead", b->uptime >= 0 &&
	       up - b->uptime - BOOT_OFFSET >= -0.02 && up - b->uptime - BOOT_OFFSET <= 1.0,
	       "%.2f vs %.2f", up, b->uptime);
	check_abs_sleep("child: ", CLOCK_MONOTONIC, "CLOCK_MONOTONIC");
	check_abs_sleep("child: ", CLOCK_BOOTTIME, "CLOCK_BOOTTIME");
	check_abs_timerfd("child: ", CLOCK_MONOTONIC, "CLOCK_MONOTONIC");
	check_abs_timerfd("child: ", CLOCK_BOOTTIME, "CLOCK_BOOTTIME");
}

/*
 * In a second child (born in the namespace): back to the initial
 * namespace with setns, then into the first child's, then a grandchild.
 */
static int setns_checks(int init_fd, pid_t child, const char *ns_link, const struct baseline *b)
{
	char path[64], link[64];
	int fd, st = -1;
	pid_t g;

	check("setns: to the initial time namespace", setns(init_fd, CLONE_NEWTIME) == 0);
	check_clocks("setns to the initial namespace: ", b, 0);
	snprintf(path, sizeof(path), "/proc/%d/ns/time", (int)child);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	check("setns: open /proc/CHILD/ns/time", fd >= 0);
	check("setns: to the child's time namespace", setns(fd, CLONE_NEWTIME) == 0);
	read_link("/proc/self/ns/time", link, sizeof(link));
	check("setns: /proc/self/ns/time is now the child's", !strcmp(link, ns_link));
	check_clocks("setns to the child's namespace: ", b, 1);
	g = fork();
	if (g == 0) {
		check_clocks("forked after setns: ", b, 1);
		check_offsets_file("forked after setns: ", MONO_OFFSET, BOOT_OFFSET);
		_exit(gt_failures ? 1 : 0);
	}
	checkf("forked after setns: exits 0", g > 0 && waitpid(g, &st, 0) == g && st == 0,
	       "status %#x", st);
	return gt_failures ? 1 : 0;
}

int main(void)
{
	char ns_before[64], tfc_before[64], ns_after[64], tfc_after[64];
	struct baseline b0, b1, b2, b3;
	struct vdso vd;
	int init_fd, ready[2], go[2], st = -1;
	int found;
	pid_t child, helper;
	char byte = 0;

	read_link("/proc/self/ns/time", ns_before, sizeof(ns_before));
	read_link("/proc/self/ns/time_for_children", tfc_before, sizeof(tfc_before));
	init_fd = open("/proc/self/ns/time", O_RDONLY | O_CLOEXEC);
	take_baseline(&b0);
	if (unshare(CLONE_NEWTIME) != 0) {
		int e = errno;

		printf("SKIP: unshare(CLONE_NEWTIME): %s%s\n", gt_errname(e),
		       e == EPERM ? " (needs root)" :
		       e == EINVAL ? " (kernel without CONFIG_TIME_NS)" : "");
		return 0;
	}
	check("unshare(CLONE_NEWTIME)", 1);
	vdso_open(&vd, getauxval(AT_SYSINFO_EHDR));
	found = vdso_find_fns(&vd, &vf);
	checkf("vDSO with __vdso_clock_gettime@" VDSO_VERSION, vf.clock_gettime != NULL,
	       "%d of 5 functions found", found);
	check("initial namespace: /proc/self/ns/time = time_for_children", init_fd >= 0 &&
	      !strcmp(ns_before, tfc_before));
	read_link("/proc/self/ns/time", ns_after, sizeof(ns_after));
	read_link("/proc/self/ns/time_for_children", tfc_after, sizeof(tfc_after));
	check("after unshare: /proc/self/ns/time unchanged", !strcmp(ns_after, ns_before));
	check("after unshare: /proc/self/ns/time_for_children is a new namespace",
	      tfc_after[0] && strcmp(tfc_after, tfc_before) != 0);
	check_clocks("unsharing process: ", &b0, 0);
	check_offsets_file("new namespace: ", 0, 0);

	/* Offsets: by clock id, then by name (the last write wins), then bad ones. */
	checkf("write offsets by clock id (\"1 500 0\", \"7 700 0\")",
	       write_offsets("1 500 0\n7 700 0\n") == 0, "%s",
	       gt_errname(write_offsets("1 500 0\n7 700 0\n")));
	check_offsets_file("by id: ", 500, 700);
	checkf("write offsets by name (monotonic 1000, boottime 2000)",
	       write_offsets("monotonic 1000 0\nboottime 2000 0\n") == 0, "%s",
	       gt_errname(write_offsets("monotonic 1000 0\nboottime 2000 0\n")));
	check_offsets_file("by name: ", MONO_OFFSET, BOOT_OFFSET);
	checkf("an offset for CLOCK_REALTIME: EINVAL", write_offsets("realtime 5 0\n") == EINVAL,
	       "%s", gt_errname(write_offsets("realtime 5 0\n")));
	checkf("nanoseconds out of range: EINVAL", write_offsets("monotonic 1 1000000000\n") == EINVAL,
	       "%s", gt_errname(write_offsets("monotonic 1 1000000000\n")));
	check_offsets_file("after the bad writes: ", MONO_OFFSET, BOOT_OFFSET);

	/* The first child: born in the namespace; it waits for "go" to exit. */
	if (pipe(ready) || pipe(go)) {
		check("pipe", 0);
		return gt_done();
	}
	take_baseline(&b1);
	child = fork();
	if (child == 0) {
		child_checks(&b1, tfc_after);
		if (write(ready[1], "r", 1) != 1 || read(go[0], &byte, 1) != 1)
			_exit(2);
		_exit(gt_failures ? 1 : 0);
	}
	if (!check("fork into the namespace", child > 0))
		return gt_done();
	checkf("child: checks done", read(ready[0], &byte, 1) == 1, "child died");
	checkf("offsets frozen once a process is in the namespace: EACCES",
	       write_offsets("monotonic 5 0\n") == EACCES, "%s",
	       gt_errname(write_offsets("monotonic 5 0\n")));
	check_offsets_file("frozen: ", MONO_OFFSET, BOOT_OFFSET);

	/* The second child moves between namespaces with setns. */
	take_baseline(&b2);
	helper = fork();
	if (helper == 0)
		_exit(setns_checks(init_fd, child, tfc_after, &b2));
	checkf("setns child: exits 0", helper > 0 && waitpid(helper, &st, 0) == helper && st == 0,
	       "status %#x", st);

	st = -1;
	checkf("child: exits 0", write(go[1], "g", 1) == 1 && waitpid(child, &st, 0) == child &&
	       st == 0, "status %#x", st);
	take_baseline(&b3);
	check_clocks("unsharing process, at the end: ", &b3, 0);
	return gt_done();
}
