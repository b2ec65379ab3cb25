# kernel-patches/series.mk: included by the top Makefile.
#
# make check-series   apply kernel-patches/series patch by patch onto the
#                     pristine 6.1 tree, build each state (incrementally, in
#                     build/series-check/) and run checkpatch.pl --strict on
#                     each patch.  Verdicts are cached by patch prefix.

check-series:
	$(Q)$(TOP)/scripts/check-series.sh
