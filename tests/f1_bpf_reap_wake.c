// SPDX-License-Identifier: GPL-2.0
/*
 * eBPF-observed, F1 with F5: the reap wake-up.
 *
 * A watcher sleeps in poll() on a pidfd for EPOLLHUP alone.  Each reap of
 * the watched child must wake it exactly once, from the reaper's context
 * (a reaper thread in waitpid; the exiting child itself when autoreaped),
 * after the child's sched_process_exit; the keyed exit wake-up must not
 * reach it.  Exit info is published before the EPOLLHUP wake-up: at the
 * wake-up the BPF program finds it published in the watched process's
 * struct pid, and the woken watcher reads PIDFD_INFO_EXIT at once.
 * test_pidfd_wake.bpf.c attributes every sched_waking of the watcher.
 */
#include "ktap.h"
#include "pidfd_uapi.h"
#include "ew_test.h"
#include "ew_bpf.h"
#include "test_pidfd_wake.h"
#include "test_pidfd_wake.skel.h"

struct reaper {
	pthread_t thread;
	volatile pid_t tid;
	int pipe[2];
	volatile int bad;	/* a reap that did not return the child */
};

static void *reaper_fn(void *arg)
{
	struct reaper *r = arg;
	pid_t pid;

	r->tid = ew_gettid();
	while (read(r->pipe[0], &pid, sizeof(pid)) == sizeof(pid))
		if (waitpid(pid, NULL, 0) != pid)
			r->bad++;
	return NULL;
}

static void start_round(struct test_pidfd_wake_bpf *skel, pid_t target, pid_t reaper)
{
	skel->bss->target_tgid = 0;
	__sync_synchronize();
	memset(&skel->bss->wake_round, 0, sizeof(skel->bss->wake_round));
	skel->bss->reaper_tid = reaper;
	__sync_synchronize();
	skel->bss->target_tgid = target;
}

static struct pidfd_wake_round end_round(struct test_pidfd_wake_bpf *skel)
{
	struct pidfd_wake_round r;

	__sync_synchronize();
	skel->bss->target_tgid = 0;
	__sync_synchronize();
	memcpy(&r, &skel->bss->wake_round, sizeof(r));
	return r;
}

static void log_round(long i, pid_t pid, const struct pidfd_wake_round *r)
{
	TH_LOG("round %ld child %d: exit_ns %llu exits %u | by target %u (before exit %u, tid %u) | by reaper %u (before exit %u) | other %u | exit info at exit %d, at wake: published %u, not yet %u, unknown %u",
	       i, pid, (unsigned long long)r->exit_ns, r->exits, r->wakes_by_target,
	       r->wakes_by_target_before_exit, r->target_waker_tid, r->wakes_by_reaper,
	       r->wakes_by_reaper_before_exit, r->wakes_other, r->info_at_exit, r->wakes_info_published,
	       r->wakes_info_unpublished, r->wakes_info_unknown);
}

/*
 * Exit info published before the wake-up, seen from inside the kernel: at
 * the one wake-up, the BPF program read the exit info state from the
 * watched process's struct pid (both layouts, 6.1 series and 6.17+).
 */
static long info_published_rounds;

static void expect_info_published_at_wake(const struct pidfd_wake_round *w)
{
	if (w->wakes_info_published == 1 && !w->wakes_info_unpublished)
		info_published_rounds++;
	EXPECT_EQ(w->wakes_info_published, 1);
	EXPECT_EQ(w->wakes_info_unpublished, 0);
	EXPECT_EQ(w->wakes_info_unknown, 0);
	/* the control: at the exit, before the reap, it was not published */
	EXPECT_EQ(w->info_at_exit, 0);
}

/* the child: exit with code once the watcher sleeps in poll() */
static void __attribute__((noreturn)) exit_when_polled(volatile int *armed, pid_t watcher, int code)
{
	while (!*armed || ew_task_state(watcher) != 'S')
		usleep(200);
	_exit(code);
}

TEST_TIMEOUT(reap_wakes_hup_poller_once_from_reaper, 600)
{
	long rounds = ew_env_long("EW_BPF_ROUNDS", 200), i, info_checked = 0;
	struct test_pidfd_wake_bpf *skel;
	int f5 = ew_has_pidfd_info_exit();
	pid_t watcher = ew_gettid();
	volatile int *armed;
	struct reaper r = { 0 };

	EW_NEED_F1();
	skel = EW_BPF_LOAD(test_pidfd_wake_bpf, { skel->rodata->watcher_tid = watcher; });
	armed = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(armed != MAP_FAILED);
	ASSERT_OK(pipe2(r.pipe, O_CLOEXEC));
	ASSERT_EQ(pthread_create(&r.thread, NULL, reaper_fn, &r), 0);
	while (!r.tid)
		usleep(100);

	for (i = 0; i < rounds; i++) {
		struct pidfd_wake_round w;
		int pidfd = -1, code = (i % 100) + 1;
		short rev;
		pid_t pid;

		*armed = 0;
		pid = ew_fork_pidfd(&pidfd, 0, SIGCHLD);
		ASSERT_GE(pid, 0);
		if (pid == 0)
			exit_when_polled(armed, watcher, code);
		start_round(skel, pid, r.tid);
		ASSERT_EQ(write(r.pipe[1], &pid, sizeof(pid)), sizeof(pid));
		*armed = 1;
		rev = ew_poll(pidfd, 0, 20000);	/* EPOLLHUP only */
		if (f5) {
			struct ew_pidfd_info info;

			memset(&info, 0, sizeof(info));
			info.mask = EW_PIDFD_INFO_EXIT;
			ASSERT_OK(ioctl(pidfd, EW_PIDFD_GET_INFO, &info));
			EXPECT_TRUE(info.mask & EW_PIDFD_INFO_EXIT);
			EXPECT_EQ(info.exit_code, code << 8);
			info_checked++;
		}
		w = end_round(skel);
		ASSERT_EQ(rev, POLLHUP);
		if (w.wakes_by_reaper != 1 || w.wakes_by_reaper_before_exit ||
		    w.wakes_by_target || !w.exit_ns || w.reaper_wake_ns < w.exit_ns ||
		    (f5 && (w.wakes_info_published != 1 || w.info_at_exit)))
			log_round(i, pid, &w);
		ASSERT_NE(w.exit_ns, 0);
		EXPECT_EQ(w.wakes_by_reaper, 1);
		EXPECT_EQ(w.wakes_by_reaper_before_exit, 0);
		EXPECT_GE(w.reaper_wake_ns, w.exit_ns);
		/* the exit wake-up is keyed EPOLLIN: not for a HUP-only poller */
		EXPECT_EQ(w.wakes_by_target, 0);
		if (f5)
			expect_info_published_at_wake(&w);
		close(pidfd);
		if (ktap_failed)
			break;
	}
	close(r.pipe[1]);
	ASSERT_EQ(pthread_join(r.thread, NULL), 0);
	EXPECT_EQ(r.bad, 0);
	close(r.pipe[0]);
	TH_LOG("%ld reaps, each woke the HUP poller once from the reaper; exit info read at wake-up %ld times, seen published at the wake-up in the kernel %ld times",
	       i, info_checked, info_published_rounds);
	munmap((void *)armed, 4096);
	test_pidfd_wake_bpf__destroy(skel);
}

/*
 * SIGCHLD ignored: the exiting child reaps itself in exit_notify(), so the
 * one HUP wake-up comes from the child, after its sched_process_exit.
 */
TEST_TIMEOUT(autoreap_wakes_hup_poller_once_from_exiting_child, 600)
{
	long rounds = ew_env_long("EW_BPF_ROUNDS", 200) / 4 + 1, i;
	struct sigaction sa = { .sa_handler = SIG_IGN };
	struct test_pidfd_wake_bpf *skel;
	int f5 = ew_has_pidfd_info_exit();
	pid_t watcher = ew_gettid();
	volatile int *armed;

	EW_NEED_F1();
	skel = EW_BPF_LOAD(test_pidfd_wake_bpf, { skel->rodata->watcher_tid = watcher; });
	armed = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(armed != MAP_FAILED);
	ASSERT_OK(sigaction(SIGCHLD, &sa, NULL));

	for (i = 0; i < rounds; i++) {
		struct pidfd_wake_round w;
		int pidfd = -1, code = (i % 100) + 1;
		short rev;
		pid_t pid;

		*armed = 0;
		pid = ew_fork_pidfd(&pidfd, 0, SIGCHLD);
		ASSERT_GE(pid, 0);
		if (pid == 0)
			exit_when_polled(armed, watcher, code);
		start_round(skel, pid, 0);
		*armed = 1;
		rev = ew_poll(pidfd, 0, 20000);
		if (f5) {
			struct ew_pidfd_info info;

			ASSERT_OK(ew_pidfd_get_info(pidfd, &info, EW_PIDFD_INFO_EXIT));
			EXPECT_TRUE(info.mask & EW_PIDFD_INFO_EXIT);
			EXPECT_EQ(info.exit_code, code << 8);
		}
		w = end_round(skel);
		ASSERT_EQ(rev, POLLHUP);
		if (w.wakes_by_target != 1 || w.wakes_by_target_before_exit ||
		    w.target_waker_tid != (__u32)pid || w.target_wake_ns < w.exit_ns ||
		    (f5 && (w.wakes_info_published != 1 || w.info_at_exit)))
			log_round(i, pid, &w);
		ASSERT_NE(w.exit_ns, 0);
		EXPECT_EQ(w.wakes_by_target, 1);
		EXPECT_EQ(w.wakes_by_target_before_exit, 0);
		EXPECT_EQ(w.target_waker_tid, pid);
		EXPECT_GE(w.target_wake_ns, w.exit_ns);
		if (f5)
			expect_info_published_at_wake(&w);
		close(pidfd);
		if (ktap_failed)
			break;
	}
	TH_LOG("%ld autoreaped exits, each woke the HUP poller once, from the exiting child; exit info seen published at the wake-up in the kernel %ld times",
	       i, info_published_rounds);
	EXPECT_ERRNO(waitpid(-1, NULL, WNOHANG), ECHILD);
	munmap((void *)armed, 4096);
	test_pidfd_wake_bpf__destroy(skel);
}
