// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include "netif/filter_abi.h"
#include "netif/maps.h"
#include "netif/proto.h"
#include "names.h"
#include "units.h"

#define NETIF_STAT_NAME(name) #name,
const char *const netif_stat_names[NETIF_STATS_COUNT] = { NETIF_STATS_LIST(NETIF_STAT_NAME) };
const char *const netif_agent_stat_names[NETIF_AGENT_STATS_COUNT] = {
	NETIF_AGENT_STATS_LIST(NETIF_STAT_NAME)
};

static const char *const action_names[NETIF_ACTION__MAX] = {
	[NETIF_ACTION_PASS] = "pass",
	[NETIF_ACTION_DROP] = "drop",
	[NETIF_ACTION_REDIRECT] = "redirect",
	[NETIF_ACTION_PORT] = "port",
	[NETIF_ACTION_EXCEPTION] = "exception",
};

static int lookup(const char *const *names, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (names[i] && strcmp(names[i], s) == 0)
			return (int)i;
	return -1;
}

const char *netif_action_name(unsigned int action)
{
	return action < NETIF_ACTION__MAX ? action_names[action] : "unknown";
}

int netif_action_parse(const char *s)
{
	return lookup(action_names, NETIF_ACTION__MAX, s);
}

static const char *const mode_names[] = {
	[NETIF_MODE_AUTO] = "auto",
	[NETIF_MODE_NATIVE] = "native",
	[NETIF_MODE_COMPAT] = "compat",
};

const char *netif_mode_name(unsigned int mode)
{
	return mode < 3 ? mode_names[mode] : "unknown";
}

int netif_mode_parse(const char *s)
{
	return lookup(mode_names, 3, s);
}

const char *netif_dir_name(unsigned int dir)
{
	return dir == NETIF_DIR_OUT ? "out" : "in";
}

int netif_dir_parse(const char *s)
{
	return !strcmp(s, "in") ? NETIF_DIR_IN : !strcmp(s, "out") ? NETIF_DIR_OUT : -1;
}

const char *netif_flow_type_name(unsigned int type)
{
	switch (type) {
	case NETIF_FLOW_ETHERTYPE:
		return "ethertype";
	case NETIF_FLOW_ULA:
		return "ula";
	case NETIF_FLOW_TUPLE:
		return "tuple";
	}
	return "unknown";
}

static const struct {
	const char *name;
	unsigned int proto;
} protos[] = {
	{ "tcp", IPPROTO_TCP }, { "udp", IPPROTO_UDP },
	{ "icmp", IPPROTO_ICMP }, { "icmpv6", IPPROTO_ICMPV6 },
};

const char *netif_proto_name(unsigned int proto, char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
		if (protos[i].proto == proto)
			return protos[i].name;
	snprintf(buf, len, "%u", proto);
	return buf;
}

int netif_proto_parse(const char *s)
{
	uint64_t v;
	size_t i;

	for (i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
		if (strcmp(protos[i].name, s) == 0)
			return protos[i].proto;
	if (netif_parse_u64(s, 0, 255, &v) == 0)
		return (int)v;
	return -1;
}

static const char *const vlan_policy_names[] = {
	[NETIF_VLAN_DEFAULT] = "default",
	[NETIF_VLAN_PASS] = "pass",
	[NETIF_VLAN_DROP] = "drop",
};

const char *netif_vlan_policy_name(unsigned int p)
{
	return p < 3 ? vlan_policy_names[p] : "unknown";
}

int netif_vlan_policy_parse(const char *s)
{
	return lookup(vlan_policy_names, 3, s);
}

static const char *const event_names[] = {
	[NETIF_EVENT_LINK] = "link",
	[NETIF_EVENT_DETACH] = "detach",
	[NETIF_EVENT_ATTACH] = "attach",
	[NETIF_EVENT_FLOW_ADD] = "flow add",
	[NETIF_EVENT_FLOW_DEL] = "flow delete",
	[NETIF_EVENT_FLOW_CHANGE] = "flow change",
	[NETIF_EVENT_LLINK_ADD] = "llink add",
	[NETIF_EVENT_LLINK_DEL] = "llink delete",
	[NETIF_EVENT_FILTER_ADD] = "filter add",
	[NETIF_EVENT_FILTER_DEL] = "filter delete",
	[NETIF_EVENT_CHANNEL_OPEN] = "channel open",
	[NETIF_EVENT_CHANNEL_CLOSE] = "channel close",
	[NETIF_EVENT_SET] = "set",
	[NETIF_EVENT_LOST] = "lost",
};

const char *netif_event_name(unsigned int kind)
{
	return kind < __NETIF_EVENT_MAX && event_names[kind] ? event_names[kind] : "unknown";
}

/* The built-in filter kinds a configuration names (netifd's filter.c has the external one too). */
static const char *const filter_kind_names[] = {
	[NETIF_FILTER_PCAP] = "pcap", [NETIF_FILTER_COUNT] = "count", [NETIF_FILTER_DROP] = "drop",
};

const char *netif_filter_kind_name(unsigned int kind)
{
	return kind < 4 && filter_kind_names[kind] ? filter_kind_names[kind] : "unknown";
}

int netif_filter_kind_parse(const char *s)
{
	return lookup(filter_kind_names, 4, s);
}

static const char *const filter_dir_names[] = {
	[NETIF_FILTER_DIR_RX] = "rx", [NETIF_FILTER_DIR_TX] = "tx",
	[NETIF_FILTER_DIR_RX | NETIF_FILTER_DIR_TX] = "both",
};

const char *netif_filter_dirs_name(unsigned int dirs)
{
	return dirs < 4 && filter_dir_names[dirs] ? filter_dir_names[dirs] : "both";
}

int netif_filter_dirs_parse(const char *s)
{
	return lookup(filter_dir_names, 4, s);
}
