// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_get.h"
#include "log.h"

const char *jpath_key(char *buf, size_t len, const char *parent, const char *key)
{
	snprintf(buf, len, "%s%s%s", parent, *parent ? "." : "", key);
	return buf;
}

const char *jpath_index(char *buf, size_t len, const char *parent, size_t i)
{
	int n = snprintf(buf, len, "%s", parent);

	if (n >= 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, "[%zu]", i);
	return buf;
}

bool jget_known_keys(json_t *obj, const char *path, const char *const *known)
{
	const char *key;
	json_t *value;

	json_object_foreach(obj, key, value) {
		size_t i;

		for (i = 0; known[i] && strcmp(known[i], key); i++)
			;
		if (!known[i]) {
			char p[256];

			oci_error("config.json: %s: unknown or unsupported field",
				  jpath_key(p, sizeof(p), path, key));
			return false;
		}
	}
	return true;
}

static bool empty(json_t *v)
{
	return !v || json_is_null(v) || (json_is_array(v) && !json_array_size(v)) ||
	       (json_is_object(v) && !json_object_size(v)) ||
	       (json_is_string(v) && !json_string_length(v)) || json_is_false(v);
}

bool jget_refuse(json_t *obj, const char *key, const char *path, const char *why)
{
	char p[256];

	if (empty(json_object_get(obj, key)))
		return true;
	oci_error("config.json: %s: %s", jpath_key(p, sizeof(p), path, key), why);
	return false;
}

/* The member, or NULL; false (message) if required and missing. */
static bool member(json_t *obj, const char *key, const char *path, bool required, json_t **v)
{
	char p[256];

	*v = json_object_get(obj, key);
	if (*v && json_is_null(*v))
		*v = NULL;
	if (!*v && required) {
		oci_error("config.json: %s: missing", jpath_key(p, sizeof(p), path, key));
		return false;
	}
	return true;
}

static bool wrong(const char *path, const char *key, const char *what)
{
	char p[256];

	oci_error("config.json: %s: must be %s", jpath_key(p, sizeof(p), path, key), what);
	return false;
}

bool jget_object(json_t *obj, const char *key, const char *path, bool required, json_t **out)
{
	json_t *v;

	if (!member(obj, key, path, required, &v))
		return false;
	if (v && !json_is_object(v))
		return wrong(path, key, "an object");
	if (v)
		*out = v;
	return true;
}

bool jget_array(json_t *obj, const char *key, const char *path, bool required, json_t **out)
{
	json_t *v;

	if (!member(obj, key, path, required, &v))
		return false;
	if (v && !json_is_array(v))
		return wrong(path, key, "an array");
	if (v)
		*out = v;
	return true;
}

bool jget_string(json_t *obj, const char *key, const char *path, bool required,
		 const char **out)
{
	json_t *v;

	if (!member(obj, key, path, required, &v))
		return false;
	if (v && !json_is_string(v))
		return wrong(path, key, "a string");
	if (v)
		*out = json_string_value(v);
	return true;
}

bool jget_bool(json_t *obj, const char *key, const char *path, bool *out)
{
	json_t *v;

	if (!member(obj, key, path, false, &v))
		return false;
	if (v && !json_is_boolean(v))
		return wrong(path, key, "true or false");
	if (v)
		*out = json_is_true(v);
	return true;
}

bool jget_int(json_t *obj, const char *key, const char *path, bool required, int64_t min,
	      int64_t max, int64_t *out)
{
	char what[96];
	json_t *v;

	if (!member(obj, key, path, required, &v))
		return false;
	if (!v)
		return true;
	snprintf(what, sizeof(what), "an integer from %lld to %lld", (long long)min,
		 (long long)max);
	if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max)
		return wrong(path, key, what);
	*out = json_integer_value(v);
	return true;
}

bool jget_u64(json_t *obj, const char *key, const char *path, bool required, uint64_t *out)
{
	json_t *v;

	if (!member(obj, key, path, required, &v))
		return false;
	if (!v)
		return true;
	if (json_is_integer(v) && json_integer_value(v) >= 0) {
		*out = (uint64_t)json_integer_value(v);
		return true;
	}
	/* 18446744073709551615 (RLIM_INFINITY as some tools write it) parses as a real. */
	if (json_is_real(v) && json_real_value(v) == 18446744073709551615.0) {
		*out = UINT64_MAX;
		return true;
	}
	return wrong(path, key, "a non-negative integer");
}

bool jget_strings(json_t *obj, const char *key, const char *path, bool required,
		  const char ***out, size_t *n)
{
	json_t *arr = NULL, *v;
	const char **list;
	size_t i;

	if (!jget_array(obj, key, path, required, &arr))
		return false;
	if (!arr)
		return true;
	list = calloc(json_array_size(arr) + 1, sizeof(*list));
	if (!list) {
		oci_error("out of memory");
		return false;
	}
	json_array_foreach(arr, i, v) {
		if (!json_is_string(v)) {
			char p[256], q[256];

			free(list);
			oci_error("config.json: %s: must be a string",
				  jpath_index(q, sizeof(q), jpath_key(p, sizeof(p), path, key), i));
			return false;
		}
		list[i] = json_string_value(v);
	}
	free(*out);
	*out = list;
	*n = json_array_size(arr);
	return true;
}
