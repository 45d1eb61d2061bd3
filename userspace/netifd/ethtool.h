/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Segmentation offloads of a device, turned off while the exception path
 * needs MTU-sized egress copies and given back afterwards (SIOCETHTOOL).
 */
#ifndef NETIFD_ETHTOOL_H
#define NETIFD_ETHTOOL_H

#include <stdbool.h>
#include <stdint.h>

struct offloads {
	bool off;           /* we turned them off and owe a restore */
	uint32_t tso, gso;  /* the settings found */
};

void offloads_off(const char *ifname, struct offloads *o);
void offloads_restore(const char *ifname, struct offloads *o);

#endif
