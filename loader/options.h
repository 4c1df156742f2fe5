/* SPDX-License-Identifier: GPL-2.0 */
/* Command line of "xlibos boot", and helpers shared with "xlibos run". */
#ifndef XLIBOS_LOADER_OPTIONS_H
#define XLIBOS_LOADER_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Loader policy: below this the kernel cannot get through early boot. */
#define XLIBOS_MIN_MEM		(UINT64_C(32) << 20)
#define XLIBOS_DEFAULT_MEM	(UINT64_C(128) << 20)
#define XLIBOS_DEFAULT_MEM_ARG	"128M"
#define XLIBOS_PAGE_SIZE	UINT64_C(4096)

struct boot_options {
	uint64_t mem_size;	/* bytes, page aligned, validated */
	const char *mem_arg;	/* --mem as typed, for messages */
	const char *cmdline;	/* never NULL; "" by default */
	const char *initrd_path; /* NULL if none */
	const char *image_path;	/* --image, else $XLIBOS_IMAGE, else NULL */
};

enum options_result {
	OPTIONS_OK,
	OPTIONS_HELP,	/* --help seen: print usage, exit 0 */
	OPTIONS_ERROR,	/* message already printed */
};

/*
 * Parse the arguments after "boot" (argv[0] is "boot").  host_mem is the
 * host's MemTotal in bytes (0 = unknown) and bounds --mem.
 */
enum options_result options_parse_boot(int argc, char **argv, uint64_t host_mem,
				       struct boot_options *opts);

/*
 * Validate --mem (already parsed or not): prints the error and returns
 * false if the value is unusable.  On success *bytes is page aligned.
 */
bool options_check_mem(const char *arg, uint64_t host_mem, uint64_t *bytes);

/*
 * Default image: <dir of running binary>/../xlibos.img.  Writes into buf;
 * returns false (with a message) if /proc/self/exe cannot be resolved.
 */
bool options_default_image(char *buf, size_t len);

/* Same rule applied to an explicit executable path (testable). */
bool options_image_beside(const char *exe_path, char *buf, size_t len);

/* An option taking a value, and where the value goes. */
struct option_spec {
	const char *name;	/* "--mem" */
	const char **slot;
};

enum options_match_result {
	OPTIONS_MATCH_FOUND,	/* *spec and *value set */
	OPTIONS_MATCH_NONE,	/* argv[*index] is none of specs */
	OPTIONS_MATCH_ERROR,	/* value missing; message printed */
};

/*
 * Match argv[*index] against specs as "--name VALUE" or "--name=VALUE"
 * (exact names only, no abbreviations).  Advances *index past a separate
 * value.  Shared by the sub-commands so they parse alike.
 */
enum options_match_result options_match(int argc, char **argv, int *index,
					const struct option_spec *specs, size_t nspecs,
					const struct option_spec **spec, const char **value);

#endif
