// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Protocol room of flows: FLOW_ADD, FLOW_DEL, FLOW_GET, and the codec of
 * the NETIF_A_FLOW nest (decoded into a struct flow_spec, encoded from a
 * struct flow_rec). What a flow means is flow.c's business.
 */
#include <errno.h>
#include <string.h>
#include "ctl.h"
#include "dataplane.h"
#include "exception.h"
#include "txn.h"

/* ---- decoding -------------------------------------------------------- */

static int reject_attrs(const struct nlattr **tb, const int *types, size_t n, const char *why,
			struct netif_extack *ext)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (tb[types[i]]) {
			netif_extack_set(ext, "\"%s\" is not valid %s", netif_flow_policy[types[i]].name,
					 why);
			ext->bad_attr = tb[types[i]];
			return -EINVAL;
		}
	}
	return 0;
}

static const int tuple_only[] = { NETIF_FA_PROTO, NETIF_FA_FAMILY, NETIF_FA_SRC,
				  NETIF_FA_DST,   NETIF_FA_SPORT,  NETIF_FA_DPORT };
static const int ula_only[] = { NETIF_FA_LOCAL, NETIF_FA_REMOTE };
static const int etype_only[] = { NETIF_FA_ETHERTYPE };

static void copy_addr(const struct nlattr *a, uint32_t out[4])
{
	memset(out, 0, 16);
	memcpy(out, mnl_attr_get_payload(a), mnl_attr_get_payload_len(a));
}

static int spec_etype(const struct nlattr **tb, struct flow_spec *fs, struct netif_extack *ext)
{
	int err = reject_attrs(tb, tuple_only, ARRAY_SIZE(tuple_only), "for an ethertype flow", ext) ?:
		  reject_attrs(tb, ula_only, ARRAY_SIZE(ula_only), "for an ethertype flow", ext);

	if (err)
		return err;
	if (!tb[NETIF_FA_ETHERTYPE]) {
		netif_extack_set(ext, "ethertype flow without an ethertype");
		return -EINVAL;
	}
	fs->ethertype = mnl_attr_get_u16(tb[NETIF_FA_ETHERTYPE]);
	return 0;
}

static int spec_ula(const struct nlattr **tb, struct flow_spec *fs, struct netif_extack *ext)
{
	int err = reject_attrs(tb, tuple_only, ARRAY_SIZE(tuple_only), "for a ula flow", ext) ?:
		  reject_attrs(tb, etype_only, ARRAY_SIZE(etype_only), "for a ula flow", ext);

	if (err)
		return err;
	if (!tb[NETIF_FA_LOCAL] || !tb[NETIF_FA_REMOTE]) {
		netif_extack_set(ext, "ula flow needs both a local and a remote IPv6 address");
		return -EINVAL;
	}
	fs->family = 6;
	copy_addr(tb[NETIF_FA_LOCAL], fs->local);
	copy_addr(tb[NETIF_FA_REMOTE], fs->remote);
	return 0;
}

/* A tuple address (src or dst): 4 or 16 bytes, of the flow's one family. */
static int tuple_addr(const struct nlattr *a, const char *what, uint8_t bit, uint32_t out[4],
		      struct flow_spec *fs, struct netif_extack *ext)
{
	uint16_t len = mnl_attr_get_payload_len(a);
	uint8_t family = len == 4 ? 4 : 6;

	if (len != 4 && len != 16) {
		netif_extack_set(ext, "%s address must be 4 or 16 bytes", what);
		ext->bad_attr = a;
		return -EINVAL;
	}
	if (fs->family && fs->family != family) {
		netif_extack_set(ext, "source and destination addresses (and protocol) must be of "
				      "one family");
		return -EINVAL;
	}
	copy_addr(a, out);
	fs->mask |= bit;
	fs->family = family;
	return 0;
}

static int spec_tuple(const struct nlattr **tb, struct flow_spec *fs, struct netif_extack *ext)
{
	int err = reject_attrs(tb, ula_only, ARRAY_SIZE(ula_only), "for a tuple flow", ext) ?:
		  reject_attrs(tb, etype_only, ARRAY_SIZE(etype_only), "for a tuple flow", ext);

	if (err)
		return err;
	if (!tb[NETIF_FA_PROTO]) {
		netif_extack_set(ext, "tuple flow without a protocol");
		return -EINVAL;
	}
	fs->proto = mnl_attr_get_u8(tb[NETIF_FA_PROTO]);
	if (tb[NETIF_FA_FAMILY])
		fs->family = mnl_attr_get_u8(tb[NETIF_FA_FAMILY]);
	if (tb[NETIF_FA_SRC]) {
		err = tuple_addr(tb[NETIF_FA_SRC], "source", NETIF_TUPLE_M_SRC, fs->src, fs, ext);
		if (err)
			return err;
	}
	if (tb[NETIF_FA_DST]) {
		err = tuple_addr(tb[NETIF_FA_DST], "destination", NETIF_TUPLE_M_DST, fs->dst, fs, ext);
		if (err)
			return err;
	}
	if (tb[NETIF_FA_SPORT]) {
		fs->sport = mnl_attr_get_u16(tb[NETIF_FA_SPORT]);
		fs->mask |= NETIF_TUPLE_M_SPORT;
	}
	if (tb[NETIF_FA_DPORT]) {
		fs->dport = mnl_attr_get_u16(tb[NETIF_FA_DPORT]);
		fs->mask |= NETIF_TUPLE_M_DPORT;
	}
	return 0;
}

static uint64_t u64_or(const struct nlattr *a, uint64_t def)
{
	return a ? mnl_attr_get_u64(a) : def;
}

/* What happens to matching packets: action, its target, rates, qset, llink scope. */
static int spec_action(const struct nlattr **tb, struct flow_spec *fs, struct netif_extack *ext)
{
	fs->action = tb[NETIF_FA_ACTION] ? mnl_attr_get_u8(tb[NETIF_FA_ACTION]) : NETIF_ACTION_PASS;
	if (tb[NETIF_FA_PORT] && fs->action != NETIF_ACTION_PORT) {
		netif_extack_set(ext, "a port is only valid with action port");
		ext->bad_attr = tb[NETIF_FA_PORT];
		return -EINVAL;
	}
	if (tb[NETIF_FA_REDIRECT_DEV] && fs->action != NETIF_ACTION_REDIRECT) {
		netif_extack_set(ext, "a redirect device is only valid with action redirect");
		ext->bad_attr = tb[NETIF_FA_REDIRECT_DEV];
		return -EINVAL;
	}
	if (tb[NETIF_FA_REDIRECT_DEV])
		snprintf(fs->redirect_dev, sizeof(fs->redirect_dev), "%s",
			 mnl_attr_get_str(tb[NETIF_FA_REDIRECT_DEV]));
	if (tb[NETIF_FA_PORT])
		fs->port = mnl_attr_get_u8(tb[NETIF_FA_PORT]);
	fs->rate = u64_or(tb[NETIF_FA_RATE], 0);
	fs->burst = u64_or(tb[NETIF_FA_BURST], 0);
	fs->shape = u64_or(tb[NETIF_FA_SHAPE], 0);
	if (tb[NETIF_FA_QSET_HINT])
		fs->qset_hint = mnl_attr_get_u32(tb[NETIF_FA_QSET_HINT]);
	if (tb[NETIF_FA_LLINK]) {
		fs->has_llink = true;
		fs->llink_id = mnl_attr_get_u64(tb[NETIF_FA_LLINK]);
	}
	return 0;
}

int flow_spec_from_attr(const struct nlattr *nest, struct flow_spec *fs, struct netif_extack *ext)
{
	static const int readonly[] = { NETIF_FA_PACKETS, NETIF_FA_BYTES, NETIF_FA_DROPS,
					NETIF_FA_FLOW_ID, NETIF_FA_RATE_LIMITED };
	const struct nlattr *tb[NETIF_FA_MAX + 1];
	int err;

	memset(fs, 0, sizeof(*fs));
	err = netif_attr_parse_nested(nest, netif_flow_policy, NETIF_FA_MAX, tb, ext) ?:
	      reject_attrs(tb, readonly, ARRAY_SIZE(readonly), "in a request (read-only)", ext) ?:
	      netif_attr_require(tb, netif_flow_policy, NETIF_FA_MAX, A(NETIF_FA_TYPE), ext);
	if (err)
		return err;
	if (tb[NETIF_FA_UUID]) {
		memcpy(fs->uuid, mnl_attr_get_payload(tb[NETIF_FA_UUID]), 16);
		fs->has_uuid = true;
	}
	fs->type = mnl_attr_get_u8(tb[NETIF_FA_TYPE]);
	fs->dir = tb[NETIF_FA_DIR] ? mnl_attr_get_u8(tb[NETIF_FA_DIR]) : NETIF_DIR_IN;
	if (fs->dir > NETIF_DIR_OUT) {
		netif_extack_set(ext, "flow direction %u invalid (in or out)", fs->dir);
		ext->bad_attr = tb[NETIF_FA_DIR];
		return -EINVAL;
	}
	switch (fs->type) {
	case NETIF_FLOW_ETHERTYPE:
		err = spec_etype(tb, fs, ext);
		break;
	case NETIF_FLOW_ULA:
		err = spec_ula(tb, fs, ext);
		break;
	case NETIF_FLOW_TUPLE:
		err = spec_tuple(tb, fs, ext);
		break;
	default:
		netif_extack_set(ext, "unknown flow type %u", fs->type);
		ext->bad_attr = tb[NETIF_FA_TYPE];
		return -EINVAL;
	}
	return err ?: spec_action(tb, fs, ext) ?: flow_spec_check(fs, ext);
}

/* ---- encoding -------------------------------------------------------- */

static void put_match(struct nlmsghdr *nlh, const struct flow_spec *fs)
{
	size_t alen = fs->family == 4 ? 4 : 16;

	switch (fs->type) {
	case NETIF_FLOW_ETHERTYPE:
		mnl_attr_put_u16(nlh, NETIF_FA_ETHERTYPE, fs->ethertype);
		break;
	case NETIF_FLOW_ULA:
		mnl_attr_put(nlh, NETIF_FA_LOCAL, 16, fs->local);
		mnl_attr_put(nlh, NETIF_FA_REMOTE, 16, fs->remote);
		break;
	case NETIF_FLOW_TUPLE:
		mnl_attr_put_u8(nlh, NETIF_FA_PROTO, fs->proto);
		if (fs->family)
			mnl_attr_put_u8(nlh, NETIF_FA_FAMILY, fs->family);
		if (fs->mask & NETIF_TUPLE_M_SRC)
			mnl_attr_put(nlh, NETIF_FA_SRC, alen, fs->src);
		if (fs->mask & NETIF_TUPLE_M_DST)
			mnl_attr_put(nlh, NETIF_FA_DST, alen, fs->dst);
		if (fs->mask & NETIF_TUPLE_M_SPORT)
			mnl_attr_put_u16(nlh, NETIF_FA_SPORT, fs->sport);
		if (fs->mask & NETIF_TUPLE_M_DPORT)
			mnl_attr_put_u16(nlh, NETIF_FA_DPORT, fs->dport);
		break;
	}
}

void ctl_flow_put(struct nlmsghdr *nlh, const struct flow_rec *r, const struct netif_flow_stats *st)
{
	const struct flow_spec *fs = &r->spec;
	struct nlattr *nest = mnl_attr_nest_start(nlh, NETIF_A_FLOW);

	mnl_attr_put(nlh, NETIF_FA_UUID, 16, r->uuid);
	mnl_attr_put_u32(nlh, NETIF_FA_FLOW_ID, r->flow_id);
	mnl_attr_put_u8(nlh, NETIF_FA_TYPE, fs->type);
	mnl_attr_put_u8(nlh, NETIF_FA_DIR, fs->dir);
	put_match(nlh, fs);
	mnl_attr_put_u8(nlh, NETIF_FA_ACTION, fs->action);
	if (fs->action == NETIF_ACTION_REDIRECT)
		mnl_attr_put_strz(nlh, NETIF_FA_REDIRECT_DEV, fs->redirect_dev);
	if (fs->action == NETIF_ACTION_PORT)
		mnl_attr_put_u8(nlh, NETIF_FA_PORT, fs->port);
	if (fs->rate) {
		mnl_attr_put_u64(nlh, NETIF_FA_RATE, fs->rate);
		mnl_attr_put_u64(nlh, NETIF_FA_BURST, fs->burst);
	}
	if (fs->shape)
		mnl_attr_put_u64(nlh, NETIF_FA_SHAPE, fs->shape);
	if (fs->qset_hint)
		mnl_attr_put_u32(nlh, NETIF_FA_QSET_HINT, fs->qset_hint);
	if (fs->has_llink)
		mnl_attr_put_u64(nlh, NETIF_FA_LLINK, fs->llink_id);
	if (st) {
		mnl_attr_put_u64(nlh, NETIF_FA_PACKETS, st->packets);
		mnl_attr_put_u64(nlh, NETIF_FA_BYTES, st->bytes);
		mnl_attr_put_u64(nlh, NETIF_FA_DROPS, st->drops);
		mnl_attr_put_u64(nlh, NETIF_FA_RATE_LIMITED, st->rate_limited);
	}
	mnl_attr_nest_end(nlh, nest);
}

/* ---- handlers -------------------------------------------------------- */

static int h_flow_add(struct ctl_req *r)
{
	struct flow_spec fs;
	struct nlmsghdr *nlh;
	struct netif *nif;
	struct txn t;
	int err;

	err = ctl_req_netif(r, &nif) ?: flow_spec_from_attr(r->tb[NETIF_A_FLOW], &fs, &r->ext);
	if (err)
		return err;
	/* a port or exception flow needs the exception path: all or nothing */
	txn_init(&t);
	err = flow_add(nif, &fs, &t, &r->ext) ?: exception_sync(nif, &t, &r->ext);
	if (err) {
		txn_abort(&t);
		dp_agent_stat_inc(&nif->dp, flow_add_fail);
		return err;
	}
	txn_commit(&t);
	dp_agent_stat_inc(&nif->dp, flow_add);
	nlh = ctl_reply_begin(r->rep, NETIF_CMD_FLOW_ADD);
	mnl_attr_put_strz(nlh, NETIF_A_IFNAME, nif->ifname);
	mnl_attr_put(nlh, NETIF_A_UUID, 16, fs.uuid);
	ctl_reply_end(r->rep, nlh);
	return 0;
}

static int h_flow_del(struct ctl_req *r)
{
	struct netif *nif;
	int err;

	err = ctl_req_netif(r, &nif) ?:
	      flow_del(nif, mnl_attr_get_payload(r->tb[NETIF_A_UUID]), &r->ext);
	if (err)
		return err;
	dp_agent_stat_inc(&nif->dp, flow_del);
	exception_sync(nif, NULL, NULL);
	return 0;
}

static void put_flow(struct ctl_req *r, struct netif *nif, struct flow_rec *fr)
{
	struct netif_flow_stats st = {};
	struct nlmsghdr *nlh = ctl_reply_begin(r->rep, NETIF_CMD_FLOW_GET);

	flow_counters(nif, fr, &st);
	mnl_attr_put_strz(nlh, NETIF_A_IFNAME, nif->ifname);
	ctl_flow_put(nlh, fr, &st);
	ctl_reply_end(r->rep, nlh);
}

static int h_flow_get(struct ctl_req *r)
{
	struct flow_rec *fr, *tmp;
	struct netif *nif;
	int err;

	err = ctl_req_netif(r, &nif);
	if (err)
		return err;
	if (r->tb[NETIF_A_UUID]) {
		fr = flow_find(nif, mnl_attr_get_payload(r->tb[NETIF_A_UUID]));
		if (!fr) {
			netif_extack_set(&r->ext, "no such flow");
			return -ENOENT;
		}
		put_flow(r, nif, fr);
		return 0;
	}
	HASH_ITER(hh, nif->flows.by_uuid, fr, tmp)
		put_flow(r, nif, fr);
	return 0;
}

static const struct ctl_row rows[] = {
	{ NETIF_CMD_FLOW_ADD, { h_flow_add, .priv = true, .allowed = A(NETIF_A_IFNAME) | A(NETIF_A_FLOW),
				.required = A(NETIF_A_IFNAME) | A(NETIF_A_FLOW) } },
	{ NETIF_CMD_FLOW_DEL, { h_flow_del, .priv = true, .allowed = A(NETIF_A_IFNAME) | A(NETIF_A_UUID),
				.required = A(NETIF_A_IFNAME) | A(NETIF_A_UUID) } },
	{ NETIF_CMD_FLOW_GET, { h_flow_get, .dump = true, .allowed = A(NETIF_A_IFNAME) | A(NETIF_A_UUID),
				.required = A(NETIF_A_IFNAME) } },
};

const struct ctl_rows ctl_flow_rows = { rows, ARRAY_SIZE(rows) };
