# exitwatch: see README.md.  Two commands do everything on a fresh Debian
# bookworm machine as root:  `make report`  and  `make check`.

KERNEL ?= base
V ?= 0
ifeq ($(V),1)
Q :=
else
Q := @
endif

TOP := $(CURDIR)
B := $(TOP)/build
CC := gcc
CLANG ?= clang
BPFTOOL ?= bpftool
CFLAGS_COMMON := -O2 -g -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers \
	-D_GNU_SOURCE -I$(TOP)/include -I$(TOP)/tests -I$(TOP)/bpf -I$(B)/bpf
# test binaries are static: the same file runs here and in the guests' initramfs
TEST_LDFLAGS := -static -pthread
BPF_LIBS := -lbpf -lelf -lz

# ---- objects ---------------------------------------------------------------
# Every C source is compiled once, to build/obj/<its path>.o, with a .d file
# of the headers it included (-MMD -MP), and linked from there.  What a
# directory adds to CFLAGS_COMMON goes in CFLAGS_EXTRA, pattern-specific:
#   $(OBJ)/dir/%.o: CFLAGS_EXTRA += ...
# In a recipe, `$(compile) FLAGS` compiles $< to $@, `$(link) LDFLAGS` links
# the objects and archives among the prerequisites into $@.
OBJ := $(B)/obj
objs = $(patsubst $(TOP)/%.c,$(OBJ)/%.o,$(1))
define compile
@echo "  CC      $@"
$(Q)mkdir -p $(@D)
$(Q)$(CC) -MMD -MP -c $< -o $@
endef
define link
@echo "  LD      $@"
$(Q)mkdir -p $(@D)
$(Q)$(CC) $(filter %.o %.a,$^) -o $@
endef

$(OBJ)/%.o: $(TOP)/%.c
	$(compile) $(CFLAGS_COMMON) $(CFLAGS_EXTRA)

.PHONY: all setup check report bench ab kernel vm-test test-host tests bpf \
	selftests matrix check-series clean help check-debug fuzz-cli gate gate-wallclock \
	cost cost-initramfs
.DEFAULT_GOAL := help

help:
	@echo "make report        run the storm matrix on this kernel -> results/latest/"
	@echo "make check         install, build and run every test; print the conformance matrix"
	@echo "make kernel KERNEL=base|patched|debug    build a 6.1 guest kernel"
	@echo "make vm-test KERNEL=base|patched|debug   boot it under QEMU and run the suite"
	@echo "make check-debug   the debug guest: splat canary, suite, 10,000-child stress, fault injection"
	@echo "make fuzz-cli      the exitwatch command line under garbage (ASan, UBSan)"
	@echo "make test-host     run the KTAP suite on this machine's kernel"
	@echo "make bench         Google Benchmark micro-benchmarks"
	@echo "make check-series  per-patch build and checkpatch of kernel-patches/"
	@echo "make gate          the deterministic cost gate: base and patched vs results/baselines/cost/"
	@echo "make gate-wallclock the old wall-clock gate (exitwatch compare vs results/baselines/host-*)"
	@echo "make cost          exact cost in guest instructions: base, each series state, patched -> results/cost/"
	@echo "make ab            base vs patched 6.1 guests, interleaved boots -> results/ab/"

setup:
	$(Q)$(TOP)/scripts/setup.sh

# ---- BPF ---------------------------------------------------------------
BPF_SRCS := $(wildcard bpf/*.bpf.c)
BPF_OBJS := $(patsubst bpf/%.bpf.c,$(B)/bpf/%.bpf.o,$(BPF_SRCS))
BPF_SKELS := $(patsubst bpf/%.bpf.c,$(B)/bpf/%.skel.h,$(BPF_SRCS))

$(B)/bpf/vmlinux.h:
	$(Q)mkdir -p $(@D)
	$(Q)if [ -r /sys/kernel/btf/vmlinux ]; then \
		$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > $@.tmp && mv $@.tmp $@; \
	else echo "bpf: /sys/kernel/btf/vmlinux missing: this kernel has no BTF" >&2; exit 1; fi

$(B)/bpf/%.bpf.o: bpf/%.bpf.c $(wildcard bpf/*.h) $(B)/bpf/vmlinux.h
	@echo "  BPF     $@"
	$(Q)$(CLANG) -g -O2 -target bpf -D__TARGET_ARCH_x86 -I$(B)/bpf -Ibpf -c $< -o $@

$(B)/bpf/%.skel.h: $(B)/bpf/%.bpf.o
	@echo "  GENSKEL $@"
	$(Q)$(BPFTOOL) gen skeleton $< name $(subst -,_,$*)_bpf > $@.tmp && mv $@.tmp $@

bpf: $(BPF_OBJS) $(BPF_SKELS)

# ---- KTAP tests ---------------------------------------------------------
TEST_SRCS := $(wildcard $(TOP)/tests/f*.c) $(wildcard $(TOP)/tests/stress_*.c)
TEST_BINS := $(patsubst $(TOP)/tests/%.c,$(B)/tests/%,$(TEST_SRCS))
TEST_OBJS := $(call objs,$(TEST_SRCS))

# the skeletons exist before the first compile; then the .d files say who needs them
$(TEST_OBJS): | $(BPF_SKELS)
$(OBJ)/tests/%.o: CFLAGS_EXTRA += -pthread

$(B)/tests/%: $(OBJ)/tests/%.o
	$(link) $(TEST_LDFLAGS) $(BPF_LIBS)

tests: $(TEST_BINS)

# the 6.1 tree's own tools/testing/selftests/pidfd, built static
selftests:
	$(Q)$(TOP)/scripts/selftests.sh

test-host: setup tests
	$(Q)$(TOP)/scripts/run-host.sh

# ---- kernels and guests ---------------------------------------------------
kernel: setup
	$(Q)$(TOP)/scripts/kernel.sh $(KERNEL)

vm-test: setup tests selftests
	$(Q)$(TOP)/scripts/kernel.sh $(KERNEL)
	$(Q)$(TOP)/scripts/vm-test.sh $(KERNEL)

# the debug guest: splat canary, then the suite and the stress with KASAN,
# lockdep, kmemleak and fault injection (not part of make check: too slow)
check-debug: setup tests selftests
	$(Q)$(TOP)/scripts/debug-check.sh

# the exitwatch command line under random arguments and corrupt JSON (ASan, UBSan)
fuzz-cli: setup
	$(Q)$(TOP)/scripts/fuzz-cli.sh

matrix:
	$(Q)$(TOP)/scripts/matrix.sh

# ---- performance: regression gate, base/patched A/B ------------------------
gate: setup
	$(Q)$(TOP)/scripts/gate.sh

gate-wallclock: setup
	$(Q)$(TOP)/scripts/gate.sh --wallclock

ab: setup
	$(Q)$(TOP)/scripts/ab.sh

# the suite as a LAVA job, run locally by Debian's lava-dispatcher (not in make check)
.PHONY: lava
lava:
	$(Q)$(TOP)/scripts/lava.sh $(KERNEL)

# ---- the two main commands --------------------------------------------------
check: setup
	$(Q)$(TOP)/scripts/check.sh

clean:
	rm -rf $(OBJ) $(B)/tests $(B)/bpf $(B)/host $(B)/base/vm $(B)/patched/vm $(B)/debug/vm \
		$(B)/exitwatch $(B)/exitwatch-guest $(B)/ew-spawner $(B)/ew-ref $(B)/harness-tests \
		$(B)/bench $(B)/pipeline-selftest $(B)/matrix.json $(B)/matrix.tsv $(B)/cost $(B)/fuzz-cli

-include harness/harness.mk
-include bench/bench.mk
-include bench/cost.mk
-include kernel-patches/series.mk

# what each object included, from its last compile
-include $(wildcard $(OBJ)/*/*.d $(OBJ)/*/*/*.d)
