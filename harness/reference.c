// SPDX-License-Identifier: GPL-2.0
/* reference.c - drive build/ew-ref (helpers/ew-ref.c) and report it */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "reference.h"
#include "spawner.h"

/* a line of ew-ref: the way, then NS@W,K,C per sample (the CPUs of watcher, killer, child) */
static void parse_line(struct ew_ref *r, char *line)
{
	struct ew_samples *s = NULL, *place = NULL;
	char *tok, *save = NULL;

	tok = strtok_r(line, " \n", &save);
	if (tok && !strcmp(tok, "pidfd-epoll")) {
		s = &r->epoll;
		place = r->epoll_place;
	} else if (tok && !strcmp(tok, "waitid")) {
		s = &r->waitid;
		place = r->waitid_place;
	}
	while (s && (tok = strtok_r(NULL, " \n", &save))) {
		int w, k, c, p = -1;
		char *at;
		long long v = strtoll(tok, &at, 10);

		if (v <= 0)
			continue;
		ew_samples_add(s, (uint64_t)v);
		if (sscanf(at, "@%d,%d,%d", &w, &k, &c) == 3)
			p = ew_place_of(w, k, c);
		if (p >= 0)
			ew_samples_add(&place[p], (uint64_t)v);
	}
}

void ew_ref_slice(struct ew_ref *r, int k, const char *helper)
{
	char path[PATH_MAX], cmd[PATH_MAX + 32], line[32768];
	FILE *p;

	ew_helper_path("ew-ref", helper, path, sizeof(path));
	if (access(path, X_OK)) {
		snprintf(r->why, sizeof(r->why), "%s: %s", path, strerror(errno));
		return;
	}
	snprintf(cmd, sizeof(cmd), "'%s' %d", path, k);
	p = popen(cmd, "re");
	if (!p) {
		snprintf(r->why, sizeof(r->why), "popen %s: %s", path, strerror(errno));
		return;
	}
	while (fgets(line, sizeof(line), p))
		parse_line(r, line);
	if (pclose(p) == 0) {
		r->slices++;
		r->per_slice = k;
	}
}

static void summary(struct ew_json *j, const char *key, struct ew_samples *s)
{
	struct ew_summary m = ew_summarize(s);

	ew_json_obj(j, key);
	ew_json_u64(j, "count", m.count);
	ew_json_u64(j, "min", m.min);
	ew_json_u64(j, "p50", m.p50);
	ew_json_u64(j, "p90", m.p90);
	ew_json_u64(j, "p99", m.p99);
	ew_json_u64(j, "p99_9", m.p999);
	ew_json_u64(j, "max", m.max);
	ew_json_dbl(j, "mean", m.mean);
	ew_json_end_obj(j);
}

/* the samples of each placement (key: an array, in enum ew_place order) */
static void placements(struct ew_json *j, const char *key, struct ew_samples *place)
{
	ew_json_arr(j, key);
	for (int p = 0; p < EW_PLACE_NR; p++) {
		struct ew_summary m = ew_summarize(&place[p]);

		ew_json_obj(j, NULL);
		ew_json_str(j, "placement", ew_place_names[p]);
		ew_json_u64(j, "count", m.count);
		ew_json_u64(j, "p50_ns", m.p50);
		ew_json_end_obj(j);
	}
	ew_json_end_arr(j);
}

void ew_ref_json(struct ew_json *j, struct ew_ref *r)
{
	int ok = r->slices && r->epoll.n && r->waitid.n;
	char how[640];

	ew_json_obj(j, "reference");
	ew_json_bool(j, "measured", ok);
	ew_json_str(j, "reason", ok ? "" : r->why[0] ? r->why : "not run (--no-ref)");
	snprintf(how, sizeof(how), "build/ew-ref: a static program with no BPF and no exitwatch code, in the "
		 "shape of exitwatch's burst N=1 rounds: its killer thread has a small spawner process fork a "
		 "child (CLONE_PARENT) that pauses, SIGKILLs it once it is ready, and its watcher thread, already "
		 "blocked, times kill -> epoll_wait on the child's pidfd, and kill -> blocking waitid(P_PID), "
		 "alternately; each sample with the CPUs of watcher, killer and child; %s", r->in_neutrality ?
		 "one slice after every round of the neutrality pass's burst N=1 blocks" :
		 "one slice before every cell");
	ew_json_str(j, "how", how);
	ew_json_str(j, "where", r->in_neutrality ? "neutrality" : "cells");
	ew_json_u64(j, "slices", r->slices);
	ew_json_u64(j, "samples_per_slice", r->per_slice);
	if (ok) {
		summary(j, "pidfd_epoll_trigger_to_user_ns", &r->epoll);
		summary(j, "waitid_trigger_to_user_ns", &r->waitid);
		placements(j, "pidfd_epoll_placements", r->epoll_place);
		placements(j, "waitid_placements", r->waitid_place);
	}
	ew_json_end_obj(j);
}

/*
 * mine / the reference: within placements (each placement both had,
 * weighted by its share of both sides' samples, as the neutrality pass
 * does) where those cover at least 80 % of the samples, else pooled
 */
static void target(struct ew_json *j, const char *name, const char *mech, struct ew_ref_mine mine,
		   struct ew_samples *ref, struct ew_samples *ref_place, int in_neutrality)
{
	struct ew_summary all = ew_summarize(ref), place[EW_PLACE_NR];
	double pooled = mine.p50 && all.p50 ? (double)mine.p50 / (double)all.p50 : NAN;
	double placed = NAN, share = 0, ratio;
	char text[160], note[512];

	if (mine.placed) {
		for (int p = 0; p < EW_PLACE_NR; p++)
			place[p] = ew_summarize(&ref_place[p]);
		placed = ew_stratified_p50_ratio(mine.placed, place, EW_PLACE_NR, &share);
	}
	ratio = ew_judged_ratio(placed, share, pooled);
	snprintf(text, sizeof(text), "%s trigger->user p50 at burst N=1 within 1.1x of the reference's", mech);
	if (!isnan(pooled) && !isnan(placed))
		snprintf(note, sizeof(note), "exitwatch %.1f us vs ew-ref %.1f us (p50, same run, interleaved%s): "
			 "%.2f pooled, %.2f within placements of watcher, killer and child (%.0f %% of the samples); "
			 "the target takes the latter where it covers >= 80 %%", mine.p50 / 1e3, all.p50 / 1e3,
			 in_neutrality ? " round by round with the neutrality pass; exitwatch's figures from its B blocks"
				       : "", pooled, placed, 100 * share);
	else if (!isnan(pooled))
		snprintf(note, sizeof(note), "exitwatch %.1f us vs ew-ref %.1f us (p50, same run, interleaved; "
			 "pooled: no placements to compare)", mine.p50 / 1e3, all.p50 / 1e3);
	else
		snprintf(note, sizeof(note), "needs burst N=1 %s and the reference", mech);
	ew_json_obj(j, NULL);
	ew_json_str(j, "name", name);
	ew_json_str(j, "target", text);
	ew_json_dbl(j, "measured", ratio);
	ew_json_str(j, "unit", "ratio of p50s");
	if (isnan(ratio))
		ew_json_null(j, "met");
	else
		ew_json_bool(j, "met", ratio <= 1.1);
	ew_json_str(j, "note", note);
	ew_json_dbl(j, "pooled_ratio", pooled);
	ew_json_dbl(j, "placed_ratio", placed);
	ew_json_dbl(j, "placed_share", share);
	ew_json_end_obj(j);
}

void ew_ref_targets(struct ew_json *j, struct ew_ref *r, struct ew_ref_mine epoll, struct ew_ref_mine waitid)
{
	target(j, "reference_pidfd_epoll", "pidfd-epoll", epoll, &r->epoll, r->epoll_place, r->in_neutrality);
	target(j, "reference_waitid", "waitid", waitid, &r->waitid, r->waitid_place, r->in_neutrality);
}

void ew_ref_free(struct ew_ref *r)
{
	ew_samples_free(&r->epoll);
	ew_samples_free(&r->waitid);
	for (int p = 0; p < EW_PLACE_NR; p++) {
		ew_samples_free(&r->epoll_place[p]);
		ew_samples_free(&r->waitid_place[p]);
	}
}
