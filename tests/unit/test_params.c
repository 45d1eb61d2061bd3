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

/*
 * Token buckets, XNU's: depth defaults to one second of rate; rate 0 is
 * unlimited. A default derived from the rate is clamped to the limits of a
 * burst, never refused; a burst the user gave is checked as given.
 */
#define G100 100000000000ULL
struct bucket_row {
	const char *name;
	uint64_t rate, burst;
	int err;
	uint64_t want_burst, want_depth_ns; /* when err == 0 */
	const char *msg;                    /* when err != 0 */
};

static const struct bucket_row bucket_rows[] = {
	{ "unlimited", 0, 0, 0, 0, 0, NULL },
	{ "default: one second of rate", 8000000, 0, 0, 1000000, 1000000000ULL, NULL },
	{ "given burst: 125 kB at 1 Gbit/s is 1 ms", 1000000000, 125000, 0, 125000, 1000000, NULL },
	{ "default never below the minimum", 64, 0, 0, NETIF_BURST_MIN, 8000000000ULL, NULL },
	{ "default at the lowest rate", NETIF_RATE_MIN, 0, 0, NETIF_BURST_MIN, 64000000000ULL, NULL },
	{ "default of exactly the maximum", NETIF_BURST_MAX * 8, 0, 0, NETIF_BURST_MAX, 1000000000ULL, NULL },
	{ "default just above the maximum: clamped", NETIF_BURST_MAX * 8 + 8, 0, 0, NETIF_BURST_MAX,
	  999999999ULL, NULL },
	/* 2^35 bits at 100 Gbit/s: 343.6 ms */
	{ "default at 100 Gbit/s (12.5 GB): clamped", G100, 0, 0, NETIF_BURST_MAX, 343597383ULL, NULL },
	{ "default at the highest rate: clamped", NETIF_RATE_MAX, 0, 0, NETIF_BURST_MAX, 85899345ULL, NULL },
	{ "given maximum at 100 Gbit/s", G100, NETIF_BURST_MAX, 0, NETIF_BURST_MAX, 343597383ULL, NULL },
	{ "given burst above the maximum", G100, NETIF_BURST_MAX + 1, -EINVAL, 0, 0, "out of range" },
	{ "burst without a rate", 0, 1000, -EINVAL, 0, 0, "without a rate" },
	{ "rate above the maximum", NETIF_RATE_MAX + 1, 0, -EINVAL, 0, 0, "rate" },
	{ "rate below the minimum", NETIF_RATE_MIN - 1, 0, -EINVAL, 0, 0, "rate" },
	{ "given burst below the minimum", 1000000, 32, -EINVAL, 0, 0, "out of range" },
	{ "given 4 GiB at 8 bit/s: years to drain", 8, NETIF_BURST_MAX, -EINVAL, 0, 0, "more than an hour" },
};

static void test_bucket_row(void **state)
{
	const struct bucket_row *r = *state;
	struct netif_extack ext = {};
	struct netif_bucket b;

	assert_int_equal(bucket_params(r->rate, r->burst, "t", &b, &ext), r->err);
	if (r->err) {
		if (!strstr(ext.msg, r->msg))
			fail_msg("message \"%s\" lacks \"%s\"", ext.msg, r->msg);
		return;
	}
	assert_int_equal(b.rate, r->rate);
	assert_int_equal(b.burst, r->want_burst);
	assert_int_equal(b.depth_ns, r->want_depth_ns);
}

int main(void)
{
	const struct CMUnitTest more[] = {
		cmocka_unit_test(test_defaults),
	};
	int fails;

	fails = _cmocka_run_group_tests("attach_params", UNIT_TESTS(rows, test_row),
					sizeof(rows) / sizeof(rows[0]), NULL, NULL);
	fails += _cmocka_run_group_tests("bucket_params", UNIT_TESTS(bucket_rows, test_bucket_row),
					 sizeof(bucket_rows) / sizeof(bucket_rows[0]), NULL, NULL);
	fails += cmocka_run_group_tests_name("params", more, NULL, NULL);
	return fails ? 1 : 0;
}
