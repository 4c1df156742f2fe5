// SPDX-License-Identifier: GPL-2.0
/*
 * The vDSO, as x86-64 Linux provides it: AT_SYSINFO_EHDR points at an ELF
 * shared object "linux-vdso.so.1" mapped as [vdso], with its data ([vvar]
 * mappings) just below; __vdso_clock_gettime, __vdso_gettimeofday,
 * __vdso_time, __vdso_clock_getres and __vdso_getcpu at version LINUX_2.6
 * (with the weak aliases clock_gettime, gettimeofday, time, clock_getres,
 * getcpu), found through DT_HASH, DT_GNU_HASH and a scan alike.  Each
 * function, called directly, agrees with the raw system call: a clock read
 * lies between two syscall reads, resolutions are equal, errors are the
 * same -errno.  It keeps working in a fork child, after execve and in a
 * second thread, and the libc's clock_gettime (which uses it) is monotonic.
 * usage: vdso   (vdso --exec-child: the half run after execve)
 * Prints only facts (ok/FAIL), never times or addresses.
 */
#include "guest_test.h"
#include "vdso_parse.h"

#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/wait.h>

static struct vdso vd;
static struct vdso_fns vf;
static int have_fns;		/* all five functions found */

struct clock_case {
	clockid_t id;
	const char *name;
	int coarse;		/* tick-based: may trail a fine read by its resolution */
};

static const struct clock_case clocks[] = {
	{ CLOCK_REALTIME, "CLOCK_REALTIME", 0 },
	{ CLOCK_MONOTONIC, "CLOCK_MONOTONIC", 0 },
	{ CLOCK_MONOTONIC_RAW, "CLOCK_MONOTONIC_RAW", 0 },
	{ CLOCK_BOOTTIME, "CLOCK_BOOTTIME", 0 },
	{ CLOCK_REALTIME_COARSE, "CLOCK_REALTIME_COARSE", 1 },
	{ CLOCK_MONOTONIC_COARSE, "CLOCK_MONOTONIC_COARSE", 1 },
	{ CLOCK_TAI, "CLOCK_TAI", 0 },
	{ CLOCK_PROCESS_CPUTIME_ID, "CLOCK_PROCESS_CPUTIME_ID", 0 },
	{ CLOCK_THREAD_CPUTIME_ID, "CLOCK_THREAD_CPUTIME_ID", 0 },
};
#define NCLOCKS (sizeof(clocks) / sizeof(clocks[0]))

static int64_t ts_ns(const struct timespec *ts)
{
	return (int64_t)ts->tv_sec * 1000000000 + ts->tv_nsec;
}

/* The kernel's dynamic CPU clock ids (negative): a pid's or a thread's. */
static clockid_t process_cpu_clock(pid_t pid)
{
	return (clockid_t)((~(unsigned)pid << 3) | 2);		/* CPUCLOCK_SCHED */
}

static clockid_t thread_cpu_clock(pid_t tid)
{
	return (clockid_t)((~(unsigned)tid << 3) | 2 | 4);	/* + CPUCLOCK_PERTHREAD */
}

/*
 * syscall <= vDSO <= syscall for clock ID; SLACK ns allowed either side.
 * Returns 1 when it holds, else 0 with WHY filled.
 */
static int read_between(clockid_t id, int64_t slack, char *why, size_t whylen)
{
	struct timespec a = { 0, 0 }, v = { 0, 0 }, b = { 0, 0 };
	long ra, rb;
	int rv;

	if (!vf.clock_gettime) {
		snprintf(why, whylen, "no __vdso_clock_gettime");
		return 0;
	}
	ra = syscall(SYS_clock_gettime, id, &a);
	rv = vf.clock_gettime(id, &v);
	rb = syscall(SYS_clock_gettime, id, &b);
	if (ra != 0 || rb != 0 || rv != 0) {
		snprintf(why, whylen, "syscall %ld/%ld, vDSO returned %d", ra, rb, rv);
		return 0;
	}
	if (ts_ns(&v) < ts_ns(&a) - slack || ts_ns(&v) > ts_ns(&b) + slack) {
		snprintf(why, whylen, "syscall %lld, vDSO %lld, syscall %lld",
			 (long long)ts_ns(&a), (long long)ts_ns(&v), (long long)ts_ns(&b));
		return 0;
	}
	return 1;
}

static int64_t coarse_slack(const struct clock_case *c)
{
	struct timespec res;

	if (!c->coarse || syscall(SYS_clock_getres, c->id, &res) != 0)
		return 0;
	return ts_ns(&res);
}

/* SYS_getcpu and __vdso_getcpu agree, on a thread pinned to its CPU. */
static int getcpu_agrees(char *why, size_t whylen)
{
	cpu_set_t old, one;
	unsigned sc_cpu = 0, sc_node = 0, v_cpu = ~0u, v_node = ~0u;
	long rv;

	if (!vf.getcpu) {
		snprintf(why, whylen, "no __vdso_getcpu");
		return 0;
	}
	if (sched_getaffinity(0, sizeof(old), &old) != 0 ||
	    syscall(SYS_getcpu, &sc_cpu, &sc_node, NULL) != 0) {
		snprintf(why, whylen, "sched_getaffinity/getcpu: %s", gt_errname(errno));
		return 0;
	}
	CPU_ZERO(&one);
	CPU_SET(sc_cpu, &one);
	if (sched_setaffinity(0, sizeof(one), &one) != 0) {
		snprintf(why, whylen, "sched_setaffinity: %s", gt_errname(errno));
		return 0;
	}
	syscall(SYS_getcpu, &sc_cpu, &sc_node, NULL);
	rv = vf.getcpu(&v_cpu, &v_node, NULL);
	sched_setaffinity(0, sizeof(old), &old);
	if (rv != 0 || v_cpu != sc_cpu || v_node != sc_node) {
		snprintf(why, whylen, "vDSO %ld cpu %u node %u, syscall cpu %u node %u",
			 rv, v_cpu, v_node, sc_cpu, sc_node);
		return 0;
	}
	return 1;
}

/* ---------------------------------------------------------------- image */

static uintptr_t check_auxv(const char *who)
{
	uintptr_t base = getauxval(AT_SYSINFO_EHDR);
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)base;
	char name[128];

	snprintf(name, sizeof(name), "%sAT_SYSINFO_EHDR is in the aux vector", who);
	checkf(name, base != 0, "getauxval gave 0");
	if (!base)
		return 0;
	snprintf(name, sizeof(name), "%sAT_SYSINFO_EHDR points at a 64-bit x86-64 ELF ET_DYN header", who);
	checkf(name, memcmp(eh->e_ident, ELFMAG, SELFMAG) == 0 &&
	       eh->e_ident[EI_CLASS] == ELFCLASS64 && eh->e_type == ET_DYN &&
	       eh->e_machine == EM_X86_64, "class %d type %d machine %d",
	       eh->e_ident[EI_CLASS], eh->e_type, eh->e_machine);
	return base;
}

struct mapping {
	unsigned long start, end;
	char perms[5];
	char name[64];
};

/* [vdso] starts at BASE, r-x; the [vvar...] mappings lie right below it, read-only. */
static void check_maps(const char *who, uintptr_t base)
{
	static struct mapping m[4096];
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512], name[128];
	int n = 0, vdso = -1, vvar = -1, contiguous = 1, nvdso = 0;

	snprintf(name, sizeof(name), "%s/proc/self/maps readable", who);
	if (!check(name, f))
		return;
	while (n < 4096 && fgets(line, sizeof(line), f)) {
		int off = 0;
		char *p;

		m[n].name[0] = 0;
		if (sscanf(line, "%lx-%lx %4s %*x %*x:%*x %*u %n",
			   &m[n].start, &m[n].end, m[n].perms, &off) < 3)
			continue;
		p = line + off;
		p[strcspn(p, "\n")] = 0;
		snprintf(m[n].name, sizeof(m[n].name), "%s", p);
		if (!strcmp(m[n].name, "[vdso]")) {
			vdso = n;
			nvdso++;
		}
		n++;
	}
	fclose(f);
	snprintf(name, sizeof(name), "%s/proc/self/maps has one [vdso], r-x", who);
	checkf(name, nvdso == 1 && !strcmp(m[vdso].perms, "r-xp"), "%d [vdso] entries, perms %s",
	       nvdso, vdso >= 0 ? m[vdso].perms : "-");
	if (vdso < 0)
		return;
	snprintf(name, sizeof(name), "%s[vdso] starts at AT_SYSINFO_EHDR", who);
	checkf(name, m[vdso].start == base, "maps %lx, auxv %lx", m[vdso].start, (unsigned long)base);
	/* Walk down through [vvar], [vvar_vclock] (newer kernels) ... */
	for (int i = vdso - 1; i >= 0 && !strncmp(m[i].name, "[vvar", 5); i--) {
		if (m[i].end != m[i + 1].start || m[i].perms[1] != '-' || m[i].perms[2] != '-')
			contiguous = 0;
		if (!strcmp(m[i].name, "[vvar]"))
			vvar = i;
	}
	snprintf(name, sizeof(name), "%s[vvar] lies right below [vdso], read-only", who);
	checkf(name, vvar >= 0 && contiguous, "[vvar] %s, contiguous and read-only %d",
	       vvar >= 0 ? "found" : "missing", contiguous);
}

/* Symbols, versions, aliases; fills vd and vf. */
static void check_symbols(const char *who, uintptr_t base)
{
	static const char *const fns[][2] = {
		{ "__vdso_clock_gettime", "clock_gettime" },
		{ "__vdso_gettimeofday", "gettimeofday" },
		{ "__vdso_time", "time" },
		{ "__vdso_clock_getres", "clock_getres" },
		{ "__vdso_getcpu", "getcpu" },
	};
	const char *err = vdso_open(&vd, base);
	char name[160];

	snprintf(name, sizeof(name), "%svDSO dynamic section, symbol and string tables", who);
	if (!checkf(name, !err, "%s", err ? err : ""))
		return;
	snprintf(name, sizeof(name), "%sDT_SONAME and base version are " VDSO_SONAME, who);
	checkf(name, vd.soname && !strcmp(vd.soname, VDSO_SONAME) && vdso_base_version(&vd) &&
	       !strcmp(vdso_base_version(&vd), VDSO_SONAME), "soname %s, base version %s",
	       vd.soname ? vd.soname : "(none)",
	       vdso_base_version(&vd) ? vdso_base_version(&vd) : "(none)");
	snprintf(name, sizeof(name), "%sDT_HASH and DT_GNU_HASH present, DT_VERSYM and DT_VERDEF too", who);
	checkf(name, vd.hash && vd.gnu_hash && vd.versym && vd.verdef, "hash %d gnu %d versym %d verdef %d",
	       !!vd.hash, !!vd.gnu_hash, !!vd.versym, !!vd.verdef);
	for (size_t k = 0; k < sizeof(fns) / sizeof(fns[0]); k++) {
		size_t i = vdso_lookup(&vd, fns[k][0], VDSO_VERSION, VDSO_BY_SCAN);
		size_t hs = vdso_lookup(&vd, fns[k][0], VDSO_VERSION, VDSO_BY_SYSV_HASH);
		size_t hg = vdso_lookup(&vd, fns[k][0], VDSO_VERSION, VDSO_BY_GNU_HASH);
		size_t a = vdso_lookup(&vd, fns[k][1], VDSO_VERSION, VDSO_BY_SCAN);
		const Elf64_Sym *s = i ? &vd.symtab[i] : NULL, *as = a ? &vd.symtab[a] : NULL;

		snprintf(name, sizeof(name), "%s%s@" VDSO_VERSION ": global function", who, fns[k][0]);
		checkf(name, s && ELF64_ST_TYPE(s->st_info) == STT_FUNC &&
		       ELF64_ST_BIND(s->st_info) == STB_GLOBAL && s->st_value, "index %zu", i);
		snprintf(name, sizeof(name), "%s%s: DT_HASH and DT_GNU_HASH find the same symbol",
			 who, fns[k][0]);
		checkf(name, i && hs == i && hg == i, "scan %zu, sysv %zu, gnu %zu", i, hs, hg);
		snprintf(name, sizeof(name), "%s%s@" VDSO_VERSION ": weak alias of %s", who, fns[k][1],
			 fns[k][0]);
		checkf(name, s && as && ELF64_ST_BIND(as->st_info) == STB_WEAK &&
		       ELF64_ST_TYPE(as->st_info) == STT_FUNC && as->st_value == s->st_value,
		       "index %zu", a);
	}
	snprintf(name, sizeof(name), "%sno symbol at another version", who);
	checkf(name, !vdso_lookup(&vd, "__vdso_clock_gettime", "LINUX_2.5", VDSO_BY_SCAN), "found");
	have_fns = vdso_find_fns(&vd, &vf) == 5;
}

/* ---------------------------------------------------------------- calls */

static void check_clock_gettime(const char *who, int all)
{
	char name[160], why[160];

	for (size_t k = 0; k < NCLOCKS; k++) {
		if (!all && clocks[k].id != CLOCK_MONOTONIC && clocks[k].id != CLOCK_REALTIME &&
		    clocks[k].id != CLOCK_BOOTTIME && clocks[k].id != CLOCK_THREAD_CPUTIME_ID)
			continue;
		snprintf(name, sizeof(name), "%sclock_gettime(%s): syscall <= vDSO <= syscall",
			 who, clocks[k].name);
		checkf(name, read_between(clocks[k].id, coarse_slack(&clocks[k]), why, sizeof(why)),
		       "%s", why);
	}
}

static void check_dynamic_cpu_clocks(void)
{
	char why[160];

	checkf("clock_gettime(this process's CPU clock, a negative id): syscall <= vDSO <= syscall",
	       read_between(process_cpu_clock(getpid()), 0, why, sizeof(why)), "%s", why);
	checkf("clock_gettime(this thread's CPU clock, a negative id): syscall <= vDSO <= syscall",
	       read_between(thread_cpu_clock((pid_t)syscall(SYS_gettid)), 0, why, sizeof(why)),
	       "%s", why);
}

static void check_clock_getres(void)
{
	char name[160];

	for (size_t k = 0; k < NCLOCKS; k++) {
		struct timespec s = { -1, -1 }, v = { -2, -2 };
		long rs = syscall(SYS_clock_getres, clocks[k].id, &s);
		int rv = vf.clock_getres(clocks[k].id, &v);

		snprintf(name, sizeof(name), "clock_getres(%s): vDSO = syscall", clocks[k].name);
		checkf(name, rs == 0 && rv == 0 && s.tv_sec == v.tv_sec && s.tv_nsec == v.tv_nsec,
		       "syscall %ld %lld.%09ld, vDSO %d %lld.%09ld", rs, (long long)s.tv_sec,
		       s.tv_nsec, rv, (long long)v.tv_sec, v.tv_nsec);
	}
	/* NULL: only the clock id's validity is reported */
	for (int k = 0; k < 3; k++) {
		static const clockid_t ids[] = { CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME_ID, 1000 };
		static const char *const names[] = { "CLOCK_MONOTONIC", "CLOCK_PROCESS_CPUTIME_ID",
						     "clock 1000" };
		long rs;
		int rv, es;

		errno = 0;
		rs = syscall(SYS_clock_getres, ids[k], NULL);
		es = rs ? -errno : 0;
		rv = vf.clock_getres(ids[k], NULL);
		snprintf(name, sizeof(name), "clock_getres(%s, NULL): vDSO = syscall (%s)", names[k],
			 es ? gt_errname(-es) : "0");
		checkf(name, rv == es, "syscall %d, vDSO %d", es, rv);
	}
}

static void check_invalid_clocks(void)
{
	static const clockid_t bad[] = { -1, 1000 };
	char name[160];

	for (int k = 0; k < 2; k++) {
		struct timespec ts;
		long rs;
		int es, rv;

		errno = 0;
		rs = syscall(SYS_clock_gettime, bad[k], &ts);
		es = errno;
		rv = vf.clock_gettime(bad[k], &ts);
		snprintf(name, sizeof(name), "clock_gettime(clock %d): -EINVAL from vDSO and syscall",
			 (int)bad[k]);
		checkf(name, rs == -1 && es == EINVAL && rv == -EINVAL, "syscall %ld %s, vDSO %d",
		       rs, gt_errname(es), rv);
		errno = 0;
		rs = syscall(SYS_clock_getres, bad[k], &ts);
		es = errno;
		rv = vf.clock_getres(bad[k], &ts);
		snprintf(name, sizeof(name), "clock_getres(clock %d): -EINVAL from vDSO and syscall",
			 (int)bad[k]);
		checkf(name, rs == -1 && es == EINVAL && rv == -EINVAL, "syscall %ld %s, vDSO %d",
		       rs, gt_errname(es), rv);
	}
}

static void check_gettimeofday(void)
{
	struct timespec a, b;
	struct timeval tv = { 0, 0 };
	struct timezone tzs = { -1, -1 }, tzv = { -2, -2 }, tzn = { -3, -3 };
	int64_t us;
	long rs;
	int rv, rn;

	syscall(SYS_clock_gettime, CLOCK_REALTIME, &a);
	rv = vf.gettimeofday(&tv, &tzv);
	syscall(SYS_clock_gettime, CLOCK_REALTIME, &b);
	us = (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
	checkf("gettimeofday: vDSO between two CLOCK_REALTIME syscalls (in us)",
	       rv == 0 && us >= ts_ns(&a) / 1000 && us <= ts_ns(&b) / 1000 && tv.tv_usec < 1000000,
	       "rv %d, %lld us, syscall %lld..%lld ns", rv, (long long)us, (long long)ts_ns(&a),
	       (long long)ts_ns(&b));
	rs = syscall(SYS_gettimeofday, NULL, &tzs);
	checkf("gettimeofday: vDSO's timezone = syscall's", rs == 0 &&
	       tzs.tz_minuteswest == tzv.tz_minuteswest && tzs.tz_dsttime == tzv.tz_dsttime,
	       "syscall %d/%d, vDSO %d/%d", tzs.tz_minuteswest, tzs.tz_dsttime,
	       tzv.tz_minuteswest, tzv.tz_dsttime);
	rn = vf.gettimeofday(NULL, &tzn);
	checkf("gettimeofday(NULL, tz): 0 and the timezone", rn == 0 &&
	       tzn.tz_minuteswest == tzs.tz_minuteswest && tzn.tz_dsttime == tzs.tz_dsttime,
	       "rv %d", rn);
	rs = syscall(SYS_gettimeofday, NULL, NULL);
	rv = vf.gettimeofday(NULL, NULL);
	checkf("gettimeofday(NULL, NULL): 0 from vDSO and syscall", rs == 0 && rv == 0,
	       "syscall %ld, vDSO %d", rs, rv);
}

static void check_time(void)
{
	struct timespec r;
	time_t s0, s1, v, stored = -1, v2;

	s0 = syscall(SYS_time, NULL);
	v = vf.time(NULL);
	s1 = syscall(SYS_time, NULL);
	checkf("time(NULL): syscall <= vDSO <= syscall", s0 <= v && v <= s1,
	       "%lld %lld %lld", (long long)s0, (long long)v, (long long)s1);
	syscall(SYS_clock_gettime, CLOCK_REALTIME, &r);
	v2 = vf.time(&stored);
	/* time() is the tick's second: it may trail CLOCK_REALTIME by a tick */
	checkf("time(&t): returns t, within 1 s of CLOCK_REALTIME's seconds",
	       v2 == stored && v2 >= r.tv_sec - 1 && v2 <= r.tv_sec + 1,
	       "returned %lld, stored %lld, realtime %lld", (long long)v2, (long long)stored,
	       (long long)r.tv_sec);
}

static void check_getcpu(const char *who)
{
	char name[128], why[160];
	unsigned cpu = ~0u, node = ~0u;
	long r1, r2, r3;

	snprintf(name, sizeof(name), "%sgetcpu: vDSO cpu and node = syscall's (pinned)", who);
	checkf(name, getcpu_agrees(why, sizeof(why)), "%s", why);
	if (*who || !vf.getcpu)
		return;
	r1 = vf.getcpu(NULL, NULL, NULL);
	r2 = vf.getcpu(&cpu, NULL, NULL);
	r3 = vf.getcpu(NULL, &node, NULL);
	checkf("getcpu with NULL cpu and/or node: 0, fills the other",
	       r1 == 0 && r2 == 0 && r3 == 0 && cpu != ~0u && node != ~0u,
	       "%ld %ld %ld", r1, r2, r3);
}

/* ---------------------------------------------------------------- contexts */

static void check_libc_monotonic(void)
{
	struct timespec ts, a, b;
	int64_t prev = -1, now, worst = 0;
	int back = 0, bad = 0;

	for (int i = 0; i < 100000; i++) {
		if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) {
			bad++;
			continue;
		}
		now = ts_ns(&ts);
		if (prev >= 0 && now < prev) {
			back++;
			if (now - prev < worst)
				worst = now - prev;
		}
		prev = now;
	}
	checkf("libc clock_gettime(CLOCK_MONOTONIC) never goes back (100000 calls)",
	       back == 0 && bad == 0, "%d steps back, worst %lld ns, %d errors", back,
	       (long long)worst, bad);
	syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &a);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &b);
	checkf("libc clock_gettime(CLOCK_MONOTONIC): syscall <= libc <= syscall",
	       ts_ns(&a) <= ts_ns(&ts) && ts_ns(&ts) <= ts_ns(&b), "%lld %lld %lld",
	       (long long)ts_ns(&a), (long long)ts_ns(&ts), (long long)ts_ns(&b));
}

static void check_fork_child(void)
{
	pid_t pid = fork();
	int st = -1;

	if (pid == 0) {
		check_clock_gettime("fork child: ", 0);
		check_getcpu("fork child: ");
		_exit(gt_failures ? 1 : 0);
	}
	checkf("fork child: exits 0", pid > 0 && waitpid(pid, &st, 0) == pid && st == 0,
	       "status %#x", st);
}

static void check_exec_child(void)
{
	pid_t pid = fork();
	int st = -1;

	if (pid == 0) {
		execl("/proc/self/exe", "vdso", "--exec-child", (char *)NULL);
		printf("execve /proc/self/exe: %s\n", gt_errname(errno));
		_exit(127);
	}
	checkf("exec child: exits 0", pid > 0 && waitpid(pid, &st, 0) == pid && st == 0,
	       "status %#x", st);
}

static void *thread_main(void *arg)
{
	(void)arg;
	check_clock_gettime("second thread: ", 0);
	check_getcpu("second thread: ");
	return NULL;
}

static void check_thread(void)
{
	pthread_t t;
	int r = pthread_create(&t, NULL, thread_main, NULL);

	checkf("second thread: created and joined", r == 0 && pthread_join(t, NULL) == 0,
	       "pthread_create %d", r);
}

/* After execve: a fresh image must get a fresh, working vDSO. */
static int exec_child_main(void)
{
	uintptr_t base = check_auxv("exec child: ");

	if (!base)
		return 1;
	check_maps("exec child: ", base);
	vdso_open(&vd, base);
	checkf("exec child: the five functions at " VDSO_VERSION, vdso_find_fns(&vd, &vf) == 5,
	       "missing");
	if (vf.clock_gettime)
		check_clock_gettime("exec child: ", 0);
	return gt_failures ? 1 : 0;
}

int main(int argc, char **argv)
{
	uintptr_t base;

	if (argc > 1 && !strcmp(argv[1], "--exec-child"))
		return exec_child_main();
	base = check_auxv("");
	if (!base)
		return gt_done();
	check_maps("", base);
	check_symbols("", base);
	if (!checkf("all five functions found", have_fns, "missing"))
		return gt_done();
	check_clock_gettime("", 1);
	check_dynamic_cpu_clocks();
	check_clock_getres();
	check_invalid_clocks();
	check_gettimeofday();
	check_time();
	check_getcpu("");
	check_fork_child();
	check_exec_child();
	check_thread();
	check_libc_monotonic();
	return gt_done();
}
