/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Talking to netifd: build a request, connect on first use, send it, report errors. */
#ifndef NETIFCTL_CALL_H
#define NETIFCTL_CALL_H

#include <stddef.h>
#include <stdint.h>
#include "cli.h"

struct cli_args;
struct cli_kw;

/* Begin a request (REQUEST|ACK and flags); no connection needed yet. */
struct nlmsghdr *cli_msg(struct cli *c, uint8_t cmd, uint16_t flags);
/*
 * Connect if not yet, send the request and run cb(nlh, data) on every reply
 * message. On failure print "Error: <errno text>: <netifd's message>" and
 * return -errno.
 */
int cli_call(struct cli *c, netif_reply_cb cb, void *data);
/*
 * A request made of keyword arguments: parse them into a (whose nlh is the
 * request), finish it and send it. cli_dump() prints the replies as one list.
 */
int cli_request(struct cli *c, struct cli_args *a, const struct cli_kw *tab, size_t n,
		netif_reply_cb cb, void *data);
int cli_dump(struct cli *c, struct cli_args *a, const struct cli_kw *tab, size_t n,
	     netif_reply_cb cb);
#define CLI_REQUEST(c, a, tab, cb, data) \
	cli_request(c, a, tab, sizeof(tab) / sizeof((tab)[0]), cb, data)
#define CLI_DUMP(c, a, tab, cb) cli_dump(c, a, tab, sizeof(tab) / sizeof((tab)[0]), cb)
void cli_close(struct cli *c);

#endif
