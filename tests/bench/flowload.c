// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * flowload: add N flows to netifd through one control connection, BATCH
 * requests to a datagram (netifd handles every message of a datagram in
 * turn, as netlink does), and time it.
 *
 *   flowload SOCKET IFNAME N [BATCH [FIRST]]
 *
 * Flow i (from FIRST, default 0) is "tuple proto udp src 198.18.0.0 +
 * (i mod 2^17) dst 198.51.100.10 sport 1024 + i / 2^17 dport 80 action
 * drop", as tests/bench/bench_prog_run installs its flow tables. Every
 * request is acknowledged; a failure stops the run. Prints
 * "added N flows in T s: R flows/s (BATCH a datagram)".
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <libmnl/libmnl.h>
#include "netif/maps.h"
#include "netif/proto.h"
#include "netif_client.h"
#include "nlproto.h"

#define MAX_BATCH 512

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* One "flow add" request for flow i at buf; returns its aligned length. */
static size_t flow_msg(void *buf, const char *ifname, uint32_t i, uint32_t seq)
{
	struct nlmsghdr *nlh = netif_msg_start(buf, NETIF_CMD_FLOW_ADD,
					       NLM_F_REQUEST | NLM_F_ACK, seq);
	uint32_t src = htonl(0xc6120000U + (i & 0x1ffff)), dst = htonl(0xc633640aU);
	struct nlattr *nest;

	mnl_attr_put_strz(nlh, NETIF_A_IFNAME, ifname);
	nest = mnl_attr_nest_start(nlh, NETIF_A_FLOW);
	mnl_attr_put_u8(nlh, NETIF_FA_TYPE, NETIF_FLOW_TUPLE);
	mnl_attr_put_u8(nlh, NETIF_FA_PROTO, IPPROTO_UDP);
	mnl_attr_put(nlh, NETIF_FA_SRC, 4, &src);
	mnl_attr_put(nlh, NETIF_FA_DST, 4, &dst);
	mnl_attr_put_u16(nlh, NETIF_FA_SPORT, 1024 + (i >> 17));
	mnl_attr_put_u16(nlh, NETIF_FA_DPORT, 80);
	mnl_attr_put_u8(nlh, NETIF_FA_ACTION, NETIF_ACTION_DROP);
	mnl_attr_nest_end(nlh, nest);
	return NLMSG_ALIGN(nlh->nlmsg_len);
}

/* Read replies until n acks have come; returns 0 or the first error. */
static int collect(struct netif_client *c, uint32_t n)
{
	static char buf[NETIF_NL_MAX_MSG];
	int err = 0;

	while (n) {
		ssize_t len = recv(c->fd, buf, sizeof(buf), 0);
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
		int left;

		if (len <= 0)
			return len ? -errno : -ENOTCONN;
		for (left = (int)len; left >= (int)sizeof(*nlh) && nlh->nlmsg_len >= sizeof(*nlh) &&
				      nlh->nlmsg_len <= (uint32_t)left;
		     nlh = mnl_nlmsg_next(nlh, &left)) {
			if (nlh->nlmsg_type != NLMSG_ERROR)
				continue;
			int e = netif_msg_parse_error(nlh, c->errmsg, sizeof(c->errmsg));

			if (e && !err)
				err = e;
			n--;
		}
	}
	return err;
}

int main(int argc, char **argv)
{
	static char buf[NETIF_NL_MAX_MSG];
	struct netif_client c;
	uint32_t n, batch = 256, first = 0, done = 0, seq = 1;
	double t0, t;
	int err;

	if (argc < 4) {
		fprintf(stderr, "usage: %s SOCKET IFNAME N [BATCH [FIRST]]\n", argv[0]);
		return 2;
	}
	n = strtoul(argv[3], NULL, 0);
	if (argc > 4)
		batch = strtoul(argv[4], NULL, 0);
	if (argc > 5)
		first = strtoul(argv[5], NULL, 0);
	if (!batch || batch > MAX_BATCH) {
		fprintf(stderr, "flowload: BATCH is 1..%d\n", MAX_BATCH);
		return 2;
	}
	err = netif_client_open(&c, argv[1]);
	if (err) {
		fprintf(stderr, "flowload: %s\n", c.errmsg);
		return 1;
	}
	t0 = now();
	while (done < n && !err) {
		uint32_t k = n - done < batch ? n - done : batch, j;
		size_t len = 0;

		for (j = 0; j < k; j++)
			len += flow_msg(buf + len, argv[2], first + done + j, seq++);
		if (send(c.fd, buf, len, 0) != (ssize_t)len) {
			err = -errno;
			break;
		}
		err = collect(&c, k);
		done += k;
	}
	t = now() - t0;
	netif_client_close(&c);
	if (err) {
		fprintf(stderr, "flowload: after %u flows: %s: %s\n", done, strerror(-err), c.errmsg);
		return 1;
	}
	printf("added %u flows in %.3f s: %.0f flows/s (%u a datagram)\n", n, t, n / t, batch);
	return 0;
}
