// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * bench_metrics: what a Prometheus scrape costs netifd with many flows.
 *
 *   bench_metrics [-n FLOWS] [-r RUNS]
 *
 * A netif is programmed as netifd does it (nexus_instantiate, flow_add:
 * loaded, not attached, nothing pinned) with FLOWS tuple flows (default
 * 100,000), and each run, interleaved:
 *
 *   snapshot     metrics_snapshot(): every counter read through the domain
 *                APIs, the flows' with batched lookups of flow_stats
 *   text         metrics_write() of the whole exposition from it, in the
 *                128 KiB chunks the HTTP side asks for
 *   per-flow     the baseline: the flows' counters read one lookup each
 *                (what "flow show -s" does), without any text
 *
 * Each figure is the median of RUNS runs (default 7), in milliseconds; the
 * scrape is snapshot + text. tests/bench/metrics.sh measures the same over
 * HTTP against a running netifd.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "userspace/netifd/agent.h"
#include "userspace/netifd/metrics_text.h"
#include "userspace/netifd/nexus.h"
#include "userspace/netifd/txn.h"
#include "log.h"

#define MAX_RUNS 31
#define CHUNK (128 * 1024)

static struct agent g_ag;

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(v[0]), cmp_double);
	return n & 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int netif_open(uint32_t max_flows, struct netif **out)
{
	struct attach_req req = { .max_flows = max_flows };
	struct link_info li = { .ifindex = 1, .mtu = 1500, .num_rx_queues = 1, .num_tx_queues = 1,
				.name = "bench0" };
	struct netif_extack ext = { 0 };
	int err;

	snprintf(req.ifname, sizeof(req.ifname), "bench0");
	attach_req_defaults(&req);
	err = attach_req_check(&req, &ext) ?: nexus_instantiate(&g_ag, &req, &li, out, &ext);
	if (err) {
		fprintf(stderr, "bench_metrics: cannot load the dataplane: %s: %s\n", strerror(-err),
			ext.msg);
		return err;
	}
	HASH_ADD_INT(g_ag.netifs, ifindex, *out);
	return 0;
}

static int fill(struct netif *nif, uint32_t n)
{
	struct netif_extack ext = { 0 };
	struct flow_spec fs;
	struct txn t;
	uint32_t i;
	int err = 0;

	txn_init(&t);
	for (i = 0; i < n && !err; i++) {
		memset(&fs, 0, sizeof(fs));
		fs.type = NETIF_FLOW_TUPLE;
		fs.family = 4;
		fs.proto = 17;
		fs.mask = NETIF_TUPLE_M_SRC | NETIF_TUPLE_M_DPORT;
		fs.src[0] = htonl(0xc6120000U + i);
		fs.dport = 1000 + i % 50000;
		fs.action = NETIF_ACTION_PASS;
		err = flow_add(nif, &fs, &t, &ext);
	}
	if (err) {
		fprintf(stderr, "bench_metrics: flow %u: %s: %s\n", i, strerror(-err), ext.msg);
		txn_abort(&t);
		return err;
	}
	txn_commit(&t);
	return 0;
}

static uint64_t sink;

static void per_flow(struct netif *nif)
{
	struct netif_flow_stats st;
	struct flow_rec *r, *tmp;

	HASH_ITER(hh, nif->flows.by_uuid, r, tmp) {
		flow_counters(nif, r, &st);
		sink += st.packets;
	}
}

int main(int argc, char **argv)
{
	double snap[MAX_RUNS], text[MAX_RUNS], scrape[MAX_RUNS], base[MAX_RUNS];
	uint32_t nflows = 100000;
	int runs = 7, c, i;
	struct netif *nif;
	size_t bytes = 0;
	char *buf;

	while ((c = getopt(argc, argv, "n:r:")) != -1) {
		if (c == 'n')
			nflows = strtoul(optarg, NULL, 0);
		else if (c == 'r')
			runs = atoi(optarg);
		else
			return 2;
	}
	if (runs < 1 || runs > MAX_RUNS)
		runs = 7;
	netif_log_init("bench_metrics", NETIF_LOG_WARN);
	buf = malloc(CHUNK);
	if (!buf || netif_open(nflows + nflows / 4 + 1, &nif) || fill(nif, nflows))
		return 1;
	for (i = 0; i < runs; i++) {
		struct snap_agent self = { .scrapes = i + 1 };
		struct metrics_snap *s;
		double t0, t1, t2, t3;
		size_t n;

		t0 = now_ms();
		s = metrics_snapshot(&g_ag, &self);
		t1 = now_ms();
		if (!s)
			return 1;
		bytes = 0;
		while ((n = metrics_write(s, buf, CHUNK)))
			bytes += n;
		t2 = now_ms();
		metrics_snap_free(s);
		per_flow(nif);
		t3 = now_ms();
		snap[i] = t1 - t0;
		text[i] = t2 - t1;
		scrape[i] = t2 - t0;
		base[i] = t3 - t2;
	}
	printf("%u flows, %zu bytes of exposition, median of %d runs (ms):\n", nflows, bytes, runs);
	printf("  %-44s %8.2f\n", "snapshot (batched flow_stats reads)", median(snap, runs));
	printf("  %-44s %8.2f\n", "text (128 KiB chunks)", median(text, runs));
	printf("  %-44s %8.2f\n", "scrape = snapshot + text", median(scrape, runs));
	printf("  %-44s %8.2f\n", "baseline: one lookup per flow, no text", median(base, runs));
	printf("  %-44s %8.2f\n", "snapshot / baseline", median(snap, runs) / median(base, runs));
	nexus_destroy(&g_ag, nif);
	free(buf);
	return 0;
}
