// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include "ethtool.h"

static int ethtool_value(const char *ifname, uint32_t cmd, uint32_t *val)
{
	struct ethtool_value ev = { .cmd = cmd, .data = val ? *val : 0 };
	struct ifreq ifr = {};
	int fd, err = 0;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_data = (void *)&ev;
	if (ioctl(fd, SIOCETHTOOL, &ifr) < 0)
		err = -errno;
	else if (val)
		*val = ev.data;
	close(fd);
	return err;
}

/*
 * Egress copies must fit a frame we can send back out: while the TC
 * program hands packets up, segmentation offloads are turned off so the
 * stack hands it MTU-sized packets (as XNU disables TSO with filters).
 */
void offloads_off(const char *ifname, struct offloads *o)
{
	uint32_t off = 0;

	if (o->off)
		return;
	if (ethtool_value(ifname, ETHTOOL_GTSO, &o->tso))
		o->tso = 0;
	if (ethtool_value(ifname, ETHTOOL_GGSO, &o->gso))
		o->gso = 0;
	if (o->tso)
		ethtool_value(ifname, ETHTOOL_STSO, &off);
	if (o->gso)
		ethtool_value(ifname, ETHTOOL_SGSO, &off);
	o->off = true;
}

void offloads_restore(const char *ifname, struct offloads *o)
{
	if (!o->off)
		return;
	if (o->tso)
		ethtool_value(ifname, ETHTOOL_STSO, &o->tso);
	if (o->gso)
		ethtool_value(ifname, ETHTOOL_SGSO, &o->gso);
	o->off = false;
}
