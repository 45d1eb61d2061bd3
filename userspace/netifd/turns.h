/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Work taken in turns (part of the transport, beside control.c): what
 * cannot be done at once (the rest of a peer's requests) waits in a
 * round-robin queue, and the loop gives it one pass per round, each
 * item one turn, the pass ending after budget_ns. An eventfd stays
 * readable while anything waits, so the loop keeps coming back without
 * starving its other events.
 */
#ifndef NETIFD_TURNS_H
#define NETIFD_TURNS_H

#include <stdbool.h>
#include <stdint.h>
#include "loop.h"

struct turn {
	struct turn *next;
	bool queued;
};

struct turns {
	struct ev_handler h;
	struct turn *head, **tail;
	unsigned int n;
	uint64_t budget_ns;
	void (*take)(struct turn *t); /* one turn; may queue t again */
};

/* CLOCK_MONOTONIC in ns. */
uint64_t turns_now(void);
int turns_init(struct turns *q, void (*take)(struct turn *t), uint64_t budget_ns);
void turns_fini(struct turns *q);
/* Queue t at the end (nothing if it is queued already). */
void turns_add(struct turns *q, struct turn *t);
/* Take t out of the queue (it is going away). */
void turns_remove(struct turns *q, struct turn *t);

#endif
