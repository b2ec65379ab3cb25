# bench/cost.mk - included by the top Makefile.
#   make cost       exact per-operation cost (guest instructions) in deterministic
#                   QEMU guests: base, every series state, patched -> build/cost/,
#                   results/cost/section.json (scripts/cost.sh; KERNELS="base patched"
#                   for a subset)
#   (make gate: the regression gate of make check, scripts/gate.sh, judges
#   base and patched with it against results/baselines/cost/)

# the guest's user space: static, no build id, so the initramfs is the same
# bytes wherever the same compiler and libc build it
COST_CFLAGS := -O2 -g0 -Wall -Wextra -Wno-unused-parameter -D_GNU_SOURCE -I$(TOP)/include
COST_LDFLAGS := -static -Wl,--build-id=none

$(B)/cost/cost_suite: $(TOP)/bench/cost_suite.c $(TOP)/include/pidfd_uapi.h
	@echo "  CC      $@"
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(COST_CFLAGS) $< -o $@ $(COST_LDFLAGS) -pthread

$(B)/cost/cost_tiny: $(TOP)/bench/cost_tiny.c
	@echo "  CC      $@"
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -O2 -nostdlib -fno-asynchronous-unwind-tables $< -o $@ $(COST_LDFLAGS)

$(B)/cost/cost_cpio: $(TOP)/bench/cost_cpio.c
	@echo "  CC      $@"
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -O2 -Wall -Wextra $< -o $@

$(B)/cost/initramfs.cpio: $(B)/cost/cost_cpio $(B)/cost/cost_suite $(B)/cost/cost_tiny
	$(Q)$(B)/cost/cost_cpio $@ /init=$(B)/cost/cost_suite /tiny=$(B)/cost/cost_tiny

cost-initramfs: $(B)/cost/initramfs.cpio

# base and patched are built if needed (scripts/kernel.sh); the series states
# come from make check-series
cost: setup
	$(Q)COST_BUILD=1 $(TOP)/scripts/cost.sh $(KERNELS)
