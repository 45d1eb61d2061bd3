/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Cursor-style packet parsing, one implementation for the XDP and TC
 * programs and for netifd (which validates client transmissions with it).
 *
 * Every read goes through cursor_pull(), which checks two bounds before
 * moving: the readable bytes (the frame, or what TC pulled of an skb) and
 * the bytes the enclosing IP header says it carries. Bytes after the IPv4
 * total length or the IPv6 payload length (Ethernet padding, trailing
 * garbage) are never read as a header. Parsing stops, and says why, at the
 * first header that does not fit. What counts as malformed follows what the
 * host stack drops (docs/architecture.md, "Malformed packets"):
 *   - a header cut short by the frame or by the IP length;
 *   - an IP length beyond the frame (Linux drops it as truncated);
 *   - an IPv4 total length below the header length, IHL < 5;
 *   - a TCP data offset below 5 or beyond the segment;
 *   - a UDP length below 8 or beyond the IP payload;
 *   - an ICMP or ICMPv6 header shorter than 8 bytes.
 * The parsed packet holds copies, never pointers into the packet, so
 * nothing after parsing depends on where in the frame the headers were.
 */
#ifndef NETIF_PARSE_H
#define NETIF_PARSE_H

#include <linux/types.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif

/* Unrolled for the BPF verifier; a plain loop in userspace. */
#ifdef __bpf__
#define NETIF_UNROLL _Pragma("unroll")
#else
#define NETIF_UNROLL
#endif

#ifndef IPPROTO_ICMPV6
#define IPPROTO_ICMPV6 58
#endif

#ifndef ETH_P_8021AD
#define ETH_P_8021AD 0x88A8
#endif
#ifndef IPPROTO_MH
#define IPPROTO_MH 135
#endif

#define NETIF_MAX_VLANS 2
#define NETIF_MAX_IPV6_EXT 6
#define NETIF_ICMP_HLEN 8 /* ICMP and ICMPv6 alike: type, code, checksum, 4 more */

struct netif_cursor {
	void *pos;
	void *end;   /* end of the readable bytes */
	void *base;  /* start of the frame */
	__u32 left;  /* bytes the enclosing IP header still allows */
};

/* Headers never start further in than this (two tags, IPv4 options or six IPv6 extensions). */
#define NETIF_PARSE_MAX_OFF 16384

/*
 * For the BPF verifier only: make the cursor "somewhere in the first
 * NETIF_PARSE_MAX_OFF bytes" instead of "at 14 + 4 + 8 + a variable
 * offset". Paths through VLAN tags, IP options and extension headers then
 * reach the next header in one state, which the verifier checks once, not
 * once per path (it cannot merge packet pointers at different fixed
 * offsets). The empty asm keeps the compiler from folding base + (pos -
 * base) back into pos. The value is unchanged.
 */
static __always_inline int cursor_settle(struct netif_cursor *c)
{
	__u64 off = (__u8 *)c->pos - (__u8 *)c->base;

#ifdef __bpf__
	asm volatile("" : "+r"(off));
#endif
	if (off > NETIF_PARSE_MAX_OFF)
		return -1;
	c->pos = (__u8 *)c->base + off;
	return 0;
}

static __always_inline void *cursor_pull(struct netif_cursor *c, __u32 len)
{
	void *start = c->pos;

	if (len > c->left)
		return (void *)0;
	if (start + len > c->end)
		return (void *)0;
	c->pos = start + len;
	c->left -= len;
	return start;
}

enum netif_parse_status {
	NETIF_PARSE_OK = 0,
	NETIF_PARSE_SHORT_ETH,   /* not even an Ethernet header */
	NETIF_PARSE_MALFORMED,   /* a header is truncated or inconsistent */
};

struct netif_pkt {
	__u8 dmac[6];
	__u8 smac[6];
	__u16 ethertype;     /* host order, after VLAN tags */
	__u16 vid;           /* outer VLAN id, 0 when untagged */
	__u8 nvlans;
	__u8 family;         /* 4, 6 or 0 */
	__u8 proto;          /* L4 protocol when family != 0 */
	__u8 has_ports;      /* L4 header parsed (not a non-first fragment) */
	__u8 dscp;
	__u8 pad[3];
	__u32 len;           /* of the frame */
	__be16 sport;        /* ICMP: type */
	__be16 dport;        /* ICMP: code */
	__u32 src[4];
	__u32 dst[4];
};

static __always_inline int parse_vlans(struct netif_cursor *c, struct netif_pkt *p, __u16 proto)
{
	int i;

NETIF_UNROLL
	for (i = 0; i < NETIF_MAX_VLANS; i++) {
		struct vlan_hdr {
			__be16 tci;
			__be16 proto;
		} *vh;

		if (proto != ETH_P_8021Q && proto != ETH_P_8021AD)
			break;
		vh = cursor_pull(c, sizeof(*vh));
		if (!vh)
			return NETIF_PARSE_MALFORMED;
		if (p->nvlans == 0)
			p->vid = bpf_ntohs(vh->tci) & 0x0fff;
		p->nvlans++;
		proto = bpf_ntohs(vh->proto);
	}
	p->ethertype = proto;
	return NETIF_PARSE_OK;
}

/* c->left is the transport segment's length here; jumbo: an IPv6 jumbogram (no UDP length). */
static __always_inline int parse_l4(struct netif_cursor *c, struct netif_pkt *p, int jumbo)
{
	switch (p->proto) {
	case IPPROTO_TCP: {
		struct tcphdr *th = cursor_pull(c, sizeof(*th));

		if (!th || th->doff < 5)
			return NETIF_PARSE_MALFORMED;
		/* options past the segment: Linux discards the packet */
		if ((__u32)th->doff * 4 - sizeof(*th) > c->left)
			return NETIF_PARSE_MALFORMED;
		p->sport = th->source;
		p->dport = th->dest;
		break;
	}
	case IPPROTO_UDP: {
		__u32 seg = c->left;
		struct udphdr *uh = cursor_pull(c, sizeof(*uh));
		__u32 ulen;

		if (!uh)
			return NETIF_PARSE_MALFORMED;
		ulen = bpf_ntohs(uh->len);
		if (!jumbo && (ulen < sizeof(*uh) || ulen > seg))
			return NETIF_PARSE_MALFORMED;
		p->sport = uh->source;
		p->dport = uh->dest;
		break;
	}
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6: {
		/* type and code are the first two bytes of both headers */
		__u8 *tc = cursor_pull(c, NETIF_ICMP_HLEN);

		if (!tc)
			return NETIF_PARSE_MALFORMED;
		p->sport = bpf_htons(tc[0]);
		p->dport = bpf_htons(tc[1]);
		break;
	}
	default:
		return NETIF_PARSE_OK;
	}
	p->has_ports = 1;
	return NETIF_PARSE_OK;
}

/* frame_left: bytes of the frame from the IP header on. */
static __always_inline int parse_ipv4(struct netif_cursor *c, struct netif_pkt *p, __u32 frame_left)
{
	struct iphdr *iph = cursor_pull(c, sizeof(*iph));
	__u32 hlen, tot;

	if (!iph || iph->version != 4 || iph->ihl < 5)
		return NETIF_PARSE_MALFORMED;
	hlen = (__u32)iph->ihl * 4;
	tot = bpf_ntohs(iph->tot_len);
	if (tot < hlen || tot > frame_left)
		return NETIF_PARSE_MALFORMED;
	c->left = tot - sizeof(*iph);
	if (hlen > sizeof(*iph) && !cursor_pull(c, hlen - sizeof(*iph)))
		return NETIF_PARSE_MALFORMED;
	if (cursor_settle(c))
		return NETIF_PARSE_MALFORMED;
	p->family = 4;
	p->proto = iph->protocol;
	p->dscp = iph->tos >> 2;
	p->src[0] = iph->saddr;
	p->dst[0] = iph->daddr;
	/* a non-first fragment carries no transport header */
	if (iph->frag_off & bpf_htons(0x1fff))
		return NETIF_PARSE_OK;
	return parse_l4(c, p, 0);
}

static __always_inline int ipv6_is_ext(__u8 nexthdr)
{
	return nexthdr == IPPROTO_HOPOPTS || nexthdr == IPPROTO_ROUTING ||
	       nexthdr == IPPROTO_FRAGMENT || nexthdr == IPPROTO_DSTOPTS ||
	       nexthdr == IPPROTO_AH || nexthdr == IPPROTO_MH;
}

static __always_inline int parse_ipv6(struct netif_cursor *c, struct netif_pkt *p, __u32 frame_left)
{
	struct ipv6hdr *ip6h = cursor_pull(c, sizeof(*ip6h));
	__u32 plen;
	__u8 nexthdr;
	int i, jumbo = 0;

	if (!ip6h || ip6h->version != 6)
		return NETIF_PARSE_MALFORMED;
	plen = bpf_ntohs(ip6h->payload_len);
	nexthdr = ip6h->nexthdr;
	if (plen == 0 && nexthdr == IPPROTO_HOPOPTS) {
		/* a jumbogram (RFC 2675): its length is in a hop-by-hop option; the frame bounds it */
		jumbo = 1;
		plen = frame_left - sizeof(*ip6h);
	} else if (plen > frame_left - sizeof(*ip6h)) {
		return NETIF_PARSE_MALFORMED;
	}
	c->left = plen;
	p->family = 6;
	p->dscp = ((ip6h->priority << 4) | (ip6h->flow_lbl[0] >> 4)) >> 2;
	__builtin_memcpy(p->src, &ip6h->saddr, 16);
	__builtin_memcpy(p->dst, &ip6h->daddr, 16);

NETIF_UNROLL
	for (i = 0; i < NETIF_MAX_IPV6_EXT; i++) {
		struct {
			__u8 nexthdr;
			__u8 hdrlen;
			__be16 frag_off; /* fragment header only */
		} *ext;
		__u32 len;

		if (!ipv6_is_ext(nexthdr))
			break;
		ext = cursor_pull(c, sizeof(*ext));
		if (!ext)
			return NETIF_PARSE_MALFORMED;
		if (nexthdr == IPPROTO_FRAGMENT) {
			len = 8;
			if (ext->frag_off & bpf_htons(0xfff8)) {
				/* non-first fragment: no transport header to read */
				p->proto = ext->nexthdr;
				return NETIF_PARSE_OK;
			}
		} else if (nexthdr == IPPROTO_AH) {
			len = ((__u32)ext->hdrlen + 2) * 4;
		} else {
			len = ((__u32)ext->hdrlen + 1) * 8;
		}
		nexthdr = ext->nexthdr;
		if (!cursor_pull(c, len - sizeof(*ext)) || cursor_settle(c))
			return NETIF_PARSE_MALFORMED;
	}
	p->proto = nexthdr;
	if (ipv6_is_ext(nexthdr))
		return NETIF_PARSE_OK; /* more extension headers than we walk: addresses only */
	return parse_l4(c, p, jumbo);
}

/*
 * Parse from the Ethernet header down to the transport ports. data..end
 * are the readable bytes, frame_len the frame's length (TC: skb->len,
 * which may be more than what is readable).
 */
static __always_inline int netif_parse_frame(void *data, void *end, __u32 frame_len,
					     struct netif_pkt *p)
{
	struct netif_cursor c = { .pos = data, .end = end, .base = data, .left = frame_len };
	struct ethhdr *eth;
	__u32 l2;
	int ret;

	/* every field a later step reads without this parse having set it */
	p->ethertype = 0;
	p->vid = 0;
	p->nvlans = 0;
	p->family = 0;
	p->proto = 0;
	p->has_ports = 0;
	p->dscp = 0;
	p->len = frame_len;
	eth = cursor_pull(&c, sizeof(*eth));
	if (!eth)
		return NETIF_PARSE_SHORT_ETH;
	__builtin_memcpy(p->dmac, eth->h_dest, 6);
	__builtin_memcpy(p->smac, eth->h_source, 6);
	ret = parse_vlans(&c, p, bpf_ntohs(eth->h_proto));
	if (ret)
		return ret;
	if (cursor_settle(&c))
		return NETIF_PARSE_MALFORMED;
	l2 = sizeof(*eth) + (__u32)p->nvlans * 4;
	switch (p->ethertype) {
	case ETH_P_IP:
		return parse_ipv4(&c, p, frame_len - l2);
	case ETH_P_IPV6:
		if (frame_len < l2 + sizeof(struct ipv6hdr))
			return NETIF_PARSE_MALFORMED;
		return parse_ipv6(&c, p, frame_len - l2);
	default:
		return NETIF_PARSE_OK;
	}
}

/* The whole frame is readable (XDP, netifd). */
static __always_inline int netif_parse(void *data, void *data_end, struct netif_pkt *p)
{
	return netif_parse_frame(data, data_end, (__u32)((__u8 *)data_end - (__u8 *)data), p);
}

static __always_inline int mac_is_multicast(const __u8 *mac)
{
	return mac[0] & 1;
}

static __always_inline int mac_equal(const __u8 *a, const __u8 *b)
{
	/* byte loads: the callers' MACs sit at any alignment */
	return ((a[0] ^ b[0]) | (a[1] ^ b[1]) | (a[2] ^ b[2]) | (a[3] ^ b[3]) |
		(a[4] ^ b[4]) | (a[5] ^ b[5])) == 0;
}

#endif /* NETIF_PARSE_H */
