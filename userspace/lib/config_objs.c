// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The objects of netifd.yaml(5): the keys of a netif, an llink and its
 * qsets, a flow and a filter, and what the file must say of each that a
 * single key cannot (one match per flow, a port with action port, the
 * llink a flow is scoped to exists...). The values are netifctl's words.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <netinet/in.h>
#include "netif/maps.h"
#include "config_priv.h"
#include "names.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define HAS(seen, id) (((seen) >> (id)) & 1)

/* A word of names.h's: parse returns its value or -1. */
static int name_u8(struct yp *p, int (*parse)(const char *s), const char *expect, uint8_t *out)
{
	char word[32];
	int v, err = cfgp_str(p, word, sizeof(word), expect);

	if (err)
		return err;
	v = parse(word);
	if (v < 0)
		return cfgp_fail(p, NULL, NULL, "\"%s\" is not %s", word, expect);
	*out = v;
	return 0;
}

static int default_action_parse(const char *s)
{
	int a = netif_action_parse(s);

	return a == NETIF_ACTION_PASS || a == NETIF_ACTION_DROP || a == NETIF_ACTION_EXCEPTION ? a : -1;
}

/* ---- qsets and llinks ------------------------------------------------------ */

static const uint32_t qset_flag[] = {
	[CQK_DEFAULT] = NETIF_QSET_F_DEFAULT, [CQK_WMM] = NETIF_QSET_F_WMM,
	[CQK_AQM] = NETIF_QSET_F_AQM, [CQK_LOW_LATENCY] = NETIF_QSET_F_LOW_LATENCY,
};

static int qset_key(struct yp *p, void *obj, int id)
{
	struct cfg_qset *q = obj;
	bool on;
	int err;

	switch (id) {
	case CQK_DEFAULT:
	case CQK_WMM:
	case CQK_AQM:
	case CQK_LOW_LATENCY:
		err = cfgp_bool(p, &on);
		if (!err && on)
			q->flags |= qset_flag[id];
		return err;
	case CQK_RX:
		return cfgp_u32(p, 0, NETIF_QSET_MAX_QUEUES, &q->rx);
	case CQK_TX:
		return cfgp_u32(p, 0, NETIF_QSET_MAX_QUEUES, &q->tx);
	case CQK_RX_BASE:
		return cfgp_u32(p, 0, 65535, &q->rx_base);
	case CQK_TX_BASE:
		return cfgp_u32(p, 0, 65535, &q->tx_base);
	case CQK_RATE:
		return cfgp_rate(p, &q->rate);
	case CQK_BURST:
		return cfgp_size(p, &q->burst);
	}
	return cfgp_rate(p, &q->shape);
}

static const struct cfgp_key qset_keys[] = {
	{ "default", CQK_DEFAULT, qset_key }, { "wmm", CQK_WMM, qset_key },
	{ "aqm", CQK_AQM, qset_key },         { "low-latency", CQK_LOW_LATENCY, qset_key },
	{ "rx", CQK_RX, qset_key },           { "tx", CQK_TX, qset_key },
	{ "rx-base", CQK_RX_BASE, qset_key }, { "tx-base", CQK_TX_BASE, qset_key },
	{ "rate", CQK_RATE, qset_key },       { "burst", CQK_BURST, qset_key },
	{ "shape", CQK_SHAPE, qset_key },
};

static int qset_item(struct yp *p, void *obj, unsigned int i)
{
	struct cfg_llink *l = obj;
	struct cfg_qset *q;
	uint64_t seen;
	int err;

	if (l->nqsets >= NETIF_LLINK_MAX_QSETS)
		return cfgp_fail(p, NULL, NULL, "an llink has at most %d qsets", NETIF_LLINK_MAX_QSETS);
	q = &l->qsets[l->nqsets++];
	cfgp_here(p, &q->pos);
	err = cfgp_map(p, qset_keys, ARRAY_SIZE(qset_keys), q, q->kpos, &seen);
	if (!err && HAS(seen, CQK_BURST) && !q->rate)
		err = cfgp_fail(p, &q->kpos[CQK_BURST], NULL, "burst needs a rate");
	return err;
}

static int llink_key(struct yp *p, void *obj, int id)
{
	struct cfg_llink *l = obj;
	uint32_t vlan;
	int err;

	switch (id) {
	case CLK_ID:
		return cfgp_u64(p, 1, UINT64_MAX, &l->id);
	case CLK_VLAN:
		err = cfgp_u32(p, 1, 4094, &vlan);
		l->has_vlan = !err;
		l->vlan = vlan;
		return err;
	}
	return cfgp_list(p, qset_item, l);
}

static const struct cfgp_key llink_keys[] = {
	{ "id", CLK_ID, llink_key }, { "vlan", CLK_VLAN, llink_key }, { "qsets", CLK_QSETS, llink_key },
};

static int llink_item(struct yp *p, void *obj, unsigned int i)
{
	struct cfg_netif *n = obj;
	struct cfg_llink *l = cfg_add_llink(n);
	uint64_t seen;
	int err;

	if (!l)
		return -ENOMEM;
	cfgp_here(p, &l->pos);
	err = cfgp_map(p, llink_keys, ARRAY_SIZE(llink_keys), l, l->kpos, &seen);
	if (!err && !HAS(seen, CLK_ID))
		err = cfgp_fail(p, &l->pos, NULL, "an llink needs an id (the default llink, 0, is implicit)");
	if (!err && !l->nqsets)
		err = cfgp_fail(p, &l->pos, NULL, "an llink needs qsets");
	return err;
}

/* ---- flows ----------------------------------------------------------------- */

/* Seen keys of the flow being parsed, kept across its nested mappings. */
struct flow_ctx {
	struct cfg_flow *f;
	uint64_t seen;
};

static int addr_key(struct yp *p, struct cfg_flow *f, uint32_t out[4], int id)
{
	uint8_t fam;
	int err = cfgp_addr(p, out, &fam);

	if (err)
		return err;
	if (f->family && f->family != fam)
		return cfgp_fail(p, NULL, NULL, "addresses of one family only (IPv4 or IPv6)");
	if (f->type == NETIF_FLOW_ULA && fam != 6)
		return cfgp_fail(p, NULL, NULL, "an ula address is IPv6");
	f->family = fam;
	return 0;
}

static int port_key(struct yp *p, struct cfg_flow *f, int id)
{
	uint32_t v;
	bool icmp = id == CFK_TYPE || id == CFK_CODE;
	int err = cfgp_u32(p, icmp ? 0 : 1, icmp ? 255 : 65535, &v);

	if (err)
		return err;
	if (id == CFK_SPORT || id == CFK_TYPE) {
		f->sport = v;
		f->mask |= NETIF_TUPLE_M_SPORT;
	} else {
		f->dport = v;
		f->mask |= NETIF_TUPLE_M_DPORT;
	}
	return 0;
}

static int match_key(struct yp *p, void *obj, int id)
{
	struct flow_ctx *fc = obj;
	struct cfg_flow *f = fc->f;
	char name[16];
	int proto;

	switch (id) {
	case CFK_PROTO:
		if (!cfgp_str(p, name, sizeof(name), "a protocol") && (proto = netif_proto_parse(name)) >= 0) {
			f->proto = proto;
			return 0;
		}
		return cfgp_fail(p, NULL, NULL, "proto must be tcp, udp, icmp, icmpv6 or 0..255");
	case CFK_SRC:
		f->mask |= NETIF_TUPLE_M_SRC;
		return addr_key(p, f, f->src, id);
	case CFK_DST:
		f->mask |= NETIF_TUPLE_M_DST;
		return addr_key(p, f, f->dst, id);
	case CFK_LOCAL:
		return addr_key(p, f, f->local, id);
	case CFK_REMOTE:
		return addr_key(p, f, f->remote, id);
	}
	return port_key(p, f, id);
}

static const struct cfgp_key tuple_keys[] = {
	{ "proto", CFK_PROTO, match_key }, { "src", CFK_SRC, match_key },
	{ "dst", CFK_DST, match_key },     { "sport", CFK_SPORT, match_key },
	{ "dport", CFK_DPORT, match_key }, { "type", CFK_TYPE, match_key },
	{ "code", CFK_CODE, match_key },
};

static const struct cfgp_key ula_keys[] = {
	{ "local", CFK_LOCAL, match_key }, { "remote", CFK_REMOTE, match_key },
};

enum { HINT_LLINK, HINT_QSET };

static int hint_key(struct yp *p, void *obj, int id)
{
	struct cfg_flow *f = obj;

	if (id == HINT_LLINK)
		return cfgp_u64(p, 0, UINT64_MAX, &f->hint_llink);
	return cfgp_u32(p, 0, NETIF_LLINK_MAX_QSETS - 1, &f->hint_qset);
}

static const struct cfgp_key hint_keys[] = {
	{ "llink", HINT_LLINK, hint_key }, { "qset", HINT_QSET, hint_key },
};

/* A nested match: tuple and ula are mappings, their keys the flow's own. */
static int match_map(struct yp *p, struct flow_ctx *fc, int id)
{
	struct cfg_flow *f = fc->f;
	uint64_t seen;
	int err;

	if (f->type)
		return cfgp_fail(p, NULL, NULL, "one match per flow (tuple, ula or ethertype)");
	f->type = id == CFK_TUPLE ? NETIF_FLOW_TUPLE : NETIF_FLOW_ULA;
	err = id == CFK_TUPLE ? cfgp_map(p, tuple_keys, ARRAY_SIZE(tuple_keys), fc, f->kpos, &seen)
			      : cfgp_map(p, ula_keys, ARRAY_SIZE(ula_keys), fc, f->kpos, &seen);
	fc->seen |= seen;
	return err;
}

static int flow_key(struct yp *p, void *obj, int id)
{
	struct flow_ctx *fc = obj;
	struct cfg_flow *f = fc->f;
	uint64_t seen;
	uint32_t v;
	int err;

	switch (id) {
	case CFK_UUID:
		f->has_uuid = true;
		return cfgp_uuid(p, f->uuid);
	case CFK_DIR:
		return name_u8(p, netif_dir_parse, "in or out", &f->dir);
	case CFK_LLINK:
		f->has_llink = true;
		return cfgp_u64(p, 0, UINT64_MAX, &f->llink);
	case CFK_TUPLE:
	case CFK_ULA:
		return match_map(p, fc, id);
	case CFK_ETHERTYPE:
		if (f->type)
			return cfgp_fail(p, NULL, NULL, "one match per flow (tuple, ula or ethertype)");
		f->type = NETIF_FLOW_ETHERTYPE;
		return cfgp_u32(p, 0, 0xffff, &v) ?: (f->ethertype = v, 0);
	case CFK_ACTION:
		return name_u8(p, netif_action_parse, "pass, drop, exception, port or redirect",
			       &f->action);
	case CFK_PORT:
		return cfgp_u32(p, NETIF_PORT_CLIENT_MIN, NETIF_PORT_MAX - 1, &v) ?: (f->port = v, 0);
	case CFK_REDIRECT_DEV:
		return cfgp_ifname(p, f->redirect_dev, "an interface name");
	case CFK_RATE:
		return cfgp_rate(p, &f->rate);
	case CFK_BURST:
		return cfgp_size(p, &f->burst);
	case CFK_SHAPE:
		return cfgp_rate(p, &f->shape);
	}
	f->has_hint = true;
	err = cfgp_map(p, hint_keys, ARRAY_SIZE(hint_keys), f, NULL, &seen);
	if (!err && seen != 3)
		err = cfgp_fail(p, &f->kpos[CFK_QSET_HINT], NULL, "a qset hint names an llink and "
				"its qset: {llink: ID, qset: N}");
	return err;
}

static const struct cfgp_key flow_keys[] = {
	{ "uuid", CFK_UUID, flow_key },     { "dir", CFK_DIR, flow_key },
	{ "llink", CFK_LLINK, flow_key },   { "tuple", CFK_TUPLE, flow_key },
	{ "ula", CFK_ULA, flow_key },       { "ethertype", CFK_ETHERTYPE, flow_key },
	{ "action", CFK_ACTION, flow_key }, { "port", CFK_PORT, flow_key },
	{ "redirect-dev", CFK_REDIRECT_DEV, flow_key },
	{ "rate", CFK_RATE, flow_key },     { "burst", CFK_BURST, flow_key },
	{ "shape", CFK_SHAPE, flow_key },   { "qset-hint", CFK_QSET_HINT, flow_key },
};

/* What a flow's keys must say together. */
static int flow_check(struct yp *p, const struct cfg_flow *f, uint64_t seen)
{
	bool icmp = f->proto == IPPROTO_ICMP || f->proto == IPPROTO_ICMPV6;
	const struct cfg_pos *at = &f->pos;

	if (!f->type)
		return cfgp_fail(p, at, NULL, "a flow needs a match: tuple, ula or ethertype");
	if (!HAS(seen, CFK_ACTION))
		return cfgp_fail(p, at, NULL, "a flow needs an action");
	if (f->type == NETIF_FLOW_TUPLE && !HAS(seen, CFK_PROTO))
		return cfgp_fail(p, &f->kpos[CFK_TUPLE], "tuple", "a tuple needs a proto");
	if (f->type == NETIF_FLOW_ULA && !(HAS(seen, CFK_LOCAL) && HAS(seen, CFK_REMOTE)))
		return cfgp_fail(p, &f->kpos[CFK_ULA], "ula", "an ula match needs local and remote");
	if ((HAS(seen, CFK_SPORT) || HAS(seen, CFK_DPORT)) && icmp)
		return cfgp_fail(p, &f->kpos[HAS(seen, CFK_SPORT) ? CFK_SPORT : CFK_DPORT], "tuple",
				 "icmp has type and code, not ports");
	if ((HAS(seen, CFK_TYPE) || HAS(seen, CFK_CODE)) && !icmp)
		return cfgp_fail(p, &f->kpos[HAS(seen, CFK_TYPE) ? CFK_TYPE : CFK_CODE], "tuple",
				 "type and code are icmp's");
	if ((HAS(seen, CFK_SPORT) && HAS(seen, CFK_TYPE)) || (HAS(seen, CFK_DPORT) && HAS(seen, CFK_CODE)))
		return cfgp_fail(p, at, "tuple", "ports or type and code, not both");
	if ((f->action == NETIF_ACTION_PORT) != HAS(seen, CFK_PORT))
		return cfgp_fail(p, HAS(seen, CFK_PORT) ? &f->kpos[CFK_PORT] : &f->kpos[CFK_ACTION],
				 HAS(seen, CFK_PORT) ? "port" : "action",
				 "a port goes with action port, and action port with a port");
	if ((f->action == NETIF_ACTION_REDIRECT) != HAS(seen, CFK_REDIRECT_DEV))
		return cfgp_fail(p, HAS(seen, CFK_REDIRECT_DEV) ? &f->kpos[CFK_REDIRECT_DEV]
								 : &f->kpos[CFK_ACTION],
				 HAS(seen, CFK_REDIRECT_DEV) ? "redirect-dev" : "action",
				 "redirect-dev goes with action redirect, and action redirect with "
				 "redirect-dev");
	if (HAS(seen, CFK_BURST) && !f->rate)
		return cfgp_fail(p, &f->kpos[CFK_BURST], "burst", "burst needs a rate");
	return 0;
}

static int flow_item(struct yp *p, void *obj, unsigned int i)
{
	struct cfg_netif *n = obj;
	struct flow_ctx fc = { .f = cfg_add_flow(n) };
	uint64_t seen;
	int err;

	if (!fc.f)
		return -ENOMEM;
	cfgp_here(p, &fc.f->pos);
	err = cfgp_map(p, flow_keys, ARRAY_SIZE(flow_keys), &fc, fc.f->kpos, &seen);
	return err ?: flow_check(p, fc.f, seen | fc.seen);
}

/* ---- filters ----------------------------------------------------------------- */

static int filter_key(struct yp *p, void *obj, int id)
{
	struct cfg_filter *f = obj;

	switch (id) {
	case CFIK_KIND:
		return name_u8(p, netif_filter_kind_parse, "pcap, count or drop", &f->kind);
	case CFIK_DIR:
		return name_u8(p, netif_filter_dirs_parse, "rx, tx or both", &f->dirs);
	}
	return cfgp_str(p, f->arg, sizeof(f->arg), id == CFIK_FILE ? "a file name" : "an expression");
}

static const struct cfgp_key filter_keys[] = {
	{ "kind", CFIK_KIND, filter_key }, { "file", CFIK_FILE, filter_key },
	{ "expr", CFIK_EXPR, filter_key }, { "dir", CFIK_DIR, filter_key },
};

static int filter_item(struct yp *p, void *obj, unsigned int i)
{
	struct cfg_netif *n = obj;
	struct cfg_filter *f = cfg_add_filter(n);
	uint64_t seen;
	int err;

	if (!f)
		return -ENOMEM;
	cfgp_here(p, &f->pos);
	err = cfgp_map(p, filter_keys, ARRAY_SIZE(filter_keys), f, f->kpos, &seen);
	if (err)
		return err;
	if (!f->kind)
		return cfgp_fail(p, &f->pos, NULL, "a filter needs a kind: pcap, count or drop");
	if ((f->kind == NETIF_FILTER_PCAP) != HAS(seen, CFIK_FILE))
		return cfgp_fail(p, &f->pos, NULL, "a pcap filter has a file, and only it");
	if ((f->kind == NETIF_FILTER_DROP) != HAS(seen, CFIK_EXPR))
		return cfgp_fail(p, &f->pos, NULL, "a drop filter has an expr, and only it");
	if (f->kind == NETIF_FILTER_PCAP && f->arg[0] != '/')
		return cfgp_fail(p, &f->kpos[CFIK_FILE], "file", "the capture file is an absolute path");
	return 0;
}

/* ---- a netif ------------------------------------------------------------------- */

static int netif_key(struct yp *p, void *obj, int id)
{
	struct cfg_netif *n = obj;

	switch (id) {
	case CNK_MODE:
		return name_u8(p, netif_mode_parse, "native, compat or auto", &n->mode);
	case CNK_RX_SLOTS:
		return cfgp_u32(p, NETIF_RX_SLOTS_MIN, NETIF_RX_SLOTS_MAX, &n->rx_slots);
	case CNK_TX_SLOTS:
		return cfgp_u32(p, NETIF_TX_SLOTS_MIN, NETIF_TX_SLOTS_MAX, &n->tx_slots);
	case CNK_BUF_SIZE:
		return cfgp_u32(p, NETIF_BUF_SIZE_MIN, NETIF_BUF_SIZE_MAX, &n->buf_size);
	case CNK_MAX_FLOWS:
		return cfgp_u32(p, NETIF_MAX_FLOWS_MIN, NETIF_MAX_FLOWS_MAX, &n->max_flows);
	case CNK_LOW_LATENCY:
		return cfgp_bool(p, &n->low_latency);
	case CNK_DEFAULT_ACTION:
		return name_u8(p, default_action_parse, "pass, drop or exception", &n->default_action);
	case CNK_INPUT_RATE:
		return cfgp_rate(p, &n->input_rate);
	case CNK_BURST:
		return cfgp_size(p, &n->input_burst);
	case CNK_SHAPE:
		return cfgp_rate(p, &n->shape);
	case CNK_UNKNOWN_VLAN:
		return name_u8(p, netif_vlan_policy_parse, "default, pass or drop", &n->unknown_vlan);
	case CNK_LLINKS:
		return cfgp_list(p, llink_item, n);
	case CNK_FLOWS:
		return cfgp_list(p, flow_item, n);
	}
	return cfgp_list(p, filter_item, n);
}

static const struct cfgp_key netif_keys[] = {
	{ "mode", CNK_MODE, netif_key },
	{ "rx-slots", CNK_RX_SLOTS, netif_key },
	{ "tx-slots", CNK_TX_SLOTS, netif_key },
	{ "buf-size", CNK_BUF_SIZE, netif_key },
	{ "max-flows", CNK_MAX_FLOWS, netif_key },
	{ "low-latency", CNK_LOW_LATENCY, netif_key },
	{ "default-action", CNK_DEFAULT_ACTION, netif_key },
	{ "input-rate", CNK_INPUT_RATE, netif_key },
	{ "burst", CNK_BURST, netif_key },
	{ "shape", CNK_SHAPE, netif_key },
	{ "unknown-vlan", CNK_UNKNOWN_VLAN, netif_key },
	{ "llinks", CNK_LLINKS, netif_key },
	{ "flows", CNK_FLOWS, netif_key },
	{ "filters", CNK_FILTERS, netif_key },
};

static const struct cfg_llink *llink_of(const struct cfg_netif *n, uint64_t id)
{
	unsigned int i;

	for (i = 0; i < n->nllinks; i++)
		if (n->llinks[i].id == id)
			return &n->llinks[i];
	return NULL;
}

/* The file's own references: llink ids and vlans once each, what flows name exists. */
static int netif_refs(struct yp *p, const struct cfg_netif *n)
{
	unsigned int i, j;
	char at[32];

	for (i = 0; i < n->nllinks; i++) {
		const struct cfg_llink *l = &n->llinks[i];

		snprintf(at, sizeof(at), "llinks[%u]", i);
		for (j = 0; j < i; j++) {
			if (n->llinks[j].id == l->id)
				return cfgp_fail(p, &l->kpos[CLK_ID], at, "llink %llu is given twice "
						 "(line %u)", (unsigned long long)l->id, n->llinks[j].pos.line);
			if (l->has_vlan && n->llinks[j].has_vlan && n->llinks[j].vlan == l->vlan)
				return cfgp_fail(p, &l->kpos[CLK_VLAN], at, "vlan %u belongs to the "
						 "llink of line %u", l->vlan, n->llinks[j].pos.line);
		}
	}
	for (i = 0; i < n->nflows; i++) {
		const struct cfg_flow *f = &n->flows[i];
		const struct cfg_llink *l;

		snprintf(at, sizeof(at), "flows[%u]", i);
		if (f->has_llink && f->llink && !llink_of(n, f->llink))
			return cfgp_fail(p, &f->kpos[CFK_LLINK], at, "no llink %llu in this netif",
					 (unsigned long long)f->llink);
		if (!f->has_hint)
			continue;
		l = f->hint_llink ? llink_of(n, f->hint_llink) : NULL;
		if (f->hint_llink ? !l || f->hint_qset >= l->nqsets : f->hint_qset != 0)
			return cfgp_fail(p, &f->kpos[CFK_QSET_HINT], at, "llink %llu has no qset %u",
					 (unsigned long long)f->hint_llink, f->hint_qset);
	}
	return 0;
}

int cfgp_netif(struct yp *p, struct cfg_netif *n)
{
	uint64_t seen;
	int err;

	cfg_netif_defaults(n);
	err = cfgp_map(p, netif_keys, ARRAY_SIZE(netif_keys), n, n->kpos, &seen);
	if (!err && HAS(seen, CNK_BURST) && !n->input_rate)
		err = cfgp_fail(p, &n->kpos[CNK_BURST], "burst", "burst needs an input-rate");
	return err ?: netif_refs(p, n);
}
