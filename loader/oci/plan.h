/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a config.json becomes: the options of "xlibos run", the command
 * after "--", and the guest init's container records
 * (guest-init/config_format.h) for "xlibos run --guest-records".
 */
#ifndef XLIBOS_OCI_PLAN_H
#define XLIBOS_OCI_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct strv {
	char **v;	/* NULL-terminated, each malloc'd */
	size_t n, cap;
};

struct oci_plan {
	struct strv options;	/* "xlibos run" options */
	struct strv cmd;	/* the command and its arguments */
	char *records;		/* "TAG\0VALUE\0"... */
	size_t records_len;
	FILE *rec;		/* open_memstream over records */
	bool failed;		/* out of memory somewhere: the plan is unusable */
	bool terminal;		/* process.terminal: needs --console-socket */
	unsigned int rows, cols;	/* process.consoleSize, 0 if not given */
	const char *netns_path;	/* linux.namespaces' network path (borrowed), or NULL */
	/*
	 * prestart/createRuntime hooks: the supervisor is started in the
	 * container's network namespace (a new one unless netns_path) and
	 * held there until they have run (cmd_create.c).
	 */
	bool hold_in_netns;
	/*
	 * A pod's sandbox (pause, infra) container, by its engine's marks
	 * (spec_annotations.c): the supervisor lives in the pod's network
	 * namespace, so /proc/PID/ns/net is it, but the guest gets only lo;
	 * the pod's application container takes the interface over.
	 */
	bool pod_sandbox;
	bool pod_member;	/* an application container of a pod (the same marks) */
	bool root_writable;	/* root.readonly false: its writes go back to the rootfs */
	bool autoremove;	/* podman's --rm: the rootfs goes when the container does */
	bool oom_set;		/* process.oomScoreAdj given: create applies it */
	int oom_score_adj;
};

bool plan_init(struct oci_plan *p);
/* Close the record stream: records/records_len are final.  False if anything failed. */
bool plan_finish(struct oci_plan *p);
void plan_free(struct oci_plan *p);

void strv_add(struct oci_plan *p, struct strv *s, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void strv_free(struct strv *s);
/* An option and its value ("--env", "K=V"). */
void plan_option(struct oci_plan *p, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void plan_record(struct oci_plan *p, const char *tag, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The value of the last "xlibos run" option @name the plan has, or NULL. */
const char *plan_option_value(const struct oci_plan *p, const char *name);

#endif
