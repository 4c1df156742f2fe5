/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_XLIBOS_STRING_H
#define _ASM_XLIBOS_STRING_H

/* The generic C string functions (lib/string.c) are used. */

#endif /* _ASM_XLIBOS_STRING_H */
