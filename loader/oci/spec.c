// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hooks.h"
#include "json_get.h"
#include "log.h"
#include "spec.h"

/* A config.json larger than this is not one. */
#define CONFIG_MAX	(4u << 20)

static const char *const top_keys[] = {
	"ociVersion", "process", "root", "hostname", "domainname", "mounts", "hooks",
	"annotations", "linux", NULL
};

/* A JSON object from path: a regular file (never a FIFO or device) of at most 4 MiB, parsed strictly. */
json_t *spec_read_file(const char *path)
{
	json_error_t err;
	struct stat st;
	json_t *doc;
	FILE *f;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > CONFIG_MAX) {
		oci_error("%s: %s", path, fd < 0 ? strerror(errno) :
			  "not a regular file of at most 4 MiB");
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	f = fdopen(fd, "r");
	if (!f) {
		close(fd);
		oci_error("%s: %s", path, strerror(errno));
		return NULL;
	}
	/* Duplicate keys could mean one thing to us and another to a checker. */
	doc = json_loadf(f, JSON_REJECT_DUPLICATES, &err);
	fclose(f);
	if (!doc) {
		oci_error("%s: line %d column %d: %s", path, err.line, err.column, err.text);
		return NULL;
	}
	if (!json_is_object(doc)) {
		oci_error("%s: not a JSON object", path);
		json_decref(doc);
		return NULL;
	}
	return doc;
}

/* The bundle's config.json. */
static json_t *load_config(const char *bundle)
{
	char path[PATH_MAX];

	if (snprintf(path, sizeof(path), "%s/config.json", bundle) >= (int)sizeof(path)) {
		oci_error("bundle path too long");
		return NULL;
	}
	return spec_read_file(path);
}

/*
 * The guest's network.  A prepared namespace (podman, CNI): its interface
 * becomes the guest's eth0.  Without one, a new empty namespace: only lo,
 * as runc's.  With prestart/createRuntime hooks (Docker's
 * libnetwork-setkey), the supervisor lives in the container's namespace
 * (a new one, or the one named) so that /proc/PID/ns/net is it, the hooks
 * put interfaces there, and the guest then takes them over from it.
 * A pod's sandbox container: its supervisor lives in the pod's namespace
 * too, and its guest gets only lo, leaving the interface to the pod's
 * application container.
 */
static void spec_network(struct oci_plan *plan, json_t *hooks)
{
	plan->hold_in_netns = hooks_any(hooks, "prestart") || hooks_any(hooks, "createRuntime");
	if (plan->pod_sandbox)
		plan_option(plan, "--net", "none");	/* its supervisor joins it (cmd_create.c) */
	else if (plan->netns_path)
		plan_option(plan, "--net", "netns:%s", plan->netns_path);
	else if (plan->hold_in_netns)
		plan_option(plan, "--net", "netns:/proc/self/ns/net");
	else
		plan_option(plan, "--net", "none");
}

bool spec_load(const char *bundle, struct oci_plan *plan, struct oci_spec_info *info,
	       json_t **doc_out)
{
	json_t *doc, *process = NULL, *root = NULL, *mounts = NULL, *lnx = NULL,
		*annotations = NULL, *hooks = NULL;
	const char *version = NULL, *hostname = NULL, *domainname = NULL;

	*doc_out = NULL;
	if (!realpath(bundle, info->bundle)) {
		oci_error("bundle '%s': %s", bundle, strerror(errno));
		return false;
	}
	doc = load_config(info->bundle);
	if (!doc)
		return false;
	*doc_out = doc;
	if (!jget_known_keys(doc, "", top_keys) ||
	    !jget_string(doc, "ociVersion", "", true, &version))
		return false;
	if (strncmp(version, "1.", 2) != 0) {
		oci_error("config.json: ociVersion: '%s' is not a 1.x version", version);
		return false;
	}
	if (!jget_object(doc, "hooks", "", false, &hooks) || (hooks && !spec_hooks(hooks)) ||
	    !jget_object(doc, "process", "", true, &process) ||
	    !jget_object(doc, "root", "", true, &root) ||
	    !jget_array(doc, "mounts", "", false, &mounts) ||
	    !jget_object(doc, "linux", "", true, &lnx) ||
	    !jget_object(doc, "annotations", "", false, &annotations) ||
	    !jget_string(doc, "hostname", "", false, &hostname) ||
	    !jget_string(doc, "domainname", "", false, &domainname))
		return false;
	if (domainname && *domainname) {
		oci_error("config.json: domainname: not supported");
		return false;
	}
	if (hostname && *hostname) {
		if (strlen(hostname) > 64 || strchr(hostname, '\n')) {
			oci_error("config.json: hostname: at most 64 bytes, one line");
			return false;
		}
		plan_option(plan, "--hostname", "%s", hostname);
	} else {
		/* As runc's new UTS namespace (ctr run sets none): the host's name. */
		char host[HOST_NAME_MAX + 1];

		if (gethostname(host, sizeof(host)) == 0 && host[0] && !strchr(host, '\n'))
			plan_option(plan, "--hostname", "%s", host);
	}
	info->annotations = annotations;
	info->hooks = hooks;
	if (!spec_root(root, info->bundle, plan, info->rootfs) || !spec_process(process, plan) ||
	    !spec_annotations(annotations, plan) || !spec_linux(lnx, plan) ||
	    (mounts && !spec_mounts(mounts, plan)))
		return false;
	spec_network(plan, hooks);
	/*
	 * Writes land in the rootfs, as runc's do: podman diff, commit, cp,
	 * restarts; not for podman's --rm, whose rootfs is removed right after
	 * (a write-back would only make its end slower).
	 */
	if (plan->root_writable && !plan->autoremove)
		strv_add(plan, &plan->options, "--rootfs-writeback");
	return true;
}
