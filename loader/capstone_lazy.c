// SPDX-License-Identifier: GPL-2.0
/*
 * The six Capstone calls abcom makes, forwarded to the library, which
 * the first of them opens (cs_open, or cs_option setting the allocator)
 * unless capstone_load() did.  If it cannot be opened they fail as
 * Capstone does when it has no memory.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stddef.h>

#include <capstone/capstone.h>

#include "capstone_lazy.h"
#include "diag.h"

#define STR(x) #x
#define XSTR(x) STR(x)
/* The library this was compiled against: its major version is its soname's. */
#define CAPSTONE_SONAME "libcapstone.so." XSTR(CS_API_MAJOR)

static struct {
	cs_err (*open)(cs_arch arch, cs_mode mode, csh *handle);
	cs_err (*option)(csh handle, cs_opt_type type, size_t value);
	cs_insn *(*malloc)(csh handle);
	void (*free)(cs_insn *insn, size_t count);
	cs_err (*close)(csh *handle);
	bool (*disasm_iter)(csh handle, const uint8_t **code, size_t *size, uint64_t *address,
			    cs_insn *insn);
} cs;

static bool lookup(void *lib, const char *name, void *fn)
{
	void *sym = dlsym(lib, name);

	if (!sym)
		return false;
	/* POSIX's way to make a function pointer of dlsym's answer */
	*(void **)fn = sym;
	return true;
}

bool capstone_load(void)
{
	static bool loaded;
	void *lib;

	if (loaded)
		return true;
	lib = dlopen(CAPSTONE_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!lib || !lookup(lib, "cs_open", &cs.open) || !lookup(lib, "cs_option", &cs.option) ||
	    !lookup(lib, "cs_malloc", &cs.malloc) || !lookup(lib, "cs_free", &cs.free) ||
	    !lookup(lib, "cs_close", &cs.close) || !lookup(lib, "cs_disasm_iter", &cs.disasm_iter)) {
		diag_error("cannot load Capstone (%s): %s (install libcapstone4)", CAPSTONE_SONAME,
			   dlerror());
		return false;
	}
	loaded = true;
	return true;
}

cs_err cs_open(cs_arch arch, cs_mode mode, csh *handle)
{
	return capstone_load() ? cs.open(arch, mode, handle) : CS_ERR_MEM;
}

cs_err cs_option(csh handle, cs_opt_type type, size_t value)
{
	return capstone_load() ? cs.option(handle, type, value) : CS_ERR_MEM;
}

/* The others take a handle or an instruction: the library is open. */
cs_insn *cs_malloc(csh handle)
{
	return cs.malloc ? cs.malloc(handle) : NULL;
}

void cs_free(cs_insn *insn, size_t count)
{
	if (cs.free)
		cs.free(insn, count);
}

cs_err cs_close(csh *handle)
{
	return cs.close ? cs.close(handle) : CS_ERR_MEM;
}

bool cs_disasm_iter(csh handle, const uint8_t **code, size_t *size, uint64_t *address,
		    cs_insn *insn)
{
	return cs.disasm_iter && cs.disasm_iter(handle, code, size, address, insn);
}
