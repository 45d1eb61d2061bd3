/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Word lookup in a table, as iproute2 users type: a word selects the row it
 * names exactly, or else the one row it is a prefix of ("fl sh" = flow show).
 * A prefix of several rows is ambiguous and selects none; rows marked
 * MATCH_EXACT take no prefix (values that would silently pick a meaning,
 * and words such as "drop EXPR" that swallow the rest of the line).
 *
 * Every table row begins with a struct match_key, so one matcher serves the
 * command tables and the keyword tables alike.
 */
#ifndef NETIFCTL_MATCH_H
#define NETIFCTL_MATCH_H

#include <stddef.h>

#define MATCH_EXACT 0x1 /* only the whole word selects this row */

struct match_key {
	const char *name;
	unsigned int flags;
};

/* The rows a failed lookup could have meant, for the error message. */
#define MATCH_MAX_CAND 8
struct match_result {
	int ncand;
	const char *cand[MATCH_MAX_CAND];
};

/*
 * Index of the row that word selects in rows[0..n) (each row stride bytes
 * long, starting with a struct match_key), -ENOENT if none does, or
 * -EINVAL if it is a prefix of several (their names in *res, when given).
 */
int match_word(const char *word, const void *rows, size_t n, size_t stride,
	       struct match_result *res);

#define MATCH_TABLE(word, tab, res) \
	match_word(word, tab, sizeof(tab) / sizeof((tab)[0]), sizeof((tab)[0]), res)

#endif
