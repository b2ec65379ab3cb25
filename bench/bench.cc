// SPDX-License-Identifier: GPL-2.0
// bench.cc - Google Benchmark driver for the pidfd micro-benchmarks; every
// syscall goes through the C shim (shim.c).  A benchmark whose feature the
// kernel lacks is skipped with the reason (state.SkipWithError).
#include <benchmark/benchmark.h>
#include <string>
#include "shim.h"

static bool skip_unless(benchmark::State &state, int (*probe)(const char **))
{
	const char *why = "";

	if (probe(&why) == 0)
		return false;
	state.SkipWithError((std::string("SKIP: ") + why).c_str());
	return true;
}

static void BM_pidfd_open_close(benchmark::State &state)
{
	if (skip_unless(state, ew_shim_probe_pidfd_open))
		return;
	for (auto _ : state)
		benchmark::DoNotOptimize(ew_shim_pidfd_open_close_self());
}
BENCHMARK(BM_pidfd_open_close);

// a whole child life: create with a pidfd, let it exit, reap through the pidfd
static void BM_spawn_clone3_CLONE_PIDFD(benchmark::State &state)
{
	if (skip_unless(state, ew_shim_probe_clone3_pidfd))
		return;
	for (auto _ : state) {
		int fd = -1;

		if (ew_shim_spawn_clone3(&fd) < 0 || ew_shim_reap(fd) < 0) {
			state.SkipWithError("clone3 failed");
			break;
		}
	}
}
BENCHMARK(BM_spawn_clone3_CLONE_PIDFD)->UseRealTime();

static void BM_spawn_fork_then_pidfd_open(benchmark::State &state)
{
	if (skip_unless(state, ew_shim_probe_pidfd_open))
		return;
	for (auto _ : state) {
		int fd = -1;

		if (ew_shim_spawn_fork_open(&fd) < 0 || ew_shim_reap(fd) < 0) {
			state.SkipWithError("fork + pidfd_open failed");
			break;
		}
	}
}
BENCHMARK(BM_spawn_fork_then_pidfd_open)->UseRealTime();

static void BM_poll_exited_pidfd(benchmark::State &state)
{
	int fd = -1;

	if (skip_unless(state, ew_shim_probe_clone3_pidfd))
		return;
	if (ew_shim_zombie(&fd) < 0) {
		state.SkipWithError("could not make a zombie child");
		return;
	}
	for (auto _ : state)
		benchmark::DoNotOptimize(ew_shim_poll_now(fd));
	ew_shim_reap(fd);
}
BENCHMARK(BM_poll_exited_pidfd);

static void BM_waitid_P_PIDFD_WNOWAIT(benchmark::State &state)
{
	int fd = -1;

	if (skip_unless(state, ew_shim_probe_clone3_pidfd))
		return;
	if (ew_shim_zombie(&fd) < 0) {
		state.SkipWithError("could not make a zombie child");
		return;
	}
	for (auto _ : state)
		benchmark::DoNotOptimize(ew_shim_waitid_nowait(fd));
	ew_shim_reap(fd);
}
BENCHMARK(BM_waitid_P_PIDFD_WNOWAIT);

// a live process: ourselves
static void BM_PIDFD_GET_INFO_live(benchmark::State &state)
{
	int fd;

	if (skip_unless(state, ew_shim_probe_get_info))
		return;
	fd = ew_shim_self_pidfd();
	if (fd < 0) {
		state.SkipWithError("pidfd_open failed");
		return;
	}
	for (auto _ : state)
		benchmark::DoNotOptimize(ew_shim_get_info(fd, 1 | 2 | 4));
	ew_shim_close(fd);
}
BENCHMARK(BM_PIDFD_GET_INFO_live);

static void BM_PIDFD_GET_INFO_reaped(benchmark::State &state)
{
	int fd = -1;

	if (skip_unless(state, ew_shim_probe_info_exit))
		return;
	if (ew_shim_zombie(&fd) < 0) {
		state.SkipWithError("could not make a child");
		return;
	}
	if (ew_shim_reap_keep(fd) < 0) {
		state.SkipWithError("waitid failed");
		ew_shim_close(fd);
		return;
	}
	for (auto _ : state)
		benchmark::DoNotOptimize(ew_shim_get_info(fd, 8));
	ew_shim_close(fd);
}
BENCHMARK(BM_PIDFD_GET_INFO_reaped);

BENCHMARK_MAIN();
