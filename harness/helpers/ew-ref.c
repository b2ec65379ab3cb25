// SPDX-License-Identifier: GPL-2.0
/*
 * ew-ref - the independent reference watcher (issue 17): no BPF, no threads,
 * none of exitwatch's code.  It forks a child that says it is ready and
 * pauses (as exitwatch's burst children do), SIGKILLs it, and takes the time
 * from kill() to the notice, alternating two ways of noticing:
 *   pidfd-epoll  epoll_wait() on the child's pidfd (then reaps it), and
 *   waitid       waitid(P_PID, WEXITED) blocking.
 * argv: [K] (default 20): K samples of each.  Output, one line per way:
 *   pidfd-epoll NS NS ...
 *   waitid NS NS ...
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#define MAXK 1000

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* a child that is ready (has written a byte) and pausing */
static pid_t ready_child(void)
{
	int p[2];
	char c = 0;
	pid_t pid;

	if (pipe(p))
		return -1;
	pid = fork();
	if (pid == 0) {
		if (write(p[1], &c, 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	if (pid > 0 && read(p[0], &c, 1) != 1)
		pid = -1;
	close(p[0]);
	close(p[1]);
	return pid;
}

static int64_t one_pidfd_epoll(void)
{
	struct epoll_event ev = { .events = EPOLLIN }, out;
	pid_t pid = ready_child();
	int pidfd, ep = epoll_create1(EPOLL_CLOEXEC);
	uint64_t t0, t1;

	if (pid < 0 || ep < 0)
		return -1;
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, pidfd, &ev))
		return -1;
	t0 = now_ns();
	kill(pid, SIGKILL);
	while (epoll_wait(ep, &out, 1, -1) != 1)
		;
	t1 = now_ns();
	waitpid(pid, NULL, 0);
	close(pidfd);
	close(ep);
	return (int64_t)(t1 - t0);
}

static int64_t one_waitid(void)
{
	siginfo_t si;
	pid_t pid = ready_child();
	uint64_t t0;

	if (pid < 0)
		return -1;
	t0 = now_ns();
	kill(pid, SIGKILL);
	while (waitid(P_PID, pid, &si, WEXITED))
		;
	return (int64_t)(now_ns() - t0);
}

int main(int argc, char **argv)
{
	static int64_t a[MAXK], b[MAXK];
	int k = argc > 1 ? atoi(argv[1]) : 20;

	if (k < 1 || k > MAXK)
		return 2;
	for (int i = 0; i < k; i++) {
		a[i] = one_pidfd_epoll();
		b[i] = one_waitid();
	}
	printf("pidfd-epoll");
	for (int i = 0; i < k; i++)
		printf(" %lld", (long long)a[i]);
	printf("\nwaitid");
	for (int i = 0; i < k; i++)
		printf(" %lld", (long long)b[i]);
	printf("\n");
	return 0;
}
