// SPDX-License-Identifier: GPL-2.0
/*
 * results.c - the results JSON of `exitwatch run` (harness/SCHEMA.md,
 * "exitwatch-results/2"): the run, the machine, the tracer, the options,
 * the floor, the cells and the targets (targets.c).  Written once, at the
 * end of the run; report and compare read only this.
 */
#include <math.h>
#include <sys/utsname.h>
#include "results.h"
#include "sweep.h"

static void json_summary(struct ew_json *j, const char *key, const struct ew_summary *s)
{
	ew_json_obj(j, key);
	ew_json_u64(j, "count", s->count);
	ew_json_u64(j, "min", s->min);
	ew_json_u64(j, "p50", s->p50);
	ew_json_u64(j, "p90", s->p90);
	ew_json_u64(j, "p99", s->p99);
	ew_json_u64(j, "p99_9", s->p999);
	ew_json_u64(j, "max", s->max);
	ew_json_dbl(j, "mean", s->mean);
	ew_json_end_obj(j);
}

/* an inline array of k doubles */
static void json_dbls(struct ew_json *j, const char *key, const double *v, int k)
{
	ew_json_arr_inline(j, key);
	for (int i = 0; i < k; i++)
		ew_json_dbl(j, NULL, v[i]);
	ew_json_end_arr(j);
}

/* what the cell is: scenario, N, load, mechanism (and the heavy sweep's point) */
static void cell_identity(struct ew_json *j, const struct ew_cell *c)
{
	ew_json_str(j, "scenario", ew_scenario_name(c->scenario));
	ew_json_u64(j, "n", c->n);
	ew_json_bool(j, "load", c->load);
	ew_json_str(j, "mechanism", c->ops->name);
	if (c->scenario == EW_SC_HEAVY) {
		ew_json_u64(j, "rss_mb", c->rss_mb);
		ew_json_str(j, "kill_path", ew_kill_path_name(c->kill_path));
	}
	ew_json_str(j, "status", c->skipped ? "skipped" : c->interrupted ? "interrupted" : "ok");
}

static void cell_samples(struct ew_json *j, const struct ew_cell *c)
{
	int reps = c->reps < EW_MAX_REPS ? c->reps : EW_MAX_REPS;

	ew_json_u64(j, "repetitions", c->reps);
	ew_json_obj(j, "samples");
	for (int m = 0; m < EW_R_NR; m++)
		json_dbls(j, ew_rep_metric_name(m), c->rep[m], reps);
	ew_json_end_obj(j);
}

/* exits, detection errors, exit statuses, BPF records, mrelease */
static void cell_counts(struct ew_json *j, const struct ew_cell *c)
{
	ew_json_u64(j, "rounds", c->rounds);
	ew_json_u64(j, "exits", c->exits);
	ew_json_u64(j, "count", c->noticed);
	ew_json_u64(j, "lost", c->bpf_missing + c->mech_lost);
	ew_json_obj(j, "detection_errors");
	ew_json_u64(j, "missed", c->missed);
	ew_json_u64(j, "false", c->false_notices);
	ew_json_u64(j, "duplicate", c->duplicates);
	ew_json_end_obj(j);
	ew_json_obj(j, "exit_status");
	ew_json_u64(j, "expected", c->statuses_expected);
	ew_json_u64(j, "recovered", c->statuses_recovered);
	ew_json_end_obj(j);
	ew_json_obj(j, "bpf");
	ew_json_u64(j, "records", c->bpf_records);
	ew_json_u64(j, "records_from_map", c->bpf_swept);
	ew_json_u64(j, "missing", c->bpf_missing);
	ew_json_u64(j, "ringbuf_drops", c->rb_drops);
	ew_json_u64(j, "map_full", c->map_full);
	ew_json_u64(j, "watcher_woken", c->woken);
	ew_json_end_obj(j);
	ew_json_u64(j, "mechanism_lost_events", c->mech_lost);
	if (c->kill_path == EW_KILL_MRELEASE) {
		ew_json_obj(j, "mrelease");
		ew_json_u64(j, "calls", c->mrelease_calls);
		ew_json_u64(j, "returned_0", c->mrelease_ok);
		ew_json_str(j, "last_error", c->mrelease_errno ? strerror(c->mrelease_errno) : "");
		ew_json_end_obj(j);
	}
}

/* rate and cost per exit */
static void cell_costs(struct ew_json *j, const struct ew_cell *c)
{
	double per = c->noticed ? 1.0 / c->noticed : NAN;

	ew_json_dbl(j, "exits_per_s", c->exits_per_s);
	ew_json_u64(j, "watcher_cpu_ns", c->watcher_cpu_ns);
	ew_json_dbl(j, "watcher_cpu_ns_per_exit", c->watcher_cpu_ns * per);
	ew_json_dbl(j, "syscalls_per_exit", (c->syscalls + c->add_syscalls) * per);
	ew_json_dbl(j, "watcher_syscalls_per_exit", c->syscalls * per);
	ew_json_dbl(j, "storm_syscalls_per_exit", c->add_syscalls * per);
}

/* latency summaries, stage means, the cdf and the kernel's histograms */
void ew_cell_stages_json(struct ew_json *j, const struct ew_cell *c)
{
	double sum = 0;

	if (!c->stage_count)
		return;
	ew_json_obj(j, "stages_mean_ns");
	for (int s = 0; s < EW_S_NR; s++) {
		ew_json_dbl(j, ew_stage_name(s), c->stage_mean_ns[s]);
		sum += c->stage_mean_ns[s];
	}
	ew_json_end_obj(j);
	ew_json_u64(j, "stages_count", c->stage_count);
	ew_json_dbl(j, "stages_sum_mean_ns", sum);
	ew_json_dbl(j, "exit_to_user_mean_ns", c->stage_exit_to_user_mean_ns);
}

static void cell_latencies(struct ew_json *j, const struct ew_cell *c)
{
	ew_json_obj(j, "latency_ns");
	for (int l = 0; l < EW_L_NR; l++)
		if (c->lat[l].count)
			json_summary(j, ew_lat_name(l), &c->lat[l]);
	ew_json_end_obj(j);
	ew_cell_stages_json(j, c);
	ew_json_str(j, "cdf_metric", ew_lat_name(c->cdf_metric));
	ew_json_arr_inline(j, "cdf_ns");
	for (int q = 0; q < EW_CDF_POINTS; q++)
		ew_json_u64(j, NULL, c->cdf_ns[q]);
	ew_json_end_arr(j);
}

static void json_cell(struct ew_json *j, const struct ew_cell *c)
{
	ew_json_obj(j, NULL);
	cell_identity(j, c);
	if (c->skipped) {
		ew_json_str(j, "skip_reason", c->reason);
		ew_json_end_obj(j);
		return;
	}
	if (c->reason[0])
		ew_json_str(j, "error", c->reason);
	cell_samples(j, c);
	cell_counts(j, c);
	cell_costs(j, c);
	cell_latencies(j, c);
	ew_json_end_obj(j);
}

void ew_read_first_line(const char *path, const char *prefix, char *out, size_t len)
{
	FILE *f = fopen(path, "r");
	char line[512];

	out[0] = 0;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (!prefix || !strncmp(line, prefix, strlen(prefix))) {
			char *p = prefix ? strchr(line, ':') : line;

			p = p ? p + (prefix ? 1 : 0) : line;
			while (*p == ' ' || *p == '\t')
				p++;
			p[strcspn(p, "\n")] = 0;
			snprintf(out, len, "%.250s", p);
			break;
		}
	}
	fclose(f);
}

static void json_tool(struct ew_json *j, const struct ew_opts *o, const struct ew_results *res)
{
	uint64_t took = ew_now_ns() - res->t_begin;

	ew_json_str(j, "schema", "exitwatch-results/2");
	ew_json_obj(j, "tool");
	ew_json_str(j, "name", "exitwatch");
	ew_json_str(j, "version", EW_VERSION);
	ew_json_str(j, "command", o->argv_line);
	ew_json_u64(j, "started_unix", (uint64_t)time(NULL) - took / 1000000000ULL);
	ew_json_dbl(j, "duration_s", took / 1e9);
	ew_json_bool(j, "interrupted", !!ew_interrupted);
	ew_json_str(j, "note", o->note ? o->note : "");
	ew_json_end_obj(j);
}

static void json_machine(struct ew_json *j, const struct ew_results *res)
{
	struct utsname u;
	char buf[256];

	uname(&u);
	ew_json_obj(j, "machine");
	ew_json_str(j, "kernel_release", u.release);
	ew_json_str(j, "kernel_version", u.version);
	ew_json_str(j, "arch", u.machine);
	ew_json_str(j, "hostname", u.nodename);
	ew_json_u64(j, "cpus_online", sysconf(_SC_NPROCESSORS_ONLN));
	ew_read_first_line("/proc/cpuinfo", "model name", buf, sizeof(buf));
	ew_json_str(j, "cpu_model", buf);
	ew_json_u64(j, "mem_total_mb", (uint64_t)sysconf(_SC_PHYS_PAGES) * sysconf(_SC_PAGESIZE) >> 20);
	ew_read_first_line("/etc/debian_version", NULL, buf, sizeof(buf));
	ew_json_str(j, "debian_version", buf);
	ew_read_first_line("/proc/sys/kernel/pid_max", NULL, buf, sizeof(buf));
	ew_json_str(j, "pid_max", buf);
	ew_json_str(j, "loadavg_start", res->loadavg_start);
	ew_json_str(j, "loadavg_end", res->loadavg_end);
	ew_json_end_obj(j);
}

static void json_load(struct ew_json *j, const struct ew_load *l)
{
	ew_json_obj(j, "load");
	ew_json_bool(j, "measured", l->before.ok && l->after.ok);
	json_dbls(j, "loadavg_before", l->before.loadavg, 3);
	json_dbls(j, "loadavg_after", l->after.loadavg, 3);
	ew_json_dbl(j, "before_busy_cpus", l->before_busy_cpus);
	ew_json_dbl(j, "before_steal_pct", l->before_steal_pct);
	ew_json_dbl(j, "steal_pct", l->steal_pct);
	ew_json_dbl(j, "others_cpus", l->others_cpus);
	ew_json_u64(j, "cpus", l->cpus);
	ew_json_bool(j, "busy", l->busy);
	ew_json_str(j, "verdict", l->verdict);
	ew_json_end_obj(j);
}

static void json_tracer(struct ew_json *j, const struct ew_results *res)
{
	struct ew_tracer *t = res->tracer;

	ew_json_obj(j, "tracer");
	ew_json_bool(j, "enabled", t != NULL);
	ew_json_str(j, "reason", t ? "" : res->why);
	if (t) {
		ew_json_bool(j, "stage_programs", res->tinfo.stages_loaded);
		ew_json_bool(j, "mm_tracepoints", res->tinfo.mm_loaded);
		ew_json_str(j, "stage_programs_reason", res->tinfo.stages_reason);
		ew_json_str(j, "exit_tracepoint_placement", res->tinfo.exit_tp_layout);
		ew_json_i64(j, "exit_tp_before_exit_mm", res->tinfo.exit_tp_before_mm);
		ew_json_u64(j, "ringbuf_drops_total", ew_tracer_counter(t, EW_C_RB_DROPS));
		ew_json_u64(j, "records_total", ew_tracer_counter(t, EW_C_EVENTS));
		ew_json_u64(j, "map_full_total", ew_tracer_counter(t, EW_C_MAP_FULL));
	}
	ew_json_end_obj(j);
}

static void json_options(struct ew_json *j, const struct ew_opts *o)
{
	ew_json_obj(j, "options");
	ew_json_u64(j, "min_exits", o->min_exits);
	ew_json_u64(j, "interval_us", o->interval_us);
	ew_json_u64(j, "churn_ms", o->churn_ms);
	ew_json_u64(j, "stagger_ms", o->stagger_ms);
	ew_json_arr_inline(j, "heavy_mb");
	for (int k = 0; k < o->nheavy_mb; k++)
		ew_json_u64(j, NULL, o->heavy_mbs[k]);
	ew_json_end_arr(j);
	ew_json_u64(j, "heavy_n", o->heavy_n);
	ew_json_u64(j, "neutrality_pairs", o->neutral_pairs);
	ew_json_u64(j, "heavy_rounds", o->heavy_rounds);
	ew_json_str(j, "spawn", ew_cell_spawn_name(o));
	ew_json_bool(j, "mm_stamps", o->mm_stamps);
	ew_json_u64(j, "gap_ms", (uint64_t)o->gap_ms);
	ew_json_u64(j, "reps", o->reps);
	ew_json_u64(j, "inject_delay_us", o->inject_delay_us);
	if (o->inject_delay_us && o->inject_mech)
		ew_json_str(j, "inject_delay_mechanism", o->inject_mech->name);
	else
		ew_json_null(j, "inject_delay_mechanism");
	ew_json_end_obj(j);
}

static void json_floor(struct ew_json *j, const struct ew_floor *fl)
{
	ew_json_obj(j, "floor");
	ew_json_bool(j, "measured", fl->done);
	if (fl->done) {
		json_summary(j, "pipe_pingpong_one_way_ns", &fl->pipe_one_way);
		ew_json_dbl(j, "fork_exit_reap_per_s", fl->fork_exit_reap_per_s);
		ew_json_u64(j, "repetitions", fl->reps);
		ew_json_obj(j, "samples");
		json_dbls(j, "pipe_pingpong_one_way_ns", fl->rep_pipe_p50, fl->reps);
		json_dbls(j, "fork_exit_reap_per_s", fl->rep_fork_rate, fl->reps);
		ew_json_end_obj(j);
	}
	ew_json_end_obj(j);
}

static void json_perturbation(struct ew_json *j, const struct ew_opts *o, const struct ew_floor *fl)
{
	ew_json_obj(j, "perturbation");
	ew_json_bool(j, "measured", fl->perturb_done);
	ew_json_str(j, "reason", fl->perturb_reason);
	if (fl->perturb_done) {
		ew_json_u64(j, "slice_ms", o->perturb_ms);
		json_dbls(j, "traced_per_s", fl->traced_per_s, fl->perturb_n);
		json_dbls(j, "untraced_per_s", fl->untraced_per_s, fl->perturb_n);
		ew_json_dbl(j, "traced_median_per_s", fl->traced_median);
		ew_json_dbl(j, "untraced_median_per_s", fl->untraced_median);
		ew_json_dbl(j, "ratio_of_medians", fl->ratio_of_medians);
		ew_json_dbl(j, "ratio", fl->perturb_ratio);
		json_summary(j, "iteration_traced_ns", &fl->iter_traced);
		json_summary(j, "iteration_untraced_ns", &fl->iter_untraced);
		ew_json_dbl(j, "iteration_median_ratio", fl->iter_ratio);
	}
	ew_json_end_obj(j);
}

static void json_mechanisms(struct ew_json *j, const struct ew_opts *o)
{
	ew_json_arr(j, "mechanisms");
	for (int m = 0; m < o->nmechs; m++) {
		const struct watcher_ops *ops = o->mechs[m];
		char r[256] = "";
		int skip = ops->probe(r, sizeof(r));

		ew_json_obj(j, NULL);
		ew_json_str(j, "name", ops->name);
		ew_json_str(j, "how", ops->how);
		ew_json_bool(j, "available", !skip);
		ew_json_str(j, "skip_reason", skip ? r : "");
		ew_json_bool(j, "parent_only", !!(ops->flags & EW_PARENT_ONLY));
		ew_json_bool(j, "polls", !!(ops->flags & EW_POLLS));
		ew_json_bool(j, "autoreaped_children", !!(ops->flags & EW_AUTOREAP));
		ew_json_end_obj(j);
	}
	ew_json_end_arr(j);
}

static void json_runs(struct ew_json *j, const struct ew_results *res)
{
	ew_json_arr(j, "runs");
	for (int i = 0; i < res->ncells; i++)
		if (res->cells[i].reps || res->cells[i].skipped)
			json_cell(j, &res->cells[i]);
	ew_json_end_arr(j);
}

int ew_results_write(const struct ew_opts *o, struct ew_results *res)
{
	FILE *out = strcmp(o->out, "-") ? fopen(o->out, "w") : stdout;
	struct ew_json j;

	if (!out) {
		fprintf(stderr, "exitwatch: %s: %s\n", o->out, strerror(errno));
		return 1;
	}
	ew_json_init(&j, out);
	ew_json_obj(&j, NULL);
	json_tool(&j, o, res);
	json_machine(&j, res);
	json_load(&j, &res->load);
	json_tracer(&j, res);
	json_options(&j, o);
	json_floor(&j, &res->floor);
	ew_ref_json(&j, &res->ref);
	ew_neutral_json(&j, &res->neutral);
	json_perturbation(&j, o, &res->floor);
	json_mechanisms(&j, o);
	json_runs(&j, res);
	ew_targets_json(&j, res);
	ew_json_end_obj(&j);
	if (out != stdout)
		fclose(out);
	else
		fflush(out);
	return 0;
}
