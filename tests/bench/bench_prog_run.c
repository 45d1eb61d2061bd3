// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * bench_prog_run: ns per frame under BPF_PROG_RUN, netif_xdp against its
 * peers, every case in one run.
 *
 *   bench_prog_run [-q] [-r REPEAT] [-n ROUNDS] [-x PROG_ID:PIN_DIR] [-o TSV]
 *
 * -x names an xdp-filter program (loaded by xdp-filter itself, with port
 * 9000 denied for UDP destinations) and the directory of its pinned maps;
 * without it the xdp-filter rows are left out. -q: 50,000 repetitions per
 * call and flow tables up to 100k. -o writes the medians for the plots.
 *
 * Cases, all 64-byte frames (tests/bench/cases in docs/performance.md):
 *   floor   XDP_DROP with a per-CPU counter; the spreading wrapper in
 *           front of it (the floor of the flows group)
 *   hit     IPv4 and IPv6 UDP to port 9000: xdp-filter (port 9000 denied)
 *           and netif (flow "tuple proto udp dport 9000 action drop")
 *   miss    the same frames to port 9001: both pass them
 *   police  the netif hit with "rate 10gbit" on the flow (never exceeded)
 *   masks   the IPv4 miss with 1, 4, 16 and 32 distinct tuple masks in use
 *   flows   1 .. 1M full 5-tuple drop flows, frames spread over all of them
 *           by tests/bench/spread.bpf.c; the peer (tests/bench/htab_peer.bpf.c),
 *           one lookup in a table of netif's key and value types and a
 *           count, over 1 and 1M entries behind the same wrapper
 *
 * Rounds interleave the cases: round k samples every case once (the best
 * of three calls, see sample()), so a machine that slows down mid-run
 * slows every case alike. Each case prints
 * the median over the rounds with min and max, and its ratios against the
 * same-run floor and xdp-filter. Every sample is checked against the
 * dataplane's own counters (netif_stats, the flow's counters and bucket,
 * xdp-filter's xdp_stats_map and port hit counter, the floor's counter).
 *
 * ns/frame is the kernel's own figure for the run (see sample()).
 */
#include <getopt.h>
#include "tests/bpf/pkt.h"
#include "tests/bench/xdp_drop.skel.h"
#include "tests/bench/spread.skel.h"
#include "tests/bench/htab_peer.skel.h"
#include "log.h"
#include "prog_run.h"

#define FRAME_LEN 64
#define OTHER_PORT 9001
#define POLICE_RATE 10000000000ULL /* 10 Gbit/s, the default burst: one second */
#define XDPF_COUNTER_SHIFT 6       /* xdp-filter: hit count above the flag bits */

struct agent g_ag;
static uint32_t g_repeat = 200000; /* per call; a sample is SUBRUNS calls */
static int g_rounds = 9;
struct bcase g_cases[MAX_CASES];
int g_ncases;
static int g_ncpu;

static int prog_run(const struct bcase *c, uint32_t repeat, double *wall, uint32_t *kns)
{
	struct xdp_md md = { .data = 0, .data_end = c->pkt->len };
	uint64_t t0, t1;

	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = c->pkt->data, .data_size_in = c->pkt->len,
		    .ctx_in = &md, .ctx_size_in = sizeof(md), .repeat = repeat);
	t0 = mono_ns();
	if (bpf_prog_test_run_opts(c->prog_fd, &o))
		return -errno;
	t1 = mono_ns();
	if (o.retval != c->verdict) {
		fprintf(stderr, "bench_prog_run: %s: verdict %u, expected %u\n", c->name, o.retval,
			c->verdict);
		return -EPROTO;
	}
	*wall = (double)(t1 - t0);
	if (kns)
		*kns = o.duration;
	return 0;
}

/* ---- what the dataplanes counted -------------------------------------------- */

struct snap {
	uint64_t count;                /* CHK_COUNT; CHK_XDPF: the port's hits */
	uint64_t xs[5][2];             /* xdp-filter: packets, bytes by action */
	struct netif_stats st;
	struct netif_flow_stats fst;
	struct netif_bucket b;
};

static int percpu_u64(int fd, uint32_t key, uint64_t *sum, uint64_t shift)
{
	uint64_t v[g_ncpu];

	if (bpf_map_lookup_elem(fd, &key, v))
		return -errno;
	*sum = 0;
	for (int i = 0; i < g_ncpu; i++)
		*sum += v[i] >> shift;
	return 0;
}

static int snap_take(const struct bcase *c, struct snap *s)
{
	memset(s, 0, sizeof(*s));
	switch (c->chk) {
	case CHK_COUNT:
		return percpu_u64(c->count_fd, 0, &s->count, 0);
	case CHK_XDPF:
		for (uint32_t a = 0; a < 5; a++) {
			uint64_t v[g_ncpu][2];

			if (bpf_map_lookup_elem(c->xs_fd, &a, v))
				return -errno;
			for (int i = 0; i < g_ncpu; i++) {
				s->xs[a][0] += v[i][0];
				s->xs[a][1] += v[i][1];
			}
		}
		return percpu_u64(c->hits_fd, c->hit_key, &s->count, XDPF_COUNTER_SHIFT);
	case CHK_NETIF:
		if (dp_read_stats(&c->nif->dp, &s->st))
			return -EIO;
		if (c->hit && !c->spread &&
		    flow_counters_id(c->nif, c->flow_id, &s->fst))
			return -EIO;
		if (c->policed && bucket_read(&c->nif->dp, NETIF_BUCKET_FLOW_BASE + c->flow_id, &s->b))
			return -EIO;
		return 0;
	}
	return -EINVAL;
}

#define D(f) (a->f - b->f)

static bool netif_counted(const struct bcase *c, const struct snap *b, const struct snap *a,
			  uint64_t n, uint64_t t0)
{
	bool ok = D(st.rx_packets) == n && D(st.rx_bytes) == n * c->pkt->len &&
		  D(st.drop_rate_limited) == 0 && D(st.rx_malformed) == 0;

	if (c->hit)
		ok = ok && D(st.flow_found) == n && D(st.drop_policy) == n && D(st.drop) == n;
	else
		ok = ok && D(st.flow_not_found) == n && D(st.pass) == n;
	if (c->hit && !c->spread)
		ok = ok && D(fst.packets) == n && D(fst.bytes) == n * c->pkt->len;
	/* a policed flow's bucket must have been charged during this run */
	if (c->policed)
		ok = ok && a->b.rate == POLICE_RATE && a->b.tat_ns > b->b.tat_ns &&
		     a->b.tat_ns + a->b.slack_ns >= t0;
	return ok;
}

static int check(const struct bcase *c, const struct snap *b, const struct snap *a, uint64_t t0)
{
	uint64_t n = g_repeat;
	bool ok = false;

	switch (c->chk) {
	case CHK_COUNT:
		ok = D(count) == n;
		break;
	case CHK_XDPF:
		ok = D(xs[c->verdict][0]) == n && D(xs[c->verdict][1]) == n * c->pkt->len &&
		     D(count) == (c->hit ? n : 0);
		break;
	case CHK_NETIF:
		ok = netif_counted(c, b, a, n, t0);
		break;
	}
	if (!ok)
		fprintf(stderr, "bench_prog_run: %s: the dataplane's counters do not show %llu frames "
				"handled as expected\n", c->name, (unsigned long long)n);
	return ok ? 0 : -EPROTO;
}

#undef D

/*
 * One checked call of REPEAT frames. A round's sample of a case comes from
 * SUBRUNS such calls (1M frames in all), and the calls of all cases are
 * interleaved (case A, B, ... then A, B, ... again), so a machine that
 * changes speed mid-run changes it for every case alike.
 *
 * The figure is the kernel's own: BPF_PROG_RUN times its loop and leaves
 * out the time it was rescheduled (this kernel preempts only there), and
 * nothing of the call's fixed cost (putting the program into the XDP
 * dispatcher, ~0.3-1.5 ms, which varies with load as it waits on the other
 * CPU). Wall time includes both; on a shared 2-core VM with a qemu beside
 * us it was off by 2x. The kernel rounds down to whole nanoseconds, so a
 * call counts as its figure + 0.5, and the round's sample is the mean of
 * the middle three of five (interrupts only ever add time; the mean keeps
 * fractions of a nanosecond).
 */
#define SUBRUNS 5

static int cmp_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;

	return x < y ? -1 : x > y;
}

static int sample(struct bcase *c, int k)
{
	struct snap before, after;
	uint64_t t0 = mono_ns();
	uint32_t kns;
	double wall;
	int err;

	err = snap_take(c, &before) ?: prog_run(c, g_repeat, &wall, &kns) ?:
	      snap_take(c, &after) ?: check(c, &before, &after, t0);
	if (err)
		return err;
	c->sub[k] = kns + 0.5f;
	if (k == SUBRUNS - 1) {
		qsort(c->sub, SUBRUNS, sizeof(c->sub[0]), cmp_float);
		c->ns[c->n++] = (c->sub[1] + c->sub[2] + c->sub[3]) / 3;
	}
	return 0;
}

/* Warm code, maps and frame. */
static int warm(struct bcase *c)
{
	double wall;

	return prog_run(c, g_repeat, &wall, NULL);
}

/* ---- set-up -------------------------------------------------------------------- */

static struct bcase *add_case(const char *group, const char *name, int prog_fd,
			      const struct pkt *p, uint32_t verdict)
{
	struct bcase *c = &g_cases[g_ncases++];

	memset(c, 0, sizeof(*c));
	c->group = group;
	c->name = name;
	c->prog_fd = prog_fd;
	c->pkt = p;
	c->verdict = verdict;
	return c;
}

static struct bcase *add_netif(const char *group, const char *name, struct netif *nif,
			       const struct pkt *p, bool hit, uint32_t flow_id)
{
	struct bcase *c = add_case(group, name, nif->dp.xdp_prog_fd, p, hit ? XDP_DROP : XDP_PASS);

	c->chk = CHK_NETIF;
	c->nif = nif;
	c->hit = hit;
	c->flow_id = flow_id;
	return c;
}

/* ---- main ---------------------------------------------------------------------------- */

struct frames {
	struct pkt hit4, miss4, hit6, miss6, spread4, addr4;
};

static void build_frames(struct frames *fr)
{
	struct pkt_def d = { .l3 = 4, .proto = IPPROTO_UDP, .size = FRAME_LEN,
			     .dport = DENIED_PORT };

	pkt_build(&d, false, &fr->hit4);
	d.dport = OTHER_PORT;
	pkt_build(&d, false, &fr->miss4);
	d.l3 = 6;
	d.dport = DENIED_PORT;
	pkt_build(&d, false, &fr->hit6);
	d.dport = OTHER_PORT;
	pkt_build(&d, false, &fr->miss6);
	d.l3 = 4;
	d.dport = LOCAL_PORT;
	pkt_build(&d, false, &fr->spread4);
	/* from the denied address, to a port no rule names */
	d.src = DENIED_ADDR;
	d.dport = OTHER_PORT;
	pkt_build(&d, false, &fr->addr4);
}

static void usage(const char *prog)
{
	fprintf(stderr, "usage: %s [-q] [-s] [-r REPEAT] [-n ROUNDS] [-x PROG_ID:PIN_DIR] [-o TSV]\n"
			"  -q  quick: 50,000 frames a call, flow tables up to 100k\n"
			"  -s  short: floor, hit, miss and police only\n", prog);
}

int main(int argc, char **argv)
{
	static const uint32_t counts[] = { 1, 1000, 100000, 1000000 };
	static const char *const count_names[] = { "netif, 1 flow", "netif, 1k flows, frames over all",
						   "netif, 100k flows, frames over all",
						   "netif, 1M flows, frames over all" };
	static const int masks[] = { 4, 16, 32 };
	static const char *const mask_names[] = { "netif, IPv4 miss, 4 masks",
						  "netif, IPv4 miss, 16 masks",
						  "netif, IPv4 miss, 32 masks (16 llink-scoped)" };
	struct netif *plain = NULL, *policed = NULL, *addr = NULL, *nm[3] = { 0 }, *nf[4] = { 0 };
	struct spread *sp[5] = { 0 }, *psp[2] = { 0 };
	struct htab_peer *peer[2] = { 0 };
	const char *xdpf = NULL, *tsv = NULL;
	struct xdp_drop *drop = NULL;
	int xf_prog = -1, xf_xs = -1, xf_ports = -1, xf_ip4 = -1, err = 0, opt, i, r, k;
	size_t ncounts = 4;
	int nmasks = 3;
	uint32_t plain_id = 0, pol_id = 0, addr_id = 0;
	struct bcase *c, *floor, *sfloor;
	struct frames *fr;
	uint64_t t;

	while ((opt = getopt(argc, argv, "qsr:n:x:o:h")) != -1) {
		switch (opt) {
		case 'q':
			g_repeat = 50000;
			ncounts = 3;
			break;
		case 's':
			nmasks = 0;
			ncounts = 0;
			break;
		case 'r':
			g_repeat = strtoul(optarg, NULL, 0);
			break;
		case 'n':
			g_rounds = atoi(optarg);
			break;
		case 'x':
			xdpf = optarg;
			break;
		case 'o':
			tsv = optarg;
			break;
		default:
			usage(argv[0]);
			return 2;
		}
	}
	if (optind != argc || g_repeat < 100 || g_rounds < 1 || g_rounds > MAX_ROUNDS) {
		usage(argv[0]);
		return 2;
	}
	netif_log_init("bench_prog_run", NETIF_LOG_WARN);
	netif_log_hook_libbpf();
	g_ncpu = libbpf_num_possible_cpus();
	fr = calloc(1, sizeof(*fr));
	if (!fr || g_ncpu <= 0)
		return 1;
	build_frames(fr);
	t = mono_ns();

	drop = xdp_drop__open_and_load();
	if (!drop) {
		fprintf(stderr, "bench_prog_run: cannot load xdp_drop: %s\n", strerror(errno));
		err = -errno;
		goto out;
	}
	if (xdpf && (err = xdpf_open(xdpf, &xf_prog, &xf_xs, &xf_ports, &xf_ip4)))
		goto out;
	err = netif_open("nifb_plain", 0, &plain) ?: netif_open("nifb_pol", 0, &policed) ?:
	      netif_open("nifb_addr", 0, &addr) ?: port_flow(plain, 0, &plain_id) ?:
	      port_flow(policed, POLICE_RATE, &pol_id) ?: addr_flow(addr, &addr_id);
	for (i = 0; !err && i < nmasks; i++) {
		char name[16];

		snprintf(name, sizeof(name), "nifb_m%d", masks[i]);
		err = netif_open(name, 0, &nm[i]) ?: mask_flows(nm[i], masks[i]);
	}
	for (i = 0; !err && i < (int)ncounts; i++) {
		char name[16];

		snprintf(name, sizeof(name), "nifb_f%d", i);
		err = netif_open(name, counts[i] > NETIF_MAX_FLOWS_DEF ? counts[i] : 0, &nf[i]) ?:
		      fill_flows(nf[i], counts[i]) ?:
		      spread_open(counts[i], nf[i]->dp.xdp_prog_fd, &sp[i]);
	}
	err = err ?: spread_open(1, bpf_program__fd(drop->progs.xdp_drop), &sp[4]);
	/* the peer at the smallest and the largest table (1 and 1M: the flows target) */
	for (i = 0; !err && ncounts && i < 2; i++) {
		uint32_t n = counts[i ? ncounts - 1 : 0];

		err = peer_open(n, &peer[i]) ?:
		      spread_open(n, bpf_program__fd(peer[i]->progs.htab_peer), &psp[i]);
	}
	/* -s: no flows group, but the wrapper's floor costs nothing to keep */
	if (err)
		goto out;
	fprintf(stderr, "# set-up (%d netifs) in %.1f s\n", 2 + nmasks + (int)ncounts,
		(mono_ns() - t) / 1e9);

	floor = add_case("floor", "XDP_DROP + per-CPU counter", bpf_program__fd(drop->progs.xdp_drop),
			 &fr->hit4, XDP_DROP);
	floor->count_fd = bpf_map__fd(drop->maps.drop_count);
	sfloor = add_case("floor", "spreading wrapper -> XDP_DROP + counter",
			  bpf_program__fd(sp[4]->progs.spread), &fr->spread4, XDP_DROP);
	sfloor->count_fd = floor->count_fd;
	if (xf_prog >= 0) {
		const struct { const char *name; const struct pkt *p; bool hit, ip; } xc[] = {
			{ "xdp-filter, IPv4 UDP dport 9000 (hit)", &fr->hit4, true, false },
			{ "xdp-filter, IPv4 UDP dport 9001 (miss)", &fr->miss4, false, false },
			{ "xdp-filter, IPv6 UDP dport 9000 (hit)", &fr->hit6, true, false },
			{ "xdp-filter, IPv6 UDP dport 9001 (miss)", &fr->miss6, false, false },
			{ "xdp-filter, IPv4 from 203.0.113.77 (hit)", &fr->addr4, true, true },
		};
		uint32_t a;

		inet_pton(AF_INET, DENIED_ADDR, &a);
		for (i = 0; i < 5; i++) {
			c = add_case(xc[i].ip ? "address" : xc[i].hit ? "hit" : "miss", xc[i].name,
				     xf_prog, xc[i].p, xc[i].hit ? XDP_DROP : XDP_PASS);
			c->chk = CHK_XDPF;
			c->xs_fd = xf_xs;
			c->hits_fd = xc[i].ip ? xf_ip4 : xf_ports;
			c->hit_key = xc[i].ip ? a : htons(DENIED_PORT);
			c->hit = xc[i].hit;
		}
	}
	add_netif("hit", "netif, IPv4 UDP dport 9000 (hit)", plain, &fr->hit4, true, plain_id);
	add_netif("hit", "netif, IPv6 UDP dport 9000 (hit)", plain, &fr->hit6, true, plain_id);
	add_netif("miss", "netif, IPv4 UDP dport 9001 (miss)", plain, &fr->miss4, false, 0);
	add_netif("miss", "netif, IPv6 UDP dport 9001 (miss)", plain, &fr->miss6, false, 0);
	add_netif("address", "netif, IPv4 from 203.0.113.77 (hit)", addr, &fr->addr4, true, addr_id);
	add_netif("address", "netif, IPv4 from another address (miss)", addr, &fr->miss4, false, 0);
	c = add_netif("police", "netif, IPv4 hit, flow rate 10gbit", policed, &fr->hit4, true, pol_id);
	c->policed = true;
	for (i = 0; i < nmasks; i++)
		add_netif("masks", mask_names[i], nm[i], &fr->miss4, false, 0);
	for (i = 0; i < (int)ncounts; i++) {
		c = add_netif("flows", count_names[i], nf[i], &fr->spread4, true, 0);
		c->prog_fd = bpf_program__fd(sp[i]->progs.spread);
		c->spread = counts[i];
	}
	for (i = 0; ncounts && i < 2; i++) {
		static const char *const pn[] = { "peer: hash lookup, 1 entry",
						  "peer: hash lookup, 1M entries",
						  "peer: hash lookup, 100k entries" };

		c = add_case("flows", pn[i && counts[ncounts - 1] != 1000000 ? 2 : i],
			     bpf_program__fd(psp[i]->progs.spread), &fr->spread4, XDP_DROP);
		c->count_fd = bpf_map__fd(peer[i]->maps.peer_hits);
	}

	for (i = 0; !err && i < g_ncases; i++)
		err = warm(&g_cases[i]);
	for (r = 0; !err && r < g_rounds; r++)
		for (k = 0; !err && k < SUBRUNS; k++)
			for (i = 0; !err && i < g_ncases; i++)
				err = sample(&g_cases[i], k);
	if (err)
		goto out;

	printf("# BPF_PROG_RUN, %u-byte frames, %d interleaved rounds, each sample the middle mean of %d "
	       "calls of %u frames; ns/frame\n", FRAME_LEN, g_rounds, SUBRUNS, g_repeat);
	printf("# -floor, x floor: against XDP_DROP + counter (flows: against the spreading "
	       "wrapper in front of it)\n");
	print_table(floor, sfloor);
	print_targets();
	if (tsv)
		write_tsv(tsv);

out:
	if (err)
		fprintf(stderr, "bench_prog_run: %s\n", strerror(-err));
	for (i = 0; i < 5; i++)
		spread__destroy(sp[i]);
	for (i = 0; i < 2; i++) {
		spread__destroy(psp[i]);
		htab_peer__destroy(peer[i]);
	}
	for (i = 0; i < 4; i++)
		if (nf[i])
			nexus_destroy(&g_ag, nf[i]);
	for (i = 0; i < 3; i++)
		if (nm[i])
			nexus_destroy(&g_ag, nm[i]);
	if (policed)
		nexus_destroy(&g_ag, policed);
	if (addr)
		nexus_destroy(&g_ag, addr);
	if (plain)
		nexus_destroy(&g_ag, plain);
	xdp_drop__destroy(drop);
	free(fr);
	return err ? 1 : 0;
}
