/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Harness of the BPF_PROG_RUN tier: this header holds the row and frame
 * types; pkt.c (frames, runs, flows, counters), rows.c (the row runner)
 * and rates.c (token-bucket cases) are linked into every tests/bpf/test_*.
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
#include "userspace/netifd/txn.h"
#include "userspace/netifd/liveness.h"
#include "userspace/netifd/xsk.h"
#include "userspace/netifd/features.h"

#ifndef IPPROTO_MH
#define IPPROTO_MH 135
#endif

/* ---- test netifs ---------------------------------------------------------- */

/* A device index no interface has: nothing may ever be attached by accident. */
#define TEST_IFINDEX 0x7ffff000
#define TEST_TX_QUEUES 4

extern const uint8_t MAC_NIF[6];
extern const uint8_t MAC_REMOTE[6];
extern const uint8_t MAC_FOREIGN[6];
extern const uint8_t MAC_BROADCAST[6];
extern const uint8_t MAC_MDNS4[6];
extern const uint8_t MAC_ALLNODES6[6];

enum env_id { ENV_NORMAL = 0, ENV_LL, ENV__MAX };

struct env {
	struct agent ag;
	struct netif *nif;
	struct ring_buffer *ring; /* egress exception records (TC) */
};

extern struct env g_env[ENV__MAX];

int env_open(enum env_id id, const char *ifname, int ifindex);

void env_close(enum env_id id);

uint64_t mono_ns(void);

/* ---- frames --------------------------------------------------------------- */

#define PKT_MAX 66000 /* BPF_PROG_RUN takes about 3.5 KB; the live tests up to 64 KiB + 1 */

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
	uint32_t size;                  /* pad the frame to this length */
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

void pkt_build(const struct pkt_def *d, bool egress, struct pkt *p);

/* ---- what this kernel's BPF_PROG_RUN takes ----------------------------------- */

/*
 * An XDP test context (struct xdp_md: metadata in and out, rx queue) needs
 * Linux 5.14. The metadata in front of a test frame is at most 32 bytes
 * before 6.8 (as is all a program may have: bpf_xdp_adjust_meta); from 6.8
 * it reaches the struct xdp_frame at the top of the headroom (216 bytes).
 * Probed with a program that passes everything.
 */
struct xdp_caps {
	bool ctx;
	uint32_t meta_max;
};

/* Probed once per process with a program that passes everything. */
const struct xdp_caps *xdp_caps(void);

/* Skip the running test, saying why (cmocka's skip() takes no reason). */
#define skip_unless(cond, why)                                   \
	do {                                                     \
		if (!(cond)) {                                   \
			print_message("# skipped: %s\n", why);   \
			skip();                                  \
		}                                                \
	} while (0)

#define NEEDS_XDP_CTX "BPF_PROG_RUN takes no XDP context (metadata) before Linux 5.14"
#define NEEDS_REINJECT "no re-injection on this kernel (user ring buffer, live frames: Linux 6.1)"

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
int run_xdp_meta(struct netif *nif, const struct pkt *p, const void *meta,
			       uint32_t metalen, struct xdp_out *out);

/* The same with PRE_META bytes of junk metadata (0xa5) in front. */
int run_xdp(struct netif *nif, const struct pkt *p, uint32_t pre_meta,
			  struct xdp_out *out);

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
int run_tc(struct netif *nif, const struct pkt *p, uint32_t priority, uint32_t repeat,
			 struct tc_out *out);

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

/* The flow_spec flow_spec_from_attr() would hand flow_add() for this request. */
const struct netif_llink *llink_by_id(struct netif *nif, uint64_t link_id);
uint32_t qset_id_of(struct netif *nif, uint64_t link, uint8_t idx);
/* flow_add() as a transaction of its own: committed, or undone on error. */
int flow_add_now(struct netif *nif, struct flow_spec *fs, struct netif_extack *ext);
int flow_install(struct netif *nif, const struct flow_def *d, uint8_t uuid[16]);

/* ---- counters -------------------------------------------------------------- */

#define STAT_NAME(n) #n,
extern const char *const stat_names[];

/* An expected counter change; idx is 1-based so a zeroed entry ends the list. */
struct stat_exp {
	uint16_t idx;
	int64_t val;
};
#define ST(f, v) { offsetof(struct netif_stats, f) / sizeof(__u64) + 1, (v) }
#define V_LEN INT64_MIN /* the frame's length */
#define MAX_ST 12

int read_stats(struct netif *nif, struct netif_stats *st);

/* Compare every counter's change with the expectation; print all mismatches. */
bool stats_check(const struct netif_stats *before, const struct netif_stats *after,
			       const struct stat_exp *base, size_t nbase, const struct stat_exp *exp,
			       size_t nexp, uint64_t len);

/* Per-llink and per-qset counters of every slot in use, for before/after comparison. */
struct slot_stats {
	struct netif_llink_stats ll[NETIF_MAX_LLINKS];
	struct netif_qset_stats qs[NETIF_MAX_QSETS];
};

void read_slot_stats(struct netif *nif, struct slot_stats *s);

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
	const char *skip; /* the row cannot run on this kernel: why */
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
	uint8_t flags; /* NETIF_EXC_F_* of the record */
};

struct row {
	const char *name;
	enum env_id env;
	bool egress;
	struct pkt_def pkt;
	uint32_t prio;            /* egress: skb->priority in */
	uint8_t pre_meta;         /* ingress: metadata bytes the frame arrives with */
#define PRE_META_MAX 0xff          /* as much as BPF_PROG_RUN takes (xdp_caps) */
	struct flow_def flows[MAX_FLOWS];
	uint8_t default_action;
	uint8_t vlan_policy;
	uint8_t cfg_flags;        /* NETIF_CFG_F_* as netifd sets them when attached */
	bool xsk;                 /* an agent is there: an AF_XDP socket serves queue 0, heartbeat fresh */
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

extern struct xsk_queue *g_xsk;
/* Open g_xsk on ifname's queue 0, in a private network namespace of its own if asked. */
void xsk_fixture_open(const char *ifname, bool own_netns);
void xsk_fixture_close(void);
/*
 * Play the agent of nif's exception path as exception.c does: its socket
 * in xsks[0] and a heartbeat beat_age_ns old (0: fresh). agent_leave()
 * undoes both.
 */
int agent_enter(struct netif *nif, uint64_t beat_age_ns);
/* The agent beats again now (the liveness bound is a second). */
void agent_beat(void);
void agent_leave(struct netif *nif);

int cfg_flags_set(struct netif *nif, uint8_t flags);

/* Egress exception records collected from the ring. */
#define MAX_RECS 8
struct exc_rec {
	struct netif_exc_hdr hdr;
	uint8_t data[PKT_MAX];
	uint32_t size;
};
extern struct exc_rec g_recs[MAX_RECS];
extern unsigned int g_nrecs;
extern uint64_t g_rec_total;

int ring_open(enum env_id id);
void ring_drain(enum env_id id);

extern const struct stat_exp base_in[];
extern const struct stat_exp base_out[];

/* One cmocka test per row, named after it, so the TAP output counts rows. */
void add_rows(struct CMUnitTest *t, size_t *n, const struct row *rows, size_t nrows);

void add_test(struct CMUnitTest *t, size_t *n, const char *name,
			    CMUnitTestFunction fn, void *state);

/* ---- llink fixtures shared by the XDP and TC rows -------------------------- */

#define LINK100 100
#define LINK400 400

/* The hinted qset goes away with its llink: the flow's hint is stale now. */
int prep_remove400(struct rowctx *c);

void undo_remove400(struct rowctx *c);

/*
 * llink_remove() marks the VLAN entry destroyed only for the instant before
 * it clears it; freeze that instant by writing the state by hand.
 */
int prep_destroyed100(struct rowctx *c);

void undo_destroyed100(struct rowctx *c);

/* ---- token buckets --------------------------------------------------------- */

/* The cost the program charges for a frame of len bytes, in ns. */
static inline uint64_t bucket_cost(const struct netif_bucket *b, uint32_t len)
{
	return ((uint64_t)len * b->mult) >> b->shift;
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

void add_rates(struct CMUnitTest *t, size_t *n, const struct rate_case *rc, size_t nrc);

#endif /* NETIF_TEST_BPF_PKT_H */
