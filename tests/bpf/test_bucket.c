// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * BPF_PROG_RUN tests of the lock-free token bucket (bpf/bucket.bpf.h)
 * under concurrency: one policed flow hammered from every CPU at once, in
 * XDP and in TC, admits its rate within 5% over the run, judged by the
 * flow's own counters. And the fixed-point cost of a frame is len * 8 bits
 * at the rate, to the nanosecond, over the whole range of rates.
 */
#include <pthread.h>
#include <sched.h>
#include "pkt.h"

#define HAMMER_NS 1000000000ULL   /* 1 s of traffic */
#define HAMMER_RATE 500000000ULL  /* 500 Mbit/s at most (a quarter of what the CPUs offer) */
#define HAMMER_REPEAT 200000
#define MAX_THREADS 64

struct hammer {
	pthread_t tid;
	int cpu, prog_fd, err;
	uint64_t ns;
	bool egress;
	const struct pkt *p;
	uint64_t t0, t1;
	uint64_t active; /* ns the program ran, by the kernel's count */
};

static void *hammer_run(void *arg)
{
	struct hammer *h = arg;
	cpu_set_t set;
	uint64_t end;

	CPU_ZERO(&set);
	CPU_SET(h->cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		h->err = -errno;
		return NULL;
	}
	h->t0 = mono_ns();
	end = h->t0 + h->ns;
	do {
		struct __sk_buff skb = { 0 };

		/* no context for XDP: kernels before 5.12 refuse one */
		LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = h->p->data, .data_size_in = h->p->len,
			    .repeat = HAMMER_REPEAT);
		if (h->egress) {
			o.ctx_in = &skb;
			o.ctx_size_in = sizeof(skb);
		}
		if (bpf_prog_test_run_opts(h->prog_fd, &o)) {
			h->err = -errno;
			return NULL;
		}
		h->active += (uint64_t)o.duration * HAMMER_REPEAT;
		h->t1 = mono_ns();
	} while (h->t1 < end);
	return NULL;
}

struct hammer_run {
	uint64_t packets, drops, rate_limited;
	uint64_t t0, t1, active; /* first frame, last frame, longest a CPU ran the program */
};

/* Every CPU sends the frame of a flow policed at rate (0: unpoliced) for ns. */
static void hammer(struct netif *nif, bool egress, uint64_t rate, uint64_t burst, uint64_t ns,
		   const struct pkt *p, struct hammer_run *out)
{
	struct flow_def fd = {
		.type = NETIF_FLOW_TUPLE, .dir = egress ? NETIF_DIR_OUT : NETIF_DIR_IN,
		.proto = IPPROTO_UDP, .dport = PORT(egress ? REMOTE_PORT : LOCAL_PORT),
		.action = NETIF_ACTION_PASS, .rate = rate, .burst = burst,
	};
	struct hammer h[MAX_THREADS];
	struct netif_flow_stats fst;
	struct netif_extack ext = { 0 };
	int ncpu = libbpf_num_possible_cpus(), i;
	uint8_t uuid[16];

	assert_true(ncpu > 0 && ncpu <= MAX_THREADS);
	assert_int_equal(flow_install(nif, &fd, uuid), 0);
	for (i = 0; i < ncpu; i++) {
		h[i] = (struct hammer){ .cpu = i, .egress = egress, .p = p, .ns = ns,
					.prog_fd = egress ? nif->dp.tc_prog_fd : nif->dp.xdp_prog_fd };
		assert_int_equal(pthread_create(&h[i].tid, NULL, hammer_run, &h[i]), 0);
	}
	memset(out, 0, sizeof(*out));
	out->t0 = UINT64_MAX;
	for (i = 0; i < ncpu; i++) {
		pthread_join(h[i].tid, NULL);
		assert_int_equal(h[i].err, 0);
		out->t0 = h[i].t0 < out->t0 ? h[i].t0 : out->t0;
		out->t1 = h[i].t1 > out->t1 ? h[i].t1 : out->t1;
		out->active = h[i].active > out->active ? h[i].active : out->active;
	}
	assert_int_equal(flow_counters(nif, flow_find(nif, uuid), &fst), 0);
	flow_del(nif, uuid, &ext);
	out->packets = fst.packets;
	out->drops = fst.drops;
	out->rate_limited = fst.rate_limited;
}

/*
 * Every CPU sends the flow's frame as fast as it can; the flow admits
 * rate x (last frame - first frame) + burst, give or take a few frames
 * (one per CPU in flight). That is the bound that matters for a lock-free
 * bucket (racing CPUs must not over-admit): admitted must be within 5% of
 * it. Under it, a shared VM may stop both CPUs at once for longer than the
 * burst (another guest, or a neighbour in this one, runs): credit that
 * idle time would have earned is lost, as it should be. The floor is then
 * the rate over the longest time one CPU was seen running the program (the
 * kernel's own count, which leaves out time rescheduled), less 5%.
 *
 * The rate is a quarter of what the CPUs offer unpoliced (measured first,
 * at most 500 Mbit/s), so the bucket is always oversubscribed, on a busy
 * machine or an emulated one alike.
 */
static void run_hammer(bool egress)
{
	struct netif *nif = g_env[ENV_NORMAL].nif;
	struct pkt_def pd = { .l3 = 4, .proto = IPPROTO_UDP, .size = 64 };
	struct hammer_run r;
	uint64_t rate, burst, admitted;
	double expect, floor, ratio;
	struct pkt p;

	assert_non_null(nif);
	pkt_build(&pd, egress, &p);
	hammer(nif, egress, 0, 0, HAMMER_NS / 4, &p, &r);
	rate = (uint64_t)((double)r.packets * p.len * 8 / ((r.t1 - r.t0) / 1e9) / 4);
	rate = rate > HAMMER_RATE ? HAMMER_RATE : rate < 1000000 ? 1000000 : rate;
	burst = rate / 8 / 20; /* 50 ms */
	hammer(nif, egress, rate, burst, HAMMER_NS, &p, &r);

	admitted = (r.packets - r.drops) * p.len;
	expect = (double)rate / 8 * (double)(r.t1 - r.t0) / 1e9 + burst;
	floor = (double)rate / 8 * (double)r.active / 1e9;
	ratio = admitted / expect;
	print_message("# %s at %.0f Mbit/s: CPUs offered %llu frames in %.3f s (one ran %.3f s), "
		      "%llu admitted: %.4f of rate x time + burst\n", egress ? "TC" : "XDP", rate / 1e6,
		      (unsigned long long)r.packets, (r.t1 - r.t0) / 1e9, r.active / 1e9,
		      (unsigned long long)(r.packets - r.drops), ratio);
	assert_true(r.drops == r.rate_limited);
	assert_true(r.drops > 0);
	assert_true(ratio < 1.05);
	assert_true(admitted > 0.95 * floor);
}

static void test_hammer_xdp(void **state)
{
	run_hammer(false);
}

static void test_hammer_tc(void **state)
{
	run_hammer(true);
}

/* The cost in ns of len bytes, (len * mult) >> shift, against len * 8e9 / rate. */
static void test_fixed_point(void **state)
{
	static const uint64_t rates[] = { NETIF_RATE_MIN, 1000, 8000, 1000000, 1544000, 10000000,
					  999999937, 1000000000, 10000000000ULL, 40000000000ULL,
					  100000000000ULL, NETIF_RATE_MAX };
	static const uint32_t lens[] = { 1, 60, 64, 1500, 1514, 9000, 65535 };

	for (size_t i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
		struct netif_bucket b;

		assert_int_equal(bucket_params(rates[i], 64, "test", &b, NULL), 0);
		assert_true(b.mult < (1ULL << 48));
		for (size_t j = 0; j < sizeof(lens) / sizeof(lens[0]); j++) {
			unsigned __int128 exact = (unsigned __int128)lens[j] * 8000000000ULL / rates[i];
			uint64_t got = bucket_cost(&b, lens[j]);

			if (got + 1 < exact || got > exact + 1)
				fail_msg("rate %llu, %u bytes: %llu ns, exactly %llu",
					 (unsigned long long)rates[i], lens[j], (unsigned long long)got,
					 (unsigned long long)exact);
		}
	}
}

static int setup(void **state)
{
	return env_open(ENV_NORMAL, "nifbucket0", TEST_IFINDEX + 200) ? -1 : 0;
}

static int teardown(void **state)
{
	env_close(ENV_NORMAL);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixed_point),
		cmocka_unit_test(test_hammer_xdp),
		cmocka_unit_test(test_hammer_tc),
	};

	return cmocka_run_group_tests_name("bucket", tests, setup, teardown);
}
