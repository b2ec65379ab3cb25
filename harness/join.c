// SPDX-License-Identifier: GPL-2.0
/*
 * join.c - a cell's samples: each notice (user stamp) and each BPF record
 * (kernel stamps) matched to the storm child it belongs to, then per child
 * the detection counts (missed, false, duplicate, exit status) and the
 * latency samples of its timeline (timeline.c), summarised into the cell.
 */
#include <stdlib.h>
#include "cellrun.h"
#include "sweep.h"
#include "cellstats.h"

#define HBITS 16
#define HMASK ((1u << HBITS) - 1)

/* what one repetition's children add up to, before the cell's summary */
struct joined {
	struct ew_samples lat[EW_L_NR];
	long double stage_sum[EW_S_NR], e2u_sum;
};

/* children by pid: head[hash] and the kids' next chain */
static int *index_children(struct cellrun *cr)
{
	int *head = malloc(sizeof(int) << HBITS);

	if (!head)
		return NULL;
	for (size_t i = 0; i < (1u << HBITS); i++)
		head[i] = -1;
	for (size_t i = 0; i < cr->nkids; i++) {
		uint32_t h = hash32(cr->kids[i].pid) & HMASK;

		cr->kids[i].next = head[h];
		head[h] = (int)i;
	}
	return head;
}

/* notices -> children: the newest child with that pid forked before the notice */
static void match_notices(struct cellrun *cr, const int *head)
{
	struct ew_cell *c = cr->cell;

	for (size_t i = 0; i < cr->nlog; i++) {
		const struct ew_notice *n = &cr->log[i];
		int best = -1;

		for (int k = head[hash32(n->pid) & HMASK]; k >= 0; k = cr->kids[k].next) {
			struct child *ch = &cr->kids[k];

			if (ch->pid != n->pid || ch->t_fork0 > n->t_user)
				continue;
			if (best < 0 || ch->t_fork0 > cr->kids[best].t_fork0)
				best = k;
		}
		if (best < 0) {
			if (!(cr->w.ops->flags & EW_SYSTEM_WIDE))
				c->false_notices++;
			continue;
		}
		if (cr->kids[best].notice >= 0) {
			c->duplicates++;
			continue;
		}
		cr->kids[best].notice = (int)i;
	}
}

/* BPF records -> children: same pid, forked within the child's clone3 */
static void match_records(struct cellrun *cr, const int *head)
{
	for (size_t i = 0; i < cr->nevs; i++) {
		const struct ew_event *ev = &cr->evs[i];
		__u64 fork = ev->t[EW_T_FORK];

		for (int k = head[hash32(ev->tgid) & HMASK]; k >= 0; k = cr->kids[k].next) {
			struct child *ch = &cr->kids[k];

			if (ch->pid != (pid_t)ev->tgid || ch->event >= 0)
				continue;
			if (fork && (fork < ch->t_fork0 || fork > ch->t_fork1))
				continue;
			ch->event = (int)i;
			break;
		}
	}
}

/* EXITWATCH_DEBUG: the records of this pid that did not match the child */
static void debug_no_record(const struct cellrun *cr, const struct child *ch, size_t i)
{
	fprintf(stderr, "debug: no record for pid %d round %d (child %zu of %zu)\n",
		ch->pid, ch->round, i, cr->nkids);
	for (size_t e = 0; e < cr->nevs; e++)
		if (cr->evs[e].tgid == (__u32)ch->pid)
			fprintf(stderr, "debug:   event tgid %u fork %llu vs [%llu,%llu] exit %llu\n",
				cr->evs[e].tgid, (unsigned long long)cr->evs[e].t[EW_T_FORK],
				(unsigned long long)ch->t_fork0, (unsigned long long)ch->t_fork1,
				(unsigned long long)cr->evs[e].t[EW_T_EXIT]);
}

/* the intervals that need both the record and the watcher's stamp */
static void user_samples(struct cellrun *cr, const struct ew_event *ev, uint64_t t_user,
			 struct joined *j)
{
	int polls = !!(cr->w.ops->flags & EW_POLLS);
	uint64_t st[EW_S_NR];

	if (ev->t[EW_T_EXIT]) {
		ew_samples_add(&j->lat[EW_L_EXIT_TO_USER], t_user - ev->t[EW_T_EXIT]);
		ew_user_stages(ev, polls, t_user, st);
		for (int s = 0; s < EW_S_NR; s++)
			j->stage_sum[s] += st[s];
		j->e2u_sum += t_user - ev->t[EW_T_EXIT];
		cr->cell->stage_count++;
	}
	if (ew_timeline_samples(ev, polls, j->lat)) {
		cr->cell->woken++;
		if (ev->t[EW_T_RUN] >= ev->t[EW_T_WAKE] && t_user >= ev->t[EW_T_RUN])
			ew_samples_add(&j->lat[EW_L_RUN_TO_USER], t_user - ev->t[EW_T_RUN]);
	}
}

const char *const ew_place_names[EW_PLACE_NR] = {
	[EW_PLACE_KILLER_CHILD] = "watcher apart, child with the killer",
	[EW_PLACE_WATCHER_KILLER] = "watcher with the killer, child apart",
	[EW_PLACE_WATCHER_CHILD] = "watcher with the child, killer apart",
	[EW_PLACE_ONE_CPU] = "all three on one CPU",
	[EW_PLACE_APART] = "three CPUs",
};

int ew_place_of(int watcher, int killer, int child)
{
	if (watcher < 0 || killer < 0 || child < 0)
		return -1;
	if (watcher == killer && killer == child)
		return EW_PLACE_ONE_CPU;
	if (killer == child)
		return EW_PLACE_KILLER_CHILD;
	if (watcher == killer)
		return EW_PLACE_WATCHER_KILLER;
	if (watcher == child)
		return EW_PLACE_WATCHER_CHILD;
	return EW_PLACE_APART;
}

/* trigger->user of kids[i], also by placement where the cell asks for that (neutral.c) */
static void placed(struct cellrun *cr, size_t i, const struct child *ch, const struct ew_notice *n,
		   struct joined *j)
{
	uint64_t ns = n->t_user - ch->t_trigger;
	int p;

	ew_samples_add(&j->lat[EW_L_TRIGGER_TO_USER], ns);
	if (!cr->cell->placement)
		return;
	p = ew_place_of(n->cpu1 - 1, ch->kill_cpu1 - 1, cr->shm->cpu1[i % SHM_SLOTS] - 1);
	if (p >= 0)
		ew_samples_add(&cr->cell->placement[p], ns);
}

/* one child: its counts, and its samples into j */
static void account(struct cellrun *cr, size_t i, struct joined *j)
{
	struct ew_cell *c = cr->cell;
	struct child *ch = &cr->kids[i];
	const struct ew_notice *n = ch->notice >= 0 ? &cr->log[ch->notice] : NULL;
	const struct ew_event *ev = ch->event >= 0 ? &cr->evs[ch->event] : NULL;

	c->exits++;
	if (cr->tracer) {
		if (ev)
			c->bpf_records++;
		else
			c->bpf_missing++;
		if (!ev && cr->opts->debug)
			debug_no_record(cr, ch, i);
	}
	if (!n) {
		c->missed++;
		return;
	}
	c->noticed++;
	c->statuses_expected++;
	if (n->has_status && n->status == ch->expect_status)
		c->statuses_recovered++;
	if (ch->t_trigger && n->t_user >= ch->t_trigger)
		placed(cr, i, ch, n, j);
	if (!ev)
		return;
	if (ev->t[EW_T_EXIT] && n->t_user < ev->t[EW_T_EXIT]) {
		/* declared dead before it died */
		c->false_notices++;
		return;
	}
	user_samples(cr, ev, n->t_user, j);
	if (c->scenario == EW_SC_HEAVY)
		ew_freed_samples(ev, ch->t_trigger, ch->t_mrelease, j->lat);
}

/* the repetition's summaries; its samples are kept in cr->acc for the cell's */
static void summarize(struct cellrun *cr, struct joined *j)
{
	struct ew_cell *c = cr->cell;

	ew_cell_latencies(c, j->lat);
	for (int l = 0; l < EW_L_NR; l++) {
		for (size_t k = 0; cr->acc && k < j->lat[l].n; k++)
			ew_samples_add(&cr->acc[l], j->lat[l].v[k]);
		ew_samples_free(&j->lat[l]);
	}
	if (c->stage_count) {
		for (int s = 0; s < EW_S_NR; s++)
			c->stage_mean_ns[s] = (double)(j->stage_sum[s] / c->stage_count);
		c->stage_exit_to_user_mean_ns = (double)(j->e2u_sum / c->stage_count);
	}
}

void ew_join(struct cellrun *cr)
{
	int *head = index_children(cr);
	struct joined j;

	if (!head)
		return;
	memset(&j, 0, sizeof(j));
	match_notices(cr, head);
	match_records(cr, head);
	for (size_t i = 0; i < cr->nkids; i++)
		account(cr, i, &j);
	summarize(cr, &j);
	free(head);
}
