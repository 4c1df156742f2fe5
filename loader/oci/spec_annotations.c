// SPDX-License-Identifier: GPL-2.0
/* config.json "annotations": free-form, but io.xlibos.* are options of ours. */
#define _GNU_SOURCE
#include <stdint.h>
#include <string.h>

#include "log.h"
#include "spec.h"
#include "../size.h"

#define XLIBOS_PREFIX "io.xlibos."

/*
 * What a pod's engine calls its containers (sources: tests/oci/fixtures/
 * README.md, "Pods"): "sandbox" for the pod's pause container, "container"
 * for its application containers.
 */
static const char *const container_type_keys[] = {
	"io.kubernetes.cri.container-type",	/* containerd's CRI plugin */
	"io.kubernetes.cri-o.ContainerType",	/* CRI-O; podman's containers in a pod */
	NULL
};

/*
 * Podman (4.3 and later) marks only a pod's other containers; its infra
 * container has no mark but is its pause image's: ENTRYPOINT
 * ["/catatonit", "-P"] (pkg/specgen/generate/pause_image.go).
 */
static bool podman_infra(json_t *annotations, const struct oci_plan *plan)
{
	const char *manager = json_string_value(json_object_get(annotations,
								 "io.container.manager"));

	return manager && !strcmp(manager, "libpod") && plan->cmd.n == 2 &&
	       !strcmp(plan->cmd.v[0], "/catatonit") && !strcmp(plan->cmd.v[1], "-P");
}

/*
 * A pod's sandbox or application container.  Being marked a sandbox only
 * ever takes from a container (its guest gets only lo), so any one of the
 * marks saying so is enough.
 */
static void pod_role(json_t *annotations, struct oci_plan *plan)
{
	bool typed = false;

	for (size_t i = 0; container_type_keys[i]; i++) {
		const char *v = json_string_value(json_object_get(annotations,
							       container_type_keys[i]));

		if (!v)
			continue;
		typed = true;
		if (!strcmp(v, "sandbox"))
			plan->pod_sandbox = true;
		else if (!strcmp(v, "container"))
			plan->pod_member = true;
	}
	if (!typed && podman_infra(annotations, plan))
		plan->pod_sandbox = true;
	if (plan->pod_sandbox)
		plan->pod_member = false;
}

bool spec_annotations(json_t *annotations, struct oci_plan *plan)
{
	const char *key;
	json_t *value;

	json_object_foreach(annotations, key, value) {
		const char *v = json_string_value(value);
		uint64_t bytes;

		if (!json_is_string(value)) {
			oci_error("config.json: annotations.%s: must be a string", key);
			return false;
		}
		/* podman run --rm: nobody will see the rootfs after the container. */
		if (!strcmp(key, "io.podman.annotations.autoremove") && !strcmp(v, "TRUE"))
			plan->autoremove = true;
		if (strncmp(key, XLIBOS_PREFIX, strlen(XLIBOS_PREFIX)) != 0)
			continue;
		if (!strcmp(key, XLIBOS_PREFIX "mem")) {
			if (!size_parse(v, &bytes) || !bytes) {
				oci_error("config.json: annotations.%s: '%s' is not a size (e.g. 256M)",
					  key, v);
				return false;
			}
			plan_option(plan, "--mem", "%s", v);
		} else if (!strcmp(key, XLIBOS_PREFIX "abcom")) {
			if (strcmp(v, "off") && strcmp(v, "online") && strcmp(v, "full")) {
				oci_error("config.json: annotations.%s: '%s': expected off, online or full",
					  key, v);
				return false;
			}
			plan_option(plan, "--abcom", "%s", v);
		} else if (!strcmp(key, XLIBOS_PREFIX "net")) {
			/* Only less than the default: lo only, as a pod's sandbox. */
			if (strcmp(v, "none")) {
				oci_error("config.json: annotations.%s: '%s': only 'none' (the guest gets only lo)",
					  key, v);
				return false;
			}
			plan->pod_sandbox = true;
		} else {
			oci_error("config.json: annotations.%s: unknown xlibos option", key);
			return false;
		}
	}
	pod_role(annotations, plan);
	return true;
}
