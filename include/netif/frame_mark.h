/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Marks for re-injected frames. In compat (generic XDP) mode a frame netifd
 * re-injects passes through netif_xdp again, and generic XDP does not show
 * the frame's metadata, so the agent records a hash of each frame it is
 * about to re-inject in the "reinject_marks" map and the fast path lets a
 * frame with a pending mark through once. One function, used by both sides.
 */
#ifndef NETIF_FRAME_MARK_H
#define NETIF_FRAME_MARK_H

#include <linux/types.h>

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif

#define NETIF_MARK_BYTES 64

/* FNV-1a over the length and the first NETIF_MARK_BYTES bytes of the frame. */
static __always_inline __u64 netif_frame_mark(const __u8 *data, const __u8 *end)
{
	__u64 h = 0xcbf29ce484222325ULL;
	__u64 len = end - data;
	int i;

	h = (h ^ len) * 0x100000001b3ULL;
	for (i = 0; i < NETIF_MARK_BYTES; i++) {
		if (data + i + 1 > end)
			break;
		h = (h ^ data[i]) * 0x100000001b3ULL;
	}
	return h;
}

#endif
