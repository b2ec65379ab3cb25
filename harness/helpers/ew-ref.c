// SPDX-License-Identifier: GPL-2.0
/*
 * ew-ref - the independent reference watcher (issue 17): no BPF, none of
 * exitwatch's code, but the shape of exitwatch's burst N=1 rounds, so that
 * the two do the same work: the main thread (the killer) starts a child that
 * marks itself ready in shared memory and pauses, polls for that mark every
 * 200 us (as exitwatch's storm does), and SIGKILLs it; a second thread (the
 * watcher), already blocked, notices the death, reaps the child and hands
 * its time back.
 *
 * The children come from a small spawner process forked at the start, by
 * clone3(CLONE_PARENT), so they are this program's children without being
 * forks of it: a fork would write-protect the watcher's pages for
 * copy-on-write, and the watcher's first store after waking (its stack)
 * would take a page fault inside the timed interval.  exitwatch's children
 * come from a separate spawner for the same reason (its harness/README).  Timed: kill() -> the watcher's notice, alternating two ways:
 *   pidfd-epoll  the killer adds the child's pidfd to the epoll set the
 *                watcher is blocked on (epoll_wait()), and
 *   waitid       the killer passes the pid; the watcher blocks in
 *                waitid(P_PID, WEXITED) before the child is ready.
 * Each sample also says where the watcher woke, where the killer called
 * kill() and where the child paused (sched_getcpu()), the three CPUs
 * exitwatch records, so that the two can be compared placement by placement.
 *
 * argv: [K] (default 20): K samples of each.  Output, one line per way:
 *   pidfd-epoll NS@W,K,C NS@W,K,C ...
 *   waitid NS@W,K,C ...
 * (a CPU of -1: sched_getcpu() failed).  Exit status 1: a sample failed.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/sched.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#define MAXK 1000

enum { WAY_EPOLL, WAY_WAITID };

struct sample {
	int64_t ns;
	int watcher, killer, child;
};

/* watcher -> killer: when and on which CPU the watcher knew (killer -> watcher: a pid_t) */
struct notice {
	uint64_t t;
	int cpu;
};

static int ep;				/* the watcher's epoll set */
static int to_watcher[2], to_killer[2];
static volatile int *ready;		/* shared with the children: [0] ready, [1] its CPU */
static int to_spawner[2], from_spawner[2];

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void notify(uint64_t t, int cpu)
{
	struct notice n = { t, cpu };

	if (write(to_killer[1], &n, sizeof(n)) != sizeof(n))
		abort();
}

/* the watcher: epoll_wait() until told a pid to waitid() for (the killer then adds no pidfd) */
static void *watcher(void *arg)
{
	struct epoll_event ev = { .events = EPOLLIN };

	(void)arg;
	ev.data.fd = to_watcher[0];
	if (epoll_ctl(ep, EPOLL_CTL_ADD, to_watcher[0], &ev))
		abort();
	for (;;) {
		struct epoll_event out;
		siginfo_t si;
		uint64_t t;
		pid_t pid;
		int cpu;

		if (epoll_wait(ep, &out, 1, -1) != 1)
			continue;
		t = now_ns();
		cpu = sched_getcpu();
		if (out.data.fd != to_watcher[0]) {
			/* data: pidfd << 32 | pid */
			pid = (pid_t)(out.data.u64 & 0xffffffff);
			waitpid(pid, NULL, 0);
			close((int)(out.data.u64 >> 32));
			notify(t, cpu);
			continue;
		}
		if (read(to_watcher[0], &pid, sizeof(pid)) != sizeof(pid))
			return NULL;
		while (waitid(P_PID, pid, &si, WEXITED))
			;
		t = now_ns();
		notify(t, sched_getcpu());
	}
}

/* the spawner: a child on every request, which marks itself ready and pauses */
static void spawner(void)
{
	char c;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	/* not the output: whoever reads it waits for every writer to be gone */
	close(STDOUT_FILENO);
	close(to_spawner[1]);
	close(from_spawner[0]);
	while (read(to_spawner[0], &c, 1) == 1) {
		/* exit_signal 0 with CLONE_PARENT: the child gets ours, SIGCHLD */
		struct clone_args a = { .flags = CLONE_PARENT };
		pid_t pid = (pid_t)syscall(SYS_clone3, &a, sizeof(a));

		if (pid == 0) {
			ready[1] = sched_getcpu();
			__atomic_store_n(&ready[0], 1, __ATOMIC_RELEASE);
			for (;;)
				pause();
		}
		if (write(from_spawner[1], &pid, sizeof(pid)) != sizeof(pid))
			break;
	}
	_exit(0);
}

static pid_t pausing_child(void)
{
	pid_t pid;
	char c = 0;

	ready[0] = 0;
	if (write(to_spawner[1], &c, 1) != 1 || read(from_spawner[0], &pid, sizeof(pid)) != sizeof(pid))
		return -1;
	return pid;
}

static int one(int way, struct sample *s)
{
	pid_t pid = pausing_child();
	struct notice n;
	uint64_t t0;
	int pidfd;

	if (pid < 0)
		return -1;
	if (way == WAY_EPOLL) {
		struct epoll_event ev = { .events = EPOLLIN };

		pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
		ev.data.u64 = (uint64_t)(uint32_t)pidfd << 32 | (uint32_t)pid;
		if (pidfd < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, pidfd, &ev))
			goto fail;
	} else if (write(to_watcher[1], &pid, sizeof(pid)) != sizeof(pid)) {
		goto fail;
	}
	while (!__atomic_load_n(&ready[0], __ATOMIC_ACQUIRE))
		usleep(200);
	s->child = ready[1];
	s->killer = sched_getcpu();
	t0 = now_ns();
	kill(pid, SIGKILL);
	if (read(to_killer[0], &n, sizeof(n)) != sizeof(n))
		return -1;
	s->watcher = n.cpu;
	s->ns = (int64_t)(n.t - t0);
	return s->ns > 0 ? 0 : -1;
fail:
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return -1;
}

static void print(const char *way, const struct sample *s, int k)
{
	printf("%s", way);
	for (int i = 0; i < k; i++)
		printf(" %lld@%d,%d,%d", (long long)s[i].ns, s[i].watcher, s[i].killer, s[i].child);
	printf("\n");
}

int main(int argc, char **argv)
{
	static struct sample a[MAXK], b[MAXK];
	int k = argc > 1 ? atoi(argv[1]) : 20;
	pthread_t wt;
	pid_t sp;

	if (k < 1 || k > MAXK) {
		fprintf(stderr, "ew-ref: K must be 1..%d\n", MAXK);
		return 2;
	}
	ready = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (ready == MAP_FAILED || pipe2(to_spawner, O_CLOEXEC) || pipe2(from_spawner, O_CLOEXEC) ||
	    (sp = fork()) < 0) {
		perror("ew-ref");
		return 1;
	}
	if (sp == 0)
		spawner();
	close(to_spawner[0]);
	close(from_spawner[1]);
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0 || pipe2(to_watcher, O_CLOEXEC) || pipe2(to_killer, O_CLOEXEC) ||
	    pthread_create(&wt, NULL, watcher, NULL)) {
		perror("ew-ref");
		return 1;
	}
	for (int i = 0; i < k; i++) {
		if (one(WAY_EPOLL, &a[i]) || one(WAY_WAITID, &b[i])) {
			fprintf(stderr, "ew-ref: sample %d failed\n", i);
			return 1;
		}
	}
	print("pidfd-epoll", a, k);
	print("waitid", b, k);
	return 0;
}
