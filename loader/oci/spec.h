/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A bundle's config.json (OCI runtime spec 1.x) turned into an "xlibos
 * run" plan.  Every field is type-checked; a field this runtime does not
 * know, or knows but cannot honour where that would change what the
 * container may do, is an error naming it, and nothing is started.
 */
#ifndef XLIBOS_OCI_SPEC_H
#define XLIBOS_OCI_SPEC_H

#include <jansson.h>
#include <limits.h>
#include <stdbool.h>

#include "plan.h"

/* Contents of a file bind mount copied in at start: at most this much. */
#define OCI_FILE_BIND_MAX	(1u << 20)
/* Host tasks the LibOS itself needs beside the container's (an idle guest has ~22). */
#define OCI_PIDS_OVERHEAD	32

struct oci_spec_info {
	char bundle[PATH_MAX];	/* real path of the bundle */
	char rootfs[PATH_MAX];	/* real path of root.path */
	json_t *annotations;	/* borrowed from the document, or NULL */
	json_t *hooks;		/* borrowed from the document, or NULL (checked: spec_hooks) */
};

/* Read BUNDLE/config.json and fill plan; *doc holds the parsed document (json_decref it). */
bool spec_load(const char *bundle, struct oci_plan *plan, struct oci_spec_info *info,
	       json_t **doc);

/* A JSON object from a file (regular, at most 4 MiB, no duplicate keys); NULL with a message. */
json_t *spec_read_file(const char *path);

/* The parts, each in its own file. */
bool spec_process(json_t *process, struct oci_plan *plan);
bool spec_root(json_t *root, const char *bundle, struct oci_plan *plan, char *rootfs);
bool spec_mounts(json_t *mounts, struct oci_plan *plan);
bool spec_linux(json_t *lnx, struct oci_plan *plan);
/* linux.resources alone (create's, and update's --resources). */
bool spec_resources(json_t *res, struct oci_plan *plan);
bool spec_annotations(json_t *annotations, struct oci_plan *plan);
bool spec_seccomp(json_t *seccomp, struct oci_plan *plan);
bool spec_hooks(json_t *hooks);
/* linux.cgroupsPath -> --cgroup-path (spec_cgroup.c); NULL or "": none. */
bool spec_cgroup_path(const char *value, struct oci_plan *plan);

#endif
