// SPDX-License-Identifier: GPL-2.0
/*
 * cn-proc: the netlink proc connector's PROC_EVENT_EXIT (CAP_NET_ADMIN, the
 * initial pid namespace).  It is sent from proc_exit_connector(), after
 * exit_notify(): behind the pidfd and wait wake-ups by construction.  The
 * socket sees every exit on the system; we keep those of our children (and
 * of other autoreaped processes, which the run ignores).
 * ENOBUFS (the socket overflowed) means lost events: counted.
 */
#include <stdlib.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/connector.h>
#include <linux/cn_proc.h>
#include "ew.h"

struct cn_priv {
	int sock;
	pid_t self;
};

static int cn_open(int *out)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = CN_IDX_PROC };
	struct {
		struct nlmsghdr nl;
		struct cn_msg cn;
		enum proc_cn_mcast_op op;
	} __attribute__((packed)) msg;
	int s, sz = 16 << 20;

	s = socket(PF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_CONNECTOR);
	if (s < 0)
		return -errno;
	if (setsockopt(s, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)))
		setsockopt(s, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	sa.nl_pid = 0;
	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		goto err;
	memset(&msg, 0, sizeof(msg));
	msg.nl.nlmsg_len = sizeof(msg);
	msg.nl.nlmsg_type = NLMSG_DONE;
	msg.cn.id.idx = CN_IDX_PROC;
	msg.cn.id.val = CN_VAL_PROC;
	msg.cn.len = sizeof(enum proc_cn_mcast_op);
	msg.op = PROC_CN_MCAST_LISTEN;
	if (send(s, &msg, sizeof(msg), 0) < 0)
		goto err;
	*out = s;
	return 0;
err:
	{
		int e = errno;

		close(s);
		return -e;
	}
}

/* parse one datagram: 1 and fills *n if it is the exit of our child */
static int cn_parse(struct cn_priv *p, const char *buf, ssize_t len, struct ew_notice *n)
{
	const struct nlmsghdr *nl = (const void *)buf;
	const struct cn_msg *cn;
	struct proc_event evbuf, *ev = &evbuf;

	if (len < (ssize_t)(NLMSG_LENGTH(sizeof(*cn) + sizeof(*ev)) - 8) || !NLMSG_OK(nl, len))
		return 0;
	cn = NLMSG_DATA(nl);
	/*
	 * cn->data sits 36 bytes into the datagram and struct proc_event holds
	 * a u64: read it through a copy rather than a misaligned pointer
	 */
	memcpy(&evbuf, cn->data, sizeof(evbuf));
	if (ev->what != PROC_EVENT_EXIT)
		return 0;
	/* an autoreaped child is already released: its parent reads as 0 */
	if (ev->event_data.exit.process_pid != ev->event_data.exit.process_tgid ||
	    (ev->event_data.exit.parent_tgid != p->self && ev->event_data.exit.parent_tgid != 0))
		return 0;
	n->pid = ev->event_data.exit.process_tgid;
	n->status = ev->event_data.exit.exit_code;
	n->has_status = 1;
	return 1;
}

static int cn_probe(char *why, size_t len)
{
	struct cn_priv p = { .self = getpid() };
	struct ew_notice n;
	struct pollfd pfd;
	char buf[1024];
	int s, r, seen = 0;
	pid_t pid;

	r = cn_open(&s);
	if (r) {
		snprintf(why, len, "proc connector: %s (needs CAP_NET_ADMIN, init pid ns, CONFIG_PROC_EVENTS)",
			 strerror(-r));
		return -1;
	}
	pid = fork();
	if (pid == 0)
		_exit(3);
	pfd.fd = s;
	pfd.events = POLLIN;
	while (!seen && poll(&pfd, 1, 500) > 0) {
		ssize_t l = recv(s, buf, sizeof(buf), 0);

		if (l <= 0)
			break;
		seen = cn_parse(&p, buf, l, &n) && n.pid == pid;
	}
	waitpid(pid, NULL, 0);
	close(s);
	if (!seen) {
		snprintf(why, len, "proc connector: no PROC_EVENT_EXIT seen for a test child (not the initial pid namespace?)");
		return -1;
	}
	return 0;
}

static int cn_init(struct watcher *w)
{
	struct cn_priv *p = calloc(1, sizeof(*p));
	int r;

	if (!p)
		return -ENOMEM;
	p->self = getpid();
	r = cn_open(&p->sock);
	if (r) {
		free(p);
		return r;
	}
	w->priv = p;
	return 0;
}

static int cn_add(struct watcher *w, pid_t pid, int pidfd)
{
	return 0;
}

static int cn_wait(struct watcher *w, struct ew_notice *out, int max, int timeout_ms)
{
	struct cn_priv *p = w->priv;
	struct pollfd pfd = { p->sock, POLLIN, 0 };
	char buf[1024];
	int got = 0, r;

	r = poll(&pfd, 1, timeout_ms);
	w->syscalls++;
	if (r <= 0)
		return r < 0 && errno != EINTR ? -errno : 0;
	while (got < max) {
		ssize_t l = recv(p->sock, buf, sizeof(buf), MSG_DONTWAIT);

		w->syscalls++;
		if (l < 0) {
			if (errno == ENOBUFS) {
				w->lost_events++;
				continue;
			}
			break;
		}
		if (cn_parse(p, buf, l, &out[got])) {
			out[got].t_user = ew_now_ns();
			got++;
		}
	}
	return got;
}

static void cn_fini(struct watcher *w)
{
	struct cn_priv *p = w->priv;

	close(p->sock);
	free(p);
}

const struct watcher_ops ew_cn_proc_ops = {
	.name = "cn-proc",
	.how = "netlink proc connector PROC_EVENT_EXIT (CAP_NET_ADMIN, init pid ns); children autoreaped",
	.flags = EW_AUTOREAP | EW_SYSTEM_WIDE,
	.probe = cn_probe,
	.init = cn_init,
	.add = cn_add,
	.wait = cn_wait,
	.fini = cn_fini,
};
