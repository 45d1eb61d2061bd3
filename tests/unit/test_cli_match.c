// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* netifctl's word matcher: whole names, unambiguous prefixes, exact-only rows. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "unit.h"
#include "userspace/netifctl/match.h"

/* a table shaped like the CLI's: commands, keywords that prefix each other, an exact row */
static const struct match_key words[] = {
	{ "show", 0 },   { "set", 0 },  { "stats", 0 }, { "rx", 0 },          { "rx-base", 0 },
	{ "drop", MATCH_EXACT },        { "dev", 0 },   { "dir", 0 },         { "-statistics", 0 },
	{ "delete", 0 }, { "list", 0 }, { "-stats", MATCH_EXACT },
};

enum { SHOW, SET, STATS, RX, RX_BASE, DROP, DEV, DIR, STATISTICS, DELETE, LIST, STATS_OPT };

struct row {
	const char *name;
	const char *word;
	int want;          /* row index, or -ENOENT / -EINVAL */
	const char *cand;  /* the candidates of an ambiguous word, comma separated */
};

static const struct row rows[] = {
	{ "whole name", "show", SHOW, NULL },
	{ "unique prefix", "sh", SHOW, NULL },
	{ "one letter, one row", "l", LIST, NULL },
	{ "prefix of an alias-like longer name", "del", DELETE, NULL },
	{ "option prefix", "-s", STATISTICS, NULL },
	{ "another spelling, exact only", "-stats", STATS_OPT, NULL },
	{ "prefix shared by the spellings", "-stat", STATISTICS, NULL },
	{ "ambiguous: three rows", "s", -EINVAL, "show,set,stats" },
	{ "two letters, one row", "st", STATS, NULL },
	{ "ambiguous: two rows", "d", -EINVAL, "dev,dir,delete" },
	{ "whole name beats the longer names it prefixes", "rx", RX, NULL },
	{ "prefix of the longer name only", "rx-", RX_BASE, NULL },
	{ "exact-only row by its whole name", "drop", DROP, NULL },
	{ "exact-only row takes no prefix", "dr", -ENOENT, NULL },
	{ "exact-only row is no candidate", "de", -EINVAL, "dev,delete" },
	{ "longer than every name", "shows", -ENOENT, NULL },
	{ "case matters", "SHOW", -ENOENT, NULL },
	{ "unknown word", "frobnicate", -ENOENT, NULL },
	{ "empty word", "", -ENOENT, NULL },
	{ "no word", NULL, -ENOENT, NULL },
};

static void test_row(void **state)
{
	const struct row *r = *state;
	struct match_result res;
	char cand[128] = "";
	int got = MATCH_TABLE(r->word, words, &res);

	assert_int_equal(got, r->want);
	if (!r->cand)
		return;
	for (int i = 0; i < res.ncand; i++)
		snprintf(cand + strlen(cand), sizeof(cand) - strlen(cand), "%s%s", i ? "," : "",
			 res.cand[i]);
	assert_string_equal(cand, r->cand);
}

/* More candidates than the result holds: still ambiguous, the first ones named. */
static void test_many_candidates(void **state)
{
	static const struct match_key many[] = {
		{ "a1", 0 }, { "a2", 0 }, { "a3", 0 }, { "a4", 0 }, { "a5", 0 },
		{ "a6", 0 }, { "a7", 0 }, { "a8", 0 }, { "a9", 0 }, { "a10", 0 },
	};
	struct match_result res;

	assert_int_equal(MATCH_TABLE("a", many, &res), -EINVAL);
	assert_int_equal(res.ncand, MATCH_MAX_CAND);
	assert_string_equal(res.cand[0], "a1");
	assert_int_equal(MATCH_TABLE("a1", many, NULL), 0); /* whole name, though "a10" too */
	assert_int_equal(MATCH_TABLE("a10", many, NULL), 9);
}

int main(void)
{
	const struct CMUnitTest extra[] = { cmocka_unit_test(test_many_candidates) };
	int fails = 0;

	fails += _cmocka_run_group_tests("match", UNIT_TESTS(rows, test_row),
					 sizeof(rows) / sizeof(rows[0]), NULL, NULL);
	fails += cmocka_run_group_tests_name("match limits", extra, NULL, NULL);
	return fails ? 1 : 0;
}
