// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include "usage.h"

void usage_print(FILE *out)
{
	fputs(
"usage: xlibos boot [--mem SIZE] [--cmdline STR] [--initrd FILE] [--image FILE]\n"
"       xlibos --help\n"
"\n"
"Boot the xlibos Linux kernel (a library OS) inside this host process.\n"
"\n"
"Commands:\n"
"  boot              load the kernel image and run it until it powers off\n"
"\n"
"Options for boot:\n"
"  --mem SIZE        guest physical memory, e.g. 64M, 1G, 134217728\n"
"                    (K/M/G/T suffixes are powers of 1024; default 128M,\n"
"                    minimum 32M, maximum twice the host's RAM)\n"
"  --cmdline STR     kernel command line (at most 2047 bytes)\n"
"  --initrd FILE     initial ramdisk, placed at the top of guest memory\n"
"  --image FILE      kernel image (default: $XLIBOS_IMAGE, else xlibos.img\n"
"                    in the directory above this program's)\n"
"  -h, --help        show this help\n"
"\n"
"Exit status:\n"
"  0  the guest powered off or halted\n"
"  1  the guest panicked or the LibOS process died\n"
"  2  bad arguments, bad image, or the guest could not be started\n"
"  3  the guest asked for a restart (not supported)\n",
	      out);
}
