// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <xdp/xsk.h>
#include "log.h"
#include "turns.h"
#include "xsk.h"

#ifndef SOL_XDP
#define SOL_XDP 283
#endif

struct xsk_queue {
	struct xsk_umem *umem;
	struct xsk_socket *xsk;
	struct xsk_ring_prod fill;
	struct xsk_ring_cons comp;
	struct xsk_ring_cons rx;
	struct xsk_ring_prod tx;
	void *area;
	size_t area_size;
	uint32_t frame_size;
	uint32_t rx_frames;     /* frames owned by the fill/RX side */
	uint64_t *tx_free;      /* stack of free TX frame addresses */
	uint32_t tx_nfree;
	uint32_t tx_total;
	uint32_t tx_pending;    /* submitted, not yet kicked */
};

static uint32_t frame_size_for(uint32_t buf_size)
{
	/*
	 * Aligned UMEM chunks are a power of two between 2 KiB and a page; the
	 * kernel keeps XDP_PACKET_HEADROOM (plus our metadata) in front of the data.
	 */
	return buf_size + 256 + sizeof(struct netif_xdp_meta) <= 2048 ? 2048 : 4096;
}

/*
 * The kernel lets go of a closed socket's queue only after an RCU grace
 * period and a work item (the pool is released deferred), so a socket
 * bound right after one of ours closed can find the queue still busy.
 */
static uint64_t last_close_ns; /* turns_now() at our last close; 0: none yet */

/* EBUSY within a second of our own close is that release still on its way: wait a little. */
static bool release_pending(void)
{
	static const struct timespec step = { .tv_nsec = 5 * 1000 * 1000 };

	if (!last_close_ns || turns_now() - last_close_ns > 1000000000ULL)
		return false;
	nanosleep(&step, NULL);
	return true;
}

static int bind_socket(struct xsk_queue *q, const struct xskq_params *p, bool *zerocopy)
{
	struct xsk_socket_config scfg = {
		.rx_size = p->rx_slots,
		.tx_size = p->tx_slots,
		/* netif_xdp steers frames into our map; libxdp must not load its own program */
		.libxdp_flags = XSK_LIBBPF_FLAGS__INHIBIT_PROG_LOAD,
		.bind_flags = XDP_ZEROCOPY | XDP_USE_NEED_WAKEUP,
	};
	int err;

	err = xsk_socket__create(&q->xsk, p->ifname, p->queue_id, q->umem, &q->rx, &q->tx, &scfg);
	*zerocopy = !err;
	if (err) {
		scfg.bind_flags = XDP_COPY | XDP_USE_NEED_WAKEUP;
		err = xsk_socket__create(&q->xsk, p->ifname, p->queue_id, q->umem, &q->rx, &q->tx,
					 &scfg);
	}
	return err < 0 ? err : -err;
}

int xskq_create(const struct xskq_params *p, struct xsk_queue **out, bool *zerocopy)
{
	struct xsk_umem_config ucfg = {};
	struct xsk_queue *q;
	uint32_t i, idx, nframes;
	int err;

	q = calloc(1, sizeof(*q));
	if (!q)
		return -ENOMEM;
	q->frame_size = frame_size_for(p->buf_size);
	q->rx_frames = p->rx_slots * 2;
	q->tx_total = p->tx_slots;
	nframes = q->rx_frames + q->tx_total;
	q->area_size = (size_t)nframes * q->frame_size;
	q->area = mmap(NULL, q->area_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (q->area == MAP_FAILED) {
		err = -errno;
		q->area = NULL;
		goto fail;
	}
	q->tx_free = calloc(q->tx_total, sizeof(uint64_t));
	if (!q->tx_free) {
		err = -ENOMEM;
		goto fail;
	}
	for (i = 0; i < q->tx_total; i++)
		q->tx_free[q->tx_nfree++] = (uint64_t)(q->rx_frames + i) * q->frame_size;

	ucfg.fill_size = q->rx_frames;
	ucfg.comp_size = p->tx_slots;
	ucfg.frame_size = q->frame_size;
	ucfg.frame_headroom = 0;
	err = xsk_umem__create(&q->umem, q->area, q->area_size, &q->fill, &q->comp, &ucfg);
	if (err)
		goto fail;

	do
		err = bind_socket(q, p, zerocopy);
	while (err == -EBUSY && release_pending());
	if (err)
		goto fail;

	/* hand every RX frame to the kernel up front */
	if (xsk_ring_prod__reserve(&q->fill, q->rx_frames, &idx) != q->rx_frames) {
		err = -ENOSPC;
		goto fail;
	}
	for (i = 0; i < q->rx_frames; i++)
		*xsk_ring_prod__fill_addr(&q->fill, idx++) = (uint64_t)i * q->frame_size;
	xsk_ring_prod__submit(&q->fill, q->rx_frames);
	*out = q;
	return 0;
fail:
	xskq_destroy(q);
	return err < 0 ? err : -err;
}

void xskq_destroy(struct xsk_queue *q)
{
	if (!q)
		return;
	if (q->xsk) {
		xsk_socket__delete(q->xsk);
		last_close_ns = turns_now();
	}
	if (q->umem)
		xsk_umem__delete(q->umem);
	if (q->area)
		munmap(q->area, q->area_size);
	free(q->tx_free);
	free(q);
}

int xskq_fd(const struct xsk_queue *q)
{
	return xsk_socket__fd(q->xsk);
}

unsigned int xskq_rx(struct xsk_queue *q, unsigned int budget, xskq_rx_fn fn, void *ctx)
{
	uint32_t idx_rx = 0, idx_fill = 0, i;
	unsigned int n;

	n = xsk_ring_cons__peek(&q->rx, budget, &idx_rx);
	if (!n) {
		if (xsk_ring_prod__needs_wakeup(&q->fill))
			recvfrom(xsk_socket__fd(q->xsk), NULL, 0, MSG_DONTWAIT, NULL, NULL);
		return 0;
	}
	for (i = 0; i < n; i++) {
		const struct xdp_desc *d = xsk_ring_cons__rx_desc(&q->rx, idx_rx + i);
		uint8_t *frame = xsk_umem__get_data(q->area, d->addr);
		uint64_t offset = d->addr & (q->frame_size - 1);
		const struct netif_xdp_meta *meta = NULL;

		/* the metadata sits right in front of the frame, inside the same chunk */
		if (offset >= sizeof(*meta)) {
			meta = (const struct netif_xdp_meta *)(frame - sizeof(*meta));
			if (meta->magic != NETIF_XDP_META_MAGIC)
				meta = NULL;
		}
		fn(ctx, frame, d->len, meta);
	}
	/* every frame was consumed by fn (copied where needed): give them all back */
	while (xsk_ring_prod__reserve(&q->fill, n, &idx_fill) != n)
		;
	for (i = 0; i < n; i++) {
		const struct xdp_desc *d = xsk_ring_cons__rx_desc(&q->rx, idx_rx + i);

		*xsk_ring_prod__fill_addr(&q->fill, idx_fill + i) = d->addr & ~(uint64_t)(q->frame_size - 1);
	}
	xsk_ring_prod__submit(&q->fill, n);
	xsk_ring_cons__release(&q->rx, n);
	if (xsk_ring_prod__needs_wakeup(&q->fill))
		recvfrom(xsk_socket__fd(q->xsk), NULL, 0, MSG_DONTWAIT, NULL, NULL);
	return n;
}

static void reap_completions(struct xsk_queue *q)
{
	uint32_t idx, i, n;

	n = xsk_ring_cons__peek(&q->comp, q->tx_total, &idx);
	for (i = 0; i < n; i++)
		q->tx_free[q->tx_nfree++] = *xsk_ring_cons__comp_addr(&q->comp, idx + i);
	if (n)
		xsk_ring_cons__release(&q->comp, n);
}

int xskq_tx(struct xsk_queue *q, const void *frame, uint32_t len)
{
	struct xdp_desc *d;
	uint32_t idx;
	uint64_t addr;

	if (len > q->frame_size)
		return -EMSGSIZE;
	if (!q->tx_nfree)
		reap_completions(q);
	if (!q->tx_nfree) {
		xskq_tx_flush(q);
		if (!q->tx_nfree)
			return -ENOBUFS;
	}
	if (xsk_ring_prod__reserve(&q->tx, 1, &idx) != 1)
		return -ENOBUFS;
	addr = q->tx_free[--q->tx_nfree];
	memcpy(xsk_umem__get_data(q->area, addr), frame, len);
	d = xsk_ring_prod__tx_desc(&q->tx, idx);
	d->addr = addr;
	d->len = len;
	d->options = 0;
	xsk_ring_prod__submit(&q->tx, 1);
	q->tx_pending++;
	return 0;
}

/* Descriptors in the TX ring the kernel has not taken yet. */
static uint32_t tx_queued(struct xsk_ring_prod *tx)
{
	return tx->size - xsk_prod_nb_free(tx, tx->size);
}

void xskq_tx_flush(struct xsk_queue *q)
{
	unsigned int pokes;

	/*
	 * Copy mode transmits only when poked, and then at most a batch (32
	 * frames) per poke: poke until the ring is empty (a segmented GSO
	 * packet alone is 45 frames). EAGAIN is "more to do" or a busy queue,
	 * ENOBUFS a full completion ring; both go on after reaping. The bound
	 * keeps a stuck device from holding the loop.
	 */
	for (pokes = 0; q->tx_pending && pokes < 2 * q->tx_total / 32 + 4; pokes++) {
		if (sendto(xsk_socket__fd(q->xsk), NULL, 0, MSG_DONTWAIT, NULL, 0) < 0 &&
		    errno != EAGAIN && errno != EBUSY && errno != ENOBUFS)
			break;
		reap_completions(q);
		if (!tx_queued(&q->tx))
			q->tx_pending = 0;
	}
	reap_completions(q);
}

int xskq_stats(const struct xsk_queue *q, struct xdp_statistics *st)
{
	socklen_t len = sizeof(*st);

	memset(st, 0, sizeof(*st));
	return getsockopt(xsk_socket__fd(q->xsk), SOL_XDP, XDP_STATISTICS, st, &len) ? -errno : 0;
}
