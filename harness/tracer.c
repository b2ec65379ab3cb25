// SPDX-License-Identifier: GPL-2.0
/* tracer.c - load and drive bpf/exitwatch.bpf.c */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include "tracer.h"
#include "exitwatch.skel.h"

struct ew_tracer {
	struct exitwatch_bpf *skel;
	struct ring_buffer *rb;
	ew_event_cb cb;
	void *ctx;
	int delivered;
	struct ew_tracer_info info;
	int attached;
	int opt_off[EW_OPT_NR];	/* optional programs detached (ew_tracer_optional) */
};

static const char *const stamp_names[EW_T_NR] = {
	[EW_T_FORK] = "fork", [EW_T_SIGNAL] = "signal", [EW_T_BEGIN] = "begin",
	[EW_T_EXIT] = "exit", [EW_T_MM_START] = "mm_start", [EW_T_MM_END] = "mm_end",
[EW_T_NOTIFY] = "notify", [EW_T_WAKE] = "wake",
	[EW_T_RUN] = "run", [EW_T_REAP] = "reap", [EW_T_FREE] = "free",
};

static const char *const hist_names[EW_H_NR] = {
	[EW_H_EXIT_TO_WAKE] = "exit_to_wake", [EW_H_WAKE_TO_RUN] = "wake_to_run",
	[EW_H_EXIT_TO_RUN] = "exit_to_run", [EW_H_BEGIN_TO_EXIT] = "begin_to_exit",
	[EW_H_SIGNAL_TO_BEGIN] = "signal_to_begin", [EW_H_MM_TEARDOWN] = "mm_teardown",
	[EW_H_EXIT_TO_REAP] = "exit_to_reap",
};

const char *ew_stamp_name(int s)
{
	return s >= 0 && s < EW_T_NR ? stamp_names[s] : "?";
}

const char *ew_hist_name(int id)
{
	return id >= 0 && id < EW_H_NR ? hist_names[id] : "?";
}

static int bpf_debug;

void ew_tracer_set_debug(int on)
{
	bpf_debug = on;
}

static int quiet_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_WARN && bpf_debug)
		return vfprintf(stderr, fmt, ap);
	return 0;
}

/* since 6.16 the tracepoint has a trailing bool group_dead and fires before exit_mm() */
static void detect_layout(struct ew_tracer_info *info)
{
	struct btf *btf = btf__load_vmlinux_btf();
	const struct btf_type *t;
	int id;

	info->exit_tp_before_mm = -1;
	snprintf(info->exit_tp_layout, sizeof(info->exit_tp_layout), "unknown (no vmlinux BTF)");
	if (!btf)
		return;
	id = btf__find_by_name_kind(btf, "btf_trace_sched_process_exit", BTF_KIND_TYPEDEF);
	if (id > 0) {
		t = btf__type_by_id(btf, id);		/* typedef -> ptr -> func_proto */
		t = btf__type_by_id(btf, t->type);
		if (t && btf_is_ptr(t))
			t = btf__type_by_id(btf, t->type);
		if (t && btf_is_func_proto(t)) {
			int after = btf_vlen(t) < 3;

			info->exit_tp_before_mm = !after;
			snprintf(info->exit_tp_layout, sizeof(info->exit_tp_layout), "%s",
				 after ? "sched_process_exit fires after exit_mm() (before 6.16): exit->wake excludes mm teardown"
				       : "sched_process_exit fires before exit_mm() (6.16+, has group_dead): exit->wake includes mm teardown");
		}
	}
	btf__free(btf);
}

/*
 * level 2: everything; 1: without the fentry programs (no ftrace direct
 * calls); 0: also without the mm tracepoints (a kernel without them).
 * no_mm_lock: level 1 without mmap_lock_start_locking (the costly one:
 * it fires on every mmap lock on the machine), keeping exit_mmap.
 */
static struct exitwatch_bpf *load(pid_t target_ppid, int filter, int level, int no_mm_lock, int *err)
{
	struct exitwatch_bpf *s = exitwatch_bpf__open();

	if (!s) {
		*err = -errno;
		return NULL;
	}
	s->rodata->target_ppid = target_ppid;
	s->rodata->filter_watchers = filter;
	if (level < 2) {
		bpf_program__set_autoload(s->progs.ew_notify, false);
		bpf_program__set_autoload(s->progs.ew_reap, false);
	}
	if (level < 1 || no_mm_lock)
		bpf_program__set_autoload(s->progs.ew_mm_lock, false);
	if (level < 1)
		bpf_program__set_autoload(s->progs.ew_exit_mmap, false);
	*err = exitwatch_bpf__load(s);
	if (*err) {
		exitwatch_bpf__destroy(s);
		return NULL;
	}
	return s;
}

static int rb_cb(void *ctx, void *data, size_t size)
{
	struct ew_tracer *t = ctx;

	if (size < sizeof(struct ew_event))
		return 0;
	t->delivered++;
	return t->cb ? t->cb(t->ctx, data) : 0;
}

/* the mm teardown stamps cost a price per exit: optional (see harness/README.md) */
static int mm_stamps = 1;

void ew_tracer_set_mm_stamps(int on)
{
	mm_stamps = on;
}

struct ew_tracer *ew_tracer_open(pid_t target_ppid, int filter_watchers, char *why, size_t len)
{
	struct ew_tracer *t;
	int err = 0, err2 = 0;

	libbpf_set_print(quiet_print);
	if (geteuid() != 0) {
		snprintf(why, len, "not root: running without the BPF tracer (no kernel timeline)");
		return NULL;
	}
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	detect_layout(&t->info);
	t->opt_off[EW_OPT_EXIT_MMAP] = !mm_stamps;
	t->skel = !mm_stamps ? NULL : load(target_ppid, filter_watchers, 2, 0, &err);
	if (t->skel) {
		t->info.stages_loaded = 1;
		t->info.mm_loaded = 1;
		t->info.mm_end_loaded = 1;
	} else {
		t->skel = load(target_ppid, filter_watchers, 1, !mm_stamps, &err2);
		if (!mm_stamps)
			snprintf(t->info.stages_reason, sizeof(t->info.stages_reason),
				 "mm teardown and stage programs not loaded (run --mm-stamps loads them)");
		else
			snprintf(t->info.stages_reason, sizeof(t->info.stages_reason),
			 "fentry on do_notify_parent, release_task refused (%s): notify falls back to tracepoints, no reap stamp",
			 strerror(-err));
		t->info.mm_loaded = t->skel != NULL && mm_stamps;
		t->info.mm_end_loaded = t->skel != NULL;
		if (!t->skel)
			t->skel = load(target_ppid, filter_watchers, 0, 0, &err2);
	}
	if (!t->skel) {
		snprintf(why, len, "BPF unavailable (%s): running without the tracer", strerror(-err2));
		free(t);
		return NULL;
	}
	t->rb = ring_buffer__new(bpf_map__fd(t->skel->maps.events), rb_cb, t, NULL);
	if (!t->rb) {
		snprintf(why, len, "BPF ring buffer unavailable: running without the tracer");
		exitwatch_bpf__destroy(t->skel);
		free(t);
		return NULL;
	}
	ew_dontfork_bpf_maps();
	return t;
}

void ew_tracer_info(struct ew_tracer *t, struct ew_tracer_info *info)
{
	*info = t->info;
}

int ew_tracer_attach(struct ew_tracer *t)
{
	int err;

	if (t->attached)
		return 0;
	err = exitwatch_bpf__attach(t->skel);
	if (!err)
		t->attached = 1;
	/* the optional programs as asked (ew_tracer_optional) */
	for (int w = 0; !err && w < EW_OPT_NR; w++)
		ew_tracer_optional(t, w, !t->opt_off[w]);
	return err;
}

/* the programs of one optional group (at most four) into prog and link; how many */
static int opt_progs(struct ew_tracer *t, int which, struct bpf_program **prog, struct bpf_link ***link)
{
	struct exitwatch_bpf *s = t->skel;

	switch (which) {
	case EW_OPT_EXIT_MMAP:
		prog[0] = s->progs.ew_exit_mmap;
		link[0] = &s->links.ew_exit_mmap;
		return 1;
	case EW_OPT_SYS_ENTER:
		prog[0] = s->progs.ew_sys_enter;
		link[0] = &s->links.ew_sys_enter;
		return 1;
	case EW_OPT_STAGES:
		prog[0] = s->progs.ew_sig_gen;
		link[0] = &s->links.ew_sig_gen;
		prog[1] = s->progs.ew_sig_deliver;
		link[1] = &s->links.ew_sig_deliver;
		prog[2] = s->progs.ew_waking;
		link[2] = &s->links.ew_waking;
		prog[3] = s->progs.ew_switch;
		link[3] = &s->links.ew_switch;
		return 4;
	}
	return 0;
}

int ew_tracer_optional(struct ew_tracer *t, int which, int on)
{
	struct bpf_program *prog[4];
	struct bpf_link **l[4];
	int n = opt_progs(t, which, prog, l);

	if (!n)
		return -EINVAL;
	if (which == EW_OPT_EXIT_MMAP && (!t->info.mm_end_loaded || mm_stamps))
		return t->info.mm_end_loaded ? 0 : -EOPNOTSUPP;	/* --mm-stamps: always on */
	t->opt_off[which] = !on;
	if (!t->attached)
		return 0;
	for (int i = 0; i < n; i++) {
		if (on && !*l[i]) {
			*l[i] = bpf_program__attach(prog[i]);
			if (!*l[i])
				return -errno;
		} else if (!on && *l[i]) {
			bpf_link__destroy(*l[i]);
			*l[i] = NULL;
		}
	}
	return 0;
}

void ew_tracer_detach(struct ew_tracer *t)
{
	if (!t->attached)
		return;
	exitwatch_bpf__detach(t->skel);
	t->attached = 0;
}

int ew_tracer_add_watcher(struct ew_tracer *t, pid_t tid)
{
	__u32 key = tid;
	__u8 one = 1;

	return bpf_map_update_elem(bpf_map__fd(t->skel->maps.watchers), &key, &one, BPF_ANY);
}

void ew_tracer_clear_watchers(struct ew_tracer *t)
{
	int fd = bpf_map__fd(t->skel->maps.watchers);
	__u32 key, next;

	while (bpf_map_get_next_key(fd, NULL, &next) == 0) {
		key = next;
		bpf_map_delete_elem(fd, &key);
	}
}

int ew_tracer_read_hist(struct ew_tracer *t, int id, struct ew_hist *out)
{
	__u32 key = id;

	return bpf_map_lookup_elem(bpf_map__fd(t->skel->maps.hists), &key, out);
}

uint64_t ew_tracer_counter(struct ew_tracer *t, int which)
{
	int ncpu = libbpf_num_possible_cpus();
	__u32 key = which;
	uint64_t sum = 0;

	if (ncpu <= 0)
		return 0;
	{
		__u64 vals[ncpu];

		if (bpf_map_lookup_elem(bpf_map__fd(t->skel->maps.counters), &key, vals))
			return 0;
		for (int i = 0; i < ncpu; i++)
			sum += vals[i];
	}
	return sum;
}

int ew_tracer_poll(struct ew_tracer *t, int timeout_ms, ew_event_cb cb, void *ctx)
{
	int r;

	t->cb = cb;
	t->ctx = ctx;
	t->delivered = 0;
	r = timeout_ms > 0 ? ring_buffer__poll(t->rb, timeout_ms) : ring_buffer__consume(t->rb);
	if (r < 0 && r != -EINTR)
		return r;
	return t->delivered;
}

int ew_tracer_take(struct ew_tracer *t, pid_t tgid, struct ew_event *out)
{
	__u32 key = tgid;
	int fd = bpf_map__fd(t->skel->maps.tasks);

	if (bpf_map_lookup_elem(fd, &key, out))
		return -ENOENT;
	bpf_map_delete_elem(fd, &key);
	return 0;
}

void ew_tracer_close(struct ew_tracer *t)
{
	if (!t)
		return;
	ring_buffer__free(t->rb);
	exitwatch_bpf__destroy(t->skel);
	free(t);
}
