// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Provider parameters (XNU's table) and token bucket parameters. */
#include <errno.h>
#include <string.h>
#include "unit.h"
#include "netif/params.h"
#include "userspace/netifd/bucket.h"
#include "userspace/netifd/nexus.h"

struct row {
	const char *name;
	struct attach_req req;
	int err;
	const char *msg;
};

/* each row overrides some defaults of REQ(): exactly what override-init warns about */
#pragma GCC diagnostic ignored "-Woverride-init"
#define REQ(...) { .ifname = "eth0", .rx_slots = 1024, .tx_slots = 512, .buf_size = 2048, \
		   .max_flows = 1024, __VA_ARGS__ }

static const struct row rows[] = {
	{ "XNU defaults", REQ(), 0, NULL },
	{ "smallest rings", REQ(.rx_slots = 2, .tx_slots = 2), 0, NULL },
	{ "largest rings", REQ(.rx_slots = 16384, .tx_slots = 16384), 0, NULL },
	{ "rx-slots 1", REQ(.rx_slots = 1), -EINVAL, "rx-slots 1 out of range [2, 16384]" },
	{ "rx-slots 32768", REQ(.rx_slots = 32768), -EINVAL, "rx-slots" },
	{ "tx-slots 0", REQ(.tx_slots = 0), -EINVAL, "tx-slots 0 out of range" },
	{ "rx-slots not a power of two", REQ(.rx_slots = 1000), -EINVAL, "power of two" },
	{ "buf-size 127", REQ(.buf_size = 127), -EINVAL, "buf-size 127 out of range [128, 16384]" },
	{ "buf-size 16385", REQ(.buf_size = 16385), -EINVAL, "buf-size" },
	{ "buf-size 128", REQ(.buf_size = 128), 0, NULL },
	{ "max-flows 0", REQ(.max_flows = 0), -EINVAL, "max-flows" },
	{ "max-flows above the maximum", REQ(.max_flows = NETIF_MAX_FLOWS_MAX + 1), -EINVAL, "max-flows" },
	{ "bad mode", REQ(.mode = 7), -EINVAL, "mode" },
	{ "no interface", { .rx_slots = 1024, .tx_slots = 512, .buf_size = 2048, .max_flows = 1 }, -EINVAL, "interface name" },
};

static void test_row(void **state)
{
	const struct row *r = *state;
	struct netif_extack ext = {};

	assert_int_equal(attach_req_check(&r->req, &ext), r->err);
	if (r->msg && !strstr(ext.msg, r->msg))
		fail_msg("message \"%s\" lacks \"%s\"", ext.msg, r->msg);
}

static void test_defaults(void **state)
{
	struct attach_req req = { .ifname = "eth0" };

	attach_req_defaults(&req);
	assert_int_equal(req.rx_slots, 1024);
	assert_int_equal(req.tx_slots, 512);
	assert_int_equal(req.buf_size, 2048);
	assert_int_equal(req.max_flows, NETIF_MAX_FLOWS_DEF);
	assert_int_equal(attach_req_check(&req, NULL), 0);
}

/* XNU: depth defaults to one second of rate; rate 0 is unlimited. */
static void test_bucket(void **state)
{
	struct netif_extack ext = {};
	struct netif_bucket b;

	assert_int_equal(bucket_params(0, 0, "t", &b, &ext), 0);
	assert_int_equal(b.rate, 0);

	assert_int_equal(bucket_params(8000000, 0, "t", &b, &ext), 0);
	assert_int_equal(b.burst, 1000000);             /* one second of rate, in bytes */
	assert_int_equal(b.depth_ns, 1000000000ULL);    /* ... is one second */

	assert_int_equal(bucket_params(1000000000, 125000, "t", &b, &ext), 0);
	assert_int_equal(b.depth_ns, 1000000);          /* 125 kB at 1 Gbit/s: 1 ms */

	assert_int_equal(bucket_params(64, 0, "t", &b, &ext), 0);
	assert_int_equal(b.burst, NETIF_BURST_MIN);     /* never below the minimum */

	assert_int_equal(bucket_params(0, 1000, "t", &b, &ext), -EINVAL);
	assert_int_equal(bucket_params(NETIF_RATE_MAX + 1, 0, "t", &b, &ext), -EINVAL);
	assert_int_equal(bucket_params(1000000, 32, "t", &b, &ext), -EINVAL);
	assert_int_equal(bucket_params(1000000, NETIF_BURST_MAX + 1, "t", &b, &ext), -EINVAL);
	/* 4 GiB at 8 bit/s would take years to drain: refused */
	assert_int_equal(bucket_params(8, NETIF_BURST_MAX, "t", &b, &ext), -EINVAL);
	assert_non_null(strstr(ext.msg, "more than an hour"));
}

int main(void)
{
	const struct CMUnitTest more[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_bucket),
	};
	int fails;

	fails = _cmocka_run_group_tests("attach_params", UNIT_TESTS(rows, test_row),
					sizeof(rows) / sizeof(rows[0]), NULL, NULL);
	fails += cmocka_run_group_tests_name("params", more, NULL, NULL);
	return fails ? 1 : 0;
}
