// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz the LibOS's use of the site tables the loader hands it
 * (/.xlibos/abcom-tables): parse_handed() and the lookups of
 * arch-xlibos/kernel/abcom_sites.c and build_trampoline() of abcom_patch.c,
 * copied verbatim at build time (extract-kernel.sh), with the abcom
 * library's abcom_check_windows() (abcom_check_sites() in older trees),
 * abcom_site_sane() and abcom_plan().
 *
 * Input: a little-endian u32 length L, L bytes of an executable file,
 * then the tables file.  Every table parsed is taken as the file's: its
 * size and sample hash are only the key the LibOS finds it by, which whoever
 * forges a table copies from the file.  Then, as take_handed() does, its
 * sites are checked against the file (where the LibOS does so), and each
 * is used as patch_site() in abcom_patch.c uses it: looked up, the code of
 * its window read into a buffer of ABCOM_MAX_WINDOW bytes (patch_copy(),
 * emulated), the patch planned and the trampoline built.  A sanitizer
 * report is what the LibOS would do to its own memory.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel_shim.h"

static LIST_HEAD(handed);

#include "handed_extract.inc"

static void fuzz_setup(void)
{
}

/* patch_site() with the code at the window being what the table says. */
static void patch_site(const struct abcom_site *fsite)
{
	u8 cur[ABCOM_MAX_WINDOW], tramp[XLIBOS_ABCOM_TRAMP_SIZE];
	struct abcom_site s = *fsite;
	struct abcom_patch p;

#ifdef KERNEL_PATCH_SITE_CHECKS_SANE
	if (!abcom_site_sane(&s))
		return;
#endif
	/* patch_copy(pp, s.start, cur, s.window_len, false): the code as mapped */
	memcpy(cur, fsite->bytes, s.window_len);
	if (memcmp(cur, s.bytes, s.window_len))
		return;
	/* slot 1 and its trampoline, as am->next_slot == 1 gives */
	if (abcom_plan(&s, XLIBOS_ABCOM_AREA + 8, &p) != ABCOM_OK)
		return;
	build_trampoline(&p, XLIBOS_ABCOM_TRAMP + XLIBOS_ABCOM_TRAMP_SIZE, tramp);
}

/* take_handed() for a file, then its sites as the patcher meets them. */
static void use_table(struct handed_table *h, const u8 *file, size_t file_size)
{
	struct xlibos_site_table t = { .n = h->n, .sites = h->sites };

#if defined(KERNEL_CHECKS_HANDED_WINDOWS)
	(void)file;
	(void)file_size;
	if (t.n && abcom_check_windows(t.sites, &t.n) != ABCOM_OK)
		t.n = 0;
#elif defined(KERNEL_CHECKS_HANDED_SITES)
	if (t.n && abcom_check_sites(file, file_size, t.sites, &t.n) != ABCOM_OK)
		t.n = 0;
#else
	(void)file;
	(void)file_size;
#endif
	for (size_t i = 0; i < t.n; i++) {
		const struct abcom_site *s = xlibos_site_at(&t, t.sites[i].addr);

		if (s)
			patch_site(s);
	}
}

static void fuzz_one(const uint8_t *data, size_t len)
{
	size_t off = 0, used, file_size;
	const u8 *file;
	u8 *tables;
	uint32_t l;

	if (len < sizeof(l))
		return;
	memcpy(&l, data, sizeof(l));
	file_size = l;
	if (file_size > len - sizeof(l))
		return;
	file = data + sizeof(l);
	len -= sizeof(l) + file_size;
	/* aligned, as the LibOS's buffer of the whole tables file is */
	tables = malloc(len ? len : 1);
	if (!tables)
		return;
	memcpy(tables, file + file_size, len);

	/* abcom_read_handed_tables() */
	while (off < len && (used = parse_handed(tables + off, len - off)))
		off += used;

	while (!list_empty(&handed)) {
		struct handed_table *h = list_first_entry(&handed, struct handed_table, list);

		use_table(h, file, file_size);
		list_del(&h->list);
		kvfree(h->sites);
		kfree(h);
	}
	free(tables);
}

#include "driver.h"
