// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The packet parser of the fast path and of netifd's client-transmit
 * check (include/netif/parse.h), built for userspace and fed any bytes as
 * a frame. The frame is an exact heap copy, so a read one byte past it is
 * an ASan report. What the parser says it found must be what the frame
 * holds, and nothing it classifies may lie beyond the IP packet's own
 * length (docs/architecture.md, "Malformed packets").
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include "netif/parse.h"

static uint16_t be16(const uint8_t *b)
{
	return (uint16_t)(b[0] << 8 | b[1]);
}

/* IPv4 without options: the addresses, the length bound, the ports. */
static void check_ipv4(const uint8_t *l3, size_t room, const struct netif_pkt *p)
{
	size_t ihl = (l3[0] & 0xf) * 4, tot;

	if (room < 20 || (l3[0] >> 4) != 4 || ihl < 20)
		abort();
	tot = be16(l3 + 2);
	if (tot < ihl || tot > room)
		abort();
	if (memcmp(&p->src[0], l3 + 12, 4) || memcmp(&p->dst[0], l3 + 16, 4) || p->proto != l3[9])
		abort();
	if (p->has_ports && (p->proto == IPPROTO_UDP || p->proto == IPPROTO_TCP)) {
		/* the whole UDP header, or TCP's first 20 bytes, inside the IP length */
		if (ihl + (p->proto == IPPROTO_UDP ? 8 : 20) > tot)
			abort();
		if (memcmp(&p->sport, l3 + ihl, 2) || memcmp(&p->dport, l3 + ihl + 2, 2))
			abort();
	}
}

static void check_ipv6(const uint8_t *l3, size_t room, const struct netif_pkt *p)
{
	if (room < 40 || (l3[0] >> 4) != 6 || 40 + (size_t)be16(l3 + 4) > room)
		abort();
	if (memcmp(p->src, l3 + 8, 16) || memcmp(p->dst, l3 + 24, 16))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *frame = malloc(size ? size : 1);
	struct netif_pkt p;
	size_t l3;
	int ret;

	if (!frame)
		return 0;
	memcpy(frame, data, size);
	memset(&p, 0, sizeof(p));
	ret = netif_parse(frame, frame + size, &p);
	if (ret == NETIF_PARSE_OK) {
		if (p.len != size || size < 14 || memcmp(p.dmac, frame, 6) || memcmp(p.smac, frame + 6, 6))
			abort();
		if (p.nvlans > NETIF_MAX_VLANS)
			abort();
		l3 = 14 + 4 * (size_t)p.nvlans;
		if (l3 > size || be16(frame + l3 - 2) != p.ethertype)
			abort();
		if (p.family == 4) {
			if (p.ethertype != 0x0800)
				abort();
			check_ipv4(frame + l3, size - l3, &p);
		} else if (p.family == 6) {
			if (p.ethertype != 0x86dd)
				abort();
			check_ipv6(frame + l3, size - l3, &p);
		} else if (p.family != 0) {
			abort();
		}
	}
	free(frame);
	return 0;
}
