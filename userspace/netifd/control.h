/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The control socket transport: a unix SOCK_SEQPACKET server speaking the
 * netif protocol framing (see docs/control-protocol.md). It knows peers,
 * framing, attribute policies and replies, and dispatches through the
 * command table it is handed at start; what a command means is the
 * business of the protocol rooms (ctl_*.c), the only files that include
 * this header.
 */
#ifndef NETIFD_CONTROL_H
#define NETIFD_CONTROL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include "nlproto.h"

struct ctl_conn;  /* a connected peer */
struct ctl_reply; /* the answer being built for the current request */

struct ctl_req {
	void *ctx;                 /* what the server was started with */
	struct ctl_conn *conn;
	const struct ucred *cred;  /* the peer (SO_PEERCRED) */
	const struct nlmsghdr *nlh;
	const struct nlattr *tb[NETIF_A_MAX + 1];
	bool dump;                 /* answered as NLM_F_MULTI parts and NLMSG_DONE */
	struct netif_extack ext;
	struct ctl_reply *rep;
};

/* One row of the command table, indexed by enum netif_cmd. */
struct ctl_cmd {
	int (*fn)(struct ctl_req *r); /* 0 or -errno with r->ext set */
	bool priv;                    /* needs a root peer */
	bool dump;                    /* always answered as a dump */
	uint64_t allowed;             /* NETIF_ATTR_BIT()s of the top-level attributes it accepts */
	uint64_t required;            /* ... and of those it cannot do without */
};

/* Start serving path with table[0..ncmds-1] (table[cmd]; rows without fn are unknown). */
int ctl_server_open(const char *path, const struct ctl_cmd *table, size_t ncmds, void *ctx);
void ctl_server_close(void);
/*
 * Let members of this group (primary, or supplementary as SO_PEERGROUPS
 * reports them at connect time) use privileged commands too; root always
 * may. -ENOENT if there is no such group; NULL: root only again. Call
 * before the server opens.
 */
int ctl_server_set_admin_group(const char *name);
/* Periodic work (about once a second): a listener stopped for want of descriptors retries. */
void ctl_server_tick(void);

/* Start a reply message (a dump part when the request is a dump). */
struct nlmsghdr *ctl_reply_begin(struct ctl_reply *r, uint8_t cmd);
void ctl_reply_end(struct ctl_reply *r, struct nlmsghdr *nlh);
/* Attach a descriptor to the reply (SCM_RIGHTS); it is closed after sending. */
int ctl_reply_add_fd(struct ctl_reply *r, int fd);

/*
 * A room that hands a peer something it must take back when the peer goes
 * (a channel) registers a hook on the connection; closed() runs once, when
 * the connection ends, unless the hook was removed before.
 */
struct ctl_conn_hook {
	void (*closed)(struct ctl_conn_hook *h);
	/* optional: what was queued for a slow peer has all gone out */
	void (*drained)(struct ctl_conn_hook *h);
	struct ctl_conn_hook *next;
};
void ctl_conn_hook_add(struct ctl_conn *c, struct ctl_conn_hook *h);
void ctl_conn_hook_del(struct ctl_conn *c, struct ctl_conn_hook *h);
/* Send an unsolicited message (event); dropped when the peer is slow. */
int ctl_conn_send(struct ctl_conn *c, const struct nlmsghdr *nlh);

#endif
