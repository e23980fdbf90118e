// SPDX-License-Identifier: GPL-2.0
/*
 * faultmod: a test-only module that faults on purpose when loaded, so that
 * scripts/harness-selftest.sh can show that every kind of kernel fault ends
 * the test VM at once and fails the test that was running (docs/testing.md).
 * Never part of the product: built for the test kernels into build/testmods-VER/.
 *
 *   insmod faultmod.ko mode=warn        WARN_ON(1)          (panic_on_warn=1)
 *   insmod faultmod.ko mode=oops        NULL write          (oops=panic)
 *   insmod faultmod.ko mode=softlockup  spin, preempt off   (softlockup_panic=1)
 *   insmod faultmod.ko mode=rcu         spin in rcu_read_lock (kernel.panic_on_rcu_stall=1)
 *   insmod faultmod.ko mode=hung        sleep uninterruptibly (kernel.hung_task_panic=1)
 *
 * secs= bounds the spin/sleep (default 60). The detectors' thresholds are the
 * caller's to lower first (watchdog_thresh, rcu_cpu_stall_timeout,
 * hung_task_timeout_secs). If the VM survives, the load fails with -EAGAIN.
 */
#include <linux/delay.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/preempt.h>
#include <linux/rcupdate.h>
#include <linux/string.h>

static char *mode = "warn";
module_param(mode, charp, 0444);
MODULE_PARM_DESC(mode, "warn, oops, softlockup, rcu or hung");

static unsigned int secs = 60;
module_param(secs, uint, 0444);
MODULE_PARM_DESC(secs, "How long to spin or sleep (default 60)");

static struct rcu_head faultmod_rcu;

static void faultmod_rcu_cb(struct rcu_head *head)
{
}

static void faultmod_spin(void)
{
	unsigned int ms;

	/* One udelay() call per ms: mdelay() of a large value may overflow. */
	for (ms = 0; ms < secs * 1000; ms++)
		udelay(1000);
}

static int __init faultmod_init(void)
{
	pr_info("faultmod: mode=%s secs=%u\n", mode, secs);
	if (!strcmp(mode, "warn")) {
		WARN_ON(1);
	} else if (!strcmp(mode, "oops")) {
		*(volatile int *)NULL = 1;
	} else if (!strcmp(mode, "softlockup")) {
		preempt_disable();
		faultmod_spin();
		preempt_enable();
	} else if (!strcmp(mode, "rcu")) {
		/* A callback makes sure a grace period is waiting for us. */
		call_rcu(&faultmod_rcu, faultmod_rcu_cb);
		rcu_read_lock();
		faultmod_spin();
		rcu_read_unlock();
		/* The callback is module text: let it run before we go. */
		rcu_barrier();
	} else if (!strcmp(mode, "hung")) {
		msleep(secs * 1000);
	} else {
		pr_err("faultmod: unknown mode %s\n", mode);
		return -EINVAL;
	}
	pr_err("faultmod: mode=%s did not end the VM\n", mode);
	return -EAGAIN;
}

module_init(faultmod_init);
MODULE_DESCRIPTION("saker test harness: fault on purpose at load");
MODULE_LICENSE("GPL");
