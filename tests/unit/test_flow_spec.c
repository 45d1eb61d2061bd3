// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Flow descriptions: decoding a NETIF_A_FLOW nest, XNU's rules, and the
 * keys a valid flow is installed under. Pure functions of userspace/netifd/flow.c.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include "unit.h"
#include "netif/flow_rules.h"
#include "userspace/netifd/flow.h"
#include "userspace/netifd/tuple_filter.h"
#include "userspace/netifd/ctl.h"

enum { END = 0, U8, U16, U32, U64, ADDR, BIN16, STR };

struct attr {
	int kind;
	int type;
	uint64_t v;
	const void *p;
};

struct row {
	const char *name;
	struct attr a[12];
	int err;
	const char *msg;  /* substring of the ext-ack message */
	int nkeys;        /* for valid flows */
};

#define T(x) { .kind = U8, .type = NETIF_FA_TYPE, .v = x }
#define ACT(x) { .kind = U8, .type = NETIF_FA_ACTION, .v = x }
#define PROTO(x) { .kind = U8, .type = NETIF_FA_PROTO, .v = x }
#define ET(x) { .kind = U16, .type = NETIF_FA_ETHERTYPE, .v = x }
#define DIR(x) { .kind = U8, .type = NETIF_FA_DIR, .v = x }
#define SRC4(s) { .kind = ADDR, .type = NETIF_FA_SRC, .p = s }
#define DST4(s) { .kind = ADDR, .type = NETIF_FA_DST, .p = s }
#define SRC6(s) { .kind = ADDR, .type = NETIF_FA_SRC, .p = s }
#define DST6(s) { .kind = ADDR, .type = NETIF_FA_DST, .p = s }
#define LOCAL(s) { .kind = ADDR, .type = NETIF_FA_LOCAL, .p = s }
#define REMOTE(s) { .kind = ADDR, .type = NETIF_FA_REMOTE, .p = s }
#define SPORT(x) { .kind = U16, .type = NETIF_FA_SPORT, .v = x }
#define DPORT(x) { .kind = U16, .type = NETIF_FA_DPORT, .v = x }
#define PORT(x) { .kind = U8, .type = NETIF_FA_PORT, .v = x }
#define RATE(x) { .kind = U64, .type = NETIF_FA_RATE, .v = x }
#define BURST(x) { .kind = U64, .type = NETIF_FA_BURST, .v = x }
#define SHAPE(x) { .kind = U64, .type = NETIF_FA_SHAPE, .v = x }
#define REDIR(d) { .kind = STR, .type = NETIF_FA_REDIRECT_DEV, .p = d }
#define UUID(u) { .kind = BIN16, .type = NETIF_FA_UUID, .p = u }

static const uint8_t null_uuid[16];
static const uint8_t some_uuid[16] = { 1, 2, 3 };

static const struct row rows[] = {
	/* ethertype table (XNU's rules) */
	{ "ethertype 0x88b5 is claimable", { T(NETIF_FLOW_ETHERTYPE), ET(0x88b5), ACT(NETIF_ACTION_DROP) }, 0, NULL, 1 },
	{ "ethertype 1500 is an 802.3 length", { T(NETIF_FLOW_ETHERTYPE), ET(1500) }, -EINVAL, "cannot be claimed", 0 },
	{ "ethertype IPv4 refused", { T(NETIF_FLOW_ETHERTYPE), ET(0x0800) }, -EINVAL, "cannot be claimed", 0 },
	{ "ethertype ARP refused", { T(NETIF_FLOW_ETHERTYPE), ET(0x0806) }, -EINVAL, "cannot be claimed", 0 },
	{ "ethertype RARP refused", { T(NETIF_FLOW_ETHERTYPE), ET(0x8035) }, -EINVAL, "cannot be claimed", 0 },
	{ "ethertype 802.1Q refused", { T(NETIF_FLOW_ETHERTYPE), ET(0x8100) }, -EINVAL, "cannot be claimed", 0 },
	{ "ethertype 802.1ad refused", { T(NETIF_FLOW_ETHERTYPE), ET(0x88a8) }, -EINVAL, "cannot be claimed", 0 },
	{ "ethertype IPv6 refused", { T(NETIF_FLOW_ETHERTYPE), ET(0x86dd) }, -EINVAL, "cannot be claimed", 0 },
	{ "ethertype PAE refused", { T(NETIF_FLOW_ETHERTYPE), ET(0x888e) }, -EINVAL, "cannot be claimed", 0 },
	{ "ethertype RSN pre-auth refused", { T(NETIF_FLOW_ETHERTYPE), ET(0x88c7) }, -EINVAL, "cannot be claimed", 0 },
	{ "ethertype 802.15.4 refused", { T(NETIF_FLOW_ETHERTYPE), ET(0x809a) }, -EINVAL, "cannot be claimed", 0 },
	{ "ethertype flow without a type value", { T(NETIF_FLOW_ETHERTYPE) }, -EINVAL, "without an ethertype", 0 },
	{ "ethertype flow with a port", { T(NETIF_FLOW_ETHERTYPE), ET(0x88b5), DPORT(80) }, -EINVAL, "not valid for an ethertype flow", 0 },
	/* ULA (address pair) table */
	{ "ula pair", { T(NETIF_FLOW_ULA), LOCAL("fd00::1"), REMOTE("fd00::2") }, 0, NULL, 1 },
	{ "ula without remote", { T(NETIF_FLOW_ULA), LOCAL("fd00::1") }, -EINVAL, "both a local and a remote", 0 },
	{ "ula with a multicast address", { T(NETIF_FLOW_ULA), LOCAL("ff02::1"), REMOTE("fd00::2") }, -EINVAL, "unicast", 0 },
	{ "ula with the unspecified address", { T(NETIF_FLOW_ULA), LOCAL("::"), REMOTE("fd00::2") }, -EINVAL, "unicast", 0 },
	{ "ula with a protocol", { T(NETIF_FLOW_ULA), LOCAL("fd00::1"), REMOTE("fd00::2"), PROTO(6) }, -EINVAL, "not valid for a ula flow", 0 },
	/* 5-tuple table */
	{ "tuple udp dport: both families", { T(NETIF_FLOW_TUPLE), PROTO(IPPROTO_UDP), DPORT(53) }, 0, NULL, 2 },
	{ "tuple v4 addresses: one key", { T(NETIF_FLOW_TUPLE), PROTO(IPPROTO_TCP), SRC4("10.0.0.1"), DST4("10.0.0.2"), SPORT(1000), DPORT(80) }, 0, NULL, 1 },
	{ "tuple v6 address: one key", { T(NETIF_FLOW_TUPLE), PROTO(IPPROTO_TCP), DST6("fd00::1") }, 0, NULL, 1 },
	{ "tuple icmp: IPv4 only", { T(NETIF_FLOW_TUPLE), PROTO(IPPROTO_ICMP) }, 0, NULL, 1 },
	{ "tuple icmpv6: IPv6 only", { T(NETIF_FLOW_TUPLE), PROTO(IPPROTO_ICMPV6) }, 0, NULL, 1 },
	{ "tuple icmp type 8 code 0", { T(NETIF_FLOW_TUPLE), PROTO(IPPROTO_ICMP), SPORT(8), DPORT(0) }, 0, NULL, 1 },
	{ "tuple icmp type above 255", { T(NETIF_FLOW_TUPLE), PROTO(IPPROTO_ICMP), SPORT(300) }, -EINVAL, "0..255", 0 },
	{ "tuple icmp with IPv6 addresses", { T(NETIF_FLOW_TUPLE), PROTO(IPPROTO_ICMP), DST6("fd00::1") }, -EINVAL, "does not match", 0 },
	{ "tuple icmpv6 with IPv4 addresses", { T(NETIF_FLOW_TUPLE), PROTO(IPPROTO_ICMPV6), DST4("10.0.0.1") }, -EINVAL, "does not match", 0 },
	{ "tuple mixed families", { T(NETIF_FLOW_TUPLE), PROTO(IPPROTO_TCP), SRC4("10.0.0.1"), DST6("fd00::1") }, -EINVAL, "one family", 0 },
	{ "tuple ports on GRE", { T(NETIF_FLOW_TUPLE), PROTO(47), DPORT(80) }, -EINVAL, "only valid for tcp and udp", 0 },
	{ "tuple port 0", { T(NETIF_FLOW_TUPLE), PROTO(IPPROTO_TCP), DPORT(0) }, -EINVAL, "port 0", 0 },
	{ "tuple without protocol", { T(NETIF_FLOW_TUPLE), DPORT(80) }, -EINVAL, "without a protocol", 0 },
	{ "tuple with an ethertype", { T(NETIF_FLOW_TUPLE), PROTO(6), ET(0x88b5) }, -EINVAL, "not valid for a tuple flow", 0 },
	/* general */
	{ "no type", { PROTO(6) }, -EINVAL, "flow type missing", 0 },
	{ "unknown type", { T(9) }, -EINVAL, "unknown flow type", 0 },
	{ "bad direction", { T(NETIF_FLOW_TUPLE), PROTO(6), DIR(2) }, -EINVAL, "direction", 0 },
	{ "null uuid", { T(NETIF_FLOW_TUPLE), PROTO(6), UUID(null_uuid) }, -EINVAL, "null", 0 },
	{ "given uuid", { T(NETIF_FLOW_TUPLE), PROTO(6), UUID(some_uuid) }, 0, NULL, 2 },
	{ "read-only counters", { T(NETIF_FLOW_TUPLE), PROTO(6), { .kind = U64, .type = NETIF_FA_PACKETS, .v = 1 } }, -EINVAL, "read-only", 0 },
	{ "unknown action", { T(NETIF_FLOW_TUPLE), PROTO(6), ACT(9) }, -EINVAL, "unknown action", 0 },
	{ "port action in range", { T(NETIF_FLOW_TUPLE), PROTO(17), ACT(NETIF_ACTION_PORT), PORT(2) }, 0, NULL, 2 },
	{ "port 1 is the host", { T(NETIF_FLOW_TUPLE), PROTO(17), ACT(NETIF_ACTION_PORT), PORT(1) }, -EINVAL, "out of range", 0 },
	{ "port 128", { T(NETIF_FLOW_TUPLE), PROTO(17), ACT(NETIF_ACTION_PORT), PORT(128) }, -EINVAL, "out of range", 0 },
	{ "port without port action", { T(NETIF_FLOW_TUPLE), PROTO(17), PORT(2) }, -EINVAL, "only valid with action port", 0 },
	{ "redirect without device", { T(NETIF_FLOW_TUPLE), PROTO(17), ACT(NETIF_ACTION_REDIRECT) }, -EINVAL, "needs a device", 0 },
	{ "device without redirect", { T(NETIF_FLOW_TUPLE), PROTO(17), REDIR("eth1") }, -EINVAL, "only valid with action redirect", 0 },
	{ "redirect on egress", { T(NETIF_FLOW_TUPLE), PROTO(17), DIR(NETIF_DIR_OUT), ACT(NETIF_ACTION_REDIRECT), REDIR("eth1") }, -EINVAL, "ingress action", 0 },
	{ "port on egress", { T(NETIF_FLOW_TUPLE), PROTO(17), DIR(NETIF_DIR_OUT), ACT(NETIF_ACTION_PORT), PORT(2) }, -EINVAL, "ingress action", 0 },
	{ "rate and burst", { T(NETIF_FLOW_TUPLE), PROTO(17), RATE(1000000), BURST(10000) }, 0, NULL, 2 },
	{ "burst without rate", { T(NETIF_FLOW_TUPLE), PROTO(17), BURST(10000) }, -EINVAL, "without a rate", 0 },
	{ "rate below 8 bit/s", { T(NETIF_FLOW_TUPLE), PROTO(17), RATE(4) }, -EINVAL, "out of range", 0 },
	{ "burst lasting hours", { T(NETIF_FLOW_TUPLE), PROTO(17), RATE(8), BURST(1000000) }, -EINVAL, "more than an hour", 0 },
	{ "shape on egress", { T(NETIF_FLOW_TUPLE), PROTO(6), DIR(NETIF_DIR_OUT), SHAPE(10000000) }, 0, NULL, 2 },
	{ "shape on ingress", { T(NETIF_FLOW_TUPLE), PROTO(6), SHAPE(10000000) }, -EINVAL, "egress flows", 0 },
	{ "shaping a dropping flow", { T(NETIF_FLOW_TUPLE), PROTO(6), DIR(NETIF_DIR_OUT), ACT(NETIF_ACTION_DROP), SHAPE(10000000) }, -EINVAL, "passing flow", 0 },
};

static void build(struct nlmsghdr *nlh, const struct attr *a)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, NETIF_A_FLOW);

	for (; a->kind != END; a++) {
		switch (a->kind) {
		case U8:
			mnl_attr_put_u8(nlh, a->type, a->v);
			break;
		case U16:
			mnl_attr_put_u16(nlh, a->type, a->v);
			break;
		case U32:
			mnl_attr_put_u32(nlh, a->type, a->v);
			break;
		case U64:
			mnl_attr_put_u64(nlh, a->type, a->v);
			break;
		case ADDR: {
			/* written as text in the table, sent as 4 or 16 bytes */
			uint8_t buf[16];

			if (inet_pton(AF_INET, a->p, buf) == 1)
				mnl_attr_put(nlh, a->type, 4, buf);
			else if (inet_pton(AF_INET6, a->p, buf) == 1)
				mnl_attr_put(nlh, a->type, 16, buf);
			else
				fail_msg("bad address %s in the table", (const char *)a->p);
			break;
		}
		case BIN16:
			mnl_attr_put(nlh, a->type, 16, a->p);
			break;
		case STR:
			mnl_attr_put_strz(nlh, a->type, a->p);
			break;
		}
	}
	mnl_attr_nest_end(nlh, nest);
}

static void test_row(void **state)
{
	const struct row *r = *state;
	char buf[4096] = {};
	const struct nlattr *tb[NETIF_A_MAX + 1];
	struct nlmsghdr *nlh = unit_msg(buf, NETIF_CMD_FLOW_ADD);
	struct netif_extack ext = {};
	struct flow_key keys[2];
	struct flow_spec fs;
	int err;

	build(nlh, r->a);
	assert_int_equal(netif_attr_parse(nlh, netif_policy, NETIF_A_MAX, tb, NULL), 0);
	err = flow_spec_from_attr(tb[NETIF_A_FLOW], &fs, &ext);
	assert_int_equal(err, r->err);
	if (r->msg) {
		if (!strstr(ext.msg, r->msg))
			fail_msg("message \"%s\" lacks \"%s\"", ext.msg, r->msg);
	}
	if (!err)
		assert_int_equal(flow_spec_keys(&fs, keys), r->nkeys);
}

/* Keys carry exactly the fields given, ports in network order, the rest zero. */
static void test_tuple_keys(void **state)
{
	struct flow_spec fs = {
		.type = NETIF_FLOW_TUPLE, .dir = NETIF_DIR_IN, .proto = IPPROTO_UDP,
		.mask = NETIF_TUPLE_M_DPORT, .dport = 53,
	};
	struct flow_key k[2];

	assert_int_equal(flow_spec_keys(&fs, k), 2);
	assert_int_equal(k[0].family, 4);
	assert_int_equal(k[1].family, 6);
	assert_int_equal(sizeof(k[0].tuple4), 16);
	assert_int_equal(sizeof(k[1].tuple6), 40);
	assert_int_equal(k[0].tuple4.mask, NETIF_TUPLE_M_DPORT);
	assert_int_equal(k[0].tuple4.dport, htons(53));
	assert_int_equal(k[0].tuple4.sport, 0);
	assert_int_equal(k[0].tuple4.src, 0);
	assert_int_equal(k[1].tuple6.mask, NETIF_TUPLE_M_DPORT);
	assert_int_equal(k[1].tuple6.dport, htons(53));
	assert_int_equal(k[1].tuple6.src[3], 0);

	fs.has_llink = true;
	fs.llink_internal = 0x1234;
	assert_int_equal(flow_spec_keys(&fs, k), 2);
	assert_int_equal(k[0].tuple4.mask, NETIF_TUPLE_M_DPORT | NETIF_TUPLE_M_LLINK);
	assert_int_equal(k[0].tuple4.llink, 0x1234);
}

/* The direction is the top bit of a key's last byte, under the mask: the fast path builds it so. */
static void test_tuple_key_dir_bit(void **state)
{
	struct flow_spec fs = {
		.type = NETIF_FLOW_TUPLE, .dir = NETIF_DIR_OUT, .proto = IPPROTO_TCP,
		.mask = NETIF_TUPLE_M_SRC | NETIF_TUPLE_M_DPORT, .dport = 443,
	};
	struct flow_key k[2];

	assert_int_equal(flow_spec_keys(&fs, k), 2);
	assert_int_equal(((const uint8_t *)&k[0].tuple4)[15], 0x80 | NETIF_TUPLE_M_SRC | NETIF_TUPLE_M_DPORT);
	assert_int_equal(((const uint8_t *)&k[1].tuple6)[39], 0x80 | NETIF_TUPLE_M_SRC | NETIF_TUPLE_M_DPORT);
	assert_int_equal(((const uint8_t *)&k[0].tuple4)[14], IPPROTO_TCP);
}

static int nfields(uint8_t m)
{
	return __builtin_popcount(m & 15);
}

/*
 * Every mask has one rank; more packet fields first; with as many fields a
 * scoped mask before every unscoped one; the compile-time "without field"
 * bitmaps agree with the table.
 */
static void test_tuple_ranks(void **state)
{
	static const uint8_t ranks[] = { NETIF_TUPLE_RANKS(NETIF__RANK_MASK, 0) };
	static const uint32_t without[4] = {
		NETIF_RANKS_WITHOUT(NETIF_TUPLE_M_SRC), NETIF_RANKS_WITHOUT(NETIF_TUPLE_M_DST),
		NETIF_RANKS_WITHOUT(NETIF_TUPLE_M_SPORT), NETIF_RANKS_WITHOUT(NETIF_TUPLE_M_DPORT),
	};
	uint32_t seen = 0;
	int r, f;

	assert_int_equal(sizeof(ranks), NETIF_TUPLE_MASKS);
	for (r = 0; r < NETIF_TUPLE_MASKS; r++) {
		seen |= 1U << ranks[r];
		assert_int_equal(tf_rank_of(ranks[r]), r);
		if (r) {
			assert_true(nfields(ranks[r - 1]) >= nfields(ranks[r]));
			if (nfields(ranks[r - 1]) == nfields(ranks[r]))
				assert_true((ranks[r - 1] & NETIF_TUPLE_M_LLINK) ||
					    !(ranks[r] & NETIF_TUPLE_M_LLINK));
		}
		for (f = 0; f < 4; f++)
			assert_int_equal(!!(without[f] & (1U << r)), !(ranks[r] & (1U << f)));
		assert_int_equal(!!(NETIF_RANKS_PORTLESS & (1U << r)), !(ranks[r] & 12));
	}
	assert_int_equal(seen, 0xffffffffU);
}

/* The filter holds a rank's bit exactly while a key of that mask has the value. */
static void test_tuple_filter(void **state)
{
	struct tuple_filter tf;
	struct tf_key a = { .slot = 0, .family = 4, .mask = NETIF_TUPLE_M_DST | NETIF_TUPLE_M_DPORT,
			    .proto = IPPROTO_TCP, .dst = { htonl(0xc6336401) }, .dport = htons(22) };
	struct tf_key b = a;
	struct netif_cfg cfg = { 0 };
	int r = tf_rank_of(a.mask);
	uint32_t di = netif_tf_addr4(a.dst[0]), pi = netif_tf_port(a.dport);

	b.dport = htons(80);
	assert_int_equal(tf_init(&tf), 0);
	assert_int_equal(tf_account(&tf, -1, &a, 1), 0);
	assert_int_equal(tf_account(&tf, -1, &b, 1), 0);
	assert_true(tf.shadow[di].dst & (1U << r));
	assert_true(tf.shadow[pi].dport & (1U << r));
	assert_true(tf.shadow[IPPROTO_TCP].proto & (1U << r));
	assert_int_equal(tf.shadow[IPPROTO_UDP].proto, 0);
	assert_int_equal(tf.shadow[di].src, 0);
	tf_cfg(&tf, &cfg);
	assert_int_equal(cfg.tuple_ranks[0], 1U << r);
	/* one mask naming two fields: checking them beats a probe */
	assert_int_equal(cfg.tuple_fields[0], NETIF_TUPLE_F_PROTO | NETIF_TUPLE_M_DST |
						      NETIF_TUPLE_M_DPORT);

	assert_int_equal(tf_account(&tf, -1, &a, -1), 0);
	assert_true(tf.shadow[di].dst & (1U << r)); /* b still names that address */
	assert_false(tf.shadow[pi].dport & (1U << r));
	assert_int_equal(tf_account(&tf, -1, &b, -1), 0);
	assert_false(tf.shadow[di].dst & (1U << r));
	tf_cfg(&tf, &cfg);
	assert_int_equal(cfg.tuple_ranks[0], 0);

	assert_int_equal(cfg.tuple_fields[0], 0);

	/* one mask naming all four fields: a probe is cheaper */
	a.mask = 15;
	assert_int_equal(tf_account(&tf, -1, &a, 1), 0);
	tf_cfg(&tf, &cfg);
	assert_int_equal(cfg.tuple_fields[0], 0);
	/* more masks: every field they name, and the protocol */
	for (uint8_t m = 1; m <= NETIF_TUPLE_FILTER_MIN; m++) {
		a.mask = m;
		assert_int_equal(tf_account(&tf, -1, &a, 1), 0);
	}
	tf_cfg(&tf, &cfg);
	assert_int_equal(cfg.tuple_fields[0], NETIF_TUPLE_F_PROTO | 15);
	tf_free(&tf);
}

int main(void)
{
	const struct CMUnitTest more[] = { cmocka_unit_test(test_tuple_keys), cmocka_unit_test(test_tuple_key_dir_bit),
					   cmocka_unit_test(test_tuple_ranks),
					   cmocka_unit_test(test_tuple_filter) };
	int fails;

	fails = _cmocka_run_group_tests("flow_spec", UNIT_TESTS(rows, test_row),
					sizeof(rows) / sizeof(rows[0]), NULL, NULL);
	fails += cmocka_run_group_tests_name("keys", more, NULL, NULL);
	return fails ? 1 : 0;
}
