// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Handing a channel to a peer of the control socket, shared by the port
 * and filter rooms: the channel's owner is bound to the connection (the
 * peer hears the netif's LINK and DETACH events as EVENT messages, and the channel is
 * closed when the connection ends), the NETIF_A_CHANNEL nest gives the
 * sizes, and the reply carries the descriptors.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
#include "channel.h"
#include "ctl.h"
#include "events.h"
#include "exception.h"
#include "txn.h"

struct peer {
	struct chan_owner owner;
	struct ctl_conn_hook hook;
	struct ctl_conn *conn;
	struct chan *chan;
};

static void peer_event(struct chan_owner *o, const struct netif_event *ev)
{
	struct peer *p = (struct peer *)o;
	char buf[CTL_EVENT_MAX];
	struct nlmsghdr *nlh = netif_msg_start(buf, NETIF_CMD_EVENT, 0, 0);

	ctl_event_put(nlh, ev);
	ctl_conn_send(p->conn, nlh);
}

static void peer_release(struct chan_owner *o)
{
	struct peer *p = (struct peer *)o;

	ctl_conn_hook_del(p->conn, &p->hook);
	free(p);
}

static void peer_closed(struct ctl_conn_hook *h)
{
	struct peer *p = (struct peer *)((char *)h - offsetof(struct peer, hook));

	/* the channel goes, and with it the owner (peer_release) */
	exception_chan_gone(p->chan);
}

static struct chan_owner *ctl_chan_owner(struct ctl_req *r)
{
	struct peer *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->owner.event = peer_event;
	p->owner.release = peer_release;
	p->owner.pid = r->cred->pid;
	p->conn = r->conn;
	p->hook.closed = peer_closed;
	ctl_conn_hook_add(r->conn, &p->hook);
	return &p->owner;
}

static void ctl_chan_bind(struct chan_owner *o, struct chan *c)
{
	((struct peer *)o)->chan = c;
}

int ctl_chan_params(struct ctl_req *r, struct netif *nif, struct chan_params *p)
{
	const struct nlattr *tb[NETIF_CA_MAX + 1] = {};
	int err;

	exception_chan_defaults(nif, p);
	if (!r->tb[NETIF_A_CHANNEL])
		return 0;
	err = ctl_nest(r, r->tb[NETIF_A_CHANNEL], netif_chan_policy, NETIF_CA_MAX, 0, tb);
	if (err)
		return err;
	if (tb[NETIF_CA_RX_SLOTS])
		p->rx_slots = mnl_attr_get_u32(tb[NETIF_CA_RX_SLOTS]);
	if (tb[NETIF_CA_TX_SLOTS])
		p->tx_slots = mnl_attr_get_u32(tb[NETIF_CA_TX_SLOTS]);
	return chan_params_check(p, &r->ext);
}

static int ctl_chan_reply(struct ctl_req *r, struct netif *nif, const struct chan *c,
			  const struct chan_params *p)
{
	struct nlmsghdr *nlh = ctl_reply_begin(r->rep, NETIF_CMD_CHANNEL_OPEN);
	struct nlattr *nest;

	mnl_attr_put_strz(nlh, NETIF_A_IFNAME, nif->ifname);
	mnl_attr_put_u32(nlh, NETIF_A_PORT, c->port);
	nest = mnl_attr_nest_start(nlh, NETIF_A_CHANNEL);
	mnl_attr_put_u32(nlh, NETIF_CA_RX_SLOTS, p->rx_slots);
	mnl_attr_put_u32(nlh, NETIF_CA_TX_SLOTS, p->tx_slots);
	mnl_attr_put_u32(nlh, NETIF_CA_BUF_SIZE, p->buf_size);
	mnl_attr_put_u64(nlh, NETIF_CA_RING_SIZE, c->size);
	mnl_attr_nest_end(nlh, nest);
	ctl_reply_end(r->rep, nlh);
	/* order: region, "RX ready" eventfd, "TX ready" eventfd */
	if (ctl_reply_add_fd(r->rep, dup(c->memfd)) || ctl_reply_add_fd(r->rep, dup(c->rx_efd)) ||
	    ctl_reply_add_fd(r->rep, dup(c->tx_efd)))
		return -EMFILE;
	return 0;
}

int ctl_chan_open(struct ctl_req *r, struct netif *nif, const struct chan_params *p,
		  ctl_chan_open_fn open, const void *arg)
{
	struct chan_owner *owner = ctl_chan_owner(r);
	struct chan *c = NULL;
	struct txn t;
	int err;

	if (!owner)
		return -ENOMEM;
	txn_init(&t);
	err = open(nif, p, owner, arg, &t, &c, &r->ext) ?: exception_sync(nif, &t, &r->ext);
	if (!err) {
		ctl_chan_bind(owner, c);
		err = ctl_chan_reply(r, nif, c, p);
	}
	if (err) {
		txn_abort(&t);
		/* a channel that came to be took the owner with it */
		if (!c)
			owner->release(owner);
		return err;
	}
	txn_commit(&t);
	return 0;
}
