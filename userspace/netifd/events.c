// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The event bus (events.h): an ordered list of subscribers, called in turn
 * for every event. The loop is single-threaded, so a publication is one
 * walk of the list; a subscriber may leave while it is called (its next is
 * read before the call).
 */
#include <stddef.h>
#include "events.h"

static struct event_sub *subs;
static struct events_stats stats;

void events_subscribe(struct event_sub *s)
{
	struct event_sub **pp = &subs;

	while (*pp)
		pp = &(*pp)->next;
	s->next = NULL;
	*pp = s;
	stats.subscribers++;
}

void events_unsubscribe(struct event_sub *s)
{
	struct event_sub **pp;

	for (pp = &subs; *pp; pp = &(*pp)->next) {
		if (*pp == s) {
			*pp = s->next;
			s->next = NULL;
			stats.subscribers--;
			return;
		}
	}
}

void events_publish(const struct netif_event *ev)
{
	struct event_sub *s, *next;

	stats.published++;
	for (s = subs; s; s = next) {
		next = s->next;
		s->fn(s, ev);
	}
}

void events_dropped(uint64_t n)
{
	stats.dropped += n;
}

void events_stats(struct events_stats *st)
{
	*st = stats;
}
