// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include "netif/proto.h"
#include "netif_channel.h"
#include "netif_client.h"
#include "netif_ring.h"

struct netif_channel {
	struct netif_client client;
	struct netif_chan_region *reg;
	size_t size;
	struct ring_view rx, tx;
	int memfd, rx_efd, tx_efd;
	struct netif_channel_info info;
	bool closed;
};

struct open_reply {
	uint32_t rx_slots, tx_slots, buf_size, port;
	uint64_t ring_size;
	bool ok;
};

static int open_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[NETIF_A_MAX + 1], *ct[NETIF_CA_MAX + 1];
	struct open_reply *r = data;

	if (netif_msg_cmd(nlh) != NETIF_CMD_CHANNEL_OPEN)
		return MNL_CB_OK;
	if (netif_attr_parse(nlh, netif_policy, NETIF_A_MAX, tb, NULL) || !tb[NETIF_A_CHANNEL] ||
	    netif_attr_parse_nested(tb[NETIF_A_CHANNEL], netif_chan_policy, NETIF_CA_MAX, ct, NULL) ||
	    !ct[NETIF_CA_RX_SLOTS] || !ct[NETIF_CA_TX_SLOTS] || !ct[NETIF_CA_BUF_SIZE] ||
	    !ct[NETIF_CA_RING_SIZE])
		return MNL_CB_ERROR;
	r->rx_slots = mnl_attr_get_u32(ct[NETIF_CA_RX_SLOTS]);
	r->tx_slots = mnl_attr_get_u32(ct[NETIF_CA_TX_SLOTS]);
	r->buf_size = mnl_attr_get_u32(ct[NETIF_CA_BUF_SIZE]);
	r->ring_size = mnl_attr_get_u64(ct[NETIF_CA_RING_SIZE]);
	r->port = tb[NETIF_A_PORT] ? mnl_attr_get_u32(tb[NETIF_A_PORT]) : 0;
	r->ok = true;
	return MNL_CB_OK;
}

/* Map the region and check it against what the reply said, never the reverse. */
static int map_region(struct netif_channel *ch, const struct open_reply *r, char *err, size_t errlen)
{
	uint64_t rx_off, tx_off;
	size_t size = netif_region_layout(r->rx_slots, r->tx_slots, r->buf_size, &rx_off, &tx_off);
	struct stat st;

	if (fstat(ch->memfd, &st) < 0 || (uint64_t)st.st_size < size || r->ring_size != size ||
	    (r->rx_slots & (r->rx_slots - 1)) || (r->tx_slots & (r->tx_slots - 1))) {
		snprintf(err, errlen, "netifd handed over an inconsistent channel region");
		return -EPROTO;
	}
	ch->reg = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, ch->memfd, 0);
	if (ch->reg == MAP_FAILED) {
		ch->reg = NULL;
		snprintf(err, errlen, "cannot map the channel: %s", strerror(errno));
		return -errno;
	}
	ch->size = size;
	if (ch->reg->magic != NETIF_RING_MAGIC || ch->reg->version != NETIF_RING_VERSION) {
		snprintf(err, errlen, "channel region version mismatch");
		return -EPROTO;
	}
	/* our own indexes as netifd set them up; from here on we keep them */
	ring_view_init(&ch->rx, ch->reg, &ch->reg->rx, rx_off, r->rx_slots, netif_slot_size(r->buf_size),
		       __atomic_load_n(&ch->reg->rx.tail, __ATOMIC_ACQUIRE));
	ring_view_init(&ch->tx, ch->reg, &ch->reg->tx, tx_off, r->tx_slots, netif_slot_size(r->buf_size),
		       __atomic_load_n(&ch->reg->tx.head, __ATOMIC_ACQUIRE));
	ch->info.port = r->port;
	ch->info.rx_slots = r->rx_slots;
	ch->info.tx_slots = r->tx_slots;
	ch->info.buf_size = r->buf_size;
	memcpy(ch->info.mac, ch->reg->mac, 6);
	ch->info.mtu = ch->reg->mtu;
	return 0;
}

static int open_common(const char *sock, const char *ifname, struct nlmsghdr *(*build)(struct netif_client *, void *),
		       void *arg, struct netif_channel **out, char *err, size_t errlen)
{
	struct open_reply r = {};
	struct netif_channel *ch;
	int ret;

	ch = calloc(1, sizeof(*ch));
	if (!ch)
		return -ENOMEM;
	ch->memfd = ch->rx_efd = ch->tx_efd = -1;
	ret = netif_client_open(&ch->client, sock ? sock : NETIF_DEFAULT_SOCKET);
	if (ret) {
		snprintf(err, errlen, "%s", ch->client.errmsg[0] ? ch->client.errmsg : strerror(-ret));
		free(ch);
		return ret;
	}
	mnl_attr_put_strz(build(&ch->client, arg), NETIF_A_IFNAME, ifname);
	ret = netif_client_call(&ch->client, open_cb, &r);
	if (ret) {
		snprintf(err, errlen, "%s%s%s", strerror(-ret), ch->client.errmsg[0] ? ": " : "",
			 ch->client.errmsg);
		goto fail;
	}
	if (!r.ok || ch->client.nfds != 3) {
		snprintf(err, errlen, "netifd did not hand over the channel");
		ret = -EPROTO;
		goto fail;
	}
	/* netif_client_close() must not close what we now own */
	ch->memfd = ch->client.fds[0];
	ch->rx_efd = ch->client.fds[1];
	ch->tx_efd = ch->client.fds[2];
	ch->client.nfds = 0;
	ret = map_region(ch, &r, err, errlen);
	if (ret)
		goto fail;
	*out = ch;
	return 0;
fail:
	netif_channel_close(ch);
	return ret;
}

struct port_arg {
	uint32_t port, rx_slots, tx_slots;
};

static struct nlmsghdr *build_port(struct netif_client *c, void *arg)
{
	struct port_arg *a = arg;
	struct nlmsghdr *nlh = netif_client_msg(c, NETIF_CMD_CHANNEL_OPEN, 0);
	struct nlattr *nest;

	mnl_attr_put_u32(nlh, NETIF_A_PORT, a->port);
	if (a->rx_slots || a->tx_slots) {
		nest = mnl_attr_nest_start(nlh, NETIF_A_CHANNEL);
		if (a->rx_slots)
			mnl_attr_put_u32(nlh, NETIF_CA_RX_SLOTS, a->rx_slots);
		if (a->tx_slots)
			mnl_attr_put_u32(nlh, NETIF_CA_TX_SLOTS, a->tx_slots);
		mnl_attr_nest_end(nlh, nest);
	}
	return nlh;
}

int netif_channel_open(const char *sock, const char *ifname, uint32_t port, uint32_t rx_slots,
		       uint32_t tx_slots, struct netif_channel **out, char *err, size_t errlen)
{
	struct port_arg a = { .port = port, .rx_slots = rx_slots, .tx_slots = tx_slots };

	return open_common(sock, ifname, build_port, &a, out, err, errlen);
}

static struct nlmsghdr *build_filter(struct netif_client *c, void *arg)
{
	struct nlmsghdr *nlh = netif_client_msg(c, NETIF_CMD_FILTER_OPEN, 0);
	struct nlattr *nest = mnl_attr_nest_start(nlh, NETIF_A_FILTER);

	mnl_attr_put_strz(nlh, NETIF_FIA_NAME, arg);
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

int netif_filter_channel_open(const char *sock, const char *ifname, const char *name,
			      struct netif_channel **out, char *err, size_t errlen)
{
	return open_common(sock, ifname, build_filter, (void *)name, out, err, errlen);
}

void netif_channel_close(struct netif_channel *ch)
{
	if (!ch)
		return;
	if (ch->reg)
		munmap(ch->reg, ch->size);
	if (ch->memfd >= 0)
		close(ch->memfd);
	if (ch->rx_efd >= 0)
		close(ch->rx_efd);
	if (ch->tx_efd >= 0)
		close(ch->tx_efd);
	netif_client_close(&ch->client);
	free(ch);
}

void netif_channel_get_info(const struct netif_channel *ch, struct netif_channel_info *info)
{
	*info = ch->info;
}

int netif_channel_rx_fd(const struct netif_channel *ch)
{
	return ch->rx_efd;
}

int netif_channel_ctl_fd(const struct netif_channel *ch)
{
	return ch->client.fd;
}

int netif_channel_wait(struct netif_channel *ch, int timeout_ms)
{
	struct pollfd p[2] = {
		{ .fd = ch->rx_efd, .events = POLLIN },
		{ .fd = ch->client.fd, .events = POLLIN },
	};
	uint64_t v;
	int n;

	if (ch->closed)
		return -ENOTCONN;
	if (ring_count(&ch->rx))
		return 1;
	n = poll(p, 2, timeout_ms);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	if (p[0].revents & POLLIN) {
		if (read(ch->rx_efd, &v, sizeof(v)) < 0 && errno != EAGAIN)
			return -errno;
		return 1;
	}
	if (p[1].revents & (POLLIN | POLLHUP))
		return 2;
	return ring_count(&ch->rx) ? 1 : 0;
}

const struct netif_slot *netif_channel_rx_peek(struct netif_channel *ch)
{
	const struct netif_slot *s = ring_cons_peek(&ch->rx);

	/* a length the ring cannot hold means a corrupted slot: do not hand it out */
	if (s && s->len > ch->info.buf_size)
		return NULL;
	return s;
}

void netif_channel_rx_release(struct netif_channel *ch)
{
	ring_cons_release(&ch->rx);
}

static int tx_push(struct netif_channel *ch, const struct netif_slot *hdr, const void *data,
		   uint32_t len)
{
	struct netif_slot *s;
	uint64_t one = 1;

	if (len > ch->info.buf_size)
		return -EMSGSIZE;
	s = ring_prod_reserve(&ch->tx);
	if (!s)
		return -ENOBUFS;
	if (hdr)
		*s = *hdr;
	else
		memset(s, 0, sizeof(*s));
	s->len = len;
	memcpy(s->data, data, len);
	ring_prod_submit(&ch->tx);
	if (write(ch->tx_efd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		return -errno;
	return 0;
}

int netif_channel_send(struct netif_channel *ch, const void *frame, uint32_t len)
{
	return tx_push(ch, NULL, frame, len);
}

unsigned int netif_channel_tx_pending(const struct netif_channel *ch)
{
	uint32_t n = ch->tx.own - __atomic_load_n(ch->tx.tail, __ATOMIC_ACQUIRE);

	return n > ch->tx.slots ? 0 : n;
}

int netif_filter_return(struct netif_channel *ch, const struct netif_slot *in,
			enum netif_verdict verdict, const void *data, uint32_t len)
{
	struct netif_slot hdr = *in;

	hdr.verdict = verdict;
	if (!data) {
		data = in->data;
		len = in->len;
	}
	return tx_push(ch, &hdr, data, len);
}

struct ev_ctx {
	struct netif_event *ev;
	bool got;
};

static int event_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[NETIF_A_MAX + 1], *et[NETIF_EA_MAX + 1];
	struct ev_ctx *ec = data;

	if (netif_msg_cmd(nlh) != NETIF_CMD_EVENT ||
	    netif_attr_parse(nlh, netif_policy, NETIF_A_MAX, tb, NULL) || !tb[NETIF_A_EVENT] ||
	    netif_attr_parse_nested(tb[NETIF_A_EVENT], netif_event_policy, NETIF_EA_MAX, et, NULL) ||
	    !et[NETIF_EA_KIND])
		return MNL_CB_OK;
	memset(ec->ev, 0, sizeof(*ec->ev));
	ec->ev->kind = mnl_attr_get_u8(et[NETIF_EA_KIND]);
	if (et[NETIF_EA_UP])
		ec->ev->up = mnl_attr_get_u8(et[NETIF_EA_UP]);
	if (et[NETIF_EA_MTU])
		ec->ev->mtu = mnl_attr_get_u32(et[NETIF_EA_MTU]);
	if (et[NETIF_EA_MAC])
		memcpy(ec->ev->mac, mnl_attr_get_payload(et[NETIF_EA_MAC]), 6);
	ec->got = true;
	return MNL_CB_OK;
}

int netif_channel_event(struct netif_channel *ch, struct netif_event *ev)
{
	struct ev_ctx ec = { .ev = ev };
	struct pollfd p = { .fd = ch->client.fd, .events = POLLIN };
	int err;

	if (ch->closed)
		return -ENOTCONN;
	if (poll(&p, 1, 0) <= 0)
		return -EAGAIN;
	err = netif_client_recv_event(&ch->client, event_cb, &ec);
	if (err == -ENOTCONN) {
		ch->closed = true;
		return err;
	}
	if (err)
		return err;
	if (ec.got && ev->kind == NETIF_EVENT_DETACH)
		ch->closed = true;
	return ec.got ? 0 : -EAGAIN;
}
