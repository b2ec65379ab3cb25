// SPDX-License-Identifier: GPL-2.0
/*
 * floor.c - what every run measures beside the storms: the machine's
 * wake-up floor (a pipe ping-pong between two processes), its raw
 * fork+exit+reap rate, and the tracer's perturbation of that rate
 * (interleaved slices with the BPF programs attached and detached).
 */
#include <math.h>
#include <stdlib.h>
#include "run.h"

/* one repetition: its summary in out, every sample also appended to all */
static void pipe_pingpong(struct ew_summary *out, int iters, struct ew_samples *all)
{
	int a[2], b[2];
	struct ew_samples s = { 0 };
	char c = 0;
	pid_t pid;

	memset(out, 0, sizeof(*out));
	if (pipe(a) || pipe(b))
		return;
	pid = fork();
	if (pid == 0) {
		close(a[1]);
		close(b[0]);
		while (read(a[0], &c, 1) == 1)
			if (write(b[1], &c, 1) != 1)
				break;
		_exit(0);
	}
	close(a[0]);
	close(b[1]);
	for (int i = 0; i < iters + 100 && !ew_interrupted; i++) {
		uint64_t t0 = ew_now_ns(), t1;

		if (write(a[1], &c, 1) != 1 || read(b[0], &c, 1) != 1)
			break;
		t1 = ew_now_ns();
		if (i >= 100) {	/* warm-up */
			ew_samples_add(&s, (t1 - t0) / 2);
			ew_samples_add(all, (t1 - t0) / 2);
		}
	}
	close(a[1]);
	close(b[0]);
	waitpid(pid, NULL, 0);
	*out = ew_summarize(&s);
	ew_samples_free(&s);
}

static double rate_and_iters(int ms, struct ew_samples *iters);

double ew_fork_exit_reap_rate(int ms)
{
	return rate_and_iters(ms, NULL);
}

/* fork+exit+reap for ms; each iteration's duration into iters if given */
static double rate_and_iters(int ms, struct ew_samples *iters)
{
	uint64_t t0 = ew_now_ns(), end = t0 + (uint64_t)ms * 1000000ULL, t = t0;
	long n = 0;

	do {
		pid_t pid;

		t = ew_now_ns();
		pid = fork();

		if (pid == 0)
			_exit(0);
		if (pid < 0)
			break;
		waitpid(pid, NULL, 0);
		n++;
		if (iters)
			ew_samples_add(iters, ew_now_ns() - t);
		t = ew_now_ns();
	} while (t < end && !ew_interrupted);
	return n / ((t - t0) / 1e9);
}

static int drop_cb(void *ctx, const struct ew_event *ev)
{
	return 0;
}

void ew_measure_floor(struct ew_floor *f, struct ew_tracer *t, int perturb_rounds, int perturb_ms,
		      int reps)
{
	int n = perturb_rounds < 64 ? perturb_rounds : 64;
	struct ew_samples it_on = { 0 }, it_off = { 0 }, pipe_all = { 0 };
	double rate_sum = 0;

	/*
	 * --reps K: K independent measurements (a ping-pong, then a fork rate),
	 * each 1/K of the single run's length but at least 2,000 round trips
	 * and 200 ms; the summaries are over all of them
	 */
	for (int r = 0; r < reps && r < EW_MAX_REPS && !ew_interrupted; r++) {
		struct ew_summary one;
		int iters = 20000 / reps, ms = 1000 / reps;

		pipe_pingpong(&one, iters < 2000 ? 2000 : iters, &pipe_all);
		f->rep_pipe_p50[r] = one.count ? (double)one.p50 : NAN;
		f->rep_fork_rate[r] = ew_fork_exit_reap_rate(ms < 200 ? 200 : ms);
		rate_sum += f->rep_fork_rate[r];
		f->reps = r + 1;
	}
	f->pipe_one_way = ew_summarize(&pipe_all);
	ew_samples_free(&pipe_all);
	f->fork_exit_reap_per_s = f->reps ? rate_sum / f->reps : 0;
	f->done = !ew_interrupted && f->reps == reps;
	if (!t) {
		snprintf(f->perturb_reason, sizeof(f->perturb_reason), "tracer not running");
		return;
	}
	/* ABBA order so drift over time cancels */
	for (int i = 0; i < n && !ew_interrupted; i++) {
		for (int k = 0; k < 2; k++) {
			int traced = (i % 2) ? !k : k;

			if (traced)
				ew_tracer_attach(t);
			else
				ew_tracer_detach(t);
			if (traced)
				f->traced_per_s[i] = rate_and_iters(perturb_ms, &it_on);
			else
				f->untraced_per_s[i] = rate_and_iters(perturb_ms, &it_off);
			ew_tracer_poll(t, 0, drop_cb, NULL);
		}
		f->perturb_n = i + 1;
	}
	ew_tracer_attach(t);
	if (f->perturb_n) {
		double a[64], b[64];

		memcpy(a, f->traced_per_s, sizeof(a));
		memcpy(b, f->untraced_per_s, sizeof(b));
		double pr[64];
		int np = 0;

		f->traced_median = ew_median_double(a, f->perturb_n);
		f->untraced_median = ew_median_double(b, f->perturb_n);
		f->ratio_of_medians = f->untraced_median ? f->traced_median / f->untraced_median : 0;
		/* paired: each traced slice against the untraced slice beside it */
		for (int i = 0; i < f->perturb_n; i++)
			if (f->untraced_per_s[i] > 0)
				pr[np++] = f->traced_per_s[i] / f->untraced_per_s[i];
		f->perturb_ratio = ew_median_double(pr, np);
		f->iter_traced = ew_summarize(&it_on);
		f->iter_untraced = ew_summarize(&it_off);
		if (f->iter_traced.p50)
			f->iter_ratio = (double)f->iter_untraced.p50 / (double)f->iter_traced.p50;
		f->perturb_done = 1;
	}
	ew_samples_free(&it_on);
	ew_samples_free(&it_off);
}
