/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared between test_slab_count.bpf.c and tests/f5_bpf_no_alloc.c: slab
 * allocations made in the context of a fork storm (the storming process
 * and its children), counted at the kmem_cache_alloc and kmalloc
 * tracepoints.
 */
#ifndef EXITWATCH_TEST_SLAB_COUNT_H
#define EXITWATCH_TEST_SLAB_COUNT_H

/* kmalloc requests of at most this many bytes are also counted apart */
#define SLAB_SMALL_BYTES 16

struct slab_count {
	__u64 cache_allocs;	/* kmem_cache_alloc tracepoint hits */
	__u64 kmalloc_allocs;	/* kmalloc tracepoint hits (any size) */
	__u64 kmalloc_small;	/* of those, bytes_req <= SLAB_SMALL_BYTES */
};

#endif
