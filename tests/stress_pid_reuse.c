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
 *
 * On a slow kernel (the debug guest: KASAN and lockdep under TCG fork about
 * fifty times slower) the recycler may not get through the pid space within
 * the longest lag.  So each round asks once more after the recycler has
 * forked PID_MAX_TEST times since the deaths, whatever that takes (up to
 * WRAP_TIMEOUT_MS): by then every free pid has been handed out again, and
 * the pidfd is checked against a pid space that has surely wrapped.
 */
#include "ktap.h"
#include "pidfd_uapi.h"
#include "ew_test.h"
#include <sys/stat.h>

#define VICTIMS 50
#define ROUNDS 6
#define PID_MAX_TEST 600
#define FILLERS 60
#define WRAP_TIMEOUT_MS 120000

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

/* the recycler: its own process group, about FILLERS children at a time;
 * *forks counts the children it made (shared with the test) */
static void __attribute__((noreturn)) recycler(long *forks)
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
			__atomic_add_fetch(forks, 1, __ATOMIC_RELAXED);
		}
		if (waitpid(-1, NULL, 0) > 0)
			alive--;
	}
}

struct victim {
	pid_t pid;
	int pidfd;
};

/*
 * Asks whether each (dead, reaped) victim is alive, and adds every "alive",
 * a wrong answer, to wrong[0] (/proc/<pid>), wrong[1] (kill(pid, 0)) or
 * wrong[2] (its pidfd).  Returns how many victims' pids named a live process.
 */
static long ask_all(const struct victim *v, long wrong[3])
{
	long reused = 0;

	for (int i = 0; i < VICTIMS; i++) {
		char path[32];
		struct stat st;
		int proc_alive, kill_alive;

		snprintf(path, sizeof(path), "/proc/%d", v[i].pid);
		proc_alive = stat(path, &st) == 0;
		kill_alive = kill(v[i].pid, 0) == 0;
		wrong[0] += proc_alive;
		wrong[1] += kill_alive;
		wrong[2] += !(ew_poll(v[i].pidfd, POLLIN, 0) & POLLIN);
		reused += proc_alive || kill_alive;
	}
	return reused;
}

TEST_TIMEOUT(pidfd_never_fooled_by_pid_reuse, 1200)
{
	long pid_max_old = 0, t_dead, wrong[NLAGS][3] = { { 0 } }, asked[NLAGS] = { 0 };
	struct victim v[VICTIMS];
	int round, lag, i, status;
	long reused_any = 0, wrap_wrong[3] = { 0 }, wrap_asked = 0, wrap_ms = 0, forks0, *forks;
	int wraps = 0;
	pid_t rec;

	if (!getenv("EW_GUEST") || getenv("EW_GUEST")[0] != '1')
		SKIP("lowers pid_max, a system-wide setting: runs only inside a guest (EW_GUEST=1)");
	if (geteuid() != 0)
		SKIP("needs root to lower pid_max");
	forks = mmap(NULL, sizeof(*forks), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(forks != MAP_FAILED);
	*forks = 0;
	ASSERT_OK(read_int("/proc/sys/kernel/pid_max", &pid_max_old));
	if (write_int("/proc/sys/kernel/pid_max", PID_MAX_TEST))
		SKIP("cannot write /proc/sys/kernel/pid_max: %s", strerror(errno));
	rec = fork();
	if (rec < 0) {
		write_int("/proc/sys/kernel/pid_max", pid_max_old);
		ASSERT_GE(rec, 0);
	}
	if (rec == 0)
		recycler(forks);

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
		forks0 = __atomic_load_n(forks, __ATOMIC_RELAXED);
		for (lag = 0; lag < NLAGS; lag++) {
			long wait = t_dead + lags_ms[lag] - ms_now();

			if (wait > 0)
				usleep(wait * 1000);
			reused_any += ask_all(v, wrong[lag]);
			asked[lag] += VICTIMS;
		}
		/* once more, after the recycler has been through the whole pid space */
		while (__atomic_load_n(forks, __ATOMIC_RELAXED) - forks0 < PID_MAX_TEST &&
		       ms_now() - t_dead < WRAP_TIMEOUT_MS)
			usleep(10000);
		if (__atomic_load_n(forks, __ATOMIC_RELAXED) - forks0 >= PID_MAX_TEST) {
			wraps++;
			wrap_ms += ms_now() - t_dead;
			reused_any += ask_all(v, wrap_wrong);
			wrap_asked += VICTIMS;
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
			  lags_ms[lag], asked[lag], wrong[lag][0], wrong[lag][1], wrong[lag][2]);
	if (wraps)
		ktap_diag("pid-reuse after a wrap (%d forks by the recycler, %ld ms after the deaths on average, "
			  "%d of %d rounds): asked=%ld proc_poll_wrong=%ld kill0_poll_wrong=%ld pidfd_wrong=%ld",
			  PID_MAX_TEST, wrap_ms / wraps, wraps, ROUNDS, wrap_asked, wrap_wrong[0],
			  wrap_wrong[1], wrap_wrong[2]);
	else
		ktap_diag("pid-reuse: the recycler never got through %d forks within %d ms of the deaths",
			  PID_MAX_TEST, WRAP_TIMEOUT_MS);
	ktap_diag("pid-reuse: pid_max %d, %d fillers alive living 5-100 ms, %d victims per round, %d rounds",
		  PID_MAX_TEST, FILLERS, VICTIMS, ROUNDS);
	for (lag = 0; lag < NLAGS; lag++)
		EXPECT_EQ(wrong[lag][2], 0);
	EXPECT_EQ(wrap_wrong[2], 0);
	/* a run in which no pid came back measured nothing */
	EXPECT_GT(reused_any, 0);
}
