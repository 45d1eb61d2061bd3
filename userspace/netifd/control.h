/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The control socket: a unix SOCK_SEQPACKET server speaking the netif
 * protocol (see docs/control-protocol.md). Requests are validated against
 * the attribute policies, privileged commands need a root peer
 * (SO_PEERCRED), and every request ends with an ack or an ext-ack error.
 */
#ifndef NETIFD_CONTROL_H
#define NETIFD_CONTROL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include "agent.h"
#include "loop.h"
#include "nlproto.h"

struct ctl_conn {
	struct ev_handler h;
	struct ucred cred;
	struct agent *ag;
	struct ctl_conn *next;
	bool dead;
	unsigned int nresources;  /* channels and filters owned: released on close */
};

struct ctl_reply {
	struct ctl_conn *conn;
	char buf[NETIF_NL_MAX_MSG];
	size_t len;
	size_t start;  /* where this request's answer begins (earlier ones wait to be sent) */
	uint32_t seq;
	bool dump;
	int fds[4];
	int nfds;
	int err;
};

struct ctl_req {
	struct agent *ag;
	struct ctl_conn *conn;
	const struct nlmsghdr *nlh;
	const struct nlattr *tb[NETIF_A_MAX + 1];
	struct netif_extack ext;
	struct ctl_reply *rep;
};

/* Start a reply message (a dump part when the request was a dump). */
struct nlmsghdr *ctl_reply_begin(struct ctl_reply *r, uint8_t cmd);
void ctl_reply_end(struct ctl_reply *r, struct nlmsghdr *nlh);
/* Attach a descriptor to the reply (SCM_RIGHTS); it is closed after sending. */
int ctl_reply_add_fd(struct ctl_reply *r, int fd);

int ctl_server_open(struct agent *ag, const char *path);
void ctl_server_close(void);
/* Send an unsolicited message (event) to a connection; drops it if the peer is slow. */
int ctl_conn_send(struct ctl_conn *c, const struct nlmsghdr *nlh);
/* Called when a connection goes away, to release what it owned. */
void ctl_conn_closed(struct ctl_conn *c);

#endif
