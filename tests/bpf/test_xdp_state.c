// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * BPF_PROG_RUN tests of netif_xdp that are not table rows: each changes
 * the netif between runs (flows deleted or modified beside others, the
 * re-injection ring filled and drained) or hands the program what a row
 * cannot (a frame shorter than Ethernet). The rows are in test_xdp.c.
 */
#include <net/if.h>
#include "xdp_rows.h"
#include "userspace/netifd/txn.h"

/*
 * A frame shorter than Ethernet: BPF_PROG_RUN on 6.18 refuses anything
 * under ETH_HLEN (EINVAL, metadata or not), so the XDP program cannot be
 * handed one; the parse decision it would act on is checked in its
 * userspace build instead. If a kernel ever accepts such a frame, the
 * full verdict is checked.
 */
static void test_short_ethernet(void **state)
{
	struct netif *nif = g_env[ENV_NORMAL].nif;
	uint8_t frame[ETH_HLEN] = { 0x02, 0, 0, 0, 0, 1 };
	struct netif_stats before, after;
	uint32_t len;

	for (len = 0; len < ETH_HLEN; len++) {
		struct netif_pkt p = { 0 };

		assert_int_equal(netif_parse(frame, frame + len, &p), NETIF_PARSE_SHORT_ETH);
	}
	{
		struct netif_pkt p = { 0 };

		assert_int_equal(netif_parse(frame, frame + ETH_HLEN, &p), NETIF_PARSE_OK);
	}
	assert_int_equal(read_stats(nif, &before), 0);
	{
		LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = frame, .data_size_in = ETH_HLEN - 1,
			    .repeat = 1);
		int err = bpf_prog_test_run_opts(nif->dp.xdp_prog_fd, &o);

		if (err) {
			assert_int_equal(errno, EINVAL);
		} else {
			static const struct stat_exp exp[] = { ST(drop_badlen, 1), ST(drop, 1) };

			assert_int_equal(o.retval, XDP_DROP);
			assert_int_equal(read_stats(nif, &after), 0);
			assert_true(stats_check(&before, &after, base_in, 2, exp, 2, ETH_HLEN - 1));
		}
	}
}

/*
 * netifd's re-injection run: the test frame carries our marker with the
 * netif's cookie; the program must take the queued frame from the ring,
 * drop the marker and pass exactly those bytes, without classifying.
 */
static void test_reinject_run(void **state)
{
	struct netif *nif = g_env[ENV_NORMAL].nif;
	const struct pkt_def queued = { UDP4 }, tmpl = { TCP4 };
	struct netif_reinject_meta m = { NETIF_REINJECT_MAGIC, nif->cfg.reinject_cookie };
	static const struct stat_exp passed[] = { ST(reinject_passed, 1) };
	struct netif_stats before, after;
	static struct pkt q, t;
	static struct xdp_out xo;

	skip_unless(features_has(NETIF_FEAT_REINJECT), NEEDS_REINJECT);
	skip_unless(xdp_caps()->ctx, NEEDS_XDP_CTX);
	pkt_build(&queued, false, &q);
	pkt_build(&tmpl, false, &t);
	assert_int_not_equal(m.cookie, 0);
	assert_int_equal(reinject_queue(nif, q.data, q.len), 0);
	assert_int_equal(reinject_pending(nif), 1);
	read_stats(nif, &before);
	assert_int_equal(run_xdp_meta(nif, &t, &m, sizeof(m), &xo), 0);
	read_stats(nif, &after);
	assert_int_equal(xo.verdict, XDP_PASS);
	assert_int_equal(xo.meta, 0);
	assert_int_equal(xo.len, q.len);
	assert_memory_equal(xo.data, q.data, q.len);
	assert_true(stats_check(&before, &after, NULL, 0, passed, 1, 0));
}

/* One re-injection run of a UDP frame under our marker with this cookie, the stats around it. */
static void run_marked(struct netif *nif, uint32_t cookie, struct netif_stats *before,
		       struct netif_stats *after, struct xdp_out *xo)
{
	const struct pkt_def tmpl = { UDP4 };
	struct netif_reinject_meta m = { NETIF_REINJECT_MAGIC, cookie };
	static struct pkt t;

	pkt_build(&tmpl, false, &t);
	read_stats(nif, before);
	assert_int_equal(run_xdp_meta(nif, &t, &m, sizeof(m), xo), 0);
	read_stats(nif, after);
}

/* A marker with the wrong cookie is nobody's re-injection: classify the frame. */
static void test_reinject_wrong_cookie(void **state)
{
	struct netif *nif = g_env[ENV_NORMAL].nif;
	struct netif_stats before, after;
	static struct xdp_out xo;

	skip_unless(xdp_caps()->ctx, NEEDS_XDP_CTX);
	run_marked(nif, nif->cfg.reinject_cookie ^ 1, &before, &after, &xo);
	assert_int_equal(xo.verdict, XDP_PASS);
	assert_int_equal(after.rx_packets - before.rx_packets, 1);
	assert_int_equal(after.reinject_passed, before.reinject_passed);
}

/* A re-injection run with nothing queued drops the test frame, counted. */
static void test_reinject_empty(void **state)
{
	struct netif *nif = g_env[ENV_NORMAL].nif;
	static const struct stat_exp errors[] = { ST(reinject_errors, 1) };
	struct netif_stats before, after;
	static struct xdp_out xo;

	skip_unless(xdp_caps()->ctx, NEEDS_XDP_CTX);
	run_marked(nif, nif->cfg.reinject_cookie, &before, &after, &xo);
	assert_int_equal(xo.verdict, XDP_DROP);
	assert_true(stats_check(&before, &after, NULL, 0, errors, 1, 0));
}

/*
 * Compat-mode re-injection: netifd marks a frame before re-injecting it;
 * the fast path lets a marked frame through once, uncounted, and treats
 * the next identical frame normally.
 */
static void test_reinject_mark(void **state)
{
	struct netif *nif = g_env[ENV_NORMAL].nif;
	struct flow_def fd = TUPLE_IN(FULL4(IPPROTO_UDP), DROP);
	const struct pkt_def pd = { UDP4 };
	struct netif_reinject_meta m = { NETIF_REINJECT_MAGIC, nif->cfg.reinject_cookie };
	struct netif_stats before, mid, after;
	static struct xdp_out xo;
	static const struct stat_exp seen[] = { ST(reinject_seen, 1) };
	static const struct stat_exp dropped[] = { S_FLOW, S_DROPPED };
	static struct pkt p;
	uint8_t uuid[16];
	int err1, err2, err3, err4;
	int v1 = -1, v2 = -1;

	skip_unless(features_has(NETIF_FEAT_REINJECT), NEEDS_REINJECT);
	skip_unless(xdp_caps()->ctx, NEEDS_XDP_CTX);
	pkt_build(&pd, false, &p);
	assert_int_equal(flow_install(nif, &fd, uuid), 0);
	assert_int_equal(cfg_flags_set(nif, NETIF_CFG_F_REINJECT_MARKS), 0);
	err1 = reinject_queue(nif, p.data, p.len);
	/* consume the queued copy, as the live run would (this netif has no device) */
	err4 = run_xdp_meta(nif, &p, &m, sizeof(m), &xo);
	read_stats(nif, &before);
	err2 = run_xdp(nif, &p, 0, &xo);
	v1 = xo.verdict;
	read_stats(nif, &mid);
	err3 = run_xdp(nif, &p, 0, &xo);
	v2 = xo.verdict;
	read_stats(nif, &after);
	cfg_flags_set(nif, 0);
	{
		struct netif_extack ext = { 0 };

		flow_del(nif, uuid, &ext);
	}
	assert_int_equal(err1, 0);
	assert_int_equal(err4, 0);
	assert_int_equal(err2, 0);
	assert_int_equal(err3, 0);
	assert_int_equal(v1, XDP_PASS);
	assert_true(stats_check(&before, &mid, NULL, 0, seen, 1, p.len));
	assert_int_equal(v2, XDP_DROP);
	assert_true(stats_check(&mid, &after, base_in, 2, dropped, 4, p.len));
}

/*
 * Deleting a flow must leave its neighbours working: flows sharing a tuple
 * mask (the summary bit stays while one is left), a family-less flow's two
 * keys, and a devmap entry two redirect flows share.
 */
static void test_flow_del_neighbours(void **state)
{
	struct netif *nif = g_env[ENV_NORMAL].nif;
	static const struct flow_def defs[] = {
		TUPLE_IN(FULL4(IPPROTO_UDP), DROP),                                       /* A */
		TUPLE_IN(FULL4(IPPROTO_TCP), DROP),                                       /* B */
		TUPLE_IN(.proto = IPPROTO_UDP, .dport = PORT(LOCAL_PORT), DROP),          /* C */
		TUPLE_IN(FULL6(IPPROTO_UDP), .action = NETIF_ACTION_REDIRECT, .redirect_dev = "lo"), /* D */
		TUPLE_IN(FULL6(IPPROTO_TCP), .action = NETIF_ACTION_REDIRECT, .redirect_dev = "lo"), /* E */
	};
	enum { A, B, C, D, E, NDEFS };
	static const struct pkt_def udp4 = { UDP4 }, tcp4 = { TCP4 }, udp6 = { UDP6 }, tcp6 = { TCP6 };
	static struct pkt pu4, pt4, pu6, pt6;
	static struct xdp_out xo;
	struct netif_extack ext = { 0 };
	struct netif_cfg cfg;
	uint8_t uuid[NDEFS][16];
	bool live[NDEFS] = { false };
	uint32_t lo = if_nametoindex("lo");
	int i, v[8], k = 0;
	bool mask_clear, devmap_gone, devmap_kept;

	pkt_build(&udp4, false, &pu4);
	pkt_build(&tcp4, false, &pt4);
	pkt_build(&udp6, false, &pu6);
	pkt_build(&tcp6, false, &pt6);
	for (i = 0; i < NDEFS; i++) {
		if (flow_install(nif, &defs[i], uuid[i]))
			break;
		live[i] = true;
	}
#define RUN(p) (run_xdp(nif, &(p), 0, &xo) ? -1 : xo.verdict)
#define DEL(x) (live[x] = false, flow_del(nif, uuid[x], &ext))
	if (i == NDEFS) {
		DEL(B);
		v[k++] = RUN(pu4);  /* A still there: drop */
		v[k++] = RUN(pt4);  /* B gone, nothing else for TCP/IPv4: pass */
		DEL(D);
		devmap_kept = devmap_has(nif, lo);
		v[k++] = RUN(pt6);  /* E still redirects through the shared devmap entry */
		DEL(A);
		v[k++] = RUN(pu4);  /* C (mask dport) takes over: drop */
		v[k++] = RUN(pu6);  /* C's IPv6 key: drop */
		DEL(C);
		v[k++] = RUN(pu4);  /* nothing left for IPv4 */
		mask_clear = dp_cfg_read(&nif->dp, &cfg) == 0 && cfg.tuple_ranks[0] == 0 &&
			     nif->cfg.tuple_ranks[0] == 0;
		DEL(E);
		devmap_gone = !devmap_has(nif, lo);
		v[k++] = RUN(pt6);  /* nothing left for IPv6 */
	}
#undef RUN
#undef DEL
	for (i = 0; i < NDEFS; i++)
		if (live[i])
			flow_del(nif, uuid[i], &ext);
	assert_int_equal(k, 7);
	assert_int_equal(v[0], XDP_DROP);
	assert_int_equal(v[1], XDP_PASS);
	assert_true(devmap_kept);
	assert_int_equal(v[2], XDP_REDIRECT);
	assert_int_equal(v[3], XDP_DROP);
	assert_int_equal(v[4], XDP_DROP);
	assert_int_equal(v[5], XDP_PASS);
	assert_true(mask_clear);
	assert_true(devmap_gone);
	assert_int_equal(v[6], XDP_PASS);
}

/*
 * A flow changed in place (flow_modify, as an apply does) takes effect at
 * once, whether the fast path finds it through the port index (its copy
 * in port_flows) or the tuple table, and keeps its counters; an aborted
 * change puts the old action back.
 */
static void test_flow_modify(void **state)
{
	struct netif *nif = g_env[ENV_NORMAL].nif;
	static const struct flow_def defs[] = {
		TUPLE_IN(.proto = IPPROTO_UDP, .dport = PORT(LOCAL_PORT), DROP),   /* port index */
		TUPLE_IN(.proto = IPPROTO_TCP, .src = REMOTE4, DROP),             /* tuple table */
	};
	static const struct pkt_def udp4 = { UDP4 }, tcp4 = { TCP4 };
	static struct pkt pu, pt;
	static struct xdp_out xo;
	struct netif_extack ext = { 0 };
	struct netif_flow_stats st = { 0 };
	uint8_t uuid[2][16];
	int v[8], k = 0, n, i;

	pkt_build(&udp4, false, &pu);
	pkt_build(&tcp4, false, &pt);
	for (n = 0; n < 2 && !flow_install(nif, &defs[n], uuid[n]); n++)
		;
#define RUN(p) (run_xdp(nif, &(p), 0, &xo) ? -1 : xo.verdict)
	if (n == 2) {
		v[k++] = RUN(pu);
		v[k++] = RUN(pt);
		for (i = 0; i < 2; i++) {
			struct flow_rec *r = flow_find(nif, uuid[i]);
			struct flow_spec want = r->spec;
			struct txn t;

			want.action = NETIF_ACTION_PASS;
			txn_init(&t);
			if (flow_modify(nif, r, &want, &t, &ext))
				txn_abort(&t);
			else
				txn_commit(&t);
		}
		v[k++] = RUN(pu);       /* passes now, through the new copy */
		v[k++] = RUN(pt);
		v[k++] = flow_counters(nif, flow_find(nif, uuid[0]), &st) == 0 && st.packets == 2 &&
			 st.drops == 1;
		{
			/* a change undone: drop again */
			struct flow_rec *r = flow_find(nif, uuid[0]);
			struct flow_spec want = r->spec;
			struct txn t;

			want.action = NETIF_ACTION_DROP;
			txn_init(&t);
			v[k++] = flow_modify(nif, r, &want, &t, &ext);
			txn_abort(&t);
		}
		v[k++] = RUN(pu);
		v[k++] = flow_find(nif, uuid[0])->spec.action == NETIF_ACTION_PASS;
	}
#undef RUN
	while (n-- > 0)
		flow_del(nif, uuid[n], &ext);
	assert_int_equal(k, 8);
	assert_int_equal(v[0], XDP_DROP);
	assert_int_equal(v[1], XDP_DROP);
	assert_int_equal(v[2], XDP_PASS);
	assert_int_equal(v[3], XDP_PASS);
	assert_int_equal(v[4], 1);
	assert_int_equal(v[5], 0);
	assert_int_equal(v[6], XDP_PASS);
	assert_int_equal(v[7], 1);
}

/*
 * The first probe goes under netifd's hint (cfg->tuple_first), checked
 * against the lowest rank configured: with the hint naming another mask
 * (a torn configuration write), the most specific flow must still win,
 * and a frame only the less specific flow matches must still find it.
 */
static void test_first_mask_hint(void **state)
{
	struct netif *nif = g_env[ENV_NORMAL].nif;
	static const struct flow_def defs[] = {
		TUPLE_IN(FULL4(IPPROTO_UDP), DROP),
		TUPLE_IN(.proto = IPPROTO_UDP, .src = REMOTE4, .action = NETIF_ACTION_REDIRECT,
			 .redirect_dev = "lo"),
	};
	static const struct pkt_def full = { UDP4 }, src_only = { UDP4, .dport = LOCAL_PORT + 1 };
	static struct pkt pf, ps;
	static struct xdp_out xo;
	struct netif_extack ext = { 0 };
	struct netif_cfg cfg, bad;
	uint8_t uuid[2][16];
	int v[6], k = 0, n;

	pkt_build(&full, false, &pf);
	pkt_build(&src_only, false, &ps);
	for (n = 0; n < 2 && !flow_install(nif, &defs[n], uuid[n]); n++)
		;
#define RUN(p) (run_xdp(nif, &(p), 0, &xo) ? -1 : xo.verdict)
	if (n == 2 && !dp_cfg_read(&nif->dp, &cfg)) {
		v[k++] = cfg.tuple_first[0] == (NETIF_TUPLE_M_SRC | NETIF_TUPLE_M_DST |
						NETIF_TUPLE_M_SPORT | NETIF_TUPLE_M_DPORT);
		v[k++] = RUN(pf);       /* the 4-field flow, by the hint */
		v[k++] = RUN(ps);       /* the source flow, by the loop */
		bad = cfg;
		bad.tuple_first[0] = NETIF_TUPLE_M_SRC;
		if (!dp_cfg_write(&nif->dp, &bad)) {
			v[k++] = RUN(pf);       /* a wrong hint is not believed */
			v[k++] = RUN(ps);
			v[k++] = dp_cfg_write(&nif->dp, &cfg);
		}
	}
#undef RUN
	while (n-- > 0)
		flow_del(nif, uuid[n], &ext);
	assert_int_equal(k, 6);
	assert_int_equal(v[0], 1);
	assert_int_equal(v[1], XDP_DROP);
	assert_int_equal(v[2], XDP_REDIRECT);
	assert_int_equal(v[3], XDP_DROP);
	assert_int_equal(v[4], XDP_REDIRECT);
	assert_int_equal(v[5], 0);
}
/* ---- fixture ------------------------------------------------------------------ */

static int group_setup(void **state)
{
	return env_open(ENV_NORMAL, "nift0", TEST_IFINDEX) ? -1 : 0;
}

static int group_teardown(void **state)
{
	env_close(ENV_NORMAL);
	return 0;
}

int main(void)
{
	static struct CMUnitTest tests[32];
	size_t n = 0;

	add_test(tests, &n, "parse: a frame shorter than Ethernet", test_short_ethernet, NULL);
	add_test(tests, &n, "flow_del: neighbours sharing a mask, a family or a devmap entry keep working",
		 test_flow_del_neighbours, NULL);
	add_test(tests, &n, "lookup: the first mask's hint is checked against the lowest rank configured",
		 test_first_mask_hint, NULL);
	add_test(tests, &n, "flow_modify: a change in place takes effect through the port index and the tuple table",
		 test_flow_modify, NULL);
	add_test(tests, &n, "reinject: a run with our marker passes the queued frame", test_reinject_run, NULL);
	add_test(tests, &n, "reinject: a marker with a wrong cookie is classified", test_reinject_wrong_cookie, NULL);
	add_test(tests, &n, "reinject: a run with nothing queued drops, counted", test_reinject_empty, NULL);
	add_test(tests, &n, "reinject: a marked frame passes once, uncounted", test_reinject_mark, NULL);
	return _cmocka_run_group_tests("netif_xdp_state", tests, n, group_setup, group_teardown);
}
