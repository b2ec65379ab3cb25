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

static void parse_line(struct ew_ref *r, char *line)
{
	struct ew_samples *s = NULL;
	char *tok, *save = NULL;

	tok = strtok_r(line, " \n", &save);
	if (tok && !strcmp(tok, "pidfd-epoll"))
		s = &r->epoll;
	else if (tok && !strcmp(tok, "waitid"))
		s = &r->waitid;
	while (s && (tok = strtok_r(NULL, " \n", &save))) {
		long long v = atoll(tok);

		if (v > 0)
			ew_samples_add(s, (uint64_t)v);
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

void ew_ref_json(struct ew_json *j, struct ew_ref *r)
{
	int ok = r->slices && r->epoll.n && r->waitid.n;
	char how[320];

	ew_json_obj(j, "reference");
	ew_json_bool(j, "measured", ok);
	ew_json_str(j, "reason", ok ? "" : r->why[0] ? r->why : "not run (--no-ref)");
	snprintf(how, sizeof(how), "build/ew-ref: a static program with no BPF and no exitwatch code forks "
		 "a child that pauses, SIGKILLs it and times kill -> epoll_wait on its pidfd, and kill -> "
		 "blocking waitid(P_PID), alternately; %s", r->in_neutrality ?
		 "one slice after every round of the neutrality pass's burst N=1 blocks" :
		 "one slice before every cell");
	ew_json_str(j, "how", how);
	ew_json_str(j, "where", r->in_neutrality ? "neutrality" : "cells");
	ew_json_u64(j, "slices", r->slices);
	ew_json_u64(j, "samples_per_slice", r->per_slice);
	if (ok) {
		summary(j, "pidfd_epoll_trigger_to_user_ns", &r->epoll);
		summary(j, "waitid_trigger_to_user_ns", &r->waitid);
	}
	ew_json_end_obj(j);
}

static void target(struct ew_json *j, const char *name, const char *mech, uint64_t mine, uint64_t ref,
		   int in_neutrality)
{
	char text[160], note[320];
	double ratio = mine && ref ? (double)mine / (double)ref : NAN;

	snprintf(text, sizeof(text), "%s trigger->user p50 at burst N=1 within 1.1x of the reference's", mech);
	if (mine && ref)
		snprintf(note, sizeof(note), "exitwatch %.1f us vs ew-ref %.1f us (p50, same run, interleaved%s)",
			 mine / 1e3, ref / 1e3, in_neutrality ?
			 " round by round with the neutrality pass; exitwatch's figure from its B blocks" : "");
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
	ew_json_end_obj(j);
}

void ew_ref_targets(struct ew_json *j, struct ew_ref *r, uint64_t pidfd_epoll_p50, uint64_t waitid_p50)
{
	struct ew_summary e = ew_summarize(&r->epoll), w = ew_summarize(&r->waitid);

	target(j, "reference_pidfd_epoll", "pidfd-epoll", pidfd_epoll_p50, e.p50, r->in_neutrality);
	target(j, "reference_waitid", "waitid", waitid_p50, w.p50, r->in_neutrality);
}

void ew_ref_free(struct ew_ref *r)
{
	ew_samples_free(&r->epoll);
	ew_samples_free(&r->waitid);
}
