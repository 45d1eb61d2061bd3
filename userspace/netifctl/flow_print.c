// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* One flow of "flow show", in text or JSON */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include "netif/maps.h"
#include "args.h"
#include "attrs.h"
#include "commands.h"
#include "names.h"

static void print_addr(struct out *o, const char *key, const char *fmt, const struct nlattr *a)
{
	int len = a ? mnl_attr_get_payload_len(a) : 0;
	char buf[64];

	/* the policy allows 4..16 bytes: only the two address sizes are read */
	if (len == 4 || len == 16)
		print_string(o, PRINT_ANY, key, fmt,
			     cli_fmt_addr(mnl_attr_get_payload(a), len, buf, sizeof(buf)));
}

/* dir, llink and the match fields */
static void print_match(struct out *o, const struct nlattr **tb)
{
	unsigned int proto = tb[NETIF_FA_PROTO] ? mnl_attr_get_u8(tb[NETIF_FA_PROTO]) : 0;
	bool icmp = tb[NETIF_FA_PROTO] && (proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6);
	char buf[16];

	if (tb[NETIF_FA_DIR])
		print_string(o, PRINT_ANY, "dir", " dir %s",
			     netif_dir_name(mnl_attr_get_u8(tb[NETIF_FA_DIR])));
	if (tb[NETIF_FA_LLINK])
		print_u64(o, PRINT_ANY, "llink", " llink %s", mnl_attr_get_u64(tb[NETIF_FA_LLINK]));
	if (tb[NETIF_FA_ETHERTYPE]) {
		snprintf(buf, sizeof(buf), "0x%04x", mnl_attr_get_u16(tb[NETIF_FA_ETHERTYPE]));
		print_string(o, PRINT_ANY, "ethertype", " ethertype %s", buf);
	}
	print_addr(o, "local", " local %s", tb[NETIF_FA_LOCAL]);
	print_addr(o, "remote", " remote %s", tb[NETIF_FA_REMOTE]);
	if (tb[NETIF_FA_PROTO])
		print_string(o, PRINT_ANY, "proto", " proto %s",
			     netif_proto_name(proto, buf, sizeof(buf)));
	print_addr(o, "src", " src %s", tb[NETIF_FA_SRC]);
	print_addr(o, "dst", " dst %s", tb[NETIF_FA_DST]);
	/* ICMP type and code travel in the port attributes; JSON keeps their keys */
	if (tb[NETIF_FA_SPORT])
		print_u64(o, PRINT_ANY, "sport", icmp ? " type %s" : " sport %s",
			  mnl_attr_get_u16(tb[NETIF_FA_SPORT]));
	if (tb[NETIF_FA_DPORT])
		print_u64(o, PRINT_ANY, "dport", icmp ? " code %s" : " dport %s",
			  mnl_attr_get_u16(tb[NETIF_FA_DPORT]));
}

/* action and its limits */
static void print_action(struct out *o, const struct nlattr **tb)
{
	char buf[16];

	if (tb[NETIF_FA_ACTION])
		print_string(o, PRINT_ANY, "action", " action %s",
			     netif_action_name(mnl_attr_get_u8(tb[NETIF_FA_ACTION])));
	if (tb[NETIF_FA_REDIRECT_DEV])
		print_string(o, PRINT_ANY, "redirect_dev", " dev %s",
			     mnl_attr_get_str(tb[NETIF_FA_REDIRECT_DEV]));
	if (tb[NETIF_FA_PORT])
		print_u64(o, PRINT_ANY, "port", " %s", mnl_attr_get_u8(tb[NETIF_FA_PORT]));
	if (tb[NETIF_FA_RATE])
		print_rate(o, PRINT_ANY, "rate", " rate %s", mnl_attr_get_u64(tb[NETIF_FA_RATE]));
	if (tb[NETIF_FA_BURST])
		print_size(o, PRINT_ANY, "burst", " burst %s", mnl_attr_get_u64(tb[NETIF_FA_BURST]));
	if (tb[NETIF_FA_SHAPE])
		print_rate(o, PRINT_ANY, "shape", " shape %s", mnl_attr_get_u64(tb[NETIF_FA_SHAPE]));
	if (tb[NETIF_FA_QSET_HINT]) {
		snprintf(buf, sizeof(buf), "0x%x", mnl_attr_get_u32(tb[NETIF_FA_QSET_HINT]));
		print_string(o, PRINT_ANY, "qset_hint", " qset-hint %s", buf);
	}
}

int flow_print(struct out *o, const struct nlattr *flow, bool stats)
{
	return flow_print_as(o, NULL, flow, stats);
}

int flow_print_as(struct out *o, const char *key, const struct nlattr *flow, bool stats)
{
	const struct nlattr *tb[NETIF_FA_MAX + 1];
	char u[37];

	if (netif_attr_parse_nested(flow, netif_flow_policy, NETIF_FA_MAX, tb, NULL))
		return -EBADMSG;
	out_open_object(o, key);
	if (tb[NETIF_FA_UUID])
		print_string(o, PRINT_ANY, "uuid", "uuid %s",
			     cli_fmt_uuid(mnl_attr_get_payload(tb[NETIF_FA_UUID]), u));
	if (tb[NETIF_FA_TYPE])
		print_string(o, PRINT_ANY, "type", " %s",
			     netif_flow_type_name(mnl_attr_get_u8(tb[NETIF_FA_TYPE])));
	print_match(o, tb);
	print_action(o, tb);
	if (tb[NETIF_FA_FLOW_ID])
		print_u64(o, PRINT_JSON, "flow_id", NULL, mnl_attr_get_u32(tb[NETIF_FA_FLOW_ID]));
	print_text(o, "\n");
	if (stats) {
		print_u64(o, PRINT_ANY, "packets", "    packets %s", attr_u64(tb[NETIF_FA_PACKETS]));
		print_u64(o, PRINT_ANY, "bytes", " bytes %s", attr_u64(tb[NETIF_FA_BYTES]));
		print_u64(o, PRINT_ANY, "drops", " drops %s", attr_u64(tb[NETIF_FA_DROPS]));
		print_u64(o, PRINT_ANY, "rate_limited", " (rate-limited %s)\n",
			  attr_u64(tb[NETIF_FA_RATE_LIMITED]));
	}
	out_close_object(o);
	return 0;
}
