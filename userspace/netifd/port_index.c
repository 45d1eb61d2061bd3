// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include "port_index.h"

int pi_init(struct port_index *pi)
{
	memset(pi, 0, sizeof(*pi));
	pi->shadow = calloc(NETIF_PORT_INDEX_SIZE, sizeof(*pi->shadow));
	return pi->shadow ? 0 : -ENOMEM;
}

void pi_free(struct port_index *pi)
{
	free(pi->shadow);
	memset(pi, 0, sizeof(*pi));
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

static int slot_alloc(struct port_index *pi, uint32_t *slot)
{
	for (uint32_t i = 0; i < NETIF_PORT_FLOWS; i++) {
		uint32_t s = (pi->hint + i) % NETIF_PORT_FLOWS;

		if (!(pi->used[s / 8] & (1U << (s % 8)))) {
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

static int write_index(struct port_index *pi, int idx_fd, uint32_t key)
{
	if (pi->defer)
		return 0;
	return bpf_map_update_elem(idx_fd, &key, &pi->shadow[key], BPF_ANY) ? -errno : 0;
}

int pi_add(struct port_index *pi, int idx_fd, int flows_fd, const struct tf_key *k,
	   const struct netif_flow *v)
{
	uint32_t key = pi_key(k), slot;
	int err;

	if (key >= NETIF_PORT_INDEX_SIZE || pi->shadow[key])
		return -EEXIST; /* the tuple table refuses the same key first */
	err = slot_alloc(pi, &slot);
	if (err)
		return err;
	/* the copy first: the fast path may follow the index entry at once */
	if (bpf_map_update_elem(flows_fd, &slot, v, BPF_ANY)) {
		err = -errno;
		slot_free(pi, slot);
		return err;
	}
	pi->shadow[key] = slot + 1;
	err = write_index(pi, idx_fd, key);
	if (err) {
		pi->shadow[key] = 0;
		slot_free(pi, slot);
	}
	return err;
}

int pi_del(struct port_index *pi, int idx_fd, const struct tf_key *k)
{
	uint32_t key = pi_key(k);
	uint16_t e;
	int err;

	if (key >= NETIF_PORT_INDEX_SIZE || !(e = pi->shadow[key]))
		return 0;
	pi->shadow[key] = 0;
	err = write_index(pi, idx_fd, key);
	if (err) {
		pi->shadow[key] = e;
		return err;
	}
	slot_free(pi, e - 1u);
	return 0;
}

int pi_sync(struct port_index *pi, int idx_fd)
{
	uint32_t n = NETIF_PORT_INDEX_SIZE, i;
	uint32_t *keys = malloc(n * sizeof(*keys));
	int err = 0;

	if (!keys)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		keys[i] = i;
	LIBBPF_OPTS(bpf_map_batch_opts, o);
	if (bpf_map_update_batch(idx_fd, keys, pi->shadow, &n, &o)) {
		for (i = 0; i < NETIF_PORT_INDEX_SIZE && !err; i++)
			if (bpf_map_update_elem(idx_fd, &keys[i], &pi->shadow[i], BPF_ANY))
				err = -errno;
	}
	free(keys);
	return err;
}
