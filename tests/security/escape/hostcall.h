/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The doors a hostile guest program tries, to make a host system call
 * from inside an xlibos container: the LibOS's own xlibos_host_syscall,
 * any "syscall" instruction (0f 05) inside its .hypercall.text, and a
 * "syscall" of our own written into LibOS text.
 */
#ifndef ESCAPE_HOSTCALL_H
#define ESCAPE_HOSTCALL_H

enum door_kind {
	DOOR_HOST_SYSCALL,	/* call xlibos_host_syscall(nr, a1..a6) */
	DOOR_SITE,		/* jump to a 0f 05 with our registers */
	DOOR_STUB,		/* call our own "syscall; ret" */
};

struct door {
	enum door_kind kind;
	unsigned long addr;	/* function, site or stub */
};

/* A "syscall; ret" of this program's own: run on the host, outside any
 * container, it is the control that shows the host's checks see an escape. */
long native_host_syscall(long nr, long a1, long a2, long a3, long a4,
			 long a5, long a6);

/* Host system call nr through the door; returns rax as it came back. */
long door_call(const struct door *d, long nr, long a1, long a2, long a3,
	       long a4, long a5, long a6);

/* A guest signal that ended the last door_call, or 0. */
extern volatile int door_fault_signal;

/* Guest handlers that bring a wild jump back to door_call. */
void door_install_recovery(void);

/*
 * Write len bytes at addr (LibOS text); false if the write faulted
 * (the door is closed).
 */
int door_poke(unsigned long addr, const void *bytes, unsigned long len);

/* Read one byte; -1 if the read faulted. */
int door_peek(unsigned long addr);

#endif
