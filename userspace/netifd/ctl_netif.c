// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Control handlers for netif instances, flows and statistics. */
#include <errno.h>
#include <string.h>
#include <uuid/uuid.h>
#include "netif/params.h"
#include "bucket.h"
#include "exception.h"
#include "handlers.h"
#include "llink.h"
#include "names.h"
#include "nexus.h"
#include "shape.h"

int ctl_req_netif(struct ctl_req *r, struct netif **out)
{
	const char *name;

	if (!r->tb[NETIF_A_IFNAME]) {
		netif_extack_set(&r->ext, "interface name (dev) missing");
		return -EINVAL;
	}
	name = mnl_attr_get_str(r->tb[NETIF_A_IFNAME]);
	*out = nexus_find(r->ag, name);
	if (!*out) {
		netif_extack_set(&r->ext, "%s is not attached", name);
		r->ext.bad_attr = r->tb[NETIF_A_IFNAME];
		return -ENXIO;
	}
	return 0;
}

static uint32_t get_u32(const struct nlattr *a, uint32_t def)
{
	return a ? mnl_attr_get_u32(a) : def;
}

int h_attach(struct ctl_req *r)
{
	struct attach_req req = {};
	struct nlmsghdr *nlh;
	struct netif *nif;
	int err;

	if (!r->tb[NETIF_A_IFNAME]) {
		netif_extack_set(&r->ext, "interface name (dev) missing");
		return -EINVAL;
	}
	snprintf(req.ifname, sizeof(req.ifname), "%s", mnl_attr_get_str(r->tb[NETIF_A_IFNAME]));
	req.mode = r->tb[NETIF_A_MODE] ? mnl_attr_get_u8(r->tb[NETIF_A_MODE]) : NETIF_MODE_AUTO;
	/* absent means default; a present 0 is out of range and rejected by the check */
	req.rx_slots = get_u32(r->tb[NETIF_A_RX_SLOTS], NETIF_RX_SLOTS_DEF);
	req.tx_slots = get_u32(r->tb[NETIF_A_TX_SLOTS], NETIF_TX_SLOTS_DEF);
	req.buf_size = get_u32(r->tb[NETIF_A_BUF_SIZE], NETIF_BUF_SIZE_DEF);
	req.max_flows = get_u32(r->tb[NETIF_A_MAX_FLOWS], NETIF_MAX_FLOWS_DEF);
	req.low_latency = r->tb[NETIF_A_LOW_LATENCY] != NULL;
	err = nexus_attach(r->ag, &req, &nif, &r->ext);
	if (err)
		return err;
	nlh = ctl_reply_begin(r->rep, NETIF_CMD_ATTACH);
	mnl_attr_put_strz(nlh, NETIF_A_IFNAME, nif->ifname);
	mnl_attr_put(nlh, NETIF_A_UUID, 16, nif->info.uuid);
	mnl_attr_put_u8(nlh, NETIF_A_MODE, nif->info.mode);
	ctl_reply_end(r->rep, nlh);
	return 0;
}

int h_detach(struct ctl_req *r)
{
	const uint8_t *uuid = NULL;
	struct netif *nif;

	if (!r->tb[NETIF_A_IFNAME]) {
		netif_extack_set(&r->ext, "interface name (dev) missing");
		return -EINVAL;
	}
	if (r->tb[NETIF_A_UUID])
		uuid = mnl_attr_get_payload(r->tb[NETIF_A_UUID]);
	nif = nexus_find(r->ag, mnl_attr_get_str(r->tb[NETIF_A_IFNAME]));
	return nexus_detach(r->ag, nif, uuid, &r->ext);
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
	mnl_attr_put_u64(nlh, NETIF_A_FEATURES, dp_features(&nif->dp));
	ctl_reply_end(r->rep, nlh);
}

int h_get(struct ctl_req *r)
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
	if (!r->rep->dump) {
		netif_extack_set(&r->ext, "name an interface or ask for a dump");
		return -EINVAL;
	}
	HASH_ITER(hh, r->ag->netifs, nif, tmp)
		put_netif(r, nif);
	return 0;
}

int h_set(struct ctl_req *r)
{
	const struct nlattr **tb = r->tb;
	struct netif_bucket b;
	struct netif *nif;
	uint8_t old_action, old_policy;
	uint64_t old_rate, old_burst, old_shape;
	int err;

	err = ctl_req_netif(r, &nif);
	if (err)
		return err;
	if (!tb[NETIF_A_DEFAULT_ACTION] && !tb[NETIF_A_INPUT_RATE] && !tb[NETIF_A_INPUT_BURST] &&
	    !tb[NETIF_A_SHAPE_RATE] && !tb[NETIF_A_VLAN_POLICY]) {
		netif_extack_set(&r->ext, "nothing to set");
		return -EINVAL;
	}
	/* validate everything before changing anything */
	if (tb[NETIF_A_INPUT_BURST] && !tb[NETIF_A_INPUT_RATE]) {
		netif_extack_set(&r->ext, "burst needs input-rate");
		return -EINVAL;
	}
	if (tb[NETIF_A_INPUT_RATE]) {
		err = bucket_params(mnl_attr_get_u64(tb[NETIF_A_INPUT_RATE]),
				    tb[NETIF_A_INPUT_BURST] ? mnl_attr_get_u64(tb[NETIF_A_INPUT_BURST]) : 0,
				    "input", &b, &r->ext);
		if (err)
			return err;
	}
	if (tb[NETIF_A_DEFAULT_ACTION]) {
		uint8_t a = mnl_attr_get_u8(tb[NETIF_A_DEFAULT_ACTION]);

		if (a != NETIF_ACTION_PASS && a != NETIF_ACTION_DROP && a != NETIF_ACTION_EXCEPTION) {
			netif_extack_set(&r->ext, "default action must be pass, drop or exception");
			return -EINVAL;
		}
		if (a == NETIF_ACTION_EXCEPTION) {
			err = dp_require(&nif->dp, NETIF_FEAT_REINJECT, "default-action exception",
					 &r->ext);
			if (err)
				return err;
		}
	}
	if (tb[NETIF_A_VLAN_POLICY] && mnl_attr_get_u8(tb[NETIF_A_VLAN_POLICY]) > NETIF_VLAN_DROP) {
		netif_extack_set(&r->ext, "unknown-vlan policy must be default, pass or drop");
		return -EINVAL;
	}
	if (tb[NETIF_A_SHAPE_RATE]) {
		err = shape_netif_check(nif, mnl_attr_get_u64(tb[NETIF_A_SHAPE_RATE]), &r->ext);
		if (err)
			return err;
	}

	old_action = nif->cfg.default_action;
	old_policy = nif->cfg.vlan_policy;
	old_rate = nif->info.input_rate;
	old_burst = nif->info.input_burst;
	old_shape = nif->info.shape_rate;
	if (tb[NETIF_A_SHAPE_RATE]) {
		err = shape_netif_set(nif, mnl_attr_get_u64(tb[NETIF_A_SHAPE_RATE]), &r->ext);
		if (err)
			return err;
	}
	if (tb[NETIF_A_INPUT_RATE]) {
		err = nexus_set_input_rate(nif, b.rate, b.burst, &r->ext);
		if (err)
			goto undo;
	}
	if (tb[NETIF_A_DEFAULT_ACTION]) {
		err = nexus_set_default_action(nif, mnl_attr_get_u8(tb[NETIF_A_DEFAULT_ACTION]),
					       &r->ext);
		if (!err)
			err = exception_sync(nif, &r->ext);
		if (err)
			goto undo;
	}
	if (tb[NETIF_A_VLAN_POLICY]) {
		err = nexus_set_vlan_policy(nif, mnl_attr_get_u8(tb[NETIF_A_VLAN_POLICY]), &r->ext);
		if (err)
			goto undo;
	}
	return 0;
undo:
	nexus_set_vlan_policy(nif, old_policy, NULL);
	nexus_set_default_action(nif, old_action, NULL);
	exception_sync(nif, NULL);
	nexus_set_input_rate(nif, old_rate, old_burst, NULL);
	if (tb[NETIF_A_SHAPE_RATE])
		shape_netif_set(nif, old_shape, NULL);
	return err;
}

int h_stats_get(struct ctl_req *r)
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

int h_flow_add(struct ctl_req *r)
{
	struct flow_spec fs;
	struct nlmsghdr *nlh;
	struct netif *nif;
	int err;

	err = ctl_req_netif(r, &nif);
	if (err)
		return err;
	if (!r->tb[NETIF_A_FLOW]) {
		netif_extack_set(&r->ext, "flow description missing");
		return -EINVAL;
	}
	err = flow_spec_from_attr(r->tb[NETIF_A_FLOW], &fs, &r->ext);
	if (err)
		return err;
	err = flow_add(nif, &fs, &r->ext);
	if (err) {
		dp_agent_stat_inc(&nif->dp, flow_add_fail);
		return err;
	}
	/* a port or exception flow needs the exception path: all or nothing */
	err = exception_sync(nif, &r->ext);
	if (err) {
		flow_del(nif, fs.uuid, NULL);
		exception_sync(nif, NULL);
		dp_agent_stat_inc(&nif->dp, flow_add_fail);
		return err;
	}
	dp_agent_stat_inc(&nif->dp, flow_add);
	nlh = ctl_reply_begin(r->rep, NETIF_CMD_FLOW_ADD);
	mnl_attr_put_strz(nlh, NETIF_A_IFNAME, nif->ifname);
	mnl_attr_put(nlh, NETIF_A_UUID, 16, fs.uuid);
	ctl_reply_end(r->rep, nlh);
	return 0;
}

int h_flow_del(struct ctl_req *r)
{
	struct netif *nif;
	int err;

	err = ctl_req_netif(r, &nif);
	if (err)
		return err;
	if (!r->tb[NETIF_A_UUID]) {
		netif_extack_set(&r->ext, "flow uuid missing");
		return -EINVAL;
	}
	err = flow_del(nif, mnl_attr_get_payload(r->tb[NETIF_A_UUID]), &r->ext);
	if (err)
		return err;
	dp_agent_stat_inc(&nif->dp, flow_del);
	exception_sync(nif, NULL);
	return 0;
}

static void put_flow(struct ctl_req *r, struct netif *nif, struct flow_rec *fr)
{
	struct netif_flow_stats st = {};
	struct nlmsghdr *nlh = ctl_reply_begin(r->rep, NETIF_CMD_FLOW_GET);

	flow_counters(nif, fr, &st);
	mnl_attr_put_strz(nlh, NETIF_A_IFNAME, nif->ifname);
	flow_put_attrs(nlh, fr, &st);
	ctl_reply_end(r->rep, nlh);
}

int h_flow_get(struct ctl_req *r)
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
