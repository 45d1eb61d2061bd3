/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Egress copies made before the kernel finished them: checksums left to
 * the device (CHECKSUM_PARTIAL) and GSO packets (several TCP or UDP
 * segments in one skb, split only after the egress hook). Pure functions:
 * bytes in, frames out.
 */
#ifndef NETIFD_SEGMENT_H
#define NETIFD_SEGMENT_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Finish a checksum the kernel left to the device (what skb_checksum_help
 * does): the field at start + offset holds the pseudo-header sum; add the
 * bytes from start to the end and store the complement. False when the
 * offsets do not fit the frame.
 */
bool csum_finish(uint8_t *frame, uint32_t len, uint32_t start, uint32_t offset);

/* One frame of a segmented packet; it lives until the callback returns. */
typedef void (*seg_emit_fn)(void *ctx, const uint8_t *frame, uint32_t len);

/*
 * Split a GSO packet (Ethernet, up to two VLAN tags, IPv4 or IPv6 with
 * hop-by-hop/destination options, TCP or UDP) into frames carrying at most
 * gso_size bytes of payload each, as the kernel's GSO would: every frame
 * gets the headers with its own IPv4 total length, ID (+1 per segment) and
 * header checksum, or IPv6 payload length; TCP its own sequence number,
 * FIN and PSH on the last segment only, CWR on the first only; UDP its own
 * length; and a complete TCP/UDP checksum. Frames are built in buf
 * (buf_size bytes) one at a time and handed to emit.
 *
 * Returns the number of frames, or a negative errno before any is emitted:
 * -EINVAL malformed or inconsistent lengths, -EPROTONOSUPPORT not TCP/UDP
 * (or an IPv6 routing/fragment header, an IPv4 fragment), -EMSGSIZE a
 * frame would not fit buf.
 */
int segment_gso(const uint8_t *pkt, uint32_t len, uint16_t gso_size, uint8_t *buf,
		uint32_t buf_size, seg_emit_fn emit, void *ctx);

#endif
