/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Flow rules shared by the fast path and the agent's validation. */
#ifndef NETIF_FLOW_RULES_H
#define NETIF_FLOW_RULES_H

#include <linux/types.h>

/*
 * May an ethertype flow claim this type? XNU's rules: it must be an
 * Ethernet II type (> 1500, not an 802.3 length) and not one the host stack
 * owns: IPv4, ARP, RARP, 802.1Q/802.1ad tags, IPv6, PAE (802.1X), RSN
 * pre-authentication, IEEE 802.15.4.
 */
static inline int netif_ethertype_claimable(__u16 t)
{
	if (t <= 1500)
		return 0;
	switch (t) {
	case 0x0800: /* IPv4 */
	case 0x0806: /* ARP */
	case 0x8035: /* RARP */
	case 0x8100: /* 802.1Q */
	case 0x88A8: /* 802.1ad */
	case 0x86DD: /* IPv6 */
	case 0x888E: /* PAE */
	case 0x88C7: /* RSN pre-auth */
	case 0x809A: /* IEEE 802.15.4 */
		return 0;
	}
	return 1;
}

#endif
