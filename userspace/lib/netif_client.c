// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include "netif_client.h"

int netif_client_open(struct netif_client *c, const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd;

	c->fd = -1;
	c->nfds = 0;
	c->errmsg[0] = '\0';
	c->seq = (uint32_t)time(NULL);
	if (strlen(path) >= sizeof(sun.sun_path))
		return -ENAMETOOLONG;
	strcpy(sun.sun_path, path);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		int err = -errno;

		close(fd);
		snprintf(c->errmsg, sizeof(c->errmsg), "cannot connect to netifd at %s", path);
		return err;
	}
	c->fd = fd;
	return 0;
}

void netif_client_close(struct netif_client *c)
{
	int i;

	for (i = 0; i < c->nfds; i++)
		close(c->fds[i]);
	c->nfds = 0;
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

struct nlmsghdr *netif_client_msg(struct netif_client *c, uint8_t cmd, uint16_t flags)
{
	return netif_msg_start(c->buf, cmd, NLM_F_REQUEST | NLM_F_ACK | flags, ++c->seq);
}

int netif_client_dispatch(struct netif_client *c, const void *buf, size_t len, uint32_t seq,
			  netif_reply_cb cb, void *data)
{
	const struct nlmsghdr *nlh;
	size_t off = 0;
	int ret, err;

	/* every length is checked against the bytes received, never by mnl_nlmsg_ok() */
	while ((ret = netif_msg_next(buf, len, &off, &nlh)) == 1) {
		if (seq && nlh->nlmsg_seq != seq) {
			snprintf(c->errmsg, sizeof(c->errmsg), "reply out of sequence");
			return -EPROTO;
		}
		switch (nlh->nlmsg_type) {
		case NLMSG_NOOP:
			continue;
		case NLMSG_DONE:
			return 0;
		case NLMSG_ERROR:
			err = netif_msg_parse_error(nlh, c->errmsg, sizeof(c->errmsg));
			if (err > 0) {
				snprintf(c->errmsg, sizeof(c->errmsg), "malformed error reply from netifd");
				return -EPROTO;
			}
			return err;
		default:
			if (nlh->nlmsg_type < NLMSG_MIN_TYPE || netif_msg_cmd(nlh) < 0)
				continue; /* not ours: ignore rather than misparse */
			err = cb ? cb(nlh, data) : MNL_CB_OK;
			if (err == MNL_CB_STOP)
				return 0;
			if (err < MNL_CB_STOP) {
				if (!c->errmsg[0])
					snprintf(c->errmsg, sizeof(c->errmsg), "bad reply from netifd");
				return -(errno ? errno : EPROTO);
			}
		}
	}
	if (ret < 0) {
		snprintf(c->errmsg, sizeof(c->errmsg), "malformed reply from netifd");
		return -EPROTO;
	}
	return 1;
}

static ssize_t recv_with_fds(struct netif_client *c)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * NETIF_CLIENT_MAX_FDS)];
		struct cmsghdr align;
	} cbuf;
	struct iovec iov = { .iov_base = c->buf, .iov_len = sizeof(c->buf) };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf.buf, .msg_controllen = sizeof(cbuf.buf),
	};
	struct cmsghdr *cm;
	ssize_t n;

	do {
		n = recvmsg(c->fd, &msg, MSG_CMSG_CLOEXEC);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	for (cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
		int k, cnt;

		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		cnt = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (k = 0; k < cnt; k++) {
			int fd;

			memcpy(&fd, CMSG_DATA(cm) + k * sizeof(int), sizeof(int));
			if (c->nfds < NETIF_CLIENT_MAX_FDS)
				c->fds[c->nfds++] = fd;
			else
				close(fd);
		}
	}
	if (msg.msg_flags & MSG_TRUNC)
		return -EMSGSIZE;
	return n;
}

int netif_client_call(struct netif_client *c, netif_reply_cb cb, void *data)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)c->buf;
	uint32_t seq = nlh->nlmsg_seq;
	ssize_t n;
	int ret;

	c->errmsg[0] = '\0';
	if (send(c->fd, c->buf, nlh->nlmsg_len, MSG_NOSIGNAL) < 0)
		return -errno;
	for (;;) {
		n = recv_with_fds(c);
		if (n < 0)
			return n;
		if (n == 0) {
			snprintf(c->errmsg, sizeof(c->errmsg), "netifd closed the connection");
			return -ECONNRESET;
		}
		errno = 0;
		ret = netif_client_dispatch(c, c->buf, n, seq, cb, data);
		if (ret <= 0)
			return ret;
	}
}

int netif_client_recv_event(struct netif_client *c, netif_reply_cb cb, void *data)
{
	ssize_t n = recv_with_fds(c);
	int ret;

	if (n < 0)
		return n;
	if (n == 0)
		return -ENOTCONN;
	errno = 0;
	ret = netif_client_dispatch(c, c->buf, n, 0, cb, data);
	return ret < 0 ? ret : 0;
}
