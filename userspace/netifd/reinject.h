/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Re-injection of frames into the host stack as if received on a device:
 * frames are queued in the netif_reinject program's user ring buffer and
 * one BPF_PROG_RUN (BPF_F_TEST_XDP_LIVE_FRAMES, repeat = frames queued)
 * injects a whole batch.
 */
#ifndef NETIFD_REINJECT_H
#define NETIFD_REINJECT_H

#include <stdint.h>

struct netif;

/* Queue one frame for nif. Flushes first if the batch was for another device. */
int reinject_queue(struct netif *nif, const void *frame, uint32_t len);
/* Inject everything queued. Returns frames injected or -errno. */
int reinject_flush(void);
/* Drop whatever is queued for nif (it is going away). */
void reinject_forget(struct netif *nif);
void reinject_fini(void);

#endif
