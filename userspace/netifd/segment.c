// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Software GSO for egress copies. The egress hook sees packets before the
 * kernel segments them: TCP builds multi-segment skbs even with TSO and GSO
 * off on the device (GSO is always on for TCP since Linux 4.13), UDP does
 * with UDP_SEGMENT. netifd sends such a copy back through AF_XDP, which
 * takes only wire-sized frames, so it splits the packet here exactly as
 * tcp_gso_segment/__udp_gso_segment would. Written by hand: no packaged
 * library segments packets in userspace, and the kernel's packet-socket GSO
 * (PACKET_VNET_HDR) would send the frames through the egress hook again.
 * Every length is checked against the bytes at hand.
 */
#include <errno.h>
#include <string.h>
#include "segment.h"

#define ETH_HLEN 14
#define ETH_P_IP 0x0800
#define ETH_P_IPV6 0x86dd
#define ETH_P_8021Q 0x8100
#define ETH_P_8021AD 0x88a8
#define PROTO_TCP 6
#define PROTO_UDP 17
#define V6_HOPOPTS 0
#define V6_DSTOPTS 60
#define TCP_FIN 0x01
#define TCP_PSH 0x08
#define TCP_CWR 0x80

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void wr16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void wr32(uint8_t *p, uint32_t v)
{
	wr16(p, v >> 16);
	wr16(p + 2, v & 0xffff);
}

/*
 * Ones' complement sum of big-endian 16-bit words. Adding 32-bit words and
 * folding later is the same sum (2^16 = 1 modulo 2^16 - 1), at half the
 * additions; 64 KiB of them cannot overflow 64 bits.
 */
static uint64_t sum_bytes(uint64_t sum, const uint8_t *p, uint32_t len)
{
	for (; len >= 4; p += 4, len -= 4)
		sum += rd32(p);
	if (len >= 2) {
		sum += rd16(p);
		p += 2;
		len -= 2;
	}
	if (len)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

static uint16_t fold(uint64_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

bool csum_finish(uint8_t *frame, uint32_t len, uint32_t start, uint32_t offset)
{
	uint16_t c;

	if (start >= len || offset + 2 > len - start)
		return false;
	c = ~fold(sum_bytes(0, frame + start, len - start)) & 0xffff;
	if (!c)
		c = 0xffff; /* 0 means "no checksum" to UDP */
	wr16(frame + start + offset, c);
	return true;
}

/* Where the headers are, and how much of the packet they take. */
struct seg_hdrs {
	uint32_t l3, l4, hlen; /* offsets of the IP and L4 headers; bytes of all headers */
	uint8_t family, proto;
};

static int parse_ipv4(const uint8_t *p, uint32_t len, struct seg_hdrs *h)
{
	uint32_t ihl;

	if (len < h->l3 + 20 || p[h->l3] >> 4 != 4)
		return -EINVAL;
	ihl = (p[h->l3] & 0x0f) * 4U;
	if (ihl < 20 || len < h->l3 + ihl || rd16(p + h->l3 + 2) != len - h->l3)
		return -EINVAL;
	if (rd16(p + h->l3 + 6) & 0x3fff)
		return -EPROTONOSUPPORT; /* a fragment: nothing to segment */
	h->family = 4;
	h->proto = p[h->l3 + 9];
	h->l4 = h->l3 + ihl;
	return 0;
}

/*
 * Hop-by-hop and destination options are copied into every segment, as
 * the kernel does. A routing header would change the pseudo-header's
 * destination and a fragment header cannot be segmented: refused.
 */
static int parse_ipv6(const uint8_t *p, uint32_t len, struct seg_hdrs *h)
{
	uint32_t off = h->l3 + 40;
	uint8_t nh;
	int i;

	if (len < off || p[h->l3] >> 4 != 6 || rd16(p + h->l3 + 4) != len - off)
		return -EINVAL;
	nh = p[h->l3 + 6];
	for (i = 0; i < 8 && (nh == V6_HOPOPTS || nh == V6_DSTOPTS); i++) {
		if (len < off + 8)
			return -EINVAL;
		nh = p[off];
		off += (p[off + 1] + 1U) * 8;
		if (off > len)
			return -EINVAL;
	}
	if (nh == V6_HOPOPTS || nh == V6_DSTOPTS)
		return -EPROTONOSUPPORT;
	h->family = 6;
	h->proto = nh;
	h->l4 = off;
	return 0;
}

static int parse(const uint8_t *p, uint32_t len, struct seg_hdrs *h)
{
	uint32_t off = ETH_HLEN, doff;
	uint16_t type;
	int i, err;

	if (len < ETH_HLEN)
		return -EINVAL;
	type = rd16(p + 12);
	for (i = 0; i < 2 && (type == ETH_P_8021Q || type == ETH_P_8021AD); i++) {
		if (len < off + 4)
			return -EINVAL;
		type = rd16(p + off + 2);
		off += 4;
	}
	h->l3 = off;
	if (type == ETH_P_IP)
		err = parse_ipv4(p, len, h);
	else if (type == ETH_P_IPV6)
		err = parse_ipv6(p, len, h);
	else
		err = -EPROTONOSUPPORT;
	if (err)
		return err;
	if (h->proto == PROTO_TCP) {
		if (len < h->l4 + 20)
			return -EINVAL;
		doff = (p[h->l4 + 12] >> 4) * 4U;
		if (doff < 20 || len < h->l4 + doff)
			return -EINVAL;
		h->hlen = h->l4 + doff;
	} else if (h->proto == PROTO_UDP) {
		if (len < h->l4 + 8)
			return -EINVAL;
		h->hlen = h->l4 + 8;
	} else {
		return -EPROTONOSUPPORT;
	}
	return 0;
}

/* The pseudo-header's sum for an L4 segment of l4len bytes. */
static uint64_t pseudo_sum(const uint8_t *f, const struct seg_hdrs *h, uint32_t l4len)
{
	if (h->family == 4)
		return sum_bytes(0, f + h->l3 + 12, 8) + h->proto + l4len;
	return sum_bytes(0, f + h->l3 + 8, 32) + h->proto + l4len;
}

/* Headers of segment i (payload bytes at off, n of them), checksums last. */
static void fix_headers(uint8_t *f, const struct seg_hdrs *h, uint32_t i, uint32_t off,
			uint32_t n, bool last)
{
	uint32_t l4len = h->hlen - h->l4 + n;
	uint8_t *l4 = f + h->l4;
	uint16_t c;

	if (h->family == 4) {
		uint8_t *ip = f + h->l3;

		wr16(ip + 2, h->hlen - h->l3 + n);
		wr16(ip + 4, rd16(ip + 4) + i);
		wr16(ip + 10, 0);
		wr16(ip + 10, ~fold(sum_bytes(0, ip, h->l4 - h->l3)) & 0xffff);
	} else {
		wr16(f + h->l3 + 4, h->hlen - h->l3 - 40 + n);
	}
	if (h->proto == PROTO_TCP) {
		wr32(l4 + 4, rd32(l4 + 4) + off);
		if (!last)
			l4[13] &= ~(TCP_FIN | TCP_PSH);
		if (i)
			l4[13] &= ~TCP_CWR;
		wr16(l4 + 16, 0);
	} else {
		wr16(l4 + 4, l4len);
		wr16(l4 + 6, 0);
	}
	c = ~fold(pseudo_sum(f, h, l4len) + sum_bytes(0, l4, l4len)) & 0xffff;
	if (!c && h->proto == PROTO_UDP)
		c = 0xffff;
	wr16(l4 + (h->proto == PROTO_TCP ? 16 : 6), c);
}

int segment_gso(const uint8_t *pkt, uint32_t len, uint16_t gso_size, uint8_t *buf,
		uint32_t buf_size, seg_emit_fn emit, void *ctx)
{
	struct seg_hdrs h = {};
	uint32_t payload, off, n, i;
	int err;

	if (!gso_size)
		return -EINVAL;
	err = parse(pkt, len, &h);
	if (err)
		return err;
	payload = len - h.hlen;
	n = payload < gso_size ? payload : gso_size;
	if (h.hlen + n > buf_size)
		return -EMSGSIZE;
	i = 0;
	off = 0;
	do {
		n = payload - off < gso_size ? payload - off : gso_size;
		memcpy(buf, pkt, h.hlen);
		memcpy(buf + h.hlen, pkt + h.hlen + off, n);
		fix_headers(buf, &h, i, off, n, off + n == payload);
		emit(ctx, buf, h.hlen + n);
		off += n;
		i++;
	} while (off < payload);
	return (int)i;
}
