// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* attach, detach, show, set: the netif itself */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "netif/maps.h"
#include "args.h"
#include "attrs.h"
#include "call.h"
#include "commands.h"
#include "names.h"

static void print_uuid(struct out *o, enum out_where w, const char *fmt, const struct nlattr *a)
{
	char buf[37];

	if (a)
		print_string(o, w, "uuid", fmt, cli_fmt_uuid(mnl_attr_get_payload(a), buf));
}

/* ---- attach / detach -------------------------------------------------- */

static int attach_mode(struct cli *c, const struct cli_kw *kw, const char *val,
		       struct cli_args *a)
{
	int mode = netif_mode_parse(val);

	if (mode < 0)
		return cli_usage_error("mode must be native, compat or auto, not \"%s\"", val);
	mnl_attr_put_u8(a->nlh, NETIF_A_MODE, mode);
	return 0;
}

/* the agent checks the provider ranges; here only that they are numbers */
static const struct cli_kw attach_kw[] = {
	KW_DEV,
	KW("mode", attach_mode, .meta = "native|compat|auto"),
	KW("rx-slots", kw_u32, .meta = "N", .attr = NETIF_A_RX_SLOTS, .max = UINT32_MAX),
	KW("tx-slots", kw_u32, .meta = "N", .attr = NETIF_A_TX_SLOTS, .max = UINT32_MAX),
	KW("buf-size", kw_u32, .meta = "N", .attr = NETIF_A_BUF_SIZE, .max = UINT32_MAX),
	KW("max-flows", kw_u32, .meta = "N", .attr = NETIF_A_MAX_FLOWS, .max = UINT32_MAX),
	KW("low-latency", kw_flag, .flags = KW_FLAG, .attr = NETIF_A_LOW_LATENCY),
};

static int attach_reply(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[NETIF_A_MAX + 1];
	struct out *o = data;

	if (netif_attr_parse(nlh, netif_policy, NETIF_A_MAX, tb, NULL))
		return MNL_CB_ERROR;
	out_open_object(o, NULL);
	print_uuid(o, PRINT_ANY, "uuid %s\n", tb[NETIF_A_UUID]);
	if (tb[NETIF_A_IFNAME])
		print_string(o, PRINT_JSON, "ifname", NULL, mnl_attr_get_str(tb[NETIF_A_IFNAME]));
	if (tb[NETIF_A_MODE])
		print_string(o, PRINT_JSON, "mode", NULL,
			     netif_mode_name(mnl_attr_get_u8(tb[NETIF_A_MODE])));
	out_close_object(o);
	return MNL_CB_OK;
}

int cmd_attach(struct cli *c)
{
	struct cli_args a = { .what = "attach", .nlh = cli_msg(c, NETIF_CMD_ATTACH, 0) };

	return CLI_REQUEST(c, &a, attach_kw, attach_reply, &c->out);
}

static const struct cli_kw detach_kw[] = {
	KW_DEV,
	KW("uuid", kw_uuid, .meta = "U", .attr = NETIF_A_UUID),
};

int cmd_detach(struct cli *c)
{
	struct cli_args a = { .what = "detach", .nlh = cli_msg(c, NETIF_CMD_DETACH, 0) };

	return CLI_REQUEST(c, &a, detach_kw, NULL, NULL);
}

/* ---- show ------------------------------------------------------------- */

static void print_u32_attr(struct out *o, const char *key, const char *fmt, const struct nlattr *a)
{
	if (a)
		print_u64(o, PRINT_ANY, key, fmt, mnl_attr_get_u32(a));
}

static void print_name(struct out *o, enum out_where w, const char *key, const char *fmt,
		       const struct nlattr *a, const char *(*name)(unsigned int))
{
	if (a)
		print_string(o, w, key, fmt, name(mnl_attr_get_u8(a)));
}

static void print_link(struct out *o, const struct nlattr **tb)
{
	char mac[18];

	if (tb[NETIF_A_MAC]) {
		const uint8_t *m = mnl_attr_get_payload(tb[NETIF_A_MAC]);

		snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3],
			 m[4], m[5]);
		print_string(o, PRINT_ANY, "mac", "    link/ether %s", mac);
	}
	print_u32_attr(o, "mtu", " mtu %s", tb[NETIF_A_MTU]);
	print_u32_attr(o, "rx_queues", " queues rx %s", tb[NETIF_A_RX_QUEUES]);
	print_u32_attr(o, "tx_queues", " tx %s", tb[NETIF_A_TX_QUEUES]);
	if (tb[NETIF_A_ATTACH_TIME])
		print_time(o, PRINT_ANY, "attach_time", " attached %s",
			   mnl_attr_get_u64(tb[NETIF_A_ATTACH_TIME]));
	print_text(o, "\n");
}

static void print_policy(struct out *o, const struct nlattr **tb)
{
	uint64_t rate = attr_u64(tb[NETIF_A_INPUT_RATE]), shape = attr_u64(tb[NETIF_A_SHAPE_RATE]);
	enum out_where w = rate ? PRINT_ANY : PRINT_JSON;

	print_name(o, PRINT_ANY, "default_action", "    default-action %s",
		   tb[NETIF_A_DEFAULT_ACTION], netif_action_name);
	print_name(o, PRINT_ANY, "unknown_vlan", " unknown-vlan %s", tb[NETIF_A_VLAN_POLICY],
		   netif_vlan_policy_name);
	if (tb[NETIF_A_INPUT_RATE])
		print_rate(o, w, "input_rate", " input-rate %s", rate);
	if (tb[NETIF_A_INPUT_BURST])
		print_size(o, w, "input_burst", " burst %s", attr_u64(tb[NETIF_A_INPUT_BURST]));
	if (tb[NETIF_A_SHAPE_RATE])
		print_rate(o, shape ? PRINT_ANY : PRINT_JSON, "shape_rate", " shape %s", shape);
	print_text(o, "\n");
}

/* One netif of a GET reply; with -s its counters, fetched after the dump. */
static int print_netif(struct cli *c, const struct nlmsghdr *nlh)
{
	const struct nlattr *tb[NETIF_A_MAX + 1];
	struct out *o = &c->out;
	const char *dev;
	int err = 0;

	if (netif_attr_parse(nlh, netif_policy, NETIF_A_MAX, tb, NULL) || !tb[NETIF_A_IFNAME]) {
		fprintf(stderr, "Error: bad reply from netifd\n");
		return -EBADMSG;
	}
	dev = mnl_attr_get_str(tb[NETIF_A_IFNAME]);
	out_open_object(o, NULL);
	print_u32_attr(o, "ifindex", "%s: ", tb[NETIF_A_IFINDEX]);
	print_string(o, PRINT_ANY, "ifname", "%s: ", dev);
	print_uuid(o, PRINT_ANY, "uuid %s", tb[NETIF_A_UUID]);
	print_name(o, PRINT_ANY, "mode", " mode %s", tb[NETIF_A_MODE], netif_mode_name);
	print_name(o, PRINT_JSON, "requested_mode", NULL, tb[NETIF_A_REQUESTED_MODE],
		   netif_mode_name);
	print_bool(o, tb[NETIF_A_LOW_LATENCY] ? PRINT_ANY : PRINT_JSON, "low_latency",
		   " low-latency", tb[NETIF_A_LOW_LATENCY] != NULL);
	print_text(o, "\n");
	print_link(o, tb);
	print_u32_attr(o, "rx_slots", "    rx-slots %s", tb[NETIF_A_RX_SLOTS]);
	print_u32_attr(o, "tx_slots", " tx-slots %s", tb[NETIF_A_TX_SLOTS]);
	print_u32_attr(o, "buf_size", " buf-size %s", tb[NETIF_A_BUF_SIZE]);
	print_u32_attr(o, "max_flows", " max-flows %s", tb[NETIF_A_MAX_FLOWS]);
	print_u64(o, PRINT_ANY, "flows", " flows %s\n", attr_u32(tb[NETIF_A_FLOW_COUNT]));
	print_policy(o, tb);
	if (c->stats)
		err = stats_show_in(c, dev, c->stats);
	out_close_object(o);
	return err;
}

/* Replies of a dump, copied: each is printed once the dump is over. */
struct msgs {
	size_t n;
	struct nlmsghdr *m[];
};

static int collect(const struct nlmsghdr *nlh, void *data)
{
	struct msgs **ms = data;
	struct msgs *grown;
	struct nlmsghdr *copy;

	if (nlh->nlmsg_len > NETIF_NL_MAX_MSG)
		return MNL_CB_ERROR;
	grown = realloc(*ms, sizeof(**ms) + ((*ms)->n + 1) * sizeof((*ms)->m[0]));
	if (!grown)
		return MNL_CB_ERROR;
	*ms = grown;
	copy = malloc(nlh->nlmsg_len);
	if (!copy)
		return MNL_CB_ERROR;
	memcpy(copy, nlh, nlh->nlmsg_len);
	grown->m[grown->n++] = copy;
	return MNL_CB_OK;
}

static const struct cli_kw show_kw[] = {
	KW("dev", kw_dev, .meta = "IF"),
};

int cmd_show(struct cli *c)
{
	struct cli_args a = { .what = "show", .nlh = cli_msg(c, NETIF_CMD_GET, 0) };
	struct msgs *ms = calloc(1, sizeof(*ms));
	int err = ms ? CLI_PARSE(c, show_kw, &a) : -ENOMEM;

	if (!err) {
		if (!a.dev)
			a.nlh->nlmsg_flags |= NLM_F_DUMP;
		cli_args_done(&a);
		err = cli_call(c, collect, &ms);
	}
	out_open_array(&c->out, NULL);
	for (size_t i = 0; ms && i < ms->n; i++) {
		if (!err)
			err = print_netif(c, ms->m[i]);
		free(ms->m[i]);
	}
	out_close_array(&c->out);
	free(ms);
	return err;
}

/* ---- set -------------------------------------------------------------- */

static int set_action(struct cli *c, const struct cli_kw *kw, const char *val, struct cli_args *a)
{
	int act = netif_action_parse(val);

	if (act != NETIF_ACTION_PASS && act != NETIF_ACTION_DROP && act != NETIF_ACTION_EXCEPTION)
		return cli_usage_error("default-action must be pass, drop or exception");
	mnl_attr_put_u8(a->nlh, NETIF_A_DEFAULT_ACTION, act);
	return 0;
}

static int set_vlan_policy(struct cli *c, const struct cli_kw *kw, const char *val,
			   struct cli_args *a)
{
	int p = netif_vlan_policy_parse(val);

	if (p < 0)
		return cli_usage_error("unknown-vlan must be default, pass or drop");
	mnl_attr_put_u8(a->nlh, NETIF_A_VLAN_POLICY, p);
	return 0;
}

static const struct cli_kw set_kw[] = {
	KW_DEV,
	KW("default-action", set_action, .meta = "pass|drop|exception"),
	KW("input-rate", kw_rate, .meta = "RATE", .attr = NETIF_A_INPUT_RATE),
	KW("burst", kw_size, .meta = "SIZE", .attr = NETIF_A_INPUT_BURST),
	KW("shape", kw_rate, .meta = "RATE", .attr = NETIF_A_SHAPE_RATE),
	KW("unknown-vlan", set_vlan_policy, .meta = "default|pass|drop"),
};

int cmd_set(struct cli *c)
{
	struct cli_args a = { .what = "set", .nlh = cli_msg(c, NETIF_CMD_SET, 0) };

	return CLI_REQUEST(c, &a, set_kw, NULL, NULL);
}
