// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* llink add | del | show */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "netif/maps.h"
#include "netifctl.h"
#include "units.h"

static bool qset_word(const char *a)
{
	return cli_is(a, "default") || cli_is(a, "wmm") || cli_is(a, "aqm") ||
	       cli_is(a, "low-latency") || cli_is(a, "rx") || cli_is(a, "tx") ||
	       cli_is(a, "rx-base") || cli_is(a, "tx-base") || cli_is(a, "rate") ||
	       cli_is(a, "burst") || cli_is(a, "shape");
}

/* Parse the words of one "qset ..." group into a NETIF_LA_QSET nest. */
static int parse_qset(struct cli *c, struct nlmsghdr *nlh)
{
	struct nlattr *q = mnl_attr_nest_start(nlh, NETIF_LA_QSET);
	uint32_t flags = 0, v;
	uint64_t v64;
	int err;

	while (qset_word(cli_peek(c))) {
		const char *a = cli_next(c);

		if (cli_is(a, "default")) {
			flags |= NETIF_QSET_F_DEFAULT;
		} else if (cli_is(a, "wmm")) {
			flags |= NETIF_QSET_F_WMM;
		} else if (cli_is(a, "aqm")) {
			flags |= NETIF_QSET_F_AQM;
		} else if (cli_is(a, "low-latency")) {
			flags |= NETIF_QSET_F_LOW_LATENCY;
		} else if (cli_is(a, "rate") || cli_is(a, "shape")) {
			err = cli_rate(a, cli_value(c, a), &v64);
			if (err)
				return err;
			mnl_attr_put_u64(nlh, cli_is(a, "rate") ? NETIF_QA_RATE : NETIF_QA_SHAPE, v64);
		} else if (cli_is(a, "burst")) {
			err = cli_size(a, cli_value(c, a), &v64);
			if (err)
				return err;
			mnl_attr_put_u64(nlh, NETIF_QA_BURST, v64);
		} else {
			int attr = cli_is(a, "rx") ? NETIF_QA_RX_QUEUES :
				   cli_is(a, "tx") ? NETIF_QA_TX_QUEUES :
				   cli_is(a, "rx-base") ? NETIF_QA_RX_BASE : NETIF_QA_TX_BASE;

			err = cli_u32(a, cli_value(c, a), 0, 65535, &v);
			if (err)
				return err;
			mnl_attr_put_u32(nlh, attr, v);
		}
	}
	mnl_attr_put_u32(nlh, NETIF_QA_FLAGS, flags);
	mnl_attr_nest_end(nlh, q);
	return 0;
}

static int llink_add(struct cli *c)
{
	struct netif_client *cl = cli_client(c);
	struct nlmsghdr *nlh = netif_client_msg(cl, NETIF_CMD_LLINK_ADD, 0);
	const char *dev = NULL, *arg;
	struct nlattr *nest;
	bool have_id = false;
	uint64_t id;
	uint32_t v;
	int err, i;

	for (i = 0; i + 1 < c->argc; i++)
		if (cli_is(c->argv[i], "dev"))
			dev = c->argv[i + 1];
	if (!dev)
		return cli_usage_error("dev IF is required");
	mnl_attr_put_strz(nlh, NETIF_A_IFNAME, dev);
	nest = mnl_attr_nest_start(nlh, NETIF_A_LLINK);
	while ((arg = cli_next(c))) {
		if (cli_is(arg, "dev")) {
			cli_value(c, arg);
		} else if (cli_is(arg, "id")) {
			err = cli_u64(arg, cli_value(c, arg), 0, UINT64_MAX, &id);
			if (err)
				return err;
			mnl_attr_put_u64(nlh, NETIF_LA_LINK_ID, id);
			have_id = true;
		} else if (cli_is(arg, "vlan")) {
			err = cli_u32(arg, cli_value(c, arg), 0, 65535, &v);
			if (err)
				return err;
			mnl_attr_put_u16(nlh, NETIF_LA_VLAN, v);
		} else if (cli_is(arg, "qset")) {
			err = parse_qset(c, nlh);
			if (err)
				return err;
		} else {
			return cli_usage_error("llink add: unknown argument \"%s\"", arg);
		}
	}
	if (!have_id)
		return cli_usage_error("llink add needs id LINKID");
	mnl_attr_nest_end(nlh, nest);
	return cli_call(c, NULL, NULL, NULL);
}

static int llink_del(struct cli *c)
{
	struct netif_client *cl = cli_client(c);
	struct nlmsghdr *nlh = netif_client_msg(cl, NETIF_CMD_LLINK_DEL, 0);
	const char *dev = NULL, *arg;
	bool have_id = false;
	struct nlattr *nest;
	uint64_t id = 0;
	int err;

	while ((arg = cli_next(c))) {
		if (cli_is(arg, "dev")) {
			dev = cli_value(c, arg);
		} else if (cli_is(arg, "id")) {
			err = cli_u64(arg, cli_value(c, arg), 0, UINT64_MAX, &id);
			if (err)
				return err;
			have_id = true;
		} else {
			return cli_usage_error("llink del: unknown argument \"%s\"", arg);
		}
	}
	if (!dev || !have_id)
		return cli_usage_error("usage: llink del dev IF id LINKID");
	mnl_attr_put_strz(nlh, NETIF_A_IFNAME, dev);
	nest = mnl_attr_nest_start(nlh, NETIF_A_LLINK);
	mnl_attr_put_u64(nlh, NETIF_LA_LINK_ID, id);
	mnl_attr_nest_end(nlh, nest);
	return cli_call(c, NULL, NULL, NULL);
}

static json_t *flags_json(uint32_t f, bool qset)
{
	json_t *a = json_array();

	if (f & (qset ? NETIF_QSET_F_DEFAULT : NETIF_LLINK_F_DEFAULT))
		json_array_append_new(a, json_string("default"));
	if (qset && (f & NETIF_QSET_F_WMM))
		json_array_append_new(a, json_string("wmm"));
	if (qset && (f & NETIF_QSET_F_AQM))
		json_array_append_new(a, json_string("aqm"));
	if (qset && (f & NETIF_QSET_F_LOW_LATENCY))
		json_array_append_new(a, json_string("low-latency"));
	return a;
}

static json_t *u64_json(const struct nlattr *a)
{
	return json_integer(a ? (json_int_t)mnl_attr_get_u64(a) : 0);
}

static int show_reply(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[NETIF_A_MAX + 1], *lt[NETIF_LA_MAX + 1], *a;
	json_t *o, *qs;
	char buf[32];

	if (netif_attr_parse(nlh, netif_policy, NETIF_A_MAX, tb, NULL) || !tb[NETIF_A_LLINK] ||
	    netif_attr_parse_nested(tb[NETIF_A_LLINK], netif_llink_policy, NETIF_LA_MAX, lt, NULL))
		return MNL_CB_ERROR;
	o = json_object();
	if (tb[NETIF_A_LLINK_INFO_VERSION])
		json_object_set_new(o, "version", json_integer(mnl_attr_get_u32(tb[NETIF_A_LLINK_INFO_VERSION])));
	json_object_set_new(o, "id", u64_json(lt[NETIF_LA_LINK_ID]));
	if (lt[NETIF_LA_INTERNAL_ID]) {
		snprintf(buf, sizeof(buf), "0x%04x", mnl_attr_get_u16(lt[NETIF_LA_INTERNAL_ID]));
		json_object_set_new(o, "internal_id", json_string(buf));
	}
	json_object_set_new(o, "state", json_string(lt[NETIF_LA_STATE] &&
		mnl_attr_get_u8(lt[NETIF_LA_STATE]) == NETIF_LLINK_STATE_DESTROYED ? "destroyed" : "init"));
	json_object_set_new(o, "flags", flags_json(lt[NETIF_LA_FLAGS] ? mnl_attr_get_u32(lt[NETIF_LA_FLAGS]) : 0, false));
	if (lt[NETIF_LA_VLAN])
		json_object_set_new(o, "vlan", json_integer(mnl_attr_get_u16(lt[NETIF_LA_VLAN])));
	json_object_set_new(o, "rx_packets", u64_json(lt[NETIF_LA_RX_PACKETS]));
	json_object_set_new(o, "rx_bytes", u64_json(lt[NETIF_LA_RX_BYTES]));
	json_object_set_new(o, "tx_packets", u64_json(lt[NETIF_LA_TX_PACKETS]));
	json_object_set_new(o, "tx_bytes", u64_json(lt[NETIF_LA_TX_BYTES]));
	qs = json_array();
	mnl_attr_for_each_nested(a, tb[NETIF_A_LLINK]) {
		const struct nlattr *qt[NETIF_QA_MAX + 1];
		json_t *q;

		if (mnl_attr_get_type(a) != NETIF_LA_QSET ||
		    netif_attr_parse_nested(a, netif_qset_policy, NETIF_QA_MAX, qt, NULL))
			continue;
		q = json_object();
		snprintf(buf, sizeof(buf), "0x%08x", qt[NETIF_QA_ID] ? mnl_attr_get_u32(qt[NETIF_QA_ID]) : 0);
		json_object_set_new(q, "id", json_string(buf));
		json_object_set_new(q, "flags", flags_json(qt[NETIF_QA_FLAGS] ? mnl_attr_get_u32(qt[NETIF_QA_FLAGS]) : 0, true));
		json_object_set_new(q, "rx_queues", json_integer(qt[NETIF_QA_RX_QUEUES] ? mnl_attr_get_u32(qt[NETIF_QA_RX_QUEUES]) : 0));
		json_object_set_new(q, "tx_queues", json_integer(qt[NETIF_QA_TX_QUEUES] ? mnl_attr_get_u32(qt[NETIF_QA_TX_QUEUES]) : 0));
		json_object_set_new(q, "rx_base", json_integer(qt[NETIF_QA_RX_BASE] ? mnl_attr_get_u32(qt[NETIF_QA_RX_BASE]) : 0));
		json_object_set_new(q, "tx_base", json_integer(qt[NETIF_QA_TX_BASE] ? mnl_attr_get_u32(qt[NETIF_QA_TX_BASE]) : 0));
		if (qt[NETIF_QA_RATE]) {
			json_object_set_new(q, "rate", u64_json(qt[NETIF_QA_RATE]));
			json_object_set_new(q, "burst", u64_json(qt[NETIF_QA_BURST]));
		}
		if (qt[NETIF_QA_SHAPE])
			json_object_set_new(q, "shape", u64_json(qt[NETIF_QA_SHAPE]));
		json_object_set_new(q, "rx_packets", u64_json(qt[NETIF_QA_RX_PACKETS]));
		json_object_set_new(q, "tx_packets", u64_json(qt[NETIF_QA_TX_PACKETS]));
		json_object_set_new(q, "drops", u64_json(qt[NETIF_QA_DROPS]));
		json_array_append_new(qs, q);
	}
	json_object_set_new(o, "qsets", qs);
	json_array_append_new(data, o);
	return MNL_CB_OK;
}

static void print_flags(json_t *a)
{
	size_t i;
	json_t *f;

	json_array_foreach(a, i, f)
		printf(" %s", json_string_value(f));
}

static void print_llinks(json_t *arr)
{
	char r[32];
	size_t i, j;
	json_t *o, *q;

	json_array_foreach(arr, i, o) {
		printf("llink %lld internal %s state %s", json_integer_value(json_object_get(o, "id")),
		       json_string_value(json_object_get(o, "internal_id")),
		       json_string_value(json_object_get(o, "state")));
		print_flags(json_object_get(o, "flags"));
		if (json_object_get(o, "vlan"))
			printf(" vlan %lld", json_integer_value(json_object_get(o, "vlan")));
		printf("\n    rx %lld packets %lld bytes  tx %lld packets %lld bytes\n",
		       json_integer_value(json_object_get(o, "rx_packets")),
		       json_integer_value(json_object_get(o, "rx_bytes")),
		       json_integer_value(json_object_get(o, "tx_packets")),
		       json_integer_value(json_object_get(o, "tx_bytes")));
		json_array_foreach(json_object_get(o, "qsets"), j, q) {
			printf("    qset %s", json_string_value(json_object_get(q, "id")));
			print_flags(json_object_get(q, "flags"));
			printf(" rx %lld (base %lld) tx %lld (base %lld)",
			       json_integer_value(json_object_get(q, "rx_queues")),
			       json_integer_value(json_object_get(q, "rx_base")),
			       json_integer_value(json_object_get(q, "tx_queues")),
			       json_integer_value(json_object_get(q, "tx_base")));
			if (json_object_get(q, "rate"))
				printf(" rate %s", netif_fmt_rate(json_integer_value(json_object_get(q, "rate")), r, sizeof(r)));
			if (json_object_get(q, "shape"))
				printf(" shape %s", netif_fmt_rate(json_integer_value(json_object_get(q, "shape")), r, sizeof(r)));
			printf("\n        rx_packets %lld tx_packets %lld drops %lld\n",
			       json_integer_value(json_object_get(q, "rx_packets")),
			       json_integer_value(json_object_get(q, "tx_packets")),
			       json_integer_value(json_object_get(q, "drops")));
		}
	}
}

static int llink_show(struct cli *c)
{
	struct netif_client *cl = cli_client(c);
	struct nlmsghdr *nlh = netif_client_msg(cl, NETIF_CMD_LLINK_GET, NLM_F_DUMP);
	int err = cli_dev_only(c, nlh);

	if (err)
		return err;
	mnl_attr_put_u32(nlh, NETIF_A_LLINK_INFO_VERSION, NETIF_LLINK_INFO_VERSION);
	return cli_call(c, show_reply, json_array(), print_llinks);
}

int cmd_llink(struct cli *c)
{
	const char *sub = cli_next(c);

	if (cli_is(sub, "add"))
		return llink_add(c);
	if (cli_is(sub, "del") || cli_is(sub, "delete"))
		return llink_del(c);
	if (cli_is(sub, "show") || cli_is(sub, "list"))
		return llink_show(c);
	return cli_usage_error("usage: llink add|del|show ...");
}
