// SPDX-License-Identifier: GPL-2.0
/* config.json "annotations": free-form, but io.xlibos.* are options of ours. */
#define _GNU_SOURCE
#include <stdint.h>
#include <string.h>

#include "log.h"
#include "spec.h"
#include "../size.h"

#define XLIBOS_PREFIX "io.xlibos."

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
		} else {
			oci_error("config.json: annotations.%s: unknown xlibos option", key);
			return false;
		}
	}
	return true;
}
