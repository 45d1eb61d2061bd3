/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * netifd.yaml(5): the declarative configuration of a host's netifs, as a
 * plain C description (struct cfg), its parser and its emitter (libyaml).
 * Shared by netifd (which applies a file and exports the running state)
 * and by whoever wants to read or write one. Every object keeps where it
 * was in the file (line and column of the object and of each of its keys),
 * so whoever checks it further can say where a fault is.
 *
 * The parser checks the schema: known keys, no duplicates, types, names,
 * units, the ranges of include/netif/params.h, which keys go together
 * (port with action port, burst with a rate...) and references within the
 * file (the llink a flow is scoped to, the qset a hint names). What only
 * the running agent knows (devices, XNU's flow rules, queue counts) is
 * checked by netifd before it changes anything.
 */
#ifndef NETIF_CONFIG_H
#define NETIF_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "netif/filter_abi.h"
#include "netif/params.h"

#define CFG_VERSION 1
#define CFG_IFNAME_MAX 16

struct cfg_pos {
	uint32_t line, col; /* from 1; 0: not from a file */
};

enum cfg_qset_key {
	CQK_DEFAULT, CQK_WMM, CQK_AQM, CQK_LOW_LATENCY, CQK_RX, CQK_TX, CQK_RX_BASE, CQK_TX_BASE,
	CQK_RATE, CQK_BURST, CQK_SHAPE, CQK__MAX,
};

struct cfg_qset {
	struct cfg_pos pos, kpos[CQK__MAX];
	uint32_t flags;          /* NETIF_QSET_F_* */
	uint32_t rx, tx, rx_base, tx_base;
	uint64_t rate, burst;    /* bits/s, bytes; 0: none, default */
	uint64_t shape;
};

enum cfg_llink_key { CLK_ID, CLK_VLAN, CLK_QSETS, CLK__MAX };

struct cfg_llink {
	struct cfg_pos pos, kpos[CLK__MAX];
	uint64_t id;
	bool has_vlan;
	uint16_t vlan;
	unsigned int nqsets;
	struct cfg_qset qsets[NETIF_LLINK_MAX_QSETS];
};

enum cfg_flow_key {
	CFK_UUID, CFK_DIR, CFK_LLINK, CFK_TUPLE, CFK_ULA, CFK_ETHERTYPE, CFK_PROTO, CFK_SRC, CFK_DST,
	CFK_SPORT, CFK_DPORT, CFK_TYPE, CFK_CODE, CFK_LOCAL, CFK_REMOTE, CFK_ACTION, CFK_PORT,
	CFK_REDIRECT_DEV, CFK_RATE, CFK_BURST, CFK_SHAPE, CFK_QSET_HINT, CFK__MAX,
};

struct cfg_flow {
	struct cfg_pos pos, kpos[CFK__MAX];
	bool has_uuid;
	uint8_t uuid[16];
	uint8_t type;            /* enum netif_flow_type */
	uint8_t dir;             /* enum netif_dir */
	uint16_t ethertype;
	uint8_t family;          /* of the addresses; 0: none given (both) */
	uint8_t proto;
	uint8_t mask;            /* NETIF_TUPLE_M_* of the fields given */
	uint32_t src[4], dst[4]; /* network order */
	uint16_t sport, dport;   /* host order; ICMP type and code */
	uint32_t local[4], remote[4];
	uint8_t action;          /* enum netif_action */
	uint8_t port;
	char redirect_dev[CFG_IFNAME_MAX];
	uint64_t rate, burst, shape;
	bool has_llink;
	uint64_t llink;          /* link id the flow is scoped to */
	bool has_hint;
	uint64_t hint_llink;     /* qset hint: qset number hint_qset of llink hint_llink */
	uint32_t hint_qset;
};

enum cfg_filter_key { CFIK_KIND, CFIK_FILE, CFIK_EXPR, CFIK_DIR, CFIK__MAX };

struct cfg_filter {
	struct cfg_pos pos, kpos[CFIK__MAX];
	uint8_t kind;            /* enum netif_filter_kind: pcap, count, drop */
	uint8_t dirs;            /* NETIF_FILTER_DIR_* */
	char arg[NETIF_FILTER_ARG_MAX];
};

enum cfg_netif_key {
	CNK_MODE, CNK_RX_SLOTS, CNK_TX_SLOTS, CNK_BUF_SIZE, CNK_MAX_FLOWS, CNK_LOW_LATENCY,
	CNK_DEFAULT_ACTION, CNK_INPUT_RATE, CNK_BURST, CNK_SHAPE, CNK_UNKNOWN_VLAN, CNK_LLINKS,
	CNK_FLOWS, CNK_FILTERS, CNK__MAX,
};

struct cfg_netif {
	struct cfg_pos pos, kpos[CNK__MAX];
	char ifname[CFG_IFNAME_MAX];
	uint8_t mode;            /* enum netif_attach_mode */
	uint32_t rx_slots, tx_slots, buf_size, max_flows;
	bool low_latency;
	uint8_t default_action;
	uint8_t unknown_vlan;    /* enum netif_vlan_policy */
	uint64_t input_rate, input_burst, shape;
	struct cfg_llink *llinks;
	unsigned int nllinks;
	struct cfg_flow *flows;
	unsigned int nflows;
	struct cfg_filter *filters;
	unsigned int nfilters;
};

struct cfg {
	struct cfg_netif *netifs;
	unsigned int n;
};

struct cfg_error {
	struct cfg_pos pos;
	char path[96];           /* "netifs.eth0.flows[3].dport" */
	char msg[160];
};

/* A netif with every key at its default (what a key left out means). */
void cfg_netif_defaults(struct cfg_netif *n);
/* A flow as the file would have it with only its match and action (dir in, pass). */
void cfg_flow_defaults(struct cfg_flow *f);

/* Parse text (len bytes, not NUL-terminated). 0, or -EINVAL with *err filled. */
int cfg_parse(const char *text, size_t len, struct cfg *out, struct cfg_error *err);
void cfg_free(struct cfg *c);
/* Add an empty object to an array of c (the export builds its description this way). */
struct cfg_netif *cfg_add_netif(struct cfg *c);
struct cfg_llink *cfg_add_llink(struct cfg_netif *n);
struct cfg_flow *cfg_add_flow(struct cfg_netif *n);
struct cfg_filter *cfg_add_filter(struct cfg_netif *n);

/* The whole file's text (malloc'd, *len bytes, NUL-terminated). 0 or -errno. */
int cfg_emit(const struct cfg *c, char **text, size_t *len);
/* One object as a one-line flow mapping ("{tuple: {proto: udp, dport: 53}, action: drop}"). */
int cfg_emit_flow(const struct cfg_flow *f, char *buf, size_t len);
int cfg_emit_llink(const struct cfg_llink *l, char *buf, size_t len);
int cfg_emit_filter(const struct cfg_filter *f, char *buf, size_t len);

/* "FILE:LINE:COL: PATH: MESSAGE" (what an error of a file says). */
void cfg_error_format(const struct cfg_error *e, const char *file, char *buf, size_t len);

#endif
