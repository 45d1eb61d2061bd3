// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Protocol room of client ports: CHANNEL_OPEN binds a port, PORT_GET lists the bound ones. */
#include <errno.h>
#include "channel.h"
#include "ctl.h"
#include "exception.h"

static int open_port(struct netif *nif, const struct chan_params *p, struct chan_owner *owner,
		     const void *arg, struct txn *t, struct chan **out, struct netif_extack *ext)
{
	return exception_port_open(nif, p, owner, t, out, ext);
}

static int h_channel_open(struct ctl_req *r)
{
	struct chan_params p;
	struct netif *nif;
	int err;

	err = ctl_req_netif(r, &nif) ?: ctl_chan_params(r, nif, &p);
	if (err)
		return err;
	p.port = mnl_attr_get_u32(r->tb[NETIF_A_PORT]);
	return ctl_chan_open(r, nif, &p, open_port, NULL);
}

static void put_port(struct ctl_req *r, struct netif *nif, unsigned int port, const struct chan *c)
{
	struct nlmsghdr *nlh = ctl_reply_begin(r->rep, NETIF_CMD_PORT_GET);
	struct nlattr *nest;

	mnl_attr_put_strz(nlh, NETIF_A_IFNAME, nif->ifname);
	mnl_attr_put_u32(nlh, NETIF_A_PORT, port);
	nest = mnl_attr_nest_start(nlh, NETIF_A_CHANNEL);
	mnl_attr_put_u32(nlh, NETIF_CA_PID, c->pid);
	mnl_attr_put_u32(nlh, NETIF_CA_RX_SLOTS, c->rx.slots);
	mnl_attr_put_u32(nlh, NETIF_CA_TX_SLOTS, c->tx.slots);
	mnl_attr_put_u64(nlh, NETIF_CA_RX_PACKETS, c->rx_packets);
	mnl_attr_put_u64(nlh, NETIF_CA_RX_DROPS, c->rx_drops);
	mnl_attr_put_u64(nlh, NETIF_CA_TX_PACKETS, c->tx_packets);
	mnl_attr_put_u64(nlh, NETIF_CA_TX_DROPS, c->tx_drops);
	mnl_attr_nest_end(nlh, nest);
	ctl_reply_end(r->rep, nlh);
}

static int h_port_get(struct ctl_req *r)
{
	struct netif *nif;
	unsigned int port;
	int err;

	err = ctl_req_netif(r, &nif);
	if (err)
		return err;
	for (port = NETIF_PORT_CLIENT_MIN; port < NETIF_PORT_MAX; port++) {
		const struct chan *c = exception_port(nif, port);

		if (c)
			put_port(r, nif, port, c);
	}
	return 0;
}

static const struct ctl_row rows[] = {
	{ NETIF_CMD_CHANNEL_OPEN, { h_channel_open, .priv = true,
				    .allowed = A(NETIF_A_IFNAME) | A(NETIF_A_PORT) | A(NETIF_A_CHANNEL),
				    .required = A(NETIF_A_IFNAME) | A(NETIF_A_PORT) } },
	{ NETIF_CMD_PORT_GET, { h_port_get, .dump = true, .allowed = A(NETIF_A_IFNAME),
				.required = A(NETIF_A_IFNAME) } },
};

const struct ctl_rows ctl_port_rows = { rows, ARRAY_SIZE(rows) };
