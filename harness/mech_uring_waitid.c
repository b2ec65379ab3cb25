// SPDX-License-Identifier: GPL-2.0
/*
 * uring-waitid: io_uring IORING_OP_WAITID (6.7+) for P_ALL, WEXITED, with a
 * few requests in flight.  liburing 2.3 has no io_uring_prep_waitid, so the
 * SQE is filled by hand: len = idtype, fd = id, file_index (the 32-bit union
 * at offset 44) = options, addr2 = siginfo pointer.
 */
#include <stdlib.h>
#include <liburing.h>
#include "ew.h"

#define EW_IORING_OP_WAITID 50
#define UW_INFLIGHT 4

struct uw_priv {
	struct io_uring ring;
	siginfo_t info[UW_INFLIGHT];
};

static void uw_prep(struct uw_priv *p, int slot)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&p->ring);

	if (!sqe)
		return;
	memset(sqe, 0, sizeof(*sqe));
	memset(&p->info[slot], 0, sizeof(p->info[slot]));
	sqe->opcode = EW_IORING_OP_WAITID;
	sqe->len = P_ALL;
	sqe->fd = 0;
	sqe->file_index = WEXITED;
	sqe->addr2 = (uint64_t)(uintptr_t)&p->info[slot];
	sqe->user_data = slot;
}

static int uw_probe(char *why, size_t len)
{
	struct io_uring_probe *pr;
	struct io_uring ring;
	int ok, r;

	r = io_uring_queue_init(4, &ring, 0);
	if (r < 0) {
		snprintf(why, len, "io_uring_setup: %s", strerror(-r));
		return -1;
	}
	pr = io_uring_get_probe_ring(&ring);
	ok = pr && io_uring_opcode_supported(pr, EW_IORING_OP_WAITID);
	if (pr)
		io_uring_free_probe(pr);
	io_uring_queue_exit(&ring);
	if (!ok) {
		snprintf(why, len, "io_uring lacks IORING_OP_WAITID (needs 6.7+)");
		return -1;
	}
	return 0;
}

static int uw_init(struct watcher *w)
{
	struct uw_priv *p = calloc(1, sizeof(*p));
	int r;

	if (!p)
		return -ENOMEM;
	r = io_uring_queue_init(2 * UW_INFLIGHT, &p->ring, 0);
	if (r < 0) {
		free(p);
		return r;
	}
	for (int i = 0; i < UW_INFLIGHT; i++)
		uw_prep(p, i);
	w->priv = p;
	return 0;
}

static int uw_add(struct watcher *w, pid_t pid, int pidfd)
{
	return 0;
}

static int uw_wait(struct watcher *w, struct ew_notice *out, int max, int timeout_ms)
{
	struct uw_priv *p = w->priv;
	struct __kernel_timespec ts = { timeout_ms / 1000, (timeout_ms % 1000) * 1000000L };
	struct io_uring_cqe *cqe;
	unsigned int head, seen = 0;
	int r, got = 0;

	r = io_uring_submit_and_wait_timeout(&p->ring, &cqe, 1, &ts, NULL);
	w->syscalls++;
	if (r < 0 && r != -ETIME && r != -EINTR)
		return r;
	io_uring_for_each_cqe(&p->ring, head, cqe) {
		int slot = (int)cqe->user_data;

		seen++;
		if (slot < 0 || slot >= UW_INFLIGHT)
			continue;
		if (cqe->res == 0 && p->info[slot].si_pid && got < max) {
			out[got].pid = p->info[slot].si_pid;
			out[got].status = ew_status_from_siginfo(&p->info[slot]);
			out[got].has_status = 1;
			out[got].t_user = ew_now_ns();
			got++;
		}
		uw_prep(p, slot);
	}
	io_uring_cq_advance(&p->ring, seen);
	return got;
}

static void uw_fini(struct watcher *w)
{
	struct uw_priv *p = w->priv;

	io_uring_queue_exit(&p->ring);
	free(p);
}

const struct watcher_ops ew_uring_waitid_ops = {
	.name = "uring-waitid",
	.how = "io_uring IORING_OP_WAITID(P_ALL, WEXITED), SQE filled by hand (6.7+)",
	.flags = EW_PARENT_ONLY,
	.probe = uw_probe,
	.init = uw_init,
	.add = uw_add,
	.wait = uw_wait,
	.fini = uw_fini,
};
