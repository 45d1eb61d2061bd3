// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stddef.h>
#include <arpa/inet.h>
#include <string.h>
#include "netif/parse.h"
#include "csum.h"

/* One's-complement sum of big-endian 16-bit words, not yet folded. */
static uint64_t sum16(const uint8_t *p, uint32_t len, uint64_t sum)
{
	uint32_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (i < len)
		sum += (uint32_t)p[i] << 8;
	return sum;
}

static uint32_t fold(uint64_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint32_t)sum;
}

/* Where the L4 header starts and how long it is, from the IP header. */
static bool l4_bounds(const uint8_t *frame, uint32_t len, const struct netif_pkt *pkt,
		      struct csum_partial *cp, uint64_t *pseudo)
{
	/* after the Ethernet header and the VLAN tags the parser walked */
	uint32_t l3 = 14 + 4 * (uint32_t)pkt->nvlans;

	if (pkt->family == 4) {
		const struct iphdr *ip = (const void *)(frame + l3);
		uint32_t hl = ip->ihl * 4, tot = ntohs(ip->tot_len);

		/* any fragment: its checksum covers bytes this frame does not hold */
		if (ip->frag_off & htons(0x3fff) || tot < hl || l3 + tot > len)
			return false;
		cp->l4_off = l3 + hl;
		cp->l4_len = tot - hl;
		*pseudo = sum16((const uint8_t *)&ip->saddr, 8, ip->protocol + cp->l4_len);
	} else {
		const struct ipv6hdr *ip6 = (const void *)(frame + l3);
		uint32_t plen = ntohs(ip6->payload_len);

		/* extension headers would change where and over what the sum runs */
		if (ip6->nexthdr != pkt->proto || l3 + sizeof(*ip6) + plen > len)
			return false;
		cp->l4_off = l3 + sizeof(*ip6);
		cp->l4_len = plen;
		*pseudo = sum16((const uint8_t *)&ip6->saddr, 32, ip6->nexthdr + (uint64_t)plen);
	}
	return true;
}

bool csum_partial_find(const uint8_t *frame, uint32_t len, struct csum_partial *cp)
{
	struct netif_pkt pkt = {};
	uint64_t pseudo;
	uint32_t field;

	if (netif_parse((void *)frame, (void *)(frame + len), &pkt) != NETIF_PARSE_OK ||
	    !pkt.family || !pkt.has_ports ||
	    (pkt.proto != IPPROTO_TCP && pkt.proto != IPPROTO_UDP))
		return false;
	if (!l4_bounds(frame, len, &pkt, cp, &pseudo))
		return false;
	if (pkt.proto == IPPROTO_TCP) {
		if (cp->l4_len < sizeof(struct tcphdr))
			return false;
		cp->field = cp->l4_off + offsetof(struct tcphdr, check);
	} else {
		if (cp->l4_len < sizeof(struct udphdr))
			return false;
		cp->field = cp->l4_off + offsetof(struct udphdr, check);
	}
	field = (uint32_t)frame[cp->field] << 8 | frame[cp->field + 1];
	/* UDP over IPv4 without a checksum */
	if (pkt.proto == IPPROTO_UDP && pkt.family == 4 && field == 0)
		return false;
	cp->pseudo = fold(pseudo);
	if (fold(sum16(frame + cp->l4_off, cp->l4_len, pseudo)) == 0xffff)
		return false; /* complete and correct */
	return field == cp->pseudo;
}

/* 0 means "no checksum" to UDP; the kernel writes 0xffff for every protocol */
static void csum_store(uint8_t *at, uint32_t sum)
{
	uint32_t c = ~fold(sum) & 0xffff;

	if (!c)
		c = 0xffff;
	at[0] = c >> 8;
	at[1] = c & 0xff;
}

void csum_partial_finish(uint8_t *frame, const struct csum_partial *cp)
{
	frame[cp->field] = 0;
	frame[cp->field + 1] = 0;
	csum_store(frame + cp->field, sum16(frame + cp->l4_off, cp->l4_len, cp->pseudo));
}
