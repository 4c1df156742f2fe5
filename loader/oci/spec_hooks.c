// SPDX-License-Identifier: GPL-2.0
/*
 * config.json "hooks" (runtime-spec config.md, POSIX-platform hooks):
 * checked here, run by hooks.c on the host, as runc runs them.
 * createContainer and startContainer run inside the container's mount
 * namespace, which is the guest kernel's: refused unless empty.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "hooks.h"
#include "json_get.h"
#include "log.h"
#include "spec.h"

/* More hooks than this in one list is not a configuration. */
#define HOOKS_MAX	64

static const char *const hook_lists[] = {
	"prestart", "createRuntime", "createContainer", "startContainer", "poststart",
	"poststop", NULL
};
static const char *const hook_keys[] = { "path", "args", "env", "timeout", NULL };

/* In this file, not hooks.c: the spec parser is built alone for fuzzing. */
bool hooks_any(json_t *hooks, const char *name)
{
	return json_array_size(json_object_get(hooks, name)) > 0;
}

static bool check_hook(json_t *hook, const char *path)
{
	const char **args = NULL, **env = NULL;
	const char *exe = NULL;
	size_t nargs = 0, nenv = 0;
	int64_t timeout;
	bool ok;

	if (!json_is_object(hook)) {
		oci_error("config.json: %s: must be an object", path);
		return false;
	}
	ok = jget_known_keys(hook, path, hook_keys) &&
	     jget_string(hook, "path", path, true, &exe) &&
	     jget_strings(hook, "args", path, false, &args, &nargs) &&
	     jget_strings(hook, "env", path, false, &env, &nenv) &&
	     jget_int(hook, "timeout", path, false, 1, HOOK_TIMEOUT_MAX_S, &timeout);
	free(args);
	free(env);
	if (!ok)
		return false;
	/* Relative, it would name a file of whatever directory the runtime runs in. */
	if (exe[0] != '/' || strlen(exe) >= PATH_MAX) {
		oci_error("config.json: %s.path: '%s' is not an absolute path", path, exe);
		return false;
	}
	return true;
}

bool spec_hooks(json_t *hooks)
{
	const char *key;
	json_t *list;

	if (!jget_known_keys(hooks, "hooks", hook_lists) ||
	    !jget_refuse(hooks, "createContainer", "hooks",
			 "not supported: it runs in the container's namespaces, which are the guest kernel's") ||
	    !jget_refuse(hooks, "startContainer", "hooks",
			 "not supported: it runs in the container's namespaces, which are the guest kernel's"))
		return false;
	json_object_foreach(hooks, key, list) {
		char path[64];
		json_t *hook;
		size_t i;

		if (json_is_null(list))
			continue;
		snprintf(path, sizeof(path), "hooks.%s", key);
		if (!json_is_array(list)) {
			oci_error("config.json: %s: must be an array", path);
			return false;
		}
		if (json_array_size(list) > HOOKS_MAX) {
			oci_error("config.json: %s: more than %d hooks", path, HOOKS_MAX);
			return false;
		}
		json_array_foreach(list, i, hook) {
			snprintf(path, sizeof(path), "hooks.%s[%zu]", key, i);
			if (!check_hook(hook, path))
				return false;
		}
	}
	return true;
}
