// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Logical links and queue sets: XNU's validation (nx_netif_validate_llink_config)
 * plus the device's queue counts, and the service-class to WMM maps.
 */
#include <errno.h>
#include <string.h>
#include "unit.h"
#include "netif/wmm.h"
#include "userspace/netifd/ctl.h"

#define Q(f, rx, tx) { .flags = (f), .n_rx = (rx), .n_tx = (tx) }
#define DEF NETIF_QSET_F_DEFAULT
#define WMM NETIF_QSET_F_WMM

struct row {
	const char *name;
	struct llink_config cfg;
	int err;
	const char *msg;
};

static const struct row rows[] = {
	{ "one default qset", { .link_id = 1, .nqsets = 1, .qsets = { Q(DEF, 1, 1) } }, 0, NULL },
	{ "default and WMM qsets", { .link_id = 1, .nqsets = 2, .qsets = { Q(DEF, 1, 1), Q(WMM, 0, 4) } }, 0, NULL },
	{ "vlan 4094", { .link_id = 1, .has_vlan = true, .vlan = 4094, .nqsets = 1, .qsets = { Q(DEF, 1, 1) } }, 0, NULL },
	{ "no qset", { .link_id = 1, .nqsets = 0 }, -EINVAL, "at least one qset" },
	{ "nine qsets", { .link_id = 1, .nqsets = 9 }, -EINVAL, "too many qsets" },
	{ "no default qset", { .link_id = 1, .nqsets = 1, .qsets = { Q(0, 1, 1) } }, -EINVAL, "exactly one default" },
	{ "two default qsets", { .link_id = 1, .nqsets = 2, .qsets = { Q(DEF, 1, 1), Q(DEF, 1, 1) } }, -EINVAL, "more than one default" },
	{ "default qset without rx queue", { .link_id = 1, .nqsets = 1, .qsets = { Q(DEF, 0, 1) } }, -EINVAL, "at least one rx queue" },
	{ "qset without tx queue", { .link_id = 1, .nqsets = 2, .qsets = { Q(DEF, 1, 1), Q(0, 1, 0) } }, -EINVAL, "at least one tx queue" },
	{ "WMM with two tx queues", { .link_id = 1, .nqsets = 1, .qsets = { Q(DEF | WMM, 1, 2) } }, -EINVAL, "exactly 4 tx queues" },
	{ "unknown qset flag", { .link_id = 1, .nqsets = 1, .qsets = { Q(DEF | 0x100, 1, 1) } }, -EINVAL, "unknown flags" },
	{ "vlan 0 is the default llink's", { .link_id = 1, .has_vlan = true, .vlan = 0, .nqsets = 1, .qsets = { Q(DEF, 1, 1) } }, -EINVAL, "vlan 0" },
	{ "vlan 4095", { .link_id = 1, .has_vlan = true, .vlan = 4095, .nqsets = 1, .qsets = { Q(DEF, 1, 1) } }, -EINVAL, "out of range" },
	{ "tx queues beyond the device", { .link_id = 1, .nqsets = 1, .qsets = { { .flags = DEF, .n_rx = 1, .n_tx = 2, .tx_base = 3 } } }, -EINVAL, "exceed the device" },
	{ "rx queues beyond the device", { .link_id = 1, .nqsets = 1, .qsets = { Q(DEF, 5, 1) } }, -EINVAL, "exceed the device" },
	{ "qset policing rate", { .link_id = 1, .nqsets = 1, .qsets = { { .flags = DEF, .n_rx = 1, .n_tx = 1, .rate = 1000000 } } }, 0, NULL },
	{ "qset burst without rate", { .link_id = 1, .nqsets = 1, .qsets = { { .flags = DEF, .n_rx = 1, .n_tx = 1, .burst = 1000 } } }, -EINVAL, "without a rate" },
	{ "qset shape too slow", { .link_id = 1, .nqsets = 1, .qsets = { { .flags = DEF, .n_rx = 1, .n_tx = 1, .shape = 1 } } }, -EINVAL, "shape rate" },
};

static void test_row(void **state)
{
	const struct row *r = *state;
	struct netif_extack ext = {};
	int err;

	/* a device with 4 RX and 4 TX queues */
	err = llink_config_check(&r->cfg, 4, 4, &ext);
	assert_int_equal(err, r->err);
	if (r->msg && !strstr(ext.msg, r->msg))
		fail_msg("message \"%s\" lacks \"%s\"", ext.msg, r->msg);
}

/* llink add as netifctl sends it: several qset nests, flags, bases. */
static void test_decode(void **state)
{
	char buf[4096] = {};
	const struct nlattr *tb[NETIF_A_MAX + 1];
	struct nlmsghdr *nlh = unit_msg(buf, NETIF_CMD_LLINK_ADD);
	struct llink_config cfg;
	struct nlattr *nest, *q;
	struct netif_extack ext = {};

	nest = mnl_attr_nest_start(nlh, NETIF_A_LLINK);
	mnl_attr_put_u64(nlh, NETIF_LA_LINK_ID, 7);
	mnl_attr_put_u16(nlh, NETIF_LA_VLAN, 10);
	q = mnl_attr_nest_start(nlh, NETIF_LA_QSET);
	mnl_attr_put_u32(nlh, NETIF_QA_FLAGS, DEF | WMM);
	mnl_attr_put_u32(nlh, NETIF_QA_RX_QUEUES, 1);
	mnl_attr_put_u32(nlh, NETIF_QA_TX_QUEUES, 4);
	mnl_attr_nest_end(nlh, q);
	q = mnl_attr_nest_start(nlh, NETIF_LA_QSET);
	mnl_attr_put_u32(nlh, NETIF_QA_TX_QUEUES, 2);
	mnl_attr_put_u32(nlh, NETIF_QA_TX_BASE, 2);
	mnl_attr_put_u64(nlh, NETIF_QA_SHAPE, 10000000);
	mnl_attr_nest_end(nlh, q);
	mnl_attr_nest_end(nlh, nest);
	assert_int_equal(netif_attr_parse(nlh, netif_policy, NETIF_A_MAX, tb, NULL), 0);
	assert_int_equal(llink_config_from_attr(tb[NETIF_A_LLINK], &cfg, &ext), 0);
	assert_int_equal(cfg.link_id, 7);
	assert_true(cfg.has_vlan);
	assert_int_equal(cfg.vlan, 10);
	assert_int_equal(cfg.nqsets, 2);
	assert_int_equal(cfg.qsets[0].flags, DEF | WMM);
	assert_int_equal(cfg.qsets[0].n_tx, 4);
	assert_int_equal(cfg.qsets[1].tx_base, 2);
	assert_int_equal(cfg.qsets[1].shape, 10000000);
	assert_int_equal(llink_config_check(&cfg, 4, 4, &ext), 0);
}

static void test_decode_readonly(void **state)
{
	char buf[1024] = {};
	const struct nlattr *tb[NETIF_A_MAX + 1];
	struct nlmsghdr *nlh = unit_msg(buf, NETIF_CMD_LLINK_ADD);
	struct llink_config cfg;
	struct nlattr *nest;
	struct netif_extack ext = {};

	nest = mnl_attr_nest_start(nlh, NETIF_A_LLINK);
	mnl_attr_put_u64(nlh, NETIF_LA_LINK_ID, 7);
	mnl_attr_put_u16(nlh, NETIF_LA_INTERNAL_ID, 1);
	mnl_attr_nest_end(nlh, nest);
	assert_int_equal(netif_attr_parse(nlh, netif_policy, NETIF_A_MAX, tb, NULL), 0);
	assert_int_equal(llink_config_from_attr(tb[NETIF_A_LLINK], &cfg, &ext), -EINVAL);
	assert_non_null(strstr(ext.msg, "read-only"));
}

/* XNU: BK_SYS/BK -> BK, BE/RD/OAM -> BE, AV/RV/VI -> VI, VO/CTL -> VO; queues VO, VI, BE, BK. */
static void test_wmm(void **state)
{
	static const unsigned int want[NETIF_SVC__MAX] = {
		[NETIF_SVC_BE] = 2, [NETIF_SVC_BK_SYS] = 3, [NETIF_SVC_BK] = 3, [NETIF_SVC_RD] = 2,
		[NETIF_SVC_OAM] = 2, [NETIF_SVC_AV] = 1, [NETIF_SVC_RV] = 1, [NETIF_SVC_VI] = 1,
		[NETIF_SVC_VO] = 0, [NETIF_SVC_CTL] = 0,
	};
	unsigned int svc;

	for (svc = 0; svc < NETIF_SVC__MAX; svc++)
		assert_int_equal(llink_wmm_queue(svc), want[svc]);
	assert_int_equal(llink_wmm_queue(42), NETIF_WMM_BE);
}

static void test_dscp(void **state)
{
	assert_int_equal(netif_dscp_to_svc(0), NETIF_SVC_BE);
	assert_int_equal(netif_dscp_to_svc(8), NETIF_SVC_BK);   /* CS1 */
	assert_int_equal(netif_dscp_to_svc(10), NETIF_SVC_BK);  /* AF11 */
	assert_int_equal(netif_dscp_to_svc(16), NETIF_SVC_OAM); /* CS2 */
	assert_int_equal(netif_dscp_to_svc(24), NETIF_SVC_RV);  /* CS3 */
	assert_int_equal(netif_dscp_to_svc(34), NETIF_SVC_VI);  /* AF41 */
	assert_int_equal(netif_dscp_to_svc(40), NETIF_SVC_VI);  /* CS5 */
	assert_int_equal(netif_dscp_to_svc(46), NETIF_SVC_VO);  /* EF */
	assert_int_equal(netif_dscp_to_svc(48), NETIF_SVC_VO);  /* CS6 */
	assert_int_equal(netif_dscp_to_svc(56), NETIF_SVC_CTL); /* CS7 */
	assert_int_equal(netif_svc_to_wmm(netif_dscp_to_svc(46)), NETIF_WMM_VO);
	assert_int_equal(netif_svc_to_wmm(netif_dscp_to_svc(8)), NETIF_WMM_BK);
}

int main(void)
{
	const struct CMUnitTest more[] = {
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_decode_readonly),
		cmocka_unit_test(test_wmm),
		cmocka_unit_test(test_dscp),
	};
	int fails;

	fails = _cmocka_run_group_tests("llink_config", UNIT_TESTS(rows, test_row),
					sizeof(rows) / sizeof(rows[0]), NULL, NULL);
	fails += cmocka_run_group_tests_name("llink", more, NULL, NULL);
	return fails ? 1 : 0;
}
