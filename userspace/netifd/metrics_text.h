/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The metrics room's text (metrics_text.c): a snapshot of every counter
 * and the exposition written from it a chunk at a time, for the HTTP side
 * (metrics.c) and the benchmarks.
 */
#ifndef NETIFD_METRICS_TEXT_H
#define NETIFD_METRICS_TEXT_H

#include <stddef.h>
#include <stdint.h>
#include "netif/maps.h"
#include "netif/stats.h"

struct agent;

struct snap_flow {
	char uuid[36];   /* as text: written three times, formatted once */
	uint8_t table;   /* enum netif_flow_type */
	uint8_t dir;
	struct netif_flow_stats st;
};

struct snap_llink {
	uint64_t link_id;
	uint16_t vlan;
	struct netif_llink_stats st;
};

struct snap_qset {
	uint64_t link_id;
	uint32_t index;  /* in its llink */
	struct netif_qset_stats st;
};

struct snap_filter {
	uint32_t id;
	const char *kind;
	uint64_t packets, bytes, drops;
};

struct snap_port {
	uint32_t port;
	uint64_t rx_packets, rx_drops, tx_packets, tx_drops;
};

struct snap_netif {
	char ifname[16];
	char ifname_esc[64];      /* as a label value */
	char prefix[96];          /* '{ifname="..."' */
	size_t prefix_len;
	char uuid[37];
	const char *mode;
	uint64_t up, mtu, flows_count, max_flows, attach_time;
	struct netif_stats st;
	struct netif_agent_stats ast;
	struct snap_flow *flows;
	size_t nflows, flows_cap;
	struct snap_llink *llinks;
	size_t nllinks;
	struct snap_qset *qsets;
	size_t nqsets;
	struct snap_filter *filters;
	size_t nfilters;
	struct snap_port *ports;
	size_t nports;
};

/* The agent process itself. */
struct snap_agent {
	uint64_t start_time;      /* seconds since the epoch */
	uint64_t scrapes;         /* this one included */
	double snapshot_seconds;  /* what taking this snapshot cost */
	uint64_t events_published, events_dropped, monitors;
	uint64_t netifs;
};

struct metrics_snap {
	struct snap_agent agent;
	struct snap_netif *netifs;
	size_t n;
	/* where the writer is (metrics_write) */
	unsigned int fam;
	size_t netif, item;
	int state;
};

/* Read everything now. Returns NULL without memory. */
struct metrics_snap *metrics_snapshot(struct agent *ag, const struct snap_agent *self);
void metrics_snap_free(struct metrics_snap *s);
/*
 * Write the next whole lines of the exposition into buf (at most len
 * bytes, len >= 4096). Returns the bytes written, 0 at the end.
 */
size_t metrics_write(struct metrics_snap *s, char *buf, size_t len);
/* A label value as the exposition format escapes it (\\, \", \n). Returns its length. */
size_t metrics_escape(const char *in, char *out, size_t outlen);

#endif
