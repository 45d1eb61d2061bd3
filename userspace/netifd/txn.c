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

/* Append a step to an array of them; -E2BIG or -ENOMEM when it cannot be. */
static int push(struct txn_step **steps, unsigned int *n, unsigned int *cap, txn_undo_fn fn,
		void *arg, const void *data, size_t len)
{
	struct txn_step *s;

	if (len > TXN_DATA_MAX) {
		/* a programming error: never silently lose the step */
		pr_warn("txn: step data of %zu bytes exceeds %d", len, TXN_DATA_MAX);
		return -E2BIG;
	}
	if (*n == *cap) {
		unsigned int ncap = *cap ? *cap * 2 : 8;
		struct txn_step *grown = realloc(*steps, ncap * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		*steps = grown;
		*cap = ncap;
	}
	s = &(*steps)[(*n)++];
	s->undo = fn;
	s->arg = arg;
	if (len)
		memcpy(s->data, data, len);
	return 0;
}

int txn_undo(struct txn *t, txn_undo_fn undo, void *arg, const void *data, size_t len)
{
	int err = push(&t->steps, &t->n, &t->cap, undo, arg, data, len);

	if (err)
		undo(arg, data);
	return err;
}

int txn_undo_late(struct txn *t, txn_undo_fn undo, void *arg, const void *data, size_t len)
{
	int err = push(&t->late, &t->nlate, &t->late_cap, undo, arg, data, len);

	if (err)
		undo(arg, data);
	return err;
}

int txn_on_commit(struct txn *t, txn_undo_fn fn, void *arg, const void *data, size_t len)
{
	if (!t) {
		fn(arg, data);
		return 0;
	}
	return push(&t->commits, &t->ncommit, &t->commit_cap, fn, arg, data, len);
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

static void forget(struct txn *t)
{
	free(t->steps);
	free(t->resyncs);
	free(t->commits);
	free(t->late);
	txn_init(t);
}

void txn_commit(struct txn *t)
{
	/* a hook may start and commit a transaction of its own: take ours first */
	struct txn_step *hooks = t->commits;
	unsigned int n = t->ncommit, i;

	t->commits = NULL;
	t->ncommit = t->commit_cap = 0;
	forget(t);
	for (i = 0; i < n; i++)
		hooks[i].undo(hooks[i].arg, hooks[i].data);
	free(hooks);
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
	while (t->nlate) {
		struct txn_step *s = &t->late[--t->nlate];

		s->undo(s->arg, s->data);
	}
	forget(t);
}
