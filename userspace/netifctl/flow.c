// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* flow add | delete | show */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include "netif/maps.h"
#include "args.h"
#include "call.h"
#include "commands.h"
#include "names.h"

/* ---- add -------------------------------------------------------------- */

struct flow_add_state {
	int type;         /* the match given: NETIF_FLOW_* or 0 */
};

static int flow_dir(struct cli *c, const struct cli_kw *kw, const char *val, struct cli_args *a)
{
	if (strcmp(val, "in") && strcmp(val, "out"))
		return cli_usage_error("dir must be in or out");
	mnl_attr_put_u8(a->nlh, NETIF_FA_DIR, strcmp(val, "out") ? NETIF_DIR_IN : NETIF_DIR_OUT);
	return 0;
}

/* ethertype T | ula | tuple: the flow's table; the fields below belong to one */
static int flow_match(struct cli *c, const struct cli_kw *kw, const char *val, struct cli_args *a)
{
	struct flow_add_state *st = a->priv;

	if (st->type)
		return cli_usage_error("one match per flow (ethertype, ula or tuple)");
	st->type = kw->need;
	mnl_attr_put_u8(a->nlh, NETIF_FA_TYPE, st->type);
	return val ? kw_u16(c, kw, val, a) : 0;
}

/* a field of one match: given after it */
static int flow_check(const struct cli_kw *kw, struct cli_args *a)
{
	struct flow_add_state *st = a->priv;

	if (kw->fn == flow_match || !kw->need || st->type == kw->need)
		return 0;
	return cli_usage_error("%s: %s is a field of a %s match (after \"%s\")", a->what,
			       kw->key.name, netif_flow_type_name(kw->need),
			       netif_flow_type_name(kw->need));
}

/* src/dst (IPv4 or IPv6), local/remote (IPv6: min 16) */
static int flow_addr(struct cli *c, const struct cli_kw *kw, const char *val, struct cli_args *a)
{
	uint8_t addr[16];
	int len, err = cli_addr(kw->key.name, val, addr, &len);

	if (err)
		return err;
	if ((uint64_t)len < kw->min)
		return cli_usage_error("%s must be an IPv6 address", kw->key.name);
	mnl_attr_put(a->nlh, kw->attr, len, addr);
	return 0;
}

static int flow_proto(struct cli *c, const struct cli_kw *kw, const char *val, struct cli_args *a)
{
	int proto = netif_proto_parse(val);

	if (proto < 0)
		return cli_usage_error("proto must be tcp, udp, icmp, icmpv6 or 0..255");
	mnl_attr_put_u8(a->nlh, NETIF_FA_PROTO, proto);
	return 0;
}

static const struct cli_kw redirect_kw[] = { KW("dev", kw_dev, .meta = "IF2") };

/* action pass|drop|exception | action port N | action redirect dev IF2 */
static int flow_action(struct cli *c, const struct cli_kw *kw, const char *val, struct cli_args *a)
{
	int act = netif_action_parse(val);
	const char *arg;
	uint64_t port;
	int err;

	if (act < 0)
		return cli_usage_error("action must be pass, drop, exception, port N or redirect dev IF");
	mnl_attr_put_u8(a->nlh, NETIF_FA_ACTION, act);
	if (act == NETIF_ACTION_PORT) {
		arg = cli_next(c);
		if (!arg)
			return cli_usage_error("usage: action port N");
		err = cli_u64("port", arg, 0, 255, &port);
		if (!err)
			mnl_attr_put_u8(a->nlh, NETIF_FA_PORT, (uint8_t)port);
		return err;
	}
	if (act == NETIF_ACTION_REDIRECT) {
		arg = cli_next(c);
		if (!arg || MATCH_TABLE(arg, redirect_kw, NULL) < 0 || !(arg = cli_next(c)))
			return cli_usage_error("usage: action redirect dev IF");
		mnl_attr_put_strz(a->nlh, NETIF_FA_REDIRECT_DEV, arg);
	}
	return 0;
}

#define TUPLE NETIF_FLOW_TUPLE
#define ULA NETIF_FLOW_ULA

static const struct cli_kw flow_add_kw[] = {
	KW_DEV,
	KW("dir", flow_dir, .meta = "in|out"),
	KW("llink", kw_u64, .meta = "ID", .attr = NETIF_FA_LLINK, .max = UINT64_MAX),
	KW("ethertype", flow_match, .meta = "T", .attr = NETIF_FA_ETHERTYPE, .max = 0xffff,
	   .need = NETIF_FLOW_ETHERTYPE),
	KW("ula", flow_match, .flags = KW_FLAG, .need = ULA),
	KW("tuple", flow_match, .flags = KW_FLAG, .need = TUPLE),
	KW("local", flow_addr, .meta = "ADDR6", .attr = NETIF_FA_LOCAL, .min = 16, .need = ULA),
	KW("remote", flow_addr, .meta = "ADDR6", .attr = NETIF_FA_REMOTE, .min = 16, .need = ULA),
	KW("proto", flow_proto, .meta = "PROTO", .need = TUPLE),
	KW("src", flow_addr, .meta = "ADDR", .attr = NETIF_FA_SRC, .need = TUPLE),
	KW("dst", flow_addr, .meta = "ADDR", .attr = NETIF_FA_DST, .need = TUPLE),
	KW("sport", kw_u16, .meta = "N", .attr = NETIF_FA_SPORT, .min = 1, .max = 65535, .need = TUPLE),
	KW("dport", kw_u16, .meta = "N", .attr = NETIF_FA_DPORT, .min = 1, .max = 65535, .need = TUPLE),
	/* ICMP type and code travel in the port attributes */
	KW("type", kw_u16, .meta = "N", .attr = NETIF_FA_SPORT, .max = 255, .need = TUPLE),
	KW("code", kw_u16, .meta = "N", .attr = NETIF_FA_DPORT, .max = 255, .need = TUPLE),
	KW("action", flow_action, .meta = "ACTION", .flags = KW_REQ),
	KW("rate", kw_rate, .meta = "RATE", .attr = NETIF_FA_RATE),
	KW("burst", kw_size, .meta = "SIZE", .attr = NETIF_FA_BURST),
	KW("shape", kw_rate, .meta = "RATE", .attr = NETIF_FA_SHAPE),
	KW("qset-hint", kw_u32, .meta = "ID", .attr = NETIF_FA_QSET_HINT, .min = 1, .max = UINT32_MAX),
	KW("uuid", kw_uuid, .meta = "U", .attr = NETIF_FA_UUID),
};

int flow_add_parse(struct cli *c, struct nlmsghdr *nlh)
{
	struct flow_add_state st = {};
	struct cli_args a = {
		.what = "flow add", .nlh = nlh, .check = flow_check, .priv = &st,
		.nest = mnl_attr_nest_start(nlh, NETIF_A_FLOW),
	};
	int err = CLI_PARSE(c, flow_add_kw, &a);

	if (err)
		return err;
	if (!st.type)
		return cli_usage_error("flow add needs a match: ethertype, ula or tuple");
	cli_args_done(&a);
	return 0;
}

static int add_reply(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[NETIF_A_MAX + 1];
	struct out *o = data;
	char u[37];

	if (netif_attr_parse(nlh, netif_policy, NETIF_A_MAX, tb, NULL))
		return MNL_CB_ERROR;
	out_open_object(o, NULL);
	if (tb[NETIF_A_UUID])
		print_string(o, PRINT_ANY, "uuid", "uuid %s\n",
			     cli_fmt_uuid(mnl_attr_get_payload(tb[NETIF_A_UUID]), u));
	out_close_object(o);
	return MNL_CB_OK;
}

static int flow_add(struct cli *c)
{
	int err = flow_add_parse(c, cli_msg(c, NETIF_CMD_FLOW_ADD, 0));

	return err ? err : cli_call(c, add_reply, &c->out);
}

/* ---- delete ----------------------------------------------------------- */

static const struct cli_kw flow_del_kw[] = {
	KW_DEV,
	KW("uuid", kw_uuid, .meta = "U", .flags = KW_REQ, .attr = NETIF_A_UUID),
};

static int flow_del(struct cli *c)
{
	struct cli_args a = { .what = "flow delete", .nlh = cli_msg(c, NETIF_CMD_FLOW_DEL, 0) };

	return CLI_REQUEST(c, &a, flow_del_kw, NULL, NULL);
}

/* ---- show ------------------------------------------------------------- */

static int show_reply(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[NETIF_A_MAX + 1];
	struct cli *c = data;

	if (netif_attr_parse(nlh, netif_policy, NETIF_A_MAX, tb, NULL) || !tb[NETIF_A_FLOW])
		return MNL_CB_ERROR;
	return flow_print(&c->out, tb[NETIF_A_FLOW], c->stats > 0) ? MNL_CB_ERROR : MNL_CB_OK;
}

static const struct cli_kw flow_show_kw[] = {
	KW_DEV,
	KW("uuid", kw_uuid, .meta = "U", .attr = NETIF_A_UUID),
};

static int flow_show(struct cli *c)
{
	struct cli_args a = { .what = "flow show",
			      .nlh = cli_msg(c, NETIF_CMD_FLOW_GET, NLM_F_DUMP) };

	return CLI_DUMP(c, &a, flow_show_kw, show_reply);
}

static const struct cli_cmd flow_cmds[] = {
	CMD("add", flow_add),   CMD("delete", flow_del), CMD("show", flow_show),
	CMD("list", flow_show), CMD("help", NULL),
};

int cmd_flow(struct cli *c)
{
	return CLI_DISPATCH(c, "flow", flow_cmds);
}
