// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>
#include "log.h"
#include "turns.h"

uint64_t turns_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static struct turn *pop(struct turns *q)
{
	struct turn *t = q->head;

	if (t) {
		q->head = t->next;
		if (!q->head)
			q->tail = &q->head;
		t->queued = false;
		q->n--;
	}
	return t;
}

/* One pass: every item queued when it began gets a turn, within the budget. */
static void on_ready(struct ev_handler *h, uint32_t events)
{
	struct turns *q = (struct turns *)h;
	uint64_t start = turns_now(), v;
	unsigned int left = q->n;
	struct turn *t;

	while (left-- && (t = pop(q))) {
		q->take(t);
		if (turns_now() - start >= q->budget_ns)
			break;
	}
	if (!q->head && read(h->fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		pr_debug("turns: %s", strerror(errno));
}

int turns_init(struct turns *q, void (*take)(struct turn *t), uint64_t budget_ns)
{
	memset(q, 0, sizeof(*q));
	q->tail = &q->head;
	q->take = take;
	q->budget_ns = budget_ns;
	q->h.fn = on_ready;
	q->h.fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (q->h.fd < 0)
		return -errno;
	if (loop_add(&q->h, EPOLLIN)) {
		close(q->h.fd);
		q->h.fd = -1;
		return -errno;
	}
	return 0;
}

void turns_fini(struct turns *q)
{
	if (q->h.fd < 0)
		return;
	loop_del(&q->h);
	close(q->h.fd);
	q->h.fd = -1;
	q->head = NULL;
	q->tail = &q->head;
	q->n = 0;
}

void turns_add(struct turns *q, struct turn *t)
{
	uint64_t one = 1;

	if (t->queued)
		return;
	if (!q->head && write(q->h.fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		pr_debug("turns: cannot signal: %s", strerror(errno));
	t->queued = true;
	t->next = NULL;
	*q->tail = t;
	q->tail = &t->next;
	q->n++;
}

void turns_remove(struct turns *q, struct turn *t)
{
	struct turn **pp;

	if (!t->queued)
		return;
	for (pp = &q->head; *pp; pp = &(*pp)->next) {
		if (*pp == t) {
			*pp = t->next;
			if (!*pp)
				q->tail = pp;
			t->queued = false;
			q->n--;
			return;
		}
	}
}
