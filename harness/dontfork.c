// SPDX-License-Identifier: GPL-2.0
/*
 * dontfork.c - keep the tracer's BPF map mappings out of forked children.
 *
 * libbpf maps the ring buffer's data pages twice (32 MB for a 16 MB ring);
 * the kernel inserts them with vm_insert_page(), which marks the mapping
 * VM_MIXEDMAP, so fork() copies every PTE and the child's exit zaps them
 * again: about 1 ms of mm teardown per child on this machine (issue 17).
 * MADV_DONTFORK leaves them out of every child.
 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include "tracer.h"

int ew_dontfork_bpf_maps(void)
{
	FILE *f = fopen("/proc/self/maps", "re");
	char line[512];
	int n = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		unsigned long lo, hi;

		if (!strstr(line, "anon_inode:bpf-map") || sscanf(line, "%lx-%lx", &lo, &hi) != 2)
			continue;
		if (!madvise((void *)lo, hi - lo, MADV_DONTFORK))
			n++;
	}
	fclose(f);
	return n;
}
