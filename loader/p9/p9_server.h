/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A 9P2000.L file server on one host directory, for a hostile client (the
 * guest): every message is bounds-checked, every fid is an O_PATH
 * descriptor reached one component at a time beneath the directory, no
 * symlink is ever followed on the host and no mount point crossed.
 * Transport-free: the virtio device (loader/virtio/p9.c) and the tests
 * hand it whole T-messages and get R-messages back.  Not thread-safe: one
 * device thread serves one server.
 *
 * Policy (docs/security.md, "Volumes"):
 * - Ownership: as host root, what the guest creates gets the uid of the
 *   fid's attach (Linux attaches once per guest user) and the gid it asks,
 *   like a bind mount; rootless, files are the user's and the user's own
 *   ids read as 0 (the guest's root).  Set-id bits are never set by the
 *   guest on files, and are dropped before the guest writes or truncates.
 * - Hard links: as root, a non-directory with other links whose owner is
 *   not the volume root's owner is never opened, truncated or changed
 *   (EACCES): it may be a host file linked in by that owner.
 * - FIFOs, sockets and devices are never opened (EACCES), so every
 *   operation completes promptly; the guest's own FIFOs work inside it.
 *   Device nodes cannot be made (EPERM).
 * - Locks: Tlock is always granted and Tgetlock says unlocked (locks work
 *   between the guest's processes, in its kernel, not with the host's).
 * - Extended attributes: EOPNOTSUPP.
 */
#ifndef XLIBOS_LOADER_P9_SERVER_H
#define XLIBOS_LOADER_P9_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Largest msize we agree to (Linux's virtio transport takes ~500 KB). */
#define P9_MAX_MSIZE	(512U * 1024)
/* Most fids a client may hold at once (each costs one or two fds). */
#define P9_MAX_FIDS	4096U

struct p9_server;

/* What the guest may do to the shared directory. */
enum p9_share {
	P9_SHARE_READ_WRITE,	/* a volume: no set-id files made (security.md) */
	P9_SHARE_READ_ONLY,	/* EROFS to anything that would change it */
	/*
	 * The container's own rootfs, for --rootfs-writeback: read-write and
	 * set-id bits kept, as runc's container writes them into its rootfs.
	 */
	P9_SHARE_ROOTFS,
};

/*
 * A server on @dirfd (a directory, O_PATH is enough; taken over, even on
 * failure), shared as @share says.  NULL with errno set on failure.
 */
struct p9_server *p9_server_new(int dirfd, enum p9_share share);
void p9_server_free(struct p9_server *s);

/*
 * Serve one T-message (@req, @req_len bytes as received) into @resp
 * (@resp_cap bytes: what the client gave for the answer).  Returns the
 * R-message's length (an Rlerror for any bad or failed request), or 0 if
 * the message is not 9P at all (its size field disagrees with @req_len or
 * is below the header) or @resp_cap cannot hold even an Rlerror: the
 * transport should then give up on the client.
 */
size_t p9_server_handle(struct p9_server *s, const uint8_t *req, size_t req_len,
			uint8_t *resp, size_t resp_cap);

/* Fids held now (tests: clunk and Tversion release them). */
unsigned int p9_server_nfids(const struct p9_server *s);

#endif
