// SPDX-License-Identifier: GPL-2.0
/*
 * cell.c - one repetition of one cell (scenario, N, load, mechanism): set
 * the stage (the mechanism, a sentinel child, the spawner, background load,
 * the tracer's counters), start the watcher thread (watcher.c), run the
 * storm (storm.c), stop the watcher, collect the BPF records (records.c),
 * kill and reap what is left, and join it all into the cell (join.c).
 */
#include <stdlib.h>
#include <sys/wait.h>
#include "cellrun.h"

/* what a cell runs beside the storm: killed and reaped at its end */
struct surroundings {
	pid_t sentinel, load[8];
	int nload;
	uint64_t drops0, full0;	/* the tracer's counters at the start */
};

static pid_t spawn_plain(int busy)
{
	pid_t pid = fork();

	if (pid == 0) {
		if (busy)
			for (volatile unsigned long x = 0;; x++)
				;
		for (;;)
			pause();
	}
	return pid;
}

/*
 * the optional BPF programs a cell of this scenario needs: the end of
 * exit_mmap (memory freed) in the heavy cells only; exit_group entry only
 * where children exit by themselves (churn, stagger): killed ones start
 * exiting at SIGKILL delivery, and sys_enter runs on every system call.
 * stages: the stage stamps, which only the neutrality pass's stamped blocks
 * ask for (neutral.c); 0 for the cells.
 */
void ew_cell_programs(struct ew_tracer *tracer, int scenario, int stages)
{
	if (!tracer)
		return;
	ew_tracer_optional(tracer, EW_OPT_EXIT_MMAP, scenario == EW_SC_HEAVY);
	ew_tracer_optional(tracer, EW_OPT_SYS_ENTER, scenario == EW_SC_CHURN || scenario == EW_SC_STAGGER);
	ew_tracer_optional(tracer, EW_OPT_STAGES, stages);
}

/* the default spawn path: ew-spawner for this cell; on failure fork ourselves, and say so */
static int spawner_failed;

const char *ew_cell_spawn_name(const struct ew_opts *o)
{
	return o->spawn_vm ? "vm" : o->spawn_self || spawner_failed ? "fork" : "spawner";
}

static void start_spawner(struct cellrun *cr, int shm_fd)
{
	char why[PATH_MAX + 64];

	cr->sp.pid = 0;
	if (cr->opts->spawn_vm || cr->opts->spawn_self || spawner_failed)
		return;
	if (ew_spawner_start(&cr->sp, shm_fd, cr->opts->spawner_path, why, sizeof(why)) < 0) {
		spawner_failed = 1;
		fprintf(stderr, "exitwatch: no spawner (%s): children are forked by exitwatch itself\n", why);
	}
}

/* 1 when the cell cannot run here: c->reason says why */
static int cell_skipped(struct ew_cell *c, const struct ew_opts *o)
{
	char why[200];

	if (c->ops->probe(why, sizeof(why))) {
		c->skipped = 1;
		snprintf(c->reason, sizeof(c->reason), "%s", why);
		return 1;
	}
	if (c->scenario == EW_SC_REUSE && !o->guest) {
		c->skipped = 1;
		snprintf(c->reason, sizeof(c->reason), "%s",
			 "reuse needs pid_max lowered, a system-wide setting: it runs only inside the guest VM (--guest)");
		return 1;
	}
	return 0;
}

/* the notice log is sized for the storm: every child of every round, bursts up to min_exits */
static size_t log_capacity(const struct ew_cell *c, const struct ew_opts *o)
{
	size_t cap = (size_t)c->n * (size_t)o->max_rounds + 1024;

	if (c->scenario == EW_SC_CHURN)
		return 400000;
	if (c->scenario == EW_SC_BURST && cap > (size_t)o->min_exits + (size_t)c->n * 2 + 1024)
		cap = (size_t)o->min_exits + (size_t)c->n * 2 + 1024;
	return cap;
}

/* 0, -ENOMEM, or 1: the mechanism's init failed and the cell is skipped */
static int cellrun_init(struct cellrun *cr, const struct ew_opts *o, struct ew_cell *c)
{
	int r;

	if (!o->inject_mech || o->inject_mech == c->ops)
		cr->inject_delay_us = o->inject_delay_us;
	cr->w.ops = c->ops;
	cr->w.interval_us = o->interval_us;
	cr->w.capacity = c->n > 16 ? c->n : 16;
	cr->caplog = log_capacity(c, o);
	cr->log = calloc(cr->caplog, sizeof(*cr->log));
	if (!cr->log)
		return -ENOMEM;
	pthread_mutex_init(&cr->lock, NULL);
	pthread_cond_init(&cr->cond, NULL);
	r = c->ops->init(&cr->w);
	if (r) {
		c->skipped = 1;
		snprintf(c->reason, sizeof(c->reason), "init failed: %s", strerror(-r));
		free(cr->log);
		return 1;
	}
	return 0;
}

static void cellrun_free(struct cellrun *cr)
{
	free(cr->log);
	free(cr->kids);
	free(cr->evs);
	ew_storm_free(cr);
	pthread_mutex_destroy(&cr->lock);
	pthread_cond_destroy(&cr->cond);
}

static void surround(struct cellrun *cr, struct surroundings *s, int shm_fd)
{
	int ncpu = (int)sysconf(_SC_NPROCESSORS_ONLN);
	struct sigaction ign = { .sa_handler = SIG_IGN };

	memset(s, 0, sizeof(*s));
	if (cr->w.ops->flags & EW_AUTOREAP)
		sigaction(SIGCHLD, &ign, NULL);
	/* waitid(P_ALL) blocks rather than failing with ECHILD while this lives */
	s->sentinel = spawn_plain(0);
	start_spawner(cr, shm_fd);
	if (cr->cell->load)
		for (s->nload = 0; s->nload < ncpu && s->nload < 8; s->nload++)
			s->load[s->nload] = spawn_plain(1);
	if (cr->tracer) {
		ew_tracer_clear_watchers(cr->tracer);
		s->drops0 = ew_tracer_counter(cr->tracer, EW_C_RB_DROPS);
		s->full0 = ew_tracer_counter(cr->tracer, EW_C_MAP_FULL);
		ew_tracer_poll(cr->tracer, 0, NULL, NULL);	/* forget stale records */
	}
}

/* children nobody noticed are still here: kill and reap them, and what surrounded them */
static void unsurround(struct cellrun *cr, struct surroundings *s)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };

	ew_storm_kill(cr);
	kill(s->sentinel, SIGKILL);
	ew_spawner_stop(&cr->sp);
	for (int i = 0; i < s->nload; i++)
		kill(s->load[i], SIGKILL);
	while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
		;
	if (cr->w.ops->flags & EW_AUTOREAP)
		sigaction(SIGCHLD, &dfl, NULL);
}

/* burst, heavy: the sum over rounds of (last notice - kill) */
static uint64_t burst_span(const struct cellrun *cr)
{
	uint64_t span = 0;

	for (int rd = 0; rd < cr->cell->rounds; rd++) {
		uint64_t trig = 0, lu = 0;

		for (size_t i = 0; i < cr->nkids; i++) {
			const struct child *ch = &cr->kids[i];

			if (ch->round != rd)
				continue;
			trig = ch->t_trigger;
			if (ch->notice >= 0 && cr->log[ch->notice].t_user > lu)
				lu = cr->log[ch->notice].t_user;
		}
		if (lu > trig && trig)
			span += lu - trig;
	}
	return span;
}

/* exits per second: from the first trigger (or start) to the last notice */
static void cell_rate(struct cellrun *cr)
{
	struct ew_cell *c = cr->cell;
	uint64_t last = 0;

	for (size_t i = 0; i < cr->nlog; i++)
		if (cr->log[i].t_user > last)
			last = cr->log[i].t_user;
	if (c->scenario == EW_SC_BURST || c->scenario == EW_SC_HEAVY)
		c->span_ns = burst_span(cr);
	else
		c->span_ns = last > cr->t_start ? last - cr->t_start : cr->t_end - cr->t_start;
	c->exits_per_s = c->span_ns ? c->noticed / (c->span_ns / 1e9) : 0;
}

/* what the watcher and the tracer counted, into the cell */
static void cell_counters(struct cellrun *cr, const struct surroundings *s)
{
	struct ew_cell *c = cr->cell;

	c->watcher_cpu_ns = cr->watcher_cpu;
	c->syscalls = cr->w.syscalls;
	c->add_syscalls = cr->w.add_syscalls;
	c->mech_lost = cr->w.lost_events;
	c->bpf_swept = cr->swept;
	if (!cr->tracer)
		return;
	c->rb_drops = ew_tracer_counter(cr->tracer, EW_C_RB_DROPS) - s->drops0;
	c->map_full = ew_tracer_counter(cr->tracer, EW_C_MAP_FULL) - s->full0;
}

/* churn, stagger: the trigger is the child's own stamp before _exit() */
static void self_triggers(struct cellrun *cr)
{
	int sc = cr->cell->scenario;

	if (sc != EW_SC_CHURN && sc != EW_SC_STAGGER)
		return;
	for (size_t i = cr->nkids > SHM_SLOTS ? cr->nkids - SHM_SLOTS : 0; i < cr->nkids; i++)
		cr->kids[i].t_trigger = cr->shm->stamp[i % SHM_SLOTS];
}

/* the storm with the watcher running; its result with timeouts and interruption as 0 */
static int storm_watched(struct cellrun *cr)
{
	struct ew_cell *c = cr->cell;
	int bursts = c->scenario == EW_SC_BURST || c->scenario == EW_SC_HEAVY;
	int r;

	ew_watcher_start(cr);
	if (cr->tracer)
		ew_tracer_add_watcher(cr->tracer, cr->watcher_tid);
	r = ew_storm(cr);
	if (r == -ETIMEDOUT || r == -EINTR)
		r = 0;
	c->interrupted = !!ew_interrupted;
	ew_watcher_stop(cr);
	/* burst and heavy swept their records round by round */
	ew_records_sweep(cr, bursts ? cr->nkids : 0, 30);
	return r;
}

/* one repetition of a cell into c; its latency samples are appended to acc */
int ew_run_cell(const struct ew_opts *o, struct ew_cell *c, struct ew_tracer *tracer,
		struct ew_shm *shm, int shm_fd, struct ew_samples *acc)
{
	struct surroundings s;
	struct cellrun cr;
	int r;

	memset(&cr, 0, sizeof(cr));
	cr.cell = c;
	cr.opts = o;
	cr.shm = shm;
	cr.tracer = tracer;
	cr.acc = acc;
	if (cell_skipped(c, o))
		return 0;
	r = cellrun_init(&cr, o, c);
	if (r)
		return r > 0 ? 0 : r;
	surround(&cr, &s, shm_fd);
	r = storm_watched(&cr);
	unsurround(&cr, &s);
	c->ops->fini(&cr.w);
	self_triggers(&cr);
	ew_join(&cr);
	if (cr.watcher_err)
		snprintf(c->reason, sizeof(c->reason), "watcher error: %s", strerror(-cr.watcher_err));
	cell_rate(&cr);
	cell_counters(&cr, &s);
	cellrun_free(&cr);
	return r;
}
