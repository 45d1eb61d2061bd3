/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The agent's heartbeat in a netif's "agent_alive" map, which the TC
 * program checks before it hands a departing packet to the agent
 * (tc/liveness.bpf.h): stored on every tick while the egress path is up,
 * cleared when it goes down. Older than LIVENESS_STALE_NS means no agent,
 * and packets go on without one; records the agent finds it could not
 * have taken in time are dropped, never sent late.
 */
#ifndef NETIFD_LIVENESS_H
#define NETIFD_LIVENESS_H

#include <stdbool.h>
#include <stdint.h>
#include "netif/maps.h"

#define LIVENESS_STALE_NS 1000000000ULL /* 1 s */
#define LIVENESS_BEAT_NS 100000000ULL   /* the tick stores at least this often */

struct liveness {
	struct netif_liveness *mem; /* the map's value, mapped */
	uint64_t last_ns;           /* our last beat */
};

uint64_t liveness_now(void);
/* Map the value (BPF_F_MMAPABLE) and mark no agent until the first beat. */
int liveness_open(struct liveness *l, int map_fd);
/* No agent from now on; unmap. */
void liveness_close(struct liveness *l);
/* Store a beat (at most every LIVENESS_BEAT_NS unless forced). */
void liveness_beat(struct liveness *l, uint64_t now, bool force);
/* Did the program go without us since our last beat (we were stopped or wedged)? */
bool liveness_lapsed(const struct liveness *l, uint64_t now);

#endif
