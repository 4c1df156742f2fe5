/* SPDX-License-Identifier: GPL-2.0 */
/* Signal names and numbers as runc's kill takes them: "TERM", "SIGTERM", "15". */
#ifndef XLIBOS_OCI_SIGNALS_H
#define XLIBOS_OCI_SIGNALS_H

/* The signal's number, or -1 if text names none. */
int signal_parse(const char *text);

#endif
