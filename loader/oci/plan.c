// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "plan.h"

bool plan_init(struct oci_plan *p)
{
	*p = (struct oci_plan){ 0 };
	p->rec = open_memstream(&p->records, &p->records_len);
	if (!p->rec) {
		oci_error("out of memory");
		return false;
	}
	return true;
}

bool plan_finish(struct oci_plan *p)
{
	if (p->rec) {
		if (ferror(p->rec) || fclose(p->rec) != 0)
			p->failed = true;
		p->rec = NULL;
	}
	if (p->failed)
		oci_error("out of memory");
	return !p->failed;
}

void strv_free(struct strv *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	*s = (struct strv){ 0 };
}

void plan_free(struct oci_plan *p)
{
	if (p->rec)
		fclose(p->rec);
	strv_free(&p->options);
	strv_free(&p->cmd);
	free(p->records);
	*p = (struct oci_plan){ 0 };
}

static void strv_push(struct oci_plan *p, struct strv *s, char *str)
{
	if (!str) {
		p->failed = true;
		return;
	}
	if (s->n + 2 > s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		char **v = realloc(s->v, cap * sizeof(*v));

		if (!v) {
			free(str);
			p->failed = true;
			return;
		}
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = str;
	s->v[s->n] = NULL;
}

static char *vformat(const char *fmt, va_list ap)
{
	char *s;

	return vasprintf(&s, fmt, ap) < 0 ? NULL : s;
}

void strv_add(struct oci_plan *p, struct strv *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	strv_push(p, s, vformat(fmt, ap));
	va_end(ap);
}

void plan_option(struct oci_plan *p, const char *name, const char *fmt, ...)
{
	va_list ap;

	strv_push(p, &p->options, strdup(name));
	va_start(ap, fmt);
	strv_push(p, &p->options, vformat(fmt, ap));
	va_end(ap);
}

void plan_record(struct oci_plan *p, const char *tag, const char *fmt, ...)
{
	va_list ap;
	char *value;

	va_start(ap, fmt);
	value = vformat(fmt, ap);
	va_end(ap);
	if (!value || !p->rec) {
		p->failed = true;
		free(value);
		return;
	}
	fwrite(tag, 1, strlen(tag) + 1, p->rec);
	fwrite(value, 1, strlen(value) + 1, p->rec);
	free(value);
}

const char *plan_option_value(const struct oci_plan *p, const char *name)
{
	const char *value = NULL;

	for (size_t i = 0; i + 1 < p->options.n; i++)
		if (!strcmp(p->options.v[i], name))
			value = p->options.v[i + 1];
	return value;
}
