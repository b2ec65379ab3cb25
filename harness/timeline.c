// SPDX-License-Identifier: GPL-2.0
/*
 * timeline.c - the arithmetic of one exit's timeline: the intervals between
 * the BPF stamps of a record (struct ew_event, tracer.h), and the split of
 * exit->user into stages.  One copy, used by `exitwatch run` (join.c, with
 * the watcher's own stamp) and by `exitwatch trace` (trace.c, kernel only).
 */
#include <string.h>
#include "run.h"

/* b - a into s when both stamps exist and are in order */
static void interval(struct ew_samples *s, uint64_t a, uint64_t b)
{
	if (a && b && b >= a)
		ew_samples_add(s, b - a);
}

int ew_timeline_samples(const struct ew_event *ev, int polls, struct ew_samples lat[EW_L_NR])
{
	const __u64 *t = ev->t;
	int woken = !polls && t[EW_T_EXIT] && t[EW_T_WAKE] && t[EW_T_WAKE] >= t[EW_T_EXIT];

	if (woken) {
		ew_samples_add(&lat[EW_L_EXIT_TO_WAKE], t[EW_T_WAKE] - t[EW_T_EXIT]);
		if (t[EW_T_RUN] >= t[EW_T_WAKE])
			ew_samples_add(&lat[EW_L_WAKE_TO_RUN], t[EW_T_RUN] - t[EW_T_WAKE]);
	}
	interval(&lat[EW_L_SIGNAL_TO_BEGIN], t[EW_T_SIGNAL], t[EW_T_BEGIN]);
	interval(&lat[EW_L_BEGIN_TO_EXIT], t[EW_T_BEGIN], t[EW_T_EXIT]);
	interval(&lat[EW_L_MM_TEARDOWN], t[EW_T_MM_START], t[EW_T_MM_END]);
	interval(&lat[EW_L_EXIT_TO_REAP], t[EW_T_EXIT], t[EW_T_REAP]);
	return woken;
}

void ew_stage_split(const struct ew_event *ev, uint64_t t_user, uint64_t out[EW_S_NR])
{
	static const int ends[EW_S_NR - 1] = {
		EW_T_MM_START, EW_T_MM_END, EW_T_NOTIFY, EW_T_WAKE, EW_T_RUN,
	};
	uint64_t prev = ev->t[EW_T_EXIT];

	memset(out, 0, sizeof(uint64_t) * EW_S_NR);
	/* a stage whose end stamp is missing or out of order folds into the next */
	for (int s = 0; s < EW_S_NR - 1; s++) {
		uint64_t b = ev->t[ends[s]];

		if (b && b >= prev && b <= t_user) {
			out[s] = b - prev;
			prev = b;
		}
	}
	out[EW_S_RUN_TO_USER] = t_user - prev;
}

void ew_user_stages(const struct ew_event *ev, int polls, uint64_t t_user, uint64_t out[EW_S_NR])
{
	struct ew_event split = *ev;

	/*
	 * a poller is woken by its timer, which may fire in an interrupt
	 * while the exiting child is current: no wake
	 */
	if (polls) {
		if (split.t[EW_T_NOTIFY] == split.t[EW_T_WAKE])
			split.t[EW_T_NOTIFY] = 0;
		split.t[EW_T_WAKE] = split.t[EW_T_RUN] = 0;
	}
	ew_stage_split(&split, t_user, out);
}
