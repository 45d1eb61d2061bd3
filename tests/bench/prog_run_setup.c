// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * bench_prog_run's set-up (prog_run.h): the netifs and their flows
 * through netifd's own code, the hash-table peer, the spreading wrapper,
 * and the xdp-filter program and maps xdp-filter itself loaded.
 */
#include "tests/bpf/pkt.h"
#include "tests/bench/spread.skel.h"
#include "tests/bench/htab_peer.skel.h"
#include "prog_run.h"

int netif_open(const char *name, uint32_t max_flows, struct netif **out)
{
	static int ifindex = TEST_IFINDEX;
	struct attach_req req = { .max_flows = max_flows };
	struct link_info li = { .ifindex = ifindex++, .mtu = 1500, .num_rx_queues = 1,
				.num_tx_queues = 1 };
	struct netif_extack ext = { 0 };
	int err;

	snprintf(req.ifname, sizeof(req.ifname), "%s", name);
	snprintf(li.name, sizeof(li.name), "%s", name);
	memcpy(li.mac, MAC_NIF, 6);
	attach_req_defaults(&req);
	err = attach_req_check(&req, &ext) ?: nexus_instantiate(&g_ag, &req, &li, out, &ext);
	if (err)
		fprintf(stderr, "bench_prog_run: cannot load netif_xdp (%s): %s: %s\n", name,
			strerror(-err), ext.msg);
	return err;
}

/* "tuple proto udp src 203.0.113.77 action drop": the address rule. */
int addr_flow(struct netif *nif, uint32_t *flow_id)
{
	struct flow_def d = { .type = NETIF_FLOW_TUPLE, .dir = NETIF_DIR_IN, .proto = IPPROTO_UDP,
			      .src = DENIED_ADDR, .action = NETIF_ACTION_DROP };
	uint8_t uuid[16];
	int err = flow_install(nif, &d, uuid);

	if (!err)
		*flow_id = flow_find(nif, uuid)->flow_id;
	return err;
}

/* "tuple proto udp dport 9000 action drop [rate 10gbit]": one mask, both families. */
int port_flow(struct netif *nif, uint64_t rate, uint32_t *flow_id)
{
	struct flow_def d = { .type = NETIF_FLOW_TUPLE, .dir = NETIF_DIR_IN, .proto = IPPROTO_UDP,
			      .dport = PORT(DENIED_PORT), .action = NETIF_ACTION_DROP,
			      .rate = rate };
	uint8_t uuid[16];
	int err = flow_install(nif, &d, uuid);

	if (!err)
		*flow_id = flow_find(nif, uuid)->flow_id;
	return err;
}

/*
 * n distinct tuple masks, none matching the miss frame (UDP 203.0.113.5:40000
 * -> 198.51.100.10:9001), written as firewall users write rules: our own
 * address where a rule names a destination and something else, ports and
 * sources of other hosts. Mask 0 (protocol only) is a TCP rule. Masks past
 * 16 are the same rules scoped to an llink.
 */
int mask_flows(struct netif *nif, int n)
{
	struct netif_extack ext = { 0 };
	int m, err;

	if (n > 16) {
		struct llink_config lc = {
			.link_id = SCOPE_LINK, .has_vlan = true, .vlan = SCOPE_LINK, .nqsets = 1,
			.qsets[0] = { .flags = NETIF_QSET_F_DEFAULT, .n_rx = 1, .n_tx = 1 },
		};

		err = llink_add(nif, &lc, &ext);
		if (err) {
			fprintf(stderr, "bench_prog_run: llink_add: %s\n", ext.msg);
			return err;
		}
	}
	for (m = 0; m < n; m++) {
		int f = 15 - (m & 15); /* the most specific masks first */
		bool only_dst = f == NETIF_TUPLE_M_DST;
		struct flow_def d = {
			.type = NETIF_FLOW_TUPLE, .dir = NETIF_DIR_IN, .family = 4,
			.proto = f ? IPPROTO_UDP : IPPROTO_TCP, .action = NETIF_ACTION_DROP,
			.src = f & NETIF_TUPLE_M_SRC ? OTHER4 : NULL,
			.dst = f & NETIF_TUPLE_M_DST ? (only_dst ? "198.51.100.99" : LOCAL4) : NULL,
			.sport = f & NETIF_TUPLE_M_SPORT ? PORT(1000 + m) : 0,
			.dport = f & NETIF_TUPLE_M_DPORT ? PORT(2000 + m) : 0,
			.scoped = m >= 16, .llink = SCOPE_LINK,
		};
		uint8_t uuid[16];

		if (!f)
			d.family = 0;
		err = flow_install(nif, &d, uuid);
		if (err)
			return err;
	}
	return 0;
}

/* Flows 0..n-1 as tests/bench/spread.bpf.c writes them, full 5-tuples, action drop. */
int fill_flows(struct netif *nif, uint32_t n)
{
	struct netif_extack ext = { 0 };
	struct flow_spec fs;
	uint32_t i, dst;
	int err;

	inet_pton(AF_INET, LOCAL4, &dst);
	for (i = 0; i < n; i++) {
		memset(&fs, 0, sizeof(fs));
		fs.type = NETIF_FLOW_TUPLE;
		fs.dir = NETIF_DIR_IN;
		fs.family = 4;
		fs.proto = IPPROTO_UDP;
		fs.mask = NETIF_TUPLE_M_SRC | NETIF_TUPLE_M_DST | NETIF_TUPLE_M_SPORT |
			  NETIF_TUPLE_M_DPORT;
		fs.src[0] = htonl(0xc6120000U + (i & 0x1ffff));
		fs.dst[0] = dst;
		fs.sport = 1024 + (i >> 17);
		fs.dport = LOCAL_PORT;
		fs.action = NETIF_ACTION_DROP;
		err = flow_add_now(nif, &fs, &ext);
		if (err) {
			fprintf(stderr, "bench_prog_run: flow_add #%u: %s: %s\n", i, strerror(-err),
				ext.msg);
			return err;
		}
	}
	return 0;
}

/*
 * The peer table of n entries, keyed as tests/bench/spread.bpf.c writes its
 * frames (the same 5-tuples as fill_flows), filled in batches.
 */
int peer_open(uint32_t n, struct htab_peer **out)
{
	struct htab_peer *h = htab_peer__open();
	struct netif_tuple4_key *keys = NULL;
	struct netif_flow *vals = NULL;
	uint32_t i, dst, done = 0;
	int err;

	if (!h)
		return -errno;
	bpf_map__set_max_entries(h->maps.peer_table, n);
	err = htab_peer__load(h);
	keys = calloc(n, sizeof(*keys));
	vals = calloc(n, sizeof(*vals));
	if (!err && (!keys || !vals))
		err = -ENOMEM;
	inet_pton(AF_INET, LOCAL4, &dst);
	for (i = 0; !err && i < n; i++) {
		keys[i].src = htonl(0xc6120000U + (i & 0x1ffff));
		keys[i].dst = dst;
		keys[i].sport = htons(1024 + (i >> 17));
		keys[i].dport = htons(LOCAL_PORT);
		keys[i].proto = IPPROTO_UDP;
		keys[i].mask = 0xf;
		vals[i].flow_id = i;
		vals[i].action = NETIF_ACTION_DROP;
	}
	while (!err && done < n) {
		__u32 cnt = n - done < 65536 ? n - done : 65536;

		LIBBPF_OPTS(bpf_map_batch_opts, o);
		if (bpf_map_update_batch(bpf_map__fd(h->maps.peer_table), keys + done, vals + done,
					 &cnt, &o))
			err = -errno;
		done += cnt;
	}
	free(keys);
	free(vals);
	if (err) {
		fprintf(stderr, "bench_prog_run: peer table of %u: %s\n", n, strerror(-err));
		htab_peer__destroy(h);
		return err;
	}
	*out = h;
	return 0;
}

/* The spreading wrapper over n flows, in front of prog_fd. */
int spread_open(uint32_t n, int prog_fd, struct spread **out)
{
	struct spread *s = spread__open();
	uint32_t zero = 0;
	int err;

	if (!s)
		return -errno;
	s->rodata->nflows = n;
	err = spread__load(s);
	if (!err && bpf_map_update_elem(bpf_map__fd(s->maps.next), &zero, &prog_fd, BPF_ANY))
		err = -errno;
	if (err) {
		fprintf(stderr, "bench_prog_run: spreading wrapper: %s\n", strerror(-err));
		spread__destroy(s);
		return err;
	}
	*out = s;
	return 0;
}

int xdpf_open(const char *arg, int *prog_fd, int *xs_fd, int *ports_fd, int *ip4_fd)
{
	char path[PATH_MAX];
	const char *dir = strchr(arg, ':');

	if (!dir)
		return -EINVAL;
	*prog_fd = bpf_prog_get_fd_by_id(strtoul(arg, NULL, 0));
	snprintf(path, sizeof(path), "%s/xdp_stats_map", dir + 1);
	*xs_fd = bpf_obj_get(path);
	snprintf(path, sizeof(path), "%s/filter_ports", dir + 1);
	*ports_fd = bpf_obj_get(path);
	snprintf(path, sizeof(path), "%s/filter_ipv4", dir + 1);
	*ip4_fd = bpf_obj_get(path);
	if (*prog_fd < 0 || *xs_fd < 0 || *ports_fd < 0 || *ip4_fd < 0) {
		fprintf(stderr, "bench_prog_run: xdp-filter program %s or its maps: %s\n", arg,
			strerror(errno));
		return -errno;
	}
	return 0;
}
