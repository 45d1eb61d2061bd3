/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Finishing the checksums of egress copies. Locally sent TCP and UDP reach
 * the egress hook with CHECKSUM_PARTIAL: the checksum field holds only the
 * pseudo-header sum, which the device (or skb_checksum_help) completes
 * later. netifd transmits its copies through AF_XDP, which completes
 * nothing, so it finishes them itself.
 *
 * Where the kernel can tell (the kfunc bpf_cast_to_kern_ctx, 6.2), the
 * record of the copy says where the sum starts and csum_finish()
 * (segment.h) finishes it. Before, such a checksum is
 * recognised from the frame alone: it does not verify, and its field
 * equals the pseudo-header sum. A checksum
 * that verifies, or is wrong in any other way (a corrupt forwarded packet),
 * is left as it is. Not handled: IPv6 extension headers before TCP/UDP,
 * fragments, and an inner header's sum in an encapsulated packet.
 */
#ifndef NETIFD_CSUM_H
#define NETIFD_CSUM_H

#include <stdbool.h>
#include <stdint.h>

struct csum_partial {
	uint32_t l4_off;   /* start of the TCP/UDP header in the frame */
	uint32_t l4_len;   /* header and payload, from the IP header */
	uint32_t field;    /* offset of the checksum field in the frame */
	uint32_t pseudo;   /* the pseudo-header sum, folded */
};

/* Does frame carry an unfinished TCP/UDP checksum? Where, in *cp. */
bool csum_partial_find(const uint8_t *frame, uint32_t len, struct csum_partial *cp);
/* Finish it, as skb_checksum_help would. */
void csum_partial_finish(uint8_t *frame, const struct csum_partial *cp);

#endif
