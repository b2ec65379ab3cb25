// SPDX-License-Identifier: GPL-2.0
/*
 * eBPF-observed: each child exit produces exactly one wake-up of the task
 * polling its pidfd, issued from the exiting task itself, after the
 * sched_process_exit of its last thread.  User space cannot see who woke
 * it or when; the exit_wake BPF program can.
 */
#include "ktap.h"
#include "pidfd_uapi.h"
#include "ew_test.h"
#include "ew_bpf.h"
#include "exit_wake.h"
#include "exit_wake.skel.h"

#define ROUNDS 25

TEST(exit_wakes_pidfd_poller_once_from_exiting_task)
{
	pid_t watcher = gettid();
	struct exit_wake_bpf *skel =
		EW_BPF_LOAD(exit_wake_bpf, { skel->rodata->watcher_tid = watcher; });
	volatile int *polling;
	int map_fd, i;

	polling = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(polling != MAP_FAILED);
	map_fd = bpf_map__fd(skel->maps.watched);

	for (i = 0; i < ROUNDS; i++) {
		struct exit_wake_rec rec = { 0 };
		struct pollfd pfd;
		pid_t parent = getpid(), pid;
		__u32 key;
		int pidfd = -1, n;

		*polling = 0;
		pid = ew_fork_pidfd(&pidfd, 0, SIGCHLD);
		ASSERT_GE(pid, 0);
		if (pid == 0) {
			/* exit only once the parent sleeps in poll() */
			while (!*polling || ew_task_state(parent) != 'S')
				usleep(200);
			_exit(i & 0x7f);
		}
		key = pid;
		ASSERT_OK(bpf_map_update_elem(map_fd, &key, &rec, BPF_NOEXIST));

		pfd.fd = pidfd;
		pfd.events = POLLIN;
		*polling = 1;
		n = poll(&pfd, 1, 20000);
		ASSERT_EQ(n, 1);
		ASSERT_TRUE(pfd.revents & POLLIN);
		ASSERT_EQ(waitpid(pid, NULL, 0), pid);
		close(pidfd);

		ASSERT_OK(bpf_map_lookup_elem(map_fd, &key, &rec));
		bpf_map_delete_elem(map_fd, &key);
		if (rec.exit_ns == 0 || rec.wakes != 1 || rec.wakes_before_exit ||
		    rec.waker_tid != (__u32)pid || rec.wake_ns < rec.exit_ns)
			TH_LOG("round %d child %d: exits %u exit_ns %llu wakes %u before_exit %u waker %u wake_ns %llu",
			       i, pid, rec.exits, (unsigned long long)rec.exit_ns, rec.wakes,
			       rec.wakes_before_exit, rec.waker_tid, (unsigned long long)rec.wake_ns);
		EXPECT_EQ(rec.exits, 1);
		ASSERT_NE(rec.exit_ns, 0);
		EXPECT_EQ(rec.wakes, 1);
		EXPECT_EQ(rec.wakes_before_exit, 0);
		EXPECT_EQ(rec.waker_tid, pid);
		EXPECT_GE(rec.wake_ns, rec.exit_ns);
	}
	TH_LOG("%d exits, each woke the poller once, from the exiting task, after sched_process_exit",
	       ROUNDS);
	munmap((void *)polling, 4096);
	exit_wake_bpf__destroy(skel);
}
