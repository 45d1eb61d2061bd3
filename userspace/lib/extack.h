/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Error reports of the agent's domain code: a human message and, when a
 * request attribute caused it, that attribute. Netlink-free on purpose:
 * the domain rooms report with it, the protocol rooms turn it into an
 * ext-ack (nlproto.h).
 */
#ifndef NETIF_EXTACK_H
#define NETIF_EXTACK_H

struct nlattr;

struct netif_extack {
	char msg[256];
	const struct nlattr *bad_attr; /* opaque to domain code */
};

__attribute__((format(printf, 2, 3)))
void netif_extack_set(struct netif_extack *ext, const char *fmt, ...);

#endif
