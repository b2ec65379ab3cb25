// SPDX-License-Identifier: GPL-2.0
/*
 * exitwatch.bpf.c - the exit timeline of a thread group, as seen by the
 * kernel:  SIGKILL generated -> exit begins -> sched_process_exit of the last
 * thread -> exit_mm()/exit_mmap() -> do_notify_parent() -> the first
 * wake-up of a watcher from the exiting task -> the watcher on CPU -> reap.
 *
 * Every program on the required path is tp_btf (BTF-typed raw tracepoints
 * that exist with the same leading arguments on 6.1 and 6.18) so the object
 * loads unchanged on both.  mm teardown is bounded by tracepoints too: the
 * first mmap_lock_start_locking of the exiting task (exit_mm() takes the
 * lock first; the tracepoint's later arguments differ between 6.1 and 6.18,
 * only the leading mm is declared) and the exit_mmap tracepoint at the end of
 * exit_mmap() (6.1+).  Two fentry programs are optional (do_notify_parent,
 * release_task: global, not inlined on 6.1 or 6.18), because fentry needs
 * ftrace direct calls in the kernel config: user space drops them if the
 * kernel refuses them, and the notify point then falls back to the exit
 * signal's signal_generate or the first watcher wake, whichever is first.
 *
 * Placement of sched_process_exit: since 6.16 it fires before exit_mm(), so
 * exit->wake includes mm teardown; on 6.1 it fires after exit_mm().  User
 * space reads the tracepoint's prototype from BTF to know which.
 *
 * Histograms are aggregated here (log2 ns); one record per exiting group is
 * streamed at sched_process_free of its leader through a ring buffer, with a
 * counted drop figure.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "exitwatch.h"

#define PF_EXITING_FLAG 0x00000004
#define SIGKILL_NR 9
#define NR_EXIT_X86 60
#define NR_EXIT_GROUP_X86 231

/* run mode: track only children of this tgid (0: every exit, trace mode) */
const volatile __u32 target_ppid = 0;
/* run mode: only tids in `watchers` count as watchers (0: any other task) */
const volatile __u32 filter_watchers = 0;

/*
 * entries in `pending`: sched_switch fires about ten times per exit on the
 * whole machine and looks at `pending` only while a woken watcher has not
 * yet run; a hash lookup that misses costs as much as the rest of the
 * program, on the path the tool measures (harness/README.md, issue 17)
 */
__u32 npending = 0;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, struct ew_event);
} tasks SEC(".maps");

/* watcher tid -> tgid whose exit woke it and which it has not yet run for */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, __u32);
} pending SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u8);
} watchers SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, EW_H_NR);
	__type(key, __u32);
	__type(value, struct ew_hist);
} hists SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, EW_C_NR);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 16 << 20);
} events SEC(".maps");

static __always_inline void count(__u32 which)
{
	__u64 *c = bpf_map_lookup_elem(&counters, &which);

	if (c)
		*c += 1;
}

static __always_inline __u64 log2_u64(__u64 v)
{
	__u64 r = 0, shift;

	shift = (v > 0xFFFFFFFFULL) << 5; v >>= shift; r |= shift;
	shift = (v > 0xFFFF) << 4; v >>= shift; r |= shift;
	shift = (v > 0xFF) << 3; v >>= shift; r |= shift;
	shift = (v > 0xF) << 2; v >>= shift; r |= shift;
	shift = (v > 0x3) << 1; v >>= shift; r |= shift;
	r |= (v >> 1);
	return r;
}

static __always_inline void hist_add(__u32 id, __u64 from, __u64 to)
{
	struct ew_hist *h;
	__u64 slot;

	/*
	 * only `exitwatch trace` reads the histograms; run mode computes
	 * every figure from the streamed records, so it skips the shared
	 * atomics on the path it measures (the verifier drops this code)
	 */
	if (target_ppid || !from || to < from)
		return;
	h = bpf_map_lookup_elem(&hists, &id);
	if (!h)
		return;
	slot = log2_u64(to - from);
	/*
	 * The 6.1 verifier lost this bound when clang clamped a zero-extended
	 * copy of a 32-bit slot and indexed with the original ("R3 unbounded
	 * memory access"): a 64-bit slot, clamped, and pinned in its register.
	 */
	if (slot >= EW_HIST_SLOTS)
		slot = EW_HIST_SLOTS - 1;
	barrier_var(slot);
	__sync_fetch_and_add(&h->slots[slot], 1);
	__sync_fetch_and_add(&h->count, 1);
	__sync_fetch_and_add(&h->sum_ns, to - from);
}

/* the record of a group; in trace mode (no target) create it on demand */
static __always_inline struct ew_event *task_rec(__u32 tgid, int create)
{
	struct ew_event *ev = bpf_map_lookup_elem(&tasks, &tgid);
	struct ew_event zero = {};

	if (ev || !create || target_ppid)
		return ev;
	zero.tgid = tgid;
	/* may lose a race with another CPU inserting it: look up again */
	bpf_map_update_elem(&tasks, &tgid, &zero, BPF_NOEXIST);
	ev = bpf_map_lookup_elem(&tasks, &tgid);
	if (!ev)
		count(EW_C_MAP_FULL);
	return ev;
}

static __always_inline void stamp_once(struct ew_event *ev, int which, __u64 now)
{
	if (which >= 0 && which < EW_T_NR && !ev->t[which])
		ev->t[which] = now;
}

/* the record of the exiting group current belongs to */
static __always_inline struct ew_event *exiting_rec(void)
{
	struct task_struct *cur = bpf_get_current_task_btf();
	__u32 tgid = cur->tgid;

	if (!(cur->flags & PF_EXITING_FLAG))
		return 0;
	return bpf_map_lookup_elem(&tasks, &tgid);
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(ew_fork, struct task_struct *parent, struct task_struct *child)
{
	struct ew_event ev = {};
	__u32 tgid, ppid;

	/*
	 * the child's real parent, not the forking task: exitwatch's spawner
	 * forks its children with CLONE_PARENT (harness/spawner.h)
	 */
	ppid = BPF_CORE_READ(child, real_parent, tgid);
	if (!target_ppid || ppid != target_ppid || child->pid != child->tgid)
		return 0;
	tgid = child->tgid;
	ev.tgid = tgid;
	ev.ppid = ppid;
	ev.start_ns = child->start_time;
	ev.t[EW_T_FORK] = bpf_ktime_get_ns();
	if (bpf_map_update_elem(&tasks, &tgid, &ev, BPF_ANY))
		count(EW_C_MAP_FULL);
	return 0;
}

SEC("tp_btf/signal_generate")
int BPF_PROG(ew_sig_gen, int sig, struct kernel_siginfo *info, struct task_struct *task,
	     int group, int result)
{
	struct task_struct *cur;
	struct ew_event *ev;

	if (sig == SIGKILL_NR) {
		if (result != 0)
			return 0;
		ev = task_rec(task->tgid, 1);
		if (ev)
			stamp_once(ev, EW_T_SIGNAL, bpf_ktime_get_ns());
		return 0;
	}
	/* the exit signal to the parent, from do_notify_parent() */
	cur = bpf_get_current_task_btf();
	if (!(cur->flags & PF_EXITING_FLAG) || sig != cur->exit_signal)
		return 0;
	ev = exiting_rec();
	if (ev && ev->t[EW_T_EXIT])
		stamp_once(ev, EW_T_NOTIFY, bpf_ktime_get_ns());
	return 0;
}

SEC("tp_btf/signal_deliver")
int BPF_PROG(ew_sig_deliver, int sig)
{
	struct task_struct *cur = bpf_get_current_task_btf();
	struct ew_event *ev;

	if (sig != SIGKILL_NR)
		return 0;
	ev = task_rec(cur->tgid, 1);
	if (ev)
		stamp_once(ev, EW_T_BEGIN, bpf_ktime_get_ns());
	return 0;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(ew_sys_enter, struct pt_regs *regs, long id)
{
	struct task_struct *cur;
	struct ew_event *ev;

	if (id != NR_EXIT_GROUP_X86 && id != NR_EXIT_X86)
		return 0;
	cur = bpf_get_current_task_btf();
	/* exit(2) of one thread among several is not a group exit */
	if (id == NR_EXIT_X86 && BPF_CORE_READ(cur, signal, nr_threads) != 1)
		return 0;
	ev = task_rec(cur->tgid, 1);
	if (ev)
		stamp_once(ev, EW_T_BEGIN, bpf_ktime_get_ns());
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(ew_exit, struct task_struct *p)
{
	int group_dead = BPF_CORE_READ(p, signal, live.counter) == 0;
	struct ew_event *ev = task_rec(p->tgid, group_dead);
	__u64 now = bpf_ktime_get_ns();

	if (!ev)
		return 0;
	ev->threads_exited++;
	if (group_dead && !ev->t[EW_T_EXIT]) {
		ev->t[EW_T_EXIT] = now;
		if (!ev->start_ns)
			ev->start_ns = BPF_CORE_READ(p, group_leader, start_time);
		if (!ev->ppid)
			ev->ppid = BPF_CORE_READ(p, real_parent, tgid);
		bpf_probe_read_kernel_str(ev->comm, sizeof(ev->comm), p->comm);
		hist_add(EW_H_BEGIN_TO_EXIT, ev->t[EW_T_BEGIN], now);
		hist_add(EW_H_SIGNAL_TO_BEGIN, ev->t[EW_T_SIGNAL], ev->t[EW_T_BEGIN]);
	}
	return 0;
}

SEC("tp_btf/sched_waking")
int BPF_PROG(ew_waking, struct task_struct *p)
{
	struct task_struct *cur = bpf_get_current_task_btf();
	__u32 tgid = cur->tgid, tid = p->pid;
	struct ew_event *ev;
	__u64 now;

	if (!(cur->flags & PF_EXITING_FLAG) || p->tgid == tgid)
		return 0;
	if (filter_watchers && !bpf_map_lookup_elem(&watchers, &tid))
		return 0;
	ev = bpf_map_lookup_elem(&tasks, &tgid);
	/* only wake-ups after the group is dead announce its death */
	if (!ev || !ev->t[EW_T_EXIT])
		return 0;
	ev->watcher_wakes++;
	if (ev->t[EW_T_WAKE])
		return 0;
	now = bpf_ktime_get_ns();
	stamp_once(ev, EW_T_NOTIFY, now);
	ev->t[EW_T_WAKE] = now;
	ev->waker_tid = cur->pid;
	ev->watcher_tid = tid;
	hist_add(EW_H_EXIT_TO_WAKE, ev->t[EW_T_EXIT], now);
	if (!bpf_map_update_elem(&pending, &tid, &tgid, BPF_NOEXIST))
		__sync_fetch_and_add(&npending, 1);
	else
		bpf_map_update_elem(&pending, &tid, &tgid, BPF_ANY);
	return 0;
}

SEC("tp_btf/sched_switch")
int BPF_PROG(ew_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	__u32 tid = next->pid, *tgid;
	struct ew_event *ev;
	__u64 now;

	if (!npending)
		return 0;
	tgid = bpf_map_lookup_elem(&pending, &tid);
	if (!tgid)
		return 0;
	ev = bpf_map_lookup_elem(&tasks, tgid);
	if (ev && !ev->t[EW_T_RUN]) {
		now = bpf_ktime_get_ns();
		ev->t[EW_T_RUN] = now;
		hist_add(EW_H_WAKE_TO_RUN, ev->t[EW_T_WAKE], now);
		hist_add(EW_H_EXIT_TO_RUN, ev->t[EW_T_EXIT], now);
	}
	if (!bpf_map_delete_elem(&pending, &tid))
		__sync_fetch_and_add(&npending, -1);
	return 0;
}

/* ---- mm teardown: exit_mm() takes mmap_lock first; exit_mmap tp at its end ---- */

SEC("tp_btf/mmap_lock_start_locking")
int BPF_PROG(ew_mm_lock, struct mm_struct *mm)
{
	struct ew_event *ev = exiting_rec();

	if (ev)
		stamp_once(ev, EW_T_MM_START, bpf_ktime_get_ns());
	return 0;
}

SEC("tp_btf/exit_mmap")
int BPF_PROG(ew_exit_mmap, struct mm_struct *mm)
{
	struct ew_event *ev = exiting_rec();
	__u64 now = bpf_ktime_get_ns();

	if (ev && !ev->t[EW_T_MM_END]) {
		ev->t[EW_T_MM_END] = now;
		hist_add(EW_H_MM_TEARDOWN, ev->t[EW_T_MM_START], now);
	}
	return 0;
}

/* ---- optional (fentry needs ftrace direct calls) ---- */

SEC("fentry/do_notify_parent")
int BPF_PROG(ew_notify, struct task_struct *tsk)
{
	__u32 tgid = tsk->tgid;
	struct ew_event *ev = bpf_map_lookup_elem(&tasks, &tgid);

	if (ev)
		stamp_once(ev, EW_T_NOTIFY, bpf_ktime_get_ns());
	return 0;
}

SEC("fentry/release_task")
int BPF_PROG(ew_reap, struct task_struct *p)
{
	__u32 tgid = p->tgid;
	struct ew_event *ev;
	__u64 now;

	if (p->pid != p->tgid)
		return 0;
	ev = bpf_map_lookup_elem(&tasks, &tgid);
	if (ev && !ev->t[EW_T_REAP]) {
		now = bpf_ktime_get_ns();
		ev->t[EW_T_REAP] = now;
		hist_add(EW_H_EXIT_TO_REAP, ev->t[EW_T_EXIT], now);
	}
	return 0;
}

/* ---- the record leaves when the leader's task_struct is freed ---- */

SEC("tp_btf/sched_process_free")
int BPF_PROG(ew_free, struct task_struct *p)
{
	__u32 tgid = p->tgid;
	struct ew_event *ev, *out;

	if (p->pid != p->tgid)
		return 0;
	ev = bpf_map_lookup_elem(&tasks, &tgid);
	if (!ev)
		return 0;
	/* freed after its pid was reused by a task we track: not ours */
	if (ev->start_ns && ev->start_ns != p->start_time)
		return 0;
	ev->t[EW_T_FREE] = bpf_ktime_get_ns();
	ev->exit_code = p->exit_code;
	out = bpf_ringbuf_reserve(&events, sizeof(*out), 0);
	if (out) {
		__builtin_memcpy(out, ev, sizeof(*out));
		bpf_ringbuf_submit(out, 0);
		count(EW_C_EVENTS);
	} else {
		count(EW_C_RB_DROPS);
	}
	bpf_map_delete_elem(&tasks, &tgid);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
