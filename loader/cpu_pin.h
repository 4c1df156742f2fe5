/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which host CPU a container's host threads run on.  The LibOS has one
 * virtual CPU: only one of its host threads runs guest code at a time, and
 * every switch between guest tasks hands the vCPU from one host thread to
 * another with a futex.  On one host CPU that is a plain context switch;
 * across two, the woken thread's CPU must first be kicked out of idle
 * (expensive under a hypervisor), and the switch costs several times more.
 */
#ifndef XLIBOS_LOADER_CPU_PIN_H
#define XLIBOS_LOADER_CPU_PIN_H

#include <stdbool.h>

/* The CPU the LibOS process starts on (the default). */
#define CPU_PIN_START	(-1)
/* No pinning: the host scheduler places every host thread. */
#define CPU_PIN_ANY	(-2)

/*
 * --cpu ARG: "any", or the number of a CPU this process may run on.
 * NULL (no --cpu) gives CPU_PIN_START.  Prints a message on error.
 */
bool cpu_pin_parse(const char *arg, int *choice);

/*
 * Pin the calling thread (and so every host thread and process the LibOS
 * starts from it) as chosen.  A failure is only a warning: it costs speed,
 * not correctness.
 */
void cpu_pin_apply(int choice);

#endif
