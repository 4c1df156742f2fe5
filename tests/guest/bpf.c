// SPDX-License-Identifier: GPL-2.0
/*
 * bpf(): maps, the eBPF interpreter and map memory shared with user space.
 *   - an array map: update, lookup, a key out of range;
 *   - a socket filter (interpreted: the LibOS has no JIT) that counts the
 *     datagrams it sees in that map and copies each into a ring buffer;
 *   - a BPF_F_MMAPABLE array written through its mapping and read back
 *     through bpf(), and the other way round (vmalloc pages in user space);
 *   - the ring buffer's records read through its mapping, past the end of
 *     its data pages: the kernel maps those pages twice in a row (vmap), so
 *     a record that wraps reads as one.
 *   - bpf() refused to an unprivileged user (unprivileged_bpf_disabled 2).
 * Needs root (CAP_BPF); without bpf() it says so and exits 0 (so does the
 * musl build, which has no <linux/bpf.h>).
 */
#include "guest_test.h"

#if !__has_include(<linux/bpf.h>)
/* musl-gcc does not see the kernel's headers */
int main(void)
{
	printf("bpf: not built (no linux/bpf.h), nothing tested\n");
	return 0;
}
#else
#include <arpa/inet.h>
#include <linux/bpf.h>
#include <netinet/in.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#define RB_SIZE 4096
/* 8-byte header + 40 bytes: 4096 is no multiple of 48, records wrap */
#define REC_DATA 40
#define NPKT 300

static long sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

static int map_create(unsigned int type, unsigned int key, unsigned int value,
		      unsigned int entries, unsigned int flags)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_type = type;
	a.key_size = key;
	a.value_size = value;
	a.max_entries = entries;
	a.map_flags = flags;
	return sys_bpf(BPF_MAP_CREATE, &a);
}

static int map_update(int fd, uint32_t key, uint64_t val)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_fd = fd;
	a.key = (uintptr_t)&key;
	a.value = (uintptr_t)&val;
	return sys_bpf(BPF_MAP_UPDATE_ELEM, &a);
}

static int map_lookup(int fd, uint32_t key, uint64_t *val)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_fd = fd;
	a.key = (uintptr_t)&key;
	a.value = (uintptr_t)val;
	return sys_bpf(BPF_MAP_LOOKUP_ELEM, &a);
}

#define INSN(c, d, s, o, i) ((struct bpf_insn){ c, d, s, o, i })
#define LD_MAP_FD(d, fd) \
	INSN(BPF_LD | BPF_DW | BPF_IMM, d, BPF_PSEUDO_MAP_FD, 0, fd), \
	INSN(0, 0, 0, 0, 0)

/*
 * counts[0] += 1; copy the first REC_DATA bytes of the datagram's payload
 * (a UDP socket's filter sees the datagram from its UDP header) into the ring buffer; accept.
 */
static int load_filter(int counts, int rb)
{
	struct bpf_insn prog[] = {
		INSN(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_6, BPF_REG_1, 0, 0),
		INSN(BPF_ST | BPF_MEM | BPF_W, BPF_REG_10, 0, -4, 0),
		INSN(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_2, BPF_REG_10, 0, 0),
		INSN(BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_2, 0, 0, -4),
		LD_MAP_FD(BPF_REG_1, counts),
		INSN(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_map_lookup_elem),
		INSN(BPF_JMP | BPF_JEQ | BPF_K, BPF_REG_0, 0, 2, 0),
		INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_1, 0, 0, 1),
		INSN(BPF_STX | BPF_ATOMIC | BPF_DW, BPF_REG_0, BPF_REG_1, 0,
		     BPF_ADD),
		/* bpf_skb_load_bytes(skb, 8, fp - 48, REC_DATA): past the UDP header */
		INSN(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_1, BPF_REG_6, 0, 0),
		INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_2, 0, 0, 8),
		INSN(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_3, BPF_REG_10, 0, 0),
		INSN(BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_3, 0, 0, -48),
		INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_4, 0, 0, REC_DATA),
		INSN(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_skb_load_bytes),
		INSN(BPF_JMP | BPF_JNE | BPF_K, BPF_REG_0, 0, 7, 0),
		/* bpf_ringbuf_output(rb, fp - 48, REC_DATA, 0) */
		LD_MAP_FD(BPF_REG_1, rb),
		INSN(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_2, BPF_REG_10, 0, 0),
		INSN(BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_2, 0, 0, -48),
		INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_3, 0, 0, REC_DATA),
		INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_4, 0, 0, 0),
		INSN(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_ringbuf_output),
		INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 0xffff),
		INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
	};
	static char log[65536];
	union bpf_attr a;
	int fd;

	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	a.insns = (uintptr_t)prog;
	a.insn_cnt = sizeof(prog) / sizeof(prog[0]);
	a.license = (uintptr_t)"GPL";
	a.log_buf = (uintptr_t)log;
	a.log_size = sizeof(log);
	a.log_level = 1;
	fd = sys_bpf(BPF_PROG_LOAD, &a);
	if (fd < 0)
		fprintf(stderr, "verifier:\n%s\n", log);
	return fd;
}

static void array_map(void)
{
	uint64_t v = 0;
	int fd = map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 4, 0);

	if (fd < 0) {
		printf("array create: %s\n", gt_errname(errno));
		return;
	}
	printf("array update 2: %s\n", map_update(fd, 2, 0x1122334455667788ULL) ?
	       gt_errname(errno) : "0");
	printf("array lookup 2: %s\n", map_lookup(fd, 2, &v) ? gt_errname(errno) :
	       v == 0x1122334455667788ULL ? "the value stored" : "another value");
	printf("array update 4: %s\n", map_update(fd, 4, 1) == 0 ? "0" :
	       errno == E2BIG ? "E2BIG" : gt_errname(errno));
	close(fd);
}

static void mmapable_array(void)
{
	int fd = map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 1024, BPF_F_MMAPABLE);
	volatile uint64_t *m;
	uint64_t v = 0;

	if (fd < 0) {
		printf("mmapable create: %s\n", gt_errname(errno));
		return;
	}
	m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED) {
		printf("mmapable mmap: %s\n", gt_errname(errno));
		close(fd);
		return;
	}
	m[1000] = 0xabcdef;
	printf("mmap write, bpf lookup: %s\n",
	       !map_lookup(fd, 1000, &v) && v == 0xabcdef ? "same" : "different");
	map_update(fd, 3, 0x5a5a);
	printf("bpf update, mmap read: %s\n", m[3] == 0x5a5a ? "same" : "different");
	printf("mmap beyond the map: %s\n",
	       mmap(NULL, 12288, PROT_READ, MAP_SHARED, fd, 0) == MAP_FAILED ?
	       gt_errname(errno) : "mapped");
	munmap((void *)m, 8192);
	close(fd);
}

/* Reads every record the ring buffer holds; returns how many, -1 if bad. */
static int ringbuf_drain(volatile uint64_t *cons, volatile uint64_t *prod,
			 const unsigned char *data, unsigned int *next,
			 int *wrapped)
{
	uint64_t c = *cons, p = __atomic_load_n(prod, __ATOMIC_ACQUIRE);
	int n = 0;

	while (c < p) {
		uint32_t len = *(volatile uint32_t *)(data + (c & (RB_SIZE - 1)));
		const unsigned char *rec = data + (c & (RB_SIZE - 1)) + 8;
		unsigned int i;

		if (len & (BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT) ||
		    len != REC_DATA)
			return -1;
		if ((c & (RB_SIZE - 1)) + 8 + REC_DATA > RB_SIZE)
			*wrapped = 1;
		for (i = 0; i < REC_DATA; i++)
			if (rec[i] != (unsigned char)(*next + i))
				return -1;
		(*next)++;
		c += 8 + REC_DATA;
		n++;
	}
	__atomic_store_n(cons, c, __ATOMIC_RELEASE);
	return n;
}

static void filter_and_ringbuf(void)
{
	int counts = map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0);
	int rb = map_create(BPF_MAP_TYPE_RINGBUF, 0, 0, RB_SIZE, 0);
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sin);
	unsigned int next = 0, i, j;
	int prog, rx, tx, got = 0, wrapped = 0, bad = 0;
	volatile uint64_t *cons, *prod;
	unsigned char *data, buf[REC_DATA];
	uint64_t seen = 0;

	if (counts < 0 || rb < 0) {
		printf("ringbuf create: %s\n", gt_errname(errno));
		return;
	}
	prog = load_filter(counts, rb);
	printf("socket filter load: %s\n", prog < 0 ? gt_errname(errno) : "0");
	if (prog < 0)
		return;
	cons = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, rb, 0);
	prod = mmap(NULL, 4096 + 2 * RB_SIZE, PROT_READ, MAP_SHARED, rb, 4096);
	printf("ringbuf mmap: %s\n", cons == MAP_FAILED || prod == MAP_FAILED ?
	       gt_errname(errno) : "0");
	if (cons == MAP_FAILED || prod == MAP_FAILED)
		return;
	data = (unsigned char *)prod + 4096;
	printf("ringbuf data writable: %s\n",
	       mprotect(data, RB_SIZE, PROT_READ | PROT_WRITE) ? gt_errname(errno) : "0");

	rx = socket(AF_INET, SOCK_DGRAM, 0);
	tx = socket(AF_INET, SOCK_DGRAM, 0);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(rx, (struct sockaddr *)&sin, sizeof(sin)) ||
	    getsockname(rx, (struct sockaddr *)&sin, &sl)) {
		printf("bind: %s\n", gt_errname(errno));
		return;
	}
	printf("attach: %s\n", setsockopt(rx, SOL_SOCKET, SO_ATTACH_BPF, &prog,
					  sizeof(prog)) ? gt_errname(errno) : "0");
	for (i = 0; i < NPKT; i++) {
		for (j = 0; j < REC_DATA; j++)
			buf[j] = (unsigned char)(i + j);
		if (sendto(tx, buf, sizeof(buf), 0, (struct sockaddr *)&sin,
			   sizeof(sin)) != sizeof(buf) ||
		    recv(rx, buf, sizeof(buf), 0) != sizeof(buf)) {
			printf("datagram %u: %s\n", i, gt_errname(errno));
			return;
		}
		/* drain every 20: the buffer holds 85 records */
		if (i % 20 == 19 || i == NPKT - 1) {
			int n = ringbuf_drain(cons, prod, data, &next, &wrapped);

			if (n < 0)
				bad = 1;
			else
				got += n;
		}
	}
	map_lookup(counts, 0, &seen);
	printf("filter ran: %s\n", seen == NPKT ? "every datagram" : "not every datagram");
	printf("ringbuf records: %s, in order: %s, one wrapped: %s\n",
	       got == NPKT ? "all" : "missing", bad ? "no" : "yes",
	       wrapped ? "yes" : "no");
	close(rx);
	close(tx);
	close(prog);
	close(rb);
	close(counts);
}

/* kernel.unprivileged_bpf_disabled is 2 by default, as on Debian */
static void unprivileged(void)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		if (setgid(65534) || setuid(65534))
			_exit(1);
		printf("bpf as nobody: %s\n",
		       map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0) < 0 ?
		       gt_errname(errno) : "allowed");
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid || st)
		printf("bpf as nobody: could not switch user\n");
}

int main(void)
{
	int fd = map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0);

	if (fd < 0 && (errno == ENOSYS || errno == EPERM)) {
		printf("bpf: unavailable (%s), nothing tested\n", gt_errname(errno));
		return 0;
	}
	close(fd);
	array_map();
	mmapable_array();
	filter_and_ringbuf();
	unprivileged();
	return 0;
}
#endif
