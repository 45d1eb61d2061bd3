/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef NETIF_BENCH_PROG_RUN_H
#define NETIF_BENCH_PROG_RUN_H

/* What bench_prog_run.c, prog_run_setup.c and prog_run_report.c share. */
#include <stdbool.h>
#include <stdint.h>

struct agent;
struct netif;
struct htab_peer;
struct spread;
struct pkt;

#define SCOPE_LINK 100
#define DENIED_ADDR "203.0.113.77" /* xdp-filter: ip 203.0.113.77 -m src */
#define DENIED_PORT 9000

#define MAX_ROUNDS 31
#define MAX_CASES 40

enum chk { CHK_COUNT, CHK_XDPF, CHK_NETIF };

struct bcase {
	const char *group, *name;
	int prog_fd;
	const struct pkt *pkt;
	uint32_t verdict;
	enum chk chk;
	int count_fd;              /* CHK_COUNT: per-CPU u64 at key 0 */
	int xs_fd, hits_fd;        /* CHK_XDPF: xdp_stats_map, filter_ports or _ipv4 */
	uint32_t hit_key;
	struct netif *nif;         /* CHK_NETIF */
	bool hit, policed;
	uint32_t flow_id;          /* hit, not spread: the flow that must count */
	uint32_t spread;           /* flows the frames are spread over, 0: none */
	float sub[5];              /* this round's calls */
	double ns[MAX_ROUNDS];
	int n;
};

extern struct agent g_ag; /* the agent the netifs are instantiated in */
extern struct bcase g_cases[MAX_CASES];
extern int g_ncases;

int netif_open(const char *name, uint32_t max_flows, struct netif **out);
int addr_flow(struct netif *nif, uint32_t *flow_id);
int port_flow(struct netif *nif, uint64_t rate, uint32_t *flow_id);
int mask_flows(struct netif *nif, int n);
int fill_flows(struct netif *nif, uint32_t n);
int peer_open(uint32_t n, struct htab_peer **out);
int spread_open(uint32_t n, int prog_fd, struct spread **out);
int xdpf_open(const char *arg, int *prog_fd, int *xs_fd, int *ports_fd, int *ip4_fd);

/* prog_run_report.c */
double median(const struct bcase *c);
double vmin(const struct bcase *c);
double vmax(const struct bcase *c);
const struct bcase *find(const char *name);
void print_table(const struct bcase *floor, const struct bcase *spread_floor);
void ratio(const char *what, const char *a, const char *b, double target, bool diff);
void print_targets(void);
void write_tsv(const char *file);

#endif
