// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "sendq.h"

struct sendq_msg {
	struct sendq_msg *next;
	size_t len;
	int nfds;
	int fds[SENDQ_MAX_FDS];
	char data[];
};

void sendq_init(struct sendq *q)
{
	q->head = NULL;
	q->tail = &q->head;
	q->bytes = 0;
}

static void close_fds(const int *fds, int nfds)
{
	int i;

	for (i = 0; i < nfds; i++)
		close(fds[i]);
}

/* One datagram now: 0 sent, -EAGAIN the socket is full, -errno. */
static int send_now(int fd, const void *buf, size_t len, const int *fds, int nfds)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * SENDQ_MAX_FDS)];
		struct cmsghdr align;
	} cbuf;
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (nfds) {
		struct cmsghdr *cm;

		memset(&cbuf, 0, sizeof(cbuf));
		msg.msg_control = cbuf.buf;
		msg.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		cm = CMSG_FIRSTHDR(&msg);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(cm), fds, sizeof(int) * nfds);
	}
	for (;;) {
		if (sendmsg(fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT) >= 0)
			return 0;
		if (errno != EINTR)
			break;
	}
	return errno == EWOULDBLOCK ? -EAGAIN : -errno;
}

int sendq_send(struct sendq *q, int fd, const void *buf, size_t len, const int *fds, int nfds,
	       size_t room)
{
	struct sendq_msg *m;
	int err;

	if (nfds > SENDQ_MAX_FDS) {
		close_fds(fds, nfds);
		return -E2BIG;
	}
	if (sendq_empty(q)) {
		err = send_now(fd, buf, len, fds, nfds);
		if (err != -EAGAIN) {
			close_fds(fds, nfds);
			return err;
		}
	}
	if (len > room) {
		close_fds(fds, nfds);
		return -ENOBUFS;
	}
	m = malloc(sizeof(*m) + len);
	if (!m) {
		close_fds(fds, nfds);
		return -ENOBUFS;
	}
	m->next = NULL;
	m->len = len;
	m->nfds = nfds;
	memcpy(m->fds, fds, sizeof(int) * nfds);
	memcpy(m->data, buf, len);
	*q->tail = m;
	q->tail = &m->next;
	q->bytes += len;
	return 0;
}

static void pop(struct sendq *q)
{
	struct sendq_msg *m = q->head;

	q->head = m->next;
	if (!q->head)
		q->tail = &q->head;
	q->bytes -= m->len;
	close_fds(m->fds, m->nfds);
	free(m);
}

int sendq_flush(struct sendq *q, int fd)
{
	int err;

	while (q->head) {
		err = send_now(fd, q->head->data, q->head->len, q->head->fds, q->head->nfds);
		if (err == -EAGAIN)
			return 1;
		if (err)
			return err;
		pop(q);
	}
	return 0;
}

void sendq_clear(struct sendq *q)
{
	while (q->head)
		pop(q);
}
