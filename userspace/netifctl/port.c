// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* port show: the client channels bound to a netif's ports */
#include "args.h"
#include "attrs.h"
#include "call.h"
#include "commands.h"

static int port_reply(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[NETIF_A_MAX + 1], *ct[NETIF_CA_MAX + 1];
	struct cli *c = data;
	struct out *o = &c->out;

	if (netif_attr_parse(nlh, netif_policy, NETIF_A_MAX, tb, NULL) || !tb[NETIF_A_CHANNEL] ||
	    netif_attr_parse_nested(tb[NETIF_A_CHANNEL], netif_chan_policy, NETIF_CA_MAX, ct, NULL))
		return MNL_CB_ERROR;
	out_open_object(o, NULL);
	print_u64(o, PRINT_ANY, "port", "port %s", attr_u32(tb[NETIF_A_PORT]));
	print_u64(o, PRINT_ANY, "pid", " pid %s", attr_u32(ct[NETIF_CA_PID]));
	print_u64(o, PRINT_ANY, "rx_slots", " rx-slots %s", attr_u32(ct[NETIF_CA_RX_SLOTS]));
	print_u64(o, PRINT_ANY, "tx_slots", " tx-slots %s\n", attr_u32(ct[NETIF_CA_TX_SLOTS]));
	if (c->stats) {
		print_u64(o, PRINT_ANY, "rx_packets", "    rx %s packets",
			  attr_u64(ct[NETIF_CA_RX_PACKETS]));
		print_u64(o, PRINT_ANY, "rx_drops", " %s ring-full drops",
			  attr_u64(ct[NETIF_CA_RX_DROPS]));
		print_u64(o, PRINT_ANY, "tx_packets", "  tx %s packets",
			  attr_u64(ct[NETIF_CA_TX_PACKETS]));
		print_u64(o, PRINT_ANY, "tx_drops", " %s rejected\n", attr_u64(ct[NETIF_CA_TX_DROPS]));
	}
	out_close_object(o);
	return MNL_CB_OK;
}

static int port_show(struct cli *c)
{
	struct cli_args a = { .what = "port show",
			      .nlh = cli_msg(c, NETIF_CMD_PORT_GET, NLM_F_DUMP) };

	return CLI_DUMP(c, &a, cli_dev_only, port_reply);
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
