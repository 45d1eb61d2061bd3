// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <string.h>
#include "match.h"

static const struct match_key *row_at(const void *rows, size_t stride, size_t i)
{
	return (const struct match_key *)((const char *)rows + i * stride);
}

int match_word(const char *word, const void *rows, size_t n, size_t stride,
	       struct match_result *res)
{
	size_t len, i;
	int found = -ENOENT, ncand = 0;

	if (res)
		res->ncand = 0;
	if (!word || !*word)
		return -ENOENT;
	len = strlen(word);
	/* a whole name wins over the longer names it is a prefix of ("rx" vs "rx-base") */
	for (i = 0; i < n; i++)
		if (strcmp(row_at(rows, stride, i)->name, word) == 0)
			return (int)i;
	for (i = 0; i < n; i++) {
		const struct match_key *k = row_at(rows, stride, i);

		if ((k->flags & MATCH_EXACT) || strncmp(k->name, word, len) != 0)
			continue;
		if (res && ncand < MATCH_MAX_CAND)
			res->cand[ncand] = k->name;
		ncand++;
		found = (int)i;
	}
	if (res)
		res->ncand = ncand < MATCH_MAX_CAND ? ncand : MATCH_MAX_CAND;
	return ncand > 1 ? -EINVAL : found;
}
