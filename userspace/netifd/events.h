/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The event bus: what happened to a netif, as the domain tells it (the
 * interface advisory of XNU, and every change of configuration). The
 * domain rooms publish at the point a change is final -- from an
 * on-commit hook of its transaction (txn_on_commit), so a change that
 * aborts is never told -- and whoever listens subscribes: the channel
 * owners of exc_chan.c, the monitor connections of ctl_monitor.c.
 * Netlink-free: subscribers encode what they hear themselves.
 */
#ifndef NETIFD_EVENTS_H
#define NETIFD_EVENTS_H

#include <stdbool.h>
#include <stdint.h>
#include "netif/proto.h"

struct filter;
struct flow_rec;
struct netif;
struct netif_llink;

struct netif_event {
	uint8_t kind;        /* enum netif_event_kind (include/netif/proto.h) */
	const char *ifname;
	struct netif *nif;   /* valid while the event is published (DETACH: before teardown) */
	bool has_link;       /* the link fields below are set */
	bool up;             /* administratively up and carrier */
	uint32_t mtu;
	uint8_t mac[6];
	/* the object of the change, valid while the event is published */
	const struct flow_rec *flow;      /* FLOW_ADD, FLOW_DEL */
	const struct netif_llink *llink;  /* LLINK_ADD, LLINK_DEL */
	const struct filter *filter;      /* FILTER_ADD, FILTER_DEL */
	uint32_t port;       /* CHANNEL_*: the client port (0: a filter channel) */
	uint32_t pid;        /* CHANNEL_*: who holds it */
	const char *name;    /* CHANNEL_* of an external filter: its name */
};

/* A listener. fn must not unsubscribe anybody but itself. */
struct event_sub {
	void (*fn)(struct event_sub *s, const struct netif_event *ev);
	struct event_sub *next;
};

void events_subscribe(struct event_sub *s);
void events_unsubscribe(struct event_sub *s);
/* Tell every subscriber, in the order they subscribed. */
void events_publish(const struct netif_event *ev);
/* A subscriber could not take n events (too slow): counted for the metrics. */
void events_dropped(uint64_t n);

struct events_stats {
	unsigned int subscribers;
	uint64_t published, dropped;
};
void events_stats(struct events_stats *st);

#endif
