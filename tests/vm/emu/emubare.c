// SPDX-License-Identifier: GPL-2.0
/*
 * emubare: nothing but a plain kprobe with a trivial pre_handler on the open
 * path. scripts/emu-check.sh loads and unloads it while every CPU opens
 * files, to tell emulator faults (qemu multi-threaded TCG running stale code
 * while another vCPU patches the probed function) from faults of saker's
 * module (docs/testing.md). Test-only, never part of the product.
 */
#include <linux/kprobes.h>
#include <linux/module.h>

static unsigned long emubare_hits;

static int emubare_pre(struct kprobe *p, struct pt_regs *regs)
{
	emubare_hits++;
	return 0;
}

static struct kprobe emubare_probe = {
	.pre_handler = emubare_pre,
};

static int __init emubare_init(void)
{
	/* 7.2 renamed do_filp_open to do_file_open. */
	static const char * const names[] = { "do_filp_open", "do_file_open" };
	int i, err = -ENOENT;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		emubare_probe.symbol_name = names[i];
		emubare_probe.addr = NULL;
		emubare_probe.flags = 0;
		err = register_kprobe(&emubare_probe);
		if (!err)
			return 0;
	}
	pr_err("emubare: cannot probe the open path: %d\n", err);
	return err;
}

static void __exit emubare_exit(void)
{
	unregister_kprobe(&emubare_probe);
	pr_info("emubare: %lu hits\n", emubare_hits);
}

module_init(emubare_init);
module_exit(emubare_exit);
MODULE_DESCRIPTION("saker test harness: bare kprobe on the open path");
MODULE_LICENSE("GPL");
