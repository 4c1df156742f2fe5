// SPDX-License-Identifier: GPL-2.0
/* state and list: what the state directories say, as runc prints it. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "log.h"
#include "state.h"

int cmd_state(const struct oci_globals *g, int argc, char **argv)
{
	struct oci_container c;
	char *id[1], *text;
	json_t *report;
	int nid;

	if (!oci_parse("state", argc, argv, NULL, 0, id, &nid, 1) || nid != 1) {
		if (nid != 1)
			oci_error("state: usage: state ID");
		return OCI_EXIT_FAILURE;
	}
	if (!state_open(g->root, id[0], &c))
		return OCI_EXIT_FAILURE;
	report = state_report(&c);
	text = report ? json_dumps(report, JSON_INDENT(2)) : NULL;
	json_decref(report);
	state_close(&c);
	if (!text) {
		oci_error("out of memory");
		return OCI_EXIT_FAILURE;
	}
	printf("%s\n", text);
	free(text);
	return 0;
}

int cmd_list(const struct oci_globals *g, int argc, char **argv)
{
	const char *format = "table", *quiet = NULL;
	const struct oci_opt opts[] = {
		{ "--format", "-f", true, &format, NULL },
		{ "--quiet", "-q", false, &quiet, NULL },
	};
	json_t *all = json_array();
	char **ids;
	int npos;

	if (!oci_parse("list", argc, argv, opts, 2, NULL, &npos, 0))
		return OCI_EXIT_FAILURE;
	if (strcmp(format, "table") && strcmp(format, "json")) {
		oci_error("list: --format: table or json");
		return OCI_EXIT_FAILURE;
	}
	ids = state_list(g->root);
	if (!quiet && !strcmp(format, "table"))
		printf("%-20s %-8s %-10s %-40s %-30s %s\n", "ID", "PID", "STATUS", "BUNDLE",
		       "CREATED", "OWNER");
	for (size_t i = 0; ids && ids[i]; i++) {
		struct oci_container c;
		json_t *r;

		if (!state_open(g->root, ids[i], &c))
			continue;
		r = state_report(&c);
		state_close(&c);
		if (!r)
			continue;
		if (quiet)
			printf("%s\n", ids[i]);
		else if (!strcmp(format, "table"))
			printf("%-20s %-8lld %-10s %-40s %-30s %s\n", ids[i],
			       (long long)json_integer_value(json_object_get(r, "pid")),
			       json_string_value(json_object_get(r, "status")),
			       json_string_value(json_object_get(r, "bundle")),
			       json_string_value(json_object_get(r, "created")), "root");
		if (!quiet && !strcmp(format, "json"))
			json_array_append_new(all, r);
		else
			json_decref(r);
		free(ids[i]);
	}
	free(ids);
	if (!quiet && !strcmp(format, "json")) {
		char *text = json_dumps(all, 0);

		printf("%s\n", text ? text : "[]");
		free(text);
	}
	json_decref(all);
	return 0;
}
