// SPDX-License-Identifier: GPL-2.0
/*
 * watcher.c - the second stage of a cell: the mechanism's wait() in a
 * thread of its own, each notice stamped (struct ew_notice.t_user) and
 * appended to cr->log, and the storm's ways to wait for those notices.
 */
#include <signal.h>
#include "cellrun.h"

static void on_usr1(int sig)
{
}

void ew_watcher_signal(void)
{
	struct sigaction usr1 = { .sa_handler = on_usr1 };

	sigaction(SIGUSR1, &usr1, NULL);	/* no SA_RESTART: interrupts waits */
}

/*
 * EXITWATCH_INJECT_DELAY_US: a deliberately slow watcher, for testing the
 * regression gate.  Busy-wait after each notice and only then take its
 * user-side stamp, so each notice of a batch is later than the one before,
 * as with real per-notice work.
 */
static void inject_delay(struct ew_notice *buf, int n, int us)
{
	for (int i = 0; i < n && us; i++) {
		uint64_t until = ew_now_ns() + (uint64_t)us * 1000ULL;

		while (ew_now_ns() < until)
			;
		buf[i].t_user = ew_now_ns();
	}
}

static void *watcher_main(void *arg)
{
	struct cellrun *cr = arg;
	struct ew_notice buf[256];
	uint64_t c0;
	int cpu1;

	cr->watcher_tid = gettid();
	pthread_mutex_lock(&cr->lock);
	pthread_cond_broadcast(&cr->cond);
	pthread_mutex_unlock(&cr->lock);
	c0 = ew_thread_cpu_ns();
	while (!atomic_load(&cr->stop)) {
		int n = cr->w.ops->wait(&cr->w, buf, 256, 100);

		if (n < 0) {
			cr->watcher_err = n;
			break;
		}
		if (!n)
			continue;
		inject_delay(buf, n, cr->inject_delay_us);
		cpu1 = 1 + sched_getcpu();
		for (int i = 0; i < n; i++)
			buf[i].cpu1 = cpu1;
		pthread_mutex_lock(&cr->lock);
		for (int i = 0; i < n && cr->nlog < cr->caplog; i++)
			cr->log[cr->nlog++] = buf[i];
		pthread_cond_broadcast(&cr->cond);
		pthread_mutex_unlock(&cr->lock);
	}
	cr->watcher_cpu = ew_thread_cpu_ns() - c0;
	return NULL;
}

void ew_watcher_start(struct cellrun *cr)
{
	pthread_mutex_lock(&cr->lock);
	pthread_create(&cr->thread, NULL, watcher_main, cr);
	while (!cr->watcher_tid)
		pthread_cond_wait(&cr->cond, &cr->lock);
	pthread_mutex_unlock(&cr->lock);
}

void ew_watcher_stop(struct cellrun *cr)
{
	atomic_store(&cr->stop, 1);
	for (;;) {
		struct timespec ts = ew_deadline_ms(20);

		pthread_kill(cr->thread, SIGUSR1);
		if (pthread_timedjoin_np(cr->thread, NULL, &ts) == 0)
			break;
	}
}

int ew_wait_notices(struct cellrun *cr, size_t want, int quiet_ms)
{
	size_t last = (size_t)-1;
	uint64_t last_t = ew_now_ns();
	int ret = 0;

	pthread_mutex_lock(&cr->lock);
	while (cr->nlog < want) {
		struct timespec ts;

		if (cr->nlog != last) {
			last = cr->nlog;
			last_t = ew_now_ns();
		} else if (ew_now_ns() - last_t > (uint64_t)quiet_ms * 1000000ULL || cr->watcher_err) {
			ret = -ETIMEDOUT;
			break;
		}
		if (ew_interrupted && ew_now_ns() - last_t > 200000000ULL) {
			ret = -EINTR;
			break;
		}
		ts = ew_deadline_ms(50);
		pthread_cond_timedwait(&cr->cond, &cr->lock, &ts);
	}
	pthread_mutex_unlock(&cr->lock);
	return ret;
}

size_t ew_nlog_now(struct cellrun *cr)
{
	size_t n;

	pthread_mutex_lock(&cr->lock);
	n = cr->nlog;
	pthread_mutex_unlock(&cr->lock);
	return n;
}

int ew_wait_inflight(struct cellrun *cr, size_t first, size_t base, int n, uint64_t end)
{
	pthread_mutex_lock(&cr->lock);
	while ((cr->nkids - first) - (cr->nlog - base) >= (size_t)n && !cr->watcher_err) {
		struct timespec ts = ew_deadline_ms(20);

		if (pthread_cond_timedwait(&cr->cond, &cr->lock, &ts) == ETIMEDOUT &&
		    ew_now_ns() > end + 3000000000ULL)
			break;
	}
	pthread_mutex_unlock(&cr->lock);
	return cr->watcher_err ? -EIO : 0;
}
