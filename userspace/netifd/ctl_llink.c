// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Protocol room of logical links and queue sets: LLINK_ADD, LLINK_DEL,
 * LLINK_GET (XNU's versioned GET_LLINK_INFO), and the codec of the
 * NETIF_A_LLINK nest. What an llink means is llink.c's business.
 */
#include <errno.h>
#include <string.h>
#include "ctl.h"
#include "llink.h"

static uint64_t u64_or(const struct nlattr *a, uint64_t def)
{
	return a ? mnl_attr_get_u64(a) : def;
}

static uint32_t u32_or(const struct nlattr *a, uint32_t def)
{
	return a ? mnl_attr_get_u32(a) : def;
}

static int decode_qset(const struct nlattr *a, struct qset_config *q, struct netif_extack *ext)
{
	const struct nlattr *qt[NETIF_QA_MAX + 1];
	int err;

	err = netif_attr_parse_nested(a, netif_qset_policy, NETIF_QA_MAX, qt, ext);
	if (err)
		return err;
	if (qt[NETIF_QA_ID] || qt[NETIF_QA_RX_PACKETS] || qt[NETIF_QA_TX_PACKETS] ||
	    qt[NETIF_QA_DROPS]) {
		netif_extack_set(ext, "qset id and counters are read-only");
		ext->bad_attr = a;
		return -EINVAL;
	}
	q->flags = u32_or(qt[NETIF_QA_FLAGS], 0);
	q->n_rx = u32_or(qt[NETIF_QA_RX_QUEUES], 0);
	q->n_tx = u32_or(qt[NETIF_QA_TX_QUEUES], 0);
	q->rx_base = u32_or(qt[NETIF_QA_RX_BASE], 0);
	q->tx_base = u32_or(qt[NETIF_QA_TX_BASE], 0);
	q->rate = u64_or(qt[NETIF_QA_RATE], 0);
	q->burst = u64_or(qt[NETIF_QA_BURST], 0);
	q->shape = u64_or(qt[NETIF_QA_SHAPE], 0);
	return 0;
}

int llink_config_from_attr(const struct nlattr *nest, struct llink_config *cfg,
			   struct netif_extack *ext)
{
	const struct nlattr *tb[NETIF_LA_MAX + 1], *a;
	int err;

	memset(cfg, 0, sizeof(*cfg));
	err = netif_attr_parse_nested(nest, netif_llink_policy, NETIF_LA_MAX, tb, ext) ?:
	      netif_attr_require(tb, netif_llink_policy, NETIF_LA_MAX, A(NETIF_LA_LINK_ID), ext);
	if (err)
		return err;
	if (tb[NETIF_LA_INTERNAL_ID] || tb[NETIF_LA_STATE] || tb[NETIF_LA_FLAGS] ||
	    tb[NETIF_LA_RX_PACKETS] || tb[NETIF_LA_RX_BYTES] || tb[NETIF_LA_TX_PACKETS] ||
	    tb[NETIF_LA_TX_BYTES]) {
		netif_extack_set(ext, "internal id, state, flags and counters are read-only");
		return -EINVAL;
	}
	cfg->link_id = mnl_attr_get_u64(tb[NETIF_LA_LINK_ID]);
	if (tb[NETIF_LA_VLAN]) {
		cfg->has_vlan = true;
		cfg->vlan = mnl_attr_get_u16(tb[NETIF_LA_VLAN]);
	}
	mnl_attr_for_each_nested(a, nest) {
		if (mnl_attr_get_type(a) != NETIF_LA_QSET)
			continue;
		if (cfg->nqsets >= NETIF_LLINK_MAX_QSETS) {
			netif_extack_set(ext, "too many qsets (max %d)", NETIF_LLINK_MAX_QSETS);
			ext->bad_attr = a;
			return -EINVAL;
		}
		err = decode_qset(a, &cfg->qsets[cfg->nqsets++], ext);
		if (err)
			return err;
	}
	return 0;
}

static int h_llink_add(struct ctl_req *r)
{
	struct llink_config cfg;
	struct netif *nif;
	int err;

	err = ctl_req_netif(r, &nif);
	if (err)
		return err;
	err = llink_config_from_attr(r->tb[NETIF_A_LLINK], &cfg, &r->ext);
	if (err) {
		dp_agent_stat_inc(&nif->dp, llink_add_bad_params);
		return err;
	}
	return llink_add(nif, &cfg, &r->ext);
}

static int h_llink_del(struct ctl_req *r)
{
	const struct nlattr *tb[NETIF_LA_MAX + 1];
	struct netif *nif;
	int err;

	err = ctl_req_netif(r, &nif) ?:
	      ctl_nest(r, r->tb[NETIF_A_LLINK], netif_llink_policy, NETIF_LA_MAX, A(NETIF_LA_LINK_ID),
		       tb);
	if (err)
		return err;
	return llink_remove(nif, mnl_attr_get_u64(tb[NETIF_LA_LINK_ID]), &r->ext);
}

static void put_qset(struct nlmsghdr *nlh, struct netif *nif, const struct netif_qset *q)
{
	struct nlattr *n = mnl_attr_nest_start(nlh, NETIF_LA_QSET);
	struct netif_qset_stats st = {};
	struct qset_config qc;

	qset_counters(nif, q, &st);
	qset_config_of(nif, q, &qc);
	mnl_attr_put_u32(nlh, NETIF_QA_ID, q->id);
	mnl_attr_put_u32(nlh, NETIF_QA_FLAGS, q->flags);
	mnl_attr_put_u32(nlh, NETIF_QA_RX_QUEUES, q->n_rx);
	mnl_attr_put_u32(nlh, NETIF_QA_TX_QUEUES, q->n_tx);
	mnl_attr_put_u32(nlh, NETIF_QA_RX_BASE, q->rx_base);
	mnl_attr_put_u32(nlh, NETIF_QA_TX_BASE, q->tx_base);
	if (qc.rate) {
		mnl_attr_put_u64(nlh, NETIF_QA_RATE, qc.rate);
		mnl_attr_put_u64(nlh, NETIF_QA_BURST, qc.burst);
	}
	if (q->shape)
		mnl_attr_put_u64(nlh, NETIF_QA_SHAPE, q->shape);
	mnl_attr_put_u64(nlh, NETIF_QA_RX_PACKETS, st.rx_packets);
	mnl_attr_put_u64(nlh, NETIF_QA_TX_PACKETS, st.tx_packets);
	mnl_attr_put_u64(nlh, NETIF_QA_DROPS, st.drops);
	mnl_attr_nest_end(nlh, n);
}

static void put_llink(struct ctl_req *r, struct netif *nif, const struct netif_llink *ll)
{
	struct netif_llink_stats st = {};
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	unsigned int j;

	llink_counters(nif, ll, &st);
	nlh = ctl_reply_begin(r->rep, NETIF_CMD_LLINK_GET);
	mnl_attr_put_strz(nlh, NETIF_A_IFNAME, nif->ifname);
	mnl_attr_put_u32(nlh, NETIF_A_LLINK_INFO_VERSION, NETIF_LLINK_INFO_VERSION);
	nest = mnl_attr_nest_start(nlh, NETIF_A_LLINK);
	mnl_attr_put_u64(nlh, NETIF_LA_LINK_ID, ll->link_id);
	mnl_attr_put_u16(nlh, NETIF_LA_INTERNAL_ID, ll->internal_id);
	mnl_attr_put_u8(nlh, NETIF_LA_STATE, ll->state);
	mnl_attr_put_u32(nlh, NETIF_LA_FLAGS, ll->flags);
	if (ll->vlan)
		mnl_attr_put_u16(nlh, NETIF_LA_VLAN, ll->vlan);
	mnl_attr_put_u64(nlh, NETIF_LA_RX_PACKETS, st.rx_packets);
	mnl_attr_put_u64(nlh, NETIF_LA_RX_BYTES, st.rx_bytes);
	mnl_attr_put_u64(nlh, NETIF_LA_TX_PACKETS, st.tx_packets);
	mnl_attr_put_u64(nlh, NETIF_LA_TX_BYTES, st.tx_bytes);
	for (j = 0; j < ll->nqsets; j++) {
		const struct netif_qset *q = qset_find(nif, ll->qsets[j]);

		if (q)
			put_qset(nlh, nif, q);
	}
	mnl_attr_nest_end(nlh, nest);
	ctl_reply_end(r->rep, nlh);
}

static int h_llink_get(struct ctl_req *r)
{
	const struct nlattr *ver = r->tb[NETIF_A_LLINK_INFO_VERSION];
	struct llink_table *t;
	struct netif *nif;
	int err, i;

	err = ctl_req_netif(r, &nif);
	if (err)
		return err;
	if (ver && mnl_attr_get_u32(ver) != NETIF_LLINK_INFO_VERSION) {
		netif_extack_set(&r->ext, "llink info version %u not supported (this netifd has %u)",
				 mnl_attr_get_u32(ver), NETIF_LLINK_INFO_VERSION);
		return -ENOTSUP;
	}
	t = nif->llinks;
	if (!t || !t->count) {
		netif_extack_set(&r->ext, "no llinks");
		return -ENXIO;
	}
	for (i = 0; i < NETIF_MAX_LLINKS; i++)
		if (t->ll_used[i])
			put_llink(r, nif, &t->ll[i]);
	return 0;
}

static const struct ctl_row rows[] = {
	{ NETIF_CMD_LLINK_ADD, { h_llink_add, .priv = true, .allowed = A(NETIF_A_IFNAME) | A(NETIF_A_LLINK),
				 .required = A(NETIF_A_IFNAME) | A(NETIF_A_LLINK) } },
	{ NETIF_CMD_LLINK_DEL, { h_llink_del, .priv = true, .allowed = A(NETIF_A_IFNAME) | A(NETIF_A_LLINK),
				 .required = A(NETIF_A_IFNAME) | A(NETIF_A_LLINK) } },
	{ NETIF_CMD_LLINK_GET, { h_llink_get, .dump = true,
				 .allowed = A(NETIF_A_IFNAME) | A(NETIF_A_LLINK_INFO_VERSION),
				 .required = A(NETIF_A_IFNAME) } },
};

const struct ctl_rows ctl_llink_rows = { rows, ARRAY_SIZE(rows) };
