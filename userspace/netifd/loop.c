// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <unistd.h>
#include "log.h"
#include "loop.h"

static int epfd = -1;
static volatile bool stopping;

struct deferred {
	struct ev_handler *h;
	void (*release)(struct ev_handler *h);
};
static struct deferred *graveyard;
static unsigned int ngrave, grave_cap;

static void bury(void)
{
	unsigned int i;

	for (i = 0; i < ngrave; i++)
		graveyard[i].release(graveyard[i].h);
	ngrave = 0;
}

void loop_defer_free(struct ev_handler *h, void (*release)(struct ev_handler *h))
{
	loop_del(h);
	h->fn = NULL;
	if (ngrave == grave_cap) {
		unsigned int cap = grave_cap ? grave_cap * 2 : 32;
		struct deferred *g = realloc(graveyard, cap * sizeof(*g));

		if (!g) {
			pr_warn("out of memory deferring a release; leaking one handler");
			return;
		}
		graveyard = g;
		grave_cap = cap;
	}
	graveyard[ngrave].h = h;
	graveyard[ngrave].release = release;
	ngrave++;
}

int loop_init(void)
{
	epfd = epoll_create1(EPOLL_CLOEXEC);
	return epfd < 0 ? -errno : 0;
}

void loop_fini(void)
{
	bury();
	free(graveyard);
	graveyard = NULL;
	grave_cap = 0;
	if (epfd >= 0)
		close(epfd);
	epfd = -1;
}

int loop_add(struct ev_handler *h, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = h };

	return epoll_ctl(epfd, EPOLL_CTL_ADD, h->fd, &ev) ? -errno : 0;
}

int loop_mod(struct ev_handler *h, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = h };

	return epoll_ctl(epfd, EPOLL_CTL_MOD, h->fd, &ev) ? -errno : 0;
}

void loop_del(struct ev_handler *h)
{
	epoll_ctl(epfd, EPOLL_CTL_DEL, h->fd, NULL);
}

void loop_stop(void)
{
	stopping = true;
}

int loop_run(int timeout_ms, void (*tick)(void *), void *data)
{
	struct epoll_event evs[32];
	int n, i;

	stopping = false;
	while (!stopping) {
		n = epoll_wait(epfd, evs, 32, timeout_ms);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (i = 0; i < n && !stopping; i++) {
			struct ev_handler *h = evs[i].data.ptr;

			if (h->fn)
				h->fn(h, evs[i].events);
		}
		bury();
		if (tick)
			tick(data);
	}
	return 0;
}
