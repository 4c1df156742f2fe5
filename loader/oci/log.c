// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <fcntl.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static int log_fd = -1;
static bool log_json;
static const char *document;	/* what "config.json: " messages are about, or NULL */

void oci_log_document(const char *name)
{
	document = name;
}

bool oci_log_open(const char *path, bool json)
{
	log_json = json;
	if (!path)
		return true;
	log_fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
	if (log_fd < 0) {
		fprintf(stderr, OCI_PROGRAM ": cannot open the log '%s': %m\n", path);
		return false;
	}
	return true;
}

static void to_log(const char *level, const char *msg)
{
	char stamp[64];
	struct timespec ts;
	struct tm tm;
	char *line = NULL;

	if (log_fd < 0)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	snprintf(stamp, sizeof(stamp), "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec);
	if (log_json) {
		json_t *o = json_pack("{s:s, s:s, s:s}", "level", level, "msg", msg, "time", stamp);
		char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;

		if (text && asprintf(&line, "%s\n", text) < 0)
			line = NULL;
		free(text);
		json_decref(o);
	} else if (asprintf(&line, "%s %s: %s\n", stamp, level, msg) < 0) {
		line = NULL;
	}
	/* One write: several runtime calls may append at once. */
	if (line && write(log_fd, line, strlen(line)) < 0) {
		/* Nowhere left to say it; stderr had the message. */
	}
	free(line);
}

void oci_error(const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* The spec parsers name config.json; exec's --process is another file. */
	if (document && !strncmp(msg, "config.json: ", 13)) {
		char renamed[2048];

		snprintf(renamed, sizeof(renamed), "%s: %s", document, msg + 13);
		memcpy(msg, renamed, sizeof(msg));
	}
	fprintf(stderr, OCI_PROGRAM ": %s\n", msg);
	to_log("error", msg);
}

void oci_warn(const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, OCI_PROGRAM ": warning: %s\n", msg);
	to_log("warning", msg);
}

void oci_info(const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	to_log("info", msg);
}
