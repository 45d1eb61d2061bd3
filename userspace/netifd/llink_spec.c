// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Llink descriptions, pure: XNU's validation of an llink and its qsets
 * against the device's queues, and the WMM queue of a service class.
 */
#include <errno.h>
#include "netif/wmm.h"
#include "bucket.h"
#include "llink.h"

int llink_config_check(const struct llink_config *cfg, uint32_t dev_rx, uint32_t dev_tx,
		       struct netif_extack *ext)
{
	const uint32_t known = NETIF_QSET_F_DEFAULT | NETIF_QSET_F_AQM |
			       NETIF_QSET_F_LOW_LATENCY | NETIF_QSET_F_WMM;
	bool has_default = false;
	struct netif_bucket b;
	uint32_t i;
	int err;

	if (cfg->has_vlan && (cfg->vlan == 0 || cfg->vlan >= 4095)) {
		netif_extack_set(ext, "vlan %u out of range [1, 4094] (0 is the default llink)",
				 cfg->vlan);
		return -EINVAL;
	}
	if (cfg->nqsets == 0) {
		netif_extack_set(ext, "an llink needs at least one qset");
		return -EINVAL;
	}
	if (cfg->nqsets > NETIF_LLINK_MAX_QSETS) {
		netif_extack_set(ext, "too many qsets (max %d)", NETIF_LLINK_MAX_QSETS);
		return -EINVAL;
	}
	for (i = 0; i < cfg->nqsets; i++) {
		const struct qset_config *q = &cfg->qsets[i];

		if (q->flags & ~known) {
			netif_extack_set(ext, "qset %u: unknown flags 0x%x", i, q->flags & ~known);
			return -EINVAL;
		}
		if (q->flags & NETIF_QSET_F_DEFAULT) {
			if (has_default) {
				netif_extack_set(ext, "more than one default qset");
				return -EINVAL;
			}
			if (q->n_rx < 1) {
				netif_extack_set(ext, "the default qset needs at least one rx queue");
				return -EINVAL;
			}
			has_default = true;
		}
		if (q->n_tx < 1) {
			netif_extack_set(ext, "qset %u needs at least one tx queue", i);
			return -EINVAL;
		}
		if ((q->flags & NETIF_QSET_F_WMM) && q->n_tx != NETIF_WMM_TX_QUEUES) {
			netif_extack_set(ext, "qset %u: wmm mode needs exactly %d tx queues (got %u)",
					 i, NETIF_WMM_TX_QUEUES, q->n_tx);
			return -EINVAL;
		}
		if (q->n_rx > NETIF_QSET_MAX_QUEUES || q->n_tx > NETIF_QSET_MAX_QUEUES) {
			netif_extack_set(ext, "qset %u: at most %d queues each way", i,
					 NETIF_QSET_MAX_QUEUES);
			return -EINVAL;
		}
		if ((uint64_t)q->rx_base + q->n_rx > dev_rx) {
			netif_extack_set(ext, "qset %u: rx queues %u..%u exceed the device's %u", i,
					 q->rx_base, q->rx_base + q->n_rx - 1, dev_rx);
			return -EINVAL;
		}
		if ((uint64_t)q->tx_base + q->n_tx > dev_tx) {
			netif_extack_set(ext, "qset %u: tx queues %u..%u exceed the device's %u", i,
					 q->tx_base, q->tx_base + q->n_tx - 1, dev_tx);
			return -EINVAL;
		}
		err = bucket_params(q->rate, q->burst, "qset", &b, ext);
		if (err)
			return err;
		if (q->shape && (q->shape < NETIF_RATE_MIN || q->shape > NETIF_RATE_MAX)) {
			netif_extack_set(ext, "qset %u: shape rate out of range [8bit, 400Gbit]", i);
			return -EINVAL;
		}
	}
	if (!has_default) {
		netif_extack_set(ext, "an llink needs exactly one default qset");
		return -EINVAL;
	}
	return 0;
}

unsigned int llink_wmm_queue(unsigned int svc)
{
	return netif_svc_to_wmm(svc);
}

