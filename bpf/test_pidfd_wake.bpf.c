// SPDX-License-Identifier: GPL-2.0
/*
 * test_pidfd_wake: every wake-up of one watcher thread during a test round,
 * attributed to the watched process (current in its thread group), to a
 * designated reaper thread, or to anyone else, and placed before or after
 * the exit of the watched group's last thread.  sched_waking fires in the
 * waker's context, so current is the waker.  User space sets target_tgid
 * and reaper_tid (.bss) per round and reads the round back.  At a wake by
 * the target or the reaper, it also reads whether the watched process's
 * exit info is already published (both kernels' layouts, by CO-RE field
 * existence).  CO-RE tp_btf only; loads unchanged on 6.1 and 6.18.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "test_pidfd_wake.h"

const volatile pid_t watcher_tid = 0;

pid_t target_tgid = 0;
pid_t reaper_tid = 0;
struct pidfd_wake_round wake_round = {};

/*
 * Where the exit info lives, as local CO-RE flavours of the two layouts:
 * this series on 6.1 (struct pid -> exit_info_id, an index into the
 * xarray pidfd_exit_infos of kernel/fork.c, whose entry has a recorded
 * flag) and 6.17+ (struct pid -> attr -> exit_info, set once published).
 * A kernel with neither has no exit info.
 */
struct pidfd_exit_info___series61 {
	bool recorded;
} __attribute__((preserve_access_index));

struct pid___series61 {
	__u32 exit_info_id;
} __attribute__((preserve_access_index));

/* a static of kernel/fork.c, found through kallsyms (KALLSYMS_ALL) */
extern const void pidfd_exit_infos __ksym __weak;

/*
 * xa_load() for BPF: walk the nodes from xa_head down to @index.  An
 * entry is a node when its low two bits are 2 and it is above 4096
 * (xa_is_node()); the chunk size is the node's slot count, 64, or 16 on
 * CONFIG_BASE_SMALL kernels such as the guests'.
 */
static __always_inline void *xa_lookup(const struct xarray *xa, __u32 index)
{
	unsigned long mask = bpf_core_field_size(struct xa_node, slots) / sizeof(void *) - 1;
	void *entry = BPF_CORE_READ(xa, xa_head);
	int level;

	for (level = 0; level < 8; level++) {
		unsigned long e = (unsigned long)entry;
		struct xa_node *node;
		unsigned char shift;

		if ((e & 3) != 2 || e <= 4096)
			return index ? NULL : entry;
		node = (struct xa_node *)(e - 2);
		shift = BPF_CORE_READ(node, shift);
		if (bpf_probe_read_kernel(&entry, sizeof(entry),
					  &node->slots[(index >> shift) & mask]))
			return NULL;
		if (!shift) {
			e = (unsigned long)entry;
			return (e & 3) == 2 ? NULL : entry;
		}
	}
	return NULL;
}

struct pidfs_attr___v617 {
	void *exit_info;
} __attribute__((preserve_access_index));

struct pid___v617 {
	struct pidfs_attr___v617 *attr;
} __attribute__((preserve_access_index));

/* 1: published, 0: not (yet), -1: this kernel has no exit info */
static __always_inline int exit_info_published(__u64 obj)
{
	if (bpf_core_field_exists(struct pid___series61, exit_info_id)) {
		struct pid___series61 *pid = (void *)obj;
		struct pidfd_exit_info___series61 *info;
		__u32 id = BPF_CORE_READ(pid, exit_info_id);

		if (!id)
			return 0;
		if (!&pidfd_exit_infos)
			return -1;
		info = xa_lookup((const struct xarray *)&pidfd_exit_infos, id);
		return info && BPF_CORE_READ(info, recorded);
	}
	if (bpf_core_field_exists(struct pid___v617, attr)) {
		struct pid___v617 *pid = (void *)obj;
		struct pidfs_attr___v617 *attr = BPF_CORE_READ(pid, attr);

		return attr && BPF_CORE_READ(attr, exit_info);
	}
	return -1;
}

static __always_inline void note_exit_info(void)
{
	int state;

	if (!wake_round.exit_ns || !wake_round.pid_obj)
		return;
	state = exit_info_published(wake_round.pid_obj);
	if (state > 0)
		__sync_fetch_and_add(&wake_round.wakes_info_published, 1);
	else if (state == 0)
		__sync_fetch_and_add(&wake_round.wakes_info_unpublished, 1);
	else
		__sync_fetch_and_add(&wake_round.wakes_info_unknown, 1);
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(pidfd_wake_exit, struct task_struct *p)
{
	if (!target_tgid || BPF_CORE_READ(p, tgid) != target_tgid)
		return 0;
	__sync_fetch_and_add(&wake_round.exits, 1);
	/* the group's last thread: signal->live already dropped to 0 */
	if (BPF_CORE_READ(p, signal, live.counter) == 0 && !wake_round.exit_ns) {
		/* the process's struct pid, which the watcher's pidfd holds */
		wake_round.pid_obj = (__u64)BPF_CORE_READ(p, signal, pids[PIDTYPE_TGID]);
		/* a control: not reaped yet, so nothing may be published */
		wake_round.info_at_exit = exit_info_published(wake_round.pid_obj);
		wake_round.exit_ns = bpf_ktime_get_ns();
	}
	return 0;
}

SEC("tp_btf/sched_waking")
int BPF_PROG(pidfd_wake_waking, struct task_struct *p)
{
	struct task_struct *cur;
	__u64 now;

	if (!target_tgid || BPF_CORE_READ(p, pid) != watcher_tid)
		return 0;
	cur = bpf_get_current_task_btf();
	now = bpf_ktime_get_ns();
	if (cur->tgid == target_tgid) {
		__sync_fetch_and_add(&wake_round.wakes_by_target, 1);
		if (!wake_round.exit_ns)
			__sync_fetch_and_add(&wake_round.wakes_by_target_before_exit, 1);
		wake_round.target_wake_ns = now;
		wake_round.target_waker_tid = cur->pid;
		note_exit_info();
	} else if (reaper_tid && cur->pid == reaper_tid) {
		__sync_fetch_and_add(&wake_round.wakes_by_reaper, 1);
		if (!wake_round.exit_ns)
			__sync_fetch_and_add(&wake_round.wakes_by_reaper_before_exit, 1);
		wake_round.reaper_wake_ns = now;
		note_exit_info();
	} else {
		__sync_fetch_and_add(&wake_round.wakes_other, 1);
	}
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
