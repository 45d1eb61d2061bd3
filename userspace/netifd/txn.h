/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * All-or-nothing changes. A request that touches several pieces of state
 * (a map entry, a shaping class, the exception path) runs as one
 * transaction: every step that took effect records how to undo itself,
 * and derived state (the exception path, the fast path's summary bits)
 * registers a resync. On failure txn_abort() undoes the steps in reverse
 * order, then runs each resync once; txn_commit() forgets them. Domain
 * functions take a struct txn * and never roll back by hand.
 *
 * What must happen only once the change is final (telling the event bus,
 * releasing what a removal kept for its undo) is an on-commit hook:
 * txn_commit() runs the hooks in the order registered, txn_abort() drops
 * them unrun.
 */
#ifndef NETIFD_TXN_H
#define NETIFD_TXN_H

#include <stddef.h>
#include <stdint.h>

#define TXN_DATA_MAX 64

typedef void (*txn_undo_fn)(void *arg, const void *data);
typedef void (*txn_resync_fn)(void *arg);

struct txn_step {
	txn_undo_fn undo;
	void *arg;
	uint8_t data[TXN_DATA_MAX]; /* a copy of what the undo needs (a key, an id) */
};

struct txn_resync {
	txn_resync_fn fn;
	void *arg;
};

struct txn {
	struct txn_step *steps;
	unsigned int n, cap;
	struct txn_resync *resyncs;
	unsigned int nresync, resync_cap;
	struct txn_step *commits;   /* on-commit hooks (undo is their function) */
	unsigned int ncommit, commit_cap;
	struct txn_step *late;      /* undos that run after the resyncs */
	unsigned int nlate, late_cap;
};

void txn_init(struct txn *t);
/*
 * Record how to undo a step that just took effect (len bytes of data are
 * copied). If it cannot be recorded, the undo runs at once and -ENOMEM
 * is returned: the caller fails and the transaction aborts.
 */
int txn_undo(struct txn *t, txn_undo_fn undo, void *arg, const void *data, size_t len);
/*
 * An undo that runs after the resyncs (in reverse order too): the teardown
 * of an object (a netif the transaction attached) that resyncs registered
 * later in the transaction still look at.
 */
int txn_undo_late(struct txn *t, txn_undo_fn undo, void *arg, const void *data, size_t len);
/*
 * Run fn(arg) after the undos if the transaction aborts (once per pair).
 * -ENOMEM if it cannot be recorded: the caller fails (and aborts).
 */
int txn_resync(struct txn *t, txn_resync_fn fn, void *arg);
/*
 * Run fn(arg, data) when the transaction commits (len bytes of data are
 * copied); never when it aborts. -ENOMEM if it cannot be recorded: the
 * caller fails (and aborts). With t NULL (a change that is final at once),
 * fn runs now.
 */
int txn_on_commit(struct txn *t, txn_undo_fn fn, void *arg, const void *data, size_t len);
void txn_commit(struct txn *t);
void txn_abort(struct txn *t);

#endif
