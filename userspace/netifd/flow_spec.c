// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Flow descriptions, pure: XNU's rules for what may be claimed and how,
 * and the map keys a valid description is installed under.
 */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <uuid/uuid.h>
#include "netif/flow_rules.h"
#include "netif/params.h"
#include "bucket.h"
#include "flow.h"

static bool addr6_unusable(const uint32_t a[4])
{
	const uint8_t *b = (const uint8_t *)a;

	return b[0] == 0xff || (a[0] == 0 && a[1] == 0 && a[2] == 0 && a[3] == 0);
}

static bool is_icmp(uint8_t proto)
{
	return proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6;
}

static int check_tuple(const struct flow_spec *fs, struct netif_extack *ext)
{
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
	if (!(fs->mask & (NETIF_TUPLE_M_SPORT | NETIF_TUPLE_M_DPORT)))
		return 0;
	if (fs->proto != IPPROTO_TCP && fs->proto != IPPROTO_UDP && !is_icmp(fs->proto)) {
		netif_extack_set(ext, "ports are only valid for tcp and udp (type/code for icmp)");
		return -EINVAL;
	}
	if (!is_icmp(fs->proto) && (((fs->mask & NETIF_TUPLE_M_SPORT) && !fs->sport) ||
				    ((fs->mask & NETIF_TUPLE_M_DPORT) && !fs->dport))) {
		netif_extack_set(ext, "port 0 is not a valid port");
		return -EINVAL;
	}
	if (is_icmp(fs->proto) && (fs->sport > 255 || fs->dport > 255)) {
		netif_extack_set(ext, "icmp type and code are 0..255");
		return -EINVAL;
	}
	return 0;
}

static int check_match(const struct flow_spec *fs, struct netif_extack *ext)
{
	switch (fs->type) {
	case NETIF_FLOW_ETHERTYPE:
		if (!netif_ethertype_claimable(fs->ethertype)) {
			netif_extack_set(ext,
					 "ethertype 0x%04x cannot be claimed (802.3 length, or IP, ARP, "
					 "RARP, VLAN, IPv6, PAE, RSN pre-auth, 802.15.4)",
					 fs->ethertype);
			return -EINVAL;
		}
		return 0;
	case NETIF_FLOW_ULA:
		if (addr6_unusable(fs->local) || addr6_unusable(fs->remote)) {
			netif_extack_set(ext, "ula flow addresses must be unicast and specified");
			return -EINVAL;
		}
		return 0;
	case NETIF_FLOW_TUPLE:
		return check_tuple(fs, ext);
	}
	netif_extack_set(ext, "unknown flow type %u", fs->type);
	return -EINVAL;
}

static int check_action(const struct flow_spec *fs, struct netif_extack *ext)
{
	switch (fs->action) {
	case NETIF_ACTION_PASS:
	case NETIF_ACTION_DROP:
	case NETIF_ACTION_EXCEPTION:
		return 0;
	case NETIF_ACTION_REDIRECT:
		if (!fs->redirect_dev[0]) {
			netif_extack_set(ext, "action redirect needs a device");
			return -EINVAL;
		}
		if (fs->dir == NETIF_DIR_OUT) {
			netif_extack_set(ext, "redirect is an ingress action");
			return -EINVAL;
		}
		return 0;
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
		return 0;
	}
	netif_extack_set(ext, "unknown action %u", fs->action);
	return -EINVAL;
}

static int check_shape(const struct flow_spec *fs, struct netif_extack *ext)
{
	if (!fs->shape)
		return 0;
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
	return 0;
}

int flow_spec_check(const struct flow_spec *fs, struct netif_extack *ext)
{
	struct netif_bucket b;

	if (fs->has_uuid && uuid_is_null(fs->uuid)) {
		netif_extack_set(ext, "flow uuid is null");
		return -EINVAL;
	}
	return check_match(fs, ext) ?: check_action(fs, ext) ?:
	       bucket_params(fs->rate, fs->burst, "flow", &b, ext) ?: check_shape(fs, ext);
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

static int tuple_keys(const struct flow_spec *fs, struct flow_key keys[2])
{
	int n = 0;

	for (int fam = 4; fam <= 6; fam += 2) {
		if (fs->family && fs->family != fam)
			continue;
		if ((fs->proto == IPPROTO_ICMP && fam == 6) || (fs->proto == IPPROTO_ICMPV6 && fam == 4))
			continue;
		tuple_key(fs, fam, &keys[n++]);
	}
	return n;
}

int flow_spec_keys(const struct flow_spec *fs, struct flow_key keys[2])
{
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
		return tuple_keys(fs, keys);
	}
	return 0;
}
