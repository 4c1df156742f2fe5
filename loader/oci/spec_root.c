// SPDX-License-Identifier: GPL-2.0
/* config.json "root": the container's tree, read-only or not. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "json_get.h"
#include "log.h"
#include "spec.h"
#include "../guest-init/config_format.h"

static const char *const root_keys[] = { "path", "readonly", NULL };

/* real is bundle itself or below it. */
static bool inside(const char *real, const char *bundle)
{
	size_t len = strlen(bundle);

	if (!strcmp(bundle, "/"))
		return true;
	return !strncmp(real, bundle, len) && (real[len] == '\0' || real[len] == '/');
}

bool spec_root(json_t *root, const char *bundle, struct oci_plan *plan, char *rootfs)
{
	const char *path = NULL;
	char joined[PATH_MAX];
	bool readonly = false;
	struct stat st;

	if (!jget_known_keys(root, "root", root_keys) ||
	    !jget_string(root, "path", "root", true, &path) ||
	    !jget_bool(root, "readonly", "root", &readonly))
		return false;
	if (!*path) {
		oci_error("config.json: root.path: empty");
		return false;
	}
	/*
	 * A relative path is the bundle's: it must stay inside it once every
	 * symlink is followed.  An absolute one is the caller's choice, as
	 * podman and containerd name their storage's directory.
	 */
	if (snprintf(joined, sizeof(joined), "%s%s%s", path[0] == '/' ? "" : bundle,
		     path[0] == '/' ? "" : "/", path) >= (int)sizeof(joined) ||
	    !realpath(joined, rootfs)) {
		oci_error("config.json: root.path '%s': %s", path, strerror(errno ? errno : ENAMETOOLONG));
		return false;
	}
	if (path[0] != '/' && !inside(rootfs, bundle)) {
		oci_error("config.json: root.path '%s' resolves to '%s', outside the bundle", path,
			  rootfs);
		return false;
	}
	if (stat(rootfs, &st) != 0 || !S_ISDIR(st.st_mode)) {
		oci_error("config.json: root.path '%s': not a directory", path);
		return false;
	}
	if (!strcmp(rootfs, "/")) {
		oci_error("config.json: root.path '%s' is the host's root directory", path);
		return false;
	}
	plan_option(plan, "--rootfs", "%s", rootfs);
	if (readonly)
		plan_record(plan, XLIBOS_CONFIG_ROOTRO, "1");
	plan->root_writable = !readonly;
	return true;
}
