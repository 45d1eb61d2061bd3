/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Client side of the netifd control protocol: connect, send one request,
 * collect replies (single answer, dump, ack or error with its ext-ack text).
 */
#ifndef NETIF_CLIENT_H
#define NETIF_CLIENT_H

#include <stdint.h>
#include <libmnl/libmnl.h>
#include "nlproto.h"

#define NETIF_CLIENT_MAX_FDS 8

struct netif_client {
	int fd;
	uint32_t seq;
	char errmsg[256];          /* ext-ack text of the last failed request */
	int fds[NETIF_CLIENT_MAX_FDS]; /* descriptors passed with the last reply */
	int nfds;
	char buf[NETIF_NL_MAX_MSG];
};

/* Reply callback: called for every data message; return MNL_CB_OK to go on. */
typedef int (*netif_reply_cb)(const struct nlmsghdr *nlh, void *data);

int netif_client_open(struct netif_client *c, const char *path);
void netif_client_close(struct netif_client *c);
/* Begin a request in c->buf; NLM_F_REQUEST | NLM_F_ACK are always set. */
struct nlmsghdr *netif_client_msg(struct netif_client *c, uint8_t cmd, uint16_t flags);
/*
 * Send the request built in c->buf and process replies until the ack, the
 * end of the dump or an error. Returns 0 or -errno (c->errmsg says why).
 */
int netif_client_call(struct netif_client *c, netif_reply_cb cb, void *data);
/*
 * Process one received datagram buf[0..len) of replies to the request with
 * sequence number seq (0: any, for events): data messages go to cb, an ack
 * or NLMSG_DONE ends the call (0), an error returns -errno. Returns 1 when
 * more replies are to come. Every length is checked against len.
 */
int netif_client_dispatch(struct netif_client *c, const void *buf, size_t len, uint32_t seq,
			  netif_reply_cb cb, void *data);
/* Wait for and dispatch one unsolicited message (events). Returns 0, -errno, or -ENOTCONN at EOF. */
int netif_client_recv_event(struct netif_client *c, netif_reply_cb cb, void *data);

#endif
