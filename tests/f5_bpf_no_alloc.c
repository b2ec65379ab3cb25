// SPDX-License-Identifier: GPL-2.0
/*
 * eBPF-observed, F5: a process that never has a pidfd costs no extra
 * allocation.
 *
 * A fork storm of EW_ALLOC_STORM (default 10,000) processes that are
 * forked, exit at once and are reaped, (a) without any pidfd and (b) with
 * a pidfd_open() of each child before it is reaped.  test_slab_count.bpf.c
 * counts the slab allocations (kmem_cache_alloc and kmalloc tracepoints)
 * made in the context of the storming process and its children.  The two
 * kinds alternate in chunks, so that drift (other work on the machine)
 * falls on both alike, and the even and odd chunks of (a) are compared to
 * show the noise.
 *
 * Each chunk is stormed by a fresh exec of this binary (a constructor
 * takes over when EW_SLAB_STORM is set): fork duplicates the parent's
 * mappings, so the count per fork depends on the parent's memory layout,
 * and the test process's own layout depends on the kernel (libbpf reads
 * its BTF into the heap).  A freshly exec'd helper that has done nothing
 * else has the same layout on every kernel.
 *
 * Asserted here, on kernels with PIDFD_INFO_EXIT: (b) - (a) >= 0.99
 * allocations per process, so the counter sees what pidfd_open() and its
 * exit record allocate in this context (a positive control).  Whether (a)
 * costs more on the patched 6.1 than on the base 6.1 can only be told by
 * comparing the two guests: every run prints its counts on a "slab-storm:"
 * diagnostic line, also on kernels without F5 (where the test then SKIPs),
 * and scripts/budgets.sh compares the base and patched guests' lines.
 */
#include "ktap.h"
#include "pidfd_uapi.h"
#include "ew_test.h"
#include "ew_bpf.h"
#include "test_slab_count.h"
#include "test_slab_count.skel.h"

#define CHUNKS 10

struct phase {
	long procs;
	struct slab_count n;
};

static __u64 slab_total(const struct slab_count *c)
{
	return c->cache_allocs + c->kmalloc_allocs;
}

static void add_delta(struct phase *p, const struct slab_count *before,
		      const struct slab_count *after, long procs)
{
	p->procs += procs;
	p->n.cache_allocs += after->cache_allocs - before->cache_allocs;
	p->n.kmalloc_allocs += after->kmalloc_allocs - before->kmalloc_allocs;
	p->n.kmalloc_small += after->kmalloc_small - before->kmalloc_small;
}

/* procs fork+exit+reap cycles, with a pidfd_open() of each child or not */
static int storm(long procs, int with_pidfd)
{
	long i;

	for (i = 0; i < procs; i++) {
		int status, fd = -1;
		pid_t pid = fork();

		if (pid < 0)
			return -1;
		if (pid == 0)
			_exit(0);
		/* not reaped yet, so pidfd_open() always finds it */
		if (with_pidfd) {
			fd = sys_pidfd_open(pid, 0);
			if (fd < 0)
				return -1;
		}
		if (waitpid(pid, &status, 0) != pid || status != 0)
			return -1;
		if (fd >= 0)
			close(fd);
	}
	return 0;
}

/*
 * The helper: EW_SLAB_STORM="procs with_pidfd ready_fd go_fd": a warm-up,
 * then "ready", then the storm once go is written, then "done" and exit.
 */
__attribute__((constructor)) static void storm_helper(void)
{
	const char *v = getenv("EW_SLAB_STORM");
	int with_pidfd, ready, go, rc;
	long procs;
	char c = 'r';

	if (!v)
		return;
	if (sscanf(v, "%ld %d %d %d", &procs, &with_pidfd, &ready, &go) != 4)
		_exit(120);
	/* first-touch work (stack, data) happens here, not counted */
	rc = storm(2, with_pidfd);
	if (rc || write(ready, &c, 1) != 1 || read(go, &c, 1) != 1)
		_exit(121);
	rc = storm(procs, with_pidfd);
	c = rc ? 'f' : 'd';
	if (write(ready, &c, 1) != 1)
		_exit(122);
	_exit(rc ? 123 : 0);
}

static void counted_chunk(struct test_slab_count_bpf *skel, struct phase *p,
			  long procs, int with_pidfd)
{
	struct slab_count before, after;
	int ready[2], go[2], status;
	char env[96], c = 0;
	pid_t helper;

	ASSERT_OK(pipe2(ready, 0));
	ASSERT_OK(pipe2(go, 0));
	snprintf(env, sizeof(env), "EW_SLAB_STORM=%ld %d %d %d", procs, with_pidfd,
		 ready[1], go[0]);
	helper = fork();
	ASSERT_GE(helper, 0);
	if (helper == 0) {
		char *argv[] = { "f5_bpf_no_alloc_storm", NULL };
		char *envp[] = { env, NULL };

		close(ready[0]);
		close(go[1]);
		execve("/proc/self/exe", argv, envp);
		_exit(124);
	}
	close(ready[1]);
	close(go[0]);
	EXPECT_EQ(read(ready[0], &c, 1), 1);
	skel->bss->storm_tgid = helper;
	__sync_synchronize();
	memcpy(&before, &skel->bss->count, sizeof(before));
	EXPECT_EQ(write(go[1], "g", 1), 1);
	EXPECT_EQ(read(ready[0], &c, 1), 1);
	memcpy(&after, &skel->bss->count, sizeof(after));
	__sync_synchronize();
	skel->bss->storm_tgid = 0;
	close(ready[0]);
	close(go[1]);
	ASSERT_EQ(waitpid(helper, &status, 0), helper);
	ASSERT_EQ(status, 0);
	ASSERT_EQ(c, 'd');
	add_delta(p, &before, &after, procs);
}

static double per_proc(__u64 n, long procs)
{
	return procs ? (double)n / procs : 0;
}

TEST_TIMEOUT(fork_storm_without_pidfds_allocates_no_exit_record, 1200)
{
	long n = ew_env_long("EW_ALLOC_STORM", 10000), chunk, i;
	int f5 = ew_has_pidfd_info_exit() || ew_ignore_gates();
	struct phase a = {}, b = {}, half[2] = {};
	struct test_slab_count_bpf *skel;
	double a_pp, b_pp, noise;

	skel = EW_BPF_LOAD(test_slab_count_bpf, {});
	chunk = n / CHUNKS > 0 ? n / CHUNKS : 1;
	for (i = 0; i < CHUNKS; i++) {
		struct phase one = {};

		counted_chunk(skel, &one, chunk, 0);
		add_delta(&a, &(struct slab_count){}, &one.n, one.procs);
		add_delta(&half[i % 2], &(struct slab_count){}, &one.n, one.procs);
		counted_chunk(skel, &b, chunk, 1);
	}
	test_slab_count_bpf__destroy(skel);

	a_pp = per_proc(slab_total(&a.n), a.procs);
	b_pp = per_proc(slab_total(&b.n), b.procs);
	noise = per_proc(slab_total(&half[0].n), half[0].procs) -
		per_proc(slab_total(&half[1].n), half[1].procs);
	/* the line scripts/budgets.sh reads: integers, one per counter */
	TH_LOG("slab-storm: a_procs=%ld a_cache=%llu a_kmalloc=%llu a_small=%llu b_procs=%ld b_cache=%llu b_kmalloc=%llu b_small=%llu a_even=%llu a_odd=%llu a_half_procs=%ld",
	       a.procs, (unsigned long long)a.n.cache_allocs,
	       (unsigned long long)a.n.kmalloc_allocs, (unsigned long long)a.n.kmalloc_small,
	       b.procs, (unsigned long long)b.n.cache_allocs,
	       (unsigned long long)b.n.kmalloc_allocs, (unsigned long long)b.n.kmalloc_small,
	       (unsigned long long)slab_total(&half[0].n),
	       (unsigned long long)slab_total(&half[1].n), half[0].procs);
	TH_LOG("(a) no pidfd: %.3f slab allocations per process (kmem_cache_alloc %.3f, kmalloc %.3f, of which <= %d bytes %.3f)",
	       a_pp, per_proc(a.n.cache_allocs, a.procs), per_proc(a.n.kmalloc_allocs, a.procs),
	       SLAB_SMALL_BYTES, per_proc(a.n.kmalloc_small, a.procs));
	TH_LOG("(b) pidfd_open per child: %.3f per process (kmem_cache_alloc %.3f, kmalloc %.3f, of which <= %d bytes %.3f)",
	       b_pp, per_proc(b.n.cache_allocs, b.procs), per_proc(b.n.kmalloc_allocs, b.procs),
	       SLAB_SMALL_BYTES, per_proc(b.n.kmalloc_small, b.procs));
	TH_LOG("(b) - (a) = %.3f per process; noise: the even and odd chunks of (a) differ by %+.4f per process",
	       b_pp - a_pp, noise);
	if (!f5)
		SKIP("kernel lacks F5: no PIDFD_INFO_EXIT after reap (6.15); (a) measured for scripts/budgets.sh: %.3f slab allocations per process",
		     a_pp);
	/* the positive control: what pidfd_open() allocates is seen */
	/* KTAP_CMP compares as integers: compare the doubles here */
	EXPECT_TRUE(b_pp - a_pp >= 0.99);
	EXPECT_TRUE(a_pp > 0);
}
