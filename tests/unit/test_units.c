// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* tc-style units: what netifctl accepts for rates and sizes. */
#include <errno.h>
#include <string.h>
#include "unit.h"
#include "units.h"

struct row {
	const char *name;
	const char *in;
	int err;
	uint64_t want;
};

static const struct row rates[] = {
	{ "bare number is bit/s", "1000", 0, 1000 },
	{ "bit", "512bit", 0, 512 },
	{ "kbit", "64kbit", 0, 64000 },
	{ "mbit", "100mbit", 0, 100000000 },
	{ "Mbit (case-insensitive)", "100Mbit", 0, 100000000 },
	{ "gbit", "1gbit", 0, 1000000000 },
	{ "decimal gbit", "1.5gbit", 0, 1500000000 },
	{ "tbit", "2tbit", 0, 2000000000000ULL },
	{ "kibit is 1024", "1kibit", 0, 1024 },
	{ "mibit", "1mibit", 0, 1048576 },
	{ "bps is bytes per second", "1000bps", 0, 8000 },
	{ "kbps", "64kbps", 0, 512000 },
	{ "mbps", "10mbps", 0, 80000000 },
	{ "empty", "", -EINVAL, 0 },
	{ "unit only", "mbit", -EINVAL, 0 },
	{ "unknown unit", "10mbits", -EINVAL, 0 },
	{ "negative", "-1mbit", -EINVAL, 0 },
	{ "explicit plus", "+1mbit", -EINVAL, 0 },
	{ "garbage", "fast", -EINVAL, 0 },
	{ "trailing space", "10mbit ", -EINVAL, 0 },
	{ "overflow", "99999999999tbit", -EINVAL, 0 },
	{ "not a number", "nan", -EINVAL, 0 },
};

static const struct row sizes[] = {
	{ "bare number is bytes", "1500", 0, 1500 },
	{ "b", "64b", 0, 64 },
	{ "k is 1024", "64k", 0, 65536 },
	{ "kb", "64kb", 0, 65536 },
	{ "mb", "1mb", 0, 1048576 },
	{ "gb", "1gb", 0, 1073741824ULL },
	{ "kbit is bits", "8kbit", 0, 1024 },
	{ "mbit", "8mbit", 0, 1048576 },
	{ "unknown unit", "1kib", -EINVAL, 0 },
	{ "negative", "-64", -EINVAL, 0 },
	{ "empty", "", -EINVAL, 0 },
};

static const struct row u64s[] = {
	{ "decimal", "42", 0, 42 },
	{ "hex", "0x2a", 0, 42 },
	{ "at the minimum", "1", 0, 1 },
	{ "at the maximum", "100", 0, 100 },
	{ "below the minimum", "0", -ERANGE, 0 },
	{ "above the maximum", "101", -ERANGE, 0 },
	{ "negative", "-5", -EINVAL, 0 },
	{ "trailing garbage", "5x", -EINVAL, 0 },
	{ "leading space", " 5", -EINVAL, 0 },
	{ "empty", "", -EINVAL, 0 },
	{ "overflow", "99999999999999999999999", -ERANGE, 0 },
};

static void check(const struct row *r, int err, uint64_t v)
{
	assert_int_equal(err, r->err);
	if (!r->err)
		assert_int_equal(v, r->want);
}

static void test_rate(void **state)
{
	const struct row *r = *state;
	uint64_t v = 0;

	int err = netif_parse_rate(r->in, &v);

	check(r, err, v);
}

static void test_size(void **state)
{
	const struct row *r = *state;
	uint64_t v = 0;

	int err = netif_parse_size(r->in, &v);

	check(r, err, v);
}

static void test_u64(void **state)
{
	const struct row *r = *state;
	uint64_t v = 0;

	int err = netif_parse_u64(r->in, 1, 100, &v);

	check(r, err, v);
}

/* Printing is what show prints; a printed rate must read back to itself. */
static void test_fmt_roundtrip(void **state)
{
	static const uint64_t rates[] = { 512, 1000, 64000, 100000000, 1000000000, 2500000000ULL };
	static const uint64_t sizes[] = { 64, 1500, 65536, 1048576 };
	char buf[32];
	uint64_t v;
	size_t i;

	for (i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
		assert_int_equal(netif_parse_rate(netif_fmt_rate(rates[i], buf, sizeof(buf)), &v), 0);
		assert_int_equal(v, rates[i]);
	}
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		assert_int_equal(netif_parse_size(netif_fmt_size(sizes[i], buf, sizeof(buf)), &v), 0);
		assert_int_equal(v, sizes[i]);
	}
	assert_string_equal(netif_fmt_rate(100000000, buf, sizeof(buf)), "100Mbit");
	assert_string_equal(netif_fmt_size(65536, buf, sizeof(buf)), "64Kb");
}

int main(void)
{
	int fails = 0;

	fails += _cmocka_run_group_tests("rates", UNIT_TESTS(rates, test_rate),
					 sizeof(rates) / sizeof(rates[0]), NULL, NULL);
	fails += _cmocka_run_group_tests("sizes", UNIT_TESTS(sizes, test_size),
					 sizeof(sizes) / sizeof(sizes[0]), NULL, NULL);
	fails += _cmocka_run_group_tests("u64", UNIT_TESTS(u64s, test_u64),
					 sizeof(u64s) / sizeof(u64s[0]), NULL, NULL);
	{
		const struct CMUnitTest t[] = { cmocka_unit_test(test_fmt_roundtrip) };

		fails += cmocka_run_group_tests_name("format", t, NULL, NULL);
	}
	return fails ? 1 : 0;
}
