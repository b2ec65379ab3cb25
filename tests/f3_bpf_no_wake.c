// SPDX-License-Identifier: GPL-2.0
/*
 * eBPF-observed, F3: a premature leader exit and a sub-thread exec wake
 * nobody.  A watcher sleeps in poll(POLLIN) on the process pidfd while an
 * orchestrator thread makes the leader exit and/or a thread exec; the
 * watcher must stay asleep, with no sched_waking from the watched process,
 * until the group's last thread exits, and then be woken exactly once.
 * Polling results alone cannot show this: a spurious wake-up followed by
 * "not ready" is invisible to the poller.  Needs F2 (as F3 does).
 */
#include "ktap.h"
#include "pidfd_uapi.h"
#include "ew_test.h"
#include "ew_bpf.h"
#include "test_pidfd_wake.h"
#include "test_pidfd_wake.skel.h"

enum scenario { LEADER_EXIT, EXEC_AFTER_LEADER_EXIT, EXEC_WITH_LIVE_LEADER };

struct orchestrator {
	pthread_t thread;
	struct ew_group *g;
	enum scenario sc;
	pid_t watcher;
	volatile int armed;
	struct test_pidfd_wake_bpf *skel;
	struct pidfd_wake_round in_window;	/* counters at the end of the window */
	char watcher_state;			/* the watcher's state then */
	int ok;
};

static void *orchestrate(void *arg)
{
	struct orchestrator *o = arg;

	while (!o->armed || ew_task_state(o->watcher) != 'S')
		usleep(100);
	/* open the window */
	switch (o->sc) {
	case LEADER_EXIT:
		ew_poke(o->g->leader_go);
		o->ok = ew_wait_state(o->g->pid, "Z");
		break;
	case EXEC_AFTER_LEADER_EXIT:
		ew_poke(o->g->leader_go);
		o->ok = ew_wait_state(o->g->pid, "Z");
		ew_poke(o->g->thread_go);
		o->ok &= ew_wait_byte(o->g->exec_ready) == 1;
		break;
	case EXEC_WITH_LIVE_LEADER:
		ew_poke(o->g->thread_go);
		o->ok = ew_wait_byte(o->g->exec_ready) == 1;
		break;
	}
	__sync_synchronize();
	memcpy(&o->in_window, &o->skel->bss->wake_round, sizeof(o->in_window));
	o->watcher_state = ew_task_state(o->watcher);
	/* close it: the group's last thread exits */
	if (o->sc == LEADER_EXIT)
		ew_poke(o->g->thread_go);
	else
		ew_poke(o->g->exec_go);
	return NULL;
}

static void run_scenario(enum scenario sc, int leader_act, int thread_act, int code)
{
	long rounds = ew_env_long("EW_BPF_F3_ROUNDS", 5), i;
	struct test_pidfd_wake_bpf *skel;
	pid_t watcher = ew_gettid();

	EW_NEED_F2();
	skel = EW_BPF_LOAD(test_pidfd_wake_bpf, { skel->rodata->watcher_tid = watcher; });
	for (i = 0; i < rounds; i++) {
		struct orchestrator o = { .sc = sc, .watcher = watcher, .skel = skel };
		struct pidfd_wake_round w;
		struct pollfd pfd[2];
		struct ew_group g;
		int status, n;

		ASSERT_OK(ew_group_spawn(&g, leader_act, 0, thread_act, code));
		o.g = &g;
		skel->bss->target_tgid = 0;
		__sync_synchronize();
		memset(&skel->bss->wake_round, 0, sizeof(skel->bss->wake_round));
		skel->bss->reaper_tid = 0;
		__sync_synchronize();
		skel->bss->target_tgid = g.pid;
		/* the process pidfd and a PIDFD_THREAD pidfd of the leader */
		pfd[0] = (struct pollfd){ .fd = g.pidfd, .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = ASSERT_OK(sys_pidfd_open(g.pid, PIDFD_THREAD)),
					  .events = POLLIN };
		ASSERT_EQ(pthread_create(&o.thread, NULL, orchestrate, &o), 0);
		o.armed = 1;
		n = poll(pfd, 2, 20000);
		ASSERT_EQ(pthread_join(o.thread, NULL), 0);
		close(pfd[1].fd);
		__sync_synchronize();
		skel->bss->target_tgid = 0;
		__sync_synchronize();
		memcpy(&w, &skel->bss->wake_round, sizeof(w));
		ASSERT_TRUE(o.ok);
		ASSERT_EQ(n, 2);
		EXPECT_EQ(pfd[0].revents, POLLIN);
		EXPECT_EQ(pfd[1].revents, POLLIN);
		ASSERT_EQ(waitpid(g.pid, &status, 0), g.pid);
		EXPECT_EQ(status, code << 8);
		if (w.wakes_by_target != 1 || w.wakes_by_target_before_exit ||
		    o.in_window.wakes_by_target || o.watcher_state != 'S')
			TH_LOG("round %ld: in window: state %c, wakes by target %u | at end: exit_ns %llu, wakes by target %u (before exit %u), other %u",
			       i, o.watcher_state ? o.watcher_state : '?',
			       o.in_window.wakes_by_target, (unsigned long long)w.exit_ns,
			       w.wakes_by_target, w.wakes_by_target_before_exit, w.wakes_other);
		/* asleep through the window, and nobody in the group woke it */
		EXPECT_EQ(o.watcher_state, 'S');
		EXPECT_EQ(o.in_window.wakes_by_target, 0);
		EXPECT_EQ(o.in_window.exit_ns, 0);
		/* then one wake-up, at the last thread's exit */
		ASSERT_NE(w.exit_ns, 0);
		EXPECT_EQ(w.wakes_by_target_before_exit, 0);
		EXPECT_EQ(w.wakes_by_target, 1);
		EXPECT_GE(w.target_wake_ns, w.exit_ns);
		ew_group_end(&g);
		if (ktap_failed)
			break;
	}
	TH_LOG("%ld rounds: the poller slept through the window and was woken once at the end", i);
	test_pidfd_wake_bpf__destroy(skel);
}

TEST_TIMEOUT(leader_exit_wakes_no_poller_until_group_exit, 300)
{
	run_scenario(LEADER_EXIT, EW_EXIT_THREAD, EW_EXIT_GROUP, 7);
}

TEST_TIMEOUT(subthread_exec_after_leader_exit_wakes_no_poller, 300)
{
	run_scenario(EXEC_AFTER_LEADER_EXIT, EW_EXIT_THREAD, EW_EXEC, 9);
}

TEST_TIMEOUT(subthread_exec_with_live_leader_wakes_no_poller, 300)
{
	run_scenario(EXEC_WITH_LIVE_LEADER, EW_BLOCK, EW_EXEC, 11);
}
