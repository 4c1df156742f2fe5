#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The adversarial review's file: a working x86-64 program whose section
header table is replaced by one with many executable sections over the
same bytes (its .text, each copy shifted by a few bytes).  The kernel
ignores section headers, so the program still runs; a decoder that takes
every section at its word decodes .text once per copy.
usage: make_overlap_elf.py IN OUT [COPIES]"""
import struct
import sys

SHT_PROGBITS, SHF_EXECINSTR = 1, 4


def main():
    src, dst = sys.argv[1], sys.argv[2]
    copies = int(sys.argv[3]) if len(sys.argv) > 3 else 900
    data = bytearray(open(src, "rb").read())
    if data[:4] != b"\x7fELF" or data[4] != 2:
        sys.exit("not a 64-bit ELF file")
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    shdrs = [bytes(data[shoff + i * shentsize:shoff + (i + 1) * shentsize])
             for i in range(shnum)]
    text = max((h for h in shdrs
                if struct.unpack_from("<I", h, 4)[0] == SHT_PROGBITS
                and struct.unpack_from("<Q", h, 8)[0] & SHF_EXECINSTR),
               key=lambda h: struct.unpack_from("<Q", h, 32)[0])
    extra = []
    for i in range(copies):
        h = bytearray(text)
        off, size = struct.unpack_from("<QQ", h, 24)
        struct.pack_into("<QQ", h, 24, off + i % 16, size - 16)
        extra.append(bytes(h))
    while len(data) % 8:
        data.append(0)
    new_shoff = len(data)
    data += b"".join(shdrs + extra)
    struct.pack_into("<Q", data, 0x28, new_shoff)
    struct.pack_into("<H", data, 0x3C, shnum + copies)
    open(dst, "wb").write(data)


main()
