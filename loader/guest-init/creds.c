// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config_format.h"
#include "creds.h"

#define MAX_GROUPS 65536
/* capset(2)'s version 3: two 32-bit words per set (<linux/capability.h>, not in musl's headers). */
#define CAPS_VERSION_3	0x20080522
#define PR_CAP_AMBIENT_OP	47
#define AMBIENT_RAISE	2
#define AMBIENT_CLEAR_ALL	4

/* prctl(2) and seccomp(2) constants (<linux/seccomp.h>, not in musl's headers). */
#define PR_SET_SECCOMP_OP	22
#define SECCOMP_MODE_FILTER_OP	2
/* BPF_MAXINSNS */
#define SECCOMP_MAX_INSNS	4096

struct bpf_insn {
	uint16_t code;
	uint8_t jt, jf;
	uint32_t k;
};

/* The "caps" record: bounding, effective, permitted, inheritable, ambient. */
struct caps {
	uint64_t set[5];
};
enum { CAPS_BOUNDING, CAPS_EFFECTIVE, CAPS_PERMITTED, CAPS_INHERITABLE, CAPS_AMBIENT };

static bool bad(const char *tag, const char *value)
{
	fprintf(stderr, "xlibos: bad %s record in the config: '%.64s'\n", tag, value);
	return false;
}

/* A decimal number and the position after it; false if none. */
static bool number(const char **p, unsigned long long max, unsigned long long *out)
{
	char *end;

	if (**p < '0' || **p > '9')
		return false;
	errno = 0;
	*out = strtoull(*p, &end, 10);
	if (errno || *out > max)
		return false;
	*p = end;
	return true;
}

static bool apply_user(const char *value)
{
	static gid_t groups[MAX_GROUPS];
	unsigned long long uid, gid, g;
	const char *p = value;
	size_t n = 0;

	if (!number(&p, 0xfffffffeULL, &uid) || *p++ != ' ' || !number(&p, 0xfffffffeULL, &gid))
		return bad(XLIBOS_CONFIG_USER, value);
	while (*p == ' ') {
		p++;
		if (n == MAX_GROUPS || !number(&p, 0xfffffffeULL, &g))
			return bad(XLIBOS_CONFIG_USER, value);
		groups[n++] = (gid_t)g;
	}
	if (*p)
		return bad(XLIBOS_CONFIG_USER, value);
	if (setgroups(n, groups) != 0 || setresgid((gid_t)gid, (gid_t)gid, (gid_t)gid) != 0 ||
	    setresuid((uid_t)uid, (uid_t)uid, (uid_t)uid) != 0) {
		fprintf(stderr, "xlibos: cannot become user %llu, group %llu: %s\n", uid, gid,
			strerror(errno));
		return false;
	}
	return true;
}

static bool apply_rlimit(const char *value)
{
	unsigned long long res, soft, hard;
	const char *p = value;
	struct rlimit rl;

	if (!number(&p, RLIMIT_NLIMITS - 1, &res) || *p++ != ' ' || !number(&p, ~0ULL, &soft) ||
	    *p++ != ' ' || !number(&p, ~0ULL, &hard) || *p)
		return bad(XLIBOS_CONFIG_RLIMIT, value);
	rl.rlim_cur = (rlim_t)soft;
	rl.rlim_max = (rlim_t)hard;
	if (setrlimit((int)res, &rl) != 0) {
		fprintf(stderr, "xlibos: cannot set resource limit %llu to %llu/%llu: %s\n", res,
			soft, hard, strerror(errno));
		return false;
	}
	return true;
}

static bool apply_umask(const char *value)
{
	char *end;
	unsigned long mask;

	errno = 0;
	mask = strtoul(value, &end, 8);
	if (!*value || *end || errno || mask > 0777)
		return bad(XLIBOS_CONFIG_UMASK, value);
	umask((mode_t)mask);
	return true;
}

static bool parse_caps(const char *value, struct caps *c)
{
	const char *p = value;

	for (int i = 0; i < 5; i++) {
		char *end;

		errno = 0;
		c->set[i] = strtoull(p, &end, 16);
		if (end == p || errno || *end != (i < 4 ? ' ' : '\0'))
			return bad(XLIBOS_CONFIG_CAPS, value);
		p = end + (i < 4);
	}
	return true;
}

/* Before the uid changes: drop what the bounding set does not hold. */
static bool drop_bounding(const struct caps *c)
{
	for (int cap = 0; cap < 64 && prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0; cap++) {
		if ((c->set[CAPS_BOUNDING] >> cap) & 1)
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0) {
			fprintf(stderr, "xlibos: cannot drop capability %d: %s\n", cap, strerror(errno));
			return false;
		}
	}
	return true;
}

/* After it: the effective, permitted, inheritable and ambient sets asked for. */
static bool set_caps(const struct caps *c)
{
	struct {
		uint32_t version;
		int pid;
	} header = { CAPS_VERSION_3, 0 };
	struct {
		uint32_t effective, permitted, inheritable;
	} data[2];

	for (int i = 0; i < 2; i++) {
		data[i].effective = (uint32_t)(c->set[CAPS_EFFECTIVE] >> (32 * i));
		data[i].permitted = (uint32_t)(c->set[CAPS_PERMITTED] >> (32 * i));
		data[i].inheritable = (uint32_t)(c->set[CAPS_INHERITABLE] >> (32 * i));
	}
	if (syscall(SYS_capset, &header, data) != 0) {
		fprintf(stderr, "xlibos: cannot set capabilities: %s\n", strerror(errno));
		return false;
	}
	prctl(PR_CAP_AMBIENT_OP, AMBIENT_CLEAR_ALL, 0, 0, 0);
	for (int cap = 0; cap < 64; cap++) {
		if (((c->set[CAPS_AMBIENT] >> cap) & 1) &&
		    prctl(PR_CAP_AMBIENT_OP, AMBIENT_RAISE, cap, 0, 0) != 0) {
			fprintf(stderr, "xlibos: cannot raise ambient capability %d: %s\n", cap,
				strerror(errno));
			return false;
		}
	}
	return true;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* The "seccomp" record: a BPF program, loaded for this process and its children. */
static bool load_seccomp(const char *value)
{
	static struct bpf_insn insns[SECCOMP_MAX_INSNS];
	unsigned char *bytes = (unsigned char *)insns;
	size_t len = strlen(value);
	struct {
		unsigned short len;
		struct bpf_insn *filter;
	} prog = { (unsigned short)(len / 16), insns };

	if (!len || len % 16 || len / 16 > SECCOMP_MAX_INSNS)
		return bad(XLIBOS_CONFIG_SECCOMP, value);
	for (size_t i = 0; i < len / 2; i++) {
		int hi = hex_value(value[2 * i]), lo = hex_value(value[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return bad(XLIBOS_CONFIG_SECCOMP, value);
		bytes[i] = (unsigned char)(hi << 4 | lo);
	}
	if (prctl(PR_SET_SECCOMP_OP, SECCOMP_MODE_FILTER_OP, &prog, 0, 0) != 0) {
		fprintf(stderr, "xlibos: cannot load the seccomp filter: %s\n", strerror(errno));
		return false;
	}
	return true;
}

bool creds_apply(const struct init_config *cfg)
{
	const char *seccomp = NULL;
	const char *user = NULL;
	bool nnp = false, have_caps = false;
	struct caps caps;

	for (size_t i = 0; i < cfg->ncontainer; i++) {
		const char *tag = cfg->container[i], *value = config_record_value(tag);

		if (!strcmp(tag, XLIBOS_CONFIG_RLIMIT) && !apply_rlimit(value))
			return false;
		if (!strcmp(tag, XLIBOS_CONFIG_UMASK) && !apply_umask(value))
			return false;
		if (!strcmp(tag, XLIBOS_CONFIG_USER))
			user = value;
		if (!strcmp(tag, XLIBOS_CONFIG_NNP))
			nnp = true;
		if (!strcmp(tag, XLIBOS_CONFIG_SECCOMP))
			seccomp = value;
		if (!strcmp(tag, XLIBOS_CONFIG_CAPS)) {
			if (!parse_caps(value, &caps))
				return false;
			have_caps = true;
		}
	}
	/* Without no_new_privs the filter needs CAP_SYS_ADMIN: load it while we are root. */
	if (seccomp && !nnp && !load_seccomp(seccomp))
		return false;
	if (have_caps && !drop_bounding(&caps))
		return false;
	/* Keep the permitted set across setuid: set_caps() decides what remains. */
	if (have_caps && user)
		prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0);
	if (user && !apply_user(user))
		return false;
	if (have_caps && (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0), !set_caps(&caps)))
		return false;
	if (nnp && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
		fprintf(stderr, "xlibos: cannot set no_new_privs: %s\n", strerror(errno));
		return false;
	}
	/* As late as can be: only the exec itself runs under it. */
	return !seccomp || !nnp || load_seccomp(seccomp);
}

/* The home directory of uid in /etc/passwd ("name:pw:uid:gid:gecos:home:shell"), or "/". */
static char *home_of(uid_t uid)
{
	FILE *f = fopen("/etc/passwd", "re");
	char line[1024], *home = NULL;

	while (f && !home && fgets(line, sizeof(line), f)) {
		char *field[7] = { line }, *p = line;
		int n = 1;

		while (n < 7 && (p = strchr(p, ':'))) {
			*p++ = '\0';
			field[n++] = p;
		}
		if (n < 7 || !*field[2] || strtoul(field[2], &p, 10) != uid || *p || !*field[5])
			continue;
		field[5][strcspn(field[5], "\n")] = '\0';
		home = strdup(field[5]);
	}
	if (f)
		fclose(f);
	return home ? home : strdup("/");
}

void creds_set_home(struct init_config *cfg)
{
	bool user = false;
	char *home, *entry;
	size_t i;

	for (i = 0; i < cfg->ncontainer; i++)
		user |= !strcmp(cfg->container[i], XLIBOS_CONFIG_USER);
	if (!user || !config_home_defaulted(cfg))
		return;
	home = home_of(getuid());
	if (!home || asprintf(&entry, "HOME=%s", home) < 0) {
		free(home);
		return;
	}
	free(home);
	for (i = 0; i < cfg->nenv && strncmp(cfg->envp[i], "HOME=", 5); i++)
		;
	/* envp has room for one more (config_parse sizes it so). */
	cfg->envp[i] = entry;
	if (i == cfg->nenv)
		cfg->envp[++cfg->nenv] = NULL;
}
