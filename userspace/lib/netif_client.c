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

struct call_ctx {
	struct netif_client *c;
	netif_reply_cb cb;
	void *data;
	int err;
};

static int data_cb(const struct nlmsghdr *nlh, void *data)
{
	struct call_ctx *cc = data;

	if (netif_msg_cmd(nlh) < 0)
		return MNL_CB_OK; /* not ours: ignore rather than misparse */
	return cc->cb ? cc->cb(nlh, cc->data) : MNL_CB_OK;
}

static int error_cb(const struct nlmsghdr *nlh, void *data)
{
	struct call_ctx *cc = data;
	int err = netif_msg_parse_error(nlh, cc->c->errmsg, sizeof(cc->c->errmsg));

	cc->err = err;
	if (err == 0)
		return MNL_CB_STOP;
	errno = err < 0 ? -err : EPROTO;
	return MNL_CB_ERROR;
}

static int done_cb(const struct nlmsghdr *nlh, void *data)
{
	return MNL_CB_STOP;
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
	/* with a control array libmnl runs no defaults: NLMSG_DONE must be ours too */
	mnl_cb_t ctl[NLMSG_MIN_TYPE] = { [NLMSG_ERROR] = error_cb, [NLMSG_DONE] = done_cb };
	struct call_ctx cc = { .c = c, .cb = cb, .data = data };
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
		ret = mnl_cb_run2(c->buf, n, seq, 0, data_cb, &cc, ctl, NLMSG_MIN_TYPE);
		if (ret == MNL_CB_STOP)
			return 0;
		if (ret < 0) {
			if (cc.err < 0)
				return cc.err;
			if (!c->errmsg[0])
				snprintf(c->errmsg, sizeof(c->errmsg), "bad reply from netifd");
			return -(errno ? errno : EPROTO);
		}
	}
}

int netif_client_recv_event(struct netif_client *c, netif_reply_cb cb, void *data)
{
	struct call_ctx cc = { .c = c, .cb = cb, .data = data };
	ssize_t n = recv_with_fds(c);
	int ret;

	if (n < 0)
		return n;
	if (n == 0)
		return -ENOTCONN;
	ret = mnl_cb_run(c->buf, n, 0, 0, data_cb, &cc);
	return ret < 0 ? -errno : 0;
}
