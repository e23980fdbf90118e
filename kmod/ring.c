// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU rings: allocation, the producer side, the fair share of
 * unprivileged records, and reader wakeups.
 *
 * The memory-ordering contract between this producer and the reader is
 * written once, in uapi/saker.h; the P1..P3 / C3 marks below refer to it.
 * A ring has exactly one producer, the CPU it belongs to, with preemption
 * disabled and re-entry refused by record.c, so head and the counters need
 * no atomic read-modify-write.
 */
#include <linux/vmalloc.h>
#include <linux/mm.h>
#include <linux/cpumask.h>
#include <linux/slab.h>

#include "saker.h"

int saker_rings_alloc(struct saker_dev *d, u64 ring_size)
{
	unsigned int i;

	BUILD_BUG_ON(sizeof(struct saker_ring_hdr) > PAGE_SIZE);

	d->nr_rings = nr_cpu_ids;
	d->rings = kcalloc(d->nr_rings, sizeof(*d->rings), GFP_KERNEL);
	if (!d->rings)
		return -ENOMEM;

	for (i = 0; i < d->nr_rings; i++) {
		struct saker_ring *r = &d->rings[i];

		/* Zeroed and marked for mapping into userspace. */
		r->base = vmalloc_user(PAGE_SIZE + ring_size);
		if (!r->base)
			goto free_rings;
		r->hdr = r->base;
		r->data = (u8 *)r->base + PAGE_SIZE;
	}
	return 0;

free_rings:
	saker_rings_free(d);
	return -ENOMEM;
}

void saker_rings_free(struct saker_dev *d)
{
	unsigned int i;

	if (!d->rings)
		return;
	for (i = 0; i < d->nr_rings; i++)
		vfree(d->rings[i].base);
	kfree(d->rings);
	d->rings = NULL;
}

/*
 * Only while no producer runs: before a reader is made active. Word by
 * word: the control plane (genl.c) may read the counters meanwhile.
 */
void saker_rings_reset(struct saker_dev *d)
{
	unsigned int i, w;

	for (i = 0; i < d->nr_rings; i++) {
		u64 *p = (u64 *)d->rings[i].hdr;

		for (w = 0; w < sizeof(struct saker_ring_hdr) / sizeof(u64); w++)
			WRITE_ONCE(p[w], 0);
	}
}

/* 2: some ring is at the watermark, 1: some ring holds bytes, 0: empty. */
static int saker_rings_fill(struct saker_dev *d)
{
	bool data = false;
	unsigned int i;

	for (i = 0; i < d->nr_rings; i++) {
		struct saker_ring_hdr *h = d->rings[i].hdr;
		u64 used = READ_ONCE(h->head) - READ_ONCE(h->tail);

		if (used >= d->wakeup_bytes)
			return 2;
		data |= used != 0;
	}
	return data;
}

/*
 * Readable for poll(): a ring is above the watermark, or a wakeup is owed
 * (latency expired or watermark crossed) and some ring still holds bytes.
 * A wakeup owed for bytes the reader has already consumed is settled here,
 * so a latency timer that fires after a drain cannot leave the device
 * readable with nothing to read (an idle reader would spin). A ring with a
 * few bytes below the watermark is not readable until the latency timer
 * fires, so a busy reader drains in batches.
 */
bool saker_rings_ready(struct saker_dev *d)
{
	int fill = saker_rings_fill(d);

	if (fill == 2)
		return true;
	if (!test_bit(SAKER_F_READY, &d->flags))
		return false;
	if (fill)
		return true;
	/*
	 * Owed, but nothing left to read: settle it. Looked at again after the
	 * clear, so that a timer that set it for a record published meanwhile
	 * is not lost.
	 */
	clear_bit(SAKER_F_READY, &d->flags);
	/* Orders the clear before the second look at head (see above). */
	smp_mb__after_atomic();
	if (!saker_rings_fill(d))
		return false;
	set_bit(SAKER_F_READY, &d->flags);
	return true;
}

/* Count one lost record in this CPU's ring header (producer-only field). */
void saker_ring_count(size_t counter_offset)
{
	struct saker_ring_hdr *h = saker_dev.rings[smp_processor_id()].hdr;
	u64 *c = (u64 *)((u8 *)h + counter_offset);

	WRITE_ONCE(*c, *c + 1);
}

/* Wakeups never happen in the hook itself: it may hold scheduler locks. */
static void saker_wake_fn(struct irq_work *w)
{
	struct saker_dev *d = container_of(w, struct saker_dev, wake_work);

	/* Records before the flag: pairs with saker_rings_ready()'s barrier. */
	smp_mb__before_atomic();
	set_bit(SAKER_F_READY, &d->flags);
	wake_up_interruptible(&d->wq);
}

static void saker_arm_fn(struct irq_work *w)
{
	struct saker_dev *d = container_of(w, struct saker_dev, arm_work);

	queue_delayed_work(system_wq, &d->latency_work,
			   msecs_to_jiffies(d->latency_ms));
}

static void saker_latency_fn(struct work_struct *w)
{
	struct saker_dev *d = container_of(to_delayed_work(w), struct saker_dev,
					   latency_work);

	/* Cleared first, so an event after this point re-arms the timer. */
	clear_bit(SAKER_F_LATENCY_ARMED, &d->flags);
	/* Records before the flag: pairs with saker_rings_ready()'s barrier. */
	smp_mb__before_atomic();
	set_bit(SAKER_F_READY, &d->flags);
	wake_up_interruptible(&d->wq);
}

void saker_wakeup_init(struct saker_dev *d)
{
	init_irq_work(&d->wake_work, saker_wake_fn);
	init_irq_work(&d->arm_work, saker_arm_fn);
	INIT_DELAYED_WORK(&d->latency_work, saker_latency_fn);
}

/* Producers must already be stopped (inactive and RCU-synchronised). */
void saker_wakeup_stop(struct saker_dev *d)
{
	irq_work_sync(&d->wake_work);
	irq_work_sync(&d->arm_work);
	cancel_delayed_work_sync(&d->latency_work);
	clear_bit(SAKER_F_LATENCY_ARMED, &d->flags);
	clear_bit(SAKER_F_READY, &d->flags);
}

static void saker_ring_kick(struct saker_dev *d, u64 before, u64 after)
{
	/* Crossing the watermark wakes now; anything else within latency. */
	if (before < d->wakeup_bytes && after >= d->wakeup_bytes)
		irq_work_queue(&d->wake_work);
	/*
	 * head is published before ARMED is looked at: a timer that clears
	 * ARMED after this load sees the record (pairs with the barrier in
	 * saker_ring_consume()).
	 */
	smp_mb();
	if (!test_bit(SAKER_F_LATENCY_ARMED, &d->flags) &&
	    !test_and_set_bit(SAKER_F_LATENCY_ARMED, &d->flags))
		irq_work_queue(&d->arm_work);
}

/*
 * Copy one finished record (len a multiple of 8) into the ring, or drop it
 * and count the drop. Never blocks, never overwrites unread bytes. Records
 * of unprivileged tasks may only fill the ring up to share_bytes, so that
 * a flood by one user leaves room for the host's root activity.
 */
bool saker_ring_write(struct saker_ring *r, const void *rec, u32 len,
		      bool privileged)
{
	struct saker_ring_hdr *h = r->hdr;
	u64 size = saker_dev.ring_size;
	u64 head = h->head;
	/* P1: pairs with C3, the reader is done with bytes before tail. */
	u64 tail = smp_load_acquire(&h->tail);
	u64 off = head & (size - 1);
	u64 pad = off + len > size ? size - off : 0;
	u64 limit = privileged ? size : saker_dev.share_bytes;

	if (size - (head - tail) < pad + len) {
		WRITE_ONCE(h->drops_full, h->drops_full + 1);
		return false;
	}
	if (head - tail + pad + len > limit) {
		WRITE_ONCE(h->drops_share, h->drops_share + 1);
		return false;
	}
	if (pad) {
		struct saker_rec_hdr *p = (struct saker_rec_hdr *)(r->data + off);

		p->len = pad;
		p->type = SAKER_REC_PAD;
		p->body_len = 0;
		off = 0;
	}
	memcpy(r->data + off, rec, len);			/* P2 */
	/* P3: publishes the record; pairs with the reader's C1. */
	smp_store_release(&h->head, head + pad + len);
	WRITE_ONCE(h->events, h->events + 1);
	saker_ring_kick(&saker_dev, head - tail, head + pad + len - tail);
	return true;
}

/*
 * C3: the reader hands bytes back; tail only moves forward, to at most head.
 * cmpxchg (fully ordered, so also a release) keeps two racing ioctls from
 * moving tail backwards, which would let the producer overrun the reader.
 */
int saker_ring_consume(struct saker_dev *d, u32 ring, u64 tail)
{
	struct saker_ring_hdr *h;
	u64 old;

	if (ring >= d->nr_rings || !cpu_possible(ring) ||
	    tail & (SAKER_REC_ALIGN - 1))
		return -EINVAL;
	h = d->rings[ring].hdr;
	do {
		old = READ_ONCE(h->tail);
		/* Acquire: a tail up to head covers only published records. */
		if (tail < old || tail > smp_load_acquire(&h->head))
			return -EINVAL;
	} while (cmpxchg64(&h->tail, old, tail) != old);
	/*
	 * The reader is draining (or acknowledging): the wakeup is paid. But
	 * records it has not seen (published after its look at head, while a
	 * timer was pending that has fired since) must not wait for the next
	 * event: they get a latency timer of their own. test_and_clear_bit()
	 * is fully ordered: the rings are looked at after the clear.
	 */
	if (test_and_clear_bit(SAKER_F_READY, &d->flags) && saker_rings_fill(d) &&
	    !test_and_set_bit(SAKER_F_LATENCY_ARMED, &d->flags))
		queue_delayed_work(system_wq, &d->latency_work,
				   msecs_to_jiffies(d->latency_ms));
	return 0;
}
