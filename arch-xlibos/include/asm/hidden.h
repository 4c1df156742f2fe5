/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Included first in every C file: the image is one static link, so every
 * symbol is local and RIP-relative access needs no GOT, even for
 * addresses of extern functions.
 */
#pragma GCC visibility push(hidden)
