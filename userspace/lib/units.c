// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "units.h"

struct unit {
	const char *name;
	double mult;
};

/* Same spellings and scales as tc(8). */
static const struct unit rate_units[] = {
	{ "", 1 }, { "bit", 1 },
	{ "kbit", 1e3 }, { "mbit", 1e6 }, { "gbit", 1e9 }, { "tbit", 1e12 },
	{ "kibit", 1024.0 }, { "mibit", 1048576.0 }, { "gibit", 1073741824.0 },
	{ "bps", 8 }, { "kbps", 8e3 }, { "mbps", 8e6 }, { "gbps", 8e9 }, { "tbps", 8e12 },
	{ "kibps", 8 * 1024.0 }, { "mibps", 8 * 1048576.0 }, { "gibps", 8 * 1073741824.0 },
};

static const struct unit size_units[] = {
	{ "", 1 }, { "b", 1 },
	{ "k", 1024.0 }, { "kb", 1024.0 }, { "m", 1048576.0 }, { "mb", 1048576.0 },
	{ "g", 1073741824.0 }, { "gb", 1073741824.0 },
	{ "kbit", 1024.0 / 8 }, { "mbit", 1048576.0 / 8 }, { "gbit", 1073741824.0 / 8 },
};

static int parse_scaled(const char *s, const struct unit *units, size_t n, uint64_t *out)
{
	char *end;
	double v;
	size_t i;

	if (!s || !*s || *s == '-' || *s == '+')
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || !isfinite(v) || v < 0)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (strcasecmp(end, units[i].name) == 0) {
			double r = v * units[i].mult;

			if (r >= 18446744073709551615.0)
				return -EINVAL;
			*out = (uint64_t)llround(r);
			return 0;
		}
	}
	return -EINVAL;
}

int netif_parse_rate(const char *s, uint64_t *bps)
{
	return parse_scaled(s, rate_units, sizeof(rate_units) / sizeof(rate_units[0]), bps);
}

int netif_parse_size(const char *s, uint64_t *bytes)
{
	return parse_scaled(s, size_units, sizeof(size_units) / sizeof(size_units[0]), bytes);
}

int netif_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno == ERANGE)
		return -ERANGE;
	if (errno || *end)
		return -EINVAL;
	if (v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

/* The largest unit that divides v exactly: what is printed reads back the same. */
static const char *fmt_scaled(uint64_t v, const char *const *names, uint64_t base,
			      const char *suffix, char *buf, size_t len)
{
	int i = 0;

	while (v && v % base == 0 && names[i + 1]) {
		v /= base;
		i++;
	}
	snprintf(buf, len, "%llu%s%s", (unsigned long long)v, names[i], suffix);
	return buf;
}

const char *netif_fmt_rate(uint64_t bps, char *buf, size_t len)
{
	static const char *const names[] = { "", "K", "M", "G", "T", NULL };

	return fmt_scaled(bps, names, 1000, "bit", buf, len);
}

const char *netif_fmt_size(uint64_t bytes, char *buf, size_t len)
{
	static const char *const names[] = { "", "K", "M", "G", NULL };

	return fmt_scaled(bytes, names, 1024, "b", buf, len);
}
