/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Operations on the single-producer single-consumer rings of
 * include/netif/ring.h, shared by netifd and libnetif clients. The geometry
 * (base, slot count and size) is each side's own copy, taken when the
 * channel was set up: neither side trusts sizes it reads from the shared
 * region, only the two indexes, and a bad index pair reads as empty/full.
 */
#ifndef NETIF_RING_OPS_H
#define NETIF_RING_OPS_H

#include <stddef.h>
#include <stdint.h>
#include "netif/ring.h"

struct ring_view {
	uint8_t *slot0;
	uint32_t slots;     /* power of two */
	uint32_t slot_size;
	uint32_t *head;     /* in shared memory */
	uint32_t *tail;     /* in shared memory */
};

static inline void ring_view_init(struct ring_view *v, void *region, struct netif_ring *r,
				  uint64_t offset, uint32_t slots, uint32_t slot_size)
{
	v->slot0 = (uint8_t *)region + offset;
	v->slots = slots;
	v->slot_size = slot_size;
	v->head = &r->head;
	v->tail = &r->tail;
}

static inline struct netif_slot *ring_slot(const struct ring_view *v, uint32_t idx)
{
	return (struct netif_slot *)(v->slot0 + (size_t)(idx & (v->slots - 1)) * v->slot_size);
}

/* Producer: the next free slot, or NULL when full. */
static inline struct netif_slot *ring_prod_reserve(const struct ring_view *v)
{
	uint32_t head = __atomic_load_n(v->head, __ATOMIC_RELAXED);
	uint32_t tail = __atomic_load_n(v->tail, __ATOMIC_ACQUIRE);

	if (head - tail >= v->slots)
		return NULL;
	return ring_slot(v, head);
}

static inline void ring_prod_submit(const struct ring_view *v)
{
	uint32_t head = __atomic_load_n(v->head, __ATOMIC_RELAXED);

	__atomic_store_n(v->head, head + 1, __ATOMIC_RELEASE);
}

/* Consumer: the oldest filled slot, or NULL when empty. */
static inline struct netif_slot *ring_cons_peek(const struct ring_view *v)
{
	uint32_t tail = __atomic_load_n(v->tail, __ATOMIC_RELAXED);
	uint32_t head = __atomic_load_n(v->head, __ATOMIC_ACQUIRE);

	if (head == tail || head - tail > v->slots)
		return NULL;
	return ring_slot(v, tail);
}

static inline void ring_cons_release(const struct ring_view *v)
{
	uint32_t tail = __atomic_load_n(v->tail, __ATOMIC_RELAXED);

	__atomic_store_n(v->tail, tail + 1, __ATOMIC_RELEASE);
}

static inline uint32_t ring_count(const struct ring_view *v)
{
	uint32_t n = __atomic_load_n(v->head, __ATOMIC_ACQUIRE) - __atomic_load_n(v->tail, __ATOMIC_ACQUIRE);

	return n > v->slots ? 0 : n;
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
