// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <uuid/uuid.h>
#include "control.h"
#include "handlers.h"
#include "log.h"

#define A(x) (1ULL << (x))

struct ctl_cmd {
	int (*fn)(struct ctl_req *r);
	bool priv;        /* needs a root peer */
	bool dump;        /* answered with NLM_F_MULTI parts and NLMSG_DONE */
	uint64_t allowed; /* top-level attributes the command accepts */
};

static const struct ctl_cmd cmds[NETIF_CMD_MAX + 1] = {
	[NETIF_CMD_ATTACH] = { h_attach, true, false,
			       A(NETIF_A_IFNAME) | A(NETIF_A_MODE) | A(NETIF_A_RX_SLOTS) |
			       A(NETIF_A_TX_SLOTS) | A(NETIF_A_BUF_SIZE) | A(NETIF_A_MAX_FLOWS) |
			       A(NETIF_A_LOW_LATENCY) },
	[NETIF_CMD_DETACH] = { h_detach, true, false, A(NETIF_A_IFNAME) | A(NETIF_A_UUID) },
	[NETIF_CMD_GET] = { h_get, false, false, A(NETIF_A_IFNAME) },
	[NETIF_CMD_SET] = { h_set, true, false,
			    A(NETIF_A_IFNAME) | A(NETIF_A_DEFAULT_ACTION) | A(NETIF_A_INPUT_RATE) |
			    A(NETIF_A_INPUT_BURST) | A(NETIF_A_SHAPE_RATE) | A(NETIF_A_VLAN_POLICY) },
	[NETIF_CMD_FLOW_ADD] = { h_flow_add, true, false, A(NETIF_A_IFNAME) | A(NETIF_A_FLOW) },
	[NETIF_CMD_FLOW_DEL] = { h_flow_del, true, false, A(NETIF_A_IFNAME) | A(NETIF_A_UUID) },
	[NETIF_CMD_FLOW_GET] = { h_flow_get, false, true, A(NETIF_A_IFNAME) | A(NETIF_A_UUID) },
	[NETIF_CMD_STATS_GET] = { h_stats_get, false, false, A(NETIF_A_IFNAME) },
	[NETIF_CMD_LLINK_ADD] = { h_llink_add, true, false, A(NETIF_A_IFNAME) | A(NETIF_A_LLINK) },
	[NETIF_CMD_LLINK_DEL] = { h_llink_del, true, false, A(NETIF_A_IFNAME) | A(NETIF_A_LLINK) },
	[NETIF_CMD_LLINK_GET] = { h_llink_get, false, true,
				  A(NETIF_A_IFNAME) | A(NETIF_A_LLINK_INFO_VERSION) },
	[NETIF_CMD_FILTER_ADD] = { h_filter_add, true, false, A(NETIF_A_IFNAME) | A(NETIF_A_FILTER) },
	[NETIF_CMD_FILTER_DEL] = { h_filter_del, true, false, A(NETIF_A_IFNAME) | A(NETIF_A_FILTER) },
	[NETIF_CMD_FILTER_GET] = { h_filter_get, false, true, A(NETIF_A_IFNAME) },
	[NETIF_CMD_CHANNEL_OPEN] = { h_channel_open, true, false,
				     A(NETIF_A_IFNAME) | A(NETIF_A_PORT) | A(NETIF_A_CHANNEL) },
	[NETIF_CMD_FILTER_OPEN] = { h_filter_open, true, false,
				    A(NETIF_A_IFNAME) | A(NETIF_A_FILTER) | A(NETIF_A_CHANNEL) },
	[NETIF_CMD_PORT_GET] = { h_port_get, false, true, A(NETIF_A_IFNAME) },
};

static struct {
	struct ev_handler h;
	struct agent *ag;
	char path[108];
	struct ctl_conn *conns;
} srv = { .h = { .fd = -1 } };

/* ---- replies --------------------------------------------------------- */

static int reply_send(struct ctl_reply *r)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * 4)];
		struct cmsghdr align;
	} cbuf = {};
	struct iovec iov = { .iov_base = r->buf, .iov_len = r->len };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	int i, ret = 0;

	if (!r->len)
		return 0;
	if (r->nfds) {
		struct cmsghdr *cm;

		msg.msg_control = cbuf.buf;
		msg.msg_controllen = CMSG_SPACE(sizeof(int) * r->nfds);
		cm = CMSG_FIRSTHDR(&msg);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int) * r->nfds);
		memcpy(CMSG_DATA(cm), r->fds, sizeof(int) * r->nfds);
	}
	if (sendmsg(r->conn->h.fd, &msg, MSG_NOSIGNAL) < 0) {
		ret = -errno;
		pr_debug("control: reply to pid %d lost: %s", r->conn->cred.pid, strerror(errno));
	}
	for (i = 0; i < r->nfds; i++)
		close(r->fds[i]);
	r->nfds = 0;
	r->len = 0;
	return ret;
}

struct nlmsghdr *ctl_reply_begin(struct ctl_reply *r, uint8_t cmd)
{
	/* every reply message we build stays well below 8 KiB */
	if (sizeof(r->buf) - r->len < 8192)
		r->err = reply_send(r) ?: r->err;
	return netif_msg_start(r->buf + r->len, cmd, r->dump ? NLM_F_MULTI : 0, r->seq);
}

void ctl_reply_end(struct ctl_reply *r, struct nlmsghdr *nlh)
{
	r->len += NLMSG_ALIGN(nlh->nlmsg_len);
}

int ctl_reply_add_fd(struct ctl_reply *r, int fd)
{
	if (r->nfds >= 4) {
		close(fd);
		return -E2BIG;
	}
	r->fds[r->nfds++] = fd;
	return 0;
}

static void reply_error(struct ctl_reply *r, const struct nlmsghdr *req, int err,
			const struct netif_extack *ext)
{
	int i;

	/* a failed request carries no partial answer and no descriptors */
	r->len = r->start;
	for (i = 0; i < r->nfds; i++)
		close(r->fds[i]);
	r->nfds = 0;
	if (sizeof(r->buf) - r->len < 8192)
		reply_send(r);
	r->len += netif_msg_put_error(r->buf + r->len, sizeof(r->buf) - r->len, req, err, ext);
	reply_send(r);
}

static void reply_done(struct ctl_reply *r)
{
	struct nlmsghdr *nlh;

	if (sizeof(r->buf) - r->len < 64)
		reply_send(r);
	nlh = mnl_nlmsg_put_header(r->buf + r->len);
	nlh->nlmsg_type = NLMSG_DONE;
	nlh->nlmsg_flags = NLM_F_MULTI;
	nlh->nlmsg_seq = r->seq;
	mnl_nlmsg_put_extra_header(nlh, sizeof(int));
	r->len += nlh->nlmsg_len;
	reply_send(r);
}

/* ---- dispatch -------------------------------------------------------- */

/*
 * One request. more: another follows in the same datagram; then a plain
 * answer (no descriptors) stays in the buffer and goes out with the next
 * ones, one datagram for a batch of requests rather than one each.
 */
static void handle_request(struct ctl_conn *c, const struct nlmsghdr *nlh, struct ctl_reply *rep,
			   bool more)
{
	struct ctl_req r = { .ag = c->ag, .conn = c, .nlh = nlh, .rep = rep };
	const struct genlmsghdr *g;
	const struct ctl_cmd *cmd;
	int err, i;

	rep->start = rep->len;
	rep->err = 0;
	rep->seq = nlh->nlmsg_seq;
	rep->dump = false;

	if (nlh->nlmsg_type != NETIF_NL_TYPE || !(nlh->nlmsg_flags & NLM_F_REQUEST)) {
		netif_extack_set(&r.ext, "not a netif request");
		err = -EPROTO;
		goto error;
	}
	if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(*g)) {
		netif_extack_set(&r.ext, "message too short");
		err = -EINVAL;
		goto error;
	}
	g = mnl_nlmsg_get_payload(nlh);
	if (g->version != NETIF_NL_VERSION) {
		netif_extack_set(&r.ext, "protocol version %u not supported (this netifd speaks %u)",
				 g->version, NETIF_NL_VERSION);
		err = -EOPNOTSUPP;
		goto error;
	}
	if (g->cmd > NETIF_CMD_MAX || !cmds[g->cmd].fn) {
		netif_extack_set(&r.ext, "unknown command %u", g->cmd);
		err = -EOPNOTSUPP;
		goto error;
	}
	cmd = &cmds[g->cmd];
	if (cmd->priv && c->cred.uid != 0) {
		netif_extack_set(&r.ext, "this command needs root (peer uid %u)", c->cred.uid);
		err = -EPERM;
		goto error;
	}
	err = netif_attr_parse(nlh, netif_policy, NETIF_A_MAX, r.tb, &r.ext);
	if (err)
		goto error;
	for (i = 1; i <= NETIF_A_MAX; i++) {
		if (r.tb[i] && !(cmd->allowed & A(i))) {
			netif_extack_set(&r.ext, "attribute \"%s\" is not valid for this command",
					 netif_policy[i].name);
			r.ext.bad_attr = r.tb[i];
			err = -EINVAL;
			goto error;
		}
	}
	rep->dump = cmd->dump || (nlh->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
	err = cmd->fn(&r);
	if (err)
		goto error;
	if (rep->dump) {
		reply_done(rep);
		return;
	}
	if (nlh->nlmsg_flags & NLM_F_ACK) {
		if (sizeof(rep->buf) - rep->len < 512)
			reply_send(rep);
		rep->len += netif_msg_put_error(rep->buf + rep->len, sizeof(rep->buf) - rep->len,
						nlh, 0, NULL) ?: 0;
	}
	if (!more || rep->nfds || sizeof(rep->buf) - rep->len < 8192)
		reply_send(rep);
	return;
error:
	pr_debug("control: pid %d cmd %d: %s (%s)", c->cred.pid, netif_msg_cmd(nlh),
		 strerror(-err), r.ext.msg);
	reply_error(rep, nlh, err, &r.ext);
}

static void conn_release(struct ev_handler *h)
{
	struct ctl_conn *c = (struct ctl_conn *)h;

	close(c->h.fd);
	free(c);
}

static void conn_close(struct ctl_conn *c)
{
	struct ctl_conn **pp;

	if (c->dead)
		return;
	c->dead = true;
	for (pp = &srv.conns; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	ctl_conn_closed(c);
	loop_defer_free(&c->h, conn_release);
}

static void conn_event(struct ev_handler *h, uint32_t events)
{
	static struct ctl_reply rep; /* single-threaded: one reply buffer is enough */
	static char buf[NETIF_NL_MAX_MSG];
	struct ctl_conn *c = (struct ctl_conn *)h;
	const struct nlmsghdr *nlh;
	ssize_t n;
	int len;

	if (events & EPOLLIN) {
		n = recv(c->h.fd, buf, sizeof(buf), MSG_DONTWAIT | MSG_TRUNC);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n <= 0) {
			conn_close(c);
			return;
		}
		rep.conn = c;
		if ((size_t)n > sizeof(buf)) {
			struct nlmsghdr fake = { .nlmsg_type = NETIF_NL_TYPE };
			struct netif_extack ext = {};

			netif_extack_set(&ext, "request larger than %d bytes", NETIF_NL_MAX_MSG);
			reply_error(&rep, &fake, -EMSGSIZE, &ext);
			return;
		}
		len = n;
		nlh = (const struct nlmsghdr *)buf;
		if (!mnl_nlmsg_ok(nlh, len)) {
			struct nlmsghdr fake = { .nlmsg_type = NETIF_NL_TYPE };
			struct netif_extack ext = {};

			if ((size_t)len >= sizeof(fake))
				memcpy(&fake, buf, sizeof(fake));
			netif_extack_set(&ext, "malformed netlink message");
			reply_error(&rep, &fake, -EINVAL, &ext);
			return;
		}
		rep.len = 0;
		rep.nfds = 0;
		while (mnl_nlmsg_ok(nlh, len) && !c->dead) {
			const struct nlmsghdr *next = mnl_nlmsg_next(nlh, &len);

			handle_request(c, nlh, &rep, mnl_nlmsg_ok(next, len));
			nlh = next;
		}
		if (!c->dead)
			reply_send(&rep);
		return;
	}
	if (events & (EPOLLHUP | EPOLLERR))
		conn_close(c);
}

static void accept_event(struct ev_handler *h, uint32_t events)
{
	struct timeval tmo = { .tv_sec = 5 };
	socklen_t len = sizeof(struct ucred);
	struct ctl_conn *c;
	int fd;

	fd = accept4(h->fd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return;
	c = calloc(1, sizeof(*c));
	if (!c) {
		close(fd);
		return;
	}
	c->h.fd = fd;
	c->h.fn = conn_event;
	c->ag = srv.ag;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &c->cred, &len) < 0) {
		close(fd);
		free(c);
		return;
	}
	/* a client that stops reading must not wedge the agent */
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tmo, sizeof(tmo));
	if (loop_add(&c->h, EPOLLIN)) {
		close(fd);
		free(c);
		return;
	}
	c->next = srv.conns;
	srv.conns = c;
	pr_debug("control: connection from pid %d uid %u", c->cred.pid, c->cred.uid);
}

int ctl_conn_send(struct ctl_conn *c, const struct nlmsghdr *nlh)
{
	if (c->dead)
		return -ENOTCONN;
	if (send(c->h.fd, nlh, nlh->nlmsg_len, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
		return -errno;
	return 0;
}

static int make_parent_dir(const char *path)
{
	char dir[108], *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return 0;
	*slash = '\0';
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

int ctl_server_open(struct agent *ag, const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd, err;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		pr_warn("socket path too long: %s", path);
		return -ENAMETOOLONG;
	}
	strcpy(sun.sun_path, path);
	err = make_parent_dir(path);
	if (err) {
		pr_warn("cannot create the directory of %s: %s", path, strerror(-err));
		return err;
	}
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	/* refuse to steal the socket of a live agent; clear a stale one */
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0) {
		pr_warn("another netifd is listening on %s", path);
		close(fd);
		return -EADDRINUSE;
	}
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 || listen(fd, 64) < 0) {
		err = -errno;
		pr_warn("cannot listen on %s: %s", path, strerror(errno));
		close(fd);
		return err;
	}
	/* readers (show, stats) are unprivileged; mutations check SO_PEERCRED */
	chmod(path, 0666);
	srv.h.fd = fd;
	srv.h.fn = accept_event;
	srv.ag = ag;
	snprintf(srv.path, sizeof(srv.path), "%s", path);
	err = loop_add(&srv.h, EPOLLIN);
	if (err) {
		close(fd);
		unlink(path);
		return err;
	}
	return 0;
}

void ctl_server_close(void)
{
	while (srv.conns)
		conn_close(srv.conns);
	if (srv.h.fd >= 0) {
		loop_del(&srv.h);
		close(srv.h.fd);
		unlink(srv.path);
	}
	srv.h.fd = -1;
}
