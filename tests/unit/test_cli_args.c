// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * netifctl's keyword tables: the request each command line builds, written
 * out attribute by attribute (names from the protocol's policies), and the
 * command lines that must be refused before anything is sent.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "unit.h"
#include "userspace/netifctl/commands.h"

struct row {
	const char *name;
	int (*parse)(struct cli *c, struct nlmsghdr *nlh);
	uint8_t cmd;
	const char *args;
	int err;
	const char *want; /* the request's attributes, as describe() writes them */
};

/* ---- the request as text: name=value, nests as name{...} -------------- */

struct nest_kind {
	int attr;
	const struct netif_attr_policy *pol;
	int max;
};

static void describe(char *buf, size_t len, const struct nlattr *first, const void *end,
		     const struct netif_attr_policy *pol, int max);

static const struct nest_kind *nest_of(const struct netif_attr_policy *pol, int type)
{
	static const struct nest_kind top[] = {
		{ NETIF_A_FLOW, netif_flow_policy, NETIF_FA_MAX },
		{ NETIF_A_LLINK, netif_llink_policy, NETIF_LA_MAX },
		{ NETIF_A_FILTER, netif_filter_policy, NETIF_FIA_MAX },
	};
	static const struct nest_kind qset = { NETIF_LA_QSET, netif_qset_policy, NETIF_QA_MAX };

	if (pol == netif_llink_policy && type == NETIF_LA_QSET)
		return &qset;
	for (size_t i = 0; pol == netif_policy && i < sizeof(top) / sizeof(top[0]); i++)
		if (top[i].attr == type)
			return &top[i];
	return NULL;
}

static void describe_one(char *buf, size_t len, const struct nlattr *a,
			 const struct netif_attr_policy *pol, int max)
{
	int type = mnl_attr_get_type(a);
	const struct nest_kind *nk = nest_of(pol, type);
	size_t used = strlen(buf);
	const uint8_t *p = mnl_attr_get_payload(a);

	if (type > max || !pol[type].name) {
		snprintf(buf + used, len - used, " ?%d", type);
		return;
	}
	snprintf(buf + used, len - used, "%s%s", used && buf[used - 1] != '{' ? " " : "",
		 pol[type].name);
	used = strlen(buf);
	if (nk) {
		snprintf(buf + used, len - used, "{");
		describe(buf, len, mnl_attr_get_payload(a),
			 (const char *)a + a->nla_len, nk->pol, nk->max);
		used = strlen(buf);
		snprintf(buf + used, len - used, "}");
		return;
	}
	switch (pol[type].type) {
	case MNL_TYPE_U8:
		snprintf(buf + used, len - used, "=%u", mnl_attr_get_u8(a));
		break;
	case MNL_TYPE_U16:
		snprintf(buf + used, len - used, "=%u", mnl_attr_get_u16(a));
		break;
	case MNL_TYPE_U32:
		snprintf(buf + used, len - used, "=%u", mnl_attr_get_u32(a));
		break;
	case MNL_TYPE_U64:
		snprintf(buf + used, len - used, "=%llu", (unsigned long long)mnl_attr_get_u64(a));
		break;
	case MNL_TYPE_NUL_STRING:
		snprintf(buf + used, len - used, "=%s", mnl_attr_get_str(a));
		break;
	case MNL_TYPE_FLAG:
		break;
	default:
		snprintf(buf + used, len - used, "=");
		for (int i = 0; i < mnl_attr_get_payload_len(a); i++)
			snprintf(buf + strlen(buf), len - strlen(buf), "%02x", p[i]);
	}
}

static void describe(char *buf, size_t len, const struct nlattr *first, const void *end,
		     const struct netif_attr_policy *pol, int max)
{
	for (const struct nlattr *a = first; (const char *)a < (const char *)end;
	     a = (const struct nlattr *)((const char *)a + MNL_ALIGN(a->nla_len)))
		describe_one(buf, len, a, pol, max);
}

/* ---- rows ------------------------------------------------------------- */

#define FLOW(name, args, err, want) { name, flow_add_parse, NETIF_CMD_FLOW_ADD, args, err, want }
#define LLINK(name, args, err, want) { name, llink_add_parse, NETIF_CMD_LLINK_ADD, args, err, want }
#define FILTER(name, args, err, want) { name, filter_add_parse, NETIF_CMD_FILTER_ADD, args, err, want }

static const struct row rows[] = {
	FLOW("flow: udp port drop", "dev eth0 tuple proto udp dport 9000 action drop", 0,
	     "flow{type=3 proto=17 dport=9000 action=1} ifname=eth0"),
	FLOW("flow: every keyword shortened", "de eth0 tu pr udp dp 9000 a drop", 0,
	     "flow{type=3 proto=17 dport=9000 action=1} ifname=eth0"),
	FLOW("flow: dev last, and the redirect's dev is not the flow's",
	     "tuple proto udp dport 6000 action redirect dev veth2 dev eth0", 0,
	     "flow{type=3 proto=17 dport=6000 action=2 redirect dev=veth2} ifname=eth0"),
	FLOW("flow: icmp type and code in the port attributes",
	     "dev eth0 tuple proto icmp type 8 code 0 action drop", 0,
	     "flow{type=3 proto=1 sport=8 dport=0 action=1} ifname=eth0"),
	FLOW("flow: addresses, llink id u64 max, limits, hint, uuid",
	     "dev eth0 dir out llink 18446744073709551615 tuple proto tcp src 192.0.2.7 dst fd00::1 "
	     "sport 80 action pass rate 10mbit burst 64kb shape 1gbit qset-hint 0x10001 "
	     "uuid 11111111-2222-3333-4444-555555555555", 0,
	     "flow{dir=1 llink=18446744073709551615 type=3 proto=6 src=c0000207 "
	     "dst=fd000000000000000000000000000001 sport=80 action=0 rate=10000000 burst=65536 "
	     "shape=1000000000 qset-hint=65537 uuid=11111111222233334444555555555555} ifname=eth0"),
	FLOW("flow: ula pair to a port", "dev eth0 ula local fd00::1 remote fd00::2 action port 2", 0,
	     "flow{type=2 local=fd000000000000000000000000000001 "
	     "remote=fd000000000000000000000000000002 action=3 port=2} ifname=eth0"),
	FLOW("flow: ethertype", "dev eth0 ethertype 0x88b5 action exception", 0,
	     "flow{type=1 ethertype=34997 action=4} ifname=eth0"),
	FLOW("flow: no match", "dev eth0 action drop", -EINVAL, NULL),
	FLOW("flow: two matches", "dev eth0 tuple ula action drop", -EINVAL, NULL),
	FLOW("flow: a field before its match", "dev eth0 dport 9 tuple action drop", -EINVAL, NULL),
	FLOW("flow: a field of another match", "dev eth0 ula sport 9 action drop", -EINVAL, NULL),
	FLOW("flow: no action", "dev eth0 tuple proto udp", -EINVAL, NULL),
	FLOW("flow: no dev", "tuple proto udp action drop", -EINVAL, NULL),
	FLOW("flow: ambiguous keyword", "dev eth0 tuple s 9 action drop", -EINVAL, NULL),
	FLOW("flow: unknown keyword", "dev eth0 tuple port 9 action drop", -EINVAL, NULL),
	FLOW("flow: action values are whole words", "dev eth0 tuple action dr", -EINVAL, NULL),
	FLOW("flow: a keyword given twice", "dev eth0 tuple dport 1 dport 2 action drop", -EINVAL, NULL),
	FLOW("flow: a keyword without its value", "dev eth0 tuple action drop rate", -EINVAL, NULL),
	FLOW("flow: port 0 is no port", "dev eth0 tuple dport 0 action drop", -EINVAL, NULL),
	FLOW("flow: ula wants IPv6", "dev eth0 ula local 10.0.0.1 action drop", -EINVAL, NULL),
	FLOW("flow: action port without N", "dev eth0 tuple action port", -EINVAL, NULL),
	FLOW("flow: redirect without dev", "dev eth0 tuple action redirect veth2", -EINVAL, NULL),
	FLOW("flow: llink id beyond u64", "dev eth0 llink 18446744073709551616 tuple action drop",
	     -EINVAL, NULL),
	LLINK("llink: two qsets", "dev eth0 id 7 vlan 100 qset default rx 1 tx 1 qset wmm rx 1 tx 4", 0,
	      "llink{id=7 vlan=100 qset{rx=1 tx=1 flags=1} qset{rx=1 tx=4 flags=8}} ifname=eth0"),
	LLINK("llink: shortened, and rx is rx not rx-base",
	      "d eth0 i 7 q def low rx 2 tx-b 2 tx 2 ra 10mbit b 2kb sh 1mbit", 0,
	      "llink{id=7 qset{rx=2 tx-base=2 tx=2 rate=10000000 burst=2048 shape=1000000 flags=5}} "
	      "ifname=eth0"),
	LLINK("llink: id u64 max", "dev eth0 id 18446744073709551615 qset default rx 1 tx 1", 0,
	      "llink{id=18446744073709551615 qset{rx=1 tx=1 flags=1}} ifname=eth0"),
	LLINK("llink: a word after a qset ends it", "dev eth0 id 7 qset default rx 1 tx 1 vlan 9", 0,
	      "llink{id=7 qset{rx=1 tx=1 flags=1} vlan=9} ifname=eth0"),
	LLINK("llink: no id", "dev eth0 qset default rx 1 tx 1", -EINVAL, NULL),
	LLINK("llink: a qset word outside a qset", "dev eth0 id 7 rx 1", -EINVAL, NULL),
	LLINK("llink: ambiguous in a qset", "dev eth0 id 7 qset r 1", -EINVAL, NULL),
	LLINK("llink: vlan beyond 16 bits", "dev eth0 id 7 vlan 65536", -EINVAL, NULL),
	FILTER("filter: pcap", "dev eth0 pcap /var/tmp/x.pcap", 0,
	       "filter{kind=pcap argument=/var/tmp/x.pcap dir=3} ifname=eth0"),
	FILTER("filter: drop takes the rest of the line", "dev eth0 di rx drop tcp port 23 or icmp", 0,
	       "filter{kind=drop argument=tcp port 23 or icmp dir=1} ifname=eth0"),
	FILTER("filter: count", "dev eth0 dir tx count", 0, "filter{kind=count dir=2} ifname=eth0"),
	FILTER("filter: kinds are whole words", "dev eth0 cou", -EINVAL, NULL),
	FILTER("filter: one kind", "dev eth0 count pcap /x", -EINVAL, NULL),
	FILTER("filter: no kind", "dev eth0 dir rx", -EINVAL, NULL),
	FILTER("filter: bad dir", "dev eth0 dir up count", -EINVAL, NULL),
};

static void test_row(void **state)
{
	const struct row *r = *state;
	static struct cli c;
	char words[512], *argv[64], *save = NULL, desc[1024] = "";
	struct nlmsghdr *nlh;
	int argc = 0, err;

	memset(&c, 0, sizeof(c));
	snprintf(words, sizeof(words), "%s", r->args);
	for (char *w = strtok_r(words, " ", &save); w; w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	c.argc = argc;
	c.argv = argv;
	nlh = netif_client_msg(&c.client, r->cmd, 0);
	err = r->parse(&c, nlh);
	assert_int_equal(err, r->err);
	if (err)
		return;
	assert_int_equal(c.argc, 0);
	describe(desc, sizeof(desc), mnl_nlmsg_get_payload_offset(nlh, GENL_HDRLEN),
		 mnl_nlmsg_get_payload_tail(nlh), netif_policy, NETIF_A_MAX);
	assert_string_equal(desc, r->want);
	/* what netifd will read: valid against the policies */
	{
		const struct nlattr *tb[NETIF_A_MAX + 1];
		struct netif_extack ext = {};

		assert_int_equal(netif_attr_parse(nlh, netif_policy, NETIF_A_MAX, tb, &ext), 0);
	}
}

int main(void)
{
	return _cmocka_run_group_tests("cli args", UNIT_TESTS(rows, test_row),
				       sizeof(rows) / sizeof(rows[0]), NULL, NULL)
		       ? 1
		       : 0;
}
