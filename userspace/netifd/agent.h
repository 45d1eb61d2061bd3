/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The agent's state: the registry of netif instances it manages. */
#ifndef NETIFD_AGENT_H
#define NETIFD_AGENT_H

#include <limits.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <uthash.h>
#include "dataplane.h"
#include "flow.h"
#include "llink.h"

#define NETIF_MAX_REDIRECTS 64

struct redirect_ref {
	uint32_t ifindex;
	uint32_t refs;
};

/* One netif nexus instance: an attached interface. */
struct netif {
	int ifindex;
	char ifname[IF_NAMESIZE];
	struct netif_info info;  /* mirror of the pinned netif_info */
	struct netif_cfg cfg;    /* mirror of the pinned netif_cfg */
	struct dataplane dp;
	struct flow_table flows;
	struct llink_table *llinks;
	struct exc_netif *exc;     /* exception path state, NULL when idle */
	struct shape_state *shape; /* egress shaping state, NULL when unshaped */
	struct reinjector *rj;     /* re-injection ring, NULL until first used */
	struct redirect_ref redirects[NETIF_MAX_REDIRECTS];
	bool link_up;            /* last operational state seen, for advisories */
	UT_hash_handle hh;       /* agent.netifs, keyed by ifindex */
};

struct agent {
	char pin_root[PATH_MAX];
	/* where peers other than root may have capture files written (docs/security.md) */
	char capture_dir[PATH_MAX];
	struct netif *netifs;
};

#endif
