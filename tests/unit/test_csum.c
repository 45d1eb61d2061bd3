// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Finishing the checksums of egress copies (userspace/netifd/csum.c): a
 * CHECKSUM_PARTIAL sum as the kernel leaves it is found and completed; a
 * complete, an absent (UDP/IPv4 0) or a wrong checksum that is no partial
 * sum is left alone, as are what the finder cannot judge (fragments, IPv6
 * extension headers, lengths beyond the frame). The expected checksums are
 * computed here independently, over an explicit pseudo-header.
 */
#include <string.h>
#include <arpa/inet.h>
#include "unit.h"
#include "userspace/netifd/csum.h"
#include "userspace/netifd/segment.h"

enum l4 { TCP = 6, UDP = 17 };
enum state { PARTIAL, COMPLETE, ZERO, CORRUPT };

struct row {
	const char *name;
	int family;         /* 4 or 6 */
	enum l4 proto;
	enum state state;   /* what the frame's checksum field holds */
	int vlan;           /* an 802.1Q tag in front */
	int fragment;       /* IPv4 MF set / an IPv6 hop-by-hop header */
	int pad;            /* bytes after the IP packet (Ethernet padding) */
	int short_by;       /* the IP length claims this many bytes more than there are */
	bool found;         /* csum_partial_find's answer */
};

static const struct row rows[] = {
	{ "TCP/IPv4 partial: found and finished", 4, TCP, PARTIAL, .found = true },
	{ "UDP/IPv4 partial: found and finished", 4, UDP, PARTIAL, .found = true },
	{ "TCP/IPv6 partial: found and finished", 6, TCP, PARTIAL, .found = true },
	{ "UDP/IPv6 partial: found and finished", 6, UDP, PARTIAL, .found = true },
	{ "TCP/IPv4 behind an 802.1Q tag: found", 4, TCP, PARTIAL, .vlan = 1, .found = true },
	{ "UDP/IPv4 with Ethernet padding: summed over the UDP length only", 4, UDP, PARTIAL,
	  .pad = 6, .found = true },
	{ "TCP/IPv4 complete: left alone", 4, TCP, COMPLETE, .found = false },
	{ "UDP/IPv6 complete: left alone", 6, UDP, COMPLETE, .found = false },
	{ "UDP/IPv4 without a checksum (0): left alone", 4, UDP, ZERO, .found = false },
	{ "TCP/IPv4 with a wrong checksum that is no partial sum: left alone", 4, TCP, CORRUPT, .found = false },
	{ "UDP/IPv4 first fragment (MF): left alone", 4, UDP, PARTIAL, .fragment = 1 },
	{ "TCP/IPv6 behind a hop-by-hop header: left alone", 6, TCP, PARTIAL, .fragment = 1 },
	{ "TCP/IPv4 whose IP length runs past the frame: left alone", 4, TCP, PARTIAL, .short_by = 4 },
};

#define PAYLOAD 37 /* odd: the last byte is summed as a high byte */

static uint32_t sum_be(const uint8_t *p, size_t n, uint32_t s)
{
	size_t i;

	for (i = 0; i < n; i++)
		s += (i & 1) ? p[i] : (uint32_t)p[i] << 8;
	return s;
}

static uint16_t fold_not(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return ~s & 0xffff;
}

/* The pseudo-header, spelled out as RFC 793/768 and RFC 8200 write it. */
static uint32_t pseudo_sum(int family, const uint8_t *src, const uint8_t *dst, uint8_t proto,
			   uint32_t l4len)
{
	uint8_t ph[40];
	size_t n;

	memset(ph, 0, sizeof(ph));
	if (family == 4) {
		memcpy(ph, src, 4);
		memcpy(ph + 4, dst, 4);
		ph[9] = proto;
		ph[10] = l4len >> 8;
		ph[11] = l4len & 0xff;
		n = 12;
	} else {
		memcpy(ph, src, 16);
		memcpy(ph + 16, dst, 16);
		ph[34] = l4len >> 8;
		ph[35] = l4len & 0xff;
		ph[39] = proto;
		n = 40;
	}
	return sum_be(ph, n, 0);
}

struct frame {
	uint8_t b[256];
	uint32_t len;
	uint32_t l4, l4len, field;
	uint16_t good;      /* the correct checksum */
};

static void build(const struct row *r, struct frame *f)
{
	static const uint8_t s4[4] = { 10, 1, 2, 3 }, d4[4] = { 192, 0, 2, 200 };
	static const uint8_t s6[16] = { 0xfd, 0, [15] = 1 }, d6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 9 };
	uint8_t *p = f->b;
	uint32_t off = 12, l3, hl, i, ps;
	uint16_t c;

	memset(f, 0, sizeof(*f));
	memcpy(p, "\x02\x00\x00\x00\x00\x01\x02\x00\x00\x00\x00\x02", 12);
	if (r->vlan) {
		p[off++] = 0x81;
		p[off++] = 0x00;
		p[off++] = 0x00;
		p[off++] = 0x64;
	}
	p[off++] = r->family == 4 ? 0x08 : 0x86;
	p[off++] = r->family == 4 ? 0x00 : 0xdd;
	l3 = off;
	f->l4len = (r->proto == TCP ? 20 : 8) + PAYLOAD;
	if (r->family == 4) {
		hl = 20;
		p[l3] = 0x45;
		p[l3 + 2] = (hl + f->l4len + r->short_by) >> 8;
		p[l3 + 3] = (hl + f->l4len + r->short_by) & 0xff;
		if (r->fragment)
			p[l3 + 6] = 0x20; /* MF */
		p[l3 + 8] = 64;
		p[l3 + 9] = r->proto;
		memcpy(p + l3 + 12, s4, 4);
		memcpy(p + l3 + 16, d4, 4);
	} else {
		hl = 40 + (r->fragment ? 8 : 0);
		p[l3] = 0x60;
		p[l3 + 4] = (hl - 40 + f->l4len + r->short_by) >> 8;
		p[l3 + 5] = (hl - 40 + f->l4len + r->short_by) & 0xff;
		p[l3 + 6] = r->fragment ? 0 /* hop-by-hop */ : r->proto;
		p[l3 + 7] = 64;
		memcpy(p + l3 + 8, s6, 16);
		memcpy(p + l3 + 24, d6, 16);
		if (r->fragment)
			p[l3 + 40] = r->proto; /* 8 bytes of options, PadN */
	}
	f->l4 = l3 + hl;
	p[f->l4] = 0x9c;
	p[f->l4 + 1] = 0x40;
	p[f->l4 + 2] = 0x1f;
	p[f->l4 + 3] = 0x90;
	if (r->proto == TCP) {
		p[f->l4 + 12] = 5 << 4;
		p[f->l4 + 13] = 0x18;
		f->field = f->l4 + 16;
	} else {
		p[f->l4 + 4] = f->l4len >> 8;
		p[f->l4 + 5] = f->l4len & 0xff;
		f->field = f->l4 + 6;
	}
	for (i = 0; i < PAYLOAD; i++)
		p[f->l4 + f->l4len - PAYLOAD + i] = (uint8_t)(i * 37 + 11);
	f->len = f->l4 + f->l4len + r->pad;
	for (i = 0; i < (uint32_t)r->pad; i++)
		p[f->l4 + f->l4len + i] = 0xee; /* must not be summed */

	ps = r->family == 4 ? pseudo_sum(4, s4, d4, r->proto, f->l4len)
			    : pseudo_sum(6, s6, d6, r->proto, f->l4len);
	f->good = fold_not(sum_be(p + f->l4, f->l4len, ps));
	if (!f->good)
		f->good = 0xffff;
	switch (r->state) {
	case PARTIAL:
		c = ~fold_not(ps) & 0xffff; /* the folded pseudo-header sum itself */
		break;
	case COMPLETE:
		c = f->good;
		break;
	case ZERO:
		c = 0;
		break;
	default:
		c = f->good ^ 0x0101;
		break;
	}
	p[f->field] = c >> 8;
	p[f->field + 1] = c & 0xff;
}

static void test_row(void **state)
{
	const struct row *r = *state;
	struct csum_partial cp;
	struct frame f;
	uint8_t before[sizeof(f.b)];

	build(r, &f);
	memcpy(before, f.b, sizeof(before));
	if (r->found && !r->pad) {
		/* what the kernel says (csum_start, csum_offset) finishes it the same way */
		struct frame k = f;

		assert_true(csum_finish(k.b, k.len, k.l4, k.field - k.l4));
		assert_int_equal(k.b[k.field] << 8 | k.b[k.field + 1], f.good);
	}
	assert_int_equal(csum_partial_find(f.b, f.len, &cp), r->found);
	/* finding never writes */
	assert_memory_equal(before, f.b, sizeof(before));
	if (!r->found)
		return;
	assert_int_equal(cp.l4_off, f.l4);
	assert_int_equal(cp.l4_len, f.l4len);
	assert_int_equal(cp.field, f.field);
	csum_partial_finish(f.b, &cp);
	assert_int_equal(f.b[f.field] << 8 | f.b[f.field + 1], f.good);
	/* nothing but the two checksum bytes changed */
	before[f.field] = f.b[f.field];
	before[f.field + 1] = f.b[f.field + 1];
	assert_memory_equal(before, f.b, sizeof(before));
	/* a finished checksum is complete: found no more */
	assert_false(csum_partial_find(f.b, f.len, &cp));
}

/* Every length short of the whole frame is judged without reading past it. */
static void test_truncations(void **state)
{
	const struct row r = { .name = "", .family = 4, .proto = TCP, .state = PARTIAL };
	struct csum_partial cp;
	struct frame f;
	uint32_t n;

	build(&r, &f);
	for (n = 0; n < f.len; n++)
		assert_false(csum_partial_find(f.b, n, &cp));
	assert_true(csum_partial_find(f.b, f.len, &cp));
}

/* Offsets from the kernel that do not fit the frame change nothing. */
static void test_finish_at_bounds(void **state)
{
	const struct row r = { .name = "", .family = 4, .proto = UDP, .state = PARTIAL };
	struct frame f;
	uint8_t before[sizeof(f.b)];

	build(&r, &f);
	memcpy(before, f.b, sizeof(before));
	assert_false(csum_finish(f.b, f.len, f.len, 0));
	assert_false(csum_finish(f.b, f.len, f.l4, f.len - f.l4 - 1));
	assert_false(csum_finish(f.b, f.len, 0xffff, 6));
	assert_false(csum_finish(f.b, 0, 0, 0));
	assert_memory_equal(before, f.b, sizeof(before));
}

int main(void)
{
	const struct CMUnitTest more[] = {
		cmocka_unit_test(test_truncations),
		cmocka_unit_test(test_finish_at_bounds),
	};
	int fails = 0;

	fails += _cmocka_run_group_tests("csum", UNIT_TESTS(rows, test_row),
					 sizeof(rows) / sizeof(rows[0]), NULL, NULL);
	fails += cmocka_run_group_tests_name("csum bounds", more, NULL, NULL);
	return fails ? 1 : 0;
}
