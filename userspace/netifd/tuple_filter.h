/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The tuple masks in use and the tuple filter (struct netif_tuple_filter):
 * reference counts of every (slot, mask) and of every (slot, mask, field,
 * bucket), and the map entries they imply. The fast path reads the result
 * from netif_cfg (tuple_ranks, tuple_filter) and the tuple_filter map.
 */
#ifndef NETIFD_TUPLE_FILTER_H
#define NETIFD_TUPLE_FILTER_H

#include <stdbool.h>
#include <stdint.h>
#include "netif/maps.h"

#define TF_FIELDS 5 /* src, dst, sport, dport, protocol */

struct tuple_filter {
	uint32_t mask_refs[NETIF_TUPLE_SLOTS][NETIF_TUPLE_MASKS]; /* keys per (slot, rank) */
	/* keys per (slot, rank, field) and bucket; allocated on first use */
	uint32_t *refs[NETIF_TUPLE_SLOTS][NETIF_TUPLE_MASKS][TF_FIELDS];
	uint32_t occupied[NETIF_TUPLE_SLOTS][TF_FIELDS]; /* buckets with any bit set */
	struct netif_tuple_filter *shadow; /* what the map must hold */
	struct netif_tuple_filter *map;    /* the map itself, through mmap */
	bool defer;                        /* collect, write with tf_sync() */
};

/* A tuple key as the filter sees it. Addresses and ports in network order. */
struct tf_key {
	uint8_t slot;   /* NETIF_TUPLE_SLOT(dir, family) */
	uint8_t family;
	uint8_t mask;   /* NETIF_TUPLE_M_* */
	uint8_t proto;
	uint32_t src[4], dst[4];
	uint16_t sport, dport;
};

int tf_init(struct tuple_filter *tf);
void tf_free(struct tuple_filter *tf);
int tf_rank_of(uint8_t mask);
/*
 * One key more (delta 1) or less (-1). Filter entries whose bits change are
 * written to map_fd at once, unless tf->defer. Returns 0 or -errno (the
 * counts are restored on error).
 */
int tf_account(struct tuple_filter *tf, int map_fd, const struct tf_key *k, int delta);
/* Write the whole filter (after deferred accounting). */
int tf_sync(struct tuple_filter *tf, int map_fd);
/*
 * What netif_cfg must say: the ranks in use per slot, and which fields the
 * fast path checks there (tuple_fields): the fields the masks name whose
 * buckets are at most a quarter full, and the protocol; with one or two
 * masks only if that is at most two fields (two cheap array reads against
 * a probe of the hash table), none when nothing would be pruned.
 */
void tf_cfg(const struct tuple_filter *tf, struct netif_cfg *cfg);

#endif
