/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Type-checked reads of a config.json (jansson), each failure one message
 * naming the field by its path ("process.user.uid: must be ...").
 * A missing optional field leaves *out untouched and returns true.
 */
#ifndef XLIBOS_OCI_JSON_GET_H
#define XLIBOS_OCI_JSON_GET_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* "parent.key" or "parent[i]" into buf (truncated if it must be). */
const char *jpath_key(char *buf, size_t len, const char *parent, const char *key);
const char *jpath_index(char *buf, size_t len, const char *parent, size_t i);

/* Every key of obj is in the NULL-terminated list, else names the first other one. */
bool jget_known_keys(json_t *obj, const char *path, const char *const *known);

/* A field that must be absent (or null, or an empty array/object/string): why it is refused. */
bool jget_refuse(json_t *obj, const char *key, const char *path, const char *why);

bool jget_object(json_t *obj, const char *key, const char *path, bool required, json_t **out);
bool jget_array(json_t *obj, const char *key, const char *path, bool required, json_t **out);
bool jget_string(json_t *obj, const char *key, const char *path, bool required,
		 const char **out);
bool jget_bool(json_t *obj, const char *key, const char *path, bool *out);
/* An integer in [min, max]. */
bool jget_int(json_t *obj, const char *key, const char *path, bool required, int64_t min,
	      int64_t max, int64_t *out);
/* A non-negative integer up to UINT64_MAX (jansson's integers are signed: above INT64_MAX as a real). */
bool jget_u64(json_t *obj, const char *key, const char *path, bool required, uint64_t *out);
/* An array whose elements are all strings; *out NULL-terminated, malloc'd (strings borrowed). */
bool jget_strings(json_t *obj, const char *key, const char *path, bool required,
		  const char ***out, size_t *n);

#endif
