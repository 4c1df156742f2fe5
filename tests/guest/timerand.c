// SPDX-License-Identifier: GPL-2.0
/*
 * Clocks, sleeps, getrandom and uname.
 * usage: timerand HOST_EPOCH_SECONDS (the host's `date +%s` at launch).
 * Prints only facts (ok/FAIL), never times.
 */
#include "guest_test.h"

#include <stdint.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <time.h>

static int64_t ns(clockid_t clk)
{
	struct timespec ts;

	if (clock_gettime(clk, &ts) != 0)
		return -1;
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* The raw system call, bypassing the vDSO that the libc may use. */
static int64_t ns_syscall(clockid_t clk)
{
	struct timespec ts;

	if (syscall(SYS_clock_gettime, clk, &ts) != 0)
		return -1;
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	long host = argc > 1 ? atol(argv[1]) : 0;
	int64_t prev, now, t0, t1, min_step = 0;
	int back = 0;
	struct timespec res, req;
	struct timeval tv;

	/* CLOCK_MONOTONIC never goes back */
	prev = ns(CLOCK_MONOTONIC);
	check("clock_gettime(CLOCK_MONOTONIC)", prev >= 0);
	for (int i = 0; i < 20000; i++) {
		now = (i & 1) ? ns(CLOCK_MONOTONIC) : ns_syscall(CLOCK_MONOTONIC);
		if (now < prev) {
			back++;
			if (now - prev < min_step)
				min_step = now - prev;
		}
		prev = now;
	}
	checkf("CLOCK_MONOTONIC never goes back (20000 reads)", back == 0,
	       "%d steps back, worst %lld ns", back, (long long)min_step);
	t0 = ns(CLOCK_MONOTONIC);
	for (volatile int i = 0; i < 10000000; i++)
		;
	t1 = ns(CLOCK_MONOTONIC);
	check("CLOCK_MONOTONIC advances", t1 > t0);
	check("CLOCK_BOOTTIME >= CLOCK_MONOTONIC", ns(CLOCK_BOOTTIME) >= ns(CLOCK_MONOTONIC) - 1000000);
	check("clock_getres(CLOCK_MONOTONIC) <= 1 ms",
	      clock_getres(CLOCK_MONOTONIC, &res) == 0 && res.tv_sec == 0 && res.tv_nsec > 0 &&
	      res.tv_nsec <= 1000000);
	check("CLOCK_PROCESS_CPUTIME_ID is positive", ns(CLOCK_PROCESS_CPUTIME_ID) > 0);
	check("CLOCK_THREAD_CPUTIME_ID is positive", ns(CLOCK_THREAD_CPUTIME_ID) > 0);
	check("CLOCK_MONOTONIC_COARSE readable", ns(CLOCK_MONOTONIC_COARSE) > 0);

	/* CLOCK_REALTIME near the host's time: within 60 s of HOST_EPOCH_SECONDS */
	now = ns(CLOCK_REALTIME) / 1000000000;
	checkf("CLOCK_REALTIME within 60 s of the host clock", host > 0 && llabs(now - host) <= 60,
	       "off by %lld s", (long long)(now - host));
	now = ns_syscall(CLOCK_REALTIME) / 1000000000;
	checkf("clock_gettime syscall REALTIME within 60 s", llabs(now - host) <= 60,
	       "off by %lld s", (long long)(now - host));
	gettimeofday(&tv, NULL);
	checkf("gettimeofday within 60 s", llabs(tv.tv_sec - host) <= 60,
	       "off by %lld s", (long long)(tv.tv_sec - host));
	checkf("time() within 60 s", llabs(time(NULL) - host) <= 60, "off");

	/* nanosleep of 50 ms takes at least 50 ms */
	req.tv_sec = 0;
	req.tv_nsec = 50000000;
	t0 = ns(CLOCK_MONOTONIC);
	check("nanosleep 50 ms returns 0", nanosleep(&req, NULL) == 0);
	t1 = ns(CLOCK_MONOTONIC);
	checkf("nanosleep 50 ms takes >= 50 ms", t1 - t0 >= 50000000, "too short");
	checkf("nanosleep 50 ms takes < 5 s", t1 - t0 < 5000000000LL, "too long");
	t0 = ns(CLOCK_MONOTONIC);
	req.tv_nsec = 20000000;
	check("clock_nanosleep 20 ms relative", clock_nanosleep(CLOCK_MONOTONIC, 0, &req, NULL) == 0);
	t1 = ns(CLOCK_MONOTONIC);
	checkf("clock_nanosleep 20 ms takes >= 20 ms", t1 - t0 >= 20000000, "too short");
	t0 = ns(CLOCK_MONOTONIC);
	req.tv_sec = (t0 + 30000000) / 1000000000;
	req.tv_nsec = (t0 + 30000000) % 1000000000;
	check("clock_nanosleep TIMER_ABSTIME 30 ms ahead",
	      clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &req, NULL) == 0);
	t1 = ns(CLOCK_MONOTONIC);
	checkf("absolute sleep ends at or after the deadline", t1 >= t0 + 30000000, "too early");
	check("usleep 10 ms", usleep(10000) == 0);

	/* getrandom returns the requested count (bytes are not printed) */
	{
		static unsigned char buf[65536], buf2[65536];
		ssize_t n;

		n = getrandom(buf, 16, 0);
		checkf("getrandom 16 bytes", n == 16, "n=%zd", n);
		n = getrandom(buf, 256, GRND_NONBLOCK);
		checkf("getrandom 256 bytes GRND_NONBLOCK", n == 256, "n=%zd", n);
		n = syscall(SYS_getrandom, buf, 4096, 0);
		checkf("getrandom 4096 bytes (raw syscall)", n == 4096, "n=%zd", n);
		n = getrandom(buf, sizeof(buf), 0);
		getrandom(buf2, sizeof(buf2), 0);
		checkf("getrandom 65536 bytes", n == 65536, "n=%zd", n);
		check("two random 64 KiB buffers differ", memcmp(buf, buf2, sizeof(buf)) != 0);
		n = getrandom(buf, 0, 0);
		checkf("getrandom 0 bytes", n == 0, "n=%zd", n);
		errno = 0;
		n = getrandom(buf, 16, 0x1000);
		check("getrandom with a bad flag fails EINVAL", n < 0 && errno == EINVAL);
	}

	/* uname: only the sysname and machine */
	{
		struct utsname u;

		check("uname", uname(&u) == 0);
		say("sysname: %s", u.sysname);
		say("machine: %s", u.machine);
	}
	return gt_done();
}
