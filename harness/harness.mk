# harness/harness.mk - included by the top Makefile.
#   build/exitwatch          the exitwatch command (dynamic)
#   build/exitwatch-guest    what runs in a guest (run, trace, list), static:
#                            the guests' payload (scripts/ab.sh, pid-reuse.sh);
#                            no report, compare or JSON reader
#   make test-unit           harness/tests/*.c as KTAP binaries, through prove
#   make report              the default matrix -> results/latest/
#
# Every source is compiled once, into build/obj/ (with its .d dependency
# file: the top Makefile's object rule), and linked from there: exitwatch
# from all of harness/*.c; the unit tests from their own object and
# build/obj/harness/libexitwatch.a (every object but main's); the guest
# binary from main, guest.c (report and compare refuse with exit 2) and an
# archive without EW_HOST_ONLY, so its link fails if guest code comes to
# need one of them.

# every harness/*.c (the layout: harness/README.md); issue 18 split run.c
# into run.c, cell.c, storm.c, watcher.c, records.c, join.c, timeline.c,
# cellstats.c, targets.c and results.c, and added options.c (the option
# tables' engine): all of them run in a guest too.  summary.c and table.c
# serve only the report: the guest's archive holds them, but nothing the
# guest runs pulls them in.
EW_SRCS := $(wildcard $(TOP)/harness/*.c)
# only the host reads results: a file of the report or compare pipeline goes here
EW_HOST_ONLY := $(wildcard $(addprefix $(TOP)/harness/,report*.c compare*.c jsonr*.c))
EW_MAIN := $(TOP)/harness/exitwatch.c
EW_GUEST_MAIN := $(TOP)/harness/guest.c
EW_LIB_SRCS := $(filter-out $(EW_MAIN) $(EW_GUEST_MAIN),$(EW_SRCS))
EW_GUEST_SRCS := $(filter-out $(EW_HOST_ONLY),$(EW_LIB_SRCS))

EW_LIB_OBJS := $(call objs,$(EW_LIB_SRCS))
EW_MAIN_OBJ := $(call objs,$(EW_MAIN))
EW_LIB := $(OBJ)/harness/libexitwatch.a
EW_GUEST_LIB := $(OBJ)/harness/libexitwatch-guest.a
EW_LIBS := $(BPF_LIBS) -luring -lm -lpthread
EW_LIBS += -lcmark-gfm-extensions -lcmark-gfm
EW_SKEL := $(B)/bpf/exitwatch.skel.h

# harness objects (tests' too) see harness/ and need the skeleton before
# their first compile; after that their .d files name what they include
$(OBJ)/harness/%.o: CFLAGS_EXTRA += -I$(TOP)/harness
$(call objs,$(EW_SRCS) $(wildcard $(TOP)/harness/tests/*.c)): | $(EW_SKEL)

.PHONY: exitwatch exitwatch-guest test-unit report

exitwatch: $(B)/exitwatch
exitwatch-guest: $(B)/exitwatch-guest

# helpers (issue 17), static and separate from exitwatch's code: ew-spawner
# forks the storm children from a small address space; ew-ref is the
# independent reference watcher.  They live beside build/exitwatch.
EW_HELPERS := $(B)/ew-spawner $(B)/ew-ref

$(B)/ew-%: $(OBJ)/harness/helpers/ew-%.o
	$(link) -static
# kept between builds like every other object (make would delete them as intermediates)
.SECONDARY: $(call objs,$(wildcard $(TOP)/harness/helpers/ew-*.c))

$(EW_LIB): $(EW_LIB_OBJS)
$(EW_GUEST_LIB): $(call objs,$(EW_GUEST_SRCS))
$(EW_LIB) $(EW_GUEST_LIB):
	$(Q)rm -f $@
	$(Q)ar rcs $@ $^

$(B)/exitwatch: $(EW_MAIN_OBJ) $(EW_LIB_OBJS) | $(EW_HELPERS)
	$(link) $(EW_LIBS)

$(B)/exitwatch-guest: $(EW_MAIN_OBJ) $(call objs,$(EW_GUEST_MAIN)) $(EW_GUEST_LIB) | $(EW_HELPERS)
	$(link) -static $(EW_LIBS)

# ---- unit tests (KTAP, run through prove) ----
EW_TEST_SRCS := $(wildcard $(TOP)/harness/tests/t_*.c)
EW_TEST_BINS := $(patsubst $(TOP)/harness/tests/%.c,$(B)/harness-tests/%,$(EW_TEST_SRCS))

$(OBJ)/harness/tests/%.o: CFLAGS_EXTRA += -DEW_TOP='"$(TOP)"' -DEW_BIN='"$(B)/exitwatch"'

$(B)/harness-tests/%: $(OBJ)/harness/tests/%.o $(EW_LIB)
	$(link) $(EW_LIBS)

test-unit: $(B)/exitwatch $(EW_TEST_BINS)
	$(Q)prove -v --exec "" $(EW_TEST_BINS)

# ---- exitwatch with ASan and UBSan, for scripts/fuzz-cli.sh ----
# its own objects (other flags), in build/fuzz-cli/obj/
EW_ASAN := $(B)/fuzz-cli/exitwatch-asan
EW_ASAN_OBJS := $(patsubst $(TOP)/%.c,$(B)/fuzz-cli/obj/%.o,$(EW_MAIN) $(EW_LIB_SRCS))
EW_ASAN_CFLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all \
	-Wall -Wno-unused-parameter -Wno-missing-field-initializers -D_GNU_SOURCE \
	-I$(TOP)/include -I$(TOP)/tests -I$(TOP)/bpf -I$(B)/bpf -I$(TOP)/harness

$(B)/fuzz-cli/obj/%.o: $(TOP)/%.c | $(EW_SKEL)
	$(compile) $(EW_ASAN_CFLAGS)

$(EW_ASAN): $(EW_ASAN_OBJS)
	$(link) -fsanitize=address,undefined $(EW_LIBS)

-include $(EW_ASAN_OBJS:.o=.d)

# ---- the report ----
report: setup $(B)/exitwatch
	$(Q)$(TOP)/harness/report.sh $(B)/exitwatch $(TOP)/results/latest
