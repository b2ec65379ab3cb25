// SPDX-License-Identifier: GPL-2.0
/*
 * Linked into the 6.1 pidfd selftests (scripts/selftests.sh), whose sources
 * stay untouched.  Their output goes to a file, where stdio buffers fully;
 * pidfd_test forks with unflushed KTAP lines, and the children print them a
 * second time.  Unbuffered stdout keeps each line once, as on a terminal.
 */
#include <stdio.h>

__attribute__((constructor)) static void selftest_unbuffered(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
}
