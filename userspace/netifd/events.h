/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What happened to a netif, as the domain tells it (the interface
 * advisory of XNU): the protocol rooms encode it for whoever listens.
 */
#ifndef NETIFD_EVENTS_H
#define NETIFD_EVENTS_H

#include <stdbool.h>
#include <stdint.h>

struct netif_event {
	uint8_t kind;        /* enum netif_event_kind (include/netif/proto.h) */
	const char *ifname;
	bool has_link;       /* the link fields below are set */
	bool up;             /* administratively up and carrier */
	uint32_t mtu;
	uint8_t mac[6];
};

#endif
