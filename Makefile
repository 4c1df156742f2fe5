# xlibos: Linux 6.1 as a library OS in a host process.
#
#   make            build the LibOS image (build/xlibos.img) and the loader
#                   (build/bin/xlibos)
#   make run        build, then boot the image once (demo: boots, powers off)
#   make check      build the KUnit image and run every test
#   make bench      boot time, memory, system call and process costs against
#                   native (and user-mode-linux)
#
# Kernel builds happen in build/kernel (and build/kernel-kunit) out of the
# tree build/linux, which is Debian's linux-source-6.1 plus linux-patches/
# plus arch-xlibos/ linked in as arch/xlibos.

KERNEL_TARBALL ?= /usr/src/linux-source-6.1.tar.xz
BUILD      := $(CURDIR)/build
SRC        := $(BUILD)/linux
KOBJ       := $(BUILD)/kernel
KOBJ_KUNIT := $(BUILD)/kernel-kunit
IMAGE      := $(BUILD)/xlibos.img
ROOTFS     := $(BUILD)/rootfs
IMAGE_KUNIT := $(BUILD)/xlibos-kunit.img
LOADER     := $(BUILD)/bin/xlibos
JOBS       ?= $(shell nproc)
CCACHE     := $(shell command -v ccache 2>/dev/null)
KMAKE       = $(MAKE) --no-print-directory -C $(SRC) ARCH=xlibos \
	      $(if $(CCACHE),CC="ccache gcc") -j$(JOBS)

PATCHES    := linux-patches/series $(wildcard linux-patches/*.patch)

.PHONY: all abcom-kernel-obj kernel kernel-kunit loader rootfs run check kselftest bench bench-boot bench-syscall bench-process deps \
	checkpatch clean distclean FORCE

all: kernel loader

deps:
	@scripts/install-deps.sh

$(SRC)/.xlibos-prepared: $(PATCHES) scripts/prepare-kernel.sh | deps
	@scripts/prepare-kernel.sh $(KERNEL_TARBALL) $(SRC) $(CURDIR)/linux-patches \
		$(CURDIR)/arch-xlibos

$(KOBJ)/.config: $(SRC)/.xlibos-prepared arch-xlibos/configs/xlibos_defconfig
	@mkdir -p $(KOBJ)
	@$(KMAKE) O=$(KOBJ) xlibos_defconfig >/dev/null

$(KOBJ_KUNIT)/.config: $(SRC)/.xlibos-prepared arch-xlibos/configs/xlibos_defconfig \
		arch-xlibos/configs/kunit.config
	@mkdir -p $(KOBJ_KUNIT)
	@$(KMAKE) O=$(KOBJ_KUNIT) xlibos_defconfig kunit.config >/dev/null

# Kbuild decides what is out of date; the image is refreshed only if the
# kernel changed.
# The LibOS links the abcom library (with Capstone) as one object.
abcom-kernel-obj: | deps
	@$(MAKE) --no-print-directory -s -C abcom kernel-obj

kernel: $(KOBJ)/.config abcom-kernel-obj
	@$(KMAKE) O=$(KOBJ) vmlinux
	@cmp -s $(KOBJ)/vmlinux $(IMAGE) || cp $(KOBJ)/vmlinux $(IMAGE)

kernel-kunit: $(KOBJ_KUNIT)/.config abcom-kernel-obj
	@$(KMAKE) O=$(KOBJ_KUNIT) vmlinux
	@cmp -s $(KOBJ_KUNIT)/vmlinux $(IMAGE_KUNIT) || \
		cp $(KOBJ_KUNIT)/vmlinux $(IMAGE_KUNIT)

loader: | deps
	@$(MAKE) --no-print-directory -C loader
	@$(MAKE) --no-print-directory -C abcom

$(ROOTFS)/bin/busybox: scripts/make-demo-rootfs.sh | deps
	@scripts/make-demo-rootfs.sh $(ROOTFS)

rootfs: $(ROOTFS)/bin/busybox

# The demo container: Debian's busybox-static as the rootfs.
run: all rootfs
	$(LOADER) run --rootfs $(ROOTFS) --mem 128M -- /bin/sh -c \
		'cat /etc/motd; uname -a; echo "pid $$$$ in $$(pwd), $$(ls / | wc -l) entries in /"'

check: all kernel-kunit rootfs
	@tests/run-all.sh

bench: bench-boot bench-syscall bench-process

bench-boot: all
	@scripts/bench-boot.sh $(LOADER) $(IMAGE)

# getppid and a UnixBench-style mix, natively and on the trap path, as ratios
bench-syscall: all rootfs
	@scripts/bench-syscall.sh $(LOADER) $(ROOTFS)

# fork, exec, pipe and thread costs: native, xlibos and user-mode-linux
bench-process: all rootfs
	@scripts/install-deps.sh --bench
	@scripts/bench-process.sh $(LOADER) $(ROOTFS)

# Selftests from the 6.1 tree, built static and run inside xlibos; fails
# on a regression from tests/kselftest/expected.txt (make check runs it
# without the native reference runs).  TARGETS="timers seccomp" runs some.
kselftest: all rootfs
	@scripts/kselftest.sh $(TARGETS)

checkpatch: $(SRC)/.xlibos-prepared
	@scripts/checkpatch.sh $(SRC)

clean:
	rm -rf $(KOBJ) $(KOBJ_KUNIT) $(IMAGE) $(IMAGE_KUNIT) $(BUILD)/bin \
		$(BUILD)/loader $(BUILD)/tests $(BUILD)/kselftest

distclean:
	rm -rf $(BUILD)

# AFL++ on the parsers of untrusted bytes (fuzz/README.md): each target for
# FUZZ_SECONDS (600) on CPU FUZZ_CPU (1); FUZZ_TARGETS picks some
# ("elf_scan:1200 image" gives one its own time).  Fails if anything
# crashed or hung; the inputs are copied to fuzz/findings/.
fuzz:
	@scripts/install-deps.sh --fuzz
	@$(MAKE) --no-print-directory -C fuzz run
.PHONY: fuzz

# Storage costs, native vs runc vs xlibos --disk, in one table (needs root:
# debootstrap, runc, dropping the host's caches); a few minutes, ~10 GB of
# scratch space under build/.
bench-storage: all
	@scripts/install-deps.sh
	@tests/storage/bench_storage.sh $(LOADER)
.PHONY: bench-storage

# Network servers (nginx, Redis, iperf3 from the Debian test tree) natively,
# in runc and in xlibos with each --net back end, driven from the host side,
# in one table (needs root: network namespaces it makes itself, runc, a TAP
# device); about 10 minutes.
bench-net: all
	@scripts/install-deps.sh --bench-net
	@tests/net/bench_net.sh $(LOADER)
.PHONY: bench-net

# `podman run --rm IMAGE true` with runc and with xlibos-runtime, median of
# 20 (needs root and podman); about a minute.
bench-oci: all
	@scripts/install-deps.sh
	@tests/oci/bench_oci.sh $(BUILD)/bin/xlibos-runtime
.PHONY: bench-oci
