/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SHA-256 with nettle (Debian's libnettle8): the loader and the runtime
 * start at every container, and libcrypto cost each start about 0.8 ms
 * of dynamic loading against nettle's 0.2.
 */
#ifndef XLIBOS_LOADER_SHA256_OF_H
#define XLIBOS_LOADER_SHA256_OF_H

#include <stddef.h>
#include <stdint.h>

#include <nettle/sha2.h>

/* The SHA-256 of @len bytes at @data into @out (SHA256_DIGEST_SIZE bytes). */
static inline void sha256_of(const void *data, size_t len, uint8_t *out)
{
	struct sha256_ctx ctx;

	sha256_init(&ctx);
	sha256_update(&ctx, len, data);
	sha256_digest(&ctx, SHA256_DIGEST_SIZE, out);
}

#endif
