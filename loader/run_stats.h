/* SPDX-License-Identifier: GPL-2.0 */
#ifndef XLIBOS_LOADER_RUN_STATS_H
#define XLIBOS_LOADER_RUN_STATS_H

#include <asm/xlibos_boot.h>

/* One line on stderr: abcom's mode and counters (xlibos run --stats). */
void run_print_stats(const struct xlibos_exit_record *rec);

#endif
