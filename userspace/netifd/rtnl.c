// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include "log.h"
#include "rtnl.h"

struct rtnl_monitor {
	struct mnl_socket *nl;
	char buf[RTNL_BUF_SIZE * 2];
};

static int link_attr_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(a);

	if (mnl_attr_type_valid(a, IFLA_MAX) > 0)
		tb[type] = a;
	return MNL_CB_OK;
}

static int parse_link(const struct nlmsghdr *nlh, struct link_info *li)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[IFLA_MAX + 1] = {};

	memset(li, 0, sizeof(*li));
	if (mnl_attr_parse(nlh, sizeof(*ifi), link_attr_cb, tb) < 0)
		return -EINVAL;
	li->ifindex = ifi->ifi_index;
	li->type = ifi->ifi_type;
	li->up = ifi->ifi_flags & IFF_UP;
	li->running = ifi->ifi_flags & IFF_RUNNING;
	if (tb[IFLA_IFNAME] && mnl_attr_validate(tb[IFLA_IFNAME], MNL_TYPE_NUL_STRING) == 0)
		strncpy(li->name, mnl_attr_get_str(tb[IFLA_IFNAME]), sizeof(li->name) - 1);
	if (tb[IFLA_ADDRESS] && mnl_attr_get_payload_len(tb[IFLA_ADDRESS]) == 6)
		memcpy(li->mac, mnl_attr_get_payload(tb[IFLA_ADDRESS]), 6);
	if (tb[IFLA_MTU] && mnl_attr_validate(tb[IFLA_MTU], MNL_TYPE_U32) == 0)
		li->mtu = mnl_attr_get_u32(tb[IFLA_MTU]);
	if (tb[IFLA_NUM_RX_QUEUES] && mnl_attr_validate(tb[IFLA_NUM_RX_QUEUES], MNL_TYPE_U32) == 0)
		li->num_rx_queues = mnl_attr_get_u32(tb[IFLA_NUM_RX_QUEUES]);
	if (tb[IFLA_NUM_TX_QUEUES] && mnl_attr_validate(tb[IFLA_NUM_TX_QUEUES], MNL_TYPE_U32) == 0)
		li->num_tx_queues = mnl_attr_get_u32(tb[IFLA_NUM_TX_QUEUES]);
	return 0;
}

static int get_cb(const struct nlmsghdr *nlh, void *data)
{
	if (nlh->nlmsg_type != RTM_NEWLINK)
		return MNL_CB_OK;
	return parse_link(nlh, data) ? MNL_CB_ERROR : MNL_CB_OK;
}

int rtnl_link_get(int ifindex, const char *name, struct link_info *li)
{
	char buf[RTNL_BUF_SIZE] = {}; /* attribute padding goes out too */
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;
	int err;

	if (!ifindex && (!name || !*name || strlen(name) >= IF_NAMESIZE))
		return -ENODEV;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETLINK;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	if (!ifindex)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	memset(li, 0, sizeof(*li));
	err = rtnl_talk(nlh, get_cb, li, NULL, 0);
	if (err == -ENODEV || err == -EINVAL || (!err && !li->ifindex))
		return -ENODEV;
	return err;
}

struct rtnl_monitor *rtnl_monitor_open(void)
{
	struct rtnl_monitor *m = calloc(1, sizeof(*m));
	int one = 1;

	if (!m)
		return NULL;
	m->nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (!m->nl)
		goto fail;
	/* a burst of link events must not be lost silently: get ENOBUFS instead */
	mnl_socket_setsockopt(m->nl, NETLINK_BROADCAST_ERROR, &one, sizeof(one));
	if (mnl_socket_bind(m->nl, RTMGRP_LINK, MNL_SOCKET_AUTOPID) < 0)
		goto fail;
	return m;
fail:
	if (m->nl)
		mnl_socket_close(m->nl);
	free(m);
	return NULL;
}

int rtnl_monitor_fd(struct rtnl_monitor *m)
{
	return mnl_socket_get_fd(m->nl);
}

struct mon_ctx {
	rtnl_link_cb cb;
	void *data;
};

static int mon_cb(const struct nlmsghdr *nlh, void *data)
{
	struct mon_ctx *mc = data;
	struct link_info li;

	if (nlh->nlmsg_type != RTM_NEWLINK && nlh->nlmsg_type != RTM_DELLINK)
		return MNL_CB_OK;
	if (parse_link(nlh, &li))
		return MNL_CB_OK;
	mc->cb(&li, nlh->nlmsg_type == RTM_DELLINK, mc->data);
	return MNL_CB_OK;
}

int rtnl_monitor_read(struct rtnl_monitor *m, rtnl_link_cb cb, void *data)
{
	struct mon_ctx mc = { .cb = cb, .data = data };
	ssize_t n;

	for (;;) {
		n = mnl_socket_recvfrom(m->nl, m->buf, sizeof(m->buf));
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return 0;
			return -errno; /* ENOBUFS: caller resynchronises */
		}
		mnl_cb_run(m->buf, n, 0, 0, mon_cb, &mc);
	}
}

void rtnl_monitor_close(struct rtnl_monitor *m)
{
	if (!m)
		return;
	mnl_socket_close(m->nl);
	free(m);
}

void link_real_queues(const char *ifname, uint32_t *rx, uint32_t *tx)
{
	struct ethtool_channels ch = { .cmd = ETHTOOL_GCHANNELS };
	struct ifreq ifr = {};
	int fd;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_data = (void *)&ch;
	if (ioctl(fd, SIOCETHTOOL, &ifr) == 0) {
		if (ch.combined_count + ch.rx_count)
			*rx = ch.combined_count + ch.rx_count;
		if (ch.combined_count + ch.tx_count)
			*tx = ch.combined_count + ch.tx_count;
	} else {
		/* no channel information: a single-queue device as far as we can tell */
		*rx = 1;
		*tx = *tx ? *tx : 1;
	}
	close(fd);
}
