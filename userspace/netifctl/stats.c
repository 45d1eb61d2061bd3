// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* stats show, and the counters of "-s show" */
#include <stdbool.h>
#include <string.h>
#include "args.h"
#include "call.h"
#include "commands.h"

/* What "-s show" prints in text: ip -s link's few lines, by the counters' own names. */
static const char *const headline[] = {
	"rx_packets", "rx_bytes", "rx_malformed", "pass", "redirect", "drop", "exception",
	"tx_packets", "tx_bytes", "tx_malformed", "tx_drop", "tx_exception",
};

static bool is_headline(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(headline); i++)
		if (strcmp(headline[i], name) == 0)
			return true;
	return false;
}

struct stats_ctx {
	struct out *o;
	int detail; /* 0: stats show, 1: headline lines, 2: every counter */
	bool named; /* print the reply's ifname (stats show) */
};

/* detail 1: "    rx_packets N rx_bytes N ...", a new line from tx_packets on */
static void print_counter(struct stats_ctx *sc, const char *name, uint64_t v, int *shown)
{
	if (sc->detail == 1) {
		bool head = is_headline(name);

		if (head)
			print_text(sc->o, "%s%s ", !*shown ? "    " :
				   strcmp(name, "tx_packets") == 0 ? "\n    " : " ", name);
		print_u64(sc->o, head ? PRINT_ANY : PRINT_JSON, name, "%s", v);
		*shown += head;
		return;
	}
	print_text(sc->o, "    %-24s ", name);
	print_u64(sc->o, PRINT_ANY, name, "%s\n", v);
}

static int stats_reply(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[NETIF_A_MAX + 1], *a;
	struct stats_ctx *sc = data;
	int shown = 0;

	if (netif_attr_parse(nlh, netif_policy, NETIF_A_MAX, tb, NULL) || !tb[NETIF_A_STATS])
		return MNL_CB_ERROR;
	if (sc->named && tb[NETIF_A_IFNAME])
		print_string(sc->o, PRINT_ANY, "ifname", "%s:\n", mnl_attr_get_str(tb[NETIF_A_IFNAME]));
	out_open_object(sc->o, "stats");
	mnl_attr_for_each_nested(a, tb[NETIF_A_STATS]) {
		const struct nlattr *sa[NETIF_SA_MAX + 1];

		if (mnl_attr_get_type(a) != NETIF_A_STAT ||
		    netif_attr_parse_nested(a, netif_stat_policy, NETIF_SA_MAX, sa, NULL) ||
		    !sa[NETIF_SA_NAME] || !sa[NETIF_SA_VALUE])
			continue;
		print_counter(sc, mnl_attr_get_str(sa[NETIF_SA_NAME]),
			      mnl_attr_get_u64(sa[NETIF_SA_VALUE]), &shown);
	}
	if (shown)
		print_text(sc->o, "\n");
	out_close_object(sc->o);
	return MNL_CB_OK;
}

static int fetch(struct cli *c, const char *dev, struct stats_ctx *sc)
{
	struct nlmsghdr *nlh = cli_msg(c, NETIF_CMD_STATS_GET, 0);

	mnl_attr_put_strz(nlh, NETIF_A_IFNAME, dev);
	return cli_call(c, stats_reply, sc);
}

int stats_show_in(struct cli *c, const char *dev, int detail)
{
	struct stats_ctx sc = { .o = &c->out, .detail = detail > 1 ? 2 : 1 };

	return fetch(c, dev, &sc);
}

static int stats_show(struct cli *c)
{
	struct cli_args a = { .what = "stats show" };
	struct stats_ctx sc = { .o = &c->out, .named = true };
	int err = CLI_PARSE(c, cli_dev_only, &a);

	if (err)
		return err;
	out_open_object(&c->out, NULL);
	err = fetch(c, a.dev, &sc);
	out_close_object(&c->out);
	return err;
}

static const struct cli_cmd stats_cmds[] = {
	CMD("show", stats_show),
	CMD("help", NULL),
};

int cmd_stats(struct cli *c)
{
	return CLI_DISPATCH(c, "stats", stats_cmds);
}
