/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The filter chain of a netif (XNU netif filters): frames the fast path
 * hands up pass through the filters in order. Built-ins use libpcap: pcap
 * writes a capture file, drop matches a pcap-filter(7) expression; count
 * counts. An external filter is a process behind a channel: the frame is
 * handed over and the chain resumes when the process returns it.
 */
#ifndef NETIFD_FILTER_H
#define NETIFD_FILTER_H

#include <stdbool.h>
#include <stdint.h>
#include "netif/filter_abi.h"
#include "netif/ring.h"
#include "extack.h"

/* No libpcap types here: its headers clash with linux/bpf.h. */
struct filter_pcap;

struct chan;

/* A frame on the exception path: the bytes and the state of its journey. */
struct exc_pkt {
	const uint8_t *data;
	uint32_t len;
	bool mirror;           /* egress copy whose original went on: observers only */
	struct netif_slot hdr; /* reason, action, port, flow, llink, dir, timestamp; last: ends in data[] */
};

enum filter_verdict {
	FILTER_PASS,
	FILTER_DROP,
	FILTER_PENDING, /* handed to an external filter */
};

/*
 * A frame an external filter holds: the journey's state stays here, the
 * filter sees a copy and hands back only a verdict and the frame (the
 * cookie it echoes picks the entry; a forged or repeated one finds none).
 */
struct filter_held {
	uint32_t seq;
	bool busy;
	struct netif_slot hdr;
};

struct filter {
	uint32_t id;
	uint8_t kind;            /* enum netif_filter_kind */
	uint8_t dirs;            /* NETIF_FILTER_DIR_* */
	char arg[NETIF_FILTER_ARG_MAX];
	uint64_t packets, bytes, drops;
	int pin_slot;            /* built-in: its entry in the pinned "filters" map, -1 none */
	uint64_t file_dev, file_ino; /* pcap: the capture file written */
	struct filter_pcap *px;  /* libpcap state of pcap and drop */
	struct chan *chan;       /* external */
	struct filter_held *held; /* external: frames handed over, by sequence number */
	uint32_t held_mask, held_seq;
	struct filter *next;
};

struct filter_chain {
	struct filter *head;
	uint32_t next_id;
	unsigned int n;
};

/* Build a built-in filter (opens the capture file, compiles the expression). */
int filter_builtin_new(uint8_t kind, const char *arg, uint8_t dirs, struct filter **out,
		       struct netif_extack *ext);
/*
 * Rebuild a built-in filter from its pinned record (agent restart): same
 * id and counters, and a pcap filter only with the capture file it wrote.
 */
int filter_builtin_restore(const struct netif_filter_rec *rec, struct filter **out,
			   struct netif_extack *ext);
/* An external filter behind chan, able to hold up to slots frames at once. */
struct filter *filter_external_new(const char *name, struct chan *chan, uint32_t slots);
/*
 * The state of the frame an external filter hands back with this cookie,
 * taken (a second return of the same frame finds nothing): 0 with *hdr
 * set, -ENOENT for a cookie netifd did not give out or already took back.
 */
int filter_held_take(struct filter *f, uint64_t cookie, struct netif_slot *hdr);
void filter_free(struct filter *f);

/* Append with a fresh id (or keep f->id when non-zero: rebuilt from pins). */
void filter_chain_append(struct filter_chain *ch, struct filter *f);
struct filter *filter_chain_find(struct filter_chain *ch, uint32_t id);
/* Unlink (not free) the filter with this id. */
struct filter *filter_chain_remove(struct filter_chain *ch, uint32_t id);
/*
 * Run p through the chain, from the head (after NULL) or from the filter
 * following after (resuming once an external filter gave the frame back).
 * On FILTER_PENDING *at is the external filter now holding the frame.
 */
enum filter_verdict filter_chain_run(struct filter_chain *ch, const struct filter *after,
				     struct exc_pkt *p, struct filter **at);
void filter_chain_flush(struct filter_chain *ch);
/* The filter only looks (pcap, count): it can neither drop nor rewrite a frame. */
bool filter_observes(const struct filter *f);
/* Every filter that sees departing frames only looks: egress copies can be mirrored. */
bool filter_chain_tx_observes(const struct filter_chain *ch);
const char *filter_kind_name(uint8_t kind);
int filter_kind_parse(const char *s);

#endif
