/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The data options each file system of a "mount" record takes: checked by
 * xlibos-runtime (loader/oci/spec_mounts.c, an error naming config.json's
 * field) and again by the guest init before it mounts or remounts
 * (container.c), so that a bad option is refused by name rather than by the
 * guest kernel's EINVAL.  The guest kernel checks the values.
 */
#ifndef XLIBOS_GUEST_MOUNT_OPTIONS_H
#define XLIBOS_GUEST_MOUNT_OPTIONS_H

#include <stdbool.h>
#include <string.h>

/*
 * A tmpfs record's DATA may start with this word, xlibos's own (the guest
 * init takes it out): the tmpfs starts with a copy of the directory's
 * files (podman's "tmpcopyup" option).
 */
#define XLIBOS_MOUNT_COPYUP	"tmpcopyup"

/* "KEY=" takes a value, a bare word does not (Linux 6.1's parsers). */
static inline bool mount_data_option_ok(const char *type, const char *opt, size_t len)
{
	static const struct {
		const char *type;
		const char *const options[8];
	} table[] = {
		{ "tmpfs", { "mode=", "size=", "nr_inodes=", "nr_blocks=", "uid=", "gid=", "huge=" } },
		{ "devpts", { "newinstance", "ptmxmode=", "mode=", "uid=", "gid=", "max=" } },
		{ "proc", { "hidepid=", "subset=", "gid=" } },
		{ "cgroup2", { "nsdelegate", "memory_recursiveprot" } },
		{ "cgroup", { "nsdelegate", "memory_recursiveprot" } },
		{ "sysfs", { NULL } },
		{ "mqueue", { NULL } },
	};

	for (size_t t = 0; t < sizeof(table) / sizeof(table[0]); t++) {
		if (strcmp(table[t].type, type))
			continue;
		for (size_t i = 0; i < 8 && table[t].options[i]; i++) {
			const char *o = table[t].options[i];
			size_t olen = strlen(o);

			if (o[olen - 1] == '=' ? len > olen && !strncmp(opt, o, olen)
					       : len == olen && !strncmp(opt, o, olen))
				return true;
		}
		return false;
	}
	return false;
}

#endif
