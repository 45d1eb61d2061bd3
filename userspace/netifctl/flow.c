// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* flow add | del | show */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "netif/maps.h"
#include "names.h"
#include "netifctl.h"
#include "units.h"

static int put_addr(struct nlmsghdr *nlh, int attr, const char *kw, const char *s, int want_len)
{
	uint8_t a[16];
	int len, err;

	err = cli_addr(kw, s, a, &len);
	if (err)
		return err;
	if (want_len && len != want_len)
		return cli_usage_error("%s must be an IPv6 address", kw);
	mnl_attr_put(nlh, attr, len, a);
	return 0;
}

static void print_uuid(json_t *o)
{
	printf("uuid %s\n", json_string_value(json_object_get(o, "uuid")));
}

static int add_reply(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[NETIF_A_MAX + 1];
	char u[37];

	if (netif_attr_parse(nlh, netif_policy, NETIF_A_MAX, tb, NULL))
		return MNL_CB_ERROR;
	if (tb[NETIF_A_UUID])
		json_object_set_new(data, "uuid",
				    json_string(cli_fmt_uuid(mnl_attr_get_payload(tb[NETIF_A_UUID]), u)));
	return MNL_CB_OK;
}

static int flow_add(struct cli *c)
{
	struct netif_client *cl = cli_client(c);
	struct nlmsghdr *nlh = netif_client_msg(cl, NETIF_CMD_FLOW_ADD, 0);
	struct nlattr *nest = NULL;
	const char *dev = NULL, *arg;
	bool have_type = false, have_action = false;
	uint64_t v64;
	uint32_t v;
	uint8_t u[16];
	int err, type = 0;

	/* dev comes first in the message; collect it before opening the nest */
	for (int i = 0; i + 1 < c->argc; i++) {
		if (cli_is(c->argv[i], "dev") && !(i > 0 && cli_is(c->argv[i - 1], "redirect"))) {
			dev = c->argv[i + 1];
			break;
		}
	}
	if (!dev)
		return cli_usage_error("dev IF is required");
	mnl_attr_put_strz(nlh, NETIF_A_IFNAME, dev);
	nest = mnl_attr_nest_start(nlh, NETIF_A_FLOW);

	while ((arg = cli_next(c))) {
		if (cli_is(arg, "dev")) {
			cli_value(c, arg);
		} else if (cli_is(arg, "dir")) {
			const char *d = cli_value(c, arg);

			if (!cli_is(d, "in") && !cli_is(d, "out"))
				return cli_usage_error("dir must be in or out");
			mnl_attr_put_u8(nlh, NETIF_FA_DIR, cli_is(d, "out") ? NETIF_DIR_OUT : NETIF_DIR_IN);
		} else if (cli_is(arg, "llink")) {
			err = cli_u64(arg, cli_value(c, arg), 0, UINT64_MAX, &v64);
			if (err)
				return err;
			mnl_attr_put_u64(nlh, NETIF_FA_LLINK, v64);
		} else if (cli_is(arg, "ethertype") || cli_is(arg, "ula") || cli_is(arg, "tuple")) {
			if (have_type)
				return cli_usage_error("one match per flow (ethertype, ula or tuple)");
			have_type = true;
			if (cli_is(arg, "ethertype")) {
				type = NETIF_FLOW_ETHERTYPE;
				err = cli_u32(arg, cli_value(c, arg), 0, 0xffff, &v);
				if (err)
					return err;
				mnl_attr_put_u8(nlh, NETIF_FA_TYPE, type);
				mnl_attr_put_u16(nlh, NETIF_FA_ETHERTYPE, v);
			} else {
				type = cli_is(arg, "ula") ? NETIF_FLOW_ULA : NETIF_FLOW_TUPLE;
				mnl_attr_put_u8(nlh, NETIF_FA_TYPE, type);
			}
		} else if (type == NETIF_FLOW_ULA && (cli_is(arg, "local") || cli_is(arg, "remote"))) {
			err = put_addr(nlh, cli_is(arg, "local") ? NETIF_FA_LOCAL : NETIF_FA_REMOTE, arg,
				       cli_value(c, arg), 16);
			if (err)
				return err;
		} else if (type == NETIF_FLOW_TUPLE && cli_is(arg, "proto")) {
			const char *p = cli_value(c, arg);
			int proto = netif_proto_parse(p);

			if (proto < 0)
				return cli_usage_error("proto must be tcp, udp, icmp, icmpv6 or 0..255");
			mnl_attr_put_u8(nlh, NETIF_FA_PROTO, proto);
		} else if (type == NETIF_FLOW_TUPLE && (cli_is(arg, "src") || cli_is(arg, "dst"))) {
			err = put_addr(nlh, cli_is(arg, "src") ? NETIF_FA_SRC : NETIF_FA_DST, arg,
				       cli_value(c, arg), 0);
			if (err)
				return err;
		} else if (type == NETIF_FLOW_TUPLE && (cli_is(arg, "sport") || cli_is(arg, "dport") ||
							 cli_is(arg, "type") || cli_is(arg, "code"))) {
			bool port = cli_is(arg, "sport") || cli_is(arg, "dport");

			err = cli_u32(arg, cli_value(c, arg), port ? 1 : 0, port ? 65535 : 255, &v);
			if (err)
				return err;
			mnl_attr_put_u16(nlh, cli_is(arg, "sport") || cli_is(arg, "type") ?
					 NETIF_FA_SPORT : NETIF_FA_DPORT, v);
		} else if (cli_is(arg, "action")) {
			const char *a = cli_value(c, arg);
			int act = netif_action_parse(a);

			if (act < 0)
				return cli_usage_error("action must be pass, drop, exception, port N or "
						       "redirect dev IF");
			have_action = true;
			mnl_attr_put_u8(nlh, NETIF_FA_ACTION, act);
			if (act == NETIF_ACTION_PORT) {
				err = cli_u32("port", cli_value(c, "port"), 0, 255, &v);
				if (err)
					return err;
				mnl_attr_put_u8(nlh, NETIF_FA_PORT, v);
			} else if (act == NETIF_ACTION_REDIRECT) {
				if (!cli_is(cli_next(c), "dev"))
					return cli_usage_error("usage: action redirect dev IF");
				mnl_attr_put_strz(nlh, NETIF_FA_REDIRECT_DEV, cli_value(c, "dev"));
			}
		} else if (cli_is(arg, "rate") || cli_is(arg, "shape")) {
			err = cli_rate(arg, cli_value(c, arg), &v64);
			if (err)
				return err;
			mnl_attr_put_u64(nlh, cli_is(arg, "rate") ? NETIF_FA_RATE : NETIF_FA_SHAPE, v64);
		} else if (cli_is(arg, "burst")) {
			err = cli_size(arg, cli_value(c, arg), &v64);
			if (err)
				return err;
			mnl_attr_put_u64(nlh, NETIF_FA_BURST, v64);
		} else if (cli_is(arg, "qset-hint")) {
			err = cli_u32(arg, cli_value(c, arg), 1, UINT32_MAX, &v);
			if (err)
				return err;
			mnl_attr_put_u32(nlh, NETIF_FA_QSET_HINT, v);
		} else if (cli_is(arg, "uuid")) {
			err = cli_uuid(cli_value(c, arg), u);
			if (err)
				return err;
			mnl_attr_put(nlh, NETIF_FA_UUID, 16, u);
		} else {
			return cli_usage_error("flow add: unknown argument \"%s\"", arg);
		}
	}
	if (!have_type)
		return cli_usage_error("flow add needs a match: ethertype, ula or tuple");
	if (!have_action)
		return cli_usage_error("flow add needs an action");
	mnl_attr_nest_end(nlh, nest);

	return cli_call(c, add_reply, json_object(), print_uuid);
}

/* ---- show ------------------------------------------------------------- */

static json_t *flow_json(const struct nlattr *nest)
{
	const struct nlattr *tb[NETIF_FA_MAX + 1];
	json_t *o;
	char buf[64];
	int alen;

	if (netif_attr_parse_nested(nest, netif_flow_policy, NETIF_FA_MAX, tb, NULL))
		return NULL;
	o = json_object();
	if (tb[NETIF_FA_UUID])
		json_object_set_new(o, "uuid", json_string(cli_fmt_uuid(mnl_attr_get_payload(tb[NETIF_FA_UUID]), buf)));
	if (tb[NETIF_FA_TYPE])
		json_object_set_new(o, "type", json_string(netif_flow_type_name(mnl_attr_get_u8(tb[NETIF_FA_TYPE]))));
	if (tb[NETIF_FA_DIR])
		json_object_set_new(o, "dir", json_string(netif_dir_name(mnl_attr_get_u8(tb[NETIF_FA_DIR]))));
	if (tb[NETIF_FA_LLINK])
		json_object_set_new(o, "llink", json_integer(mnl_attr_get_u64(tb[NETIF_FA_LLINK])));
	if (tb[NETIF_FA_ETHERTYPE]) {
		snprintf(buf, sizeof(buf), "0x%04x", mnl_attr_get_u16(tb[NETIF_FA_ETHERTYPE]));
		json_object_set_new(o, "ethertype", json_string(buf));
	}
	if (tb[NETIF_FA_LOCAL])
		json_object_set_new(o, "local", json_string(cli_fmt_addr(mnl_attr_get_payload(tb[NETIF_FA_LOCAL]), 16, buf, sizeof(buf))));
	if (tb[NETIF_FA_REMOTE])
		json_object_set_new(o, "remote", json_string(cli_fmt_addr(mnl_attr_get_payload(tb[NETIF_FA_REMOTE]), 16, buf, sizeof(buf))));
	if (tb[NETIF_FA_PROTO])
		json_object_set_new(o, "proto", json_string(netif_proto_name(mnl_attr_get_u8(tb[NETIF_FA_PROTO]), buf, sizeof(buf))));
	if (tb[NETIF_FA_SRC]) {
		alen = mnl_attr_get_payload_len(tb[NETIF_FA_SRC]);
		json_object_set_new(o, "src", json_string(cli_fmt_addr(mnl_attr_get_payload(tb[NETIF_FA_SRC]), alen, buf, sizeof(buf))));
	}
	if (tb[NETIF_FA_DST]) {
		alen = mnl_attr_get_payload_len(tb[NETIF_FA_DST]);
		json_object_set_new(o, "dst", json_string(cli_fmt_addr(mnl_attr_get_payload(tb[NETIF_FA_DST]), alen, buf, sizeof(buf))));
	}
	if (tb[NETIF_FA_SPORT])
		json_object_set_new(o, "sport", json_integer(mnl_attr_get_u16(tb[NETIF_FA_SPORT])));
	if (tb[NETIF_FA_DPORT])
		json_object_set_new(o, "dport", json_integer(mnl_attr_get_u16(tb[NETIF_FA_DPORT])));
	if (tb[NETIF_FA_ACTION])
		json_object_set_new(o, "action", json_string(netif_action_name(mnl_attr_get_u8(tb[NETIF_FA_ACTION]))));
	if (tb[NETIF_FA_REDIRECT_DEV])
		json_object_set_new(o, "redirect_dev", json_string(mnl_attr_get_str(tb[NETIF_FA_REDIRECT_DEV])));
	if (tb[NETIF_FA_PORT])
		json_object_set_new(o, "port", json_integer(mnl_attr_get_u8(tb[NETIF_FA_PORT])));
	if (tb[NETIF_FA_RATE])
		json_object_set_new(o, "rate", json_integer(mnl_attr_get_u64(tb[NETIF_FA_RATE])));
	if (tb[NETIF_FA_BURST])
		json_object_set_new(o, "burst", json_integer(mnl_attr_get_u64(tb[NETIF_FA_BURST])));
	if (tb[NETIF_FA_SHAPE])
		json_object_set_new(o, "shape", json_integer(mnl_attr_get_u64(tb[NETIF_FA_SHAPE])));
	if (tb[NETIF_FA_QSET_HINT]) {
		snprintf(buf, sizeof(buf), "0x%x", mnl_attr_get_u32(tb[NETIF_FA_QSET_HINT]));
		json_object_set_new(o, "qset_hint", json_string(buf));
	}
	if (tb[NETIF_FA_FLOW_ID])
		json_object_set_new(o, "flow_id", json_integer(mnl_attr_get_u32(tb[NETIF_FA_FLOW_ID])));
	if (tb[NETIF_FA_PACKETS])
		json_object_set_new(o, "packets", json_integer(mnl_attr_get_u64(tb[NETIF_FA_PACKETS])));
	if (tb[NETIF_FA_BYTES])
		json_object_set_new(o, "bytes", json_integer(mnl_attr_get_u64(tb[NETIF_FA_BYTES])));
	if (tb[NETIF_FA_DROPS])
		json_object_set_new(o, "drops", json_integer(mnl_attr_get_u64(tb[NETIF_FA_DROPS])));
	return o;
}

static int show_reply(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[NETIF_A_MAX + 1];
	json_t *o;

	if (netif_attr_parse(nlh, netif_policy, NETIF_A_MAX, tb, NULL) || !tb[NETIF_A_FLOW])
		return MNL_CB_ERROR;
	o = flow_json(tb[NETIF_A_FLOW]);
	if (!o)
		return MNL_CB_ERROR;
	json_array_append_new(data, o);
	return MNL_CB_OK;
}

static void print_flow(json_t *o)
{
	static const char *const keys[] = { "dir", "llink", "ethertype", "local", "remote", "proto",
					    "src", "dst", "sport", "dport", NULL };
	char r[32];
	const char *proto = json_string_value(json_object_get(o, "proto"));
	bool icmp = proto && (!strcmp(proto, "icmp") || !strcmp(proto, "icmpv6"));
	int i;

	printf("uuid %s %s", json_string_value(json_object_get(o, "uuid")),
	       json_string_value(json_object_get(o, "type")));
	for (i = 0; keys[i]; i++) {
		json_t *v = json_object_get(o, keys[i]);
		const char *k = keys[i];

		if (!v)
			continue;
		if (icmp && !strcmp(k, "sport"))
			k = "type";
		else if (icmp && !strcmp(k, "dport"))
			k = "code";
		if (json_is_integer(v))
			printf(" %s %lld", k, json_integer_value(v));
		else
			printf(" %s %s", k, json_string_value(v));
	}
	printf(" action %s", json_string_value(json_object_get(o, "action")));
	if (json_object_get(o, "redirect_dev"))
		printf(" dev %s", json_string_value(json_object_get(o, "redirect_dev")));
	if (json_object_get(o, "port"))
		printf(" %lld", json_integer_value(json_object_get(o, "port")));
	if (json_object_get(o, "rate"))
		printf(" rate %s", netif_fmt_rate(json_integer_value(json_object_get(o, "rate")), r, sizeof(r)));
	if (json_object_get(o, "burst"))
		printf(" burst %s", netif_fmt_size(json_integer_value(json_object_get(o, "burst")), r, sizeof(r)));
	if (json_object_get(o, "shape"))
		printf(" shape %s", netif_fmt_rate(json_integer_value(json_object_get(o, "shape")), r, sizeof(r)));
	if (json_object_get(o, "qset_hint"))
		printf(" qset-hint %s", json_string_value(json_object_get(o, "qset_hint")));
	printf("\n    packets %lld bytes %lld drops %lld\n",
	       json_integer_value(json_object_get(o, "packets")),
	       json_integer_value(json_object_get(o, "bytes")),
	       json_integer_value(json_object_get(o, "drops")));
}

static void print_flows(json_t *arr)
{
	size_t i;
	json_t *o;

	json_array_foreach(arr, i, o)
		print_flow(o);
}

static int flow_show(struct cli *c)
{
	struct netif_client *cl = cli_client(c);
	struct nlmsghdr *nlh = netif_client_msg(cl, NETIF_CMD_FLOW_GET, NLM_F_DUMP);
	const char *dev = NULL, *arg;
	uint8_t u[16];
	int err;

	while ((arg = cli_next(c))) {
		if (cli_is(arg, "dev")) {
			dev = cli_value(c, arg);
			mnl_attr_put_strz(nlh, NETIF_A_IFNAME, dev);
		} else if (cli_is(arg, "uuid")) {
			err = cli_uuid(cli_value(c, arg), u);
			if (err)
				return err;
			mnl_attr_put(nlh, NETIF_A_UUID, 16, u);
		} else {
			return cli_usage_error("flow show: unknown argument \"%s\"", arg);
		}
	}
	if (!dev)
		return cli_usage_error("dev IF is required");
	return cli_call(c, show_reply, json_array(), print_flows);
}

static int flow_del(struct cli *c)
{
	struct netif_client *cl = cli_client(c);
	struct nlmsghdr *nlh = netif_client_msg(cl, NETIF_CMD_FLOW_DEL, 0);
	const char *dev = NULL, *arg;
	bool have_uuid = false;
	uint8_t u[16];
	int err;

	while ((arg = cli_next(c))) {
		if (cli_is(arg, "dev")) {
			dev = cli_value(c, arg);
			mnl_attr_put_strz(nlh, NETIF_A_IFNAME, dev);
		} else if (cli_is(arg, "uuid")) {
			err = cli_uuid(cli_value(c, arg), u);
			if (err)
				return err;
			mnl_attr_put(nlh, NETIF_A_UUID, 16, u);
			have_uuid = true;
		} else {
			return cli_usage_error("flow del: unknown argument \"%s\"", arg);
		}
	}
	if (!dev || !have_uuid)
		return cli_usage_error("usage: flow del dev IF uuid U");
	return cli_call(c, NULL, NULL, NULL);
}

int cmd_flow(struct cli *c)
{
	const char *sub = cli_next(c);

	if (cli_is(sub, "add"))
		return flow_add(c);
	if (cli_is(sub, "del") || cli_is(sub, "delete"))
		return flow_del(c);
	if (cli_is(sub, "show") || cli_is(sub, "list"))
		return flow_show(c);
	return cli_usage_error("usage: flow add|del|show ...");
}
