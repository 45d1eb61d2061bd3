/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Re-injection of frames into the host stack as if received on the device:
 * frames are queued in the netif's reinject_ring and one BPF_PROG_RUN of
 * netif_xdp (BPF_F_TEST_XDP_LIVE_FRAMES, repeat = frames queued, a
 * netif_reinject_meta in front of the test frame) injects the whole batch.
 */
#ifndef NETIFD_REINJECT_H
#define NETIFD_REINJECT_H

#include <stdint.h>

struct netif;

/* Queue one frame. -EMSGSIZE: too big to re-inject; -ENOBUFS: ring full even after a flush. */
int reinject_queue(struct netif *nif, const void *frame, uint32_t len);
/* Inject everything queued for nif. Returns the number of frames, or -errno (they are lost). */
int reinject_flush(struct netif *nif, uint32_t *failed);
/* Frames queued and not yet injected. */
uint32_t reinject_pending(const struct netif *nif);
void reinject_fini(struct netif *nif);

#endif
