// SPDX-License-Identifier: GPL-2.0
/*
 * splat_canary.ko: a test-only module for the debug guest, loaded by
 * scripts/debug-check.sh to show that `make vm-test KERNEL=debug` fails on
 * real kernel reports, not only on lines that look like them.  On load it
 * makes each checker of the debug kernel fire once, for real:
 *
 *   kasan    a read one byte past a 16-byte kmalloc object  (BUG: KASAN)
 *   warn     WARN()                                          (WARNING:)
 *   leak     four kmalloc objects whose pointers are dropped (kmemleak)
 *   atomic   might_sleep() under a spinlock   (BUG: sleeping function ...)
 *   lockdep  two spinlocks taken in both orders, one after the other, so
 *            nothing deadlocks       (WARNING: possible circular locking)
 *
 * Lockdep switches itself off after its first report, and also when the
 * kernel is tainted as unreliable for it: a KASAN report does that
 * ("Disabling lock debugging due to kernel taint").  So the lockdep case
 * runs first and KASAN last; WARN and the sleep check leave lockdep on.
 * Never part of a normal run.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>

static DEFINE_SPINLOCK(canary_a);
static DEFINE_SPINLOCK(canary_b);

static noinline void canary_kasan(void)
{
	char *p = kmalloc(16, GFP_KERNEL);

	if (!p)
		return;
	pr_info("splat_canary: kasan: reading byte 16 of a 16-byte object\n");
	((volatile char *)p)[16];
	kfree(p);
}

static noinline void canary_leak(void)
{
	int i;

	pr_info("splat_canary: leak: dropping 4 kmalloc(128) objects\n");
	for (i = 0; i < 4; i++) {
		char *p = kmalloc(128, GFP_KERNEL);

		if (p)
			memset(p, 0x5a, 128);
	}
}

static noinline void canary_atomic(void)
{
	pr_info("splat_canary: atomic: might_sleep() under a spinlock\n");
	spin_lock(&canary_a);
	might_sleep();
	spin_unlock(&canary_a);
}

static noinline void canary_lockdep(void)
{
	pr_info("splat_canary: lockdep: a then b, then b then a\n");
	spin_lock(&canary_a);
	spin_lock(&canary_b);
	spin_unlock(&canary_b);
	spin_unlock(&canary_a);
	spin_lock(&canary_b);
	spin_lock(&canary_a);
	spin_unlock(&canary_a);
	spin_unlock(&canary_b);
}

static int __init splat_canary_init(void)
{
	canary_lockdep();
	canary_atomic();
	canary_leak();
	WARN(1, "splat_canary: warn: a deliberate WARN\n");
	canary_kasan();
	return 0;
}
module_init(splat_canary_init);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("exitwatch: deliberate kernel reports for the debug-guest gate");
