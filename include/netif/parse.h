/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Cursor-style packet parsing, one implementation for the XDP and TC
 * programs and for netifd (which validates client transmissions with it).
 * Every read goes through cursor_pull(), which checks the bound before
 * moving; parsing stops (and says why) at the first header that does not fit.
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

struct netif_cursor {
	void *pos;
	void *end;
};

static __always_inline void *cursor_pull(struct netif_cursor *c, __u64 len)
{
	void *start = c->pos;

	if (start + len > c->end)
		return NULL;
	c->pos = start + len;
	return start;
}

enum netif_parse_status {
	NETIF_PARSE_OK = 0,
	NETIF_PARSE_SHORT_ETH,   /* not even an Ethernet header */
	NETIF_PARSE_MALFORMED,   /* a header is truncated or inconsistent */
};

struct netif_pkt {
	struct ethhdr *eth;
	__u16 ethertype;     /* host order, after VLAN tags */
	__u16 vid;           /* outer VLAN id, 0 when untagged */
	__u8 nvlans;
	__u8 family;         /* 4, 6 or 0 */
	__u8 proto;          /* L4 protocol when family != 0 */
	__u8 has_ports;      /* L4 header parsed (not a non-first fragment) */
	__u8 dscp;
	__u8 pad[3];
	__u32 len;
	__be16 sport;        /* ICMP: type */
	__be16 dport;        /* ICMP: code */
	__u32 src[4];
	__u32 dst[4];
	void *l3;            /* start of the network header */
};

static __always_inline int parse_vlans(struct netif_cursor *c, struct netif_pkt *p)
{
	__u16 proto = bpf_ntohs(p->eth->h_proto);
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

static __always_inline int parse_l4(struct netif_cursor *c, struct netif_pkt *p)
{
	switch (p->proto) {
	case IPPROTO_TCP: {
		struct tcphdr *th = cursor_pull(c, sizeof(*th));

		if (!th || th->doff < 5)
			return NETIF_PARSE_MALFORMED;
		p->sport = th->source;
		p->dport = th->dest;
		break;
	}
	case IPPROTO_UDP: {
		struct udphdr *uh = cursor_pull(c, sizeof(*uh));

		if (!uh)
			return NETIF_PARSE_MALFORMED;
		p->sport = uh->source;
		p->dport = uh->dest;
		break;
	}
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6: {
		/* type and code are the first two bytes of both headers */
		__u8 *tc = cursor_pull(c, 4);

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

static __always_inline int parse_ipv4(struct netif_cursor *c, struct netif_pkt *p)
{
	struct iphdr *iph = cursor_pull(c, sizeof(*iph));
	__u64 opt_len;

	if (!iph || iph->version != 4 || iph->ihl < 5)
		return NETIF_PARSE_MALFORMED;
	opt_len = (__u64)iph->ihl * 4 - sizeof(*iph);
	if (opt_len && !cursor_pull(c, opt_len))
		return NETIF_PARSE_MALFORMED;
	if (bpf_ntohs(iph->tot_len) < (__u64)iph->ihl * 4)
		return NETIF_PARSE_MALFORMED;
	p->family = 4;
	p->proto = iph->protocol;
	p->dscp = iph->tos >> 2;
	p->src[0] = iph->saddr;
	p->dst[0] = iph->daddr;
	/* a non-first fragment carries no transport header */
	if (iph->frag_off & bpf_htons(0x1fff))
		return NETIF_PARSE_OK;
	return parse_l4(c, p);
}

static __always_inline int ipv6_is_ext(__u8 nexthdr)
{
	return nexthdr == IPPROTO_HOPOPTS || nexthdr == IPPROTO_ROUTING ||
	       nexthdr == IPPROTO_FRAGMENT || nexthdr == IPPROTO_DSTOPTS ||
	       nexthdr == IPPROTO_AH || nexthdr == IPPROTO_MH;
}

static __always_inline int parse_ipv6(struct netif_cursor *c, struct netif_pkt *p)
{
	struct ipv6hdr *ip6h = cursor_pull(c, sizeof(*ip6h));
	__u8 nexthdr;
	int i;

	if (!ip6h || ip6h->version != 6)
		return NETIF_PARSE_MALFORMED;
	p->family = 6;
	p->dscp = ((ip6h->priority << 4) | (ip6h->flow_lbl[0] >> 4)) >> 2;
	__builtin_memcpy(p->src, &ip6h->saddr, 16);
	__builtin_memcpy(p->dst, &ip6h->daddr, 16);
	nexthdr = ip6h->nexthdr;

NETIF_UNROLL
	for (i = 0; i < NETIF_MAX_IPV6_EXT; i++) {
		struct {
			__u8 nexthdr;
			__u8 hdrlen;
			__be16 frag_off; /* fragment header only */
		} *ext;
		__u64 len;

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
			len = ((__u64)ext->hdrlen + 2) * 4;
		} else {
			len = ((__u64)ext->hdrlen + 1) * 8;
		}
		if (!cursor_pull(c, len - sizeof(*ext)))
			return NETIF_PARSE_MALFORMED;
		nexthdr = ext->nexthdr;
	}
	if (ipv6_is_ext(nexthdr)) {
		/* more extension headers than we walk: classify on addresses only */
		p->proto = nexthdr;
		return NETIF_PARSE_OK;
	}
	p->proto = nexthdr;
	return parse_l4(c, p);
}

/* Parse from the Ethernet header down to the transport ports. */
static __always_inline int netif_parse(void *data, void *data_end, struct netif_pkt *p)
{
	struct netif_cursor c = { .pos = data, .end = data_end };
	int ret;

	p->len = data_end - data;
	p->eth = cursor_pull(&c, sizeof(struct ethhdr));
	if (!p->eth)
		return NETIF_PARSE_SHORT_ETH;
	ret = parse_vlans(&c, p);
	if (ret)
		return ret;
	p->l3 = c.pos;
	switch (p->ethertype) {
	case ETH_P_IP:
		return parse_ipv4(&c, p);
	case ETH_P_IPV6:
		return parse_ipv6(&c, p);
	default:
		return NETIF_PARSE_OK;
	}
}

static __always_inline int mac_is_multicast(const __u8 *mac)
{
	return mac[0] & 1;
}

static __always_inline int mac_equal(const __u8 *a, const __u8 *b)
{
	return ((a[0] ^ b[0]) | (a[1] ^ b[1]) | (a[2] ^ b[2]) | (a[3] ^ b[3]) |
		(a[4] ^ b[4]) | (a[5] ^ b[5])) == 0;
}

#endif /* NETIF_PARSE_H */
