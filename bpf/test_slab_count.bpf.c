// SPDX-License-Identifier: GPL-2.0
/*
 * test_slab_count: slab allocations made while current is the storming
 * process (tgid == storm_tgid) or one of its children (real_parent's tgid
 * == storm_tgid), so that tests/f5_bpf_no_alloc.c can count what a fork,
 * exit and reap costs with and without a pidfd.  User space sets
 * storm_tgid (.bss) around a phase and reads the counters before and
 * after.  Both tracepoints have the same prototype in 6.1 and 6.18 (read
 * from both kernels' BTF); only bytes_req is read.  CO-RE tp_btf.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "test_slab_count.h"

pid_t storm_tgid = 0;
struct slab_count count = {};

static __always_inline int in_storm(void)
{
	struct task_struct *cur;
	pid_t t = storm_tgid;

	if (!t)
		return 0;
	cur = bpf_get_current_task_btf();
	if (cur->tgid == t)
		return 1;
	return BPF_CORE_READ(cur, real_parent, tgid) == t;
}

SEC("tp_btf/kmem_cache_alloc")
int BPF_PROG(slab_cache_alloc)
{
	if (in_storm())
		__sync_fetch_and_add(&count.cache_allocs, 1);
	return 0;
}

SEC("tp_btf/kmalloc")
int BPF_PROG(slab_kmalloc, unsigned long call_site, const void *ptr, size_t bytes_req)
{
	if (!in_storm())
		return 0;
	__sync_fetch_and_add(&count.kmalloc_allocs, 1);
	if (bytes_req <= SLAB_SMALL_BYTES)
		__sync_fetch_and_add(&count.kmalloc_small, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
