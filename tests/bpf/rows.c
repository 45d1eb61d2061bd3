// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Test rows: set-up, one frame through the program, every counter checked (see pkt.h). */
#include <sched.h>
#include "pkt.h"

struct xsk_queue *g_xsk; /* ingress exception rows' socket, when one could be made */
static struct qref row_qset(const struct row *r)
{
	struct qref q = r->qset;

	if (!q.set) {
		q.set = true;
		q.link = (uint64_t)r->llink;
		q.idx = 0; /* every llink of these tests has its default qset first */
	}
	return q;
}

void xsk_fixture_open(const char *ifname, bool own_netns)
{
	struct xskq_params xp = { .ifname = ifname, .queue_id = 0, .rx_slots = 64, .tx_slots = 64,
				  .buf_size = 2048 };
	bool zc;

	/*
	 * A private network namespace: the AF_XDP socket the exception rows
	 * need is bound to this namespace's loopback, nobody else's.
	 */
	if (own_netns && unshare(CLONE_NEWNET))
		fprintf(stderr, "# unshare(CLONE_NEWNET): %s; AF_XDP rows will fail\n", strerror(errno));
	else if (xskq_create(&xp, &g_xsk, &zc))
		fprintf(stderr, "# no AF_XDP socket on %s; AF_XDP rows will fail\n", ifname);
}

void xsk_fixture_close(void)
{
	if (g_xsk)
		xskq_destroy(g_xsk);
	g_xsk = NULL;
}

static struct liveness g_live;

int agent_enter(struct netif *nif, uint64_t beat_age_ns)
{
	__u32 key = 0;
	int fd, err;

	if (!g_xsk)
		return -ENODEV;
	fd = xskq_fd(g_xsk);
	/* exception.c does this when it activates the path on an attached netif */
	if (bpf_map_update_elem(nif->dp.map_fd[DP_XSKS], &key, &fd, BPF_ANY))
		return -errno;
	err = liveness_open(&g_live, nif->dp.map_fd[DP_AGENT_ALIVE]);
	if (err)
		return err;
	liveness_beat(&g_live, liveness_now() - beat_age_ns, true);
	return 0;
}

void agent_beat(void)
{
	liveness_beat(&g_live, liveness_now(), true);
}

void agent_leave(struct netif *nif)
{
	__u32 key = 0;

	liveness_close(&g_live);
	bpf_map_delete_elem(nif->dp.map_fd[DP_XSKS], &key);
}

int cfg_flags_set(struct netif *nif, uint8_t flags)
{
	/* exception_sync() does this once a chain or an exception flow exists on an attached netif */
	nif->cfg.flags = (nif->cfg.flags & NETIF_CFG_F_LOW_LATENCY) | flags;
	return dp_cfg_write(&nif->dp, &nif->cfg);
}

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

struct exc_rec g_recs[MAX_RECS];
unsigned int g_nrecs;
uint64_t g_rec_total;
int ring_open(enum env_id id)
{
	struct env *e = &g_env[id];

	if (e->ring)
		return 0;
	e->ring = ring_buffer__new(e->nif->dp.map_fd[DP_EXC_RING], on_exc_record, NULL, NULL);
	return e->ring ? 0 : -errno;
}

void ring_drain(enum env_id id)
{
	if (g_env[id].ring)
		ring_buffer__consume(g_env[id].ring);
	g_nrecs = 0;
	g_rec_total = 0;
}

static int row_teardown(void **state)
{
	struct rowctx *c = *state;
	struct netif_extack ext = { 0 };
	const struct row *r;
	int i;

	if (!c)
		return 0;
	r = c->r;
	if (c->skip) {
		free(c);
		*state = NULL;
		return 0;
	}
	if (r->undo)
		r->undo(c);
	for (i = 0; i < c->nflows; i++)
		flow_del(c->nif, c->uuid[i], &ext);
	if (r->xsk)
		agent_leave(c->nif);
	if (r->cfg_flags)
		cfg_flags_set(c->nif, 0);
	nexus_set_default_action(c->nif, NETIF_ACTION_PASS, &ext);
	nexus_set_vlan_policy(c->nif, NETIF_VLAN_DEFAULT, &ext);
	ring_drain(r->env);
	free(c);
	*state = NULL;
	return 0;
}

/* Ingress exceptions go back to the host stack: such rows need re-injection. */
static bool row_needs_reinject(const struct row *r)
{
	int i;

	if (r->default_action == NETIF_ACTION_EXCEPTION)
		return true;
	for (i = 0; i < MAX_FLOWS && r->flows[i].type; i++)
		if (r->flows[i].dir == NETIF_DIR_IN && r->flows[i].action == NETIF_ACTION_EXCEPTION)
			return true;
	return false;
}

/*
 * cmocka runs no teardown after a failed setup, so a setup that fails
 * undoes itself: the next row must find the netif as the group left it.
 */
static int row_setup(void **state)
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
	if (row_needs_reinject(r) && !features_has(NETIF_FEAT_REINJECT)) {
		/* netifd refuses such a netif here (features.c); nothing to set up */
		c->skip = NEEDS_REINJECT;
		return 0;
	}
	if (r->default_action && nexus_set_default_action(nif, r->default_action, &ext))
		goto fail;
	if (r->vlan_policy && nexus_set_vlan_policy(nif, r->vlan_policy, &ext))
		goto fail;
	if (r->cfg_flags && cfg_flags_set(nif, r->cfg_flags))
		goto fail;
	if (r->xsk && agent_enter(nif, 0)) {
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

static bool check_flows(struct rowctx *c, uint32_t len)
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

static bool check_slots(struct rowctx *c, const struct slot_stats *b,
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

static uint16_t internal_of(struct netif *nif, int64_t link)
{
	const struct netif_llink *ll = llink_by_id(nif, (uint64_t)link);

	return ll ? ll->internal_id : 0;
}

static uint32_t flow_id_of(struct rowctx *c, int which)
{
	struct flow_rec *rec;

	if (which == NO_MATCH)
		return NETIF_NO_FLOW;
	rec = flow_find(c->nif, c->uuid[which - 1]);
	return rec ? rec->flow_id : NETIF_NO_FLOW - 1;
}

static bool check_meta(struct rowctx *c, const struct xdp_out *o, const struct pkt *p)
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

static bool check_exc(struct rowctx *c, const struct tc_out *o, const struct pkt *p)
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
	    rec->hdr.llink != internal_of(c->nif, x->llink) || rec->hdr.ifindex != o->skb.ifindex ||
	    rec->hdr.flags != x->flags || rec->hdr.gso_size != 0) {
		print_error("record len %u (%u copied) reason %u flow %u llink %u ifindex %u flags %u gso %u\n",
			    rec->hdr.len, rec->size, rec->hdr.reason, rec->hdr.flow_id, rec->hdr.llink,
			    rec->hdr.ifindex, rec->hdr.flags, rec->hdr.gso_size);
		return false;
	}
	if (memcmp(rec->data, p->data, p->len)) {
		print_error("the recorded bytes differ from the packet\n");
		return false;
	}
	/*
	 * A BPF_PROG_RUN skb has no unfinished checksum: where the program can
	 * ask the skb (kfunc, 6.2) it says so, elsewhere it says "unknown".
	 */
	if (rec->hdr.csum != (features_has(NETIF_FEAT_KERN_CTX) ? NETIF_EXC_CSUM_DONE
								 : NETIF_EXC_CSUM_UNKNOWN)) {
		print_error("record checksum state %u\n", rec->hdr.csum);
		return false;
	}
	return true;
}

const struct stat_exp base_in[] = { ST(rx_packets, 1), ST(rx_bytes, V_LEN) };
const struct stat_exp base_out[] = { ST(tx_packets, 1), ST(tx_bytes, V_LEN) };
static void run_row(void **state)
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
	uint32_t pre_meta = r->pre_meta == PRE_META_MAX ? xdp_caps()->meta_max : r->pre_meta;

	skip_unless(!c->skip, c->skip);
	if (!r->egress)
		skip_unless(!r->pre_meta || xdp_caps()->ctx, NEEDS_XDP_CTX);
	pkt_build(&r->pkt, r->egress, &p);
	assert_int_equal(read_stats(c->nif, &before), 0);
	read_slot_stats(c->nif, &sb);
	if (r->egress) {
		assert_int_equal(run_tc(c->nif, &p, r->prio, 1, &to), 0);
		verdict = to.verdict;
	} else {
		assert_int_equal(run_xdp(c->nif, &p, pre_meta, &xo), 0);
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
	} else if (r->meta.want && !xdp_caps()->ctx) {
		/* verdict, counters and the frame are judged; the metadata cannot be seen */
		print_message("# metadata not checked: %s\n", NEEDS_XDP_CTX);
		ok &= xo.len == p.len && !memcmp(xo.data, p.data, p.len);
	} else if (r->meta.want) {
		ok &= check_meta(c, &xo, &p);
	} else if (xo.meta != pre_meta || xo.len != pre_meta + p.len ||
		   memcmp(xo.data + xo.meta, p.data, p.len)) {
		/* nothing but an exception may touch the frame */
		print_error("frame changed: %u bytes of metadata, %u in all\n", xo.meta, xo.len);
		ok = false;
	}
	assert_true(ok);
}

/* One cmocka test per row, named after it, so the TAP output counts rows. */
void add_rows(struct CMUnitTest *t, size_t *n, const struct row *rows, size_t nrows)
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

void add_test(struct CMUnitTest *t, size_t *n, const char *name,
			    CMUnitTestFunction fn, void *state)
{
	t[*n].name = name;
	t[*n].test_func = fn;
	t[*n].setup_func = NULL;
	t[*n].teardown_func = NULL;
	t[*n].initial_state = state;
	(*n)++;
}

/* The hinted qset goes away with its llink: the flow's hint is stale now. */
int prep_remove400(struct rowctx *c)
{
	struct netif_extack ext = { 0 };

	return llink_remove(c->nif, LINK400, &ext) ? -1 : 0;
}

void undo_remove400(struct rowctx *c)
{
	struct netif_extack ext = { 0 };

	if (llink_by_id(c->nif, LINK400))
		llink_remove(c->nif, LINK400, &ext);
}

/*
 * llink_remove() marks the VLAN entry destroyed only for the instant before
 * it clears it; freeze that instant by writing the state by hand.
 */
int prep_destroyed100(struct rowctx *c)
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

void undo_destroyed100(struct rowctx *c)
{
	__u32 key = 100;

	if (c->aux)
		bpf_map_update_elem(c->nif->dp.map_fd[DP_VLANS], &key, c->saved, BPF_ANY);
}
