// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Token-bucket cases: a burst of frames against the bucket model (see pkt.h). */
#include "pkt.h"

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
static bool bucket_expect(const struct netif_bucket *b0, const struct netif_bucket *b1,
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

/* One frame; returns false on a model mismatch (printed). */
static bool rate_step(struct netif *nif, bool egress, int32_t bucket, const struct pkt *p,
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

static void run_rate(void **state)
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

void add_rates(struct CMUnitTest *t, size_t *n, const struct rate_case *rc, size_t nrc)
{
	size_t i;

	for (i = 0; i < nrc; i++)
		add_test(t, n, rc[i].name, run_rate, (void *)&rc[i]);
}
