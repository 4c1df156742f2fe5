/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A 296-byte x86-64 ELF file with one .text section holding two patchable
 * sites (`mov $39,%eax; syscall` and `mov $60,%eax; syscall`): the file
 * the cache harness's records describe, and a seed.
 */
#ifndef XLIBOS_FUZZ_TINY_ELF_H
#define XLIBOS_FUZZ_TINY_ELF_H

#include <elf.h>
#include <stdint.h>
#include <string.h>

#define TINY_ELF_SIZE	296

static void tiny_elf(uint8_t out[TINY_ELF_SIZE])
{
	static const uint8_t text[16] = {
		0xb8, 0x27, 0, 0, 0, 0x0f, 0x05,	/* getpid */
		0xb8, 0x3c, 0, 0, 0, 0x0f, 0x05,	/* exit */
		0xc3, 0xc3,
	};
	static const char shstrtab[] = "\0.text\0.shstrtab";	/* 17 bytes */
	const uint64_t text_off = sizeof(Elf64_Ehdr), str_off = text_off + sizeof(text);
	const uint64_t sh_off = 104;
	Elf64_Ehdr eh = {
		.e_ident = { ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3, ELFCLASS64,
			     ELFDATA2LSB, EV_CURRENT },
		.e_type = ET_EXEC, .e_machine = EM_X86_64, .e_version = EV_CURRENT,
		.e_entry = 0x400000 + text_off, .e_shoff = sh_off,
		.e_ehsize = sizeof(Elf64_Ehdr), .e_shentsize = sizeof(Elf64_Shdr),
		.e_shnum = 3, .e_shstrndx = 2,
	};
	Elf64_Shdr sh[3] = {
		[1] = { .sh_name = 1, .sh_type = SHT_PROGBITS,
			.sh_flags = SHF_ALLOC | SHF_EXECINSTR,
			.sh_addr = 0x400000 + text_off, .sh_offset = text_off,
			.sh_size = sizeof(text), .sh_addralign = 16 },
		[2] = { .sh_name = 7, .sh_type = SHT_STRTAB, .sh_offset = str_off,
			.sh_size = sizeof(shstrtab), .sh_addralign = 1 },
	};

	_Static_assert(104 + sizeof(sh) == TINY_ELF_SIZE, "tiny ELF layout");
	memset(out, 0, TINY_ELF_SIZE);
	memcpy(out, &eh, sizeof(eh));
	memcpy(out + text_off, text, sizeof(text));
	memcpy(out + str_off, shstrtab, sizeof(shstrtab));
	memcpy(out + sh_off, sh, sizeof(sh));
}

#endif
