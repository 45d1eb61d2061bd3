// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The BPF_PROG_RUN harness: building frames, running them, checking counters (see pkt.h). */
#include "pkt.h"

const uint8_t MAC_NIF[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };
const uint8_t MAC_REMOTE[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 };
const uint8_t MAC_FOREIGN[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x99 };
const uint8_t MAC_BROADCAST[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
const uint8_t MAC_MDNS4[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb };
const uint8_t MAC_ALLNODES6[6] = { 0x33, 0x33, 0x00, 0x00, 0x00, 0x01 };
struct env g_env[ENV__MAX];
int env_open(enum env_id id, const char *ifname, int ifindex)
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

void env_close(enum env_id id)
{
	struct env *e = &g_env[id];

	if (e->ring)
		ring_buffer__free(e->ring);
	if (e->nif)
		nexus_destroy(&e->ag, e->nif);
	memset(e, 0, sizeof(*e));
}

uint64_t mono_ns(void)
{
	struct timespec ts;

	/* the clock bpf_ktime_get_ns() reads */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void mac_of(enum mac_kind k, bool ours, uint8_t out[6])
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

static void put16(uint8_t *b, uint16_t v)
{
	b[0] = v >> 8;
	b[1] = v & 0xff;
}

/* Length of an IPv6 extension header as built here: several sizes, so a wrong length rule shows. */
static uint32_t ext_len(uint8_t type, uint8_t *hdrlen)
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

static int addr_parse(const char *s, uint32_t out[4], uint8_t *family)
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

void pkt_build(const struct pkt_def *d, bool egress, struct pkt *p)
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

static int xdp_caps_run(int fd, uint32_t meta, bool with_ctx)
{
	static uint8_t in[256 + 64];
	struct xdp_md md = { .data = meta, .data_end = meta + 64 };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = in, .data_size_in = meta + 64, .repeat = 1);

	if (with_ctx) {
		o.ctx_in = &md;
		o.ctx_size_in = sizeof(md);
	}
	return bpf_prog_test_run_opts(fd, &o);
}

const struct xdp_caps *xdp_caps(void)
{
	static const struct bpf_insn pass[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = XDP_PASS },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	static struct xdp_caps caps;
	static bool probed;
	uint32_t m;
	int fd;

	if (probed)
		return &caps;
	probed = true;
	fd = bpf_prog_load(BPF_PROG_TYPE_XDP, "caps", "GPL", pass, 2, NULL);
	if (fd < 0)
		return &caps;
	caps.ctx = xdp_caps_run(fd, 0, true) == 0;
	for (m = 252; caps.ctx && m >= 4; m -= 4)
		if (xdp_caps_run(fd, m, true) == 0) {
			caps.meta_max = m;
			break;
		}
	close(fd);
	return &caps;
}

/* One packet through netif_xdp, preceded by METALEN bytes of XDP metadata. */
int run_xdp_meta(struct netif *nif, const struct pkt *p, const void *meta,
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
	if (!xdp_caps()->ctx) {
		/* before 5.14: no metadata in, none out (data_out starts at the frame) */
		if (metalen)
			return -EOPNOTSUPP;
		o.ctx_in = o.ctx_out = NULL;
		o.ctx_size_in = o.ctx_size_out = 0;
	}
	err = bpf_prog_test_run_opts(nif->dp.xdp_prog_fd, &o);
	if (err)
		return -errno;
	out->verdict = o.retval;
	out->len = o.data_size_out;
	out->meta = o.ctx_in ? md_out.data - md_out.data_meta : 0;
	return 0;
}

/* The same with PRE_META bytes of junk metadata (0xa5) in front. */
int run_xdp(struct netif *nif, const struct pkt *p, uint32_t pre_meta,
			  struct xdp_out *out)
{
	uint8_t junk[256];

	memset(junk, 0xa5, pre_meta);
	return run_xdp_meta(nif, p, junk, pre_meta, out);
}

/*
 * One packet through netif_tc. BPF_PROG_RUN on 6.18 takes mark, priority,
 * ingress_ifindex, ifindex, cb, tstamp, wire_len, gso_segs, gso_size and
 * hwtstamp from ctx_in (any other field non-zero: EINVAL, queue_mapping
 * included) and reports the skb's mark, priority, ingress_ifindex,
 * ifindex, tstamp, cb, wire_len, gso_segs and hwtstamp back. queue_mapping
 * never comes out: test_tc_live.c looks at the queue a packet leaves on.
 */
int run_tc(struct netif *nif, const struct pkt *p, uint32_t priority, uint32_t repeat,
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

const struct netif_llink *llink_by_id(struct netif *nif, uint64_t link_id)
{
	int i;

	if (!nif->llinks)
		return NULL;
	for (i = 0; i < NETIF_MAX_LLINKS; i++)
		if (nif->llinks->ll_used[i] && nif->llinks->ll[i].link_id == link_id)
			return &nif->llinks->ll[i];
	return NULL;
}

uint32_t qset_id_of(struct netif *nif, uint64_t link, uint8_t idx)
{
	const struct netif_llink *ll = llink_by_id(nif, link);

	return ll && idx < ll->nqsets ? ll->qsets[idx] : 0;
}

/* The flow_spec flow_spec_from_attr() would hand flow_add() for this request. */
int flow_add_now(struct netif *nif, struct flow_spec *fs, struct netif_extack *ext)
{
	struct txn t;
	int err;

	txn_init(&t);
	err = flow_add(nif, fs, &t, ext);
	if (err)
		txn_abort(&t);
	else
		txn_commit(&t);
	return err;
}

int flow_install(struct netif *nif, const struct flow_def *d, uint8_t uuid[16])
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
	err = flow_add_now(nif, &fs, &ext);
	if (err) {
		fprintf(stderr, "# flow_add: %s: %s\n", strerror(-err), ext.msg);
		return err;
	}
	memcpy(uuid, fs.uuid, 16);
	return 0;
}

const char *const stat_names[] = { NETIF_STATS_LIST(STAT_NAME) };
int read_stats(struct netif *nif, struct netif_stats *st)
{
	return dp_read_stats(&nif->dp, st);
}

/* Compare every counter's change with the expectation; print all mismatches. */
bool stats_check(const struct netif_stats *before, const struct netif_stats *after,
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

void read_slot_stats(struct netif *nif, struct slot_stats *s)
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

