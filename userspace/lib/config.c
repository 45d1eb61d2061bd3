// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The description of netifd.yaml(5) (config.h): defaults, building, freeing, errors. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "netif/maps.h"
#include "config.h"

void cfg_netif_defaults(struct cfg_netif *n)
{
	n->mode = NETIF_MODE_AUTO;
	n->rx_slots = NETIF_RX_SLOTS_DEF;
	n->tx_slots = NETIF_TX_SLOTS_DEF;
	n->buf_size = NETIF_BUF_SIZE_DEF;
	n->max_flows = NETIF_MAX_FLOWS_DEF;
	n->low_latency = false;
	n->default_action = NETIF_ACTION_PASS;
	n->unknown_vlan = NETIF_VLAN_DEFAULT;
	n->input_rate = n->input_burst = n->shape = 0;
}

void cfg_flow_defaults(struct cfg_flow *f)
{
	memset(f, 0, sizeof(*f));
	f->dir = NETIF_DIR_IN;
	f->action = NETIF_ACTION_PASS;
}

/* One more element of an array that grows by doubling; zeroed. */
static void *add(void **arr, unsigned int *n, size_t size)
{
	unsigned int cap = 4;
	char *grown;

	while (cap < *n + 1)
		cap *= 2;
	/* the capacity is the next power of two: grow only when n reaches it */
	if (*n == 0 || (*n >= 4 && !(*n & (*n - 1)))) {
		grown = realloc(*arr, (size_t)cap * size);
		if (!grown)
			return NULL;
		*arr = grown;
	}
	grown = (char *)*arr + (size_t)(*n)++ * size;
	memset(grown, 0, size);
	return grown;
}

struct cfg_netif *cfg_add_netif(struct cfg *c)
{
	struct cfg_netif *n = add((void **)&c->netifs, &c->n, sizeof(*n));

	if (n)
		cfg_netif_defaults(n);
	return n;
}

struct cfg_llink *cfg_add_llink(struct cfg_netif *n)
{
	return add((void **)&n->llinks, &n->nllinks, sizeof(struct cfg_llink));
}

struct cfg_flow *cfg_add_flow(struct cfg_netif *n)
{
	struct cfg_flow *f = add((void **)&n->flows, &n->nflows, sizeof(*f));

	if (f)
		cfg_flow_defaults(f);
	return f;
}

struct cfg_filter *cfg_add_filter(struct cfg_netif *n)
{
	struct cfg_filter *f = add((void **)&n->filters, &n->nfilters, sizeof(*f));

	if (f)
		f->dirs = NETIF_FILTER_DIR_RX | NETIF_FILTER_DIR_TX;
	return f;
}

void cfg_free(struct cfg *c)
{
	unsigned int i;

	for (i = 0; i < c->n; i++) {
		free(c->netifs[i].llinks);
		free(c->netifs[i].flows);
		free(c->netifs[i].filters);
	}
	free(c->netifs);
	memset(c, 0, sizeof(*c));
}

void cfg_error_format(const struct cfg_error *e, const char *file, char *buf, size_t len)
{
	if (e->pos.line)
		snprintf(buf, len, "%s:%u:%u: %s: %s", file, e->pos.line, e->pos.col,
			 e->path[0] ? e->path : "(top)", e->msg);
	else
		snprintf(buf, len, "%s: %s", file, e->msg);
}
