/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Boot protocol between the xlibos loader (host side) and the LibOS image.
 *
 * The loader maps guest physical memory (one memfd) at XLIBOS_PHYS_VIRT,
 * copies the image's PT_LOAD segments to their addresses inside it, and
 * calls the ELF entry point as void entry(struct xlibos_boot_info *) on a
 * host thread.  The kernel copies the boot info before it allocates
 * anything; the exit record stays shared with the supervising loader.
 */
#ifndef _UAPI_ASM_XLIBOS_BOOT_H
#define _UAPI_ASM_XLIBOS_BOOT_H


/* Host virtual address of guest physical address 0 (== PAGE_OFFSET). */
#define XLIBOS_PHYS_VIRT	0x7c0000000000
/* Largest guest physical memory the layout leaves room for (1 TiB). */
#define XLIBOS_PHYS_MAX		0x010000000000
/* Guest physical address the image is linked to run at. */
#define XLIBOS_IMAGE_PHYS	0x200000
/* Kernel vmalloc area, mirrored into host mappings on demand. */
#define XLIBOS_VMALLOC_START	0x7d0000000000
#define XLIBOS_VMALLOC_END	0x7e0000000000

#define XLIBOS_BOOT_MAGIC	0x58424f4f544c4942ULL	/* "BILTOOBX" */
/*
 * 2: the loader sandboxes the LibOS (asm/xlibos_hostcalls.h); a LibOS of
 * this version installs no host filter itself and must never run without.
 * 3: a random seed, and virtio devices (asm/xlibos_virtio.h).
 */
#define XLIBOS_BOOT_VERSION	3
#define XLIBOS_CMDLINE_MAX	2048
#define XLIBOS_RNG_SEED_SIZE	64

/* ELF note in the image: name "XLibOS", type 1, desc = u32 version. */
#define XLIBOS_NOTE_NAME	"XLibOS"
#define XLIBOS_NOTE_TYPE	1

#ifndef __ASSEMBLY__

#include <linux/types.h>

struct xlibos_boot_info {
	__u64 magic;		/* XLIBOS_BOOT_MAGIC */
	__u32 version;		/* XLIBOS_BOOT_VERSION */
	__s32 phys_fd;		/* host fd of the guest physical memory memfd */
	__u64 phys_size;	/* bytes of guest physical memory */
	__u64 initrd_phys;	/* guest physical address of the initrd, or 0 */
	__u64 initrd_size;	/* bytes, or 0 */
	__u64 vdso_clock_gettime; /* host vDSO clock_gettime, or 0 */
	__u64 exit_record;	/* address of a shared struct xlibos_exit_record */
	__s32 console_fd;	/* host fd printk writes to (normally 2) */
	__s32 reserved0;
	/* From the host's getrandom(): credited to the guest's pool at boot */
	__u8 rng_seed[XLIBOS_RNG_SEED_SIZE];
	char cmdline[XLIBOS_CMDLINE_MAX];
};

enum xlibos_exit_reason {
	XLIBOS_EXIT_NONE = 0,	/* never written: the LibOS died unexpectedly */
	XLIBOS_EXIT_POWEROFF = 1,
	XLIBOS_EXIT_HALT = 2,
	XLIBOS_EXIT_RESTART = 3,
	XLIBOS_EXIT_PANIC = 4,
	/* a host process died without the LibOS asking (message says which) */
	XLIBOS_EXIT_HOST_DIED = 5,
};

#define XLIBOS_EXIT_MAGIC	0x54495845U	/* "EXIT" */
#define XLIBOS_EXIT_MSG_MAX	1024

/* One page, MAP_SHARED between the loader and the LibOS process. */
/* abcom's counters (arch-xlibos/kernel/abcom_*.c), for `xlibos run --stats` */
struct xlibos_abcom_counters {
	__u64 mode;		/* 0 off, 1 online, 2 full */
	__u64 patched_online;	/* sites rewritten when they trapped */
	__u64 patched_load;	/* sites rewritten when their page was mapped */
	__u64 slow_calls;	/* system calls that trapped (slow path) */
	__u64 fast_calls;	/* system calls through a rewritten site */
	__u64 deferred;		/* fast calls finished by the slow path */
	__u64 resumed;		/* threads moved out of a rewritten window */
	__u64 refused;		/* trapped sites abcom could not prove */
};

/*
 * Site tables the loader computed (with the same abcom library) for the
 * executable files of the rootfs, so the LibOS need not decode them at
 * run time: a file in the initrd holding records back to back, each a
 * header and n_sites struct abcom_site (abcom/abcom.h).  The LibOS reads
 * it at boot and uses a record for a file with the same size and sample
 * hash: XXH64, seeded with the file's size, of its first
 * XLIBOS_ABCOM_SAMPLE bytes then its last XLIBOS_ABCOM_SAMPLE (of the
 * whole file once if it is no longer than the two).  A file's first exec
 * then reads two pages of it, not all of it; the sites are the table's
 * claim, checked where they are used (abcom_sites.c).
 */
#define XLIBOS_ABCOM_TABLES_FILE	"/.xlibos/abcom-tables"
#define XLIBOS_ABCOM_TABLE_MAGIC	0x54424158U	/* "XABT" */
#define XLIBOS_ABCOM_SAMPLE		4096

struct xlibos_abcom_table_hdr {
	__u32 magic;		/* XLIBOS_ABCOM_TABLE_MAGIC */
	__u32 abcom_version;	/* ABCOM_VERSION of the producer */
	__u32 site_size;	/* sizeof(struct abcom_site) */
	__u32 n_sites;		/* patchable sites, by syscall file offset */
	__u64 file_size;
	__u64 file_sample;	/* the sample hash above */
};

struct xlibos_exit_record {
	__u32 magic;		/* XLIBOS_EXIT_MAGIC once written */
	__u32 reason;		/* enum xlibos_exit_reason */
	__s32 status;		/* guest-defined status (later: init's exit) */
	__u32 reserved;
	char message[XLIBOS_EXIT_MSG_MAX]; /* panic message, NUL-terminated */
	struct xlibos_abcom_counters abcom; /* as they were at the end */
};

#endif /* __ASSEMBLY__ */
#endif /* _UAPI_ASM_XLIBOS_BOOT_H */
