// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The control socket's transport. Every peer is untrusted: lengths are
 * checked against the bytes received (netif_msg_next), sockets are
 * non-blocking, replies a peer does not take wait in its own bounded
 * queue (sendq.c) while its further requests wait unread, requests are
 * handled in short slices taken in turn, and connections are capped per
 * user and in all, so that no peer can crash the agent, stall it, or
 * delay another peer by more than a slice.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "control.h"
#include "control_check.h"
#include "loop.h"
#include "log.h"
#include "peers.h"
#include "sendq.h"
#include "turns.h"

/* Replies waiting for a peer: an unprivileged one, all of those together, root. */
#define QUEUE_USER (32U << 20)
#define QUEUE_USERS (128U << 20)
#define QUEUE_ROOT (1U << 30)
/* Unsolicited events stop being queued beyond this (they are advisory). */
#define QUEUE_EVENTS (256U << 10)
/* Time one peer's requests may hold the loop before the next peer's turn. */
#define SLICE_NS 500000ULL
#define WORK_NS 2000000ULL

struct ctl_conn {
	struct ev_handler h;
	struct peer peer;     /* who, and whether root or an admin */
	bool dead, drop;      /* closed; to be closed after the request in hand */
	struct turn turn;     /* waiting to handle the rest of a datagram */
	uint32_t events;      /* epoll interest now */
	struct ctl_conn *next;
	struct ctl_conn_hook *hooks;
	/* the unhandled rest of the last datagram (nothing more is read until it is done) */
	char *in;
	size_t in_len, in_off;
	struct sendq out;
};

struct ctl_reply {
	struct ctl_conn *conn;
	char buf[NETIF_NL_MAX_MSG];
	size_t len;
	size_t start;  /* where this request's answer begins (earlier ones wait to be sent) */
	uint32_t seq;
	bool dump;
	int fds[SENDQ_MAX_FDS];
	int nfds;
};

static struct {
	struct ev_handler h;
	struct turns work;
	const struct ctl_cmd *cmds;
	size_t ncmds;
	void *ctx;
	char path[108];
	struct ctl_conn *conns;
	size_t user_queued;   /* bytes queued for unprivileged peers */
	bool listening;
} srv = { .h = { .fd = -1 }, .work = { .h = { .fd = -1 } } };

static void conn_close(struct ctl_conn *c);
static void conn_rearm(struct ctl_conn *c);

/* ---- output ------------------------------------------------------------ */

/* How much more may be queued for c. */
static size_t queue_room(const struct ctl_conn *c, size_t cap)
{
	size_t users_left;

	if (c->peer.root)
		return c->out.bytes < cap ? cap - c->out.bytes : 0;
	cap = cap < QUEUE_USER ? cap : QUEUE_USER;
	users_left = srv.user_queued < QUEUE_USERS ? QUEUE_USERS - srv.user_queued : 0;
	if (c->out.bytes >= cap)
		return 0;
	return cap - c->out.bytes < users_left ? cap - c->out.bytes : users_left;
}

/* Send or queue one datagram for c; the peer is dropped if it failed or overflowed. */
static int conn_send(struct ctl_conn *c, const void *buf, size_t len, const int *fds, int nfds,
		     size_t cap, bool advisory)
{
	size_t before = c->out.bytes;
	int err;

	if (c->dead || c->drop) {
		while (nfds--)
			close(fds[nfds]);
		return -ENOTCONN;
	}
	err = sendq_send(&c->out, c->h.fd, buf, len, fds, nfds, queue_room(c, cap));
	if (!c->peer.root)
		srv.user_queued += c->out.bytes - before;
	if (err == -ENOBUFS && advisory)
		return err;
	if (err) {
		pr_info("control: dropping pid %d uid %u: %s", c->peer.cred.pid, c->peer.cred.uid,
			err == -ENOBUFS ? "it does not read its replies (queue budget exceeded)"
					: strerror(-err));
		c->drop = true;
		turns_add(&srv.work, &c->turn); /* closed on its next turn, never under a handler */
	} else if (!sendq_empty(&c->out) && !(c->events & EPOLLOUT)) {
		conn_rearm(c);
	}
	return err;
}

static int reply_send(struct ctl_reply *r)
{
	int err;

	if (!r->len && !r->nfds)
		return 0;
	err = conn_send(r->conn, r->buf, r->len, r->fds, r->nfds,
			r->conn->peer.root ? QUEUE_ROOT : QUEUE_USER, false);
	r->nfds = 0;
	r->len = 0;
	r->start = 0;
	return err;
}

struct nlmsghdr *ctl_reply_begin(struct ctl_reply *r, uint8_t cmd)
{
	/* every reply message we build stays well below 8 KiB */
	if (sizeof(r->buf) - r->len < 8192)
		reply_send(r);
	return netif_msg_start(r->buf + r->len, cmd, r->dump ? NLM_F_MULTI : 0, r->seq);
}

void ctl_reply_end(struct ctl_reply *r, struct nlmsghdr *nlh)
{
	r->len += NLMSG_ALIGN(nlh->nlmsg_len);
}

int ctl_reply_add_fd(struct ctl_reply *r, int fd)
{
	if (fd < 0)
		return -EMFILE;
	if (r->nfds >= SENDQ_MAX_FDS) {
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

	/*
	 * A failed request carries no partial answer and no descriptors (the
	 * answers of the requests before it in its datagram stay).
	 */
	for (i = 0; i < r->nfds; i++)
		close(r->fds[i]);
	r->nfds = 0;
	r->len = r->start;
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

static bool may_mutate(const struct ctl_conn *c)
{
	return c->peer.root || c->peer.admin;
}

/*
 * One request. more: another follows in the same datagram; then a plain
 * answer (no descriptors) stays in the buffer and goes out with the next
 * ones: one datagram for a batch of requests rather than one each (a
 * batched flow load is bound by the datagrams, not by the flows).
 */
static void handle_request(struct ctl_conn *c, const struct nlmsghdr *nlh, struct ctl_reply *rep,
			   bool more)
{
	struct ctl_req r = { .ctx = srv.ctx, .conn = c, .cred = &c->peer.cred, .nlh = nlh, .rep = rep };
	const struct ctl_cmd *cmd = NULL;
	int err;

	rep->conn = c;
	rep->start = rep->len;
	rep->seq = nlh->nlmsg_seq;
	rep->dump = false;

	err = ctl_request_check(srv.cmds, srv.ncmds, may_mutate(c), &r, &cmd);
	if (err)
		goto error;
	rep->dump = cmd->dump || (nlh->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
	r.dump = rep->dump;
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
						nlh, 0, NULL);
	}
	if (!more || rep->nfds || sizeof(rep->buf) - rep->len < 8192)
		reply_send(rep);
	return;
error:
	pr_debug("control: pid %d cmd %d: %s (%s)", c->peer.cred.pid, netif_msg_cmd(nlh),
		 strerror(-err), r.ext.msg);
	reply_error(rep, nlh, err, &r.ext);
}

/* Answer what cannot be parsed as a message, echoing whatever header there is. */
static void reply_malformed(struct ctl_conn *c, const void *buf, size_t len, int err,
			    const char *why)
{
	static struct ctl_reply rep;
	struct nlmsghdr fake = { .nlmsg_type = NETIF_NL_TYPE };
	struct netif_extack ext = {};

	if (len >= sizeof(fake))
		memcpy(&fake, buf, sizeof(fake));
	rep.conn = c;
	rep.nfds = 0;
	netif_extack_set(&ext, "%s", why);
	reply_error(&rep, &fake, err, &ext);
}

/*
 * Handle c's pending requests, one after another, until they are done,
 * its replies back up (the rest waits until the peer reads), or the slice
 * is used up. buf is the datagram (c->in or the receive buffer).
 */
static size_t conn_process(struct ctl_conn *c, const char *buf, size_t len, size_t off,
			   uint64_t deadline)
{
	static struct ctl_reply rep; /* single-threaded: one reply buffer is enough */
	const struct nlmsghdr *nlh;
	int ret;

	while (!c->dead && !c->drop && sendq_empty(&c->out)) {
		size_t at = off;

		ret = netif_msg_next(buf, len, &off, &nlh);
		if (ret == 0)
			break;
		if (ret < 0) {
			reply_send(&rep); /* the answers so far go first */
			reply_malformed(c, buf + at, len - at, -EINVAL, "malformed netlink message");
			return len; /* the rest of the datagram cannot be framed */
		}
		handle_request(c, nlh, &rep, off < len);
		if (turns_now() >= deadline)
			break;
	}
	reply_send(&rep);
	return off;
}

static void set_events(struct ctl_conn *c, uint32_t ev)
{
	if (c->events != ev && loop_mod(&c->h, ev) == 0)
		c->events = ev;
}

/* Read more only once everything received is handled and answered. */
static void conn_rearm(struct ctl_conn *c)
{
	if (c->dead)
		return;
	if (!sendq_empty(&c->out))
		set_events(c, EPOLLOUT);
	else if (c->in)
		set_events(c, 0), turns_add(&srv.work, &c->turn);
	else
		set_events(c, EPOLLIN);
}

/* Keep what a slice left of a datagram for c's next turn. */
static void conn_keep(struct ctl_conn *c, const char *buf, size_t len, size_t off)
{
	char *rest;

	if (off >= len) {
		free(c->in);
		c->in = NULL;
		return;
	}
	if (buf == c->in) {
		c->in_off = off;
		return;
	}
	rest = malloc(len - off);
	if (!rest) {
		c->drop = true;
		return;
	}
	memcpy(rest, buf + off, len - off);
	c->in = rest;
	c->in_len = len - off;
	c->in_off = 0;
}

/* The end of c's turn: close it if it must go, else wait for what comes next. */
static void conn_settle(struct ctl_conn *c)
{
	if (c->drop)
		conn_close(c);
	else
		conn_rearm(c);
}

/* A turn of a peer with pending requests: a slice of them (or its closing). */
static void conn_turn(struct turn *t)
{
	struct ctl_conn *c = (struct ctl_conn *)((char *)t - offsetof(struct ctl_conn, turn));

	if (c->drop) {
		conn_close(c);
	} else if (!c->dead && c->in && sendq_empty(&c->out)) {
		size_t off = conn_process(c, c->in, c->in_len, c->in_off, turns_now() + SLICE_NS);

		conn_keep(c, c->in, c->in_len, off);
		conn_settle(c);
	}
}

static void conn_release(struct ev_handler *h)
{
	struct ctl_conn *c = (struct ctl_conn *)h;

	close(c->h.fd);
	free(c);
}

static void listener_arm(bool on);

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
	turns_remove(&srv.work, &c->turn);
	peers_gone(&c->peer);
	if (!c->peer.root)
		srv.user_queued -= c->out.bytes;
	sendq_clear(&c->out);
	free(c->in);
	c->in = NULL;
	/* hand back what the peer held; a hook may remove others, so take one at a time */
	while (c->hooks) {
		struct ctl_conn_hook *hk = c->hooks;

		c->hooks = hk->next;
		hk->next = NULL;
		hk->closed(hk);
	}
	loop_defer_free(&c->h, conn_release);
	if (!srv.listening && !peers_full())
		listener_arm(true);
}

/* Flush c's queue; once it is empty again, the hooks hear that the peer caught up. */
static void conn_output(struct ctl_conn *c)
{
	size_t before = c->out.bytes;
	int err = sendq_flush(&c->out, c->h.fd);
	struct ctl_conn_hook *h, *next;

	if (!c->peer.root)
		srv.user_queued -= before - c->out.bytes;
	if (err < 0) {
		c->drop = true;
		return;
	}
	if (!before || !sendq_empty(&c->out))
		return;
	for (h = c->hooks; h; h = next) {
		next = h->next;
		if (h->drained)
			h->drained(h);
	}
}

static void conn_input(struct ctl_conn *c)
{
	static char buf[NETIF_NL_MAX_MSG];
	ssize_t n;
	size_t off;

	n = recv(c->h.fd, buf, sizeof(buf), MSG_DONTWAIT | MSG_TRUNC);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		c->drop = true;
		return;
	}
	if ((size_t)n > sizeof(buf)) {
		reply_malformed(c, buf, sizeof(buf), -EMSGSIZE, "request larger than 65536 bytes");
		return;
	}
	off = conn_process(c, buf, n, 0, turns_now() + SLICE_NS);
	conn_keep(c, buf, n, off);
}

static void conn_event(struct ev_handler *h, uint32_t events)
{
	struct ctl_conn *c = (struct ctl_conn *)h;

	if (events & EPOLLOUT)
		conn_output(c);
	if ((events & EPOLLIN) && (c->events & EPOLLIN) && !c->drop)
		conn_input(c);
	else if (events & (EPOLLHUP | EPOLLERR))
		c->drop = true;
	conn_settle(c);
}

/* ---- accepting --------------------------------------------------------- */

static void listener_arm(bool on)
{
	if (srv.h.fd < 0 || loop_mod(&srv.h, on ? EPOLLIN : 0))
		return;
	if (srv.listening != on)
		pr_info("control: %s new connections (%u open)", on ? "accepting" : "not accepting",
			peers_count());
	srv.listening = on;
}

static void conn_new(int fd, const struct peer *p)
{
	struct ctl_conn *c = calloc(1, sizeof(*c));

	if (!c)
		goto refuse;
	c->h.fd = fd;
	c->h.fn = conn_event;
	c->peer = *p;
	c->events = EPOLLIN;
	sendq_init(&c->out);
	if (loop_add(&c->h, EPOLLIN)) {
		free(c);
		goto refuse;
	}
	c->next = srv.conns;
	srv.conns = c;
	pr_debug("control: connection from pid %d uid %u", p->cred.pid, p->cred.uid);
	return;
refuse:
	peers_gone(p);
	close(fd);
}

static void accept_event(struct ev_handler *h, uint32_t events)
{
	struct peer p;
	int i, fd, ret;

	for (i = 0; i < 16 && srv.listening; i++) {
		if (peers_full()) {
			listener_arm(false);
			return;
		}
		ret = peers_accept(h->fd, &fd, &p);
		if (ret > 0)
			conn_new(fd, &p);
		else if (ret == -EMFILE)
			listener_arm(false); /* nothing in reserve: until a connection closes */
		if (ret == 0 || ret == -EMFILE)
			return;
	}
}

/* ---- the rest of the interface ------------------------------------------ */

void ctl_conn_hook_add(struct ctl_conn *c, struct ctl_conn_hook *h)
{
	h->next = c->hooks;
	c->hooks = h;
}

void ctl_conn_hook_del(struct ctl_conn *c, struct ctl_conn_hook *h)
{
	struct ctl_conn_hook **pp;

	for (pp = &c->hooks; *pp; pp = &(*pp)->next) {
		if (*pp == h) {
			*pp = h->next;
			h->next = NULL;
			return;
		}
	}
}

int ctl_conn_send(struct ctl_conn *c, const struct nlmsghdr *nlh)
{
	if (c->dead || c->drop)
		return -ENOTCONN;
	return conn_send(c, nlh, nlh->nlmsg_len, NULL, 0, QUEUE_EVENTS, true);
}

int ctl_server_set_admin_group(const char *name)
{
	return peers_set_admin_group(name);
}

void ctl_server_tick(void)
{
	/* a listener stopped for want of descriptors tries again */
	peers_tick();
	if (!srv.listening && srv.h.fd >= 0 && !peers_full())
		listener_arm(true);
}

int ctl_server_open(const char *path, const struct ctl_cmd *table, size_t ncmds, void *ctx)
{
	int fd, err;

	fd = peers_listen(path);
	if (fd < 0)
		return fd;
	srv.h.fd = fd;
	srv.h.fn = accept_event;
	srv.cmds = table;
	srv.ncmds = ncmds;
	srv.ctx = ctx;
	snprintf(srv.path, sizeof(srv.path), "%s", path);
	peers_init();
	err = turns_init(&srv.work, conn_turn, WORK_NS);
	if (!err) {
		err = loop_add(&srv.h, EPOLLIN);
		if (err)
			turns_fini(&srv.work);
	}
	if (err) {
		peers_fini();
		srv.h.fd = -1;
		close(fd);
		unlink(path);
		return err;
	}
	srv.listening = true;
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
	turns_fini(&srv.work);
	peers_fini();
	srv.h.fd = -1;
	srv.listening = false;
}
