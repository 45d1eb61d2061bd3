// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* port show: the client channels bound to a netif's ports */
#include "args.h"
#include "call.h"
#include "commands.h"

static uint64_t u32_of(const struct nlattr *a)
{
	return a ? mnl_attr_get_u32(a) : 0;
}

static uint64_t u64_of(const struct nlattr *a)
{
	return a ? mnl_attr_get_u64(a) : 0;
}

static int port_reply(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[NETIF_A_MAX + 1], *ct[NETIF_CA_MAX + 1];
	struct cli *c = data;
	struct out *o = &c->out;

	if (netif_attr_parse(nlh, netif_policy, NETIF_A_MAX, tb, NULL) || !tb[NETIF_A_CHANNEL] ||
	    netif_attr_parse_nested(tb[NETIF_A_CHANNEL], netif_chan_policy, NETIF_CA_MAX, ct, NULL))
		return MNL_CB_ERROR;
	out_open_object(o, NULL);
	print_u64(o, PRINT_ANY, "port", "port %s", u32_of(tb[NETIF_A_PORT]));
	print_u64(o, PRINT_ANY, "pid", " pid %s", u32_of(ct[NETIF_CA_PID]));
	print_u64(o, PRINT_ANY, "rx_slots", " rx-slots %s", u32_of(ct[NETIF_CA_RX_SLOTS]));
	print_u64(o, PRINT_ANY, "tx_slots", " tx-slots %s\n", u32_of(ct[NETIF_CA_TX_SLOTS]));
	if (c->stats) {
		print_u64(o, PRINT_ANY, "rx_packets", "    rx %s packets",
			  u64_of(ct[NETIF_CA_RX_PACKETS]));
		print_u64(o, PRINT_ANY, "rx_drops", " %s ring-full drops",
			  u64_of(ct[NETIF_CA_RX_DROPS]));
		print_u64(o, PRINT_ANY, "tx_packets", "  tx %s packets",
			  u64_of(ct[NETIF_CA_TX_PACKETS]));
		print_u64(o, PRINT_ANY, "tx_drops", " %s rejected\n", u64_of(ct[NETIF_CA_TX_DROPS]));
	}
	out_close_object(o);
	return MNL_CB_OK;
}

static int port_show(struct cli *c)
{
	struct cli_args a = { .what = "port show",
			      .nlh = cli_msg(c, NETIF_CMD_PORT_GET, NLM_F_DUMP) };
	int err = CLI_PARSE(c, cli_dev_only, &a);

	if (err)
		return err;
	cli_args_done(&a);
	out_open_array(&c->out, NULL);
	err = cli_call(c, port_reply, c);
	out_close_array(&c->out);
	return err;
}

static const struct cli_cmd port_cmds[] = {
	CMD("show", port_show),
	CMD("list", port_show),
	CMD("help", NULL),
};

int cmd_port(struct cli *c)
{
	return CLI_DISPATCH(c, "port", port_cmds);
}
