// SPDX-License-Identifier: GPL-2.0
/*
 * trace.c - `exitwatch trace`: watch the live system like runqlat.  Every
 * exiting thread group is timed from sched_process_exit to the first task
 * its exit wakes (a parent in wait, a pidfd poller, ...) and to that task
 * on CPU; log2 histograms are aggregated in the kernel, exact percentiles
 * come from the per-exit records.  Until Ctrl-C or -d seconds.
 */
#include <stddef.h>
#include <stdlib.h>
#include "run.h"
#include "json.h"
#include "options.h"

struct trace_ctx {
	struct ew_samples lat[EW_L_NR];
	uint64_t records, woken;
};

static int trace_cb(void *ctx, const struct ew_event *ev)
{
	struct trace_ctx *t = ctx;

	t->records++;
	/* a record without the exit stamp has no timeline: not one interval of it is counted */
	if (ev->t[EW_T_EXIT])
		t->woken += ew_timeline_samples(ev, 0, t->lat);
	return 0;
}

static void print_hist(const char *title, const struct ew_hist *h)
{
	uint64_t max = 0;
	int first = -1, last = -1;

	for (int i = 0; i < EW_HIST_SLOTS; i++) {
		if (h->slots[i] > max)
			max = h->slots[i];
		if (h->slots[i]) {
			if (first < 0)
				first = i;
			last = i;
		}
	}
	printf("\n%s (in-kernel log2 histogram, %llu events)\n", title, (unsigned long long)h->count);
	if (first < 0) {
		printf("     (no events)\n");
		return;
	}
	printf("%22s : %-10s %s\n", "ns", "count", "distribution");
	for (int i = first; i <= last; i++) {
		char bar[41];
		int w = max ? (int)(h->slots[i] * 40 / max) : 0;

		memset(bar, '*', w);
		bar[w] = 0;
		printf("%10llu -> %-9llu : %-10llu |%-40s|\n", i ? 1ULL << i : 0ULL,
		       (1ULL << (i + 1)) - 1, (unsigned long long)h->slots[i], bar);
	}
}

static void print_pcts(const char *name, struct ew_samples *s)
{
	struct ew_summary m = ew_summarize(s);

	printf("%-16s %8zu %10.1f %10.1f %10.1f %10.1f %10.1f %10.1f\n", name, m.count,
	       m.min / 1e3, m.p50 / 1e3, m.p90 / 1e3, m.p99 / 1e3, m.p999 / 1e3, m.max / 1e3);
}

struct trace_opts {
	double duration;	/* seconds, 0: until Ctrl-C */
	const char *json;
	int bpf_debug;		/* EXITWATCH_BPF_DEBUG */
};

static int opt_seconds(void *opts, const struct ew_optdef *d, const char *arg, char *want,
		       size_t len)
{
	double *out = (double *)((char *)opts + d->off);
	char *end;

	*out = strtod(arg, &end);
	if (!*end && end != arg && *out > 0)
		return 0;
	snprintf(want, len, "'%s': want a positive number of seconds", arg);
	return -1;
}

static const struct ew_optdef trace_options[] = {
	{ "duration", 'd', "SECONDS", opt_seconds, offsetof(struct trace_opts, duration), 0, 0, 0, 0,
	  "stop after this long" },
	{ "json", 'j', "FILE", ew_opt_str, offsetof(struct trace_opts, json), 0, 0, 0, 0,
	  "also write the summary as JSON" },
	{ "help", 'h', NULL, NULL, 0, 0, 0, 0, 0, "this text" },
	{ 0 }
};

static void trace_usage(FILE *f)
{
	fprintf(f,
		"usage: exitwatch trace [-d SECONDS] [-j FILE]\n"
		"  Histogram the exit timeline of every process on the system until\n"
		"  Ctrl-C (or -d SECONDS): sched_process_exit -> the first task the exit\n"
		"  wakes -> that task on CPU, plus exit start -> exit and mm teardown.\n");
	ew_opt_help(f, trace_options);
}

/* -1 to go on, else the exit status */
static int parse_trace(int argc, char **argv, struct trace_opts *to)
{
	int first, r;

	memset(to, 0, sizeof(*to));
	r = ew_getopt(trace_options, argc, argv, to, trace_usage, &first);
	if (r >= 0)
		return r;
	if (first < argc) {
		fprintf(stderr, "exitwatch trace: unexpected argument '%s'\n", argv[first]);
		trace_usage(stderr);
		return 2;
	}
	to->bpf_debug = getenv("EXITWATCH_BPF_DEBUG") != NULL;
	return -1;
}

static struct ew_tracer *open_tracer(const struct trace_opts *to, struct ew_tracer_info *info)
{
	struct ew_tracer *t;
	char why[256];

	ew_tracer_set_debug(to->bpf_debug);
	t = ew_tracer_open(0, 0, why, sizeof(why));
	if (!t) {
		fprintf(stderr, "exitwatch trace: %s\n", why);
		fprintf(stderr, "exitwatch trace: tracing needs root and a kernel with BPF and BTF\n");
		return NULL;
	}
	if (ew_tracer_attach(t)) {
		fprintf(stderr, "exitwatch trace: attaching the BPF programs failed\n");
		ew_tracer_close(t);
		return NULL;
	}
	ew_tracer_info(t, info);
	return t;
}

static void print_summary(struct ew_tracer *t, struct trace_ctx *ctx)
{
	printf("exits recorded: %llu, of which woke a task after the group died: %llu; ring-buffer drops: %llu\n",
	       (unsigned long long)ctx->records, (unsigned long long)ctx->woken,
	       (unsigned long long)ew_tracer_counter(t, EW_C_RB_DROPS));
	for (int h = 0; h < EW_H_NR; h++) {
		struct ew_hist hist;

		if (!ew_tracer_read_hist(t, h, &hist))
			print_hist(ew_hist_name(h), &hist);
	}
	printf("\n%-16s %8s %10s %10s %10s %10s %10s %10s\n", "latency (us)", "count", "min", "p50",
	       "p90", "p99", "p99.9", "max");
	for (int l = 0; l < EW_L_NR; l++)
		if (ctx->lat[l].n)
			print_pcts(ew_lat_name(l), &ctx->lat[l]);
}

static void write_json(const char *path, struct ew_tracer *t, const struct ew_tracer_info *info,
		       struct trace_ctx *ctx, uint64_t t0)
{
	FILE *f = fopen(path, "w");
	struct ew_json j;

	if (!f) {
		fprintf(stderr, "exitwatch trace: %s: %s\n", path, strerror(errno));
		return;
	}
	ew_json_init(&j, f);
	ew_json_obj(&j, NULL);
	ew_json_str(&j, "schema", "exitwatch-trace/1");
	ew_json_dbl(&j, "duration_s", (ew_now_ns() - t0) / 1e9);
	ew_json_u64(&j, "records", ctx->records);
	ew_json_u64(&j, "ringbuf_drops", ew_tracer_counter(t, EW_C_RB_DROPS));
	ew_json_str(&j, "exit_tracepoint_placement", info->exit_tp_layout);
	ew_json_obj(&j, "latency_ns");
	for (int l = 0; l < EW_L_NR; l++) {
		struct ew_summary m;

		if (!ctx->lat[l].n)
			continue;
		m = ew_summarize(&ctx->lat[l]);
		ew_json_obj(&j, ew_lat_name(l));
		ew_json_u64(&j, "count", m.count);
		ew_json_u64(&j, "p50", m.p50);
		ew_json_u64(&j, "p90", m.p90);
		ew_json_u64(&j, "p99", m.p99);
		ew_json_u64(&j, "p99_9", m.p999);
		ew_json_u64(&j, "max", m.max);
		ew_json_end_obj(&j);
	}
	ew_json_end_obj(&j);
	ew_json_end_obj(&j);
	fclose(f);
}

int ew_trace_main(int argc, char **argv)
{
	struct trace_opts to;
	struct trace_ctx ctx;
	struct ew_tracer *t;
	struct ew_tracer_info info;
	uint64_t t0;
	int r = parse_trace(argc, argv, &to);

	if (r >= 0)
		return r;
	t = open_tracer(&to, &info);
	if (!t)
		return 1;
	memset(&ctx, 0, sizeof(ctx));
	fprintf(stderr, "Tracing process exits%s... Hit Ctrl-C to end.\n", to.duration ? " for a while" : "");
	fprintf(stderr, "%s\n", info.exit_tp_layout);
	if (!info.stages_loaded)
		fprintf(stderr, "stage programs not loaded: %s\n", info.stages_reason);
	t0 = ew_now_ns();
	while (!ew_interrupted && (!to.duration || (ew_now_ns() - t0) / 1e9 < to.duration))
		ew_tracer_poll(t, 100, trace_cb, &ctx);
	ew_tracer_poll(t, 0, trace_cb, &ctx);
	print_summary(t, &ctx);
	if (to.json)
		write_json(to.json, t, &info, &ctx, t0);
	for (int l = 0; l < EW_L_NR; l++)
		ew_samples_free(&ctx.lat[l]);
	ew_tracer_close(t);
	return 0;
}
