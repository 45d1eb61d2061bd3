/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Names of the enums of the netif ABI, for printing and parsing. */
#ifndef NETIF_NAMES_H
#define NETIF_NAMES_H

#include <stddef.h>
#include <stdint.h>
#include "netif/stats.h"

extern const char *const netif_stat_names[NETIF_STATS_COUNT];
extern const char *const netif_agent_stat_names[NETIF_AGENT_STATS_COUNT];

const char *netif_action_name(unsigned int action);
int netif_action_parse(const char *s);           /* -1 if unknown */
const char *netif_mode_name(unsigned int mode);
int netif_mode_parse(const char *s);
const char *netif_dir_name(unsigned int dir);
int netif_dir_parse(const char *s);
const char *netif_flow_type_name(unsigned int type);
const char *netif_proto_name(unsigned int proto, char *buf, size_t len);
int netif_proto_parse(const char *s);            /* -1 if unknown */
const char *netif_vlan_policy_name(unsigned int p);
int netif_vlan_policy_parse(const char *s);
/* pcap, count, drop; rx, tx, both */
const char *netif_filter_kind_name(unsigned int kind);
int netif_filter_kind_parse(const char *s);
const char *netif_filter_dirs_name(unsigned int dirs);
int netif_filter_dirs_parse(const char *s);
/* "flow add", "link", ... of an enum netif_event_kind */
const char *netif_event_name(unsigned int kind);

#endif
