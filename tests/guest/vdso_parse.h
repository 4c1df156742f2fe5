/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Finding functions in the vDSO the kernel maps into a process, the way a
 * C library does: from AT_SYSINFO_EHDR through the program headers to the
 * dynamic section, then the dynamic symbol table with its versions
 * (DT_VERSYM, DT_VERDEF).  A name can be looked up three ways: through the
 * SysV hash table (DT_HASH, the only one musl reads), through the GNU hash
 * table (DT_GNU_HASH, which glibc prefers) and by scanning every symbol;
 * vdso.c checks that all three agree.  Shared by vdso.c and timens.c; no
 * dependency on the C library's own vDSO handling.
 */
#ifndef VDSO_PARSE_H
#define VDSO_PARSE_H

#include <elf.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/time.h>
#include <time.h>

/* x86-64 Linux's vDSO ABI */
#define VDSO_VERSION "LINUX_2.6"
#define VDSO_SONAME "linux-vdso.so.1"

/* More symbols than this means a table we misread. */
#define VDSO_MAX_SYMS 4096

struct vdso {
	const Elf64_Ehdr *ehdr;
	uintptr_t bias;			/* run address - link address */
	const char *strtab;
	size_t strsz;
	const Elf64_Sym *symtab;
	size_t nsyms;
	const Elf64_Word *hash;		/* DT_HASH, or NULL */
	const Elf64_Word *gnu_hash;	/* DT_GNU_HASH, or NULL */
	const Elf64_Versym *versym;	/* or NULL */
	const Elf64_Verdef *verdef;	/* or NULL */
	const char *soname;		/* DT_SONAME, or NULL */
};

enum vdso_lookup_by { VDSO_BY_SCAN, VDSO_BY_SYSV_HASH, VDSO_BY_GNU_HASH };

/* The vDSO's time functions, x86-64 signatures (errors as -errno). */
struct vdso_fns {
	int (*clock_gettime)(clockid_t, struct timespec *);
	int (*gettimeofday)(struct timeval *, struct timezone *);
	time_t (*time)(time_t *);
	int (*clock_getres)(clockid_t, struct timespec *);
	long (*getcpu)(unsigned *, unsigned *, void *);
};

static inline const char *vdso_str(const struct vdso *v, size_t off)
{
	return off < v->strsz ? v->strtab + off : NULL;
}

/* Number of symbols behind a GNU hash table: past the highest bucket's chain end. */
static inline size_t vdso_gnu_nsyms(const Elf64_Word *gh)
{
	Elf64_Word nbuckets = gh[0], symoffset = gh[1], bloom_size = gh[2];
	const Elf64_Word *buckets = (const Elf64_Word *)((const uint64_t *)&gh[4] + bloom_size);
	const Elf64_Word *chain = buckets + nbuckets;
	Elf64_Word last = 0;

	for (Elf64_Word b = 0; b < nbuckets; b++)
		if (buckets[b] > last)
			last = buckets[b];
	if (last < symoffset)
		return symoffset;
	while (last - symoffset < VDSO_MAX_SYMS && !(chain[last - symoffset] & 1))
		last++;
	return (size_t)last + 1;
}

/*
 * vdso_open(V, BASE): read the image at BASE (AT_SYSINFO_EHDR).  NULL on
 * success, else what is wrong with it.
 */
static inline const char *vdso_open(struct vdso *v, uintptr_t base)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)base;
	const Elf64_Phdr *ph;
	const Elf64_Dyn *dyn = NULL;
	size_t soname_off = (size_t)-1;
	int have_load = 0;

	memset(v, 0, sizeof(*v));
	if (!base)
		return "no AT_SYSINFO_EHDR";
	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0)
		return "no ELF magic";
	if (eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_ident[EI_DATA] != ELFDATA2LSB)
		return "not 64-bit little-endian ELF";
	if (eh->e_type != ET_DYN)
		return "not ET_DYN";
	if (eh->e_machine != EM_X86_64)
		return "not EM_X86_64";
	if (eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phnum == 0 || eh->e_phnum > 64)
		return "bad program header table";
	v->ehdr = eh;
	ph = (const Elf64_Phdr *)(base + eh->e_phoff);
	/* The first PT_LOAD maps file offset p_offset at p_vaddr. */
	for (int i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type == PT_LOAD && !have_load) {
			v->bias = base + ph[i].p_offset - ph[i].p_vaddr;
			have_load = 1;
		}
	}
	if (!have_load)
		return "no PT_LOAD";
	for (int i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_DYNAMIC)
			dyn = (const Elf64_Dyn *)(v->bias + ph[i].p_vaddr);
	if (!dyn)
		return "no PT_DYNAMIC";
	for (int i = 0; dyn[i].d_tag != DT_NULL && i < 256; i++) {
		uintptr_t p = v->bias + dyn[i].d_un.d_ptr;

		switch (dyn[i].d_tag) {
		case DT_STRTAB: v->strtab = (const char *)p; break;
		case DT_STRSZ: v->strsz = dyn[i].d_un.d_val; break;
		case DT_SYMTAB: v->symtab = (const Elf64_Sym *)p; break;
		case DT_HASH: v->hash = (const Elf64_Word *)p; break;
		case DT_GNU_HASH: v->gnu_hash = (const Elf64_Word *)p; break;
		case DT_VERSYM: v->versym = (const Elf64_Versym *)p; break;
		case DT_VERDEF: v->verdef = (const Elf64_Verdef *)p; break;
		case DT_SONAME: soname_off = dyn[i].d_un.d_val; break;
		}
	}
	if (!v->strtab || !v->strsz || !v->symtab)
		return "no DT_STRTAB, DT_STRSZ or DT_SYMTAB";
	if (v->hash)
		v->nsyms = v->hash[1];		/* nchain */
	else if (v->gnu_hash)
		v->nsyms = vdso_gnu_nsyms(v->gnu_hash);
	else
		return "neither DT_HASH nor DT_GNU_HASH";
	if (v->nsyms == 0 || v->nsyms > VDSO_MAX_SYMS)
		return "implausible symbol count";
	if (soname_off != (size_t)-1)
		v->soname = vdso_str(v, soname_off);
	return NULL;
}

/* The version name of symbol I (NULL: unversioned or no such definition). */
static inline const char *vdso_sym_version(const struct vdso *v, size_t i)
{
	const Elf64_Verdef *d = v->verdef;
	unsigned ndx;

	if (!v->versym || !d)
		return NULL;
	ndx = v->versym[i] & 0x7fff;	/* bit 15: hidden */
	for (int n = 0; n < 64; n++) {
		if (!(d->vd_flags & VER_FLG_BASE) && d->vd_ndx == ndx) {
			const Elf64_Verdaux *a = (const Elf64_Verdaux *)((const char *)d + d->vd_aux);

			return vdso_str(v, a->vda_name);
		}
		if (!d->vd_next)
			break;
		d = (const Elf64_Verdef *)((const char *)d + d->vd_next);
	}
	return NULL;
}

/* The name of the base version definition (the object's own name). */
static inline const char *vdso_base_version(const struct vdso *v)
{
	const Elf64_Verdef *d = v->verdef;

	for (int n = 0; d && n < 64; n++) {
		if (d->vd_flags & VER_FLG_BASE)
			return vdso_str(v, ((const Elf64_Verdaux *)((const char *)d + d->vd_aux))->vda_name);
		if (!d->vd_next)
			break;
		d = (const Elf64_Verdef *)((const char *)d + d->vd_next);
	}
	return NULL;
}

/* Symbol I is a definition of NAME at VERSION (any version if NULL). */
static inline int vdso_sym_is(const struct vdso *v, size_t i, const char *name, const char *version)
{
	const Elf64_Sym *s = &v->symtab[i];
	const char *n = vdso_str(v, s->st_name);
	const char *ver;

	if (!n || strcmp(n, name) != 0 || s->st_shndx == SHN_UNDEF)
		return 0;
	if (!version)
		return 1;
	ver = vdso_sym_version(v, i);
	return ver && strcmp(ver, version) == 0;
}

static inline uint32_t vdso_sysv_hash(const char *name)
{
	uint32_t h = 0, g;

	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		h = (h << 4) + *p;
		g = h & 0xf0000000;
		if (g)
			h ^= g >> 24;
		h &= ~g;
	}
	return h;
}

static inline uint32_t vdso_gnu_hash(const char *name)
{
	uint32_t h = 5381;

	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		h = h * 33 + *p;
	return h;
}

/* vdso_lookup(V, NAME, VERSION, BY): the symbol's index, 0 if not found. */
static inline size_t vdso_lookup(const struct vdso *v, const char *name, const char *version,
				 enum vdso_lookup_by by)
{
	switch (by) {
	case VDSO_BY_SCAN:
		for (size_t i = 1; i < v->nsyms; i++)
			if (vdso_sym_is(v, i, name, version))
				return i;
		return 0;
	case VDSO_BY_SYSV_HASH: {
		const Elf64_Word *h = v->hash;
		Elf64_Word nbucket, nchain;
		const Elf64_Word *bucket, *chain;

		if (!h || !h[0])
			return 0;
		nbucket = h[0];
		nchain = h[1];
		bucket = &h[2];
		chain = &bucket[nbucket];
		for (Elf64_Word i = bucket[vdso_sysv_hash(name) % nbucket], n = 0;
		     i && i < nchain && n < nchain; i = chain[i], n++)
			if (vdso_sym_is(v, i, name, version))
				return i;
		return 0;
	}
	case VDSO_BY_GNU_HASH: {
		const Elf64_Word *gh = v->gnu_hash;
		Elf64_Word nbuckets, symoffset, bloom_size, bloom_shift, i;
		const uint64_t *bloom;
		const Elf64_Word *buckets, *chain;
		uint32_t h = vdso_gnu_hash(name);
		uint64_t word, mask;

		if (!gh || !gh[0] || !gh[2])
			return 0;
		nbuckets = gh[0];
		symoffset = gh[1];
		bloom_size = gh[2];
		bloom_shift = gh[3];
		bloom = (const uint64_t *)&gh[4];
		buckets = (const Elf64_Word *)(bloom + bloom_size);
		chain = buckets + nbuckets;
		word = bloom[(h / 64) % bloom_size];
		mask = (1ull << (h % 64)) | (1ull << ((h >> bloom_shift) % 64));
		if ((word & mask) != mask)
			return 0;
		i = buckets[h % nbuckets];
		if (i < symoffset)
			return 0;
		for (; i < v->nsyms; i++) {
			Elf64_Word h2 = chain[i - symoffset];

			if ((h | 1) == (h2 | 1) && vdso_sym_is(v, i, name, version))
				return i;
			if (h2 & 1)
				break;
		}
		return 0;
	}
	}
	return 0;
}

/* Run address of symbol I. */
static inline void *vdso_sym_addr(const struct vdso *v, size_t i)
{
	return (void *)(v->bias + v->symtab[i].st_value);
}

/*
 * vdso_find_fns(V, F): the five __vdso_* functions at LINUX_2.6; returns
 * how many were found (5 when all are there).
 */
static inline int vdso_find_fns(const struct vdso *v, struct vdso_fns *f)
{
	size_t i;
	int found = 0;

	memset(f, 0, sizeof(*f));
#define VDSO_FIND(field, name)							\
	do {									\
		i = vdso_lookup(v, name, VDSO_VERSION, VDSO_BY_SCAN);		\
		if (i) {							\
			f->field = (__typeof__(f->field))vdso_sym_addr(v, i);	\
			found++;						\
		}								\
	} while (0)
	VDSO_FIND(clock_gettime, "__vdso_clock_gettime");
	VDSO_FIND(gettimeofday, "__vdso_gettimeofday");
	VDSO_FIND(time, "__vdso_time");
	VDSO_FIND(clock_getres, "__vdso_clock_getres");
	VDSO_FIND(getcpu, "__vdso_getcpu");
#undef VDSO_FIND
	return found;
}

#endif
