/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * netif nexus lifecycle with XNU's semantics: attach (provider parameters,
 * EBUSY/ENXIO/ENODEV), detach (ESRCH/ENXIO/EINVAL/EBUSY), re-adoption of
 * pinned instances after a restart, settings, and link events.
 */
#ifndef NETIFD_NEXUS_H
#define NETIFD_NEXUS_H

#include <stdbool.h>
#include <stdint.h>
#include "agent.h"
#include "rtnl.h"

struct attach_req {
	char ifname[IF_NAMESIZE];
	uint8_t mode;            /* enum netif_attach_mode */
	uint32_t rx_slots, tx_slots, buf_size, max_flows;
	bool low_latency;
};

/* Does a netif on ifname run with XNU's low-latency rules (the flag, or an llw* name)? */
bool nexus_low_latency(const char *ifname, bool flag);
/* Fill defaults, then validate against the provider parameter table. Pure. */
void attach_req_defaults(struct attach_req *req);
int attach_req_check(const struct attach_req *req, struct netif_extack *ext);

struct txn;
/* Attach, all at once (published as ATTACH). */
int nexus_attach(struct agent *ag, const struct attach_req *req, struct netif **out,
		 struct netif_extack *ext);
/* Attach as a step of t: an abort detaches again, the commit publishes ATTACH. */
int nexus_attach_txn(struct agent *ag, const struct attach_req *req, struct txn *t,
		     struct netif **out, struct netif_extack *ext);
/*
 * Instantiate without attaching to a device (tests and benchmarks): the
 * dataplane is loaded, nothing is pinned when ag->pin_root is empty.
 */
int nexus_instantiate(struct agent *ag, const struct attach_req *req, const struct link_info *li,
		      struct netif **out, struct netif_extack *ext);
/* uuid NULL: detach whatever is attached. */
int nexus_detach(struct agent *ag, struct netif *nif, const uint8_t *uuid,
		 struct netif_extack *ext);
void nexus_destroy(struct agent *ag, struct netif *nif); /* unconditional teardown */
struct netif *nexus_find(struct agent *ag, const char *ifname);
struct netif *nexus_find_index(struct agent *ag, int ifindex);
/* Re-adopt every instance pinned under ag->pin_root; stale pins are removed. */
int nexus_adopt_all(struct agent *ag);
/* Drop our handles, leave the dataplane running. */
void nexus_release_all(struct agent *ag);
void nexus_link_event(const struct link_info *li, bool deleted, void *data);
/* Resynchronise with the kernel's view of every attached link (after lost events). */
void nexus_link_resync(struct agent *ag);

/* Settings (settings.c), one at a time: validated, published at once. */
int nexus_set_default_action(struct netif *nif, uint8_t action, struct netif_extack *ext);
int nexus_set_input_rate(struct netif *nif, uint64_t rate, uint64_t burst,
			 struct netif_extack *ext);
int nexus_set_vlan_policy(struct netif *nif, uint8_t policy, struct netif_extack *ext);

/* Several settings as one change: all validated first, then applied as steps of t. */
struct netif_settings {
	bool has_default_action, has_input_rate, has_input_burst, has_shape, has_vlan_policy;
	uint8_t default_action;
	uint8_t vlan_policy;
	uint64_t input_rate, input_burst; /* bits/s, bytes (0: one second of rate) */
	uint64_t shape;                   /* bits/s, 0 = none */
};

int nexus_settings_check(struct netif *nif, const struct netif_settings *s,
			 struct netif_extack *ext);
int nexus_set(struct netif *nif, const struct netif_settings *s, struct txn *t,
	      struct netif_extack *ext);

#endif
