// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Protocol room of netif instances: ATTACH, DETACH, GET, SET, STATS_GET,
 * and the request helpers the other protocol rooms share.
 */
#include <errno.h>
#include <string.h>
#include "netif/params.h"
#include "ctl.h"
#include "exception.h"
#include "names.h"
#include "nexus.h"
#include "txn.h"

int ctl_req_netif(struct ctl_req *r, struct netif **out)
{
	const char *name;
	int err;

	/* the command's row requires it; this covers a row that forgot */
	err = netif_attr_require(r->tb, netif_policy, NETIF_A_MAX, A(NETIF_A_IFNAME), &r->ext);
	if (err)
		return err;
	name = mnl_attr_get_str(r->tb[NETIF_A_IFNAME]);
	*out = nexus_find(ctl_agent(r), name);
	if (!*out) {
		netif_extack_set(&r->ext, "%s is not attached", name);
		r->ext.bad_attr = r->tb[NETIF_A_IFNAME];
		return -ENXIO;
	}
	return 0;
}

int ctl_nest(struct ctl_req *r, const struct nlattr *nest, const struct netif_attr_policy *pol,
	     int maxtype, uint64_t required, const struct nlattr **tb)
{
	return netif_attr_parse_nested(nest, pol, maxtype, tb, &r->ext) ?:
	       netif_attr_require(tb, pol, maxtype, required, &r->ext);
}

static uint32_t get_u32(const struct nlattr *a, uint32_t def)
{
	return a ? mnl_attr_get_u32(a) : def;
}

static int h_attach(struct ctl_req *r)
{
	struct attach_req req = {};
	struct nlmsghdr *nlh;
	struct netif *nif;
	int err;

	snprintf(req.ifname, sizeof(req.ifname), "%s", mnl_attr_get_str(r->tb[NETIF_A_IFNAME]));
	req.mode = r->tb[NETIF_A_MODE] ? mnl_attr_get_u8(r->tb[NETIF_A_MODE]) : NETIF_MODE_AUTO;
	/* absent means default; a present 0 is out of range and rejected by the check */
	req.rx_slots = get_u32(r->tb[NETIF_A_RX_SLOTS], NETIF_RX_SLOTS_DEF);
	req.tx_slots = get_u32(r->tb[NETIF_A_TX_SLOTS], NETIF_TX_SLOTS_DEF);
	req.buf_size = get_u32(r->tb[NETIF_A_BUF_SIZE], NETIF_BUF_SIZE_DEF);
	req.max_flows = get_u32(r->tb[NETIF_A_MAX_FLOWS], NETIF_MAX_FLOWS_DEF);
	req.low_latency = r->tb[NETIF_A_LOW_LATENCY] != NULL;
	err = nexus_attach(ctl_agent(r), &req, &nif, &r->ext);
	if (err)
		return err;
	nlh = ctl_reply_begin(r->rep, NETIF_CMD_ATTACH);
	mnl_attr_put_strz(nlh, NETIF_A_IFNAME, nif->ifname);
	mnl_attr_put(nlh, NETIF_A_UUID, 16, nif->info.uuid);
	mnl_attr_put_u8(nlh, NETIF_A_MODE, nif->info.mode);
	ctl_reply_end(r->rep, nlh);
	return 0;
}

static int h_detach(struct ctl_req *r)
{
	const uint8_t *uuid = NULL;
	struct netif *nif;

	if (r->tb[NETIF_A_UUID])
		uuid = mnl_attr_get_payload(r->tb[NETIF_A_UUID]);
	nif = nexus_find(ctl_agent(r), mnl_attr_get_str(r->tb[NETIF_A_IFNAME]));
	return nexus_detach(ctl_agent(r), nif, uuid, &r->ext);
}

static void put_netif(struct ctl_req *r, struct netif *nif)
{
	struct nlmsghdr *nlh = ctl_reply_begin(r->rep, NETIF_CMD_GET);
	const struct netif_info *in = &nif->info;

	mnl_attr_put_strz(nlh, NETIF_A_IFNAME, nif->ifname);
	mnl_attr_put_u32(nlh, NETIF_A_IFINDEX, nif->ifindex);
	mnl_attr_put(nlh, NETIF_A_UUID, 16, in->uuid);
	mnl_attr_put_u8(nlh, NETIF_A_MODE, in->mode);
	mnl_attr_put_u8(nlh, NETIF_A_REQUESTED_MODE, in->requested_mode);
	mnl_attr_put_u32(nlh, NETIF_A_RX_SLOTS, in->rx_slots);
	mnl_attr_put_u32(nlh, NETIF_A_TX_SLOTS, in->tx_slots);
	mnl_attr_put_u32(nlh, NETIF_A_BUF_SIZE, in->buf_size);
	mnl_attr_put_u32(nlh, NETIF_A_MAX_FLOWS, in->max_flows);
	if (in->low_latency)
		mnl_attr_put(nlh, NETIF_A_LOW_LATENCY, 0, NULL);
	mnl_attr_put_u8(nlh, NETIF_A_DEFAULT_ACTION, nif->cfg.default_action);
	mnl_attr_put_u8(nlh, NETIF_A_VLAN_POLICY, nif->cfg.vlan_policy);
	mnl_attr_put_u64(nlh, NETIF_A_INPUT_RATE, in->input_rate);
	mnl_attr_put_u64(nlh, NETIF_A_INPUT_BURST, in->input_burst);
	mnl_attr_put_u64(nlh, NETIF_A_SHAPE_RATE, in->shape_rate);
	mnl_attr_put(nlh, NETIF_A_MAC, 6, nif->cfg.mac);
	mnl_attr_put_u32(nlh, NETIF_A_MTU, in->mtu);
	mnl_attr_put_u32(nlh, NETIF_A_RX_QUEUES, in->rx_queues);
	mnl_attr_put_u32(nlh, NETIF_A_TX_QUEUES, in->tx_queues);
	mnl_attr_put_u32(nlh, NETIF_A_FLOW_COUNT, nif->flows.count);
	mnl_attr_put_u64(nlh, NETIF_A_ATTACH_TIME, in->attach_time);
	ctl_reply_end(r->rep, nlh);
}

static int h_get(struct ctl_req *r)
{
	struct netif *nif, *tmp;
	int err;

	if (r->tb[NETIF_A_IFNAME]) {
		err = ctl_req_netif(r, &nif);
		if (err)
			return err;
		put_netif(r, nif);
		return 0;
	}
	if (!r->dump) {
		netif_extack_set(&r->ext, "name an interface or ask for a dump");
		return -EINVAL;
	}
	HASH_ITER(hh, ctl_agent(r)->netifs, nif, tmp)
		put_netif(r, nif);
	return 0;
}

static int h_set(struct ctl_req *r)
{
	const struct nlattr **tb = r->tb;
	struct netif_settings set = {
		.has_default_action = tb[NETIF_A_DEFAULT_ACTION],
		.has_input_rate = tb[NETIF_A_INPUT_RATE],
		.has_input_burst = tb[NETIF_A_INPUT_BURST],
		.has_shape = tb[NETIF_A_SHAPE_RATE],
		.has_vlan_policy = tb[NETIF_A_VLAN_POLICY],
	};
	struct netif *nif;
	struct txn t;
	int err;

	err = ctl_req_netif(r, &nif);
	if (err)
		return err;
	if (set.has_default_action)
		set.default_action = mnl_attr_get_u8(tb[NETIF_A_DEFAULT_ACTION]);
	if (set.has_input_rate)
		set.input_rate = mnl_attr_get_u64(tb[NETIF_A_INPUT_RATE]);
	if (set.has_input_burst)
		set.input_burst = mnl_attr_get_u64(tb[NETIF_A_INPUT_BURST]);
	if (set.has_shape)
		set.shape = mnl_attr_get_u64(tb[NETIF_A_SHAPE_RATE]);
	if (set.has_vlan_policy)
		set.vlan_policy = mnl_attr_get_u8(tb[NETIF_A_VLAN_POLICY]);
	txn_init(&t);
	err = nexus_set(nif, &set, &t, &r->ext);
	if (err)
		txn_abort(&t);
	else
		txn_commit(&t);
	return err;
}

static int h_stats_get(struct ctl_req *r)
{
	struct netif_agent_stats ast;
	struct netif_stats st;
	struct nlmsghdr *nlh;
	struct nlattr *all, *one;
	struct netif *nif;
	const uint64_t *v = (const uint64_t *)&st, *av = (const uint64_t *)&ast;
	unsigned int i;
	int err;

	err = ctl_req_netif(r, &nif);
	if (err)
		return err;
	exception_flush_stats(nif);
	err = dp_read_stats(&nif->dp, &st);
	if (!err)
		err = dp_read_agent_stats(&nif->dp, &ast);
	if (err) {
		netif_extack_set(&r->ext, "cannot read the stats maps: %s", strerror(-err));
		return err;
	}
	nlh = ctl_reply_begin(r->rep, NETIF_CMD_STATS_GET);
	mnl_attr_put_strz(nlh, NETIF_A_IFNAME, nif->ifname);
	all = mnl_attr_nest_start(nlh, NETIF_A_STATS);
	for (i = 0; i < NETIF_STATS_COUNT; i++) {
		one = mnl_attr_nest_start(nlh, NETIF_A_STAT);
		mnl_attr_put_strz(nlh, NETIF_SA_NAME, netif_stat_names[i]);
		mnl_attr_put_u64(nlh, NETIF_SA_VALUE, v[i]);
		mnl_attr_nest_end(nlh, one);
	}
	for (i = 0; i < NETIF_AGENT_STATS_COUNT; i++) {
		one = mnl_attr_nest_start(nlh, NETIF_A_STAT);
		mnl_attr_put_strz(nlh, NETIF_SA_NAME, netif_agent_stat_names[i]);
		mnl_attr_put_u64(nlh, NETIF_SA_VALUE, av[i]);
		mnl_attr_nest_end(nlh, one);
	}
	mnl_attr_nest_end(nlh, all);
	ctl_reply_end(r->rep, nlh);
	return 0;
}

static const struct ctl_row rows[] = {
	{ NETIF_CMD_ATTACH, { h_attach, .priv = true,
			      .allowed = A(NETIF_A_IFNAME) | A(NETIF_A_MODE) | A(NETIF_A_RX_SLOTS) |
					 A(NETIF_A_TX_SLOTS) | A(NETIF_A_BUF_SIZE) | A(NETIF_A_MAX_FLOWS) |
					 A(NETIF_A_LOW_LATENCY),
			      .required = A(NETIF_A_IFNAME) } },
	{ NETIF_CMD_DETACH, { h_detach, .priv = true, .allowed = A(NETIF_A_IFNAME) | A(NETIF_A_UUID),
			      .required = A(NETIF_A_IFNAME) } },
	{ NETIF_CMD_GET, { h_get, .allowed = A(NETIF_A_IFNAME) } },
	{ NETIF_CMD_SET, { h_set, .priv = true,
			   .allowed = A(NETIF_A_IFNAME) | A(NETIF_A_DEFAULT_ACTION) | A(NETIF_A_INPUT_RATE) |
				      A(NETIF_A_INPUT_BURST) | A(NETIF_A_SHAPE_RATE) | A(NETIF_A_VLAN_POLICY),
			   .required = A(NETIF_A_IFNAME) } },
	{ NETIF_CMD_STATS_GET, { h_stats_get, .allowed = A(NETIF_A_IFNAME), .required = A(NETIF_A_IFNAME) } },
};

const struct ctl_rows ctl_netif_rows = { rows, ARRAY_SIZE(rows) };
