/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Codec of the netifd control protocol over libmnl: message headers,
 * attribute validation against policy tables (unknown, duplicate, wrongly
 * sized or out-of-range attributes are rejected), and ext-ack style errors.
 */
#ifndef NETIF_NLPROTO_H
#define NETIF_NLPROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include "netif/proto.h"
#include "extack.h"

struct netif_attr_policy {
	const char *name;
	const char *desc;  /* what a user calls it, in "... missing" errors (default: name) */
	uint8_t type;      /* enum mnl_attr_data_type; MNL_TYPE_UNSPEC = not accepted */
	uint16_t min_len;  /* binary/string payload bounds (string: without NUL) */
	uint16_t max_len;
	bool multi;        /* may repeat; tb[] keeps the first, callers iterate */
};

/* Start a request or reply in buf (NETIF_NL_MAX_MSG bytes). */
struct nlmsghdr *netif_msg_start(void *buf, uint8_t cmd, uint16_t flags, uint32_t seq);
/* The command of a netif message, or -1 if nlh is not one. */
int netif_msg_cmd(const struct nlmsghdr *nlh);

/*
 * The next message of a datagram buf[0..len), starting at *off: 1 with
 * *out set and *off moved past it when its header fits and its nlmsg_len
 * covers the header and no more than the bytes left; 0 at the end;
 * -EBADMSG when what is left is not a message. Every length is checked
 * here in size_t arithmetic: libmnl 1.0.4's mnl_nlmsg_ok() compares as
 * signed int and lets an nlmsg_len >= 2^31 through, so nothing a peer
 * sends may be walked with it.
 */
int netif_msg_next(const void *buf, size_t len, size_t *off, const struct nlmsghdr **out);

/*
 * Parse and validate the attributes of a message (after the genl header) or
 * of a nested attribute into tb[0..maxtype]. Returns 0 or -EINVAL with ext
 * describing the offending attribute. nlh must have come through
 * netif_msg_next() (its nlmsg_len is trusted to lie within the bytes
 * received); a nest, through an earlier parse.
 */
int netif_attr_parse(const struct nlmsghdr *nlh, const struct netif_attr_policy *pol,
		     int maxtype, const struct nlattr **tb, struct netif_extack *ext);
int netif_attr_parse_nested(const struct nlattr *nest, const struct netif_attr_policy *pol,
			    int maxtype, const struct nlattr **tb, struct netif_extack *ext);

/*
 * Check that every attribute whose bit (1 << type) is set in required is
 * present in tb: -EINVAL with "<desc> missing" naming the first absent one.
 */
int netif_attr_require(const struct nlattr *const *tb, const struct netif_attr_policy *pol,
		       int maxtype, uint64_t required, struct netif_extack *ext);
#define NETIF_ATTR_BIT(type) (1ULL << (type))

/*
 * Write an NLMSG_ERROR (err 0 = ack) answering req into buf; carries the
 * ext-ack message and the offset of the bad attribute when known.
 * Returns the message length.
 */
size_t netif_msg_put_error(void *buf, size_t size, const struct nlmsghdr *req, int err,
			   const struct netif_extack *ext);

/* Extract errno and ext-ack message from an NLMSG_ERROR. */
int netif_msg_parse_error(const struct nlmsghdr *nlh, char *msg, size_t msglen);

/* Policies for every attribute set, shared by netifd (validation) and clients (replies). */
extern const struct netif_attr_policy netif_policy[NETIF_A_MAX + 1];
extern const struct netif_attr_policy netif_flow_policy[NETIF_FA_MAX + 1];
extern const struct netif_attr_policy netif_stat_policy[NETIF_SA_MAX + 1];
extern const struct netif_attr_policy netif_llink_policy[NETIF_LA_MAX + 1];
extern const struct netif_attr_policy netif_qset_policy[NETIF_QA_MAX + 1];
extern const struct netif_attr_policy netif_filter_policy[NETIF_FIA_MAX + 1];
extern const struct netif_attr_policy netif_chan_policy[NETIF_CA_MAX + 1];
extern const struct netif_attr_policy netif_event_policy[NETIF_EA_MAX + 1];
extern const struct netif_attr_policy netif_config_policy[NETIF_CFA_MAX + 1];
extern const struct netif_attr_policy netif_change_policy[NETIF_CHA_MAX + 1];

#endif
