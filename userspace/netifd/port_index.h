/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The port index (maps.h, NETIF_PORT_INDEX): TCP and UDP tuple flows that
 * name a single port, found by the fast path with two array reads. Derived
 * from the tuple tables, which stay the source of truth: netifd writes a
 * flow's copy into port_flows, then its index entry; removal in reverse.
 */
#ifndef NETIFD_PORT_INDEX_H
#define NETIFD_PORT_INDEX_H

#include <stdbool.h>
#include <stdint.h>
#include "netif/maps.h"
#include "tuple_filter.h"

struct port_index {
	uint16_t *idx;                     /* the index itself, through mmap (entry k at idx[k]) */
	uint16_t *expect;                  /* restart: what the index must become */
	uint8_t used[NETIF_PORT_FLOWS / 8]; /* port_flows entries in use */
	uint32_t hint;
	bool defer;                        /* restart: collect in expect, write with pi_sync() */
};

int pi_init(struct port_index *pi);
void pi_free(struct port_index *pi);
/* Is this tuple key one the port index holds? */
bool pi_covers(const struct tf_key *k);
/* Index a covered key's flow (v), or forget it. fds: port_index, port_flows. */
int pi_add(struct port_index *pi, int idx_fd, int flows_fd, const struct tf_key *k,
	   const struct netif_flow *v);
int pi_del(struct port_index *pi, int idx_fd, const struct tf_key *k);
/* Point a covered key's entry at a new copy of its changed flow. */
int pi_replace(struct port_index *pi, int idx_fd, int flows_fd, const struct tf_key *k,
	       const struct netif_flow *v);
/* Make the index what the deferred adds say (after a restart); adopted entries stay. */
int pi_sync(struct port_index *pi, int idx_fd);

#endif
