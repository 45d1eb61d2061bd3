// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "log.h"
#include "txn.h"

void txn_init(struct txn *t)
{
	memset(t, 0, sizeof(*t));
}

int txn_undo(struct txn *t, txn_undo_fn undo, void *arg, const void *data, size_t len)
{
	struct txn_step *s;

	if (len > TXN_DATA_MAX) {
		/* a programming error: never silently lose the undo */
		pr_warn("txn: undo data of %zu bytes exceeds %d", len, TXN_DATA_MAX);
		undo(arg, data);
		return -E2BIG;
	}
	if (t->n == t->cap) {
		unsigned int cap = t->cap ? t->cap * 2 : 8;
		struct txn_step *steps = realloc(t->steps, cap * sizeof(*steps));

		if (!steps) {
			undo(arg, data);
			return -ENOMEM;
		}
		t->steps = steps;
		t->cap = cap;
	}
	s = &t->steps[t->n++];
	s->undo = undo;
	s->arg = arg;
	if (len)
		memcpy(s->data, data, len);
	return 0;
}

int txn_resync(struct txn *t, txn_resync_fn fn, void *arg)
{
	unsigned int i;

	for (i = 0; i < t->nresync; i++)
		if (t->resyncs[i].fn == fn && t->resyncs[i].arg == arg)
			return 0;
	if (t->nresync == t->resync_cap) {
		unsigned int cap = t->resync_cap ? t->resync_cap * 2 : 4;
		struct txn_resync *r = realloc(t->resyncs, cap * sizeof(*r));

		if (!r)
			return -ENOMEM;
		t->resyncs = r;
		t->resync_cap = cap;
	}
	t->resyncs[t->nresync].fn = fn;
	t->resyncs[t->nresync].arg = arg;
	t->nresync++;
	return 0;
}

void txn_commit(struct txn *t)
{
	free(t->steps);
	free(t->resyncs);
	txn_init(t);
}

void txn_abort(struct txn *t)
{
	unsigned int i;

	while (t->n) {
		struct txn_step *s = &t->steps[--t->n];

		s->undo(s->arg, s->data);
	}
	for (i = 0; i < t->nresync; i++)
		t->resyncs[i].fn(t->resyncs[i].arg);
	txn_commit(t);
}
