// SPDX-License-Identifier: GPL-2.0
/*
 * trace.c - `exitwatch trace`: watch the live system like runqlat.  Every
 * exiting thread group is timed from sched_process_exit to the first task
 * its exit wakes (a parent in wait, a pidfd poller, ...) and to that task
 * on CPU; log2 histograms are aggregated in the kernel, exact percentiles
 * come from the per-exit records.  Until Ctrl-C or -d seconds.
 */
#include <getopt.h>
#include <stdlib.h>
#include "run.h"
#include "json.h"

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

static void trace_usage(FILE *f)
{
	fprintf(f,
		"usage: exitwatch trace [-d SECONDS] [-j FILE]\n"
		"  Histogram the exit timeline of every process on the system until\n"
		"  Ctrl-C (or -d SECONDS): sched_process_exit -> the first task the exit\n"
		"  wakes -> that task on CPU, plus exit start -> exit and mm teardown.\n"
		"  -d, --duration SECONDS  stop after this long\n"
		"  -j, --json FILE         also write the summary as JSON\n"
		"  -h, --help\n");
}

int ew_trace_main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "duration", required_argument, 0, 'd' },
		{ "json", required_argument, 0, 'j' },
		{ "help", no_argument, 0, 'h' },
		{ 0 }
	};
	struct trace_ctx ctx;
	struct ew_tracer *t;
	struct ew_tracer_info info;
	const char *json = NULL;
	double dur = 0;
	char why[256], *end;
	uint64_t t0;
	int c;

	memset(&ctx, 0, sizeof(ctx));
	optind = 1;
	while ((c = getopt_long(argc, argv, "d:j:h", lo, NULL)) != -1) {
		switch (c) {
		case 'd':
			dur = strtod(optarg, &end);
			if (*end || dur <= 0) {
				fprintf(stderr, "exitwatch trace: -d wants a positive number of seconds, not '%s'\n", optarg);
				return 2;
			}
			break;
		case 'j':
			json = optarg;
			break;
		case 'h':
			trace_usage(stdout);
			return 0;
		default:
			trace_usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "exitwatch trace: unexpected argument '%s'\n", argv[optind]);
		trace_usage(stderr);
		return 2;
	}
	ew_tracer_set_debug(getenv("EXITWATCH_BPF_DEBUG") != NULL);
	t = ew_tracer_open(0, 0, why, sizeof(why));
	if (!t) {
		fprintf(stderr, "exitwatch trace: %s\n", why);
		fprintf(stderr, "exitwatch trace: tracing needs root and a kernel with BPF and BTF\n");
		return 1;
	}
	if (ew_tracer_attach(t)) {
		fprintf(stderr, "exitwatch trace: attaching the BPF programs failed\n");
		ew_tracer_close(t);
		return 1;
	}
	ew_tracer_info(t, &info);
	fprintf(stderr, "Tracing process exits%s... Hit Ctrl-C to end.\n", dur ? " for a while" : "");
	fprintf(stderr, "%s\n", info.exit_tp_layout);
	if (!info.stages_loaded)
		fprintf(stderr, "stage programs not loaded: %s\n", info.stages_reason);
	t0 = ew_now_ns();
	while (!ew_interrupted && (!dur || (ew_now_ns() - t0) / 1e9 < dur))
		ew_tracer_poll(t, 100, trace_cb, &ctx);
	ew_tracer_poll(t, 0, trace_cb, &ctx);

	printf("exits recorded: %llu, of which woke a task after the group died: %llu; ring-buffer drops: %llu\n",
	       (unsigned long long)ctx.records, (unsigned long long)ctx.woken,
	       (unsigned long long)ew_tracer_counter(t, EW_C_RB_DROPS));
	for (int h = 0; h < EW_H_NR; h++) {
		struct ew_hist hist;

		if (!ew_tracer_read_hist(t, h, &hist))
			print_hist(ew_hist_name(h), &hist);
	}
	printf("\n%-16s %8s %10s %10s %10s %10s %10s %10s\n", "latency (us)", "count", "min", "p50",
	       "p90", "p99", "p99.9", "max");
	for (int l = 0; l < EW_L_NR; l++)
		if (ctx.lat[l].n)
			print_pcts(ew_lat_name(l), &ctx.lat[l]);
	if (json) {
		FILE *f = fopen(json, "w");
		struct ew_json j;

		if (!f) {
			fprintf(stderr, "exitwatch trace: %s: %s\n", json, strerror(errno));
		} else {
			ew_json_init(&j, f);
			ew_json_obj(&j, NULL);
			ew_json_str(&j, "schema", "exitwatch-trace/1");
			ew_json_dbl(&j, "duration_s", (ew_now_ns() - t0) / 1e9);
			ew_json_u64(&j, "records", ctx.records);
			ew_json_u64(&j, "ringbuf_drops", ew_tracer_counter(t, EW_C_RB_DROPS));
			ew_json_str(&j, "exit_tracepoint_placement", info.exit_tp_layout);
			ew_json_obj(&j, "latency_ns");
			for (int l = 0; l < EW_L_NR; l++) {
				struct ew_summary m;

				if (!ctx.lat[l].n)
					continue;
				m = ew_summarize(&ctx.lat[l]);
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
	}
	for (int l = 0; l < EW_L_NR; l++)
		ew_samples_free(&ctx.lat[l]);
	ew_tracer_close(t);
	return 0;
}
