/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The metrics room: every counter of the agent in the Prometheus text
 * exposition format (version 0.0.4), served over HTTP by libmicrohttpd
 * inside netifd's own loop (metrics.c). A scrape reads the domain state
 * once, through the same APIs the protocol rooms use, into a snapshot
 * (flow counters with batched map reads), and the body is then written
 * from the snapshot in bounded chunks, one per turn of the loop, so the
 * control socket and the exception path are served in between
 * (metrics_text.c).
 */
#ifndef NETIFD_METRICS_H
#define NETIFD_METRICS_H

struct agent;

/* Serve /metrics on addr ("HOST:PORT", "[V6]:PORT", ":PORT"). 0 or -errno (logged). */
int metrics_start(const char *addr, struct agent *ag);
void metrics_stop(void);
/* Once a second from the loop's tick: connection timeouts. */
void metrics_tick(void);

#endif
