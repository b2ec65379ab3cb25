// SPDX-License-Identifier: GPL-2.0
/*
 * Pid reuse: who is fooled when a dead child's pid comes back.
 *
 * Inside a guest only (pid_max is system-wide): pid_max is lowered to 600
 * for the test and restored.  A recycler process keeps about 60 short-lived
 * fillers alive (each lives 5-100 ms), so freed pids come back quickly, as
 * on a busy machine with a small pid space.  Each round forks 50 victims
 * (clone3 with CLONE_PIDFD), kills and reaps them at once, and then, at
 * several lags after the deaths, asks three watchers whether each victim is
 * still alive:
 *   proc-poll   /proc/<pid> exists
 *   kill0-poll  kill(pid, 0) succeeds
 *   pidfd       poll() on the victim's pidfd shows no POLLIN
 * Every victim is dead at every lag, so "alive" is a wrong answer: the pid
 * now names a filler.  The answers per lag are printed ("# pid-reuse ...",
 * the figure of results/reliability); the test asserts that the pidfd never
 * answers wrong, and that the recycler did bring pids back (else the
 * experiment shows nothing and says so).
 */
#include "ktap.h"
#include "pidfd_uapi.h"
#include "ew_test.h"
#include <sys/stat.h>

#define VICTIMS 50
#define ROUNDS 6
#define PID_MAX_TEST 600
#define FILLERS 60

static const int lags_ms[] = { 1, 10, 100, 300, 1000, 3000 };
#define NLAGS ((int)(sizeof(lags_ms) / sizeof(lags_ms[0])))

static long ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

static int read_int(const char *path, long *v)
{
	FILE *f = fopen(path, "re");
	int ok;

	if (!f)
		return -1;
	ok = fscanf(f, "%ld", v) == 1;
	fclose(f);
	return ok ? 0 : -1;
}

static int write_int(const char *path, long v)
{
	char s[32];

	snprintf(s, sizeof(s), "%ld\n", v);
	return ew_write_str(path, s);
}

/* the recycler: its own process group, about FILLERS children at a time */
static void __attribute__((noreturn)) recycler(void)
{
	unsigned int seed = (unsigned int)getpid();
	int alive = 0;

	setpgid(0, 0);
	ew_close_all_but(2);
	for (;;) {
		while (alive < FILLERS) {
			int life_us = 5000 + (int)(rand_r(&seed) % 95000);
			pid_t f = fork();

			if (f == 0) {
				usleep(life_us);
				_exit(0);
			}
			if (f < 0)
				break;
			alive++;
		}
		if (waitpid(-1, NULL, 0) > 0)
			alive--;
	}
}

struct victim {
	pid_t pid;
	int pidfd;
};

TEST_TIMEOUT(pidfd_never_fooled_by_pid_reuse, 600)
{
	long pid_max_old = 0, t_dead, wrong[3][NLAGS] = { { 0 } }, asked[NLAGS] = { 0 };
	struct victim v[VICTIMS];
	int round, lag, i, status;
	long reused_any = 0;
	pid_t rec;

	if (!getenv("EW_GUEST") || getenv("EW_GUEST")[0] != '1')
		SKIP("lowers pid_max, a system-wide setting: runs only inside a guest (EW_GUEST=1)");
	if (geteuid() != 0)
		SKIP("needs root to lower pid_max");
	ASSERT_OK(read_int("/proc/sys/kernel/pid_max", &pid_max_old));
	if (write_int("/proc/sys/kernel/pid_max", PID_MAX_TEST))
		SKIP("cannot write /proc/sys/kernel/pid_max: %s", strerror(errno));
	rec = fork();
	if (rec < 0) {
		write_int("/proc/sys/kernel/pid_max", pid_max_old);
		ASSERT_GE(rec, 0);
	}
	if (rec == 0)
		recycler();

	for (round = 0; round < ROUNDS; round++) {
		int go[2];

		ASSERT_OK(pipe2(go, O_CLOEXEC));
		for (i = 0; i < VICTIMS; i++) {
			v[i].pid = ew_fork_pidfd(&v[i].pidfd, 0, SIGCHLD);
			if (v[i].pid == 0) {
				char c;

				ew_close_all_but(go[0]);
				if (read(go[0], &c, 1) < 0)
					_exit(1);
				_exit(0);
			}
			if (v[i].pid < 0)
				break;
		}
		close(go[0]);
		if (i < VICTIMS) {
			ktap_diag("fork of victim %d: %s", i, strerror(errno));
			close(go[1]);
			for (int k = 0; k < i; k++) {
				waitpid(v[k].pid, NULL, 0);
				close(v[k].pidfd);
			}
			break;
		}
		/* all die and are reaped: their pids are free from here on */
		for (i = 0; i < VICTIMS; i++)
			sys_pidfd_send_signal(v[i].pidfd, SIGKILL, NULL, 0);
		for (i = 0; i < VICTIMS; i++)
			EXPECT_EQ(waitpid(v[i].pid, &status, 0), v[i].pid);
		close(go[1]);
		t_dead = ms_now();
		for (lag = 0; lag < NLAGS; lag++) {
			long wait = t_dead + lags_ms[lag] - ms_now();

			if (wait > 0)
				usleep(wait * 1000);
			for (i = 0; i < VICTIMS; i++) {
				char path[32];
				struct stat st;
				int proc_alive, kill_alive;
				short rev;

				snprintf(path, sizeof(path), "/proc/%d", v[i].pid);
				proc_alive = stat(path, &st) == 0;
				kill_alive = kill(v[i].pid, 0) == 0;
				rev = ew_poll(v[i].pidfd, POLLIN, 0);
				wrong[0][lag] += proc_alive;
				wrong[1][lag] += kill_alive;
				wrong[2][lag] += !(rev & POLLIN);
				reused_any += proc_alive || kill_alive;
			}
			asked[lag] += VICTIMS;
		}
		for (i = 0; i < VICTIMS; i++)
			close(v[i].pidfd);
	}
	kill(-rec, SIGKILL);
	kill(rec, SIGKILL);
	waitpid(rec, NULL, 0);
	EXPECT_EQ(write_int("/proc/sys/kernel/pid_max", pid_max_old), 0);

	for (lag = 0; lag < NLAGS; lag++)
		ktap_diag("pid-reuse lag_ms=%d asked=%ld proc_poll_wrong=%ld kill0_poll_wrong=%ld pidfd_wrong=%ld",
			  lags_ms[lag], asked[lag], wrong[0][lag], wrong[1][lag], wrong[2][lag]);
	ktap_diag("pid-reuse: pid_max %d, %d fillers alive living 5-100 ms, %d victims per round, %d rounds",
		  PID_MAX_TEST, FILLERS, VICTIMS, ROUNDS);
	for (lag = 0; lag < NLAGS; lag++)
		EXPECT_EQ(wrong[2][lag], 0);
	/* a run in which no pid came back measured nothing */
	EXPECT_GT(reused_any, 0);
}
