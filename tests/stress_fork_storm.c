// SPDX-License-Identifier: GPL-2.0
/*
 * Fork-storm stress for pidfd exit notification, run on this machine and
 * in every guest; the debug guest (KASAN, lockdep, kmemleak) runs the full
 * size: EW_STRESS_CHILDREN=10000 on its kernel command line.
 *
 *   burst: N children blocked on one pipe, a pidfd each (pidfd_open), all
 *          released at once by closing the pipe;
 *   churn: EW_STRESS_CHURN (default N) short-lived children created with
 *          clone3(CLONE_PIDFD), at most EW_STRESS_LIVE alive at a time;
 *   fault: the churn with failslab and fail_page_alloc failing a share of
 *          the storm's own allocations (make-it-fail, task filter); only in
 *          a guest whose kernel has them (the debug guest).
 *
 * While a storm runs, EW_STRESS_POLLERS threads wait on the pidfds (epoll,
 * one-shot EPOLLIN) and EW_STRESS_READERS threads read PIDFD_GET_INFO of
 * random live and dead children (where the kernel has F4).  Checked: every
 * child is reaped exactly once by wait with the status it exited with;
 * every pidfd reports the exit exactly once; PIDFD_INFO_EXIT (F5) agrees
 * with wait; no zombie and no fd is left; the "pid" slab of /proc/slabinfo
 * returns to where it started (after RCU-deferred frees, bounded wait) in
 * a guest, where nothing else forks.  The figures are printed as KTAP
 * diagnostics ("# stress ...").
 */
#include "ktap.h"
#include "pidfd_uapi.h"
#include "ew_test.h"
#include <sched.h>
#include <sys/resource.h>
#include <sys/epoll.h>

#define MAX_POLLERS 16
#define MAX_READERS 16

struct slot {
	pid_t pid;
	int pidfd;			/* -1 once closed */
	int code;			/* exit code the child uses */
	int polled;			/* EPOLLIN reports seen (atomic) */
	int reaped;			/* wait reports seen */
	int wait_status;
	pthread_mutex_t lock;		/* pidfd against close while a reader uses it */
};

struct storm {
	struct slot *slots;
	int n;				/* children */
	int created;			/* slots filled so far (atomic, release) */
	int npollers, nreaders;
	int ep[MAX_POLLERS];
	pthread_t pollers[MAX_POLLERS], readers[MAX_READERS];
	int stop;			/* atomic */
	int has_info, has_exit;
	long info_calls, info_exit_seen;	/* atomic */
	long errors;			/* atomic: anything the checks did not like */
	int fault;			/* under fault injection: reads may fail with ENOMEM */
};

#define STORM_ERR(st, fmt, ...) do {						\
	if (__atomic_add_fetch(&(st)->errors, 1, __ATOMIC_RELAXED) <= 10)	\
		ktap_diag("stress: " fmt, ##__VA_ARGS__);			\
} while (0)

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

/* ---- the pid slab ---- */

/* shrink the pid cache (flushes per-cpu slabs), then its active objects; -1 if unknown */
static long pid_slab_active(void)
{
	char line[512];
	long active = -1;
	FILE *f;
	int fd;

	fd = open("/sys/kernel/slab/pid/shrink", O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (write(fd, "1", 1) < 0)
			active = -1;
		close(fd);
	}
	f = fopen("/proc/slabinfo", "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "pid ", 4) && sscanf(line + 4, "%ld", &active) == 1)
			break;
	fclose(f);
	return active;
}

/* is this a guest run (vm-test puts EW_GUEST=1 on the kernel command line)? */
static int in_guest(void)
{
	const char *v = getenv("EW_GUEST");

	return v && *v == '1';
}

/* is the pid cache its own (not merged with another cache)? */
static int pid_slab_unmerged(void)
{
	struct stat st;

	return lstat("/sys/kernel/slab/pid", &st) == 0 && !S_ISLNK(st.st_mode);
}

/* ---- pollers and readers ---- */

struct poller_arg {
	struct storm *st;
	int idx;
};

static void *poller_fn(void *arg)
{
	struct poller_arg *pa = arg;
	struct storm *st = pa->st;
	struct epoll_event ev[64];

	for (;;) {
		int n = epoll_wait(st->ep[pa->idx], ev, 64, 50), i;

		if (n < 0 && errno != EINTR) {
			STORM_ERR(st, "epoll_wait: %s", strerror(errno));
			break;
		}
		for (i = 0; i < n; i++) {
			struct slot *s = &st->slots[ev[i].data.u32];

			if (!(ev[i].events & EPOLLIN))
				STORM_ERR(st, "pid %d: epoll events %#x without EPOLLIN", s->pid, ev[i].events);
			if (__atomic_fetch_add(&s->polled, 1, __ATOMIC_ACQ_REL))
				STORM_ERR(st, "pid %d: a second exit report", s->pid);
		}
		if (n <= 0 && __atomic_load_n(&st->stop, __ATOMIC_ACQUIRE))
			break;
	}
	return NULL;
}

static void *reader_fn(void *arg)
{
	struct storm *st = arg;
	unsigned int seed = (unsigned int)(uintptr_t)&seed ^ (unsigned int)now_ms();

	while (!__atomic_load_n(&st->stop, __ATOMIC_ACQUIRE)) {
		int created = __atomic_load_n(&st->created, __ATOMIC_ACQUIRE);
		struct ew_pidfd_info info;
		struct slot *s;
		int r, e, reaped;

		if (!created) {
			usleep(1000);
			continue;
		}
		/* the most recent children: alive, exiting, or reaped and not yet closed */
		s = &st->slots[created - 1 - (int)(rand_r(&seed) % (created < 256 ? created : 256))];
		pthread_mutex_lock(&s->lock);
		if (s->pidfd < 0) {
			pthread_mutex_unlock(&s->lock);
			usleep(200);
			continue;
		}
		reaped = __atomic_load_n(&s->reaped, __ATOMIC_ACQUIRE);
		memset(&info, 0, sizeof(info));
		info.mask = EW_PIDFD_INFO_PID | EW_PIDFD_INFO_EXIT;
		r = ioctl(s->pidfd, EW_PIDFD_GET_INFO, &info);
		e = errno;
		pthread_mutex_unlock(&s->lock);
		__atomic_add_fetch(&st->info_calls, 1, __ATOMIC_RELAXED);
		/* readers must not starve the storm of CPU (2 cores, TCG guests) */
		usleep(200);
		if (r < 0) {
			/* ESRCH: reaped, and EXIT not (yet) recorded where F5 is absent */
			if (e == ESRCH && (!st->has_exit || !reaped))
				continue;
			if (e == ENOMEM && st->fault)
				continue;
			STORM_ERR(st, "pid %d: GET_INFO: %s (reaped %d)", s->pid, strerror(e), reaped);
			continue;
		}
		if ((info.mask & EW_PIDFD_INFO_PID) && info.pid != (uint32_t)s->pid)
			STORM_ERR(st, "pid %d: GET_INFO says pid %u", s->pid, info.pid);
		if (info.mask & EW_PIDFD_INFO_EXIT) {
			__atomic_add_fetch(&st->info_exit_seen, 1, __ATOMIC_RELAXED);
			if (info.exit_code != (s->code << 8))
				STORM_ERR(st, "pid %d: GET_INFO exit_code %#x, exited with %d", s->pid,
					  info.exit_code, s->code);
		}
	}
	return NULL;
}

/* ---- set-up and checks ---- */

static int storm_size(void)
{
	return (int)ew_env_long("EW_STRESS_CHILDREN", 1000);
}

/* room for n pidfds plus slack; 0 if we could not get it */
static int raise_nofile(long n)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return 0;
	if ((long)rl.rlim_cur >= n)
		return 1;
	if ((long)rl.rlim_max < n)
		rl.rlim_max = n;
	rl.rlim_cur = n;
	return setrlimit(RLIMIT_NOFILE, &rl) == 0;
}

static void storm_start(struct storm *st, int n, int fault)
{
	int i;

	memset(st, 0, sizeof(*st));
	st->n = n;
	st->fault = fault;
	st->npollers = (int)ew_env_long("EW_STRESS_POLLERS", 4);
	st->nreaders = (int)ew_env_long("EW_STRESS_READERS", 2);
	if (st->npollers > MAX_POLLERS)
		st->npollers = MAX_POLLERS;
	if (st->nreaders > MAX_READERS)
		st->nreaders = MAX_READERS;
	st->has_info = ew_has_pidfd_get_info();
	st->has_exit = st->has_info && ew_has_pidfd_info_exit();
	if (!st->has_info)
		st->nreaders = 0;
	st->slots = calloc(n, sizeof(*st->slots));
	ASSERT_TRUE(st->slots != NULL);
	for (i = 0; i < n; i++) {
		st->slots[i].pidfd = -1;
		st->slots[i].code = (i * 7 + 1) % 256;
		pthread_mutex_init(&st->slots[i].lock, NULL);
	}
	for (i = 0; i < st->npollers; i++) {
		static struct poller_arg pa[MAX_POLLERS];

		st->ep[i] = ASSERT_OK(epoll_create1(EPOLL_CLOEXEC));
		pa[i] = (struct poller_arg){ st, i };
		ASSERT_EQ(pthread_create(&st->pollers[i], NULL, poller_fn, &pa[i]), 0);
	}
	for (i = 0; i < st->nreaders; i++)
		ASSERT_EQ(pthread_create(&st->readers[i], NULL, reader_fn, st), 0);
}

/* give slot i's pidfd to a poller */
static int storm_watch(struct storm *st, int i)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLONESHOT, .data.u32 = (uint32_t)i };

	return epoll_ctl(st->ep[i % st->npollers], EPOLL_CTL_ADD, st->slots[i].pidfd, &ev);
}

/* one wait result: find the slot, check it */
static void storm_reaped(struct storm *st, pid_t pid, int status, int *pid_to_slot, int pid_max)
{
	struct slot *s;

	if (pid <= 0 || pid >= pid_max || pid_to_slot[pid] < 0) {
		STORM_ERR(st, "wait returned pid %d, not one of ours", pid);
		return;
	}
	s = &st->slots[pid_to_slot[pid]];
	if (__atomic_fetch_add(&s->reaped, 1, __ATOMIC_ACQ_REL))
		STORM_ERR(st, "pid %d reaped twice", pid);
	s->wait_status = status;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != s->code)
		STORM_ERR(st, "pid %d: wait status %#x, exited with %d", pid, status, s->code);
}

/* wait until every pidfd was reported by its poller (bounded) */
static int storm_wait_polled(struct storm *st, int upto, int secs)
{
	long deadline = now_ms() + secs * 1000L;
	int i = 0;

	while (i < upto) {
		if (__atomic_load_n(&st->slots[i].polled, __ATOMIC_ACQUIRE) || st->slots[i].pidfd < 0) {
			i++;
			continue;
		}
		if (now_ms() > deadline)
			return i;
		usleep(1000);
	}
	return upto;
}

/* F5: the exit status through the pidfd, after the reap */
static void storm_check_exit_info(struct storm *st, struct slot *s, long *checked)
{
	struct ew_pidfd_info info;

	if (!st->has_exit || s->pidfd < 0)
		return;
	memset(&info, 0, sizeof(info));
	info.mask = EW_PIDFD_INFO_EXIT;
	if (ioctl(s->pidfd, EW_PIDFD_GET_INFO, &info)) {
		if (!(st->fault && errno == ENOMEM))
			STORM_ERR(st, "pid %d: GET_INFO EXIT after reap: %s", s->pid, strerror(errno));
		return;
	}
	if (!(info.mask & EW_PIDFD_INFO_EXIT) || info.exit_code != s->wait_status)
		STORM_ERR(st, "pid %d: PIDFD_INFO_EXIT %#x (mask %#llx), wait said %#x", s->pid,
			  info.exit_code, (unsigned long long)info.mask, s->wait_status);
	(*checked)++;
}

static void storm_close(struct slot *s)
{
	pthread_mutex_lock(&s->lock);
	if (s->pidfd >= 0)
		close(s->pidfd);
	s->pidfd = -1;
	pthread_mutex_unlock(&s->lock);
}

static void storm_stop(struct storm *st)
{
	int i;

	__atomic_store_n(&st->stop, 1, __ATOMIC_RELEASE);
	for (i = 0; i < st->npollers; i++)
		pthread_join(st->pollers[i], NULL);
	for (i = 0; i < st->nreaders; i++)
		pthread_join(st->readers[i], NULL);
	for (i = 0; i < st->npollers; i++)
		close(st->ep[i]);
}

/* every child once by wait and once by its pidfd */
static void storm_final_checks(struct storm *st, int created, const char *what)
{
	int i, unreaped = 0, unpolled = 0, twice = 0;

	for (i = 0; i < created; i++) {
		unreaped += st->slots[i].reaped == 0;
		twice += st->slots[i].reaped > 1 || st->slots[i].polled > 1;
		unpolled += st->slots[i].polled == 0;
	}
	ktap_diag("stress %s: %d children, %d not reaped, %d without a pidfd report, %d reported twice, "
		  "%ld GET_INFO reads (%ld with EXIT), %ld errors", what, created, unreaped, unpolled,
		  twice, st->info_calls, st->info_exit_seen, st->errors);
	EXPECT_EQ(unreaped, 0);
	EXPECT_EQ(unpolled, 0);
	EXPECT_EQ(twice, 0);
	EXPECT_EQ(st->errors, 0);
	/* nothing left to wait for */
	EXPECT_ERRNO(waitpid(-1, NULL, WNOHANG | __WALL), ECHILD);
}

/*
 * SPEC F5: the pid slab objects keep their size at every pid-namespace
 * level 0-3 (a struct pid with level+1 trailing struct upid, in a
 * cache-aligned slab: 8 more bytes turn 128 into 192 at level 1).  Nests
 * three pid namespaces, so that the caches of levels 1-3 exist, and prints
 * each level's object and slot size from /sys/kernel/slab for
 * scripts/budgets.sh, which compares the base and patched guests.  Runs on
 * every kernel (here, not with the F5 tests, for that reason): the sizes
 * are a measurement, the comparison is the budget.
 */
/* a number from a /sys/kernel/slab/<cache>/<attr> file, or -1 */
static long slab_attr(const char *cache, const char *attr)
{
	char path[96], buf[32];

	snprintf(path, sizeof(path), "/sys/kernel/slab/%s/%s", cache, attr);
	return ew_read_small(path, buf, sizeof(buf)) < 0 ? -1 : atol(buf);
}

static int print_pid_slabs(void)
{
	static const char *const caches[] = { "pid", "pid_2", "pid_3", "pid_4" };
	unsigned int i;

	for (i = 0; i < 4; i++) {
		long obj = slab_attr(caches[i], "object_size");
		long slot = slab_attr(caches[i], "slab_size");

		if (obj <= 0 || slot < obj)
			return 10 + i;
		ktap_diag("pid-slab: level=%u cache=%s object_size=%ld slab_size=%ld",
			  i, caches[i], obj, slot);
	}
	return 0;
}

/* in pid namespace level @level: go one deeper, or print at the bottom */
static int nest_pid_ns(int level)
{
	pid_t pid;
	int st;

	if (level == 3)
		return print_pid_slabs();
	if (unshare(CLONE_NEWPID))
		return 60 + level;
	pid = fork();
	if (pid < 0)
		return 70 + level;
	if (pid == 0)
		_exit(nest_pid_ns(level + 1));
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return 80 + level;
	return WEXITSTATUS(st);
}

TEST(pid_slab_sizes_at_namespace_levels_0_to_3)
{
	int st;
	pid_t pid;

	if (access("/sys/kernel/slab/pid", F_OK))
		SKIP("no /sys/kernel/slab/pid (SLUB sysfs): cannot read the pid slab sizes");
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0)
		_exit(nest_pid_ns(0));
	ASSERT_EQ(waitpid(pid, &st, 0), pid);
	ASSERT_TRUE(WIFEXITED(st));
	if (WEXITSTATUS(st) >= 60 && WEXITSTATUS(st) < 63)
		SKIP("cannot create nested pid namespaces (step %d)", WEXITSTATUS(st));
	EXPECT_EQ(WEXITSTATUS(st), 0);
}

/* the pid slab back to its start (RCU frees struct pid after a grace period) */
static void check_pid_slab(long before, long peak, const char *what)
{
	long after = -1, deadline = now_ms() + 30000;
	int strict = in_guest() && pid_slab_unmerged();
	char peak_s[48] = "";

	if (before < 0) {
		ktap_diag("stress %s: no \"pid\" line in /proc/slabinfo: slab not checked", what);
		return;
	}
	/* a few kernel threads may come and go; a leak of the storm is thousands */
	do {
		after = pid_slab_active();
		if (after <= before + 8)
			break;
		usleep(100000);
	} while (now_ms() < deadline);
	/* the peak is not sampled under fault injection (peak < 0) */
	if (peak >= 0)
		snprintf(peak_s, sizeof(peak_s), " %ld at the peak,", peak);
	ktap_diag("stress %s: pid slab active objects %ld before,%s %ld after%s", what, before, peak_s,
		  after, strict ? "" : " (not asserted: merged cache or shared host)");
	if (strict)
		EXPECT_LE(after, before + 8);
}

/* ---- the burst ---- */

static pid_t *burst_pids;

TEST_TIMEOUT(burst_of_children_all_released_at_once, 1200)
{
	int n = storm_size(), i, go[2], pid_max, *pid_to_slot, fds_before, pid_max_saved = 0;
	long slab_before, slab_peak, t0, t_release, t_reaped, exit_checked = 0;
	struct storm st;
	FILE *f;

	ASSERT_TRUE(raise_nofile(n + 256));
	f = fopen("/proc/sys/kernel/pid_max", "re");
	ASSERT_TRUE(f && fscanf(f, "%d", &pid_max) == 1);
	fclose(f);
	/*
	 * tinyconfig kernels (BASE_SMALL) start with pid_max 4096: in a guest,
	 * make room for the burst (up to PID_MAX_LIMIT, 32768 there), and put
	 * the old value back afterwards.
	 */
	if (pid_max < n + 2048 && in_guest()) {
		char v[32];

		pid_max_saved = pid_max;
		snprintf(v, sizeof(v), "%d", n + 2048);
		if (ew_write_str("/proc/sys/kernel/pid_max", v) == 0)
			pid_max = n + 2048;
		else
			ktap_diag("stress burst: cannot raise pid_max from %d to %d", pid_max, n + 2048);
		ktap_diag("stress burst: pid_max raised from %d to %d for the burst", pid_max_saved, pid_max);
	}
	pid_to_slot = malloc(sizeof(int) * (pid_max + 1));
	burst_pids = calloc(n, sizeof(pid_t));
	ASSERT_TRUE(pid_to_slot && burst_pids);
	memset(pid_to_slot, 0xff, sizeof(int) * (pid_max + 1));
	fds_before = ktap_count_fds();
	slab_before = pid_slab_active();

	/* children first, while our fd table is small; pidfds after */
	ASSERT_OK(pipe2(go, O_CLOEXEC));
	t0 = now_ms();
	for (i = 0; i < n; i++) {
		pid_t pid = fork();
		char c;

		if (pid < 0) {
			ktap_diag("stress burst: fork %d of %d: %s", i, n, strerror(errno));
			break;
		}
		if (pid == 0) {
			close(go[1]);
			if (read(go[0], &c, 1) < 0)
				_exit(255);
			_exit((i * 7 + 1) % 256);
		}
		burst_pids[i] = pid;
	}
	close(go[0]);
	if (i < n) {
		close(go[1]);
		while (waitpid(-1, NULL, 0) > 0)
			;
		ASSERT_EQ(i, n);
	}
	storm_start(&st, n, 0);
	for (i = 0; i < n; i++) {
		struct slot *s = &st.slots[i];

		s->pid = burst_pids[i];
		pid_to_slot[s->pid] = i;
		/* our unreaped child: the pid cannot have been reused */
		s->pidfd = sys_pidfd_open(s->pid, 0);
		if (s->pidfd < 0)
			STORM_ERR(&st, "pidfd_open(%d): %s", s->pid, strerror(errno));
		else if (storm_watch(&st, i))
			STORM_ERR(&st, "epoll_ctl(%d): %s", s->pid, strerror(errno));
		__atomic_store_n(&st.created, i + 1, __ATOMIC_RELEASE);
	}
	slab_peak = pid_slab_active();
	t_release = now_ms();
	ktap_diag("stress burst: %d children and pidfds in %ld ms; releasing them", n, t_release - t0);
	close(go[1]);
	for (i = 0; i < n; i++) {
		siginfo_t si;

		memset(&si, 0, sizeof(si));
		if (waitid(P_ALL, 0, &si, WEXITED)) {
			STORM_ERR(&st, "waitid after %d of %d: %s", i, n, strerror(errno));
			break;
		}
		storm_reaped(&st, si.si_pid, si.si_code == CLD_EXITED ? (si.si_status << 8) : si.si_status,
			     pid_to_slot, pid_max);
	}
	t_reaped = now_ms();
	EXPECT_EQ(storm_wait_polled(&st, n, 60), n);
	for (i = 0; i < n; i++) {
		storm_check_exit_info(&st, &st.slots[i], &exit_checked);
		storm_close(&st.slots[i]);
	}
	storm_stop(&st);
	ktap_diag("stress burst: %d exits reaped in %ld ms after the release (%.0f exits/s); "
		  "PIDFD_INFO_EXIT agreed with wait for %ld", n, t_reaped - t_release,
		  n * 1000.0 / (t_reaped - t_release + 1), exit_checked);
	storm_final_checks(&st, n, "burst");
	EXPECT_EQ(ktap_count_fds(), fds_before);
	check_pid_slab(slab_before, slab_peak, "burst");
	if (pid_max_saved) {
		char v[32];

		snprintf(v, sizeof(v), "%d", pid_max_saved);
		EXPECT_EQ(ew_write_str("/proc/sys/kernel/pid_max", v), 0);
	}
}

/* ---- the churn (also the fault-injection storm) ---- */

struct churn_result {
	long clone_ok, clone_enomem, clone_eagain, clone_other;
	long exit_checked;
	long slab_peak;
	long ms;
};

static int churn(struct storm *st, int n, int live, int *pid_to_slot, int pid_max,
		 struct churn_result *res, int fault)
{
	int created = 0, alive = 0, closed = 0, attempts = 0;
	long t0 = now_ms();

	res->slab_peak = -1;
	while (created < n || alive > 0) {
		while (created < n && alive < live && attempts < 20 * n) {
			struct slot *s = &st->slots[created];
			pid_t pid;

			attempts++;
			pid = ew_fork_pidfd(&s->pidfd, 0, SIGCHLD);
			if (pid == 0)
				_exit(s->code);
			if (pid < 0) {
				s->pidfd = -1;
				if (errno == ENOMEM)
					res->clone_enomem++;
				else if (errno == EAGAIN)
					res->clone_eagain++;
				else {
					res->clone_other++;
					STORM_ERR(st, "clone3: %s", strerror(errno));
				}
				if (!fault)
					break;
				continue;
			}
			res->clone_ok++;
			s->pid = pid;
			pid_to_slot[pid] = created;
			if (storm_watch(st, created)) {
				if (!(fault && errno == ENOMEM))
					STORM_ERR(st, "epoll_ctl(%d): %s", pid, strerror(errno));
				/* not watched: count it as reported, wait still checks it */
				__atomic_store_n(&s->polled, 1, __ATOMIC_RELEASE);
			}
			__atomic_store_n(&st->created, ++created, __ATOMIC_RELEASE);
			alive++;
		}
		if (created >= live && res->slab_peak < 0 && !fault)
			res->slab_peak = pid_slab_active();
		if (alive > 0) {
			siginfo_t si;

			memset(&si, 0, sizeof(si));
			if (waitid(P_ALL, 0, &si, WEXITED)) {
				if (errno == EINTR)
					continue;
				STORM_ERR(st, "waitid: %s", strerror(errno));
				break;
			}
			storm_reaped(st, si.si_pid, si.si_code == CLD_EXITED ? (si.si_status << 8) : si.si_status,
				     pid_to_slot, pid_max);
			alive--;
		} else if (created < n && attempts >= 20 * n) {
			break;
		}
		/* close what was reaped and reported, in order */
		while (closed < created && st->slots[closed].reaped &&
		       __atomic_load_n(&st->slots[closed].polled, __ATOMIC_ACQUIRE)) {
			storm_check_exit_info(st, &st->slots[closed], &res->exit_checked);
			storm_close(&st->slots[closed]);
			closed++;
		}
	}
	EXPECT_EQ(storm_wait_polled(st, created, 60), created);
	for (; closed < created; closed++) {
		storm_check_exit_info(st, &st->slots[closed], &res->exit_checked);
		storm_close(&st->slots[closed]);
	}
	res->ms = now_ms() - t0;
	return created;
}

static int *alloc_pid_map(int *pid_max)
{
	FILE *f = fopen("/proc/sys/kernel/pid_max", "re");
	int *map;

	if (!f || fscanf(f, "%d", pid_max) != 1)
		return NULL;
	fclose(f);
	map = malloc(sizeof(int) * (*pid_max + 1));
	if (map)
		memset(map, 0xff, sizeof(int) * (*pid_max + 1));
	return map;
}

TEST_TIMEOUT(churn_of_short_lived_children, 1200)
{
	int n = (int)ew_env_long("EW_STRESS_CHURN", storm_size());
	int live = (int)ew_env_long("EW_STRESS_LIVE", 64), pid_max, created;
	int *pid_to_slot = alloc_pid_map(&pid_max), fds_before;
	struct churn_result res = { 0 };
	struct storm st;
	long slab_before;

	ASSERT_TRUE(pid_to_slot != NULL);
	ASSERT_TRUE(raise_nofile(live * 4 + 256));
	fds_before = ktap_count_fds();
	slab_before = pid_slab_active();
	storm_start(&st, n, 0);
	created = churn(&st, n, live, pid_to_slot, pid_max, &res, 0);
	storm_stop(&st);
	EXPECT_EQ(created, n);
	ktap_diag("stress churn: %d children, at most %d alive, in %ld ms (%.0f exits/s); "
		  "PIDFD_INFO_EXIT agreed with wait for %ld", created, live, res.ms,
		  created * 1000.0 / (res.ms + 1), res.exit_checked);
	storm_final_checks(&st, created, "churn");
	EXPECT_EQ(ktap_count_fds(), fds_before);
	check_pid_slab(slab_before, res.slab_peak, "churn");
}

/* ---- fault injection (debugfs: failslab, fail_page_alloc) ---- */

#define FI "/sys/kernel/debug/"

static void fault_config(const char *attr, const char *prob)
{
	char p[128];

	/* fail only tasks with make-it-fail, sleeping allocations too */
	snprintf(p, sizeof(p), FI "%s/task-filter", attr);
	ASSERT_OK(ew_write_str(p, "Y"));
	snprintf(p, sizeof(p), FI "%s/ignore-gfp-wait", attr);
	ASSERT_OK(ew_write_str(p, "N"));
	snprintf(p, sizeof(p), FI "%s/verbose", attr);
	ASSERT_OK(ew_write_str(p, "0"));
	snprintf(p, sizeof(p), FI "%s/interval", attr);
	ASSERT_OK(ew_write_str(p, "1"));
	snprintf(p, sizeof(p), FI "%s/times", attr);
	ASSERT_OK(ew_write_str(p, "-1"));
	snprintf(p, sizeof(p), FI "%s/probability", attr);
	ASSERT_OK(ew_write_str(p, prob));
}

static long fault_count(const char *attr)
{
	/* "times" counts down only when positive; report the injected total from a fresh budget */
	char p[128], buf[64] = "";
	int fd;
	ssize_t n;

	snprintf(p, sizeof(p), FI "%s/times", attr);
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return strtol(buf, NULL, 10);
}

TEST_TIMEOUT(churn_under_failslab_and_fail_page_alloc, 1200)
{
	int n = (int)ew_env_long("EW_FAULT_CHILDREN", 500), live = 16, pid_max, created, status;
	int *pid_to_slot, fds_before, out[2];
	struct churn_result res = { 0 };
	const long budget = 100000;
	long slab_before, injected_slab, injected_page;
	char budget_s[32];
	struct storm st;
	pid_t storm_pid;

	if (!in_guest())
		SKIP("fault injection runs only inside a guest (EW_GUEST=1), never on this machine");
	if (access(FI "failslab/probability", W_OK) || access(FI "fail_page_alloc/probability", W_OK))
		SKIP("kernel has no failslab/fail_page_alloc in debugfs (CONFIG_FAILSLAB, "
		     "CONFIG_FAIL_PAGE_ALLOC, CONFIG_FAULT_INJECTION_DEBUG_FS: the debug guest)");
	pid_to_slot = alloc_pid_map(&pid_max);
	ASSERT_TRUE(pid_to_slot != NULL);
	fds_before = ktap_count_fds();
	slab_before = pid_slab_active();
	snprintf(budget_s, sizeof(budget_s), "%ld", budget);
	fault_config("failslab", "3");
	fault_config("fail_page_alloc", "3");
	/* a positive "times" counts the injected failures down */
	ASSERT_OK(ew_write_str(FI "failslab/times", budget_s));
	ASSERT_OK(ew_write_str(FI "fail_page_alloc/times", budget_s));

	/*
	 * The storm runs in a process of its own that fails its allocations
	 * (make-it-fail is inherited by its children); this process only
	 * judges.  Results come back through a pipe.
	 */
	ASSERT_OK(pipe2(out, O_CLOEXEC));
	storm_pid = fork();
	ASSERT_GE(storm_pid, 0);
	if (storm_pid == 0) {
		close(out[0]);
		ew_close_all_but(out[1]);
		raise_nofile(live * 4 + 256);
		storm_start(&st, n, 1);
		/* from here on our allocations may fail */
		if (ew_write_str("/proc/self/make-it-fail", "1"))
			_exit(3);
		created = churn(&st, n, live, pid_to_slot, pid_max, &res, 1);
		ew_write_str("/proc/self/make-it-fail", "0");
		storm_stop(&st);
		storm_final_checks(&st, created, "fault injection");
		if (write(out[1], &res, sizeof(res)) != sizeof(res) ||
		    write(out[1], &created, sizeof(created)) != sizeof(created))
			_exit(4);
		_exit(ktap_failed ? 1 : 0);
	}
	close(out[1]);
	ASSERT_EQ(waitpid(storm_pid, &status, 0), storm_pid);
	ew_write_str(FI "failslab/probability", "0");
	ew_write_str(FI "fail_page_alloc/probability", "0");
	injected_slab = budget - fault_count("failslab");
	injected_page = budget - fault_count("fail_page_alloc");
	memset(&res, 0, sizeof(res));
	created = 0;
	EXPECT_EQ(read(out[0], &res, sizeof(res)), (ssize_t)sizeof(res));
	EXPECT_EQ(read(out[0], &created, sizeof(created)), (ssize_t)sizeof(created));
	close(out[0]);
	ktap_diag("stress fault injection: %d children created in %ld clone3 calls: %ld ENOMEM, %ld EAGAIN, "
		  "%ld other; %ld failslab and %ld fail_page_alloc failures injected; %ld exit statuses "
		  "checked through PIDFD_INFO_EXIT; %ld ms", created,
		  res.clone_ok + res.clone_enomem + res.clone_eagain + res.clone_other, res.clone_enomem,
		  res.clone_eagain, res.clone_other, injected_slab, injected_page, res.exit_checked, res.ms);
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	if (!WIFEXITED(status))
		ktap_diag("storm process ended by signal %d", WTERMSIG(status));
	EXPECT_EQ(res.clone_other, 0);
	/* the injection did hit the storm, and the storm still made progress */
	EXPECT_GT(injected_slab + injected_page, 0);
	EXPECT_GT(created, n / 4);
	EXPECT_EQ(ktap_count_fds(), fds_before);
	check_pid_slab(slab_before, -1, "fault injection");
}
