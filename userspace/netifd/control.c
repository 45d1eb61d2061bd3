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
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include "control.h"
#include "loop.h"
#include "log.h"
#include "sendq.h"

/* Connections of unprivileged peers: per user, and all of them together. */
#define CONNS_PER_USER 16
#define CONNS_USERS 128
/* Every connection (root's channels included), at most; fewer under a low fd limit. */
#define CONNS_MAX 4096
#define FD_HEADROOM 128
/* Replies waiting for a peer: an unprivileged one, all of those together, root. */
#define QUEUE_USER (32U << 20)
#define QUEUE_USERS (128U << 20)
#define QUEUE_ROOT (1U << 30)
/* Unsolicited events stop being queued beyond this (they are advisory). */
#define QUEUE_EVENTS (256U << 10)
/* Time one peer's requests may hold the loop before the next peer's turn. */
#define SLICE_NS 500000ULL
#define WORK_NS 2000000ULL
#define MAX_GROUPS 256

struct ctl_conn {
	struct ev_handler h;
	struct ucred cred;
	bool root;            /* uid 0: no per-user caps */
	bool admin;           /* may use privileged commands */
	bool dead, drop;      /* closed; to be closed after the request in hand */
	bool in_work;
	uint32_t events;      /* epoll interest now */
	struct ctl_conn *next, *work_next;
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
	uint32_t seq;
	bool dump;
	int fds[SENDQ_MAX_FDS];
	int nfds;
};

static struct {
	struct ev_handler h, work;
	const struct ctl_cmd *cmds;
	size_t ncmds;
	void *ctx;
	char path[108];
	struct ctl_conn *conns;
	struct ctl_conn *work_head, **work_tail;
	unsigned int nconns, nuser_conns, max_conns, nwork;
	size_t user_queued;   /* bytes queued for unprivileged peers */
	int reserve_fd;       /* given up to accept-and-close when out of descriptors */
	bool listening;
	bool admin_group;
	gid_t admin_gid;
} srv = { .h = { .fd = -1 }, .work = { .fd = -1 }, .reserve_fd = -1 };

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void conn_close(struct ctl_conn *c);
static void conn_rearm(struct ctl_conn *c);
static void work_add(struct ctl_conn *c);

/* ---- output ------------------------------------------------------------ */

/* How much more may be queued for c. */
static size_t queue_room(const struct ctl_conn *c, size_t cap)
{
	size_t users_left;

	if (c->root)
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
	if (!c->root)
		srv.user_queued += c->out.bytes - before;
	if (err == -ENOBUFS && advisory)
		return err;
	if (err) {
		pr_info("control: dropping pid %d uid %u: %s", c->cred.pid, c->cred.uid,
			err == -ENOBUFS ? "it does not read its replies (queue budget exceeded)"
					: strerror(-err));
		c->drop = true;
		work_add(c); /* closed on its next turn, never under a handler */
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
			r->conn->root ? QUEUE_ROOT : QUEUE_USER, false);
	r->nfds = 0;
	r->len = 0;
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

	/* a failed request carries no partial answer and no descriptors */
	for (i = 0; i < r->nfds; i++)
		close(r->fds[i]);
	r->nfds = 0;
	r->len = netif_msg_put_error(r->buf, sizeof(r->buf), req, err, ext);
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
	return c->root || c->admin;
}

/* The header checks and the command's row; 0 or -errno with r->ext set. */
static int request_check(struct ctl_req *r, const struct ctl_cmd **out)
{
	const struct nlmsghdr *nlh = r->nlh;
	const struct genlmsghdr *g;
	const struct ctl_cmd *cmd;
	int i, err;

	if (nlh->nlmsg_type != NETIF_NL_TYPE || !(nlh->nlmsg_flags & NLM_F_REQUEST)) {
		netif_extack_set(&r->ext, "not a netif request");
		return -EPROTO;
	}
	if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(*g)) {
		netif_extack_set(&r->ext, "message too short");
		return -EINVAL;
	}
	g = mnl_nlmsg_get_payload(nlh);
	if (g->version != NETIF_NL_VERSION) {
		netif_extack_set(&r->ext, "protocol version %u not supported (this netifd speaks %u)",
				 g->version, NETIF_NL_VERSION);
		return -EOPNOTSUPP;
	}
	if (g->cmd >= srv.ncmds || !srv.cmds[g->cmd].fn) {
		netif_extack_set(&r->ext, "unknown command %u", g->cmd);
		return -EOPNOTSUPP;
	}
	cmd = &srv.cmds[g->cmd];
	if (cmd->priv && !may_mutate(r->conn)) {
		if (srv.admin_group)
			netif_extack_set(&r->ext, "this command needs root or the admin group (peer uid %u)",
					 r->cred->uid);
		else
			netif_extack_set(&r->ext, "this command needs root (peer uid %u)", r->cred->uid);
		return -EPERM;
	}
	err = netif_attr_parse(nlh, netif_policy, NETIF_A_MAX, r->tb, &r->ext);
	if (err)
		return err;
	for (i = 1; i <= NETIF_A_MAX; i++) {
		if (r->tb[i] && !(cmd->allowed & NETIF_ATTR_BIT(i))) {
			netif_extack_set(&r->ext, "attribute \"%s\" is not valid for this command",
					 netif_policy[i].name);
			r->ext.bad_attr = r->tb[i];
			return -EINVAL;
		}
	}
	*out = cmd;
	return netif_attr_require(r->tb, netif_policy, NETIF_A_MAX, cmd->required, &r->ext);
}

static void handle_request(struct ctl_conn *c, const struct nlmsghdr *nlh, struct ctl_reply *rep)
{
	struct ctl_req r = { .ctx = srv.ctx, .conn = c, .cred = &c->cred, .nlh = nlh, .rep = rep };
	const struct ctl_cmd *cmd = NULL;
	int err;

	rep->conn = c;
	rep->len = 0;
	rep->nfds = 0;
	rep->seq = nlh->nlmsg_seq;
	rep->dump = false;

	err = request_check(&r, &cmd);
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
	reply_send(rep);
	return;
error:
	pr_debug("control: pid %d cmd %d: %s (%s)", c->cred.pid, netif_msg_cmd(nlh),
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
			reply_malformed(c, buf + at, len - at, -EINVAL, "malformed netlink message");
			return len; /* the rest of the datagram cannot be framed */
		}
		handle_request(c, nlh, &rep);
		if (mono_ns() >= deadline)
			break;
	}
	return off;
}

static void work_kick(void)
{
	uint64_t one = 1;

	if (write(srv.work.fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		pr_debug("control: cannot signal pending requests: %s", strerror(errno));
}

static void work_add(struct ctl_conn *c)
{
	if (c->in_work)
		return;
	c->in_work = true;
	c->work_next = NULL;
	srv.nwork++;
	if (!srv.work_head)
		work_kick();
	*srv.work_tail = c;
	srv.work_tail = &c->work_next;
}

static struct ctl_conn *work_pop(void)
{
	struct ctl_conn *c = srv.work_head;

	if (c) {
		srv.work_head = c->work_next;
		if (!srv.work_head)
			srv.work_tail = &srv.work_head;
		c->in_work = false;
		srv.nwork--;
	}
	return c;
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
		set_events(c, 0), work_add(c);
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

/* Pending requests of every peer, a slice each in turn, within the loop's share. */
static void work_event(struct ev_handler *h, uint32_t events)
{
	uint64_t start = mono_ns(), v;
	unsigned int turns = srv.nwork;
	struct ctl_conn *c;

	/* one pass at most: a peer put back at the end waits for the next loop round */
	while (turns-- && (c = work_pop())) {
		if (c->drop) {
			conn_close(c);
		} else if (!c->dead && c->in && sendq_empty(&c->out)) {
			size_t off = conn_process(c, c->in, c->in_len, c->in_off, mono_ns() + SLICE_NS);

			conn_keep(c, c->in, c->in_len, off);
			conn_settle(c);
		}
		if (mono_ns() - start >= WORK_NS)
			break;
	}
	if (!srv.work_head && read(h->fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		pr_debug("control: %s", strerror(errno));
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
	for (pp = &srv.work_head; *pp; pp = &(*pp)->work_next) {
		if (*pp == c) {
			*pp = c->work_next;
			if (!*pp)
				srv.work_tail = pp;
			srv.nwork--;
			break;
		}
	}
	srv.nconns--;
	if (!c->root) {
		srv.nuser_conns--;
		srv.user_queued -= c->out.bytes;
	}
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
	if (!srv.listening && srv.nconns < srv.max_conns)
		listener_arm(true);
}

static void conn_output(struct ctl_conn *c)
{
	size_t before = c->out.bytes;
	int err = sendq_flush(&c->out, c->h.fd);

	if (!c->root)
		srv.user_queued -= before - c->out.bytes;
	if (err < 0)
		c->drop = true;
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
	off = conn_process(c, buf, n, 0, mono_ns() + SLICE_NS);
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
			srv.nconns);
	srv.listening = on;
}

static void reserve_fd_open(void)
{
	if (srv.reserve_fd < 0)
		srv.reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
}

/* Out of descriptors: take the pending connection with the reserve one and close it. */
static void shed_connection(int lfd)
{
	int fd;

	if (srv.reserve_fd < 0) {
		/* nothing in reserve: stop listening until a connection closes */
		listener_arm(false);
		return;
	}
	close(srv.reserve_fd);
	srv.reserve_fd = -1;
	fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (fd >= 0)
		close(fd);
	reserve_fd_open();
	pr_warn("control: out of file descriptors; refused a connection");
}

static unsigned int conns_of(uid_t uid)
{
	const struct ctl_conn *c;
	unsigned int n = 0;

	for (c = srv.conns; c; c = c->next)
		n += c->cred.uid == uid;
	return n;
}

static bool in_admin_group(int fd, const struct ucred *cred)
{
	gid_t groups[MAX_GROUPS];
	socklen_t len = sizeof(groups);
	unsigned int i;

	if (!srv.admin_group)
		return false;
	if (cred->gid == srv.admin_gid)
		return true;
	/* the peer's supplementary groups as they were when it connected */
	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &len) < 0)
		return false;
	for (i = 0; i < len / sizeof(gid_t); i++)
		if (groups[i] == srv.admin_gid)
			return true;
	return false;
}

static void accept_one(int fd)
{
	socklen_t len = sizeof(struct ucred);
	struct ucred cred;
	struct ctl_conn *c;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
		goto refuse;
	if (cred.uid != 0 && (srv.nuser_conns >= CONNS_USERS || conns_of(cred.uid) >= CONNS_PER_USER)) {
		pr_debug("control: refusing pid %d uid %u: too many connections", cred.pid, cred.uid);
		goto refuse;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		goto refuse;
	c->h.fd = fd;
	c->h.fn = conn_event;
	c->cred = cred;
	c->root = cred.uid == 0;
	c->admin = in_admin_group(fd, &cred);
	c->events = EPOLLIN;
	sendq_init(&c->out);
	if (loop_add(&c->h, EPOLLIN)) {
		free(c);
		goto refuse;
	}
	c->next = srv.conns;
	srv.conns = c;
	srv.nconns++;
	srv.nuser_conns += !c->root;
	pr_debug("control: connection from pid %d uid %u", cred.pid, cred.uid);
	return;
refuse:
	close(fd);
}

static void accept_event(struct ev_handler *h, uint32_t events)
{
	int i, fd;

	for (i = 0; i < 16 && srv.listening; i++) {
		if (srv.nconns >= srv.max_conns) {
			listener_arm(false);
			return;
		}
		fd = accept4(h->fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (fd >= 0) {
			accept_one(fd);
			continue;
		}
		if (errno == EMFILE || errno == ENFILE)
			shed_connection(h->fd);
		else if (errno != ECONNABORTED && errno != EINTR)
			return; /* EAGAIN: nothing more pending */
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
	struct group *g = name ? getgrnam(name) : NULL;

	srv.admin_group = false;
	if (!name)
		return 0;
	if (!g)
		return -ENOENT;
	srv.admin_group = true;
	srv.admin_gid = g->gr_gid;
	return 0;
}

void ctl_server_tick(void)
{
	/* a listener stopped for want of descriptors tries again */
	reserve_fd_open();
	if (!srv.listening && srv.h.fd >= 0 && srv.nconns < srv.max_conns)
		listener_arm(true);
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

static unsigned int conn_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > CONNS_MAX + FD_HEADROOM)
		return CONNS_MAX;
	return rl.rlim_cur > 2 * FD_HEADROOM ? rl.rlim_cur - FD_HEADROOM : rl.rlim_cur / 2;
}

static int listen_on(const char *path)
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
	return fd;
}

int ctl_server_open(const char *path, const struct ctl_cmd *table, size_t ncmds, void *ctx)
{
	int fd, err;

	fd = listen_on(path);
	if (fd < 0)
		return fd;
	srv.work.fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (srv.work.fd < 0) {
		err = -errno;
		goto fail;
	}
	srv.work.fn = work_event;
	srv.work_head = NULL;
	srv.work_tail = &srv.work_head;
	srv.h.fd = fd;
	srv.h.fn = accept_event;
	srv.cmds = table;
	srv.ncmds = ncmds;
	srv.ctx = ctx;
	srv.max_conns = conn_limit();
	snprintf(srv.path, sizeof(srv.path), "%s", path);
	reserve_fd_open();
	err = loop_add(&srv.work, EPOLLIN);
	if (err)
		goto fail;
	err = loop_add(&srv.h, EPOLLIN);
	if (err) {
		loop_del(&srv.work);
		goto fail;
	}
	srv.listening = true;
	return 0;
fail:
	if (srv.work.fd >= 0)
		close(srv.work.fd);
	srv.work.fd = -1;
	srv.h.fd = -1;
	close(fd);
	unlink(path);
	return err;
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
	if (srv.work.fd >= 0) {
		loop_del(&srv.work);
		close(srv.work.fd);
	}
	if (srv.reserve_fd >= 0)
		close(srv.reserve_fd);
	srv.h.fd = srv.work.fd = srv.reserve_fd = -1;
	srv.listening = false;
}
