// SPDX-License-Identifier: GPL-2.0
/*
 * The loader's sandboxed decoding helper (loader/abcom_decode_helper.c),
 * called directly: its answer equals abcom's own in this process, a file
 * that is no ELF is answered ABCOM_EINVAL, a helper that runs out of
 * time is killed and reaped (no child left behind), and one started under
 * a seccomp filter (where strict mode is refused) still decodes.
 * usage: abcom_helper_check ELF_FILE
 * Prints "ok N - ..." / "not ok N - ..." lines, nothing else.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "abcom.h"
#include "abcom_decode_helper.h"

static int n;

static void check(int cond, const char *what)
{
	printf("%s %d - %s\n", cond ? "ok" : "not ok", ++n, what);
}

int main(int argc, char **argv)
{
	struct abcom_site *mine, *theirs;
	size_t n_mine, n_theirs;
	struct timespec t0, t1;
	enum helper_outcome o;
	struct stat st;
	uint8_t *f;
	int fd, err;

	if (argc != 2 || (fd = open(argv[1], O_RDONLY)) < 0 || fstat(fd, &st))
		return 2;
	f = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (f == MAP_FAILED || abcom_scan_elf_image(f, st.st_size, &mine, &n_mine))
		return 2;

	o = abcom_decode_in_helper(f, st.st_size, 10000, &err, &theirs, &n_theirs);
	check(o == HELPER_DECODED && err == ABCOM_OK && n_theirs == n_mine &&
	      !memcmp(mine, theirs, n_mine * sizeof(*mine)),
	      "helper: the same sites as abcom in this process");
	free(theirs);

	o = abcom_decode_in_helper((const uint8_t *)"not an ELF file, just text....................................",
				   64, 10000, &err, &theirs, &n_theirs);
	check(o == HELPER_DECODED && err == ABCOM_EINVAL && !n_theirs,
	      "helper: a file that is no ELF gets ABCOM_EINVAL");

	clock_gettime(CLOCK_MONOTONIC, &t0);
	o = abcom_decode_in_helper(f, st.st_size, 1, &err, &theirs, &n_theirs);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	check(o == HELPER_TIMEOUT && !theirs && t1.tv_sec - t0.tv_sec < 2,
	      "helper: out of time after 1 ms, killed");
	check(waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD,
	      "helper: no child left behind");

	/* under a seccomp filter already (as in a Docker container) strict
	 * mode cannot be entered: the helper's own filter must stand in */
	struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	struct sock_fprog prog = { 1, &allow };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog))
		return 2;
	o = abcom_decode_in_helper(f, st.st_size, 10000, &err, &theirs, &n_theirs);
	check(o == HELPER_DECODED && err == ABCOM_OK && n_theirs == n_mine &&
	      !memcmp(mine, theirs, n_mine * sizeof(*mine)),
	      "helper under an inherited seccomp filter: the same sites");
	free(theirs);
	return 0;
}
