/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Harness of the BPF_PROG_RUN tier, header-only because the Makefile links
 * every tests/bpf/test_*.c alone with the agent's objects.
 *
 * A test row describes a frame, the flows to install, the netif settings
 * and what must come out: verdict, the exact change of every fast-path
 * counter (a counter a row does not name must not move), which flow, llink
 * and qset counted the frame, and for exceptions the metadata or ring
 * record. The dataplane is programmed through the agent's own functions
 * (nexus_instantiate, flow_add, llink_add, nexus_set_*); map entries are
 * written by hand only where the agent cannot run unattached, and the rows
 * doing so say why.
 */
#ifndef NETIF_TEST_BPF_PKT_H
#define NETIF_TEST_BPF_PKT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <cmocka.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/pkt_cls.h>
#include <uuid/uuid.h>
#include "netif/maps.h"
#include "netif/stats.h"
#include "netif/parse.h"
#include "userspace/netifd/agent.h"
#include "userspace/netifd/nexus.h"
#include "userspace/netifd/flow.h"
#include "userspace/netifd/llink.h"
#include "userspace/netifd/bucket.h"
#include "userspace/netifd/dataplane.h"
#include "userspace/netifd/reinject.h"
#include "userspace/netifd/xsk.h"

#ifndef IPPROTO_MH
#define IPPROTO_MH 135
#endif

/* ---- test netifs ---------------------------------------------------------- */

/* A device index no interface has: nothing may ever be attached by accident. */
#define TEST_IFINDEX 0x7ffff000
#define TEST_TX_QUEUES 4

static const uint8_t MAC_NIF[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };
static const uint8_t MAC_REMOTE[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 };
static const uint8_t MAC_FOREIGN[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x99 };
static const uint8_t MAC_BROADCAST[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t MAC_MDNS4[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb };
static const uint8_t MAC_ALLNODES6[6] = { 0x33, 0x33, 0x00, 0x00, 0x00, 0x01 };

enum env_id { ENV_NORMAL = 0, ENV_LL, ENV__MAX };

struct env {
	struct agent ag;
	struct netif *nif;
	struct ring_buffer *ring; /* egress exception records (TC) */
};

static struct env g_env[ENV__MAX];

static inline int env_open(enum env_id id, const char *ifname, int ifindex)
{
	struct env *e = &g_env[id];
	struct attach_req req = { 0 };
	struct link_info li = { 0 };
	struct netif_extack ext = { 0 };
	int err;

	memset(e, 0, sizeof(*e));
	snprintf(req.ifname, sizeof(req.ifname), "%s", ifname);
	req.low_latency = id == ENV_LL;
	attach_req_defaults(&req);
	snprintf(li.name, sizeof(li.name), "%s", ifname);
	li.ifindex = ifindex;
	memcpy(li.mac, MAC_NIF, 6);
	li.mtu = 1500;
	li.num_rx_queues = 4;
	li.num_tx_queues = TEST_TX_QUEUES;
	err = nexus_instantiate(&e->ag, &req, &li, &e->nif, &ext);
	if (err)
		fprintf(stderr, "# nexus_instantiate(%s): %s: %s\n", ifname, strerror(-err), ext.msg);
	return err;
}

static inline void env_close(enum env_id id)
{
	struct env *e = &g_env[id];

	if (e->ring)
		ring_buffer__free(e->ring);
	if (e->nif)
		nexus_destroy(&e->ag, e->nif);
	memset(e, 0, sizeof(*e));
}

static inline uint64_t mono_ns(void)
{
	struct timespec ts;

	/* the clock bpf_ktime_get_ns() reads */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* ---- frames --------------------------------------------------------------- */

#define PKT_MAX 20000 /* BPF_PROG_RUN takes about 3.5 KB; the live tests more */

#define LOCAL4 "198.51.100.10"
#define REMOTE4 "203.0.113.5"
#define OTHER4 "203.0.113.99"
#define LOCAL6 "fd00:1::10"
#define REMOTE6 "fd00:2::5"
#define OTHER6 "fd00:2::99"
#define LOCAL_PORT 80
#define REMOTE_PORT 40000

enum mac_kind { MAC_DEFAULT = 0, MAC_OURS, MAC_PEER, MAC_BCAST, MAC_MCAST4, MAC_MCAST6, MAC_OTHER };

/* Where a frame is cut: keep cut_len bytes counted from that point. */
enum cut_at { CUT_NONE = 0, CUT_TAGS, CUT_L3, CUT_EXT, CUT_L4 };

enum corrupt {
	COR_NONE = 0,
	COR_IP_VERSION,  /* IPv4 header with version 5 */
	COR_IP_IHL,      /* IHL 4: shorter than the fixed header */
	COR_IP_TOTLEN,   /* total length smaller than the header */
	COR_TCP_DOFF,    /* TCP data offset 4 */
	COR_IP6_VERSION, /* IPv6 header with version 4 */
};

struct vlan_tag {
	uint16_t tpid;
	uint16_t vid;
};

struct pkt_def {
	enum mac_kind dst_mac, src_mac; /* default: ours on the side the direction makes ours */
	struct vlan_tag vlan[3];        /* tpid 0 ends the list */
	uint16_t ethertype;             /* frames without an IP header */
	uint8_t l3;                     /* 0, 4 or 6 */
	const char *src, *dst;          /* default: remote/local by direction */
	uint8_t ip_opts;                /* IPv4 option bytes, a multiple of 4 */
	uint8_t tos;                    /* IPv4 TOS or IPv6 traffic class */
	uint16_t frag;                  /* IPv4 flags and fragment offset, host order */
	uint8_t ext[8];                 /* IPv6 extension headers in order */
	uint8_t n_ext;
	uint16_t frag6;                 /* offset and M flag of an IPv6 fragment header */
	uint8_t proto;
	uint16_t sport, dport;          /* 0: remote/local port by direction */
	uint8_t icmp_type, icmp_code;
	uint16_t size;                  /* pad the frame to this length */
	bool ip_end_set;                /* IPEND(n): the IP length ends n bytes into L4 */
	int16_t ip_end;                 /*   (bytes after it stay in the frame, as padding) */
	int16_t ip_over;                /* the IP length claims this many bytes beyond the frame */
	uint8_t tcp_opts;               /* TCP option bytes, a multiple of 4 */
	uint8_t tcp_doff;               /* TCP data offset written; 0: the true one */
	bool udp_len_set;               /* UDPLEN(n): the UDP length field; default: the IP payload */
	uint16_t udp_len;
	enum cut_at cut;
	int16_t cut_len;
	enum corrupt corrupt;
};

#define EXT(...) .ext = { __VA_ARGS__ }, .n_ext = sizeof((uint8_t[]){ __VA_ARGS__ })
#define IPEND(n) .ip_end_set = true, .ip_end = (n)
#define UDPLEN(n) .udp_len_set = true, .udp_len = (n)
#define TAG(t, v) { (t), (v) }
#define Q(v) TAG(ETH_P_8021Q, (v))
#define AD(v) TAG(ETH_P_8021AD, (v))

struct pkt {
	uint8_t data[PKT_MAX];
	uint32_t len;
	uint32_t tags, l3, ext_last, l4;
};

static inline void mac_of(enum mac_kind k, bool ours, uint8_t out[6])
{
	switch (k) {
	case MAC_DEFAULT:
		memcpy(out, ours ? MAC_NIF : MAC_REMOTE, 6);
		break;
	case MAC_OURS:
		memcpy(out, MAC_NIF, 6);
		break;
	case MAC_PEER:
		memcpy(out, MAC_REMOTE, 6);
		break;
	case MAC_BCAST:
		memcpy(out, MAC_BROADCAST, 6);
		break;
	case MAC_MCAST4:
		memcpy(out, MAC_MDNS4, 6);
		break;
	case MAC_MCAST6:
		memcpy(out, MAC_ALLNODES6, 6);
		break;
	case MAC_OTHER:
		memcpy(out, MAC_FOREIGN, 6);
		break;
	}
}

static inline void put16(uint8_t *b, uint16_t v)
{
	b[0] = v >> 8;
	b[1] = v & 0xff;
}

/* Length of an IPv6 extension header as built here: several sizes, so a wrong length rule shows. */
static inline uint32_t ext_len(uint8_t type, uint8_t *hdrlen)
{
	switch (type) {
	case IPPROTO_ROUTING:
		*hdrlen = 2;
		return 24;
	case IPPROTO_DSTOPTS:
		*hdrlen = 1;
		return 16;
	case IPPROTO_AH:
		*hdrlen = 4; /* counted in 4-byte words, minus 2 */
		return 24;
	default: /* hop-by-hop, fragment, mobility */
		*hdrlen = 0;
		return 8;
	}
}

static inline int addr_parse(const char *s, uint32_t out[4], uint8_t *family)
{
	memset(out, 0, 16);
	if (inet_pton(AF_INET, s, out) == 1) {
		*family = 4;
		return 0;
	}
	if (inet_pton(AF_INET6, s, out) == 1) {
		*family = 6;
		return 0;
	}
	return -EINVAL;
}

static inline void pkt_build(const struct pkt_def *d, bool egress, struct pkt *p)
{
	uint8_t *b = p->data;
	uint32_t o, total, i;
	uint16_t sport = d->sport, dport = d->dport;
	const char *src = d->src, *dst = d->dst;
	uint8_t fam;

	memset(p, 0, sizeof(*p));
	mac_of(d->dst_mac, !egress, b);
	mac_of(d->src_mac, egress, b + 6);
	o = 12;
	p->tags = o;
	for (i = 0; i < 3 && d->vlan[i].tpid; i++) {
		put16(b + o, d->vlan[i].tpid);
		put16(b + o + 2, d->vlan[i].vid);
		o += 4;
	}
	put16(b + o, d->l3 == 4 ? ETH_P_IP : d->l3 == 6 ? ETH_P_IPV6 : d->ethertype);
	o += 2;
	p->l3 = o;
	if (!src)
		src = d->l3 == 6 ? (egress ? LOCAL6 : REMOTE6) : (egress ? LOCAL4 : REMOTE4);
	if (!dst)
		dst = d->l3 == 6 ? (egress ? REMOTE6 : LOCAL6) : (egress ? REMOTE4 : LOCAL4);
	if (!sport)
		sport = egress ? LOCAL_PORT : REMOTE_PORT;
	if (!dport)
		dport = egress ? REMOTE_PORT : LOCAL_PORT;

	if (d->l3 == 4) {
		struct iphdr *ip = (struct iphdr *)(b + o);
		uint32_t a[4];

		ip->version = 4;
		ip->ihl = 5 + d->ip_opts / 4;
		ip->tos = d->tos;
		ip->ttl = 64;
		ip->protocol = d->proto;
		ip->frag_off = htons(d->frag);
		addr_parse(src, a, &fam);
		ip->saddr = a[0];
		addr_parse(dst, a, &fam);
		ip->daddr = a[0];
		memset(b + o + 20, 1 /* NOP */, d->ip_opts);
		o += ip->ihl * 4;
	} else if (d->l3 == 6) {
		struct ipv6hdr *ip6 = (struct ipv6hdr *)(b + o);

		ip6->version = 6;
		ip6->priority = d->tos >> 4;
		ip6->flow_lbl[0] = (d->tos & 0xf) << 4;
		ip6->nexthdr = d->n_ext ? d->ext[0] : d->proto;
		ip6->hop_limit = 64;
		addr_parse(src, (uint32_t *)&ip6->saddr, &fam);
		addr_parse(dst, (uint32_t *)&ip6->daddr, &fam);
		o += sizeof(*ip6);
		for (i = 0; i < d->n_ext; i++) {
			uint8_t hdrlen;
			uint32_t len = ext_len(d->ext[i], &hdrlen);

			p->ext_last = o;
			b[o] = i + 1 < d->n_ext ? d->ext[i + 1] : d->proto;
			b[o + 1] = hdrlen;
			if (d->ext[i] == IPPROTO_FRAGMENT)
				put16(b + o + 2, d->frag6);
			o += len;
		}
	}
	p->l4 = o;
	if (d->l3) {
		switch (d->proto) {
		case IPPROTO_TCP:
			put16(b + o, sport);
			put16(b + o + 2, dport);
			b[o + 12] = (d->tcp_doff ? d->tcp_doff : 5 + d->tcp_opts / 4) << 4;
			memset(b + o + 20, 1 /* NOP */, d->tcp_opts);
			o += 20 + d->tcp_opts;
			break;
		case IPPROTO_UDP:
			put16(b + o, sport);
			put16(b + o + 2, dport);
			o += 8;
			break;
		case IPPROTO_ICMP:
		case IPPROTO_ICMPV6:
			b[o] = d->icmp_type;
			b[o + 1] = d->icmp_code;
			o += 8;
			break;
		}
	}
	total = d->size > o ? d->size : o + 18;
	if (total > PKT_MAX)
		total = PKT_MAX;
	for (i = o; i < total; i++)
		b[i] = i & 0xff;
	{
		/* where the IP packet ends, by its own length field */
		uint32_t ip_end = (d->ip_end_set ? p->l4 + d->ip_end : total) + d->ip_over;

		if (d->l3 == 4)
			put16(b + p->l3 + 2, ip_end - p->l3);
		else if (d->l3 == 6)
			put16(b + p->l3 + 4, ip_end - p->l3 - 40);
		if (d->l3 && d->proto == IPPROTO_UDP)
			put16(b + p->l4 + 4, d->udp_len_set ? d->udp_len : ip_end - p->l4);
	}

	switch (d->corrupt) {
	case COR_NONE:
		break;
	case COR_IP_VERSION:
		b[p->l3] = (5 << 4) | (b[p->l3] & 0xf);
		break;
	case COR_IP_IHL:
		b[p->l3] = (4 << 4) | 4;
		break;
	case COR_IP_TOTLEN:
		put16(b + p->l3 + 2, (b[p->l3] & 0xf) * 4 - 1);
		break;
	case COR_TCP_DOFF:
		b[p->l4 + 12] = 4 << 4;
		break;
	case COR_IP6_VERSION:
		b[p->l3] = (4 << 4) | (b[p->l3] & 0xf);
		break;
	}
	p->len = total;
	switch (d->cut) {
	case CUT_NONE:
		break;
	case CUT_TAGS:
		p->len = p->tags + d->cut_len;
		break;
	case CUT_L3:
		p->len = p->l3 + d->cut_len;
		break;
	case CUT_EXT:
		p->len = p->ext_last + d->cut_len;
		break;
	case CUT_L4:
		p->len = p->l4 + d->cut_len;
		break;
	}
}

/*
 * Length cases, for XDP and TC alike (docs/architecture.md, "Malformed
 * packets"): every header is bounded by the IP total length or payload
 * length, not only by the frame. X(name, (pkt_def fields), proto, malformed); the
 * frame always holds full headers (the frame builder writes them), so only
 * the length fields decide. Each file runs these against a catch-all drop
 * flow of the protocol in its own direction: a malformed frame must pass
 * unclassified, a good one must be dropped.
 */
#define PKT_LEN_CASES(X)                                                                           \
	X("IPv4 total length ends 3 bytes into UDP, the frame goes on with the ports",          \
	  (.l3 = 4, .proto = IPPROTO_UDP, IPEND(3), .size = 64), IPPROTO_UDP, true)            \
	X("IPv4 total length ends after the UDP ports, inside its header",                        \
	  (.l3 = 4, .proto = IPPROTO_UDP, IPEND(6), .size = 64), IPPROTO_UDP, true)            \
	X("IPv4 total length ends before the TCP ports",                                          \
	  (.l3 = 4, .proto = IPPROTO_TCP, IPEND(2), .size = 80), IPPROTO_TCP, true)            \
	X("IPv4 total length ends inside the TCP header after the ports",                         \
	  (.l3 = 4, .proto = IPPROTO_TCP, IPEND(12), .size = 80), IPPROTO_TCP, true)           \
	X("IPv4 total length ends 2 bytes into ICMP",                                             \
	  (.l3 = 4, .proto = IPPROTO_ICMP, .icmp_type = 8, IPEND(2), .size = 64), IPPROTO_ICMP, \
	  true)                                                                                  \
	X("ICMP header of 6 bytes (IPv4 length ends there)",                                      \
	  (.l3 = 4, .proto = IPPROTO_ICMP, .icmp_type = 8, IPEND(6), .size = 64), IPPROTO_ICMP, \
	  true)                                                                                  \
	X("IPv4 total length one byte beyond the frame",                                          \
	  (.l3 = 4, .proto = IPPROTO_UDP, .ip_over = 1), IPPROTO_UDP, true)                     \
	X("TCP data offset 15 in a 20-byte segment",                                              \
	  (.l3 = 4, .proto = IPPROTO_TCP, .tcp_doff = 15, IPEND(20), .size = 96), IPPROTO_TCP, \
	  true)                                                                                  \
	X("UDP length beyond the IPv4 payload",                                                   \
	  (.l3 = 4, .proto = IPPROTO_UDP, UDPLEN(200)), IPPROTO_UDP, true)                      \
	X("UDP length 7",                                                                         \
	  (.l3 = 4, .proto = IPPROTO_UDP, UDPLEN(7)), IPPROTO_UDP, true)                        \
	X("IPv6 payload length ends inside the hop-by-hop header",                                \
	  (.l3 = 6, .proto = IPPROTO_UDP, EXT(IPPROTO_HOPOPTS), IPEND(-4), .size = 90),         \
	  IPPROTO_UDP, true)                                                                     \
	X("IPv6 payload length ends before the UDP ports",                                        \
	  (.l3 = 6, .proto = IPPROTO_UDP, IPEND(1), .size = 90), IPPROTO_UDP, true)            \
	X("IPv6 payload length ends 4 bytes into ICMPv6",                                         \
	  (.l3 = 6, .proto = IPPROTO_ICMPV6, .icmp_type = 128, IPEND(4), .size = 90),           \
	  IPPROTO_ICMPV6, true)                                                                  \
	X("IPv6 payload length beyond the frame",                                                 \
	  (.l3 = 6, .proto = IPPROTO_TCP, .ip_over = 8), IPPROTO_TCP, true)                     \
	X("IPv4 UDP in a minimum frame, Ethernet padding after the IP packet",                    \
	  (.l3 = 4, .proto = IPPROTO_UDP, IPEND(8), .size = 60), IPPROTO_UDP, false)           \
	X("TCP with 40 bytes of options, all inside the segment",                                 \
	  (.l3 = 4, .proto = IPPROTO_TCP, .tcp_opts = 40), IPPROTO_TCP, false)                 \
	X("IPv6 UDP followed by trailing bytes past the payload length",                         \
	  (.l3 = 6, .proto = IPPROTO_UDP, IPEND(8), .size = 100), IPPROTO_UDP, false)

/* ---- running the programs -------------------------------------------------- */

struct xdp_out {
	int verdict;
	uint8_t data[PKT_MAX + 256];
	uint32_t len;     /* of data: metadata + frame */
	uint32_t meta;    /* metadata bytes in front of the frame */
};

/*
 * One frame through netif_xdp, charged once (repeat 1). pre_meta bytes of
 * metadata ride in front of the frame, as a driver that fills the area
 * would leave them.
 */
/* One packet through netif_xdp, preceded by METALEN bytes of XDP metadata. */
static inline int run_xdp_meta(struct netif *nif, const struct pkt *p, const void *meta,
			       uint32_t metalen, struct xdp_out *out)
{
	static uint8_t in[PKT_MAX + 256];
	struct xdp_md md = { 0 }, md_out = { 0 };
	int err;

	memcpy(in, meta, metalen);
	memcpy(in + metalen, p->data, p->len);
	md.data = metalen;
	md.data_end = metalen + p->len;
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = in, .data_size_in = metalen + p->len,
		    .data_out = out->data, .data_size_out = sizeof(out->data), .ctx_in = &md,
		    .ctx_size_in = sizeof(md), .ctx_out = &md_out, .ctx_size_out = sizeof(md_out),
		    .repeat = 1);
	err = bpf_prog_test_run_opts(nif->dp.xdp_prog_fd, &o);
	if (err)
		return -errno;
	out->verdict = o.retval;
	out->len = o.data_size_out;
	out->meta = md_out.data - md_out.data_meta;
	return 0;
}

/* The same with PRE_META bytes of junk metadata (0xa5) in front. */
static inline int run_xdp(struct netif *nif, const struct pkt *p, uint8_t pre_meta,
			  struct xdp_out *out)
{
	uint8_t junk[256];

	memset(junk, 0xa5, pre_meta);
	return run_xdp_meta(nif, p, junk, pre_meta, out);
}

struct tc_out {
	int verdict;
	struct __sk_buff skb;
};

/*
 * One packet through netif_tc. BPF_PROG_RUN on 6.18 takes mark, priority,
 * ingress_ifindex, ifindex, cb, tstamp, wire_len, gso_segs, gso_size and
 * hwtstamp from ctx_in (any other field non-zero: EINVAL, queue_mapping
 * included) and reports the skb's mark, priority, ingress_ifindex,
 * ifindex, tstamp, cb, wire_len, gso_segs and hwtstamp back. queue_mapping
 * never comes out: test_tc_live.c looks at the queue a packet leaves on.
 */
static inline int run_tc(struct netif *nif, const struct pkt *p, uint32_t priority, uint32_t repeat,
			 struct tc_out *out)
{
	struct __sk_buff in = { 0 };
	int err;

	in.priority = priority;
	memset(&out->skb, 0, sizeof(out->skb));
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = p->data, .data_size_in = p->len,
		    .ctx_in = &in, .ctx_size_in = sizeof(in), .ctx_out = &out->skb,
		    .ctx_size_out = sizeof(out->skb), .repeat = repeat ? repeat : 1);
	err = bpf_prog_test_run_opts(nif->dp.tc_prog_fd, &o);
	if (err)
		return -errno;
	out->verdict = o.retval;
	return 0;
}

/* ---- flows ----------------------------------------------------------------- */

#define PRESENT 0x10000
#define PORT(x) ((x) | PRESENT)
#define MAX_FLOWS 6

/* A qset named by its llink's user id and its index in that llink. */
struct qref {
	bool set;
	uint64_t link;
	uint8_t idx;
};
#define QS(l, i) { true, (l), (i) }

struct flow_def {
	uint8_t type; /* 0 ends the list */
	uint8_t dir;
	uint8_t family;
	uint8_t proto;
	uint16_t ethertype;
	const char *src, *dst;
	const char *local, *remote;
	int32_t sport, dport; /* PORT(n) when present */
	uint8_t action;
	uint8_t port;
	const char *redirect_dev;
	uint64_t rate, burst;
	bool scoped;
	uint64_t llink;
	struct qref hint;
};

static inline const struct netif_llink *llink_by_id(struct netif *nif, uint64_t link_id)
{
	int i;

	if (!nif->llinks)
		return NULL;
	for (i = 0; i < NETIF_MAX_LLINKS; i++)
		if (nif->llinks->ll_used[i] && nif->llinks->ll[i].link_id == link_id)
			return &nif->llinks->ll[i];
	return NULL;
}

static inline uint32_t qset_id_of(struct netif *nif, uint64_t link, uint8_t idx)
{
	const struct netif_llink *ll = llink_by_id(nif, link);

	return ll && idx < ll->nqsets ? ll->qsets[idx] : 0;
}

/* The flow_spec flow_spec_from_attr() would hand flow_add() for this request. */
static inline int flow_install(struct netif *nif, const struct flow_def *d, uint8_t uuid[16])
{
	struct netif_extack ext = { 0 };
	struct flow_spec fs;
	uint8_t fam;
	int err;

	memset(&fs, 0, sizeof(fs));
	fs.type = d->type;
	fs.dir = d->dir;
	fs.action = d->action;
	fs.port = d->port;
	switch (d->type) {
	case NETIF_FLOW_ETHERTYPE:
		fs.ethertype = d->ethertype;
		break;
	case NETIF_FLOW_ULA:
		fs.family = 6;
		if (addr_parse(d->local, fs.local, &fam) || addr_parse(d->remote, fs.remote, &fam))
			return -EINVAL;
		break;
	case NETIF_FLOW_TUPLE:
		fs.proto = d->proto;
		fs.family = d->family;
		if (d->src) {
			if (addr_parse(d->src, fs.src, &fs.family))
				return -EINVAL;
			fs.mask |= NETIF_TUPLE_M_SRC;
		}
		if (d->dst) {
			if (addr_parse(d->dst, fs.dst, &fs.family))
				return -EINVAL;
			fs.mask |= NETIF_TUPLE_M_DST;
		}
		if (d->sport & PRESENT) {
			fs.sport = d->sport & 0xffff;
			fs.mask |= NETIF_TUPLE_M_SPORT;
		}
		if (d->dport & PRESENT) {
			fs.dport = d->dport & 0xffff;
			fs.mask |= NETIF_TUPLE_M_DPORT;
		}
		break;
	}
	if (d->redirect_dev)
		snprintf(fs.redirect_dev, sizeof(fs.redirect_dev), "%s", d->redirect_dev);
	fs.rate = d->rate;
	fs.burst = d->burst;
	if (d->scoped) {
		fs.has_llink = true;
		fs.llink_id = d->llink;
	}
	if (d->hint.set)
		fs.qset_hint = qset_id_of(nif, d->hint.link, d->hint.idx);
	err = flow_add(nif, &fs, &ext);
	if (err) {
		fprintf(stderr, "# flow_add: %s: %s\n", strerror(-err), ext.msg);
		return err;
	}
	memcpy(uuid, fs.uuid, 16);
	return 0;
}

/* ---- counters -------------------------------------------------------------- */

#define STAT_NAME(n) #n,
static const char *const stat_names[] = { NETIF_STATS_LIST(STAT_NAME) };

/* An expected counter change; idx is 1-based so a zeroed entry ends the list. */
struct stat_exp {
	uint16_t idx;
	int64_t val;
};
#define ST(f, v) { offsetof(struct netif_stats, f) / sizeof(__u64) + 1, (v) }
#define V_LEN INT64_MIN /* the frame's length */
#define MAX_ST 12

static inline int read_stats(struct netif *nif, struct netif_stats *st)
{
	return dp_read_stats(&nif->dp, st);
}

/* Compare every counter's change with the expectation; print all mismatches. */
static inline bool stats_check(const struct netif_stats *before, const struct netif_stats *after,
			       const struct stat_exp *base, size_t nbase, const struct stat_exp *exp,
			       size_t nexp, uint64_t len)
{
	const __u64 *b = (const __u64 *)before, *a = (const __u64 *)after;
	bool ok = true;
	size_t i, j;

	for (i = 0; i < NETIF_STATS_COUNT; i++) {
		int64_t want = 0, got = (int64_t)(a[i] - b[i]);

		for (j = 0; j < nbase; j++)
			if (base[j].idx == i + 1)
				want = base[j].val;
		for (j = 0; j < nexp; j++)
			if (exp[j].idx == i + 1)
				want = exp[j].val;
		if (want == V_LEN)
			want = (int64_t)len;
		if (got != want) {
			print_error("counter %s changed by %lld, expected %lld\n", stat_names[i],
				    (long long)got, (long long)want);
			ok = false;
		}
	}
	return ok;
}

/* Per-llink and per-qset counters of every slot in use, for before/after comparison. */
struct slot_stats {
	struct netif_llink_stats ll[NETIF_MAX_LLINKS];
	struct netif_qset_stats qs[NETIF_MAX_QSETS];
};

static inline void read_slot_stats(struct netif *nif, struct slot_stats *s)
{
	struct llink_table *t = nif->llinks;
	int i;

	memset(s, 0, sizeof(*s));
	for (i = 0; t && i < NETIF_MAX_LLINKS; i++)
		if (t->ll_used[i])
			dp_percpu_sum(nif->dp.map_fd[DP_LLINK_STATS], i, (uint64_t *)&s->ll[i],
				      sizeof(s->ll[i]) / sizeof(uint64_t));
	for (i = 0; t && i < NETIF_MAX_QSETS; i++)
		if (t->qs_used[i])
			dp_percpu_sum(nif->dp.map_fd[DP_QSET_STATS], i, (uint64_t *)&s->qs[i],
				      sizeof(s->qs[i]) / sizeof(uint64_t));
}

/* ---- rows ------------------------------------------------------------------ */

#define NO_MATCH 0
#define F(i) ((i) + 1) /* the row's flows[i] */
#define LL_NONE (-1)   /* the frame reaches no llink */

struct row;

/* A running row: its flows, and what its hooks changed by hand so undo can restore it. */
struct rowctx {
	const struct row *r;
	struct netif *nif;
	uint8_t uuid[MAX_FLOWS][16];
	int nflows;
	uint64_t aux;     /* for prep/undo */
	uint8_t saved[64];
};
_Static_assert(sizeof(((struct rowctx *)0)->saved) >= sizeof(struct netif_qset) &&
		       sizeof(((struct rowctx *)0)->saved) >= sizeof(struct netif_llink_rx),
	       "rowctx.saved holds a qsets or llink_vlans value");

struct meta_exp {
	bool want;
	uint8_t reason;
	uint8_t action;
	uint8_t port;
	int flow;      /* F(i) or NO_MATCH */
	int64_t llink; /* user id of the llink the frame arrived on */
};

struct exc_exp {
	bool want;
	uint8_t reason;
	int flow;      /* F(i) or NO_MATCH */
	int64_t llink;
};

struct row {
	const char *name;
	enum env_id env;
	bool egress;
	struct pkt_def pkt;
	uint32_t prio;            /* egress: skb->priority in */
	uint8_t pre_meta;         /* ingress: metadata bytes the frame arrives with */
	struct flow_def flows[MAX_FLOWS];
	uint8_t default_action;
	uint8_t vlan_policy;
	uint8_t cfg_flags;        /* NETIF_CFG_F_* as netifd sets them when attached */
	bool xsk;                 /* an AF_XDP socket serves RX queue 0 */
	int (*pre)(struct rowctx *c);    /* before the flows are installed */
	int (*prep)(struct rowctx *c);   /* after the flows are in */
	void (*undo)(struct rowctx *c);
	int verdict;
	int match;                /* F(i): the flow that counts the frame */
	struct stat_exp st[MAX_ST];
	int64_t llink;            /* user id of the llink counting it, LL_NONE */
	struct qref qset;         /* default: the default qset of that llink */
	bool qset_none;           /* the qset counts nothing (egress drops and exceptions) */
	int64_t out_prio;         /* egress: skb->priority out; 0 = unchanged */
	struct meta_exp meta;
	struct exc_exp exc;
};

static struct xsk_queue *g_xsk; /* ingress exception rows' socket, when one could be made */

static inline struct qref row_qset(const struct row *r)
{
	struct qref q = r->qset;

	if (!q.set) {
		q.set = true;
		q.link = (uint64_t)r->llink;
		q.idx = 0; /* every llink of these tests has its default qset first */
	}
	return q;
}

static inline int xsk_register(struct netif *nif)
{
	__u32 key = 0;
	int fd;

	if (!g_xsk)
		return -ENODEV;
	fd = xskq_fd(g_xsk);
	/* exception.c does this when it activates the path on an attached netif */
	return bpf_map_update_elem(nif->dp.map_fd[DP_XSKS], &key, &fd, BPF_ANY) ? -errno : 0;
}

static inline void xsk_unregister(struct netif *nif)
{
	__u32 key = 0;

	bpf_map_delete_elem(nif->dp.map_fd[DP_XSKS], &key);
}

static inline int cfg_flags_set(struct netif *nif, uint8_t flags)
{
	/* exception_sync() does this once a chain or an exception flow exists on an attached netif */
	nif->cfg.flags = (nif->cfg.flags & NETIF_CFG_F_LOW_LATENCY) | flags;
	return dp_cfg_write(&nif->dp, &nif->cfg);
}

/* Egress exception records collected from the ring. */
#define MAX_RECS 8
struct exc_rec {
	struct netif_exc_hdr hdr;
	uint8_t data[PKT_MAX];
	uint32_t size;
};
static struct exc_rec g_recs[MAX_RECS];
static unsigned int g_nrecs;
static uint64_t g_rec_total;

static int on_exc_record(void *ctx, void *data, size_t size)
{
	struct exc_rec *r;

	g_rec_total++;
	if (g_nrecs >= MAX_RECS || size < sizeof(struct netif_exc_hdr))
		return 0;
	r = &g_recs[g_nrecs++];
	memcpy(&r->hdr, data, sizeof(r->hdr));
	r->size = size - sizeof(r->hdr);
	memcpy(r->data, (uint8_t *)data + sizeof(r->hdr), r->size < PKT_MAX ? r->size : PKT_MAX);
	return 0;
}

static inline int ring_open(enum env_id id)
{
	struct env *e = &g_env[id];

	if (e->ring)
		return 0;
	e->ring = ring_buffer__new(e->nif->dp.map_fd[DP_EXC_RING], on_exc_record, NULL, NULL);
	return e->ring ? 0 : -errno;
}

static inline void ring_drain(enum env_id id)
{
	if (g_env[id].ring)
		ring_buffer__consume(g_env[id].ring);
	g_nrecs = 0;
	g_rec_total = 0;
}

static inline int row_teardown(void **state)
{
	struct rowctx *c = *state;
	struct netif_extack ext = { 0 };
	const struct row *r;
	int i;

	if (!c)
		return 0;
	r = c->r;
	if (r->undo)
		r->undo(c);
	for (i = 0; i < c->nflows; i++)
		flow_del(c->nif, c->uuid[i], &ext);
	if (r->xsk)
		xsk_unregister(c->nif);
	if (r->cfg_flags)
		cfg_flags_set(c->nif, 0);
	nexus_set_default_action(c->nif, NETIF_ACTION_PASS, &ext);
	nexus_set_vlan_policy(c->nif, NETIF_VLAN_DEFAULT, &ext);
	ring_drain(r->env);
	free(c);
	*state = NULL;
	return 0;
}

/*
 * cmocka runs no teardown after a failed setup, so a setup that fails
 * undoes itself: the next row must find the netif as the group left it.
 */
static inline int row_setup(void **state)
{
	const struct row *r = *state;
	struct netif *nif = g_env[r->env].nif;
	struct netif_extack ext = { 0 };
	struct rowctx *c;
	int i;

	if (!nif)
		return -1;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -1;
	c->r = r;
	c->nif = nif;
	*state = c;
	if (r->default_action && nexus_set_default_action(nif, r->default_action, &ext))
		goto fail;
	if (r->vlan_policy && nexus_set_vlan_policy(nif, r->vlan_policy, &ext))
		goto fail;
	if (r->cfg_flags && cfg_flags_set(nif, r->cfg_flags))
		goto fail;
	if (r->xsk && xsk_register(nif)) {
		print_error("no AF_XDP socket to register\n");
		goto fail;
	}
	if (r->pre && r->pre(c))
		goto fail;
	for (i = 0; i < MAX_FLOWS && r->flows[i].type; i++) {
		if (flow_install(nif, &r->flows[i], c->uuid[i]))
			goto fail;
		c->nflows++;
	}
	if (r->egress && ring_open(r->env))
		goto fail;
	ring_drain(r->env);
	if (r->prep && r->prep(c))
		goto fail;
	return 0;
fail:
	print_error("setup of \"%s\" failed\n", r->name);
	row_teardown(state);
	return -1;
}

static inline bool check_flows(struct rowctx *c, uint32_t len)
{
	const struct row *r = c->r;
	bool ok = true;
	int i;

	for (i = 0; i < c->nflows; i++) {
		struct flow_rec *rec = flow_find(c->nif, c->uuid[i]);
		struct netif_flow_stats fst = { 0 };
		uint64_t want = r->match == F(i);
		/* a flow's drops are all of its frames dropped, whatever the reason */
		uint64_t drops = want && r->verdict == (r->egress ? TC_ACT_SHOT : XDP_DROP);

		if (!rec || flow_counters(c->nif, rec, &fst)) {
			print_error("flow %d: cannot read its counters\n", i);
			ok = false;
			continue;
		}
		if (fst.packets != want || fst.bytes != want * len || fst.drops != drops ||
		    fst.rate_limited != 0) {
			print_error("flow %d counted %llu packets %llu bytes %llu drops %llu rate-limited, "
				    "expected %llu/%llu/%llu/0\n",
				    i, (unsigned long long)fst.packets, (unsigned long long)fst.bytes,
				    (unsigned long long)fst.drops, (unsigned long long)fst.rate_limited,
				    (unsigned long long)want, (unsigned long long)(want * len),
				    (unsigned long long)drops);
			ok = false;
		}
	}
	return ok;
}

static inline bool check_slots(struct rowctx *c, const struct slot_stats *b,
			       const struct slot_stats *a, uint32_t len)
{
	const struct row *r = c->r;
	struct llink_table *t = c->nif->llinks;
	const struct qref q = row_qset(r);
	uint32_t want_q = r->llink == LL_NONE || r->qset_none ? 0 : qset_id_of(c->nif, q.link, q.idx);
	bool ok = true;
	int i;

	if (r->llink != LL_NONE && !llink_by_id(c->nif, (uint64_t)r->llink)) {
		print_error("row names llink %lld, which does not exist\n", (long long)r->llink);
		return false;
	}
	for (i = 0; i < NETIF_MAX_LLINKS; i++) {
		uint64_t want, pk, by;

		if (!t->ll_used[i])
			continue;
		want = r->llink != LL_NONE && t->ll[i].link_id == (uint64_t)r->llink;
		pk = r->egress ? a->ll[i].tx_packets - b->ll[i].tx_packets
			       : a->ll[i].rx_packets - b->ll[i].rx_packets;
		by = r->egress ? a->ll[i].tx_bytes - b->ll[i].tx_bytes
			       : a->ll[i].rx_bytes - b->ll[i].rx_bytes;
		if (pk != want || by != want * len) {
			print_error("llink %llu counted %llu packets %llu bytes, expected %llu\n",
				    (unsigned long long)t->ll[i].link_id, (unsigned long long)pk,
				    (unsigned long long)by, (unsigned long long)want);
			ok = false;
		}
	}
	for (i = 0; i < NETIF_MAX_QSETS; i++) {
		uint64_t want, pk;

		if (!t->qs_used[i])
			continue;
		want = want_q && t->qs[i].id == want_q;
		pk = r->egress ? a->qs[i].tx_packets - b->qs[i].tx_packets
			       : a->qs[i].rx_packets - b->qs[i].rx_packets;
		if (pk != want || a->qs[i].drops != b->qs[i].drops) {
			print_error("qset 0x%x counted %llu packets, expected %llu\n", t->qs[i].id,
				    (unsigned long long)pk, (unsigned long long)want);
			ok = false;
		}
	}
	return ok;
}

static inline uint16_t internal_of(struct netif *nif, int64_t link)
{
	const struct netif_llink *ll = llink_by_id(nif, (uint64_t)link);

	return ll ? ll->internal_id : 0;
}

static inline uint32_t flow_id_of(struct rowctx *c, int which)
{
	struct flow_rec *rec;

	if (which == NO_MATCH)
		return NETIF_NO_FLOW;
	rec = flow_find(c->nif, c->uuid[which - 1]);
	return rec ? rec->flow_id : NETIF_NO_FLOW - 1;
}

static inline bool check_meta(struct rowctx *c, const struct xdp_out *o, const struct pkt *p)
{
	const struct meta_exp *m = &c->r->meta;
	struct netif_xdp_meta meta;

	if (o->meta != sizeof(meta) || o->len != sizeof(meta) + p->len) {
		print_error("frame came out with %u bytes of metadata and %u in all\n", o->meta, o->len);
		return false;
	}
	memcpy(&meta, o->data, sizeof(meta));
	if (meta.magic != NETIF_XDP_META_MAGIC || meta.reason != m->reason ||
	    meta.action != m->action || meta.port != m->port ||
	    meta.flow_id != flow_id_of(c, m->flow) || meta.llink != internal_of(c->nif, m->llink) ||
	    meta.pad[0] || meta.pad[1] || meta.pad[2]) {
		print_error("metadata magic %#x reason %u action %u port %u flow %u llink %u\n",
			    meta.magic, meta.reason, meta.action, meta.port, meta.flow_id, meta.llink);
		return false;
	}
	if (memcmp(o->data + sizeof(meta), p->data, p->len)) {
		print_error("the frame behind the metadata changed\n");
		return false;
	}
	return true;
}

static inline bool check_exc(struct rowctx *c, const struct tc_out *o, const struct pkt *p)
{
	const struct exc_exp *x = &c->r->exc;
	const struct exc_rec *rec;

	ring_buffer__consume(g_env[c->r->env].ring);
	if (!x->want) {
		if (g_rec_total) {
			print_error("%llu unexpected exception record(s)\n", (unsigned long long)g_rec_total);
			return false;
		}
		return true;
	}
	if (g_rec_total != 1) {
		print_error("%llu exception records, expected 1\n", (unsigned long long)g_rec_total);
		return false;
	}
	rec = &g_recs[0];
	if (rec->hdr.len != p->len || rec->size != p->len || rec->hdr.reason != x->reason ||
	    rec->hdr.flow_id != flow_id_of(c, x->flow) ||
	    rec->hdr.llink != internal_of(c->nif, x->llink) || rec->hdr.ifindex != o->skb.ifindex) {
		print_error("record len %u (%u copied) reason %u flow %u llink %u ifindex %u\n",
			    rec->hdr.len, rec->size, rec->hdr.reason, rec->hdr.flow_id, rec->hdr.llink,
			    rec->hdr.ifindex);
		return false;
	}
	if (memcmp(rec->data, p->data, p->len)) {
		print_error("the recorded bytes differ from the packet\n");
		return false;
	}
	return true;
}

static const struct stat_exp base_in[] = { ST(rx_packets, 1), ST(rx_bytes, V_LEN) };
static const struct stat_exp base_out[] = { ST(tx_packets, 1), ST(tx_bytes, V_LEN) };

static inline void run_row(void **state)
{
	struct rowctx *c = *state;
	const struct row *r = c->r;
	struct netif_stats before, after;
	static struct slot_stats sb, sa;
	static struct xdp_out xo;
	struct tc_out to;
	struct pkt p;
	bool ok = true;
	int verdict;

	pkt_build(&r->pkt, r->egress, &p);
	assert_int_equal(read_stats(c->nif, &before), 0);
	read_slot_stats(c->nif, &sb);
	if (r->egress) {
		assert_int_equal(run_tc(c->nif, &p, r->prio, 1, &to), 0);
		verdict = to.verdict;
	} else {
		assert_int_equal(run_xdp(c->nif, &p, r->pre_meta, &xo), 0);
		verdict = xo.verdict;
	}
	assert_int_equal(read_stats(c->nif, &after), 0);
	read_slot_stats(c->nif, &sa);

	if (verdict != r->verdict) {
		print_error("verdict %d, expected %d\n", verdict, r->verdict);
		ok = false;
	}
	ok &= stats_check(&before, &after, r->egress ? base_out : base_in, 2, r->st, MAX_ST, p.len);
	ok &= check_flows(c, p.len);
	ok &= check_slots(c, &sb, &sa, p.len);
	if (r->egress) {
		uint32_t want = r->out_prio ? (uint32_t)r->out_prio : r->prio;

		if (to.skb.priority != want) {
			print_error("skb->priority %u out, expected %u\n", to.skb.priority, want);
			ok = false;
		}
		ok &= check_exc(c, &to, &p);
	} else if (r->meta.want) {
		ok &= check_meta(c, &xo, &p);
	} else if (xo.meta != r->pre_meta || xo.len != r->pre_meta + p.len ||
		   memcmp(xo.data + xo.meta, p.data, p.len)) {
		/* nothing but an exception may touch the frame */
		print_error("frame changed: %u bytes of metadata, %u in all\n", xo.meta, xo.len);
		ok = false;
	}
	assert_true(ok);
}

/* One cmocka test per row, named after it, so the TAP output counts rows. */
static inline void add_rows(struct CMUnitTest *t, size_t *n, const struct row *rows, size_t nrows)
{
	size_t i;

	for (i = 0; i < nrows; i++) {
		t[*n].name = rows[i].name;
		t[*n].test_func = run_row;
		t[*n].setup_func = row_setup;
		t[*n].teardown_func = row_teardown;
		t[*n].initial_state = (void *)&rows[i];
		(*n)++;
	}
}

static inline void add_test(struct CMUnitTest *t, size_t *n, const char *name,
			    CMUnitTestFunction fn, void *state)
{
	t[*n].name = name;
	t[*n].test_func = fn;
	t[*n].setup_func = NULL;
	t[*n].teardown_func = NULL;
	t[*n].initial_state = state;
	(*n)++;
}

/* ---- llink fixtures shared by the XDP and TC rows -------------------------- */

#define LINK100 100
#define LINK400 400

/* The hinted qset goes away with its llink: the flow's hint is stale now. */
static inline int prep_remove400(struct rowctx *c)
{
	struct netif_extack ext = { 0 };

	return llink_remove(c->nif, LINK400, &ext) ? -1 : 0;
}

static inline void undo_remove400(struct rowctx *c)
{
	struct netif_extack ext = { 0 };

	if (llink_by_id(c->nif, LINK400))
		llink_remove(c->nif, LINK400, &ext);
}

/*
 * llink_remove() marks the VLAN entry destroyed only for the instant before
 * it clears it; freeze that instant by writing the state by hand.
 */
static inline int prep_destroyed100(struct rowctx *c)
{
	struct netif_llink_rx rx;
	__u32 key = 100;
	int fd = c->nif->dp.map_fd[DP_VLANS];

	if (bpf_map_lookup_elem(fd, &key, &rx) || !rx.internal_id)
		return -1;
	memcpy(c->saved, &rx, sizeof(rx));
	c->aux = 1;
	rx.state = NETIF_LLINK_STATE_DESTROYED;
	return bpf_map_update_elem(fd, &key, &rx, BPF_ANY) ? -1 : 0;
}

static inline void undo_destroyed100(struct rowctx *c)
{
	__u32 key = 100;

	if (c->aux)
		bpf_map_update_elem(c->nif->dp.map_fd[DP_VLANS], &key, c->saved, BPF_ANY);
}

/* ---- token buckets --------------------------------------------------------- */

/* The cost the program charges for a frame of len bytes, in ns. */
static inline uint64_t bucket_cost(const struct netif_bucket *b, uint32_t len)
{
	return ((uint64_t)len * b->mult) >> b->shift;
}

/*
 * The bucket model (bpf/bucket.bpf.h) replayed on the bucket's own state.
 * The program decided at a time t the test cannot see, but t lies in
 * [t0 - slack, t1] (the coarse clock lags by at most slack, the precise one
 * is inside the run): a bucket with tat < t0 - slack + depth must admit,
 * one with tat >= t1 + depth must refuse. A refused packet leaves tat
 * alone; an admitted one adds its cost to tat, or refills a full bucket
 * (tat < t) to t + cost. The fixed-point cost must be len * 8 bits at the
 * rate, to the nanosecond.
 */
static inline bool bucket_expect(const struct netif_bucket *b0, const struct netif_bucket *b1,
				 uint64_t t0, uint64_t t1, uint32_t len, bool passed)
{
	uint64_t cost = bucket_cost(b0, len), lo = t0 - b0->slack_ns;
	uint64_t exact = (uint64_t)len * 8 * 1000000000ULL / b0->rate;
	bool ok = true;

	if (cost + 1 < exact || cost > exact + 1) {
		print_error("a %u-byte frame costs %llu ns, %llu at the rate\n", len,
			    (unsigned long long)cost, (unsigned long long)exact);
		ok = false;
	}
	if (passed && b0->tat_ns >= t1 + b0->depth_ns) {
		print_error("packet passed with tat %llu, at least one depth after the run (%llu)\n",
			    (unsigned long long)b0->tat_ns, (unsigned long long)t1);
		ok = false;
	}
	if (!passed && b0->tat_ns < lo + b0->depth_ns) {
		print_error("packet dropped with %lld ns of credit\n",
			    (long long)(lo + b0->depth_ns - b0->tat_ns));
		ok = false;
	}
	if (!passed && b1->tat_ns != b0->tat_ns) {
		print_error("a dropped packet moved tat from %llu to %llu\n",
			    (unsigned long long)b0->tat_ns, (unsigned long long)b1->tat_ns);
		ok = false;
	}
	if (passed && b1->tat_ns != b0->tat_ns + cost) {
		uint64_t t = b1->tat_ns - cost;

		/* a refill: the bucket was full at t, and t was during the run */
		if (t < lo || t > t1 || b0->tat_ns >= t) {
			print_error("tat went from %llu to %llu: neither charged %llu nor refilled "
				    "during the run [%llu, %llu]\n",
				    (unsigned long long)b0->tat_ns, (unsigned long long)b1->tat_ns,
				    (unsigned long long)cost, (unsigned long long)lo,
				    (unsigned long long)t1);
			ok = false;
		}
	}
	return ok;
}


enum rl_where { RL_INPUT, RL_FLOW, RL_QSET };

struct rate_case {
	const char *name;
	bool egress;
	enum rl_where where;
	uint64_t rate, burst;     /* bits/s, bytes (0: the agent's default) */
	uint16_t size;            /* frame length */
	unsigned int burst_pkts;  /* sent back to back */
	unsigned int sleep_ms;    /* then this long idle before probing the refill */
};

/* An llink whose default qset polices ingress, for RL_QSET. */
#define RL_QSET_LINK 300
#define RL_QSET_VLAN 300

/* One frame; returns false on a model mismatch (printed). */
static inline bool rate_step(struct netif *nif, bool egress, int32_t bucket, const struct pkt *p,
			     bool *passed)
{
	struct netif_bucket b0 = { 0 }, b1 = { 0 };
	struct tc_out to;
	static struct xdp_out xo;
	uint64_t t0, t1;
	bool ok = true;
	int err, v;

	if (bucket >= 0 && bucket_read(&nif->dp, bucket, &b0))
		return false;
	t0 = mono_ns();
	err = egress ? run_tc(nif, p, 0, 1, &to) : run_xdp(nif, p, 0, &xo);
	t1 = mono_ns();
	if (err) {
		print_error("BPF_PROG_RUN: %s\n", strerror(-err));
		return false;
	}
	v = egress ? to.verdict : xo.verdict;
	*passed = v == (egress ? TC_ACT_OK : XDP_PASS);
	if (!*passed && v != (egress ? TC_ACT_SHOT : XDP_DROP)) {
		print_error("verdict %d is neither pass nor drop\n", v);
		return false;
	}
	if (bucket >= 0) {
		if (bucket_read(&nif->dp, bucket, &b1))
			return false;
		ok = bucket_expect(&b0, &b1, t0, t1, p->len, *passed);
	}
	return ok;
}

static inline void run_rate(void **state)
{
	const struct rate_case *rc = *state;
	struct netif *nif = g_env[ENV_NORMAL].nif;
	struct netif_extack ext = { 0 };
	struct pkt_def pd = { .l3 = 4, .proto = IPPROTO_UDP, .size = rc->size };
	struct flow_def fd = {
		.type = NETIF_FLOW_TUPLE,
		.dir = rc->egress ? NETIF_DIR_OUT : NETIF_DIR_IN,
		.proto = IPPROTO_UDP,
		.dport = PORT(rc->egress ? REMOTE_PORT : LOCAL_PORT),
		.rate = rc->rate,
		.burst = rc->burst,
	};
	struct netif_stats before, after;
	struct netif_flow_stats fst = { 0 };
	struct netif_qset_stats qb = { 0 }, qa = { 0 };
	struct netif_bucket b = { 0 };
	uint8_t uuid[16];
	bool have_flow = false, have_llink = false, ok = true, passed = true;
	int32_t bucket = -1;
	uint16_t qslot = 0;
	unsigned int i, n = 0, passes = 0, drops = 0, fit = 0, extra = 0;
	uint64_t first = 0, last = 0, cost = 0;
	struct pkt p;

	assert_non_null(nif);
	switch (rc->where) {
	case RL_INPUT:
		assert_int_equal(nexus_set_input_rate(nif, rc->rate, rc->burst, &ext), 0);
		if (rc->rate)
			bucket = NETIF_BUCKET_INPUT;
		break;
	case RL_FLOW:
		assert_int_equal(flow_install(nif, &fd, uuid), 0);
		have_flow = true;
		if (rc->rate)
			bucket = NETIF_BUCKET_FLOW_BASE + flow_find(nif, uuid)->flow_id;
		break;
	case RL_QSET: {
		struct llink_config lc = {
			.link_id = RL_QSET_LINK, .has_vlan = true, .vlan = RL_QSET_VLAN, .nqsets = 1,
			.qsets[0] = { .flags = NETIF_QSET_F_DEFAULT, .n_rx = 1, .n_tx = 1,
				      .rate = rc->rate, .burst = rc->burst },
		};

		assert_int_equal(llink_add(nif, &lc, &ext), 0);
		have_llink = true;
		qslot = qset_find(nif, qset_id_of(nif, RL_QSET_LINK, 0))->slot;
		if (rc->rate)
			bucket = NETIF_BUCKET_QSET_BASE + qslot;
		pd.vlan[0].tpid = ETH_P_8021Q;
		pd.vlan[0].vid = RL_QSET_VLAN;
		break;
	}
	}
	pkt_build(&pd, rc->egress, &p);
	if (bucket >= 0 && bucket_read(&nif->dp, bucket, &b) == 0) {
		cost = bucket_cost(&b, p.len);
		/* credit > 0 admits: a full bucket takes this many, the last one on overdraft */
		fit = (b.depth_ns + cost - 1) / cost;
	} else if (bucket >= 0) {
		ok = false;
	}
	read_stats(nif, &before);
	dp_percpu_sum(nif->dp.map_fd[DP_QSET_STATS], qslot, (uint64_t *)&qb, sizeof(qb) / 8);

	first = mono_ns();
	for (i = 0; ok && i < rc->burst_pkts; i++, n++) {
		ok = rate_step(nif, rc->egress, bucket, &p, &passed);
		passes += passed;
		drops += !passed;
	}
	last = mono_ns();
	if (ok && bucket >= 0) {
		/*
		 * Back to back a full bucket admits exactly "fit" frames, plus
		 * what the run earns while it lasts and what the coarse clock's
		 * lag adds to the first refill (the model check above holds
		 * either way).
		 */
		unsigned int earned = (last - first + b.slack_ns) / cost + 1;

		if (passes < fit || passes > fit + earned) {
			print_error("%u of %u frames passed in a burst, expected %u (+%u)\n", passes,
				    rc->burst_pkts, fit, earned);
			ok = false;
		}
		if (!drops) {
			print_error("nothing was dropped in a burst of %u\n", rc->burst_pkts);
			ok = false;
		}
		usleep(rc->sleep_ms * 1000);
		for (i = 0; ok && i < 64; i++, n++) {
			ok = rate_step(nif, rc->egress, bucket, &p, &passed);
			passes += passed;
			drops += !passed;
			if (!passed) {
				n++;
				break;
			}
			extra++;
		}
		/* an idle spell of sleep_ms refills at least one frame's worth */
		if (ok && (extra < 1 || passed)) {
			print_error("after %u ms idle %u more frame(s) passed%s\n", rc->sleep_ms, extra,
				    passed ? " and none was dropped" : "");
			ok = false;
		}
	} else if (ok && drops) {
		print_error("%u frames dropped without a rate\n", drops);
		ok = false;
	}
	read_stats(nif, &after);
	dp_percpu_sum(nif->dp.map_fd[DP_QSET_STATS], qslot, (uint64_t *)&qa, sizeof(qa) / 8);
	if (have_flow)
		flow_counters(nif, flow_find(nif, uuid), &fst);

	if (ok) {
		struct stat_exp exp[MAX_ST] = { 0 };
		int k = 0;

#define EXP(f, v) (exp[k++] = (struct stat_exp)ST(f, (int64_t)(v)))
		if (rc->egress) {
			EXP(tx_packets, n);
			EXP(tx_bytes, (uint64_t)n * p.len);
			EXP(tx_flow_found, n);
			EXP(def_qset_used, n);
			EXP(tx_drop_rate_limited, drops);
			EXP(tx_drop, drops);
		} else {
			unsigned int classified = rc->where == RL_INPUT ? passes : n;

			EXP(rx_packets, n);
			EXP(rx_bytes, (uint64_t)n * p.len);
			EXP(def_qset_used, classified);
			if (rc->where == RL_FLOW)
				EXP(flow_found, classified);
			else
				EXP(flow_not_found, classified);
			if (rc->where == RL_QSET)
				EXP(rx_vlan, n);
			EXP(pass, passes);
			EXP(drop_rate_limited, drops);
			EXP(drop, drops);
		}
#undef EXP
		ok = stats_check(&before, &after, NULL, 0, exp, MAX_ST, p.len);
		if (have_flow && (fst.packets != n || fst.drops != drops || fst.rate_limited != drops)) {
			print_error("flow counted %llu packets %llu drops %llu rate-limited, expected %u/%u/%u\n",
				    (unsigned long long)fst.packets, (unsigned long long)fst.drops,
				    (unsigned long long)fst.rate_limited, n, drops, drops);
			ok = false;
		}
		if (rc->where == RL_QSET && (qa.drops - qb.drops != drops || qa.rx_packets - qb.rx_packets != n)) {
			print_error("qset counted %llu packets %llu drops, expected %u/%u\n",
				    (unsigned long long)(qa.rx_packets - qb.rx_packets),
				    (unsigned long long)(qa.drops - qb.drops), n, drops);
			ok = false;
		}
	}

	if (rc->where == RL_INPUT)
		nexus_set_input_rate(nif, 0, 0, &ext);
	if (have_flow)
		flow_del(nif, uuid, &ext);
	if (have_llink)
		llink_remove(nif, RL_QSET_LINK, &ext);
	assert_true(ok);
}

static inline void add_rates(struct CMUnitTest *t, size_t *n, const struct rate_case *rc, size_t nrc)
{
	size_t i;

	for (i = 0; i < nrc; i++)
		add_test(t, n, rc[i].name, run_rate, (void *)&rc[i]);
}

#endif /* NETIF_TEST_BPF_PKT_H */
