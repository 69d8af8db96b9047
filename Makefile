# SPDX-License-Identifier: GPL-2.0
#
# User commands of the paravirt layer. (The kernel's build reads Kbuild, not
# this file.)
#
#   make run     install what is missing, build the kernel with the layer,
#                boot it under QEMU and show the layer's boot summary
#   make check   the whole test suite (tests/check, with pytest); ends with
#                "N passed, N failed, N skipped"; T=EXPR runs the checks
#                whose names match EXPR (pytest -k)
#   make check-quick  a fast loop: static checks, three boots
#   make xen-check  boot the test kernel as an HVM guest of a real Xen
#                under QEMU (also part of make check)
#   make bench   build both kernels, count guest instructions of a few
#                workloads with the layer off and on, compare code size;
#                writes results/bench.md and results/bench.json
#   make bench-distro  the same workloads on three kernels of Debian's
#                configuration: no paravirt, the tree's own, the layer;
#                code size, sites after boot, the boot's patching cost
#                (results/bench-distro.md)
#   make bench-profile WORKLOAD=NAME  one bench workload's guest
#                instructions function by function, layer off against on
#                (needs the kernels of make bench)
#   make bench-variant INCLUDE=DIR OBJECTS=mm/mprotect.o,...  the
#                distribution kernel with those objects compiled from
#                the variant headers in DIR first, relinked in a copy of
#                its build and booted for a few workloads: a header
#                change measured without rebuilding the kernel
#                (VARIANT_ARGS="--only fault --cpus 2 --boots 3")
#   make inspect build the site inspector, $(PVLAYER_CACHE)/pv-inspect, a
#                host tool that lists the call sites of a vmlinux or module
#                and what the native backend makes of each
#   make patches the graft as a series of patches against the pristine
#                tree, for git am or patch -p1, in $(PVLAYER_CACHE)/patches
#                (scripts/mkpatches.py; see Documentation/patches.rst)
#   make check-patches  apply the series with git am and patch -p1 and
#                compare the result with the graft; ends with
#                "N passed, N failed"
#   make config-distro  Debian's own configuration of its 6.12 kernel
#                (package linux-config-6.12) with the layer: modules off,
#                configs/distro.config merged in, every guest on; in
#                $(PVLAYER_CACHE)/build-distro
#   make kernel-distro  build the kernel of that configuration
#   make config-distro-diff  every difference between Debian's
#                configuration and that one, with its reason from
#                configs/distro-diff.txt; fails on one without a reason
#                and on a stale entry
#   make run DISTRO=1  build and boot that kernel instead of build-on's
#   make kvm-check  boot that kernel as a guest of a real KVM, nested under
#                QEMU, with a workload; KVM's counters come from L1's
#                debugfs (also part of make check)
#   make kernel-upstream  the pristine tree's kernel of the same Debian
#                configuration, the tree's own paravirt (in
#                $(PVLAYER_CACHE)/upstream and build-upstream)
#   make kernel-limit  the same configuration on the pristine tree with no
#                paravirt and no guest (in $(PVLAYER_CACHE)/build-limit)
#   make kernel-distro-no-xen-pv  the layer's kernel of that configuration
#                without Xen PV (in build-distro-no-xen-pv), to measure
#                what Xen PV costs bare hardware
#   make kvm-compare  KVM's counters over the same workload for the
#                layer's kernel, the pristine tree's, and the layer's
#                without PV EOI
#
# The Linux tree and the build directories live outside the repository, in
# $(PVLAYER_CACHE), and are reused: a second build is incremental.

SHELL		:= /bin/bash
.SHELLFLAGS	:= -o pipefail -c

PVLAYER_CACHE	?= /var/cache/pvlayer
LINUX_TARBALL	?= /usr/src/linux-source-6.12.tar.xz
TREE		:= $(PVLAYER_CACHE)/linux-source-6.12
BUILD_ON	:= $(PVLAYER_CACHE)/build-on
BUILD_OFF	:= $(PVLAYER_CACHE)/build-off
BUILD_DISTRO	:= $(PVLAYER_CACHE)/build-distro
UPSTREAM_TREE	:= $(PVLAYER_CACHE)/upstream/linux-source-6.12
BUILD_UPSTREAM	:= $(PVLAYER_CACHE)/build-upstream
BUILD_LIMIT	:= $(PVLAYER_CACHE)/build-limit
BUILD_NO_XEN_PV	:= $(PVLAYER_CACHE)/build-distro-no-xen-pv
NPROC		:= $(shell nproc 2>/dev/null || echo 2)
CCACHE		:= $(shell command -v ccache >/dev/null 2>&1 && echo "ccache ")
KMAKE		= $(MAKE) -s -C $(TREE) ARCH=x86_64 CC="$(CCACHE)gcc" \
		  KBUILD_BUILD_USER=pvlayer \
		  KBUILD_BUILD_HOST=pvlayer
SMP		?= 4
# Debian's Python, which has python3-pytest (another python3 may be first
# in PATH)
CHECK_PYTHON	?= /usr/bin/python3
CMDLINE		?=
BACKEND		?=
DISTRO		?=

export PVLAYER_CACHE TREE BUILD_ON BUILD_OFF BUILD_DISTRO SMP

.PHONY: all run check check-quick xen-check bench docs deps tree graft kernel kernel-off \
	initramfs config-on config-off clean-cache patches check-patches \
	config-distro kernel-distro config-distro-diff initramfs-distro \
	kvm-check config-upstream kernel-upstream kvm-compare \
	config-limit kernel-limit bench-distro kernel-distro-no-xen-pv

all: kernel

deps:
	@scripts/deps.sh

$(TREE)/Makefile: | deps
	@mkdir -p $(PVLAYER_CACHE)
	@echo "tree: extracting $(LINUX_TARBALL) into $(PVLAYER_CACHE)"
	@tar -C $(PVLAYER_CACHE) -xf $(LINUX_TARBALL)
	@touch $@

tree: deps $(TREE)/Makefile

graft: tree
	@python3 scripts/graft.py $(CURDIR) $(TREE)

# A configuration is tinyconfig plus the project's fragments; it is made
# again only when a fragment changes.
define make-config
	@mkdir -p $(1)
	@echo "config: $(1)"
	@$(KMAKE) O=$(1) tinyconfig >/dev/null
	@cd $(TREE) && scripts/kconfig/merge_config.sh -m -O $(1) $(1)/.config \
		$(CURDIR)/configs/test.config $(2) >/dev/null
	@$(KMAKE) O=$(1) olddefconfig
	@python3 scripts/checkconfig.py $(1)/.config $(CURDIR)/configs/test.config $(2)
endef

# CONFIG_EXTRA: one more fragment, merged last, as an absolute path (make
# bench builds its own kernels with configs/bench.config).
CONFIG_EXTRA	?=

$(BUILD_ON)/.config: configs/test.config configs/layer-on.config $(CONFIG_EXTRA) Kconfig | graft
	$(call make-config,$(BUILD_ON),$(CURDIR)/configs/layer-on.config $(CONFIG_EXTRA))

$(BUILD_OFF)/.config: configs/test.config configs/layer-off.config $(CONFIG_EXTRA) Kconfig | graft
	$(call make-config,$(BUILD_OFF),$(CURDIR)/configs/layer-off.config $(CONFIG_EXTRA))

config-on: graft $(BUILD_ON)/.config
config-off: graft $(BUILD_OFF)/.config

kernel: config-on
	@echo "build: kernel with the layer ($(BUILD_ON))"
	@$(KMAKE) O=$(BUILD_ON) -j$(NPROC) bzImage modules 2>&1 | tee $(BUILD_ON)/build.log
	@test -s $(BUILD_ON)/arch/x86/boot/bzImage

kernel-off: config-off
	@echo "build: kernel without the layer ($(BUILD_OFF))"
	@$(KMAKE) O=$(BUILD_OFF) -j$(NPROC) bzImage 2>&1 | tee $(BUILD_OFF)/build.log
	@test -s $(BUILD_OFF)/arch/x86/boot/bzImage

# The distribution configuration: Debian's own (linux-config-6.12, fetched
# once into $(DISTRO_DIR)) with modules off, configs/distro.config merged in
# and every guest on; made again when Debian's file, the fragment or the
# layer's Kconfig changes. See scripts/distro-config.py.
DISTRO_DIR	:= $(PVLAYER_CACHE)/distro
DISTRO_CONFIG	:= $(DISTRO_DIR)/config.amd64_none_amd64

$(DISTRO_CONFIG): | deps
	@python3 scripts/distro-config.py fetch $(PVLAYER_CACHE)

$(BUILD_DISTRO)/.config: $(DISTRO_CONFIG) configs/distro.config Kconfig | graft
	@python3 scripts/distro-config.py make $(TREE) $(BUILD_DISTRO) \
		$(DISTRO_CONFIG) CC="$(CCACHE)gcc"

config-distro: graft $(BUILD_DISTRO)/.config

kernel-distro: config-distro
	@echo "build: Debian's configuration with the layer ($(BUILD_DISTRO))"
	@$(KMAKE) O=$(BUILD_DISTRO) -j$(NPROC) bzImage modules 2>&1 | tee $(BUILD_DISTRO)/build.log
	@test -s $(BUILD_DISTRO)/arch/x86/boot/bzImage

# The same kernel without Xen PV (configs/no-xen-pv.config merged after
# configs/distro.config): what Xen PV's adaptations cost bare hardware.
$(BUILD_NO_XEN_PV)/.config: $(DISTRO_CONFIG) configs/distro.config configs/no-xen-pv.config Kconfig | graft
	@mkdir -p $(BUILD_NO_XEN_PV)
	@cat configs/distro.config configs/no-xen-pv.config > $(BUILD_NO_XEN_PV)/fragment.config
	@python3 scripts/distro-config.py make --fragment $(BUILD_NO_XEN_PV)/fragment.config \
		$(TREE) $(BUILD_NO_XEN_PV) $(DISTRO_CONFIG) CC="$(CCACHE)gcc"

kernel-distro-no-xen-pv: graft $(BUILD_NO_XEN_PV)/.config
	@echo "build: Debian's configuration with the layer, no Xen PV ($(BUILD_NO_XEN_PV))"
	@$(KMAKE) O=$(BUILD_NO_XEN_PV) -j$(NPROC) bzImage 2>&1 | tee $(BUILD_NO_XEN_PV)/build.log
	@test -s $(BUILD_NO_XEN_PV)/arch/x86/boot/bzImage

# Ends with one line of totals; the whole list is also in
# $(BUILD_DISTRO)/config-diff.log.
config-distro-diff: config-distro
	@python3 scripts/distro-config.py diff $(DISTRO_CONFIG) \
		$(BUILD_DISTRO)/.config | tee $(BUILD_DISTRO)/config-diff.log

# The pristine tree (extracted apart, never grafted) with Debian's
# configuration and configs/upstream.config: what a distribution ships
# today, for comparisons with the layer's kernel.
$(UPSTREAM_TREE)/Makefile: | deps
	@mkdir -p $(dir $(UPSTREAM_TREE))
	@echo "tree: extracting $(LINUX_TARBALL) into $(dir $(UPSTREAM_TREE))"
	@tar -C $(dir $(UPSTREAM_TREE)) -xf $(LINUX_TARBALL)

$(BUILD_UPSTREAM)/.config: $(DISTRO_CONFIG) configs/upstream.config | $(UPSTREAM_TREE)/Makefile
	@python3 scripts/distro-config.py make --fragment configs/upstream.config \
		$(UPSTREAM_TREE) $(BUILD_UPSTREAM) $(DISTRO_CONFIG) CC="$(CCACHE)gcc"

config-upstream: $(BUILD_UPSTREAM)/.config

# $(call pristine-kernel,BUILD_DIR,WHAT): build a kernel of the pristine tree
define pristine-kernel
	@echo "build: Debian's configuration, $(2) ($(1))"
	@$(MAKE) -s -C $(UPSTREAM_TREE) ARCH=x86_64 CC="$(CCACHE)gcc" \
		KBUILD_BUILD_USER=pvlayer KBUILD_BUILD_HOST=pvlayer \
		O=$(1) -j$(NPROC) bzImage 2>&1 | tee $(1)/build.log
	@test -s $(1)/arch/x86/boot/bzImage
endef

kernel-upstream: config-upstream
	$(call pristine-kernel,$(BUILD_UPSTREAM),pristine tree)

# The same configuration on the pristine tree without any paravirt
# (configs/limit.config): make bench-distro's limit.
$(BUILD_LIMIT)/.config: $(DISTRO_CONFIG) configs/limit.config | $(UPSTREAM_TREE)/Makefile
	@python3 scripts/distro-config.py make --fragment configs/limit.config \
		$(UPSTREAM_TREE) $(BUILD_LIMIT) $(DISTRO_CONFIG) CC="$(CCACHE)gcc"

config-limit: $(BUILD_LIMIT)/.config

kernel-limit: config-limit
	$(call pristine-kernel,$(BUILD_LIMIT),no paravirt)

INITRAMFS := $(PVLAYER_CACHE)/initramfs.cpio

# Holds the test module of the layer-on build: made after the kernel.
initramfs: deps
	@scripts/mkinitramfs.sh $(INITRAMFS)

# DISTRO=1: the kernel of Debian's configuration (make kernel-distro), with
# its own test module in the initramfs.
RUN_DISTRO	= $(filter-out 0,$(DISTRO))
RUN_BUILD	= $(if $(RUN_DISTRO),$(BUILD_DISTRO),$(BUILD_ON))

INITRAMFS_DISTRO := $(PVLAYER_CACHE)/initramfs-distro.cpio

# Holds the test module of the distribution build: made after its kernel.
initramfs-distro: deps
	@BUILD_ON=$(BUILD_DISTRO) scripts/mkinitramfs.sh $(INITRAMFS_DISTRO)

run: $(if $(RUN_DISTRO),kernel-distro,kernel) $(if $(filter vmi,$(BACKEND)),rom)
	@$(MAKE) -s $(if $(RUN_DISTRO),initramfs-distro,initramfs)
	@scripts/boot.sh --summary \
		$(if $(RUN_DISTRO),--initrd $(INITRAMFS_DISTRO) --tcg-threads single) \
		$(if $(filter vmi,$(BACKEND)),--bios seabios --qemu-arg "-option-rom $(ROM_DIR)/vmi.rom") \
		$(RUN_BUILD)/arch/x86/boot/bzImage \
		$(if $(BACKEND),paravirt=$(BACKEND)) kunit.enable=0 $(CMDLINE)

# T=EXPR: only the checks whose names match the pytest -k expression EXPR,
# e.g. make check T=vmi or T="default and kunit"; CHECK_ARGS: more pytest
# arguments. CHECK_JOBS: host cores the guests may use at once (all by
# default; a guest of one TCG thread takes one, any other guest all).
T		?=
CHECK_ARGS	?=

check: deps
	@$(CHECK_PYTHON) scripts/check.py $(if $(T),-k "$(T)") $(CHECK_ARGS)

# The fast loop: the kernel with the layer, its static checks and three
# boots (default, bad input, vmi) with their KUnit suites.
check-quick: deps
	@$(CHECK_PYTHON) scripts/check.py -m quick $(if $(T),-k "$(T)") $(CHECK_ARGS)

# The test kernel as an HVM guest of Xen 4.17 under QEMU; the guest's
# console goes to $(PVLAYER_CACHE)/logs/boot-xen.log.
xen-check: kernel
	@$(MAKE) -s initramfs
	@mkdir -p $(PVLAYER_CACHE)/logs
	@scripts/xen-harness.sh --log $(PVLAYER_CACHE)/logs/xen-host.log \
		--guest-log $(PVLAYER_CACHE)/logs/boot-xen.log \
		$(BUILD_ON)/arch/x86/boot/bzImage $(INITRAMFS)
	@grep -a -E "paravirt|pvlayer-init: (# debugfs|not ok|user)" \
		$(PVLAYER_CACHE)/logs/boot-xen.log

# The distribution kernel as a guest of a real KVM (kvm_amd in a stock
# Debian kernel, itself under QEMU with SVM emulated); the guest's console
# goes to $(PVLAYER_CACHE)/logs/boot-kvm.log, L1's to kvm-host.log.
KVM_WORKLOAD	?= 2000

kvm-check: kernel-distro
	@$(MAKE) -s initramfs-distro
	@mkdir -p $(PVLAYER_CACHE)/logs
	@scripts/kvm-harness.sh --log $(PVLAYER_CACHE)/logs/kvm-host.log \
		--guest-log $(PVLAYER_CACHE)/logs/boot-kvm.log \
		$(BUILD_DISTRO)/arch/x86/boot/bzImage $(INITRAMFS_DISTRO) \
		pvlayer.kvm_workload=$(KVM_WORKLOAD) no_ipi_broadcast=1
	@grep -a -E "kvm|paravirt: (backend|guest|[0-9]+ sites)|pvlayer-init: (# clocksource|# kvm-workload|not ok|user)" \
		$(PVLAYER_CACHE)/logs/boot-kvm.log

kvm-compare: kernel-distro kernel-upstream
	@$(MAKE) -s initramfs-distro
	@scripts/kvm-compare.sh $(BUILD_DISTRO)/arch/x86/boot/bzImage \
		$(BUILD_UPSTREAM)/arch/x86/boot/bzImage $(INITRAMFS_DISTRO) \
		$(KVM_WORKLOAD)

# The documentation as HTML, with every Sphinx warning an error.
docs: deps
	@sphinx-build -W -q -b html Documentation $(PVLAYER_CACHE)/docs
	@echo "docs: $(PVLAYER_CACHE)/docs/index.html"

# Not part of check: it only measures. BENCH_ARGS is passed on, e.g.
# BENCH_ARGS="--reps 9 --no-build"; see scripts/bench.py --help.
bench: deps
	@python3 scripts/bench.py $(BENCH_ARGS)

# Debian's configuration three ways: no paravirt (make kernel-limit), the
# tree's own (make kernel-upstream) and the layer's (make kernel-distro):
# the workloads, code size, the census of sites after boot and the cost
# of the boot's patching. BENCH_ARGS as for bench; writes
# results/bench-distro.md and .json. See Documentation/benchmarks.rst.
bench-distro: deps
	@python3 scripts/bench-distro.py $(BENCH_ARGS)

# Where one workload's instructions go, function by function, in the two
# kernels make bench built: make bench-profile WORKLOAD=mprotect. Uses
# pv-profile, a QEMU TCG plugin built from tools/profile.
PROFILE_PLUGIN	:= $(PVLAYER_CACHE)/pv-profile.so
WORKLOAD	?= mprotect

.PHONY: bench-profile bench-variant profile-plugin

bench-profile: deps
	@python3 scripts/bench-profile.py $(WORKLOAD) $(PROFILE_ARGS)

bench-variant: deps
	@python3 scripts/bench-variant.py --include "$(INCLUDE)" \
		--objects "$(OBJECTS)" $(VARIANT_ARGS)

profile-plugin: $(PROFILE_PLUGIN)

$(PROFILE_PLUGIN): tools/profile/pv-profile.c tools/profile/qemu_plugin.h
	@mkdir -p $(PVLAYER_CACHE)
	@$(HOSTCC) -O2 -Wall -Werror -shared -fPIC -o $@ $<

# The graft as patches: $(PVLAYER_CACHE)/patches/0001-*.patch ..., a series
# file and a cover letter, built in a git repository of the pristine tree
# in $(PVLAYER_CACHE)/patches-work (extracted once, then reused).
patches: deps
	@python3 scripts/mkpatches.py --tarball $(LINUX_TARBALL)

check-patches: patches
	@LINUX_TARBALL=$(LINUX_TARBALL) scripts/check-patches.sh

clean-cache:
	rm -rf $(BUILD_ON) $(BUILD_OFF) $(BUILD_DISTRO) $(INITRAMFS) \
		$(INITRAMFS_DISTRO)

# --- the vmi ROM and the host tests ------------------------------------------
#
#   make rom        the vmi backend's ROM, $(ROM_DIR)/vmi.rom, and its broken
#                   variants $(ROM_DIR)/vmi-<defect>.rom (for QEMU's
#                   -option-rom); see backends/vmi/rom/mkrom.c
#   make host-test  the ROM validator, the ROM and the site classifier
#                   tested in user space, and the validator and the
#                   classifier fuzzed for FUZZ_TIME seconds each; ends with
#                   "N passed, N failed"
#   make fuzz       the two fuzzers alone, FUZZ_LONG seconds each (600 by
#                   default), on the corpus make host-test keeps growing

ROM_DIR		:= $(PVLAYER_CACHE)/rom
HOST_DIR	:= $(PVLAYER_CACHE)/host-test
HOSTCC		?= gcc
FUZZ_CC		?= clang
FUZZ_TIME	?= 20
FUZZ_LONG	?= 600
HOST_CFLAGS	:= -O2 -g -Wall -Wextra -Werror -I backends/vmi -I tests/host \
		   -I include -I include/asm -I tools/include \
		   -include tests/host/host.h
HOST_SAN	:= -fsanitize=address,undefined -fno-omit-frame-pointer
VMI_ROM_SRC	:= backends/vmi/vmi_rom.c backends/vmi/vmi_code.c \
		   backends/vmi/vmi_rom.h tests/host/host.h
# The kernel's instruction decoder as the tree's tools build it (objtool),
# for the ROM's code checks (vmi_code.c) in user space.
# The layer's files see its insn.h only; the decoder is built on its own,
# as its tools/include types differ from tests/host/host.h's.
INSN_DIR	:= $(TREE)/tools/arch/x86
INSN_CFLAGS	:= -I $(INSN_DIR)/include
INSN_OBJ_CFLAGS	:= -O2 -g -Wall -I $(HOST_DIR) -I $(INSN_DIR)/include \
		   -I $(TREE)/tools/include
VMI_CODE_SRC	:= backends/vmi/vmi_rom.c backends/vmi/vmi_code.c
CLASSIFY_SRC	:= arch/x86/paravirt/classify.c include/asm/paravirt_classify.h \
		   include/asm/paravirt_site.h include/asm/paravirt_ops_list.h \
		   tools/include/pv_nops.h tests/host/host.h
HAVE_FUZZ_CC	= $(shell command -v $(FUZZ_CC) >/dev/null 2>&1 && echo y)

.PHONY: rom host-test fuzz

rom: $(ROM_DIR)/vmi.rom

$(ROM_DIR)/rom.o: backends/vmi/rom/rom.S include/asm/paravirt_types.h \
		  include/asm/paravirt_site.h
	@mkdir -p $(ROM_DIR)
	@$(HOSTCC) -c -D__ASSEMBLY__ -I include/asm -Wa,--fatal-warnings \
		-o $@ $<

$(ROM_DIR)/mkrom: backends/vmi/rom/mkrom.c $(VMI_ROM_SRC)
	@mkdir -p $(ROM_DIR)
	@$(HOSTCC) $(HOST_CFLAGS) -o $@ $<

$(ROM_DIR)/vmi.rom: $(ROM_DIR)/rom.o $(ROM_DIR)/mkrom
	@rm -f $(ROM_DIR)/vmi-*.rom
	@$(ROM_DIR)/mkrom -b $(ROM_DIR) $< $@

$(HOST_DIR)/call_regs.o: tests/host/call_regs.S
	@mkdir -p $(HOST_DIR)
	@$(HOSTCC) -c -o $@ $<

# the decoder's files come with the tree
$(INSN_DIR)/lib/%.c $(INSN_DIR)/lib/%.txt $(INSN_DIR)/tools/%.awk: \
		$(TREE)/Makefile ;

$(HOST_DIR)/inat-tables.c: $(INSN_DIR)/lib/x86-opcode-map.txt \
			   $(INSN_DIR)/tools/gen-insn-attr-x86.awk
	@mkdir -p $(HOST_DIR)
	@awk -f $(INSN_DIR)/tools/gen-insn-attr-x86.awk $< > $@.tmp
	@mv $@.tmp $@

# the decoder with the sanitizers of the tests, and of the fuzzers
$(HOST_DIR)/%.san.o: $(INSN_DIR)/lib/%.c $(HOST_DIR)/inat-tables.c
	@$(HOSTCC) $(INSN_OBJ_CFLAGS) $(HOST_SAN) -c -o $@ $<

$(HOST_DIR)/%.fuzz.o: $(INSN_DIR)/lib/%.c $(HOST_DIR)/inat-tables.c
	@$(FUZZ_CC) $(INSN_OBJ_CFLAGS) -O1 \
		-fsanitize=fuzzer-no-link,address,undefined -c -o $@ $<

$(HOST_DIR)/test_vmi_rom: tests/host/test_vmi_rom.c tests/host/call_regs.h \
			  tests/host/check.h $(HOST_DIR)/call_regs.o \
			  $(HOST_DIR)/insn.san.o $(HOST_DIR)/inat.san.o \
			  $(VMI_ROM_SRC)
	@$(HOSTCC) $(HOST_CFLAGS) $(INSN_CFLAGS) $(HOST_SAN) -o $@ $< \
		$(HOST_DIR)/call_regs.o $(VMI_CODE_SRC) \
		$(HOST_DIR)/insn.san.o $(HOST_DIR)/inat.san.o

$(HOST_DIR)/fuzz_vmi_rom: tests/host/fuzz_vmi_rom.c tests/host/fuzz.h \
			  $(HOST_DIR)/insn.fuzz.o $(HOST_DIR)/inat.fuzz.o \
			  $(VMI_ROM_SRC)
	@mkdir -p $(HOST_DIR)
	@$(FUZZ_CC) $(HOST_CFLAGS) $(INSN_CFLAGS) -O1 \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-o $@ $< $(VMI_CODE_SRC) \
		$(HOST_DIR)/insn.fuzz.o $(HOST_DIR)/inat.fuzz.o || \
		echo "host-test: $(FUZZ_CC) cannot build the fuzzer" >&2

$(HOST_DIR)/test_classify: tests/host/test_classify.c tests/host/check.h \
			   $(CLASSIFY_SRC)
	@mkdir -p $(HOST_DIR)
	@$(HOSTCC) $(HOST_CFLAGS) $(HOST_SAN) -o $@ $< \
		arch/x86/paravirt/classify.c

$(HOST_DIR)/fuzz_classify: tests/host/fuzz_classify.c tests/host/fuzz.h \
			   $(CLASSIFY_SRC)
	@mkdir -p $(HOST_DIR)
	@$(FUZZ_CC) $(HOST_CFLAGS) -O1 -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all -o $@ $< arch/x86/paravirt/classify.c || \
		echo "host-test: $(FUZZ_CC) cannot build the fuzzer" >&2

host-test: rom $(HOST_DIR)/test_vmi_rom $(HOST_DIR)/test_classify \
	   $(if $(HAVE_FUZZ_CC),$(HOST_DIR)/fuzz_vmi_rom $(HOST_DIR)/fuzz_classify)
	@tests/host/run.sh $(HOST_DIR) $(ROM_DIR) $(FUZZ_TIME)

fuzz: rom $(HOST_DIR)/fuzz_vmi_rom $(HOST_DIR)/fuzz_classify
	@tests/host/run.sh $(HOST_DIR) $(ROM_DIR) $(FUZZ_LONG) fuzz

# --- the site inspector --------------------------------------------------------
#
#   make inspect    $(PVLAYER_CACHE)/pv-inspect, built from tools/inspect
#                   with the layer's shared headers; see
#                   Documentation/inspector.rst

INSPECT		:= $(PVLAYER_CACHE)/pv-inspect
LIBELF_CFLAGS	= $(shell pkg-config --cflags libelf 2>/dev/null)
LIBELF_LIBS	= $(shell pkg-config --libs libelf 2>/dev/null || echo -lelf)

.PHONY: inspect

inspect: $(INSPECT)

$(INSPECT): tools/inspect/pv-inspect.c $(CLASSIFY_SRC)
	@mkdir -p $(PVLAYER_CACHE)
	@$(HOSTCC) -O2 -g -Wall -Wextra -Werror -I include -I include/asm \
		-I tools/include -include tests/host/host.h $(LIBELF_CFLAGS) \
		-o $@ $< arch/x86/paravirt/classify.c $(LIBELF_LIBS)
