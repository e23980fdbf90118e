// SPDX-License-Identifier: GPL-2.0
/*
 * saker: capture exec, fork, exit and open events for runtime threat
 * detection into per-CPU rings read through /dev/saker. The ABI and the
 * ring protocol are described in uapi/saker.h; docs/architecture.md has the
 * rest.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/log2.h>
#include <linux/math64.h>

#include "saker.h"
#include "compat.h"

static unsigned int ring_kb = 4096;
module_param(ring_kb, uint, 0444);
MODULE_PARM_DESC(ring_kb, "Ring size per CPU in KiB, a power of two (default 4096)");

static unsigned int wakeup_kb;
module_param(wakeup_kb, uint, 0444);
MODULE_PARM_DESC(wakeup_kb, "Wake the reader when a ring holds this many KiB (default: a quarter of the ring)");

static unsigned int latency_ms = 10;
module_param(latency_ms, uint, 0444);
MODULE_PARM_DESC(latency_ms, "Wake the reader at most this many ms after an event (default 10)");

static unsigned int share_pct = 75;
module_param(share_pct, uint, 0444);
MODULE_PARM_DESC(share_pct, "Percent of a ring that records of tasks other than host root may fill (default 75; 100: no limit)");

module_param_named(open_maxactive, saker_open_maxactive, uint, 0444);
MODULE_PARM_DESC(open_maxactive, "Opens the open kretprobe follows at once, for failed and io_uring opens (default: 16 per CPU, from 1024 to 4096)");

struct saker_dev saker_dev;

static int __init saker_check_params(void)
{
	u64 size = (u64)ring_kb * 1024;

	/*
	 * Two of the largest records: then a record always fits an empty
	 * ring, even after the pad that skips the end of the data area.
	 */
	if (!is_power_of_2(size) || size < 2 * SAKER_REC_MAX ||
	    size > (1ULL << 30)) {
		pr_err("ring_kb=%u: must be a power of two between %lu and %u\n",
		       ring_kb, roundup_pow_of_two(2 * SAKER_REC_MAX) / 1024,
		       1U << 20);
		return -EINVAL;
	}
	if ((u64)wakeup_kb * 1024 > size) {
		pr_err("wakeup_kb=%u is larger than the ring (%u KiB)\n",
		       wakeup_kb, ring_kb);
		return -EINVAL;
	}
	if (!latency_ms || latency_ms > 10000) {
		pr_err("latency_ms=%u: must be between 1 and 10000\n",
		       latency_ms);
		return -EINVAL;
	}
	if (share_pct < 25 || share_pct > 100) {
		pr_err("share_pct=%u: must be between 25 and 100\n", share_pct);
		return -EINVAL;
	}
	saker_dev.ring_size = size;
	saker_dev.share_pct = share_pct;
	saker_dev.share_bytes = div_u64(size * share_pct, 100);
	if (saker_dev.share_bytes < SAKER_REC_MAX) {
		pr_err("share_pct=%u of a %u KiB ring cannot hold the largest record (%zu bytes): raise one of them\n",
		       share_pct, ring_kb, SAKER_REC_MAX);
		return -EINVAL;
	}
	saker_dev.wakeup_bytes = wakeup_kb ? (u64)wakeup_kb * 1024 : size / 4;
	saker_dev.latency_ms = latency_ms;
	return 0;
}

static int __init saker_init(void)
{
	int err;

	err = saker_check_params();
	if (err)
		return err;

	saker_dev.classes = SAKER_CLASS_ALL;
	init_waitqueue_head(&saker_dev.wq);
	atomic_set(&saker_dev.opened, 0);
	saker_wakeup_init(&saker_dev);

	err = saker_rings_alloc(&saker_dev, saker_dev.ring_size);
	if (err)
		return err;
	err = saker_records_init();
	if (err)
		goto free_rings;
	err = saker_hooks_init();
	if (err)
		goto free_records;
	/* Before the device: nothing after it may fail (an open pins us). */
	err = saker_genl_init();
	if (err)
		goto remove_hooks;
	err = saker_chardev_init();
	if (err)
		goto remove_genl;

	pr_info("loaded: %u rings of %u KiB, opens through %s\n",
		saker_dev.nr_rings, ring_kb, saker_open_probe_name());
	return 0;

remove_genl:
	saker_genl_exit();
remove_hooks:
	saker_hooks_exit();
free_records:
	saker_records_exit();
free_rings:
	saker_rings_free(&saker_dev);
	return err;
}

/* No reader can be attached here: an open /dev/saker pins the module. */
static void __exit saker_exit(void)
{
	saker_chardev_exit();
	saker_genl_exit();
	saker_hooks_exit();
	saker_filter_clear();
	saker_ignore_clear();
	saker_wakeup_stop(&saker_dev);
	saker_records_exit();
	saker_rings_free(&saker_dev);
	pr_info("unloaded\n");
}

module_init(saker_init);
module_exit(saker_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("saker developers");
MODULE_DESCRIPTION("Runtime threat detection: exec, fork, exit and open events");
MODULE_VERSION(SAKER_MODULE_VERSION);
