// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Transactions (userspace/netifd/txn.c): undos run in reverse order on
 * abort, each with the data recorded at its step; resyncs run once, after
 * every undo, late undos after them; a commit runs its on-commit hooks in
 * order, an abort never does.
 */
#include <errno.h>
#include <string.h>
#include "unit.h"
#include "userspace/netifd/txn.h"

static char journal[64];
static size_t jlen;

static void note(char c)
{
	if (jlen + 1 < sizeof(journal))
		journal[jlen++] = c;
	journal[jlen] = '\0';
}

static void undo_note(void *arg, const void *data)
{
	note(*(const char *)data);
}

static void resync_note(void *arg)
{
	note(*(const char *)arg);
}

struct row {
	const char *name;
	/*
	 * one undo per letter, a capital letter is a resync of its lower case,
	 * a digit an on-commit hook, a letter after '~' a late undo
	 */
	const char *steps;
	bool abort;
	const char *journal; /* what runs */
};

static const char R[] = "rst";

static const struct row rows[] = {
	{ "commit runs nothing", "abc", false, "" },
	{ "abort undoes in reverse order", "abc", true, "cba" },
	{ "resyncs run after every undo", "aRbc", true, "cbar" },
	{ "a resync registered twice runs once", "aRbRS", true, "bars" },
	{ "resyncs in the order registered", "TaSR", true, "atsr" },
	{ "nothing recorded, nothing to undo", "", true, "" },
	{ "many steps (the step array grows)", "abcdefghijklmnopqrstuvwxyz", true,
	  "zyxwvutsrqponmlkjihgfedcba" },
	{ "a commit runs its hooks, in order", "a1b2c3", false, "123" },
	{ "an abort runs no hook", "a1b2c3", true, "cba" },
	{ "late undos after the resyncs, in reverse", "~xa~yRb", true, "bary" "x" },
	{ "a commit runs no late undo", "~xa1", false, "1" },
};

static void run(void **state)
{
	const struct row *r = *state;
	struct txn t;
	const char *p;

	jlen = 0;
	journal[0] = '\0';
	txn_init(&t);
	for (p = r->steps; *p; p++) {
		if (*p == '~') {
			p++;
			assert_int_equal(txn_undo_late(&t, undo_note, NULL, p, 1), 0);
		} else if (*p >= '0' && *p <= '9') {
			assert_int_equal(txn_on_commit(&t, undo_note, NULL, p, 1), 0);
		} else if (*p >= 'A' && *p <= 'Z') {
			const char *arg = strchr(R, *p - 'A' + 'a');

			assert_non_null(arg);
			assert_int_equal(txn_resync(&t, resync_note, (void *)arg), 0);
		} else {
			assert_int_equal(txn_undo(&t, undo_note, NULL, p, 1), 0);
		}
	}
	if (r->abort)
		txn_abort(&t);
	else
		txn_commit(&t);
	assert_string_equal(journal, r->journal);
	/* the transaction is reusable and empty afterwards */
	txn_abort(&t);
	assert_string_equal(journal, r->journal);
}

static void test_oversized_undo(void **state)
{
	char big[TXN_DATA_MAX + 1] = "x";
	struct txn t;

	jlen = 0;
	journal[0] = '\0';
	txn_init(&t);
	/* cannot be recorded: the undo runs at once and the caller is told */
	assert_int_equal(txn_undo(&t, undo_note, NULL, big, sizeof(big)), -E2BIG);
	assert_string_equal(journal, "x");
	txn_abort(&t);
	assert_string_equal(journal, "x");
}

/* Without a transaction a change is final at once: its hook runs now. */
static void test_hook_without_txn(void **state)
{
	jlen = 0;
	journal[0] = '\0';
	assert_int_equal(txn_on_commit(NULL, undo_note, NULL, "7", 1), 0);
	assert_string_equal(journal, "7");
}

int main(void)
{
	const struct CMUnitTest extra[] = { cmocka_unit_test(test_oversized_undo),
					    cmocka_unit_test(test_hook_without_txn) };

	int fails;

	fails = _cmocka_run_group_tests("txn", UNIT_TESTS(rows, run), sizeof(rows) / sizeof(rows[0]),
					NULL, NULL);
	fails += cmocka_run_group_tests_name("txn limits", extra, NULL, NULL);
	return fails ? 1 : 0;
}
