/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * One AF_XDP socket and its UMEM (libxdp's xsk API): the frames XDP hands
 * up arrive on its RX ring, frames netifd transmits leave on its TX ring.
 * Zero-copy where the driver supports it, copy mode otherwise (veth).
 */
#ifndef NETIFD_XSK_H
#define NETIFD_XSK_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/if_xdp.h>
#include "netif/maps.h"

struct xsk_queue;

struct xskq_params {
	const char *ifname;
	uint32_t queue_id;
	uint32_t rx_slots;   /* power of two */
	uint32_t tx_slots;   /* power of two */
	uint32_t buf_size;   /* largest frame to receive */
};

int xskq_create(const struct xskq_params *p, struct xsk_queue **out, bool *zerocopy);
void xskq_destroy(struct xsk_queue *q);
int xskq_fd(const struct xsk_queue *q);

/*
 * Frame handed up by XDP: meta is NULL when the frame carries none (it
 * should always carry one; the caller counts the exception).
 */
typedef void (*xskq_rx_fn)(void *ctx, const uint8_t *frame, uint32_t len,
			   const struct netif_xdp_meta *meta);
/* Receive up to budget frames; every frame is recycled once fn returns. */
unsigned int xskq_rx(struct xsk_queue *q, unsigned int budget, xskq_rx_fn fn, void *ctx);

/* Queue one frame for transmission (copied). -ENOBUFS: no free TX frame; -EMSGSIZE: too big. */
int xskq_tx(struct xsk_queue *q, const void *frame, uint32_t len);
/* Kick the kernel to send what is queued, and reap completions. */
void xskq_tx_flush(struct xsk_queue *q);
int xskq_stats(const struct xsk_queue *q, struct xdp_statistics *st);

#endif
