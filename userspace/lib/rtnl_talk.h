/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * One rtnetlink request and its answer over libmnl, as iproute2's
 * mnl_utils does: used by the agent's link queries and by the tc helpers.
 */
#ifndef NETIF_RTNL_TALK_H
#define NETIF_RTNL_TALK_H

#include <stddef.h>

/* Receive and request buffers: large enough for any dump batch the kernel sends. */
#define RTNL_BUF_SIZE 32768

struct nlmsghdr;
/*
 * Send one rtnetlink request (built with mnl_nlmsg_put_header in a buffer of
 * RTNL_BUF_SIZE) and process the answer: cb sees every data message
 * of a dump; returns 0 or the kernel's -errno (ext-ack text in errmsg).
 */
int rtnl_talk(struct nlmsghdr *nlh, int (*cb)(const struct nlmsghdr *nlh, void *data), void *data,
	      char *errmsg, size_t errlen);

#endif
