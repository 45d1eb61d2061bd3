/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Operations on the single-producer single-consumer rings of
 * include/netif/ring.h, shared by netifd and libnetif clients. The region
 * is written by the other side too, so nothing is taken from it but the
 * other side's index, read once per operation: the geometry (base, slot
 * count and size) is each side's own copy taken when the channel was set
 * up, and each side keeps its own index (the producer's head, the
 * consumer's tail) privately, publishing it and never reading it back. An
 * index pair the ring cannot hold reads as empty (consumer) or full
 * (producer).
 */
#ifndef NETIF_RING_OPS_H
#define NETIF_RING_OPS_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "netif/ring.h"

struct ring_view {
	uint8_t *slot0;
	uint32_t slots;     /* power of two */
	uint32_t slot_size;
	uint32_t *head;     /* in shared memory */
	uint32_t *tail;     /* in shared memory */
	uint32_t own;       /* our index: head when we produce, tail when we consume */
};

/* own_idx: where our index starts (0 for a new region). */
static inline void ring_view_init(struct ring_view *v, void *region, struct netif_ring *r,
				  uint64_t offset, uint32_t slots, uint32_t slot_size, uint32_t own_idx)
{
	v->slot0 = (uint8_t *)region + offset;
	v->slots = slots;
	v->slot_size = slot_size;
	v->head = &r->head;
	v->tail = &r->tail;
	v->own = own_idx;
}

static inline struct netif_slot *ring_slot(const struct ring_view *v, uint32_t idx)
{
	return (struct netif_slot *)(v->slot0 + (size_t)(idx & (v->slots - 1)) * v->slot_size);
}

/* Producer: the next free slot, or NULL when full. */
static inline struct netif_slot *ring_prod_reserve(const struct ring_view *v)
{
	uint32_t tail = __atomic_load_n(v->tail, __ATOMIC_ACQUIRE);

	/* a tail ahead of our head wraps to a huge distance: full */
	if (v->own - tail >= v->slots)
		return NULL;
	return ring_slot(v, v->own);
}

static inline void ring_prod_submit(struct ring_view *v)
{
	v->own++;
	__atomic_store_n(v->head, v->own, __ATOMIC_RELEASE);
}

/* Consumer: frames waiting (0 when the other side's head makes no sense). */
static inline uint32_t ring_count(const struct ring_view *v)
{
	uint32_t n = __atomic_load_n(v->head, __ATOMIC_ACQUIRE) - v->own;

	return n > v->slots ? 0 : n;
}

/* Consumer: the oldest filled slot, or NULL when empty. */
static inline struct netif_slot *ring_cons_peek(const struct ring_view *v)
{
	return ring_count(v) ? ring_slot(v, v->own) : NULL;
}

static inline void ring_cons_release(struct ring_view *v)
{
	v->own++;
	__atomic_store_n(v->tail, v->own, __ATOMIC_RELEASE);
}

/*
 * Copy n bytes out of memory the other side may be rewriting right now.
 * The fence keeps the compiler from reading the source again later in
 * place of the copy: after it, only the copy exists.
 */
static inline void ring_snapshot(void *dst, const void *src, size_t n)
{
	memcpy(dst, src, n);
	__asm__ __volatile__("" ::: "memory");
}

/* Size of a channel region and where its rings start. */
static inline size_t netif_region_layout(uint32_t rx_slots, uint32_t tx_slots, uint32_t buf_size,
					 uint64_t *rx_off, uint64_t *tx_off)
{
	uint32_t ss = netif_slot_size(buf_size);
	size_t hdr = (sizeof(struct netif_chan_region) + 4095) & ~(size_t)4095;

	*rx_off = hdr;
	*tx_off = hdr + (size_t)rx_slots * ss;
	return (*tx_off + (size_t)tx_slots * ss + 4095) & ~(size_t)4095;
}

#endif
