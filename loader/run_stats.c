// SPDX-License-Identifier: GPL-2.0
/* xlibos run --stats: what abcom did, from the LibOS's exit record. */
#include <stdio.h>

#include "run_stats.h"

void run_print_stats(const struct xlibos_exit_record *rec)
{
	static const char *const modes[] = { "off", "online", "full" };
	const struct xlibos_abcom_counters *c = &rec->abcom;
	__u64 calls = c->fast_calls + c->slow_calls;

	if (rec->magic != XLIBOS_EXIT_MAGIC)
		return;		/* the LibOS died before it could write them */
	fprintf(stderr,
		"xlibos: abcom mode=%s fast_calls=%llu slow_calls=%llu"
		" fast_percent=%.1f patched_load=%llu patched_online=%llu"
		" deferred=%llu resumed=%llu refused=%llu\n",
		c->mode < 3 ? modes[c->mode] : "?", c->fast_calls, c->slow_calls,
		calls ? 100.0 * (double)c->fast_calls / (double)calls : 0.0,
		c->patched_load, c->patched_online, c->deferred, c->resumed,
		c->refused);
}
