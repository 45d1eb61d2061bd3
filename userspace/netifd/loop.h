/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The agent's single-threaded epoll loop: every fd has one handler. */
#ifndef NETIFD_LOOP_H
#define NETIFD_LOOP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/epoll.h>

struct ev_handler {
	int fd;
	void (*fn)(struct ev_handler *h, uint32_t events);
};

int loop_init(void);
void loop_fini(void);
int loop_add(struct ev_handler *h, uint32_t events);
int loop_mod(struct ev_handler *h, uint32_t events);
void loop_del(struct ev_handler *h);
/* Run until loop_stop(); timeout_ms bounds each wait so idle work (tick) runs. */
int loop_run(int timeout_ms, void (*tick)(void *), void *data);
void loop_stop(void);
/*
 * Free p once the current batch of events is dispatched: a handler may be
 * torn down while an event for it is still queued in the same batch.
 */
void loop_defer_free(struct ev_handler *h, void (*release)(struct ev_handler *h));

#endif
