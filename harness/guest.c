// SPDX-License-Identifier: GPL-2.0
/*
 * guest.c - what build/exitwatch-guest has in place of `exitwatch report`
 * and `exitwatch compare`.  The guest binary (static, for the guests'
 * initramfs) only measures: run, trace and list.  Reading results back
 * (report, compare and the JSON reader under them) happens on the host, so
 * harness/harness.mk links neither into it; these two say so and exit 2,
 * as for an unknown command.
 */
#include <stdio.h>
#include "compare.h"

int ew_report_main(int argc, char **argv);

static int host_only(const char *cmd)
{
	fprintf(stderr, "%s: not in this binary (the guest build runs, traces and lists); "
		"run it on the host with build/exitwatch\n", cmd);
	return 2;
}

int ew_report_main(int argc, char **argv)
{
	return host_only(argv[0]);
}

int ew_compare_main(int argc, char **argv)
{
	return host_only(argv[0]);
}
