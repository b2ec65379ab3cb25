/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktap.h - exitwatch's small KTAP test harness.
 *
 * A test file defines tests with TEST(name) { ... } and includes this
 * header once.  main() is provided: it prints a KTAP header and plan, runs
 * every test in its own forked child (so ASSERT_* can stop a test by exiting,
 * and a crash is a failure of that test only), applies a per-test timeout,
 * and after each test checks, inside the test's process, that the test left
 * no child (running or zombie) and no open file descriptor behind.
 *
 *   ASSERT_*  record a failure and stop the test.
 *   EXPECT_*  record a failure and go on.
 *   SKIP(fmt, ...) stop the test and report "# SKIP reason".
 *
 * Output (stdout):
 *   TAP version 13
 *   1..N
 *   # diagnostics
 *   ok 1 name
 *   not ok 2 name
 *   ok 3 name # SKIP reason
 *   # Totals: pass:1 fail:1 skip:1
 *
 * The exit code is 0 when no test failed, 1 otherwise.
 * Environment: KTAP_FILTER=substring runs only matching tests;
 * KTAP_TIMEOUT=seconds overrides the default per-test timeout.
 */
#ifndef EXITWATCH_KTAP_H
#define EXITWATCH_KTAP_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define KTAP_MAX_TESTS 256
#define KTAP_DEFAULT_TIMEOUT 120

enum { KTAP_PASS = 0, KTAP_FAIL = 1, KTAP_SKIP = 4 };

struct ktap_test {
	const char *name;
	void (*fn)(void);
	int timeout;		/* seconds, 0 = default */
	int allow_leftovers;	/* the test manages its own children */
};

static struct ktap_test ktap_tests[KTAP_MAX_TESTS];
static int ktap_ntests;
static int ktap_failed;		/* in the test's process: an EXPECT failed */
static int ktap_report_fd = -1; /* in the test's process: skip reason pipe */

static inline void ktap_register(const char *name, void (*fn)(void), int timeout, int allow)
{
	if (ktap_ntests >= KTAP_MAX_TESTS) {
		fprintf(stderr, "ktap: too many tests\n");
		exit(2);
	}
	ktap_tests[ktap_ntests++] = (struct ktap_test){ name, fn, timeout, allow };
}

#define TEST_FULL(name, timeout, allow)						\
	static void name(void);							\
	__attribute__((constructor)) static void ktap_reg_##name(void)		\
	{ ktap_register(#name, name, timeout, allow); }				\
	static void name(void)

#define TEST(name) TEST_FULL(name, 0, 0)
/* A test with its own timeout in seconds. */
#define TEST_TIMEOUT(name, secs) TEST_FULL(name, secs, 0)

static inline void ktap_diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
}

#define TH_LOG(fmt, ...) ktap_diag(fmt, ##__VA_ARGS__)

static inline void __attribute__((noreturn)) ktap_end_test(int code)
{
	fflush(stdout);
	_exit(code);
}

#define KTAP_FAILMSG(fmt, ...) \
	ktap_diag("%s:%d: " fmt, __FILE__, __LINE__, ##__VA_ARGS__)

#define KTAP_CHECK(cond, fatal, fmt, ...) do {					\
	if (!(cond)) {								\
		KTAP_FAILMSG(fmt, ##__VA_ARGS__);				\
		ktap_failed = 1;						\
		if (fatal)							\
			ktap_end_test(KTAP_FAIL);				\
	}									\
} while (0)

#define KTAP_CMP(a, op, b, fatal) do {						\
	long long __a = (long long)(a), __b = (long long)(b);			\
	KTAP_CHECK(__a op __b, fatal, "expected %s %s %s (%lld %s %lld)",	\
		   #a, #op, #b, __a, #op, __b);					\
} while (0)

#define ASSERT_TRUE(c)  KTAP_CHECK((c), 1, "expected %s", #c)
#define ASSERT_FALSE(c) KTAP_CHECK(!(c), 1, "expected !(%s)", #c)
#define EXPECT_TRUE(c)  KTAP_CHECK((c), 0, "expected %s", #c)
#define EXPECT_FALSE(c) KTAP_CHECK(!(c), 0, "expected !(%s)", #c)
#define ASSERT_EQ(a, b) KTAP_CMP(a, ==, b, 1)
#define ASSERT_NE(a, b) KTAP_CMP(a, !=, b, 1)
#define ASSERT_GE(a, b) KTAP_CMP(a, >=, b, 1)
#define ASSERT_GT(a, b) KTAP_CMP(a, >, b, 1)
#define ASSERT_LE(a, b) KTAP_CMP(a, <=, b, 1)
#define ASSERT_LT(a, b) KTAP_CMP(a, <, b, 1)
#define EXPECT_EQ(a, b) KTAP_CMP(a, ==, b, 0)
#define EXPECT_NE(a, b) KTAP_CMP(a, !=, b, 0)
#define EXPECT_GE(a, b) KTAP_CMP(a, >=, b, 0)
#define EXPECT_GT(a, b) KTAP_CMP(a, >, b, 0)
#define EXPECT_LE(a, b) KTAP_CMP(a, <=, b, 0)
#define EXPECT_LT(a, b) KTAP_CMP(a, <, b, 0)

/* A syscall-style call that must fail with a given errno. */
#define KTAP_ERRNO(expr, err, fatal) do {					\
	long __r;								\
	errno = 0;								\
	__r = (long)(expr);							\
	KTAP_CHECK(__r == -1 && errno == (err), fatal,				\
		   "expected %s to fail with %s, got %ld errno %d (%s)",	\
		   #expr, #err, __r, errno, strerror(errno));			\
} while (0)
#define ASSERT_ERRNO(expr, err) KTAP_ERRNO(expr, err, 1)
#define EXPECT_ERRNO(expr, err) KTAP_ERRNO(expr, err, 0)

/* A syscall-style call that must succeed (return >= 0). */
#define ASSERT_OK(expr) ({							\
	long __r;								\
	errno = 0;								\
	__r = (long)(expr);							\
	KTAP_CHECK(__r >= 0, 1, "%s failed: %ld errno %d (%s)",		\
		   #expr, __r, errno, strerror(errno));				\
	__r;									\
})

#define SKIP(fmt, ...) do {							\
	if (ktap_report_fd >= 0)						\
		dprintf(ktap_report_fd, fmt, ##__VA_ARGS__);			\
	ktap_end_test(KTAP_SKIP);						\
} while (0)

/* ---- leftovers: children and file descriptors ---- */

static inline int ktap_count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1;	/* the directory's own fd */
}

/* 0: no children at all; otherwise the pid of one that is left. */
static inline pid_t ktap_leftover_child(void)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT | __WALL) == 0) {
		if (si.si_pid)
			return si.si_pid;	/* a zombie */
		return -1;			/* a running child */
	}
	return 0;				/* ECHILD */
}

static inline void ktap_run_one(struct ktap_test *t, int report_fd)
{
	int fds_before, fds_after;
	pid_t left;

	ktap_report_fd = report_fd;
	fds_before = ktap_count_fds();
	t->fn();
	if (t->allow_leftovers)
		ktap_end_test(ktap_failed ? KTAP_FAIL : KTAP_PASS);
	left = ktap_leftover_child();
	if (left) {
		KTAP_FAILMSG("test left a child behind (%s, pid %d)",
			     left > 0 ? "zombie" : "running", left);
		ktap_failed = 1;
	}
	fds_after = ktap_count_fds();
	if (fds_after != fds_before) {
		KTAP_FAILMSG("test leaked file descriptors: %d open before, %d after",
			     fds_before, fds_after);
		ktap_failed = 1;
	}
	ktap_end_test(ktap_failed ? KTAP_FAIL : KTAP_PASS);
}

int main(int argc, char **argv)
{
	const char *filter = getenv("KTAP_FILTER");
	const char *tenv = getenv("KTAP_TIMEOUT");
	int pass = 0, fail = 0, skip = 0, n = 0, i;

	(void)argc;
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; i < ktap_ntests; i++)
		if (!filter || strstr(ktap_tests[i].name, filter))
			n++;
	printf("TAP version 13\n1..%d\n", n);
	ktap_diag("%s: %d tests", argv[0], n);

	n = 0;
	for (i = 0; i < ktap_ntests; i++) {
		struct ktap_test *t = &ktap_tests[i];
		int timeout = t->timeout ? t->timeout : KTAP_DEFAULT_TIMEOUT;
		char reason[512] = "";
		int pipefd[2], status, result, timed_out = 0;
		struct timespec deadline, now;
		ssize_t len;
		pid_t pid, w;

		if (filter && !strstr(t->name, filter))
			continue;
		n++;
		if (tenv)
			timeout = atoi(tenv);
		if (pipe2(pipefd, O_CLOEXEC)) {
			perror("pipe2");
			return 2;
		}
		fflush(stdout);
		pid = fork();
		if (pid < 0) {
			perror("fork");
			return 2;
		}
		if (pid == 0) {
			close(pipefd[0]);
			ktap_run_one(t, pipefd[1]);
		}
		close(pipefd[1]);

		clock_gettime(CLOCK_MONOTONIC, &deadline);
		deadline.tv_sec += timeout;
		for (;;) {
			w = waitpid(pid, &status, WNOHANG);
			if (w == pid)
				break;
			clock_gettime(CLOCK_MONOTONIC, &now);
			if (now.tv_sec > deadline.tv_sec ||
			    (now.tv_sec == deadline.tv_sec && now.tv_nsec >= deadline.tv_nsec)) {
				kill(pid, SIGKILL);
				waitpid(pid, &status, 0);
				timed_out = 1;
				break;
			}
			usleep(2000);
		}
		len = read(pipefd[0], reason, sizeof(reason) - 1);
		reason[len > 0 ? len : 0] = '\0';
		close(pipefd[0]);

		if (timed_out) {
			ktap_diag("%s: timed out after %d s", t->name, timeout);
			result = KTAP_FAIL;
		} else if (WIFSIGNALED(status)) {
			ktap_diag("%s: killed by signal %d", t->name, WTERMSIG(status));
			result = KTAP_FAIL;
		} else {
			result = WEXITSTATUS(status);
		}

		if (result == KTAP_PASS) {
			printf("ok %d %s\n", n, t->name);
			pass++;
		} else if (result == KTAP_SKIP) {
			printf("ok %d %s # SKIP %s\n", n, t->name, reason);
			skip++;
		} else {
			printf("not ok %d %s\n", n, t->name);
			fail++;
		}
	}
	ktap_diag("Totals: pass:%d fail:%d skip:%d", pass, fail, skip);
	return fail ? 1 : 0;
}

#endif /* EXITWATCH_KTAP_H */
