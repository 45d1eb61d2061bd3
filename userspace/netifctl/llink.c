// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* llink add | delete | show: logical links and their queue sets */
#include <errno.h>
#include <stdio.h>
#include "netif/maps.h"
#include "args.h"
#include "attrs.h"
#include "call.h"
#include "commands.h"

/* ---- add -------------------------------------------------------------- */

static int qset_flag(struct cli *c, const struct cli_kw *kw, const char *val, struct cli_args *a)
{
	uint32_t *flags = a->priv;

	*flags |= (uint32_t)kw->min;
	return 0;
}

/* The words of one "qset ..." group; any other word ends it. */
static const struct cli_kw qset_kw[] = {
	KW("default", qset_flag, .flags = KW_FLAG | KW_MULTI, .min = NETIF_QSET_F_DEFAULT),
	KW("wmm", qset_flag, .flags = KW_FLAG | KW_MULTI, .min = NETIF_QSET_F_WMM),
	KW("aqm", qset_flag, .flags = KW_FLAG | KW_MULTI, .min = NETIF_QSET_F_AQM),
	KW("low-latency", qset_flag, .flags = KW_FLAG | KW_MULTI, .min = NETIF_QSET_F_LOW_LATENCY),
	KW("rx", kw_u32, .meta = "N", .attr = NETIF_QA_RX_QUEUES, .max = 65535),
	KW("tx", kw_u32, .meta = "N", .attr = NETIF_QA_TX_QUEUES, .max = 65535),
	KW("rx-base", kw_u32, .meta = "N", .attr = NETIF_QA_RX_BASE, .max = 65535),
	KW("tx-base", kw_u32, .meta = "N", .attr = NETIF_QA_TX_BASE, .max = 65535),
	KW("rate", kw_rate, .meta = "RATE", .attr = NETIF_QA_RATE),
	KW("burst", kw_size, .meta = "SIZE", .attr = NETIF_QA_BURST),
	KW("shape", kw_rate, .meta = "RATE", .attr = NETIF_QA_SHAPE),
};

static int llink_qset(struct cli *c, const struct cli_kw *kw, const char *val, struct cli_args *a)
{
	uint32_t flags = 0;
	struct cli_args q = {
		.what = "qset", .nlh = a->nlh, .stop_unknown = true, .priv = &flags,
		.nest = mnl_attr_nest_start(a->nlh, NETIF_LA_QSET),
	};
	int err = CLI_PARSE(c, qset_kw, &q);

	if (err)
		return err;
	mnl_attr_put_u32(a->nlh, NETIF_QA_FLAGS, flags);
	cli_args_done(&q);
	return 0;
}

static const struct cli_kw llink_add_kw[] = {
	KW_DEV,
	KW("id", kw_u64, .meta = "LINKID", .flags = KW_REQ, .attr = NETIF_LA_LINK_ID, .max = UINT64_MAX),
	KW("vlan", kw_u16, .meta = "VID", .attr = NETIF_LA_VLAN, .max = 65535),
	KW("qset", llink_qset, .meta = "QSET", .flags = KW_FLAG | KW_MULTI),
};

int llink_add_parse(struct cli *c, struct nlmsghdr *nlh)
{
	struct cli_args a = { .what = "llink add", .nlh = nlh,
			      .nest = mnl_attr_nest_start(nlh, NETIF_A_LLINK) };
	int err = CLI_PARSE(c, llink_add_kw, &a);

	if (!err)
		cli_args_done(&a);
	return err;
}

static int llink_add(struct cli *c)
{
	int err = llink_add_parse(c, cli_msg(c, NETIF_CMD_LLINK_ADD, 0));

	return err ? err : cli_call(c, NULL, NULL);
}

/* ---- delete ----------------------------------------------------------- */

static const struct cli_kw llink_del_kw[] = {
	KW_DEV,
	KW("id", kw_u64, .meta = "LINKID", .flags = KW_REQ, .attr = NETIF_LA_LINK_ID, .max = UINT64_MAX),
};

static int llink_del(struct cli *c)
{
	struct nlmsghdr *nlh = cli_msg(c, NETIF_CMD_LLINK_DEL, 0);
	struct cli_args a = { .what = "llink delete", .nlh = nlh,
			      .nest = mnl_attr_nest_start(nlh, NETIF_A_LLINK) };

	return CLI_REQUEST(c, &a, llink_del_kw, NULL, NULL);
}

/* ---- show ------------------------------------------------------------- */

static void print_flags(struct out *o, uint32_t f, bool qset)
{
	out_open_array(o, "flags");
	if (f & (qset ? NETIF_QSET_F_DEFAULT : NETIF_LLINK_F_DEFAULT))
		print_string(o, PRINT_ANY, NULL, " %s", "default");
	if (qset && (f & NETIF_QSET_F_WMM))
		print_string(o, PRINT_ANY, NULL, " %s", "wmm");
	if (qset && (f & NETIF_QSET_F_AQM))
		print_string(o, PRINT_ANY, NULL, " %s", "aqm");
	if (qset && (f & NETIF_QSET_F_LOW_LATENCY))
		print_string(o, PRINT_ANY, NULL, " %s", "low-latency");
	out_close_array(o);
}

static void print_qset(struct out *o, const struct nlattr **qt, bool stats)
{
	char id[16];

	snprintf(id, sizeof(id), "0x%08x", (unsigned int)attr_u32(qt[NETIF_QA_ID]));
	out_open_object(o, NULL);
	print_string(o, PRINT_ANY, "id", "    qset %s", id);
	print_flags(o, attr_u32(qt[NETIF_QA_FLAGS]), true);
	print_u64(o, PRINT_ANY, "rx_queues", " rx %s", attr_u32(qt[NETIF_QA_RX_QUEUES]));
	print_u64(o, PRINT_ANY, "rx_base", " (base %s)", attr_u32(qt[NETIF_QA_RX_BASE]));
	print_u64(o, PRINT_ANY, "tx_queues", " tx %s", attr_u32(qt[NETIF_QA_TX_QUEUES]));
	print_u64(o, PRINT_ANY, "tx_base", " (base %s)", attr_u32(qt[NETIF_QA_TX_BASE]));
	if (qt[NETIF_QA_RATE]) {
		print_rate(o, PRINT_ANY, "rate", " rate %s", attr_u64(qt[NETIF_QA_RATE]));
		print_size(o, PRINT_ANY, "burst", " burst %s", attr_u64(qt[NETIF_QA_BURST]));
	}
	if (qt[NETIF_QA_SHAPE])
		print_rate(o, PRINT_ANY, "shape", " shape %s", attr_u64(qt[NETIF_QA_SHAPE]));
	print_text(o, "\n");
	if (stats) {
		print_u64(o, PRINT_ANY, "rx_packets", "        rx_packets %s",
			  attr_u64(qt[NETIF_QA_RX_PACKETS]));
		print_u64(o, PRINT_ANY, "tx_packets", " tx_packets %s",
			  attr_u64(qt[NETIF_QA_TX_PACKETS]));
		print_u64(o, PRINT_ANY, "drops", " drops %s\n", attr_u64(qt[NETIF_QA_DROPS]));
	}
	out_close_object(o);
}

static void print_qsets(struct out *o, const struct nlattr *llink, bool stats)
{
	const struct nlattr *a;

	out_open_array(o, "qsets");
	mnl_attr_for_each_nested(a, llink) {
		const struct nlattr *qt[NETIF_QA_MAX + 1];

		if (mnl_attr_get_type(a) == NETIF_LA_QSET &&
		    !netif_attr_parse_nested(a, netif_qset_policy, NETIF_QA_MAX, qt, NULL))
			print_qset(o, qt, stats);
	}
	out_close_array(o);
}

static void print_counters(struct out *o, const struct nlattr **lt)
{
	print_u64(o, PRINT_ANY, "rx_packets", "    rx %s packets", attr_u64(lt[NETIF_LA_RX_PACKETS]));
	print_u64(o, PRINT_ANY, "rx_bytes", " %s bytes", attr_u64(lt[NETIF_LA_RX_BYTES]));
	print_u64(o, PRINT_ANY, "tx_packets", "  tx %s packets", attr_u64(lt[NETIF_LA_TX_PACKETS]));
	print_u64(o, PRINT_ANY, "tx_bytes", " %s bytes\n", attr_u64(lt[NETIF_LA_TX_BYTES]));
}

static int show_reply(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[NETIF_A_MAX + 1], *lt[NETIF_LA_MAX + 1];
	struct cli *c = data;
	struct out *o = &c->out;
	char iid[8];
	bool destroyed;

	if (netif_attr_parse(nlh, netif_policy, NETIF_A_MAX, tb, NULL) || !tb[NETIF_A_LLINK] ||
	    netif_attr_parse_nested(tb[NETIF_A_LLINK], netif_llink_policy, NETIF_LA_MAX, lt, NULL))
		return MNL_CB_ERROR;
	destroyed = lt[NETIF_LA_STATE] &&
		    mnl_attr_get_u8(lt[NETIF_LA_STATE]) == NETIF_LLINK_STATE_DESTROYED;
	out_open_object(o, NULL);
	if (tb[NETIF_A_LLINK_INFO_VERSION])
		print_u64(o, PRINT_JSON, "version", NULL,
			  mnl_attr_get_u32(tb[NETIF_A_LLINK_INFO_VERSION]));
	print_u64(o, PRINT_ANY, "id", "llink %s", attr_u64(lt[NETIF_LA_LINK_ID]));
	if (lt[NETIF_LA_INTERNAL_ID]) {
		snprintf(iid, sizeof(iid), "0x%04x", mnl_attr_get_u16(lt[NETIF_LA_INTERNAL_ID]));
		print_string(o, PRINT_ANY, "internal_id", " internal %s", iid);
	}
	print_string(o, PRINT_ANY, "state", " state %s", destroyed ? "destroyed" : "init");
	print_flags(o, attr_u32(lt[NETIF_LA_FLAGS]), false);
	if (lt[NETIF_LA_VLAN])
		print_u64(o, PRINT_ANY, "vlan", " vlan %s", mnl_attr_get_u16(lt[NETIF_LA_VLAN]));
	print_text(o, "\n");
	if (c->stats)
		print_counters(o, lt);
	print_qsets(o, tb[NETIF_A_LLINK], c->stats > 0);
	out_close_object(o);
	return MNL_CB_OK;
}

static int llink_show(struct cli *c)
{
	struct cli_args a = { .what = "llink show",
			      .nlh = cli_msg(c, NETIF_CMD_LLINK_GET, NLM_F_DUMP) };

	/* the layout this client reads, as XNU's GET_LLINK_INFO asks */
	mnl_attr_put_u32(a.nlh, NETIF_A_LLINK_INFO_VERSION, NETIF_LLINK_INFO_VERSION);
	return CLI_DUMP(c, &a, cli_dev_only, show_reply);
}

static const struct cli_cmd llink_cmds[] = {
	CMD("add", llink_add),   CMD("delete", llink_del), CMD("show", llink_show),
	CMD("list", llink_show), CMD("help", NULL),
};

int cmd_llink(struct cli *c)
{
	return CLI_DISPATCH(c, "llink", llink_cmds);
}
