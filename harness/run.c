// SPDX-License-Identifier: GPL-2.0
/*
 * run.c - `exitwatch run`: scenarios x mechanisms.  Builds the matrix of
 * cells from the options, measures the floor and observer neutrality, runs
 * every cell (cell.c: storm -> watcher -> samples) --reps times over, sums
 * the repetitions (cellstats.c) and writes the results (results.c), whose
 * targets (targets.c) are judged on the way.
 */
#include <stdlib.h>
#include <sys/mman.h>
#include "results.h"
#include "cellstats.h"
#include "spawner.h"
#include "child.h"
#include "sweep.h"

volatile sig_atomic_t ew_interrupted;

static const char *const scenario_names[EW_SC_NR] = {
	"burst", "churn", "stagger", "heavy", "reuse",
};
static const char *const lat_names[EW_L_NR] = {
	"trigger_to_user", "exit_to_user", "exit_to_wake", "wake_to_run", "run_to_user",
	"signal_to_begin", "begin_to_exit", "mm_teardown", "exit_to_reap",
	"exit_to_freed", "trigger_to_freed", "trigger_to_mrelease",
};
static const char *const stage_names[EW_S_NR] = {
	"exit_to_mm_start", "mm_teardown", "mm_end_to_notify", "notify_to_wake",
	"wake_to_run", "run_to_user",
};

const char *ew_scenario_name(int sc) { return sc >= 0 && sc < EW_SC_NR ? scenario_names[sc] : "?"; }
const char *ew_lat_name(int l) { return l >= 0 && l < EW_L_NR ? lat_names[l] : "?"; }
const char *ew_stage_name(int s) { return s >= 0 && s < EW_S_NR ? stage_names[s] : "?"; }

static const char *const rep_metric_names[EW_R_NR] = {
	"exits_per_s", "watcher_cpu_ns_per_exit", "syscalls_per_exit",
	"trigger_to_user_p50_ns", "trigger_to_user_p99_ns", "exit_to_user_p50_ns",
	"exit_to_user_p99_ns", "exit_to_wake_p50_ns",
};

const char *ew_rep_metric_name(int m) { return m >= 0 && m < EW_R_NR ? rep_metric_names[m] : "?"; }

int ew_scenario_find(const char *name)
{
	for (int i = 0; i < EW_SC_NR; i++)
		if (!strcmp(scenario_names[i], name))
			return i;
	return -1;
}

void ew_opts_default(struct ew_opts *o)
{
	memset(o, 0, sizeof(*o));
	for (int i = 0; i < ew_nmechanisms; i++)
		o->mechs[o->nmechs++] = ew_mechanisms[i];
	o->scenarios[o->nscen++] = EW_SC_BURST;
	o->gap_ms = 0;
	o->ns[o->nn++] = 1;
	o->ns[o->nn++] = 10;
	o->ns[o->nn++] = 100;
	o->loads[o->nloads++] = 0;
	o->min_exits = 300;
	o->max_rounds = 300;
	o->churn_ms = 1000;
	o->churn_n = 10;
	o->stagger_ms = 500;
	o->stagger_n = 500;
	o->heavy_mbs[o->nheavy_mb++] = 64;
	o->heavy_n = 8;
	o->neutral_exits = 50;
	o->heavy_rounds = 2;
	o->interval_us = 1000;
	o->perturb_rounds = 24;
	o->perturb_ms = 100;
	o->reuse_pid_max = 1000;
	o->out = "-";
	o->reps = 1;
}

/* the cells of one (scenario, size) for every load and mechanism the options keep */
static int keep_cell(const struct ew_opts *o, int sc, int k, int l, int m)
{
	int keep = 1;

	if (sc == EW_SC_BURST && o->nlarge && o->ns[k] > o->large_n) {
		keep = 0;
		for (int x = 0; x < o->nlarge; x++)
			keep |= o->large_mechs[x] == o->mechs[m];
	}
	/* with --load-sizes, load on is for those bursts only */
	if (sc != EW_SC_BURST && o->loads[l] && o->nload_ns)
		keep = 0;
	if (sc == EW_SC_BURST && o->loads[l] && o->nload_ns) {
		int in = 0;

		for (int x = 0; x < o->nload_ns; x++)
			in |= o->load_ns[x] == o->ns[k];
		keep &= in;
	}
	return keep;
}

static int scenario_n(const struct ew_opts *o, int sc, int k)
{
	switch (sc) {
	case EW_SC_BURST:
		return o->ns[k];
	case EW_SC_CHURN:
		return o->churn_n;
	case EW_SC_STAGGER:
		return o->stagger_n;
	case EW_SC_HEAVY:
		return o->heavy_n;
	}
	return 100;
}

/* the matrix: scenarios x sizes x loads x mechanisms, in the order they run */
static struct ew_cell *build_cells(const struct ew_opts *o, int *ncells)
{
	int max = o->nmechs * o->nloads * (o->nscen * (o->nn + 1)) +
		  o->nloads * ew_heavy_cells_max(o);
	struct ew_cell *cells = calloc(max, sizeof(*cells));
	int n = 0;

	for (int s = 0; cells && s < o->nscen; s++) {
		int sc = o->scenarios[s];

		if (sc == EW_SC_HEAVY) {
			/* the victim-size sweep (sweep.c); load on is for bursts only with --load-sizes */
			for (int l = 0; l < o->nloads; l++)
				if (!o->loads[l] || !o->nload_ns)
					ew_heavy_cells(o, o->loads[l], cells, &n, max);
			continue;
		}
		for (int k = 0; k < (sc == EW_SC_BURST ? o->nn : 1); k++)
			for (int l = 0; l < o->nloads; l++)
				for (int m = 0; m < o->nmechs; m++) {
					if (!keep_cell(o, sc, k, l, m))
						continue;
					cells[n].scenario = sc;
					cells[n].load = o->loads[l];
					cells[n].ops = o->mechs[m];
					cells[n].n = scenario_n(o, sc, k);
					n++;
				}
	}
	*ncells = n;
	return cells;
}

/* the BPF tracer, or NULL with res->why saying why not */
static void open_tracer(const struct ew_opts *o, struct ew_results *res)
{
	struct ew_tracer *t;

	if (o->no_bpf) {
		snprintf(res->why, sizeof(res->why), "tracer disabled by --no-bpf");
		return;
	}
	ew_tracer_set_mm_stamps(o->mm_stamps);
	ew_tracer_set_debug(o->bpf_debug);
	t = ew_tracer_open(getpid(), 1, res->why, sizeof(res->why));
	if (t && ew_tracer_attach(t)) {
		snprintf(res->why, sizeof(res->why), "BPF programs failed to attach: running without the tracer");
		ew_tracer_close(t);
		t = NULL;
	}
	if (!t) {
		fprintf(stderr, "exitwatch: %s\n", res->why);
		return;
	}
	ew_tracer_info(t, &res->tinfo);
	if (!res->tinfo.stages_loaded)
		fprintf(stderr, "exitwatch: stage breakdown limited: %s\n", res->tinfo.stages_reason);
	res->tracer = t;
}

/* before the cells: the floor, the tracer's perturbation, observer neutrality */
static void measure_before(const struct ew_opts *o, struct ew_results *res, struct ew_shm *shm,
			   int shm_fd)
{
	if (!o->no_floor && !ew_interrupted) {
		fprintf(stderr, "exitwatch: measuring the floor (pipe ping-pong, fork+exit+reap, tracer perturbation)\n");
		/* the programs of the cells whose children exit by themselves, as fork+exit+reap's do */
		ew_cell_programs(res->tracer, EW_SC_CHURN, 0);
		ew_measure_floor(&res->floor, res->tracer, o->perturb_rounds, o->perturb_ms,
				 o->reps);
	}
	if (res->tracer)
		ew_tracer_attach(res->tracer);
	if (o->neutral_pairs && !ew_interrupted) {
		fprintf(stderr, "exitwatch: observer neutrality: burst N=1, %d rounds of ABCCBA blocks of %d exits "
			"(A no tracer, B the cells' programs, C with the stage stamps)\n",
			o->neutral_pairs, o->neutral_exits);
		ew_neutrality(&res->neutral, o, res->tracer, shm, shm_fd, o->neutral_pairs,
			      o->neutral_exits, o->no_ref ? NULL : &res->ref);
	}
}

static void progress_start(const struct ew_opts *o, const struct ew_cell *c, int i, int ncells,
			   int rep)
{
	if (o->reps > 1)
		fprintf(stderr, "[%3d/%d rep %d/%d] ", i + 1, ncells, rep + 1, o->reps);
	else
		fprintf(stderr, "[%3d/%d] ", i + 1, ncells);
	fprintf(stderr, "%-7s N=%-5d load=%-3s %-13s ", ew_scenario_name(c->scenario),
		c->n, c->load ? "on" : "off", c->ops->name);
	if (c->scenario == EW_SC_HEAVY)
		fprintf(stderr, "%4d MB %-16s ", c->rss_mb, ew_kill_path_name(c->kill_path));
	fflush(stderr);
}

static void progress_end(const struct ew_cell *r, uint64_t t0)
{
	fprintf(stderr, "%6llu exits  p50 %8.1f us  p99 %9.1f us (%s)  missed %llu  %.1fs%s\n",
		(unsigned long long)r->exits, r->lat[r->cdf_metric].p50 / 1e3,
		r->lat[r->cdf_metric].p99 / 1e3, ew_lat_name(r->cdf_metric),
		(unsigned long long)r->missed, (ew_now_ns() - t0) / 1e9,
		r->reason[0] ? " (watcher error)" : "");
}

/* the scene a run shares with every cell: the shared page of the children, the tracer */
struct scene {
	struct ew_results *res;
	struct ew_shm *shm;
	int shm_fd;
};

/* one repetition of cell c, merged into it; acc collects its samples */
static void run_rep(const struct ew_opts *o, struct scene *sc, struct ew_cell *c,
		    struct ew_samples *acc, int i, int rep)
{
	struct ew_cell *r = calloc(1, sizeof(*r));
	uint64_t t0 = ew_now_ns();
	int ret;

	if (!r) {
		fprintf(stderr, "exitwatch: out of memory\n");
		return;
	}
	r->scenario = c->scenario;
	r->n = c->n;
	r->load = c->load;
	r->ops = c->ops;
	r->rss_mb = c->rss_mb;
	r->kill_path = c->kill_path;
	progress_start(o, c, i, sc->res->ncells, rep);
	/* the reference watcher, interleaved with the cells unless the neutrality pass has it */
	if (!o->no_ref && !sc->res->ref.in_neutrality)
		ew_ref_slice(&sc->res->ref, 10, o->ref_path);
	ew_cell_programs(sc->res->tracer, c->scenario, 0);
	ret = ew_run_cell(o, r, sc->res->tracer, sc->shm, sc->shm_fd, acc);
	if (r->skipped) {
		c->skipped = 1;
		snprintf(c->reason, sizeof(c->reason), "%s", r->reason);
		fprintf(stderr, "skipped: %s\n", r->reason);
	} else {
		ew_cell_merge(c, r);
		progress_end(r, t0);
		if (ret)
			fprintf(stderr, "exitwatch: cell failed: %s\n", strerror(-ret));
	}
	free(r);
}

/*
 * --reps K: the whole matrix K times over, so that each cell's repetitions
 * are spread over the run (drift in the machine's load spreads over all
 * cells instead of biasing one); returns the cells with results
 */
static int run_cells(const struct ew_opts *o, struct scene *sc)
{
	struct ew_results *res = sc->res;
	struct ew_samples (*acc)[EW_L_NR] = calloc(res->ncells ? res->ncells : 1, sizeof(*acc));
	int done = 0;

	if (!acc)
		return -1;
	for (int rep = 0; rep < o->reps && !ew_interrupted; rep++)
		for (int i = 0; i < res->ncells && !ew_interrupted; i++)
			if (!res->cells[i].skipped)
				run_rep(o, sc, &res->cells[i], acc[i], i, rep);
	for (int i = 0; i < res->ncells; i++) {
		ew_cell_finish(&res->cells[i], acc[i]);
		if (res->cells[i].reps || res->cells[i].skipped)
			done++;
		for (int l = 0; l < EW_L_NR; l++)
			ew_samples_free(&acc[i][l]);
	}
	free(acc);
	return done;
}

int ew_run(struct ew_opts *o)
{
	struct ew_results *res = calloc(1, sizeof(*res));
	struct ew_load_snap snap_idle, snap0, snap1;
	struct scene sc = { res, NULL, -1 };
	int done, rc;

	if (!res)
		return 1;
	res->t_begin = ew_now_ns();
	ew_watcher_signal();
	ew_read_first_line("/proc/loadavg", NULL, res->loadavg_start, sizeof(res->loadavg_start));
	/* half a second of doing nothing: what the others use (load.h) */
	ew_load_snap(&snap_idle);
	usleep(500000);
	ew_load_snap(&snap0);
	res->cells = build_cells(o, &res->ncells);
	sc.shm = ew_shm_create(&sc.shm_fd);
	if (!res->cells || !sc.shm) {
		fprintf(stderr, "exitwatch: out of memory\n");
		return 1;
	}
	open_tracer(o, res);
	measure_before(o, res, sc.shm, sc.shm_fd);
	done = run_cells(o, &sc);
	if (done < 0) {
		fprintf(stderr, "exitwatch: out of memory\n");
		return 1;
	}
	if (ew_interrupted)
		fprintf(stderr, "exitwatch: interrupted: writing the %d cells collected\n", done);
	ew_read_first_line("/proc/loadavg", NULL, res->loadavg_end, sizeof(res->loadavg_end));
	ew_load_snap(&snap1);
	ew_load_judge(&res->load, &snap_idle, &snap0, &snap1, (int)sysconf(_SC_NPROCESSORS_ONLN),
		      sysconf(_SC_CLK_TCK));
	fprintf(stderr, "exitwatch: %s\n", res->load.verdict);
	rc = ew_results_write(o, res);
	ew_tracer_close(res->tracer);
	free(res->cells);
	munmap(sc.shm, sizeof(*sc.shm));
	ew_ref_free(&res->ref);
	ew_neutral_free(&res->neutral);
	close(sc.shm_fd);
	free(res);
	if (rc)
		return rc;
	return ew_interrupted ? 130 : 0;
}
