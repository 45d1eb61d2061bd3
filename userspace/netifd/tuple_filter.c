// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <bpf/bpf.h>
#include "netif/flow_rules.h"
#include "tuple_filter.h"

#define TF_ENTRIES ((size_t)NETIF_TUPLE_SLOTS * NETIF_TUPLE_FILTER_SIZE)
#define TF_BYTES (TF_ENTRIES * sizeof(struct netif_tuple_filter))
_Static_assert(sizeof(struct netif_tuple_filter) % 8 == 0, "an array entry is the value rounded to 8");

/*
 * The map, mapped once: entries are written with plain stores, no system
 * call per change (the fast path sees a 32-bit field either before or after;
 * each bit a writer flips only adds or removes a candidate).
 */
static struct netif_tuple_filter *tf_map(struct tuple_filter *tf, int map_fd)
{
	void *p;

	if (tf->map || map_fd < 0)
		return tf->map;
	p = mmap(NULL, TF_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED, map_fd, 0);
	if (p != MAP_FAILED)
		tf->map = p;
	return tf->map;
}

enum { F_SRC, F_DST, F_SPORT, F_DPORT, F_PROTO };

static const uint8_t rank_mask[NETIF_TUPLE_MASKS] = { NETIF_TUPLE_RANKS(NETIF__RANK_MASK, 0) };
/* the cfg bit of each field; every mask names the protocol */
static const uint8_t field_bit[TF_FIELDS] = { NETIF_TUPLE_M_SRC, NETIF_TUPLE_M_DST,
					      NETIF_TUPLE_M_SPORT, NETIF_TUPLE_M_DPORT,
					      NETIF_TUPLE_F_PROTO };

static bool names_field(uint8_t mask, int f)
{
	return f == F_PROTO || (mask & field_bit[f]);
}

int tf_rank_of(uint8_t mask)
{
	for (int r = 0; r < NETIF_TUPLE_MASKS; r++)
		if (rank_mask[r] == mask)
			return r;
	return -1;
}

int tf_init(struct tuple_filter *tf)
{
	memset(tf, 0, sizeof(*tf));
	tf->shadow = calloc((size_t)NETIF_TUPLE_SLOTS * NETIF_TUPLE_FILTER_SIZE,
			    sizeof(*tf->shadow));
	return tf->shadow ? 0 : -ENOMEM;
}

void tf_free(struct tuple_filter *tf)
{
	for (int s = 0; s < NETIF_TUPLE_SLOTS; s++)
		for (int r = 0; r < NETIF_TUPLE_MASKS; r++)
			for (int f = 0; f < TF_FIELDS; f++)
				free(tf->refs[s][r][f]);
	free(tf->shadow);
	if (tf->map)
		munmap(tf->map, TF_BYTES);
	memset(tf, 0, sizeof(*tf));
}

static uint32_t bucket_of(const struct tf_key *k, int f)
{
	switch (f) {
	case F_SRC:
		return k->family == 6 ? netif_tf_addr6(k->src) : netif_tf_addr4(k->src[0]);
	case F_DST:
		return k->family == 6 ? netif_tf_addr6(k->dst) : netif_tf_addr4(k->dst[0]);
	case F_SPORT:
		return netif_tf_port(k->sport);
	case F_DPORT:
		return netif_tf_port(k->dport);
	default:
		return k->proto;
	}
}

static uint32_t *field_word(struct netif_tuple_filter *e, int f)
{
	switch (f) {
	case F_SRC:
		return &e->src;
	case F_DST:
		return &e->dst;
	case F_SPORT:
		return &e->sport;
	case F_DPORT:
		return &e->dport;
	default:
		return &e->proto;
	}
}

static int write_entry(struct tuple_filter *tf, int map_fd, uint32_t idx)
{
	struct netif_tuple_filter *m;

	if (tf->defer || map_fd < 0)
		return 0;
	m = tf_map(tf, map_fd);
	if (m) {
		m[idx] = tf->shadow[idx];
		return 0;
	}
	return bpf_map_update_elem(map_fd, &idx, &tf->shadow[idx], BPF_ANY) ? -errno : 0;
}

/* Count one field of a key; flip and write its bit on the first and last reference. */
static int account_field(struct tuple_filter *tf, int map_fd, const struct tf_key *k, int rank,
			 int f, int delta)
{
	uint32_t **refs = &tf->refs[k->slot][rank][f];
	uint32_t b = bucket_of(k, f), idx = k->slot * NETIF_TUPLE_FILTER_SIZE + b;
	uint32_t *word = field_word(&tf->shadow[idx], f);
	int err;

	if (!*refs) {
		if (delta < 0)
			return 0;
		*refs = calloc(NETIF_TUPLE_FILTER_SIZE, sizeof(uint32_t));
		if (!*refs)
			return -ENOMEM;
	}
	if (delta < 0 && !(*refs)[b])
		return 0;
	(*refs)[b] += delta;
	if (!(delta > 0 && (*refs)[b] == 1) && !(delta < 0 && (*refs)[b] == 0))
		return 0; /* neither the first reference nor the last: the bit stands */
	*word ^= 1U << rank;
	err = write_entry(tf, map_fd, idx);
	if (err) {
		*word ^= 1U << rank;
		(*refs)[b] -= delta;
		return err;
	}
	if (*word == (1U << rank) && delta > 0)
		tf->occupied[k->slot][f]++;
	else if (!*word)
		tf->occupied[k->slot][f]--;
	return 0;
}

int tf_account(struct tuple_filter *tf, int map_fd, const struct tf_key *k, int delta)
{
	int rank = tf_rank_of(k->mask), f, err = 0;

	if (rank < 0 || k->slot >= NETIF_TUPLE_SLOTS)
		return -EINVAL;
	for (f = 0; f < TF_FIELDS && !err; f++)
		if (names_field(k->mask, f))
			err = account_field(tf, map_fd, k, rank, f, delta);
	if (err) {
		while (--f > 0)
			if (names_field(k->mask, f - 1))
				account_field(tf, map_fd, k, rank, f - 1, -delta);
		return err;
	}
	if (delta > 0 || tf->mask_refs[k->slot][rank])
		tf->mask_refs[k->slot][rank] += delta;
	return 0;
}

int tf_sync(struct tuple_filter *tf, int map_fd)
{
	struct netif_tuple_filter *m = tf_map(tf, map_fd);
	uint32_t i;
	int err = 0;

	if (m) {
		for (i = 0; i < TF_ENTRIES; i++)
			if (memcmp(&m[i], &tf->shadow[i], sizeof(m[i])))
				m[i] = tf->shadow[i];
		return 0;
	}
	for (i = 0; i < TF_ENTRIES && !err; i++)
		if (bpf_map_update_elem(map_fd, &i, &tf->shadow[i], BPF_ANY))
			err = -errno;
	return err;
}

static uint8_t slot_fields(const struct tuple_filter *tf, int s)
{
	uint8_t named = 0, fields = NETIF_TUPLE_F_PROTO;
	int n = 0, f;

	for (int r = 0; r < NETIF_TUPLE_MASKS; r++) {
		if (tf->mask_refs[s][r]) {
			named |= rank_mask[r] & 15;
			n++;
		}
	}
	if (!n)
		return 0;
	for (f = F_SRC; f <= F_DPORT; f++)
		if ((named & field_bit[f]) && tf->occupied[s][f] <= NETIF_TUPLE_FILTER_SIZE / 4)
			fields |= field_bit[f];
	if (n <= NETIF_TUPLE_FILTER_MIN && __builtin_popcount(fields & 15) > 2)
		return 0;
	return fields;
}

void tf_cfg(const struct tuple_filter *tf, struct netif_cfg *cfg)
{
	for (int s = 0; s < NETIF_TUPLE_SLOTS; s++) {
		cfg->tuple_ranks[s] = 0;
		cfg->tuple_first[s] = 0;
		for (int r = NETIF_TUPLE_MASKS - 1; r >= 0; r--)
			if (tf->mask_refs[s][r]) {
				cfg->tuple_ranks[s] |= 1U << r;
				cfg->tuple_first[s] = rank_mask[r];
			}
		cfg->tuple_fields[s] = slot_fields(tf, s);
	}
}
