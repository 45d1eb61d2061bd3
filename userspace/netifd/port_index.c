// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include "port_index.h"

#define PI_BYTES ((size_t)NETIF_PORT_INDEX_ENTRIES * sizeof(struct netif_port_entry))
_Static_assert(sizeof(struct netif_port_entry) == 8, "an array entry is 8 bytes");

int pi_init(struct port_index *pi)
{
	memset(pi, 0, sizeof(*pi));
	return 0;
}

void pi_free(struct port_index *pi)
{
	if (pi->idx)
		munmap(pi->idx, PI_BYTES);
	free(pi->expect);
	memset(pi, 0, sizeof(*pi));
}

/* The index, mapped once: netifd changes an entry with a plain 16-bit store. */
static uint16_t *pi_map(struct port_index *pi, int idx_fd)
{
	void *p;

	if (pi->idx || idx_fd < 0)
		return pi->idx;
	p = mmap(NULL, PI_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED, idx_fd, 0);
	if (p != MAP_FAILED)
		pi->idx = p;
	return pi->idx;
}

bool pi_covers(const struct tf_key *k)
{
	return (k->mask == NETIF_TUPLE_M_DPORT || k->mask == NETIF_TUPLE_M_SPORT) &&
	       (k->proto == IPPROTO_TCP || k->proto == IPPROTO_UDP);
}

static uint32_t pi_key(const struct tf_key *k)
{
	int dport = k->mask == NETIF_TUPLE_M_DPORT;

	return NETIF_PORT_INDEX(k->slot, dport, k->proto == IPPROTO_UDP,
				ntohs(dport ? k->dport : k->sport));
}

static bool slot_used(const struct port_index *pi, uint32_t s)
{
	return pi->used[s / 8] & (1U << (s % 8));
}

static int slot_alloc(struct port_index *pi, uint32_t *slot)
{
	for (uint32_t i = 0; i < NETIF_PORT_FLOWS; i++) {
		uint32_t s = (pi->hint + i) % NETIF_PORT_FLOWS;

		if (!slot_used(pi, s)) {
			pi->used[s / 8] |= 1U << (s % 8);
			pi->hint = s + 1;
			*slot = s;
			return 0;
		}
	}
	return -ENOSPC;
}

static void slot_free(struct port_index *pi, uint32_t s)
{
	pi->used[s / 8] &= ~(1U << (s % 8));
}

/* A fresh port_flows slot holding v: the copy first, the fast path may follow the index at once. */
static int slot_put(struct port_index *pi, int flows_fd, const struct netif_flow *v, uint32_t *slot)
{
	int err = slot_alloc(pi, slot);

	if (err)
		return err;
	if (bpf_map_update_elem(flows_fd, slot, v, BPF_ANY)) {
		err = -errno;
		slot_free(pi, *slot);
	}
	return err;
}

/*
 * Restart: the entry a previous netifd left for this key, if it still
 * names this very flow (its copy carries the flow's uuid); adopting it
 * rewrites nothing.
 */
static bool adopt(struct port_index *pi, int flows_fd, uint16_t e, const struct netif_flow *v)
{
	struct netif_flow old;
	uint32_t s = e - 1u;

	if (!e || s >= NETIF_PORT_FLOWS || slot_used(pi, s) ||
	    bpf_map_lookup_elem(flows_fd, &s, &old) || memcmp(&old, v, sizeof(old)))
		return false;
	pi->used[s / 8] |= 1U << (s % 8);
	return true;
}

int pi_add(struct port_index *pi, int idx_fd, int flows_fd, const struct tf_key *k,
	   const struct netif_flow *v)
{
	uint16_t *idx = pi_map(pi, idx_fd);
	uint32_t key = pi_key(k), slot;
	int err;

	if (!idx)
		return -ENOMEM;
	if (pi->defer) {
		if (!pi->expect && !(pi->expect = calloc(NETIF_PORT_INDEX_SIZE, sizeof(uint16_t))))
			return -ENOMEM;
		if (pi->expect[key])
			return -EEXIST;
		if (adopt(pi, flows_fd, idx[key], v)) {
			pi->expect[key] = idx[key];
			return 0;
		}
	} else if (idx[key]) {
		return -EEXIST; /* the tuple table refuses the same key first */
	}
	err = slot_put(pi, flows_fd, v, &slot);
	if (err)
		return err;
	if (pi->defer)
		pi->expect[key] = slot + 1;
	else
		idx[key] = slot + 1;
	return 0;
}

int pi_del(struct port_index *pi, int idx_fd, const struct tf_key *k)
{
	uint16_t *idx = pi_map(pi, idx_fd);
	uint32_t key = pi_key(k);
	uint16_t e;

	if (!idx || !(e = idx[key]))
		return 0;
	idx[key] = 0;
	slot_free(pi, e - 1u);
	return 0;
}

/*
 * A flow changed in place: its copy written to a fresh slot, then the index
 * entry switched to it with one 16-bit store, so the fast path reads the
 * old copy or the new one, never a half-written one.
 */
int pi_replace(struct port_index *pi, int idx_fd, int flows_fd, const struct tf_key *k,
	       const struct netif_flow *v)
{
	uint16_t *idx = pi_map(pi, idx_fd);
	uint32_t key = pi_key(k), slot;
	uint16_t old;
	int err;

	if (!idx)
		return -ENOMEM;
	old = idx[key];
	if (!old)
		return pi_add(pi, idx_fd, flows_fd, k, v);
	err = slot_put(pi, flows_fd, v, &slot);
	if (err)
		return err;
	idx[key] = slot + 1;
	slot_free(pi, old - 1u);
	return 0;
}

/* After a restart: the index made what the flows say, entries of flows gone cleared. */
int pi_sync(struct port_index *pi, int idx_fd)
{
	uint16_t *idx = pi_map(pi, idx_fd);
	uint32_t i;

	if (!idx)
		return -ENOMEM;
	for (i = 0; i < NETIF_PORT_INDEX_SIZE; i++) {
		uint16_t want = pi->expect ? pi->expect[i] : 0;

		if (idx[i] != want)
			idx[i] = want;
	}
	free(pi->expect);
	pi->expect = NULL;
	return 0;
}
