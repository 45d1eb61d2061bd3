/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Talking to netifd: build a request, connect on first use, send it, report errors. */
#ifndef NETIFCTL_CALL_H
#define NETIFCTL_CALL_H

#include <stdint.h>
#include "cli.h"

/* Begin a request (REQUEST|ACK and flags); no connection needed yet. */
struct nlmsghdr *cli_msg(struct cli *c, uint8_t cmd, uint16_t flags);
/*
 * Connect if not yet, send the request and run cb(nlh, data) on every reply
 * message. On failure print "Error: <errno text>: <netifd's message>" and
 * return -errno.
 */
int cli_call(struct cli *c, netif_reply_cb cb, void *data);
void cli_close(struct cli *c);

#endif
