// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Software GSO of egress copies (userspace/netifd/segment.c): each row
 * builds a multi-segment packet as the stack hands it to the egress hook
 * (lengths of the whole packet, checksum left to the device), splits it,
 * and checks every frame as a receiver would: lengths, IPv4 IDs and header
 * checksums, TCP sequence numbers and flags, UDP lengths, L4 checksums
 * (verified with a separate plain implementation), and that the payloads
 * put back together are the original's.
 */
#include <errno.h>
#include <string.h>
#include "unit.h"
#include "userspace/netifd/segment.h"

#define MAXF 64
#define BIG 70000

struct seg_row {
	const char *name;
	uint8_t family, proto;
	uint8_t vlans;     /* in-frame VLAN tags */
	uint8_t v6_hbh;    /* an 8-byte hop-by-hop options header */
	uint8_t v6_rthdr;  /* a routing header instead */
	uint8_t tcp_opts;  /* bytes of TCP options (timestamps: 12) */
	uint8_t tcp_flags; /* of the whole packet */
	uint32_t payload;
	uint16_t gso_size;
	int corrupt;       /* 1: IP length off by one; 2: a fragment; 3: ICMP */
	uint32_t buf_size; /* 0: large enough */
	int err;           /* expected error, or 0 */
};

#define ACK 0x10
#pragma GCC diagnostic ignored "-Wmissing-field-initializers" /* rows give what they need */
static const struct seg_row seg_rows[] = {
	{ "IPv4 TCP: 45 full segments of 1448 bytes", 4, 6, 0, 0, 0, 12, ACK | 0x08, 45 * 1448, 1448 },
	{ "IPv4 TCP: a short last segment, FIN and PSH on it only", 4, 6, 0, 0, 0, 12, ACK | 0x09, 10000, 1448 },
	{ "IPv4 TCP: CWR on the first segment only", 4, 6, 0, 0, 0, 0, ACK | 0x80, 5000, 1460 },
	{ "IPv4 TCP: the largest packet, 64 KiB", 4, 6, 0, 0, 0, 12, ACK, 65536 - 66, 1448 },
	{ "IPv4 TCP: payload no larger than one segment", 4, 6, 0, 0, 0, 0, ACK, 1000, 1460 },
	{ "IPv4 TCP: an odd payload size", 4, 6, 0, 0, 0, 0, ACK, 4001, 1001 },
	{ "IPv6 TCP: 20 segments", 6, 6, 0, 0, 0, 12, ACK | 0x08, 20 * 1428, 1428 },
	{ "IPv6 TCP with hop-by-hop options", 6, 6, 0, 1, 0, 0, ACK, 7000, 1400 },
	{ "IPv4 UDP (UDP_SEGMENT): 8 datagrams", 4, 17, 0, 0, 0, 0, 0, 8 * 1200, 1200 },
	{ "IPv6 UDP: a short last datagram", 6, 17, 0, 0, 0, 0, 0, 3 * 1000 + 17, 1000 },
	{ "VLAN-tagged IPv4 TCP", 4, 6, 1, 0, 0, 0, ACK, 6000, 1456 },
	{ "QinQ-tagged IPv6 UDP", 6, 17, 2, 0, 0, 0, 0, 5000, 1300 },
	{ "no segment size", 4, 6, 0, 0, 0, 0, ACK, 5000, 0, 0, 0, -EINVAL },
	{ "IPv4 total length not the packet's", 4, 6, 0, 0, 0, 0, ACK, 5000, 1000, 1, 0, -EINVAL },
	{ "IPv6 payload length not the packet's", 6, 6, 0, 0, 0, 0, ACK, 5000, 1000, 1, 0, -EINVAL },
	{ "an IPv4 fragment", 4, 17, 0, 0, 0, 0, 0, 5000, 1000, 2, 0, -EPROTONOSUPPORT },
	{ "ICMP cannot be segmented", 4, 1, 0, 0, 0, 0, 0, 5000, 1000, 3, 0, -EPROTONOSUPPORT },
	{ "an IPv6 routing header is refused", 6, 6, 0, 0, 1, 0, ACK, 5000, 1000, 0, 0, -EPROTONOSUPPORT },
	{ "a frame larger than the buffer", 4, 6, 0, 0, 0, 0, ACK, 5000, 1448, 0, 1000, -EMSGSIZE },
};

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v);
}

static uint16_t get16(const uint8_t *p)
{
	return p[0] << 8 | p[1];
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

/* The checksum as RFC 1071 writes it, one 16-bit word at a time. */
static uint32_t plain_sum(uint32_t sum, const uint8_t *p, uint32_t len)
{
	uint32_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += get16(p + i);
	if (len & 1)
		sum += p[len - 1] << 8;
	return sum;
}

static uint16_t plain_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

struct layout {
	uint32_t l3, l4, hlen;
};

/* The packet as the stack hands it to the egress hook. */
static uint32_t build(const struct seg_row *r, uint8_t *b, struct layout *lo)
{
	uint32_t o = 12, i, l4hdr;
	uint8_t nh = r->proto;

	memset(b, 0, 200);
	memcpy(b, "\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01", 12);
	for (i = 0; i < r->vlans; i++) {
		put16(b + o, i == 0 && r->vlans == 2 ? 0x88a8 : 0x8100);
		put16(b + o + 2, 100 + i);
		o += 4;
	}
	put16(b + o, r->family == 4 ? 0x0800 : 0x86dd);
	o += 2;
	lo->l3 = o;
	l4hdr = r->proto == 6 ? 20 + r->tcp_opts : 8;
	if (r->family == 4) {
		b[o] = 0x45;
		put16(b + o + 4, 0x1234);
		put16(b + o + 6, r->corrupt == 2 ? 0x2000 : 0x4000); /* MF, or DF */
		b[o + 8] = 64;
		b[o + 9] = r->corrupt == 3 ? 1 : r->proto;
		memcpy(b + o + 12, "\x0a\x4d\x00\x01\x0a\x4d\x00\x02", 8);
		o += 20;
	} else {
		b[o] = 0x60;
		b[o + 7] = 64;
		b[o + 8] = 0xfd;
		b[o + 23] = 1;
		b[o + 24] = 0xfd;
		b[o + 39] = 2;
		o += 40;
		if (r->v6_hbh || r->v6_rthdr) {
			b[o - 34] = r->v6_hbh ? 0 : 43;
			b[o] = nh;
			b[o + 1] = 0;
			o += 8;
		} else {
			b[o - 34] = nh;
		}
	}
	lo->l4 = o;
	put16(b + o, 40000);
	put16(b + o + 2, 5201);
	if (r->proto == 6) {
		put32(b + o + 4, 0xfffff000); /* the sequence wraps within the packet */
		put32(b + o + 8, 77);
		b[o + 12] = (l4hdr / 4) << 4;
		b[o + 13] = r->tcp_flags;
		put16(b + o + 14, 512);
		for (i = 20; i < l4hdr; i++)
			b[o + i] = i == 20 ? 1 : 0x5a; /* NOP, then opaque option bytes */
	}
	o += l4hdr;
	lo->hlen = o;
	for (i = 0; i < r->payload; i++)
		b[o + i] = (i * 7 + 3) & 0xff;
	o += r->payload;
	if (r->family == 4)
		put16(b + lo->l3 + 2, o - lo->l3 + (r->corrupt == 1));
	else
		put16(b + lo->l3 + 4, o - lo->l3 - 40 + (r->corrupt == 1));
	if (r->proto == 17)
		put16(b + lo->l4 + 4, o - lo->l4 > 0xffff ? 0 : o - lo->l4);
	/* CHECKSUM_PARTIAL: the L4 field holds a pseudo-header sum; segmentation must not care */
	put16(b + lo->l4 + (r->proto == 6 ? 16 : 6), 0xbeef);
	return o;
}

struct collected {
	uint32_t n;
	uint32_t len[MAXF];
	uint8_t frames[MAXF][4096];
	uint8_t too_big;
};

static void collect(void *ctx, const uint8_t *frame, uint32_t len)
{
	struct collected *c = ctx;

	if (c->n >= MAXF || len > sizeof(c->frames[0])) {
		c->too_big = 1;
		return;
	}
	memcpy(c->frames[c->n], frame, len);
	c->len[c->n++] = len;
}

static void check_frame(const struct seg_row *r, const struct layout *lo, const uint8_t *orig,
			const uint8_t *f, uint32_t len, uint32_t i, uint32_t off, bool last)
{
	uint32_t n = len - lo->hlen, l4len = len - lo->l4, sum;

	/* headers before L3 unchanged */
	assert_memory_equal(f, orig, lo->l3);
	if (r->family == 4) {
		assert_int_equal(get16(f + lo->l3 + 2), len - lo->l3);
		assert_int_equal(get16(f + lo->l3 + 4), (uint16_t)(0x1234 + i));
		assert_int_equal(plain_fold(plain_sum(0, f + lo->l3, 20)), 0xffff);
		sum = plain_sum(0, f + lo->l3 + 12, 8) + r->proto + l4len;
	} else {
		assert_int_equal(get16(f + lo->l3 + 4), len - lo->l3 - 40);
		sum = plain_sum(0, f + lo->l3 + 8, 32) + r->proto + l4len;
	}
	/* the L4 checksum verifies as a receiver checks it */
	assert_int_equal(plain_fold(plain_sum(sum, f + lo->l4, l4len)), 0xffff);
	if (r->proto == 6) {
		uint8_t want = r->tcp_flags;

		assert_int_equal(get32(f + lo->l4 + 4), 0xfffff000u + off);
		if (!last)
			want &= ~0x09;
		if (i)
			want &= ~0x80;
		assert_int_equal(f[lo->l4 + 13], want);
		/* everything else in the TCP header is the original's */
		assert_memory_equal(f + lo->l4 + 8, orig + lo->l4 + 8, 5);
		assert_memory_equal(f + lo->l4 + 18, orig + lo->l4 + 18, lo->hlen - lo->l4 - 18);
	} else {
		assert_int_equal(get16(f + lo->l4 + 4), l4len);
	}
	assert_memory_equal(f + lo->hlen, orig + lo->hlen + off, n);
}

static void test_seg_row(void **state)
{
	const struct seg_row *r = *state;
	static uint8_t pkt[BIG], buf[BIG];
	static struct collected c;
	struct layout lo;
	uint32_t len, i, off = 0, want;
	int n;

	memset(&c, 0, sizeof(c));
	len = build(r, pkt, &lo);
	n = segment_gso(pkt, len, r->gso_size, buf, r->buf_size ? r->buf_size : sizeof(buf), collect,
			&c);
	if (r->err) {
		assert_int_equal(n, r->err);
		assert_int_equal(c.n, 0);
		return;
	}
	want = (r->payload + r->gso_size - 1) / r->gso_size;
	assert_int_equal(n, want);
	assert_int_equal(c.n, want);
	assert_false(c.too_big);
	for (i = 0; i < c.n; i++) {
		uint32_t seg = c.len[i] - lo.hlen;

		if (i + 1 < c.n)
			assert_int_equal(seg, r->gso_size);
		check_frame(r, &lo, pkt, c.frames[i], c.len[i], i, off, i + 1 == c.n);
		off += seg;
	}
	assert_int_equal(off, r->payload);
}

/* csum_finish: what skb_checksum_help does to a CHECKSUM_PARTIAL packet. */
static void test_csum_finish(void **state)
{
	static const struct seg_row r = { "udp", 4, 17, 0, 0, 0, 0, 0, 1001, 2000 };
	static uint8_t pkt[4096];
	struct layout lo;
	uint32_t len, l4len, sum;

	len = build(&r, pkt, &lo);
	l4len = len - lo.l4;
	/* the stack's partial sum: the pseudo-header, folded, not complemented */
	sum = plain_sum(0, pkt + lo.l3 + 12, 8) + 17 + l4len;
	put16(pkt + lo.l4 + 6, plain_fold(sum));
	assert_true(csum_finish(pkt, len, lo.l4, 6));
	assert_int_equal(plain_fold(plain_sum(sum, pkt + lo.l4, l4len)), 0xffff);
	/* offsets beyond the frame are refused, nothing written */
	assert_false(csum_finish(pkt, len, len, 0));
	assert_false(csum_finish(pkt, len, len - 1, 6));
}

int main(void)
{
	const struct CMUnitTest more[] = {
		cmocka_unit_test(test_csum_finish),
	};
	int fails;

	fails = _cmocka_run_group_tests("segment_gso", UNIT_TESTS(seg_rows, test_seg_row),
					sizeof(seg_rows) / sizeof(seg_rows[0]), NULL, NULL);
	fails += cmocka_run_group_tests_name("segment", more, NULL, NULL);
	return fails ? 1 : 0;
}
