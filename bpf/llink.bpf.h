/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Logical link and queue set selection, shared by XDP and TC: the VLAN
 * picks the llink (untagged and VID 0 frames the default llink), a flow's
 * qset hint picks a qset when it still names one, otherwise the llink's
 * default qset is used (XNU's def_qset_used / nondef_qset_used /
 * qset_hint_not_useful accounting).
 */
#ifndef NETIF_BPF_LLINK_H
#define NETIF_BPF_LLINK_H

#include "netif_maps.bpf.h"

enum netif_llink_verdict {
	NETIF_LLINK_OK = 0,
	NETIF_LLINK_PASS,      /* unknown VLAN, policy pass */
	NETIF_LLINK_DROP,      /* unknown VLAN, policy drop */
	NETIF_LLINK_BAD_STATE, /* llink being destroyed */
};

static __always_inline int netif_llink_resolve(const struct netif_cfg *cfg, struct netif_stats *st,
					       __u16 vid, __u8 dir, struct netif_llink_rx **out)
{
	struct netif_llink_rx *rx;
	__u32 key = vid & 0xfff;

	rx = bpf_map_lookup_elem(&llink_vlans, &key);
	if (key && (!rx || !rx->internal_id)) {
		st->llink_unknown_vlan++;
		if (cfg->vlan_policy == NETIF_VLAN_PASS)
			return NETIF_LLINK_PASS;
		if (cfg->vlan_policy == NETIF_VLAN_DROP)
			return NETIF_LLINK_DROP;
		key = 0;
		rx = bpf_map_lookup_elem(&llink_vlans, &key);
	}
	if (!rx || !rx->internal_id)
		return NETIF_LLINK_PASS; /* not initialised: never block traffic */
	if (rx->state == NETIF_LLINK_STATE_DESTROYED) {
		/* XNU counts the two directions apart (rx drop / AQM dequeue) */
		if (dir == NETIF_DIR_IN)
			st->llink_rx_drop_bad_state++;
		else
			st->llink_tx_drop_bad_state++;
		return NETIF_LLINK_BAD_STATE;
	}
	*out = rx;
	return NETIF_LLINK_OK;
}

struct netif_qsel {
	__u32 id;
	__u16 slot;
	__u8 policed;
	__u8 pad;
	struct netif_qset *q; /* looked up only when the caller needs it */
};

static __always_inline void netif_qset_select(struct netif_stats *st, const struct netif_llink_rx *ll,
					      __u32 hint, int need_qset, struct netif_qsel *sel)
{
	struct netif_qset *q;

	sel->q = NULL;
	if (hint) {
		q = bpf_map_lookup_elem(&qsets, &hint);
		if (q && q->state != NETIF_LLINK_STATE_DESTROYED) {
			if (q->id == ll->default_qset) {
				st->def_qset_used++;
			} else {
				st->nondef_qset_used++;
			}
			sel->id = q->id;
			sel->slot = q->slot;
			sel->policed = q->policed;
			sel->q = q;
			return;
		}
		st->qset_hint_not_useful++;
	}
	st->def_qset_used++;
	sel->id = ll->default_qset;
	sel->slot = ll->default_qset_slot;
	sel->policed = ll->default_qset_policed;
	if (need_qset) {
		__u32 id = ll->default_qset;

		sel->q = bpf_map_lookup_elem(&qsets, &id);
	}
}

#endif
