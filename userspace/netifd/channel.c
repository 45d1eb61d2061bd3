// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>
#include "netif/params.h"
#include "channel.h"
#include "log.h"

static bool ring_slots_ok(uint32_t n, uint32_t lo, uint32_t hi)
{
	return n >= lo && n <= hi && !(n & (n - 1));
}

int chan_params_check(const struct chan_params *p, struct netif_extack *ext)
{
	if (!ring_slots_ok(p->rx_slots, NETIF_RX_SLOTS_MIN, NETIF_RX_SLOTS_MAX)) {
		netif_extack_set(ext, "channel rx-slots %u invalid (power of two in [%u, %u])",
				 p->rx_slots, NETIF_RX_SLOTS_MIN, NETIF_RX_SLOTS_MAX);
		return -EINVAL;
	}
	if (!ring_slots_ok(p->tx_slots, NETIF_TX_SLOTS_MIN, NETIF_TX_SLOTS_MAX)) {
		netif_extack_set(ext, "channel tx-slots %u invalid (power of two in [%u, %u])",
				 p->tx_slots, NETIF_TX_SLOTS_MIN, NETIF_TX_SLOTS_MAX);
		return -EINVAL;
	}
	return 0;
}

int chan_create(const struct chan_params *p, struct chan **out)
{
	uint64_t rx_off, tx_off;
	struct chan *c;
	int err;

	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->memfd = c->rx_efd = c->tx_efd = -1;
	c->port = p->port;
	c->buf_size = p->buf_size;
	c->size = netif_region_layout(p->rx_slots, p->tx_slots, p->buf_size, &rx_off, &tx_off);
	c->memfd = memfd_create("netif-channel", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (c->memfd < 0 || ftruncate(c->memfd, c->size) < 0) {
		err = -errno;
		goto fail;
	}
	/* the client must not be able to shrink the region under us (SIGBUS) */
	if (fcntl(c->memfd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) < 0) {
		err = -errno;
		goto fail;
	}
	c->reg = mmap(NULL, c->size, PROT_READ | PROT_WRITE, MAP_SHARED, c->memfd, 0);
	if (c->reg == MAP_FAILED) {
		c->reg = NULL;
		err = -errno;
		goto fail;
	}
	c->rx_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	c->tx_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (c->rx_efd < 0 || c->tx_efd < 0) {
		err = -errno;
		goto fail;
	}
	c->reg->magic = NETIF_RING_MAGIC;
	c->reg->version = NETIF_RING_VERSION;
	c->reg->port = p->port;
	c->reg->buf_size = p->buf_size;
	memcpy(c->reg->mac, p->mac, 6);
	c->reg->mtu = p->mtu;
	c->reg->rx.slots = p->rx_slots;
	c->reg->rx.slot_size = netif_slot_size(p->buf_size);
	c->reg->rx.offset = rx_off;
	c->reg->tx.slots = p->tx_slots;
	c->reg->tx.slot_size = netif_slot_size(p->buf_size);
	c->reg->tx.offset = tx_off;
	ring_view_init(&c->rx, c->reg, &c->reg->rx, rx_off, p->rx_slots, netif_slot_size(p->buf_size), 0);
	ring_view_init(&c->tx, c->reg, &c->reg->tx, tx_off, p->tx_slots, netif_slot_size(p->buf_size), 0);
	c->txh.fd = c->tx_efd;
	*out = c;
	return 0;
fail:
	chan_destroy(c);
	return err;
}

void chan_destroy(struct chan *c)
{
	if (!c)
		return;
	if (c->reg)
		munmap(c->reg, c->size);
	if (c->memfd >= 0)
		close(c->memfd);
	if (c->rx_efd >= 0)
		close(c->rx_efd);
	if (c->tx_efd >= 0)
		close(c->tx_efd);
	free(c);
}

int chan_push(struct chan *c, const struct netif_slot *hdr, const void *data, uint32_t len)
{
	struct netif_slot *s;

	if (len > c->buf_size) {
		c->rx_drops++;
		return -EMSGSIZE;
	}
	s = ring_prod_reserve(&c->rx);
	if (!s) {
		/* a slow client loses frames; the fast path and other clients go on */
		c->rx_drops++;
		return -ENOBUFS;
	}
	*s = *hdr;
	s->len = len;
	memcpy(s->data, data, len);
	ring_prod_submit(&c->rx);
	c->rx_packets++;
	c->rx_kick = true;
	return 0;
}

int chan_tx_take(struct chan *c, struct netif_slot *hdr, uint8_t *data, size_t cap)
{
	const struct netif_slot *s = ring_cons_peek(&c->tx);

	if (!s)
		return 0;
	/* one copy of the header; its length is checked on the copy, then the data copied once */
	ring_snapshot(hdr, s, sizeof(*hdr));
	if (hdr->len > c->buf_size || hdr->len > cap) {
		ring_cons_release(&c->tx);
		return -EMSGSIZE;
	}
	ring_snapshot(data, s->data, hdr->len);
	ring_cons_release(&c->tx);
	return 1;
}

void chan_signal(struct chan *c)
{
	uint64_t one = 1;

	if (!c->rx_kick)
		return;
	c->rx_kick = false;
	if (write(c->rx_efd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		pr_debug("channel port %u: cannot signal: %s", c->port, strerror(errno));
}
