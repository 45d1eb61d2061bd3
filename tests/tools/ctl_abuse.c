// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Hostile and measuring peers of netifd's control socket, for the security
 * tests (tests/e2e/security.bats):
 *
 *   ctl_abuse SOCK huge-len          20-byte requests claiming an nlmsg_len >= 2^31;
 *                                    prints the errno netifd answered to each
 *   ctl_abuse SOCK noread N SECS     N GET requests in one datagram, replies never read
 *   ctl_abuse SOCK flood N SECS      N connections held open; prints how many connected
 *                                    and how many of those netifd closed
 *   ctl_abuse SOCK latency N [DEV]   N GET round trips on fresh connections; prints the
 *                                    slowest in milliseconds
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include "netif_client.h"

static int connect_nb(const char *path, int flags)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | flags, 0);

	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		int err = errno;

		if (fd >= 0)
			close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

static int connect_to(const char *path)
{
	return connect_nb(path, 0);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* One request of 20 bytes whose header claims len; prints the errno answered. */
static int huge_len_one(const char *path, uint32_t len)
{
	char buf[NETIF_NL_MAX_MSG];
	struct nlmsghdr *nlh = netif_msg_start(buf, NETIF_CMD_GET, NLM_F_REQUEST | NLM_F_ACK, 7);
	struct pollfd p;
	int fd = connect_to(path);
	ssize_t n;

	if (fd < 0)
		return 2;
	nlh->nlmsg_len = len;
	if (send(fd, buf, 20, 0) != 20)
		return 2;
	p.fd = fd;
	p.events = POLLIN;
	if (poll(&p, 1, 5000) != 1)
		return 3;
	n = recv(fd, buf, sizeof(buf), 0);
	close(fd);
	if (n < (ssize_t)(NLMSG_HDRLEN + sizeof(struct nlmsgerr)) || nlh->nlmsg_type != NLMSG_ERROR) {
		printf("0x%x: no error reply (%zd bytes)\n", len, n);
		return 1;
	}
	printf("0x%x: %d\n", len, ((struct nlmsgerr *)NLMSG_DATA(nlh))->error);
	return 0;
}

/*
 * Lengths libmnl 1.0.4's mnl_nlmsg_ok() lets through (it compares as int):
 * 2^31 + 16, and 2^32 - 16, after which mnl_nlmsg_next() steps 4 GiB ahead
 * and still sees 36 bytes left.
 */
static int huge_len(const char *path)
{
	static const uint32_t lens[] = { 0x80000010u, 0xfffffff0u, 0xffffffffu, 0xffffffe8u };
	unsigned int i;
	int ret = 0;

	for (i = 0; i < sizeof(lens) / sizeof(lens[0]) && !ret; i++)
		ret = huge_len_one(path, lens[i]);
	return ret;
}

static int noread(const char *path, int count, int secs)
{
	static char buf[NETIF_NL_MAX_MSG];
	size_t off = 0;
	int fd = connect_to(path), i;

	if (fd < 0)
		return 2;
	for (i = 0; i < count; i++) {
		struct nlmsghdr *nlh;

		if (off + NLMSG_ALIGN(NLMSG_HDRLEN + sizeof(struct genlmsghdr)) > sizeof(buf))
			break;
		nlh = netif_msg_start(buf + off, NETIF_CMD_GET, NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP, i);
		off += NLMSG_ALIGN(nlh->nlmsg_len);
	}
	if (send(fd, buf, off, 0) != (ssize_t)off) {
		perror("send");
		return 2;
	}
	printf("sent %d requests in %zu bytes\n", i, off);
	fflush(stdout);
	sleep(secs);
	close(fd);
	return 0;
}

static int flood(const char *path, int count, int secs)
{
	struct pollfd *p = calloc(count, sizeof(*p));
	double give_up = now_ms() + 3000;
	int i, opened = 0, closed = 0;
	char c;

	/*
	 * Non-blocking, so a listener that stopped accepting cannot hang the
	 * flood; a full backlog is retried for up to 3 s in all.
	 */
	for (i = 0; i < count; i++) {
		do {
			p[i].fd = connect_nb(path, SOCK_NONBLOCK);
		} while (p[i].fd < 0 && errno == EAGAIN && now_ms() < give_up && !usleep(1000));
		p[i].events = POLLIN;
		opened += p[i].fd >= 0;
	}
	sleep(secs);
	poll(p, count, 0);
	for (i = 0; i < count; i++)
		if (p[i].fd >= 0 && (p[i].revents & (POLLIN | POLLHUP)) &&
		    recv(p[i].fd, &c, 1, MSG_DONTWAIT) == 0)
			closed++;
	printf("opened %d closed %d\n", opened, closed);
	for (i = 0; i < count; i++)
		if (p[i].fd >= 0)
			close(p[i].fd);
	free(p);
	return 0;
}

static int latency(const char *path, int count, const char *dev)
{
	double worst = 0;
	int i, err;

	for (i = 0; i < count; i++) {
		struct netif_client c;
		struct nlmsghdr *nlh;
		double t0 = now_ms(), dt;

		err = netif_client_open(&c, path);
		if (err) {
			fprintf(stderr, "connect: %s\n", strerror(-err));
			return 1;
		}
		nlh = netif_client_msg(&c, NETIF_CMD_GET, dev ? 0 : NLM_F_DUMP);
		if (dev)
			mnl_attr_put_strz(nlh, NETIF_A_IFNAME, dev);
		err = netif_client_call(&c, NULL, NULL);
		netif_client_close(&c);
		dt = now_ms() - t0;
		if (err) {
			fprintf(stderr, "GET: %s\n", strerror(-err));
			return 1;
		}
		if (dt > worst)
			worst = dt;
		usleep(20000);
	}
	printf("%.1f\n", worst);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[2], "huge-len"))
		return huge_len(argv[1]);
	if (argc >= 5 && !strcmp(argv[2], "noread"))
		return noread(argv[1], atoi(argv[3]), atoi(argv[4]));
	if (argc >= 5 && !strcmp(argv[2], "flood"))
		return flood(argv[1], atoi(argv[3]), atoi(argv[4]));
	if (argc >= 4 && !strcmp(argv[2], "latency"))
		return latency(argv[1], atoi(argv[3]), argc > 4 ? argv[4] : NULL);
	fprintf(stderr, "usage: ctl_abuse SOCK huge-len | noread N SECS | flood N SECS | latency N [DEV]\n");
	return 2;
}
