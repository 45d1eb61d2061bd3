// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * bench_prog_run's report (prog_run.h): medians with min and max per case,
 * the ratios against the same-run floor and peers, issue 14's targets,
 * and the medians as a TSV for the plots.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "prog_run.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double median(const struct bcase *c)
{
	double v[MAX_ROUNDS];

	memcpy(v, c->ns, sizeof(v));
	qsort(v, c->n, sizeof(v[0]), cmp_double);
	return c->n & 1 ? v[c->n / 2] : (v[c->n / 2 - 1] + v[c->n / 2]) / 2;
}

double vmin(const struct bcase *c)
{
	double m = c->ns[0];

	for (int i = 1; i < c->n; i++)
		m = c->ns[i] < m ? c->ns[i] : m;
	return m;
}

double vmax(const struct bcase *c)
{
	double m = c->ns[0];

	for (int i = 1; i < c->n; i++)
		m = c->ns[i] > m ? c->ns[i] : m;
	return m;
}

const struct bcase *find(const char *name)
{
	for (int i = 0; i < g_ncases; i++)
		if (!strcmp(g_cases[i].name, name))
			return &g_cases[i];
	return NULL;
}

void print_table(const struct bcase *floor, const struct bcase *spread_floor)
{
	static const char *const groups[] = { "floor", "hit", "miss", "address", "police", "masks",
					       "flows" };

	printf("%-46s %8s %8s %8s %9s %9s\n", "case", "median", "min", "max", "-floor", "x floor");
	for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
		bool shown = false;

		for (int i = 0; i < g_ncases; i++) {
			const struct bcase *c = &g_cases[i];
			const struct bcase *f = strcmp(c->group, "flows") ? floor : spread_floor;
			double m = median(c);

			if (strcmp(c->group, groups[g]))
				continue;
			if (!shown)
				printf("[%s]\n", c->group);
			shown = true;
			printf("  %-44s %8.2f %8.2f %8.2f %9.2f %9.2f\n", c->name, m, vmin(c),
			       vmax(c), m - median(f), m / median(f));
		}
	}
}

void ratio(const char *what, const char *a, const char *b, double target, bool diff)
{
	const struct bcase *x = find(a), *y = find(b);
	double v;

	if (!x || !y)
		return;
	v = diff ? median(x) - median(y) : median(x) / median(y);
	printf("  %-56s %8.3f%s  (target <= %.2f%s) %s\n", what, v, diff ? " ns" : "x", target,
	       diff ? " ns" : "x",
	       v <= target		     ? "met"
	       : !diff && target == 1.0 && v <= 1.25 ? "NOT MET (within 1.25x: see the breakdown)"
						     : "NOT MET");
}

void print_targets(void)
{
	printf("targets (same-run medians):\n");
	ratio("IPv4 hit, netif / xdp-filter", "netif, IPv4 UDP dport 9000 (hit)",
	      "xdp-filter, IPv4 UDP dport 9000 (hit)", 1.0, false);
	ratio("IPv4 miss, netif / xdp-filter", "netif, IPv4 UDP dport 9001 (miss)",
	      "xdp-filter, IPv4 UDP dport 9001 (miss)", 1.0, false);
	ratio("IPv6 hit, netif / xdp-filter", "netif, IPv6 UDP dport 9000 (hit)",
	      "xdp-filter, IPv6 UDP dport 9000 (hit)", 1.0, false);
	ratio("IPv6 miss, netif / xdp-filter", "netif, IPv6 UDP dport 9001 (miss)",
	      "xdp-filter, IPv6 UDP dport 9001 (miss)", 1.0, false);
	ratio("IPv4 address rule hit, netif / xdp-filter", "netif, IPv4 from 203.0.113.77 (hit)",
	      "xdp-filter, IPv4 from 203.0.113.77 (hit)", 1.0, false);
	ratio("policed hit - plain hit", "netif, IPv4 hit, flow rate 10gbit",
	      "netif, IPv4 UDP dport 9000 (hit)", 10.0, true);
	ratio("miss, 32 masks / 1 mask", "netif, IPv4 miss, 32 masks (16 llink-scoped)",
	      "netif, IPv4 UDP dport 9001 (miss)", 1.3, false);
	ratio("miss, 16 masks / 1 mask", "netif, IPv4 miss, 16 masks",
	      "netif, IPv4 UDP dport 9001 (miss)", 1.3, false);
	if (find("netif, 1M flows, frames over all")) {
		ratio("1M flows / 1 flow (frames spread)", "netif, 1M flows, frames over all",
		      "netif, 1 flow", 1.15, false);
		/* the peer: what one lookup in a table of that size costs by itself */
		ratio("peer: 1M entries / 1 entry (one hash lookup)", "peer: hash lookup, 1M entries",
		      "peer: hash lookup, 1 entry", 1.15, false);
		if (find("peer: hash lookup, 1M entries"))
			printf("  %-56s %8.3fx  (no target: how much of it is the table's size)\n",
			       "netif 1M flows / peer 1M entries",
			       median(find("netif, 1M flows, frames over all")) /
			       median(find("peer: hash lookup, 1M entries")));
	} else {
		ratio("100k flows / 1 flow (frames spread)", "netif, 100k flows, frames over all",
		      "netif, 1 flow", 1.15, false);
	}
}

void write_tsv(const char *file)
{
	FILE *f = fopen(file, "w");

	if (!f) {
		fprintf(stderr, "bench_prog_run: %s: %s\n", file, strerror(errno));
		return;
	}
	fprintf(f, "# group\tcase\tmedian\tmin\tmax\n");
	for (int i = 0; i < g_ncases; i++)
		fprintf(f, "%s\t%s\t%.3f\t%.3f\t%.3f\n", g_cases[i].group, g_cases[i].name,
			median(&g_cases[i]), vmin(&g_cases[i]), vmax(&g_cases[i]));
	fclose(f);
}
