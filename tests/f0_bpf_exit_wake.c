// SPDX-License-Identifier: GPL-2.0
/*
 * eBPF-observed: each child exit produces exactly one wake-up of the task
 * polling its pidfd, issued from the exiting task itself, after the
 * sched_process_exit of its last thread.  User space cannot see who woke
 * it or when; the exit_wake BPF program can.
 */
#include "ktap.h"
#include "pidfd_uapi.h"
#include <poll.h>
#include <sys/mman.h>
#include <bpf/libbpf.h>
#include <bpf/bpf.h>
#include "exit_wake.h"
#include "exit_wake.skel.h"

#define ROUNDS 25

static int silent_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_WARN && getenv("KTAP_VERBOSE"))
		return vfprintf(stdout, fmt, ap);
	return 0;
}

/* state of a task from /proc/<pid>/stat, or 0 */
static char task_state(pid_t pid)
{
	char path[64], buf[512], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : 0;
}

static struct exit_wake_bpf *load_or_skip(pid_t watcher)
{
	struct exit_wake_bpf *skel;
	int err;

	libbpf_set_print(silent_print);
	if (access("/sys/kernel/btf/vmlinux", R_OK))
		SKIP("kernel has no BTF (/sys/kernel/btf/vmlinux): tp_btf programs cannot load");
	skel = exit_wake_bpf__open();
	if (!skel)
		SKIP("cannot open BPF object: %s", strerror(errno));
	skel->rodata->watcher_tid = watcher;
	err = exit_wake_bpf__load(skel);
	if (err) {
		exit_wake_bpf__destroy(skel);
		SKIP("cannot load BPF programs (%s): not root, or no BPF", strerror(-err));
	}
	err = exit_wake_bpf__attach(skel);
	if (err) {
		exit_wake_bpf__destroy(skel);
		SKIP("cannot attach tp_btf programs: %s", strerror(-err));
	}
	return skel;
}

TEST(exit_wakes_pidfd_poller_once_from_exiting_task)
{
	struct exit_wake_bpf *skel = load_or_skip(gettid());
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
			while (!*polling || task_state(parent) != 'S')
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
