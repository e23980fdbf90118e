// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/saker: one reader at a time; the ABI handshake (SAKER_IOC_INFO)
 * comes before mmap; the rings are mapped read-only, one mmap per ring; the
 * reader returns consumed bytes with SAKER_IOC_CONSUME.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/poll.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "saker.h"
#include "compat.h"

struct saker_reader {
	bool handshake;			/* SAKER_IOC_INFO matched our ABI */
};

static int saker_open(struct inode *inode, struct file *f)
{
	struct saker_dev *d = &saker_dev;
	struct saker_reader *rd;

	if (atomic_cmpxchg(&d->opened, 0, 1))
		return -EBUSY;
	rd = kzalloc(sizeof(*rd), GFP_KERNEL);
	if (!rd) {
		atomic_set(&d->opened, 0);
		return -ENOMEM;
	}
	f->private_data = rd;

	/* No producer runs while inactive (see saker_release). */
	saker_rings_reset(d);
	/* One set while no reader held the device was nobody's. */
	saker_filter_clear();
	saker_ignore_clear();
	WRITE_ONCE(d->reader, get_pid(task_tgid(current)));
	d->open_missed_base = saker_open_missed();
	/* Hooks that see active also see the reset rings and the reader. */
	smp_store_release(&d->active, true);
	return nonseekable_open(inode, f);
}

static int saker_release(struct inode *inode, struct file *f)
{
	struct saker_dev *d = &saker_dev;

	WRITE_ONCE(d->active, false);
	/* Hooks run with preemption off: this waits for every one in flight. */
	synchronize_rcu();
	/* These were this reader's: the next one starts recording everything. */
	saker_filter_clear();
	saker_ignore_clear();
	put_pid(d->reader);
	WRITE_ONCE(d->reader, NULL);
	saker_wakeup_stop(d);
	kfree(f->private_data);
	atomic_set(&d->opened, 0);
	return 0;
}

/* Input bytes this ABI does not define must be zero: they may mean something later. */
static bool saker_info_input_clean(const struct saker_info *in)
{
	return !memchr_inv((const u8 *)in + sizeof(in->abi_version), 0,
			   sizeof(*in) - sizeof(in->abi_version));
}

static long saker_ioctl_info(struct saker_reader *rd, void __user *arg)
{
	struct saker_dev *d = &saker_dev;
	struct saker_info info;

	if (copy_from_user(&info, arg, sizeof(info)))
		return -EFAULT;
	if (info.abi_version != SAKER_ABI_VERSION) {
		/* Tell the reader which ABI this module speaks. */
		if (put_user(SAKER_ABI_VERSION, (__u32 __user *)arg))
			return -EFAULT;
		return -EPROTO;
	}
	if (!saker_info_input_clean(&info))
		return -EINVAL;

	memset(&info, 0, sizeof(info));
	info.abi_version = SAKER_ABI_VERSION;
	info.nr_rings = d->nr_rings;
	info.ring_size = d->ring_size;
	info.hdr_size = PAGE_SIZE;
	info.map_size = PAGE_SIZE + d->ring_size;
	info.open_missed = saker_open_missed() - d->open_missed_base;
	info.wakeup_bytes = d->wakeup_bytes;
	info.latency_ms = d->latency_ms;
	info.share_pct = d->share_pct;
	info.features = saker_features();
	info.open_maxactive = saker_open_active();
	strscpy(info.open_probe, saker_open_probe_name(),
		sizeof(info.open_probe));
	if (copy_to_user(arg, &info, sizeof(info)))
		return -EFAULT;
	rd->handshake = true;
	return 0;
}

static long saker_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
	struct saker_reader *rd = f->private_data;
	void __user *uarg = (void __user *)arg;
	struct saker_consume c;

	switch (cmd) {
	case SAKER_IOC_INFO:
		return saker_ioctl_info(rd, uarg);
	case SAKER_IOC_CONSUME:
		if (!rd->handshake)
			return -EPROTO;
		if (copy_from_user(&c, uarg, sizeof(c)))
			return -EFAULT;
		if (c.reserved)
			return -EINVAL;
		return saker_ring_consume(&saker_dev, c.ring, c.tail);
	default:
		return -ENOTTY;
	}
}

static int saker_mmap(struct file *f, struct vm_area_struct *vma)
{
	struct saker_reader *rd = f->private_data;
	struct saker_dev *d = &saker_dev;
	unsigned long map_size = PAGE_SIZE + d->ring_size;
	unsigned long ring_pages = map_size >> PAGE_SHIFT;
	unsigned long ring;

	if (!rd->handshake)
		return -EPROTO;
	if (vma->vm_flags & (VM_WRITE | VM_EXEC))
		return -EPERM;
	if (vma->vm_end - vma->vm_start != map_size ||
	    vma->vm_pgoff % ring_pages)
		return -EINVAL;
	ring = vma->vm_pgoff / ring_pages;
	if (ring >= d->nr_rings)
		return -EINVAL;

	/* Never writable nor executable: no mprotect() later either. */
	saker_vma_clear_flags(vma, VM_MAYWRITE | VM_MAYEXEC);
	return remap_vmalloc_range(vma, d->rings[ring].base, 0);
}

static __poll_t saker_poll(struct file *f, poll_table *wait)
{
	struct saker_dev *d = &saker_dev;

	poll_wait(f, &d->wq, wait);
	return saker_rings_ready(d) ? EPOLLIN | EPOLLRDNORM : 0;
}

static const struct file_operations saker_fops = {
	.owner = THIS_MODULE,
	.open = saker_open,
	.release = saker_release,
	.unlocked_ioctl = saker_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.mmap = saker_mmap,
	.poll = saker_poll,
};

static struct miscdevice saker_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "saker",
	.fops = &saker_fops,
	.mode = 0600,
};

int saker_chardev_init(void)
{
	return misc_register(&saker_misc);
}

void saker_chardev_exit(void)
{
	misc_deregister(&saker_misc);
}
