// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <asm/xlibos_boot.h>
#include <asm/xlibos_hostcalls.h>

#include "diag.h"
#include "hostcall_policy.h"
#include "image.h"
#include "safe_open.h"
#include "size.h"

/* Suggested --mem values are rounded to whole MiB. */
#define MIB (UINT64_C(1) << 20)

#define image_error(img, fmt, ...) \
	diag_error("image '%s': " fmt, (img)->path, ##__VA_ARGS__)

/* Is [off, off+len) inside a file of file_size bytes (overflow safe)? */
static bool within_file(uint64_t off, uint64_t len, uint64_t file_size)
{
	return off <= file_size && len <= file_size - off;
}

static bool check_header(struct image *img, Elf *elf, GElf_Ehdr *eh)
{
	size_t ident_len;
	const char *ident;

	if (elf_kind(elf) != ELF_K_ELF) {
		image_error(img, "not an ELF file");
		return false;
	}
	ident = elf_getident(elf, &ident_len);
	if (!ident || ident_len < EI_NIDENT) {
		image_error(img, "truncated ELF header");
		return false;
	}
	if (ident[EI_CLASS] != ELFCLASS64) {
		image_error(img, "not a 64-bit ELF file (ELF class %d)", ident[EI_CLASS]);
		return false;
	}
	if (ident[EI_DATA] != ELFDATA2LSB) {
		image_error(img, "not a little-endian ELF file");
		return false;
	}
	if (!gelf_getehdr(elf, eh)) {
		image_error(img, "truncated or corrupt ELF header: %s", elf_errmsg(-1));
		return false;
	}
	if (eh->e_machine != EM_X86_64) {
		image_error(img, "built for ELF machine %u, not x86-64", eh->e_machine);
		return false;
	}
	return true;
}

/* Program headers and every segment's file bytes must lie inside the file. */
static bool check_layout_in_file(struct image *img, Elf *elf, const GElf_Ehdr *eh,
				 uint64_t file_size, size_t *phnum)
{
	uint64_t shnum = eh->e_shnum;

	if (elf_getphdrnum(elf, phnum) != 0) {
		image_error(img, "corrupt program header count: %s", elf_errmsg(-1));
		return false;
	}
	/* libelf quietly clips the count to what fits, so use the header's. */
	if (eh->e_phnum != PN_XNUM && eh->e_phnum > *phnum)
		*phnum = eh->e_phnum;
	if (*phnum && (eh->e_phentsize != sizeof(Elf64_Phdr) ||
		       !within_file(eh->e_phoff, (uint64_t)*phnum * sizeof(Elf64_Phdr),
				    file_size))) {
		image_error(img, "truncated file: program headers extend beyond its end");
		return false;
	}
	/* Section headers are not needed to boot, but a cut-off table means a cut-off file. */
	if (eh->e_shoff && shnum &&
	    !within_file(eh->e_shoff, shnum * eh->e_shentsize, file_size)) {
		image_error(img, "truncated file: section headers extend beyond its end");
		return false;
	}
	for (size_t i = 0; i < *phnum; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(elf, (int)i, &ph)) {
			image_error(img, "cannot read program header %zu: %s", i, elf_errmsg(-1));
			return false;
		}
		if (!within_file(ph.p_offset, ph.p_filesz, file_size)) {
			image_error(img, "truncated file: segment %zu extends beyond its end", i);
			return false;
		}
	}
	return true;
}

enum note_search {
	NOTE_ABSENT,
	NOTE_OK,
	NOTE_BAD,	/* found but unusable; message printed */
};

static enum note_search read_version_note(struct image *img, const char *desc,
					  uint32_t descsz)
{
	uint32_t version;

	if (descsz != sizeof(uint32_t)) {
		image_error(img, "malformed %s boot note (%u-byte descriptor, expected 4)",
			    XLIBOS_NOTE_NAME, descsz);
		return NOTE_BAD;
	}
	memcpy(&version, desc, sizeof(version));
	if (version != XLIBOS_BOOT_VERSION) {
		image_error(img, "image boot protocol version %u, loader expects %d",
			    version, XLIBOS_BOOT_VERSION);
		return NOTE_BAD;
	}
	return NOTE_OK;
}

/* The hypercall section's bounds and host calls (asm/xlibos_hostcalls.h). */
static enum note_search read_hostcalls_note(struct image *img, const char *desc,
					    uint32_t descsz)
{
	uint32_t w[XLIBOS_HOSTCALLS_NOTE_HEADER];

	if (descsz < sizeof(w)) {
		image_error(img, "malformed host-call note (%u bytes)", descsz);
		return NOTE_BAD;
	}
	memcpy(w, desc, sizeof(w));
	if (w[0] != XLIBOS_HOSTCALLS_NOTE_VERSION || w[1] > XLIBOS_HOSTCALLS_MAX ||
	    descsz != sizeof(uint32_t) * (XLIBOS_HOSTCALLS_NOTE_HEADER + w[1])) {
		image_error(img, "malformed host-call note (version %u, %u calls, %u bytes)",
			    w[0], w[1], descsz);
		return NOTE_BAD;
	}
	img->hypercall_start = w[2] | (uint64_t)w[3] << 32;
	img->hypercall_end = w[4] | (uint64_t)w[5] << 32;
	img->nhostcalls = w[1];
	memcpy(img->hostcalls, desc + sizeof(w), sizeof(uint32_t) * w[1]);
	return NOTE_OK;
}

/* Look for the XLibOS notes in one block of note data. */
static enum note_search scan_notes(struct image *img, Elf_Data *data,
				   enum note_search *hostcalls)
{
	enum note_search found = NOTE_ABSENT;
	GElf_Nhdr nh;
	size_t off = 0, name_off, desc_off, next;

	while (data && (next = gelf_getnote(data, off, &nh, &name_off, &desc_off)) > 0) {
		const char *base = data->d_buf;

		off = next;
		if (nh.n_namesz != sizeof(XLIBOS_NOTE_NAME) ||
		    memcmp(base + name_off, XLIBOS_NOTE_NAME, sizeof(XLIBOS_NOTE_NAME)) != 0)
			continue;
		if (nh.n_type == XLIBOS_NOTE_TYPE && found == NOTE_ABSENT)
			found = read_version_note(img, base + desc_off, nh.n_descsz);
		else if (nh.n_type == XLIBOS_NOTE_HOSTCALLS && *hostcalls == NOTE_ABSENT)
			*hostcalls = read_hostcalls_note(img, base + desc_off, nh.n_descsz);
		if (found == NOTE_BAD || *hostcalls == NOTE_BAD)
			return NOTE_BAD;
	}
	return found;
}

/* The notes identify an xlibos image; check PT_NOTE first, then sections. */
static bool check_boot_note(struct image *img, Elf *elf, size_t phnum)
{
	enum note_search found = NOTE_ABSENT, hostcalls = NOTE_ABSENT;

	for (size_t i = 0; i < phnum && found == NOTE_ABSENT; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_NOTE)
			continue;
		Elf_Data *data = elf_getdata_rawchunk(elf, (int64_t)ph.p_offset, ph.p_filesz,
						      ELF_T_NHDR);
		found = scan_notes(img, data, &hostcalls);
	}
	for (Elf_Scn *scn = NULL;
	     (found == NOTE_ABSENT || (found == NOTE_OK && hostcalls == NOTE_ABSENT)) &&
	     (scn = elf_nextscn(elf, scn));) {
		GElf_Shdr sh;

		if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_NOTE)
			found = scan_notes(img, elf_getdata(scn, NULL), &hostcalls);
	}

	if (found == NOTE_ABSENT)
		image_error(img, "not an xlibos image (no %s boot note)", XLIBOS_NOTE_NAME);
	else if (found == NOTE_OK && hostcalls == NOTE_ABSENT)
		image_error(img, "no host-call note: built for a loader without the sandbox (rebuild it)");
	return found == NOTE_OK && hostcalls == NOTE_OK;
}

static bool collect_segments(struct image *img, Elf *elf, size_t phnum,
			     uint64_t phys_size, const char *mem_arg)
{
	const uint64_t window_lo = XLIBOS_PHYS_VIRT + XLIBOS_IMAGE_PHYS;
	const uint64_t window_hi = XLIBOS_PHYS_VIRT + XLIBOS_PHYS_MAX;
	uint64_t end = 0;

	img->segments = calloc(phnum ? phnum : 1, sizeof(*img->segments));
	if (!img->segments) {
		image_error(img, "out of memory");
		return false;
	}

	for (size_t i = 0; i < phnum; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD)
			continue;
		if (ph.p_filesz > ph.p_memsz) {
			image_error(img, "segment %zu has more file bytes than memory bytes", i);
			return false;
		}
		if (ph.p_vaddr < window_lo || ph.p_vaddr >= window_hi ||
		    ph.p_memsz > window_hi - ph.p_vaddr) {
			image_error(img, "segment %zu at 0x%" PRIx64 " lies outside the xlibos memory window 0x%" PRIx64 "-0x%" PRIx64 " (not linked for xlibos?)",
				    i, (uint64_t)ph.p_vaddr, window_lo, window_hi);
			return false;
		}
		for (size_t j = 0; j < img->nsegments; j++) {
			const struct image_segment *o = &img->segments[j];

			if (ph.p_vaddr < o->vaddr + o->memsz && o->vaddr < ph.p_vaddr + ph.p_memsz) {
				image_error(img, "segment %zu overlaps another loadable segment", i);
				return false;
			}
		}
		img->segments[img->nsegments++] = (struct image_segment){
			.vaddr = ph.p_vaddr,
			.offset = ph.p_offset,
			.filesz = ph.p_filesz,
			.memsz = ph.p_memsz,
			.exec = (ph.p_flags & PF_X) != 0,
		};
		if (ph.p_vaddr + ph.p_memsz > end)
			end = ph.p_vaddr + ph.p_memsz;
	}

	if (img->nsegments == 0) {
		image_error(img, "no loadable (PT_LOAD) segments");
		return false;
	}
	img->end_phys = end - XLIBOS_PHYS_VIRT;
	if (img->end_phys > phys_size) {
		char need[SIZE_FORMAT_MAX];
		/* Suggest whole MiB: that is what people type. */
		uint64_t suggest = (img->end_phys + MIB - 1) / MIB * MIB;

		image_error(img, "--mem %s too small for image (it needs at least %s)",
			    mem_arg, size_format(suggest, need, sizeof(need)));
		return false;
	}
	return true;
}

static bool check_entry(struct image *img)
{
	for (size_t i = 0; i < img->nsegments; i++) {
		const struct image_segment *s = &img->segments[i];

		if (s->exec && img->entry >= s->vaddr && img->entry - s->vaddr < s->filesz)
			return true;
	}
	image_error(img, "entry point 0x%" PRIx64 " is not inside an executable segment",
		    img->entry);
	return false;
}

/*
 * The host seccomp filter lets only this range call the host, comparing
 * the instruction pointer's halves: it must lie in one executable
 * segment and not cross a 4 GiB boundary.
 */
static bool check_hypercall_range(struct image *img)
{
	uint64_t start = img->hypercall_start, end = img->hypercall_end;

	if (start < end && (start >> 32) == ((end - 1) >> 32)) {
		for (size_t i = 0; i < img->nsegments; i++) {
			const struct image_segment *s = &img->segments[i];

			if (s->exec && start >= s->vaddr && end <= s->vaddr + s->filesz)
				return true;
		}
	}
	image_error(img, "hypercall section 0x%" PRIx64 "-0x%" PRIx64
		    " is not inside one executable segment", start, end);
	return false;
}

bool image_open(const char *path, uint64_t phys_size, const char *mem_arg,
		struct image *img)
{
	struct stat st;
	GElf_Ehdr eh;
	size_t phnum;
	Elf *elf = NULL;
	bool ok = false;

	*img = (struct image){ .path = path, .fd = -1 };

	if (elf_version(EV_CURRENT) == EV_NONE) {
		image_error(img, "libelf initialisation failed: %s", elf_errmsg(-1));
		return false;
	}
	/* A FIFO or device is refused without being opened: no hang. */
	img->fd = open_regular_file(path, &st);
	if (img->fd < 0) {
		if (st.st_mode)
			image_error(img, "not a regular file");
		else
			image_error(img, "cannot open: %s", strerror(errno));
		return false;
	}

	elf = elf_begin(img->fd, ELF_C_READ_MMAP, NULL);
	if (!elf) {
		image_error(img, "cannot read as ELF: %s", elf_errmsg(-1));
		goto out;
	}
	/*
	 * Order matters for the message: first "is this an x86-64 ELF we can
	 * read", then "is it an xlibos image", then its xlibos-specific layout.
	 */
	if (!check_header(img, elf, &eh) ||
	    !check_layout_in_file(img, elf, &eh, (uint64_t)st.st_size, &phnum) ||
	    !check_boot_note(img, elf, phnum))
		goto out;
	if (eh.e_type != ET_EXEC) {
		image_error(img, "not a fixed-address executable (ELF type %u, expected ET_EXEC)",
			    eh.e_type);
		goto out;
	}
	img->entry = eh.e_entry;
	ok = collect_segments(img, elf, phnum, phys_size, mem_arg) && check_entry(img) &&
	     check_hypercall_range(img) && hostcall_policy_check(img);
out:
	if (elf)
		elf_end(elf);
	if (!ok)
		image_close(img);
	return ok;
}

void image_close(struct image *img)
{
	if (img->fd >= 0)
		close(img->fd);
	img->fd = -1;
	free(img->segments);
	img->segments = NULL;
	img->nsegments = 0;
}
