# harness/harness.mk - included by the top Makefile.
#   build/exitwatch          the exitwatch command (dynamic)
#   build/exitwatch-static   the same, static (for the guests' initramfs)
#   make test-unit           harness/tests/*.c as KTAP binaries, through prove
#   make report              the default matrix -> results/latest/

# every harness/*.c; issue 17 added sweep.c (victim-size sweep, mrelease),
# neutral.c (tracer on/off blocks), load.c (load verdict), summary.c (ranking,
# use cases), table.c (column alignment), report_sweep.c, report_summary.c
EW_SRCS := $(wildcard $(TOP)/harness/*.c)
EW_HDRS := $(wildcard $(TOP)/harness/*.h) $(TOP)/include/pidfd_uapi.h $(TOP)/bpf/exitwatch.h
EW_LIBSRCS := $(filter-out $(TOP)/harness/exitwatch.c,$(EW_SRCS))
EW_LIBS := $(BPF_LIBS) -luring -lm -lpthread
EW_CFLAGS := $(CFLAGS_COMMON) -I$(TOP)/harness
EW_SKEL := $(B)/bpf/exitwatch.skel.h

.PHONY: exitwatch exitwatch-static test-unit report

exitwatch: $(B)/exitwatch

# helpers (issue 17), static and separate from exitwatch's code: ew-spawner
# forks the storm children from a small address space; ew-ref is the
# independent reference watcher.  They live beside build/exitwatch.
EW_HELPERS := $(B)/ew-spawner $(B)/ew-ref

$(B)/ew-%: $(TOP)/harness/helpers/ew-%.c $(TOP)/harness/child.h $(TOP)/harness/spawner.h $(TOP)/include/pidfd_uapi.h
	@echo "  CC      $@"
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(EW_CFLAGS) $< -o $@ -static

$(B)/exitwatch: $(EW_SRCS) $(EW_HDRS) $(EW_SKEL) | $(EW_HELPERS)
	@echo "  CC      $@"
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(EW_CFLAGS) $(EW_SRCS) -o $@ $(EW_LIBS)

exitwatch-static: $(B)/exitwatch-static

$(B)/exitwatch-static: $(EW_SRCS) $(EW_HDRS) $(EW_SKEL) | $(EW_HELPERS)
	@echo "  CC      $@"
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(EW_CFLAGS) $(EW_SRCS) -o $@ -static $(EW_LIBS)

# ---- unit tests (KTAP, run through prove) ----
EW_TEST_SRCS := $(wildcard $(TOP)/harness/tests/t_*.c)
EW_TEST_BINS := $(patsubst $(TOP)/harness/tests/%.c,$(B)/harness-tests/%,$(EW_TEST_SRCS))

$(B)/harness-tests/%: $(TOP)/harness/tests/%.c $(EW_LIBSRCS) $(EW_HDRS) $(EW_SKEL) $(TOP)/tests/ktap.h
	@echo "  CC      $@"
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(EW_CFLAGS) -DEW_TOP='"$(TOP)"' -DEW_BIN='"$(B)/exitwatch"' $< $(EW_LIBSRCS) -o $@ $(EW_LIBS)

test-unit: $(B)/exitwatch $(EW_TEST_BINS)
	$(Q)prove -v --exec "" $(EW_TEST_BINS)

# ---- the report ----
report: setup $(B)/exitwatch
	$(Q)$(TOP)/harness/report.sh $(B)/exitwatch $(TOP)/results/latest
