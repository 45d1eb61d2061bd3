// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* filter add | delete | show: the exception path's filter chain */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "netif/filter_abi.h"
#include "args.h"
#include "attrs.h"
#include "call.h"
#include "commands.h"

/* ---- add -------------------------------------------------------------- */

struct filter_add_state {
	const char *kind;
	char arg[NETIF_FILTER_ARG_MAX];
	uint8_t dirs;
};

static int filter_dir(struct cli *c, const struct cli_kw *kw, const char *val, struct cli_args *a)
{
	struct filter_add_state *st = a->priv;

	if (!strcmp(val, "rx"))
		st->dirs = NETIF_FILTER_DIR_RX;
	else if (!strcmp(val, "tx"))
		st->dirs = NETIF_FILTER_DIR_TX;
	else if (!strcmp(val, "both"))
		st->dirs = NETIF_FILTER_DIR_RX | NETIF_FILTER_DIR_TX;
	else
		return cli_usage_error("dir must be rx, tx or both");
	return 0;
}

/* pcap FILE | count | drop EXPR... */
static int filter_kind(struct cli *c, const struct cli_kw *kw, const char *val, struct cli_args *a)
{
	struct filter_add_state *st = a->priv;
	char cwd[PATH_MAX];
	size_t used = 0;
	const char *w;

	if (st->kind)
		return cli_usage_error("one filter kind per filter (pcap, count or drop)");
	st->kind = kw->key.name;
	if (val && val[0] == '/') {
		snprintf(st->arg, sizeof(st->arg), "%s", val);
	} else if (val) {
		/* netifd resolves nothing relative to its own cwd: hand it a full path */
		if (!getcwd(cwd, sizeof(cwd)))
			return cli_usage_error("cannot resolve %s", val);
		snprintf(st->arg, sizeof(st->arg), "%s/%s", cwd, val);
	} else if (strcmp(st->kind, "drop") == 0) {
		/* the rest of the line is a pcap-filter(7) expression */
		while ((w = cli_next(c))) {
			int n = snprintf(st->arg + used, sizeof(st->arg) - used, "%s%s",
					 used ? " " : "", w);

			if (n < 0 || (size_t)n >= sizeof(st->arg) - used)
				return cli_usage_error("drop expression too long");
			used += n;
		}
	}
	return 0;
}

/* the kinds are exact: "drop" takes the rest of the line */
static const struct cli_kw filter_add_kw[] = {
	KW_DEV,
	KW("dir", filter_dir, .meta = "rx|tx|both"),
	KW_EXACT("pcap", filter_kind, .meta = "FILE"),
	KW_EXACT("count", filter_kind, .flags = KW_FLAG),
	KW_EXACT("drop", filter_kind, .meta = "EXPR", .flags = KW_FLAG),
};

int filter_add_parse(struct cli *c, struct nlmsghdr *nlh)
{
	struct filter_add_state st = { .dirs = NETIF_FILTER_DIR_RX | NETIF_FILTER_DIR_TX };
	struct cli_args a = { .what = "filter add", .nlh = nlh, .priv = &st };
	int err = CLI_PARSE(c, filter_add_kw, &a);

	if (err)
		return err;
	if (!st.kind)
		return cli_usage_error("filter add needs a kind: pcap FILE, count or drop EXPR");
	a.nest = mnl_attr_nest_start(nlh, NETIF_A_FILTER);
	mnl_attr_put_strz(nlh, NETIF_FIA_KIND, st.kind);
	if (st.arg[0])
		mnl_attr_put_strz(nlh, NETIF_FIA_ARG, st.arg);
	mnl_attr_put_u8(nlh, NETIF_FIA_DIR, st.dirs);
	cli_args_done(&a);
	return 0;
}

static int add_reply(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[NETIF_A_MAX + 1], *ft[NETIF_FIA_MAX + 1];
	struct out *o = data;

	if (netif_attr_parse(nlh, netif_policy, NETIF_A_MAX, tb, NULL) || !tb[NETIF_A_FILTER] ||
	    netif_attr_parse_nested(tb[NETIF_A_FILTER], netif_filter_policy, NETIF_FIA_MAX, ft, NULL))
		return MNL_CB_ERROR;
	out_open_object(o, NULL);
	if (ft[NETIF_FIA_ID])
		print_u64(o, PRINT_ANY, "id", "id %s\n", mnl_attr_get_u32(ft[NETIF_FIA_ID]));
	out_close_object(o);
	return MNL_CB_OK;
}

static int filter_add(struct cli *c)
{
	int err = filter_add_parse(c, cli_msg(c, NETIF_CMD_FILTER_ADD, 0));

	return err ? err : cli_call(c, add_reply, &c->out);
}

/* ---- delete ----------------------------------------------------------- */

static const struct cli_kw filter_del_kw[] = {
	KW_DEV,
	KW("id", kw_u32, .meta = "N", .flags = KW_REQ, .attr = NETIF_FIA_ID, .min = 1, .max = UINT32_MAX),
};

static int filter_del(struct cli *c)
{
	struct nlmsghdr *nlh = cli_msg(c, NETIF_CMD_FILTER_DEL, 0);
	struct cli_args a = { .what = "filter delete", .nlh = nlh,
			      .nest = mnl_attr_nest_start(nlh, NETIF_A_FILTER) };

	return CLI_REQUEST(c, &a, filter_del_kw, NULL, NULL);
}

/* ---- show ------------------------------------------------------------- */

static const char *dir_name(unsigned int dirs)
{
	switch (dirs) {
	case NETIF_FILTER_DIR_RX:
		return "rx";
	case NETIF_FILTER_DIR_TX:
		return "tx";
	default:
		return "both";
	}
}

static int show_reply(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[NETIF_A_MAX + 1], *ft[NETIF_FIA_MAX + 1];
	struct cli *c = data;
	struct out *o = &c->out;
	const char *arg;

	if (netif_attr_parse(nlh, netif_policy, NETIF_A_MAX, tb, NULL) || !tb[NETIF_A_FILTER] ||
	    netif_attr_parse_nested(tb[NETIF_A_FILTER], netif_filter_policy, NETIF_FIA_MAX, ft, NULL))
		return MNL_CB_ERROR;
	arg = attr_str(ft[NETIF_FIA_ARG]);
	out_open_object(o, NULL);
	if (ft[NETIF_FIA_ID])
		print_u64(o, PRINT_ANY, "id", "filter %s", mnl_attr_get_u32(ft[NETIF_FIA_ID]));
	print_string(o, PRINT_ANY, "kind", " %s", attr_str(ft[NETIF_FIA_KIND]));
	print_string(o, PRINT_ANY, "arg", " %s", arg);
	/* an external filter has a name and no argument: text shows whichever is there */
	print_string(o, arg ? PRINT_JSON : PRINT_ANY, "name", " %s", attr_str(ft[NETIF_FIA_NAME]));
	if (ft[NETIF_FIA_DIR])
		print_string(o, PRINT_ANY, "dir", " dir %s", dir_name(mnl_attr_get_u8(ft[NETIF_FIA_DIR])));
	if (c->stats) {
		print_u64(o, PRINT_ANY, "packets", " packets %s", attr_u64(ft[NETIF_FIA_PACKETS]));
		print_u64(o, PRINT_ANY, "drops", " drops %s", attr_u64(ft[NETIF_FIA_DROPS]));
	}
	print_text(o, "\n");
	out_close_object(o);
	return MNL_CB_OK;
}

static int filter_show(struct cli *c)
{
	struct cli_args a = { .what = "filter show",
			      .nlh = cli_msg(c, NETIF_CMD_FILTER_GET, NLM_F_DUMP) };

	return CLI_DUMP(c, &a, cli_dev_only, show_reply);
}

static const struct cli_cmd filter_cmds[] = {
	CMD("add", filter_add),   CMD("delete", filter_del), CMD("show", filter_show),
	CMD("list", filter_show), CMD("help", NULL),
};

int cmd_filter(struct cli *c)
{
	return CLI_DISPATCH(c, "filter", filter_cmds);
}
