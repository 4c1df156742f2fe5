// SPDX-License-Identifier: GPL-2.0
/*
 * linux.cgroupsPath: where runc puts the container's processes, and where
 * podman stats, docker stats, kubelet and `update` look for them.  The
 * supervisor makes the container's cgroup there (--cgroup-path, cgroup.c)
 * instead of one of its own.  Two forms, as runc's two drivers take them:
 *   /A/B                 cgroupfs: that path in every hierarchy
 *   SLICE:PREFIX:NAME    systemd: PREFIX-NAME.scope in SLICE (default
 *                        system.slice), the slice expanded as systemd nests
 *                        it ("a-b.slice" is /a.slice/a-b.slice); the
 *                        directories are made as cgroupfs does, no unit is
 *                        registered with systemd
 * A relative path (runc: below its own cgroup) is refused by name.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "../cgroup_path.h"
#include "log.h"
#include "plan.h"
#include "spec.h"

/* "a-b-c.slice" -> "/a.slice/a-b.slice/a-b-c.slice" (runc's ExpandSlice); false if not a slice. */
static bool expand_slice(const char *slice, char *out, size_t len)
{
	size_t n = strlen(slice), used = 0;

	if (n <= 6 || strcmp(slice + n - 6, ".slice") || strchr(slice, '/'))
		return false;
	n -= 6;
	if (n == 1 && slice[0] == '-') {
		snprintf(out, len, "/");
		return true;
	}
	for (size_t end = 0; end <= n; end++) {
		int w;

		if (end < n && slice[end] != '-')
			continue;
		/* Each level is the name up to a '-': no empty part. */
		if (end == 0 || slice[end - 1] == '-')
			return false;
		w = snprintf(out + used, len - used, "/%.*s.slice", (int)end, slice);
		if (w < 0 || (size_t)w >= len - used)
			return false;
		used += (size_t)w;
	}
	return true;
}

static bool systemd_path(const char *value, char *out, size_t len)
{
	char copy[CGROUP_PATH_MAX + 1], *prefix, *name, parent[CGROUP_PATH_MAX];
	const char *slice;

	if (strlen(value) > CGROUP_PATH_MAX)
		return false;
	snprintf(copy, sizeof(copy), "%s", value);
	prefix = strchr(copy, ':');
	name = prefix ? strchr(prefix + 1, ':') : NULL;
	if (!name || strchr(name + 1, ':') || !name[1] || strchr(name + 1, '/'))
		return false;
	*prefix++ = '\0';
	*name++ = '\0';
	slice = *copy ? copy : "system.slice";
	if (!expand_slice(slice, parent, sizeof(parent)) || strchr(prefix, '/'))
		return false;
	/* A name that is a slice is the unit itself; else a scope, as runc makes. */
	if (strlen(name) > 6 && !strcmp(name + strlen(name) - 6, ".slice"))
		return snprintf(out, len, "%s/%s", strcmp(parent, "/") ? parent : "", name) <
		       (int)len;
	return snprintf(out, len, "%s/%s%s%s.scope", strcmp(parent, "/") ? parent : "", prefix,
			*prefix ? "-" : "", name) < (int)len;
}

bool spec_cgroup_path(const char *value, struct oci_plan *plan)
{
	char path[CGROUP_PATH_MAX + 1];

	if (!value || !*value)
		return true;
	if (value[0] == '/')
		snprintf(path, sizeof(path), "%s", value);
	else if (!strchr(value, ':') || !systemd_path(value, path, sizeof(path)))
		path[0] = '\0';
	if (!path[0] || strlen(value) > CGROUP_PATH_MAX || !cgroup_path_ok(path)) {
		oci_error("config.json: linux.cgroupsPath '%s': expected /NAME[/NAME...] or SLICE:PREFIX:NAME, without . or .. (a relative path is not supported)",
			  value);
		return false;
	}
	plan_option(plan, "--cgroup-path", "%s", path);
	return true;
}
