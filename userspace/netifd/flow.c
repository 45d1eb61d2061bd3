// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/random.h>
#include <uuid/uuid.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "netif/flow_rules.h"
#include "netif/parse.h"
#include "netif/params.h"
#include "agent.h"
#include "bucket.h"
#include "flow.h"
#include "llink.h"
#include "log.h"
#include "names.h"
#include "rtnl.h"
#include "egress.h"
#include "shape.h"

/* The map a key lives in. */
static int key_map(const struct flow_key *k)
{
	switch (k->table) {
	case NETIF_FLOW_ETHERTYPE:
		return DP_ETYPE;
	case NETIF_FLOW_ULA:
		return DP_ULA;
	default:
		return k->family == 6 ? DP_TUPLE6 : DP_TUPLE4;
	}
}

static int flow_stats_zero(struct netif *nif, uint32_t id);

/*
 * A random (version 4) UUID from a buffer of getrandom() bytes: libuuid's
 * uuid_generate_random() makes four system calls per UUID (getrandom,
 * getpid, getppid, getuid), a third of the cost of adding a flow.
 */
static void flow_uuid_new(uint8_t uuid[16])
{
	static uint8_t pool[4096];
	static size_t left;

	if (left < 16) {
		if (getrandom(pool, sizeof(pool), 0) != (ssize_t)sizeof(pool)) {
			uuid_generate_random(uuid);
			return;
		}
		left = sizeof(pool);
	}
	left -= 16;
	memcpy(uuid, pool + left, 16);
	uuid[6] = (uuid[6] & 0x0f) | 0x40; /* version 4 */
	uuid[8] = (uuid[8] & 0x3f) | 0x80; /* RFC 4122 variant */
}

/* ---- decoding and validation (pure) ---------------------------------- */

static const char *attr_name(int type)
{
	return netif_flow_policy[type].name;
}

static int reject_attrs(const struct nlattr **tb, const int *types, size_t n, const char *why,
			struct netif_extack *ext)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (tb[types[i]]) {
			netif_extack_set(ext, "\"%s\" is not valid %s", attr_name(types[i]), why);
			ext->bad_attr = tb[types[i]];
			return -EINVAL;
		}
	}
	return 0;
}

static void copy_addr(const struct nlattr *a, uint32_t out[4])
{
	memset(out, 0, 16);
	memcpy(out, mnl_attr_get_payload(a), mnl_attr_get_payload_len(a));
}

int flow_spec_from_attr(const struct nlattr *nest, struct flow_spec *fs, struct netif_extack *ext)
{
	static const int readonly[] = { NETIF_FA_PACKETS, NETIF_FA_BYTES, NETIF_FA_DROPS,
					NETIF_FA_FLOW_ID };
	static const int tuple_only[] = { NETIF_FA_PROTO, NETIF_FA_FAMILY, NETIF_FA_SRC,
					  NETIF_FA_DST, NETIF_FA_SPORT, NETIF_FA_DPORT };
	static const int ula_only[] = { NETIF_FA_LOCAL, NETIF_FA_REMOTE };
	static const int etype_only[] = { NETIF_FA_ETHERTYPE };
	const struct nlattr *tb[NETIF_FA_MAX + 1];
	int err;

	memset(fs, 0, sizeof(*fs));
	err = netif_attr_parse_nested(nest, netif_flow_policy, NETIF_FA_MAX, tb, ext);
	if (err)
		return err;
	err = reject_attrs(tb, readonly, 4, "in a request (read-only)", ext);
	if (err)
		return err;
	if (tb[NETIF_FA_UUID]) {
		memcpy(fs->uuid, mnl_attr_get_payload(tb[NETIF_FA_UUID]), 16);
		fs->has_uuid = true;
	}
	if (!tb[NETIF_FA_TYPE]) {
		netif_extack_set(ext, "flow type missing (ethertype, ula or tuple)");
		return -EINVAL;
	}
	fs->type = mnl_attr_get_u8(tb[NETIF_FA_TYPE]);
	fs->dir = tb[NETIF_FA_DIR] ? mnl_attr_get_u8(tb[NETIF_FA_DIR]) : NETIF_DIR_IN;
	if (fs->dir > NETIF_DIR_OUT) {
		netif_extack_set(ext, "flow direction %u invalid (in or out)", fs->dir);
		ext->bad_attr = tb[NETIF_FA_DIR];
		return -EINVAL;
	}

	switch (fs->type) {
	case NETIF_FLOW_ETHERTYPE:
		err = reject_attrs(tb, tuple_only, 6, "for an ethertype flow", ext) ?:
		      reject_attrs(tb, ula_only, 2, "for an ethertype flow", ext);
		if (err)
			return err;
		if (!tb[NETIF_FA_ETHERTYPE]) {
			netif_extack_set(ext, "ethertype flow without an ethertype");
			return -EINVAL;
		}
		fs->ethertype = mnl_attr_get_u16(tb[NETIF_FA_ETHERTYPE]);
		break;
	case NETIF_FLOW_ULA:
		err = reject_attrs(tb, tuple_only, 6, "for a ula flow", ext) ?:
		      reject_attrs(tb, etype_only, 1, "for a ula flow", ext);
		if (err)
			return err;
		if (!tb[NETIF_FA_LOCAL] || !tb[NETIF_FA_REMOTE]) {
			netif_extack_set(ext, "ula flow needs both a local and a remote IPv6 address");
			return -EINVAL;
		}
		fs->family = 6;
		copy_addr(tb[NETIF_FA_LOCAL], fs->local);
		copy_addr(tb[NETIF_FA_REMOTE], fs->remote);
		break;
	case NETIF_FLOW_TUPLE:
		err = reject_attrs(tb, ula_only, 2, "for a tuple flow", ext) ?:
		      reject_attrs(tb, etype_only, 1, "for a tuple flow", ext);
		if (err)
			return err;
		if (!tb[NETIF_FA_PROTO]) {
			netif_extack_set(ext, "tuple flow without a protocol");
			return -EINVAL;
		}
		fs->proto = mnl_attr_get_u8(tb[NETIF_FA_PROTO]);
		if (tb[NETIF_FA_FAMILY])
			fs->family = mnl_attr_get_u8(tb[NETIF_FA_FAMILY]);
		if (tb[NETIF_FA_SRC]) {
			uint16_t len = mnl_attr_get_payload_len(tb[NETIF_FA_SRC]);

			if (len != 4 && len != 16) {
				netif_extack_set(ext, "source address must be 4 or 16 bytes");
				ext->bad_attr = tb[NETIF_FA_SRC];
				return -EINVAL;
			}
			copy_addr(tb[NETIF_FA_SRC], fs->src);
			fs->mask |= NETIF_TUPLE_M_SRC;
			if (fs->family && fs->family != (len == 4 ? 4 : 6))
				goto family_mismatch;
			fs->family = len == 4 ? 4 : 6;
		}
		if (tb[NETIF_FA_DST]) {
			uint16_t len = mnl_attr_get_payload_len(tb[NETIF_FA_DST]);

			if (len != 4 && len != 16) {
				netif_extack_set(ext, "destination address must be 4 or 16 bytes");
				ext->bad_attr = tb[NETIF_FA_DST];
				return -EINVAL;
			}
			copy_addr(tb[NETIF_FA_DST], fs->dst);
			fs->mask |= NETIF_TUPLE_M_DST;
			if (fs->family && fs->family != (len == 4 ? 4 : 6))
				goto family_mismatch;
			fs->family = len == 4 ? 4 : 6;
		}
		if (tb[NETIF_FA_SPORT]) {
			fs->sport = mnl_attr_get_u16(tb[NETIF_FA_SPORT]);
			fs->mask |= NETIF_TUPLE_M_SPORT;
		}
		if (tb[NETIF_FA_DPORT]) {
			fs->dport = mnl_attr_get_u16(tb[NETIF_FA_DPORT]);
			fs->mask |= NETIF_TUPLE_M_DPORT;
		}
		break;
	default:
		netif_extack_set(ext, "unknown flow type %u", fs->type);
		ext->bad_attr = tb[NETIF_FA_TYPE];
		return -EINVAL;
	}

	fs->action = tb[NETIF_FA_ACTION] ? mnl_attr_get_u8(tb[NETIF_FA_ACTION]) : NETIF_ACTION_PASS;
	if (tb[NETIF_FA_REDIRECT_DEV])
		strncpy(fs->redirect_dev, mnl_attr_get_str(tb[NETIF_FA_REDIRECT_DEV]),
			sizeof(fs->redirect_dev) - 1);
	if (tb[NETIF_FA_PORT])
		fs->port = mnl_attr_get_u8(tb[NETIF_FA_PORT]);
	if (tb[NETIF_FA_RATE])
		fs->rate = mnl_attr_get_u64(tb[NETIF_FA_RATE]);
	if (tb[NETIF_FA_BURST])
		fs->burst = mnl_attr_get_u64(tb[NETIF_FA_BURST]);
	if (tb[NETIF_FA_SHAPE])
		fs->shape = mnl_attr_get_u64(tb[NETIF_FA_SHAPE]);
	if (tb[NETIF_FA_QSET_HINT])
		fs->qset_hint = mnl_attr_get_u32(tb[NETIF_FA_QSET_HINT]);
	if (tb[NETIF_FA_LLINK]) {
		fs->has_llink = true;
		fs->llink_id = mnl_attr_get_u64(tb[NETIF_FA_LLINK]);
	}
	if (tb[NETIF_FA_PORT] && fs->action != NETIF_ACTION_PORT) {
		netif_extack_set(ext, "a port is only valid with action port");
		ext->bad_attr = tb[NETIF_FA_PORT];
		return -EINVAL;
	}
	if (tb[NETIF_FA_REDIRECT_DEV] && fs->action != NETIF_ACTION_REDIRECT) {
		netif_extack_set(ext, "a redirect device is only valid with action redirect");
		ext->bad_attr = tb[NETIF_FA_REDIRECT_DEV];
		return -EINVAL;
	}
	return flow_spec_check(fs, ext);

family_mismatch:
	netif_extack_set(ext, "source and destination addresses (and protocol) must be of one family");
	return -EINVAL;
}

static bool addr6_unusable(const uint32_t a[4])
{
	const uint8_t *b = (const uint8_t *)a;

	return b[0] == 0xff || (a[0] == 0 && a[1] == 0 && a[2] == 0 && a[3] == 0);
}

int flow_spec_check(const struct flow_spec *fs, struct netif_extack *ext)
{
	struct netif_bucket b;
	int err;

	if (fs->has_uuid && uuid_is_null(fs->uuid)) {
		netif_extack_set(ext, "flow uuid is null");
		return -EINVAL;
	}
	switch (fs->type) {
	case NETIF_FLOW_ETHERTYPE:
		if (!netif_ethertype_claimable(fs->ethertype)) {
			netif_extack_set(ext,
					 "ethertype 0x%04x cannot be claimed (802.3 length, or IP, ARP, "
					 "RARP, VLAN, IPv6, PAE, RSN pre-auth, 802.15.4)",
					 fs->ethertype);
			return -EINVAL;
		}
		break;
	case NETIF_FLOW_ULA:
		if (addr6_unusable(fs->local) || addr6_unusable(fs->remote)) {
			netif_extack_set(ext, "ula flow addresses must be unicast and specified");
			return -EINVAL;
		}
		break;
	case NETIF_FLOW_TUPLE:
		if (fs->family && fs->family != 4 && fs->family != 6) {
			netif_extack_set(ext, "address family %u invalid (4 or 6)", fs->family);
			return -EINVAL;
		}
		if ((fs->proto == IPPROTO_ICMP && fs->family == 6) ||
		    (fs->proto == IPPROTO_ICMPV6 && fs->family == 4)) {
			netif_extack_set(ext, "protocol %s does not match the address family",
					 fs->proto == IPPROTO_ICMP ? "icmp" : "icmpv6");
			return -EINVAL;
		}
		if (fs->mask & (NETIF_TUPLE_M_SPORT | NETIF_TUPLE_M_DPORT)) {
			bool icmp = fs->proto == IPPROTO_ICMP || fs->proto == IPPROTO_ICMPV6;

			if (fs->proto != IPPROTO_TCP && fs->proto != IPPROTO_UDP && !icmp) {
				netif_extack_set(ext, "ports are only valid for tcp and udp "
						      "(type/code for icmp)");
				return -EINVAL;
			}
			if (!icmp && (((fs->mask & NETIF_TUPLE_M_SPORT) && !fs->sport) ||
				      ((fs->mask & NETIF_TUPLE_M_DPORT) && !fs->dport))) {
				netif_extack_set(ext, "port 0 is not a valid port");
				return -EINVAL;
			}
			if (icmp && (fs->sport > 255 || fs->dport > 255)) {
				netif_extack_set(ext, "icmp type and code are 0..255");
				return -EINVAL;
			}
		}
		break;
	}

	switch (fs->action) {
	case NETIF_ACTION_PASS:
	case NETIF_ACTION_DROP:
	case NETIF_ACTION_EXCEPTION:
		break;
	case NETIF_ACTION_REDIRECT:
		if (!fs->redirect_dev[0]) {
			netif_extack_set(ext, "action redirect needs a device");
			return -EINVAL;
		}
		if (fs->dir == NETIF_DIR_OUT) {
			netif_extack_set(ext, "redirect is an ingress action");
			return -EINVAL;
		}
		break;
	case NETIF_ACTION_PORT:
		if (fs->port < NETIF_PORT_CLIENT_MIN || fs->port >= NETIF_PORT_MAX) {
			netif_extack_set(ext, "client port %u out of range [%u, %u]", fs->port,
					 NETIF_PORT_CLIENT_MIN, NETIF_PORT_MAX - 1);
			return -EINVAL;
		}
		if (fs->dir == NETIF_DIR_OUT) {
			netif_extack_set(ext, "port delivery is an ingress action");
			return -EINVAL;
		}
		break;
	default:
		netif_extack_set(ext, "unknown action %u", fs->action);
		return -EINVAL;
	}

	err = bucket_params(fs->rate, fs->burst, "flow", &b, ext);
	if (err)
		return err;
	if (fs->shape) {
		if (fs->dir != NETIF_DIR_OUT) {
			netif_extack_set(ext, "shaping applies to egress flows (dir out); "
					      "use rate to police ingress");
			return -EINVAL;
		}
		if (fs->shape < NETIF_RATE_MIN || fs->shape > NETIF_RATE_MAX) {
			netif_extack_set(ext, "shape rate out of range [8bit, 400Gbit]");
			return -EINVAL;
		}
		if (fs->action != NETIF_ACTION_PASS) {
			netif_extack_set(ext, "only a passing flow can be shaped");
			return -EINVAL;
		}
	}
	return 0;
}

/* The key of a tuple flow in one family's table; absent fields stay zero. */
static void tuple_key(const struct flow_spec *fs, int fam, struct flow_key *key)
{
	uint8_t mask = fs->mask | (fs->has_llink ? NETIF_TUPLE_M_LLINK : 0);
	uint16_t llink = fs->has_llink ? fs->llink_internal : 0;
	uint16_t sport = fs->mask & NETIF_TUPLE_M_SPORT ? htons(fs->sport) : 0;
	uint16_t dport = fs->mask & NETIF_TUPLE_M_DPORT ? htons(fs->dport) : 0;

	key->table = NETIF_FLOW_TUPLE;
	key->family = fam;
	if (fam == 4) {
		struct netif_tuple4_key *k = &key->tuple4;

		k->dir = fs->dir;
		k->proto = fs->proto;
		k->mask = mask;
		k->llink = llink;
		k->src = fs->mask & NETIF_TUPLE_M_SRC ? fs->src[0] : 0;
		k->dst = fs->mask & NETIF_TUPLE_M_DST ? fs->dst[0] : 0;
		k->sport = sport;
		k->dport = dport;
	} else {
		struct netif_tuple6_key *k = &key->tuple6;

		k->dir = fs->dir;
		k->proto = fs->proto;
		k->mask = mask;
		k->llink = llink;
		if (fs->mask & NETIF_TUPLE_M_SRC)
			memcpy(k->src, fs->src, 16);
		if (fs->mask & NETIF_TUPLE_M_DST)
			memcpy(k->dst, fs->dst, 16);
		k->sport = sport;
		k->dport = dport;
	}
}

int flow_spec_keys(const struct flow_spec *fs, struct flow_key keys[2])
{
	int n = 0;

	memset(keys, 0, 2 * sizeof(keys[0]));
	switch (fs->type) {
	case NETIF_FLOW_ETHERTYPE:
		keys[0].table = NETIF_FLOW_ETHERTYPE;
		keys[0].etype.ethertype = fs->ethertype;
		keys[0].etype.dir = fs->dir;
		keys[0].etype.llink = fs->has_llink ? fs->llink_internal : 0;
		return 1;
	case NETIF_FLOW_ULA:
		keys[0].table = NETIF_FLOW_ULA;
		memcpy(keys[0].ula.local, fs->local, 16);
		memcpy(keys[0].ula.remote, fs->remote, 16);
		keys[0].ula.dir = fs->dir;
		keys[0].ula.llink = fs->has_llink ? fs->llink_internal : 0;
		return 1;
	case NETIF_FLOW_TUPLE:
		for (int fam = 4; fam <= 6; fam += 2) {
			if (fs->family && fs->family != fam)
				continue;
			if ((fs->proto == IPPROTO_ICMP && fam == 6) ||
			    (fs->proto == IPPROTO_ICMPV6 && fam == 4))
				continue;
			tuple_key(fs, fam, &keys[n++]);
		}
		return n;
	}
	return 0;
}

/* ---- the table ------------------------------------------------------- */

#define FLOW_CHUNK 4096

struct flow_chunk {
	struct flow_chunk *next;
	uint32_t used;
	struct flow_rec recs[FLOW_CHUNK];
};

/*
 * One calloc per 4096 flows instead of one per flow: at a restart with a
 * million pinned flows malloc's bookkeeping was a fifth of the rebuild.
 */
static struct flow_rec *rec_alloc(struct flow_table *ft)
{
	struct flow_rec *r = ft->free_recs;
	struct flow_chunk *c = ft->chunks;

	if (r) {
		ft->free_recs = r->port_next;
		memset(r, 0, sizeof(*r));
		return r;
	}
	if (!c || c->used == FLOW_CHUNK) {
		c = calloc(1, sizeof(*c));
		if (!c)
			return NULL;
		c->next = ft->chunks;
		ft->chunks = c;
	}
	return &c->recs[c->used++];
}

static void rec_free(struct flow_table *ft, struct flow_rec *r)
{
	r->port_next = ft->free_recs;
	ft->free_recs = r;
}


int flow_table_init(struct flow_table *ft, uint32_t max)
{
	int err;

	memset(ft, 0, sizeof(*ft));
	ft->max = max;
	err = tf_init(&ft->tf);
	if (err)
		return err;
	err = pi_init(&ft->pi);
	ft->id_used = calloc((max + 7) / 8, 1);
	if (err || !ft->id_used) {
		tf_free(&ft->tf);
		pi_free(&ft->pi);
		free(ft->id_used);
		ft->id_used = NULL;
		return -ENOMEM;
	}
	return 0;
}

void flow_table_free(struct flow_table *ft)
{
	struct flow_rec *r, *tmp;

	HASH_ITER(hh, ft->by_uuid, r, tmp)
		HASH_DEL(ft->by_uuid, r);
	while (ft->chunks) {
		struct flow_chunk *c = ft->chunks;

		ft->chunks = c->next;
		free(c);
	}
	ft->free_recs = NULL;
	free(ft->id_used);
	ft->id_used = NULL;
	ft->count = 0;
	tf_free(&ft->tf);
	pi_free(&ft->pi);
}

static bool id_test(const struct flow_table *ft, uint32_t id)
{
	return ft->id_used[id / 8] & (1U << (id % 8));
}

static void id_set(struct flow_table *ft, uint32_t id, bool used)
{
	if (used)
		ft->id_used[id / 8] |= 1U << (id % 8);
	else
		ft->id_used[id / 8] &= ~(1U << (id % 8));
}

static int id_alloc(struct flow_table *ft, uint32_t *id)
{
	uint32_t i, cand;

	for (i = 0; i < ft->max; i++) {
		cand = (ft->id_hint + i) % ft->max;
		if (!id_test(ft, cand)) {
			id_set(ft, cand, true);
			ft->id_hint = cand + 1;
			*id = cand;
			return 0;
		}
	}
	return -ENOSPC;
}

struct flow_rec *flow_find(struct netif *nif, const uint8_t uuid[16])
{
	struct flow_rec *r;

	HASH_FIND(hh, nif->flows.by_uuid, uuid, 16, r);
	return r;
}

static void *key_ptr(const struct flow_key *k)
{
	/* all members of the union start at the same address */
	return (void *)&k->tuple4;
}

static void tf_key_of(const struct flow_key *k, struct tf_key *t)
{
	memset(t, 0, sizeof(*t));
	t->family = k->family;
	if (k->family == 6) {
		const struct netif_tuple6_key *k6 = &k->tuple6;

		t->slot = NETIF_TUPLE_SLOT(k6->dir, 6);
		t->mask = k6->mask;
		t->proto = k6->proto;
		memcpy(t->src, k6->src, 16);
		memcpy(t->dst, k6->dst, 16);
		t->sport = k6->sport;
		t->dport = k6->dport;
	} else {
		const struct netif_tuple4_key *k4 = &k->tuple4;

		t->slot = NETIF_TUPLE_SLOT(k4->dir, 4);
		t->mask = k4->mask;
		t->proto = k4->proto;
		t->src[0] = k4->src;
		t->dst[0] = k4->dst;
		t->sport = k4->sport;
		t->dport = k4->dport;
	}
}

static int table_bit(const struct flow_key *k, uint8_t *dir)
{
	if (k->table == NETIF_FLOW_ETHERTYPE) {
		*dir = k->etype.dir;
		return k->etype.llink ? 1 : 0;
	}
	*dir = k->ula.dir;
	return k->ula.llink ? 3 : 2;
}

/*
 * Account one more (delta 1) or one less (-1) key in the fast path's
 * summary bits and, for tuple keys, in the tuple filter (whose entries are
 * written here, before the caller writes cfg). *dirty tells whether cfg
 * changed and must be rewritten.
 */
static int account_key(struct netif *nif, const struct flow_key *k, int delta, bool *dirty)
{
	uint32_t *ref;
	uint8_t dir;

	if (k->table == NETIF_FLOW_TUPLE) {
		struct netif_cfg before = nif->cfg;
		struct tf_key t;
		int err;

		tf_key_of(k, &t);
		err = tf_account(&nif->flows.tf, nif->dp.map_fd[DP_TUPLE_FILTER], &t, delta);
		if (err || nif->flows.tf.defer)
			return err; /* a restart works cfg out once, at the end */
		tf_cfg(&nif->flows.tf, &nif->cfg);
		*dirty |= memcmp(&before, &nif->cfg, sizeof(before)) != 0;
		return 0;
	}
	{
		int b = table_bit(k, &dir);
		uint8_t *tbits = &nif->cfg.tables[dir & 1];

		ref = &nif->flows.table_refs[dir & 1][b];
		*ref += delta;
		if ((*ref != 0) == !!(*tbits & (1U << b)))
			return 0;
		*tbits ^= 1U << b;
		*dirty = true;
		return 0;
	}
}

/* Index (v != NULL) or forget a tuple key in the port index, when it is one it holds. */
static int index_key(struct netif *nif, const struct flow_key *k, const struct netif_flow *v)
{
	struct tf_key t;

	if (k->table != NETIF_FLOW_TUPLE)
		return 0;
	tf_key_of(k, &t);
	if (!pi_covers(&t))
		return 0;
	if (!v)
		return pi_del(&nif->flows.pi, nif->dp.map_fd[DP_PORT_INDEX], &t);
	return pi_add(&nif->flows.pi, nif->dp.map_fd[DP_PORT_INDEX], nif->dp.map_fd[DP_PORT_FLOWS],
		      &t, v);
}

static int redirect_ref(struct netif *nif, uint32_t ifindex, int delta)
{
	struct redirect_ref *free_slot = NULL;
	int i;

	for (i = 0; i < NETIF_MAX_REDIRECTS; i++) {
		struct redirect_ref *r = &nif->redirects[i];

		if (r->refs && r->ifindex == ifindex) {
			r->refs += delta;
			if (!r->refs)
				bpf_map_delete_elem(nif->dp.map_fd[DP_DEVMAP], &ifindex);
			return 0;
		}
		if (!r->refs && !free_slot)
			free_slot = r;
	}
	if (delta < 0)
		return 0;
	if (!free_slot)
		return -ENOSPC;
	{
		struct bpf_devmap_val v = { .ifindex = ifindex };

		if (bpf_map_update_elem(nif->dp.map_fd[DP_DEVMAP], &ifindex, &v, BPF_ANY))
			return -errno;
	}
	free_slot->ifindex = ifindex;
	free_slot->refs = 1;
	return 0;
}

static void flow_value(const struct flow_spec *fs, uint32_t flow_id, int nkeys,
		       struct netif_flow *v)
{
	memset(v, 0, sizeof(*v));
	memcpy(v->uuid, fs->uuid, 16);
	v->flow_id = flow_id;
	v->action = fs->action;
	v->port = fs->port;
	v->redirect_ifindex = fs->redirect_ifindex;
	v->qset_hint = fs->qset_hint;
	v->link_id = fs->llink_id;
	if (fs->rate)
		v->flags |= NETIF_FLOW_F_RATE;
	if (fs->shape)
		v->flags |= NETIF_FLOW_F_SHAPE;
	if (nkeys > 1)
		v->flags |= NETIF_FLOW_F_TWO_KEYS;
}

static int map_err_to_user(int err, struct netif *nif, const struct flow_key *k,
			   struct netif_extack *ext)
{
	if (err == -EEXIST) {
		struct netif_flow old;
		char u[37] = "?";

		if (!bpf_map_lookup_elem(nif->dp.map_fd[key_map(k)], key_ptr(k), &old))
			uuid_unparse(old.uuid, u);
		netif_extack_set(ext, "a flow with the same descriptor exists (uuid %s)", u);
		return -EEXIST;
	}
	if (err == -E2BIG || err == -ENOMEM || err == -ENOSPC) {
		netif_extack_set(ext, "flow table full (max-flows %u)", nif->flows.max);
		return -ENOSPC;
	}
	netif_extack_set(ext, "cannot install the flow: %s", strerror(-err));
	return err;
}

/* Keep the counts and port lists the exception path relies on. */
static void track(struct flow_table *ft, struct flow_rec *r, bool add)
{
	const struct flow_spec *fs = &r->spec;
	int d = add ? 1 : -1;

	if (fs->dir == NETIF_DIR_IN && (fs->action == NETIF_ACTION_PORT ||
					fs->action == NETIF_ACTION_EXCEPTION))
		ft->exc_flows += d;
	if (fs->dir == NETIF_DIR_OUT && fs->action == NETIF_ACTION_EXCEPTION)
		ft->egress_exc_flows += d;
	if (fs->action != NETIF_ACTION_PORT || fs->port >= NETIF_PORT_MAX)
		return;
	if (add) {
		r->port_next = ft->by_port[fs->port];
		ft->by_port[fs->port] = r;
		return;
	}
	for (struct flow_rec **pp = &ft->by_port[fs->port]; *pp; pp = &(*pp)->port_next) {
		if (*pp == r) {
			*pp = r->port_next;
			break;
		}
	}
}

int flow_add(struct netif *nif, struct flow_spec *fs, struct netif_extack *ext)
{
	struct flow_table *ft = &nif->flows;
	struct netif_bucket bucket;
	struct flow_key keys[2];
	struct netif_flow val;
	struct flow_rec *r;
	bool cfg_dirty = false, redirect_held = false, shaped = false;
	int err, i, n, installed = 0, accounted = 0, indexed = 0;
	uint32_t id;

	err = flow_spec_check(fs, ext);
	if (err)
		return err;
	if (fs->has_uuid && flow_find(nif, fs->uuid)) {
		netif_extack_set(ext, "a flow with this uuid exists");
		return -EEXIST;
	}
	if (!fs->has_uuid) {
		flow_uuid_new(fs->uuid);
		fs->has_uuid = true;
	}
	if (fs->has_llink) {
		err = llink_resolve(nif, fs->llink_id, &fs->llink_internal, ext);
		if (err)
			return err;
	}
	if (fs->qset_hint) {
		err = qset_hint_check(nif, fs->qset_hint, ext);
		if (err)
			return err;
	}
	if (fs->action == NETIF_ACTION_REDIRECT) {
		struct link_info li;

		err = rtnl_link_get(0, fs->redirect_dev, &li);
		if (err) {
			netif_extack_set(ext, "redirect device %s does not exist", fs->redirect_dev);
			return -ENODEV;
		}
		fs->redirect_ifindex = li.ifindex;
	}
	bucket_params(fs->rate, fs->burst, "flow", &bucket, NULL);
	fs->burst = bucket.burst;

	n = flow_spec_keys(fs, keys);
	if (n == 0) {
		netif_extack_set(ext, "flow matches no address family");
		return -EINVAL;
	}
	if (ft->count >= ft->max || id_alloc(ft, &id)) {
		netif_extack_set(ext, "flow table full (max-flows %u)", ft->max);
		return -ENOSPC;
	}
	r = rec_alloc(ft);
	if (!r) {
		err = -ENOMEM;
		goto fail_id;
	}

	/*
	 * The bucket first: the fast path may hit the flow as soon as it exists.
	 * The counters of a free id are zero already (flow_del zeroes them, and
	 * ids are handed out round-robin, so a freed id is not reused before
	 * the last in-flight packet of its old flow has long been counted).
	 */
	if (fs->rate && (err = bucket_write(&nif->dp, NETIF_BUCKET_FLOW_BASE + id, &bucket))) {
		netif_extack_set(ext, "cannot initialise the flow's bucket: %s", strerror(-err));
		goto fail_rec;
	}
	if (fs->action == NETIF_ACTION_REDIRECT) {
		err = redirect_ref(nif, fs->redirect_ifindex, 1);
		if (err) {
			netif_extack_set(ext, "too many redirect targets (max %d)",
					 NETIF_MAX_REDIRECTS);
			goto fail_rec;
		}
		redirect_held = true;
	}
	flow_value(fs, id, n, &val);
	if (fs->shape) {
		err = shape_flow_add(nif, fs->shape, &val.classid, ext);
		if (err)
			goto fail_redirect;
		shaped = true;
	}
	for (i = 0; i < n; i++) {
		if (bpf_map_update_elem(nif->dp.map_fd[key_map(&keys[i])], key_ptr(&keys[i]),
					&val, BPF_NOEXIST)) {
			err = map_err_to_user(-errno, nif, &keys[i], ext);
			goto fail_keys;
		}
		installed++;
	}
	for (i = 0; i < n && !err; i++)
		if (!(err = index_key(nif, &keys[i], &val)))
			indexed++;
	for (i = 0; i < n && !err; i++)
		if (!(err = account_key(nif, &keys[i], 1, &cfg_dirty)))
			accounted++;
	if (!err && cfg_dirty)
		err = dp_cfg_write(&nif->dp, &nif->cfg);
	if (err) {
		for (i = 0; i < accounted; i++)
			account_key(nif, &keys[i], -1, &cfg_dirty);
		for (i = 0; i < indexed; i++)
			index_key(nif, &keys[i], NULL);
		netif_extack_set(ext, "cannot update the netif configuration: %s", strerror(-err));
		goto fail_keys;
	}

	memcpy(r->uuid, fs->uuid, 16);
	r->spec = *fs;
	r->flow_id = id;
	r->classid = val.classid;
	r->nkeys = n;
	memcpy(r->keys, keys, sizeof(keys));
	HASH_ADD(hh, ft->by_uuid, uuid, 16, r);
	ft->count++;
	track(ft, r, true);
	return 0;

fail_keys:
	for (i = 0; i < installed; i++)
		bpf_map_delete_elem(nif->dp.map_fd[key_map(&keys[i])], key_ptr(&keys[i]));
	if (installed)
		flow_stats_zero(nif, id);
	if (shaped)
		shape_class_del(nif, val.classid);
fail_redirect:
	if (redirect_held)
		redirect_ref(nif, fs->redirect_ifindex, -1);
fail_rec:
	rec_free(ft, r);
fail_id:
	id_set(ft, id, false);
	return err;
}

int flow_del(struct netif *nif, const uint8_t uuid[16], struct netif_extack *ext)
{
	struct flow_rec *r;
	bool cfg_dirty = false;
	int i;

	if (uuid_is_null(uuid)) {
		netif_extack_set(ext, "flow uuid is null");
		return -EINVAL;
	}
	r = flow_find(nif, uuid);
	if (!r) {
		netif_extack_set(ext, "no such flow");
		return -ENOENT;
	}
	/* stop probing a mask before its last key disappears */
	for (i = 0; i < r->nkeys; i++)
		if (index_key(nif, &r->keys[i], NULL) || account_key(nif, &r->keys[i], -1, &cfg_dirty))
			pr_warn("%s: cannot update the port index or tuple filter", nif->ifname);
	if (cfg_dirty)
		dp_cfg_write(&nif->dp, &nif->cfg);
	for (i = 0; i < r->nkeys; i++)
		bpf_map_delete_elem(nif->dp.map_fd[key_map(&r->keys[i])], key_ptr(&r->keys[i]));
	if (r->spec.action == NETIF_ACTION_REDIRECT)
		redirect_ref(nif, r->spec.redirect_ifindex, -1);
	if (r->classid)
		shape_class_del(nif, r->classid);
	if (flow_stats_zero(nif, r->flow_id))
		pr_warn("%s: cannot clear the counters of flow id %u", nif->ifname, r->flow_id);
	id_set(&nif->flows, r->flow_id, false);
	track(&nif->flows, r, false);
	HASH_DEL(nif->flows.by_uuid, r);
	nif->flows.count--;
	rec_free(&nif->flows, r);
	return 0;
}

/* flow_stats holds one entry per CPU and flow id (NETIF_FLOW_STATS_KEY). */
#define FLOW_STATS_MAX_CPUS 1024

static int flow_stats_zero(struct netif *nif, uint32_t id)
{
	static struct netif_flow_stats zero[FLOW_STATS_MAX_CPUS];
	uint32_t keys[FLOW_STATS_MAX_CPUS], n;
	int ncpu = libbpf_num_possible_cpus(), cpu, fd = nif->dp.map_fd[DP_FLOW_STATS];

	if (ncpu <= 0 || ncpu > FLOW_STATS_MAX_CPUS)
		return -EINVAL;
	for (cpu = 0; cpu < ncpu; cpu++)
		keys[cpu] = NETIF_FLOW_STATS_KEY(cpu, nif->flows.max, id);
	n = ncpu;
	LIBBPF_OPTS(bpf_map_batch_opts, o);
	if (bpf_map_update_batch(fd, keys, zero, &n, &o) == 0)
		return 0;
	for (cpu = 0; cpu < ncpu; cpu++)
		if (bpf_map_update_elem(fd, &keys[cpu], &zero[0], BPF_ANY))
			return -errno;
	return 0;
}

int flow_counters_id(struct netif *nif, uint32_t id, struct netif_flow_stats *st)
{
	int ncpu = libbpf_num_possible_cpus(), cpu;

	memset(st, 0, sizeof(*st));
	if (ncpu <= 0)
		return -EINVAL;
	for (cpu = 0; cpu < ncpu; cpu++) {
		uint32_t key = NETIF_FLOW_STATS_KEY(cpu, nif->flows.max, id);
		struct netif_flow_stats v;

		if (bpf_map_lookup_elem(nif->dp.map_fd[DP_FLOW_STATS], &key, &v))
			return -errno;
		st->packets += v.packets;
		st->bytes += v.bytes;
		st->drops += v.drops;
		st->rate_limited += v.rate_limited;
	}
	return 0;
}

int flow_counters(struct netif *nif, const struct flow_rec *r, struct netif_flow_stats *st)
{
	return flow_counters_id(nif, r->flow_id, st);
}

/* ---- rebuild after restart ------------------------------------------ */

static void spec_from_key(const struct flow_key *k, const struct netif_flow *v,
			  struct flow_spec *fs)
{
	memset(fs, 0, sizeof(*fs));
	memcpy(fs->uuid, v->uuid, 16);
	fs->has_uuid = true;
	fs->type = k->table;
	fs->action = v->action;
	fs->port = v->port;
	fs->redirect_ifindex = v->redirect_ifindex;
	fs->qset_hint = v->qset_hint;
	switch (k->table) {
	case NETIF_FLOW_ETHERTYPE:
		fs->dir = k->etype.dir;
		fs->ethertype = k->etype.ethertype;
		fs->has_llink = k->etype.llink != 0;
		fs->llink_internal = k->etype.llink;
		break;
	case NETIF_FLOW_ULA:
		fs->dir = k->ula.dir;
		fs->family = 6;
		memcpy(fs->local, k->ula.local, 16);
		memcpy(fs->remote, k->ula.remote, 16);
		fs->has_llink = k->ula.llink != 0;
		fs->llink_internal = k->ula.llink;
		break;
	case NETIF_FLOW_TUPLE:
		fs->family = k->family;
		if (k->family == 6) {
			const struct netif_tuple6_key *k6 = &k->tuple6;

			fs->dir = k6->dir;
			fs->proto = k6->proto;
			fs->mask = k6->mask & ~NETIF_TUPLE_M_LLINK;
			memcpy(fs->src, k6->src, 16);
			memcpy(fs->dst, k6->dst, 16);
			fs->sport = ntohs(k6->sport);
			fs->dport = ntohs(k6->dport);
			fs->has_llink = k6->mask & NETIF_TUPLE_M_LLINK;
			fs->llink_internal = k6->llink;
		} else {
			const struct netif_tuple4_key *k4 = &k->tuple4;

			fs->dir = k4->dir;
			fs->proto = k4->proto;
			fs->mask = k4->mask & ~NETIF_TUPLE_M_LLINK;
			fs->src[0] = k4->src;
			fs->dst[0] = k4->dst;
			fs->sport = ntohs(k4->sport);
			fs->dport = ntohs(k4->dport);
			fs->has_llink = k4->mask & NETIF_TUPLE_M_LLINK;
			fs->llink_internal = k4->llink;
		}
		break;
	}
	if (fs->has_llink)
		fs->llink_id = v->link_id;
}

/* Index one pinned key (and its flow, the first time its uuid is seen). */
static int rebuild_key(struct netif *nif, int fd, const struct flow_key *k,
		       const struct netif_flow *v)
{
	bool dirty = false;
	/* only a flow with a key in each family can have been seen already */
	struct flow_rec *r = v->flags & NETIF_FLOW_F_TWO_KEYS ? flow_find(nif, v->uuid) : NULL;

	if (r) {
		/* the other address family of a family-less tuple flow */
		if (r->nkeys < 2) {
			r->keys[r->nkeys++] = *k;
			r->spec.family = 0;
		}
	} else {
		if (v->flow_id >= nif->flows.max || id_test(&nif->flows, v->flow_id)) {
			pr_warn("%s: pinned flow with bad id %u dropped", nif->ifname, v->flow_id);
			bpf_map_delete_elem(fd, key_ptr(k));
			return 0;
		}
		r = rec_alloc(&nif->flows);
		if (!r)
			return -ENOMEM;
		spec_from_key(k, v, &r->spec);
		memcpy(r->uuid, v->uuid, 16);
		r->flow_id = v->flow_id;
		r->classid = v->classid;
		r->keys[0] = *k;
		r->nkeys = 1;
		if (v->flags & NETIF_FLOW_F_RATE) {
			struct netif_bucket b;

			if (bucket_read(&nif->dp, NETIF_BUCKET_FLOW_BASE + r->flow_id, &b) == 0 &&
			    b.rate) {
				r->spec.rate = b.rate;
				r->spec.burst = b.burst;
			}
		}
		id_set(&nif->flows, v->flow_id, true);
		HASH_ADD(hh, nif->flows.by_uuid, uuid, 16, r);
		nif->flows.count++;
	}
	return index_key(nif, k, v) ?: account_key(nif, k, 1, &dirty);
}

/* Walk one flow map, in batches of entries (a million flows re-adopt in well under a second). */
static int rebuild_table(struct netif *nif, uint8_t table, uint8_t family, size_t key_size)
{
	enum { BATCH = 4096 };
	struct flow_key k = { .table = table, .family = family };
	int fd = nif->dp.map_fd[key_map(&k)], err = 0, rc = 0;
	struct netif_flow *vals = malloc(BATCH * sizeof(*vals));
	uint8_t *keys = malloc(BATCH * key_size);
	__u64 in = 0, out = 0;
	bool first = true;

	if (!vals || !keys) {
		err = -ENOMEM;
		goto out;
	}
	while (!err && !rc) {
		__u32 n = BATCH;

		LIBBPF_OPTS(bpf_map_batch_opts, o);
		rc = bpf_map_lookup_batch(fd, first ? NULL : &in, &out, keys, vals, &n, &o) ? errno : 0;
		if (rc && rc != ENOENT) {
			pr_warn("%s: cannot read pinned flows: %s", nif->ifname, strerror(rc));
			err = -rc;
			break;
		}
		for (__u32 i = 0; i < n && !err; i++) {
			memcpy(key_ptr(&k), keys + (size_t)i * key_size, key_size);
			err = rebuild_key(nif, fd, &k, &vals[i]);
		}
		in = out;
		first = false;
	}
out:
	free(vals);
	free(keys);
	return err;
}

int flow_table_rebuild(struct netif *nif)
{
	struct flow_rec *r, *tmp;
	struct netif_cfg before = nif->cfg;
	int err;

	memset(nif->cfg.tuple_ranks, 0, sizeof(nif->cfg.tuple_ranks));
	memset(nif->cfg.tuple_fields, 0, sizeof(nif->cfg.tuple_fields));
	memset(nif->cfg.tables, 0, sizeof(nif->cfg.tables));
	/* the filter and the port index are written once, whole, when every key is counted */
	nif->flows.tf.defer = true;
	nif->flows.pi.defer = true;
	err = rebuild_table(nif, NETIF_FLOW_TUPLE, 4, sizeof(struct netif_tuple4_key)) ?:
	      rebuild_table(nif, NETIF_FLOW_TUPLE, 6, sizeof(struct netif_tuple6_key)) ?:
	      rebuild_table(nif, NETIF_FLOW_ULA, 0, sizeof(struct netif_ula_key)) ?:
	      rebuild_table(nif, NETIF_FLOW_ETHERTYPE, 0, sizeof(struct netif_etype_key));
	nif->flows.tf.defer = false;
	nif->flows.pi.defer = false;
	tf_cfg(&nif->flows.tf, &nif->cfg);
	if (!err)
		err = tf_sync(&nif->flows.tf, nif->dp.map_fd[DP_TUPLE_FILTER]) ?:
		      pi_sync(&nif->flows.pi, nif->dp.map_fd[DP_PORT_INDEX]);
	if (err)
		return err;
	HASH_ITER(hh, nif->flows.by_uuid, r, tmp) {
		track(&nif->flows, r, true);
		if (r->spec.action == NETIF_ACTION_REDIRECT)
			redirect_ref(nif, r->spec.redirect_ifindex, 1);
		if (r->spec.has_llink)
			llink_id_of(nif, r->spec.llink_internal, &r->spec.llink_id);
		if (r->classid)
			r->spec.shape = shape_class_rate(nif, r->classid);
		if (r->spec.action == NETIF_ACTION_REDIRECT) {
			char name[IF_NAMESIZE];

			if (if_indextoname(r->spec.redirect_ifindex, name))
				snprintf(r->spec.redirect_dev, sizeof(r->spec.redirect_dev), "%s", name);
		}
	}
	/* the summary bits are derived state: rewrite them if they drifted */
	if (memcmp(&before, &nif->cfg, sizeof(before)))
		return dp_cfg_write(&nif->dp, &nif->cfg);
	return 0;
}

/* ---- replies --------------------------------------------------------- */

void flow_put_attrs(struct nlmsghdr *nlh, const struct flow_rec *r,
		    const struct netif_flow_stats *st)
{
	const struct flow_spec *fs = &r->spec;
	struct nlattr *nest = mnl_attr_nest_start(nlh, NETIF_A_FLOW);
	size_t alen = fs->family == 4 ? 4 : 16;

	mnl_attr_put(nlh, NETIF_FA_UUID, 16, r->uuid);
	mnl_attr_put_u32(nlh, NETIF_FA_FLOW_ID, r->flow_id);
	mnl_attr_put_u8(nlh, NETIF_FA_TYPE, fs->type);
	mnl_attr_put_u8(nlh, NETIF_FA_DIR, fs->dir);
	switch (fs->type) {
	case NETIF_FLOW_ETHERTYPE:
		mnl_attr_put_u16(nlh, NETIF_FA_ETHERTYPE, fs->ethertype);
		break;
	case NETIF_FLOW_ULA:
		mnl_attr_put(nlh, NETIF_FA_LOCAL, 16, fs->local);
		mnl_attr_put(nlh, NETIF_FA_REMOTE, 16, fs->remote);
		break;
	case NETIF_FLOW_TUPLE:
		mnl_attr_put_u8(nlh, NETIF_FA_PROTO, fs->proto);
		if (fs->family)
			mnl_attr_put_u8(nlh, NETIF_FA_FAMILY, fs->family);
		if (fs->mask & NETIF_TUPLE_M_SRC)
			mnl_attr_put(nlh, NETIF_FA_SRC, alen, fs->src);
		if (fs->mask & NETIF_TUPLE_M_DST)
			mnl_attr_put(nlh, NETIF_FA_DST, alen, fs->dst);
		if (fs->mask & NETIF_TUPLE_M_SPORT)
			mnl_attr_put_u16(nlh, NETIF_FA_SPORT, fs->sport);
		if (fs->mask & NETIF_TUPLE_M_DPORT)
			mnl_attr_put_u16(nlh, NETIF_FA_DPORT, fs->dport);
		break;
	}
	mnl_attr_put_u8(nlh, NETIF_FA_ACTION, fs->action);
	if (fs->action == NETIF_ACTION_REDIRECT)
		mnl_attr_put_strz(nlh, NETIF_FA_REDIRECT_DEV, fs->redirect_dev);
	if (fs->action == NETIF_ACTION_PORT)
		mnl_attr_put_u8(nlh, NETIF_FA_PORT, fs->port);
	if (fs->rate) {
		mnl_attr_put_u64(nlh, NETIF_FA_RATE, fs->rate);
		mnl_attr_put_u64(nlh, NETIF_FA_BURST, fs->burst);
	}
	if (fs->shape)
		mnl_attr_put_u64(nlh, NETIF_FA_SHAPE, fs->shape);
	if (fs->qset_hint)
		mnl_attr_put_u32(nlh, NETIF_FA_QSET_HINT, fs->qset_hint);
	if (fs->has_llink)
		mnl_attr_put_u64(nlh, NETIF_FA_LLINK, fs->llink_id);
	if (st) {
		mnl_attr_put_u64(nlh, NETIF_FA_PACKETS, st->packets);
		mnl_attr_put_u64(nlh, NETIF_FA_BYTES, st->bytes);
		mnl_attr_put_u64(nlh, NETIF_FA_DROPS, st->drops);
	}
	mnl_attr_nest_end(nlh, nest);
}

/* ---- client transmit validation --------------------------------------- */

static bool addr_eq(const uint32_t *a, const uint32_t *b)
{
	return memcmp(a, b, 16) == 0;
}

static bool reverse_matches(const struct flow_spec *fs, const struct netif_pkt *p)
{
	switch (fs->type) {
	case NETIF_FLOW_ETHERTYPE:
		return !p->family && p->ethertype == fs->ethertype;
	case NETIF_FLOW_ULA:
		return p->family == 6 && addr_eq(p->src, fs->local) && addr_eq(p->dst, fs->remote);
	case NETIF_FLOW_TUPLE:
		if (!p->family || (fs->family && fs->family != p->family) || p->proto != fs->proto)
			return false;
		/* the flow names the inbound direction: our source is its destination */
		if ((fs->mask & NETIF_TUPLE_M_SRC) && !addr_eq(p->dst, fs->src))
			return false;
		if ((fs->mask & NETIF_TUPLE_M_DST) && !addr_eq(p->src, fs->dst))
			return false;
		if (fs->mask & (NETIF_TUPLE_M_SPORT | NETIF_TUPLE_M_DPORT)) {
			if (!p->has_ports)
				return false;
			if (fs->proto == IPPROTO_ICMP || fs->proto == IPPROTO_ICMPV6)
				return true; /* a reply has its own type/code */
			if ((fs->mask & NETIF_TUPLE_M_SPORT) && ntohs(p->dport) != fs->sport)
				return false;
			if ((fs->mask & NETIF_TUPLE_M_DPORT) && ntohs(p->sport) != fs->dport)
				return false;
		}
		return true;
	}
	return false;
}

bool flow_port_matches_tx(struct netif *nif, uint8_t port, const void *frame, uint32_t len)
{
	struct netif_pkt p = {};
	struct flow_rec *r;

	if (port >= NETIF_PORT_MAX ||
	    netif_parse((void *)frame, (uint8_t *)frame + len, &p) != NETIF_PARSE_OK)
		return false;
	for (r = nif->flows.by_port[port]; r; r = r->port_next)
		if (reverse_matches(&r->spec, &p))
			return true;
	return false;
}
