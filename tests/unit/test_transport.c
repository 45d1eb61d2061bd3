// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The control transport (userspace/netifd/control.c) against hostile
 * peers, in this process: the server runs netifd's loop with a table of
 * test commands, peers are threads that take other credentials for
 * themselves alone (raw setresuid/setgroups act on the calling thread).
 * A peer that never reads its replies is dropped once its queue passes the
 * budget while others are served, root's large answers are queued in
 * full, connections are capped per user, and the admin group may mutate.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include "unit.h"
#include "netif_client.h"
#include "userspace/netifd/control.h"
#include "userspace/netifd/loop.h"

#define BIG_REPLY (48U << 20) /* more than an unprivileged peer's budget (32 MiB) */

static char sock_path[108];

/* GET: a dump of BIG_REPLY bytes. SET (privileged): an ack. */
static int h_big(struct ctl_req *r)
{
	static const char blob[4000];
	size_t sent;

	for (sent = 0; sent < BIG_REPLY; sent += sizeof(blob)) {
		struct nlmsghdr *nlh = ctl_reply_begin(r->rep, NETIF_CMD_GET);

		mnl_attr_put(nlh, NETIF_A_UUID, sizeof(blob), blob);
		ctl_reply_end(r->rep, nlh);
	}
	return 0;
}

static int h_set(struct ctl_req *r)
{
	return 0;
}

static const struct ctl_cmd table[NETIF_CMD_MAX + 1] = {
	[NETIF_CMD_GET] = { h_big, .dump = true },
	[NETIF_CMD_SET] = { h_set, .priv = true },
};

/* Become uid/gid (with these supplementary groups) in this thread only. */
static int become(uid_t uid, gid_t gid, const gid_t *groups, size_t ngroups)
{
	if (syscall(SYS_setgroups, ngroups, groups) || syscall(SYS_setresgid, gid, gid, gid) ||
	    syscall(SYS_setresuid, uid, uid, uid))
		return -errno;
	return 0;
}

static int connect_to(void)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

	strcpy(sun.sun_path, sock_path);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0)
		return -1;
	return fd;
}

static int send_req(int fd, uint8_t cmd, uint16_t flags)
{
	char buf[64];
	struct nlmsghdr *nlh = netif_msg_start(buf, cmd, NLM_F_REQUEST | flags, 9);

	return send(fd, buf, nlh->nlmsg_len, 0) == (ssize_t)nlh->nlmsg_len ? 0 : -errno;
}

/* Read until EOF (or nothing comes for 10 s); the bytes read, and whether NLMSG_DONE came. */
static size_t drain(int fd, bool *done, bool *eof)
{
	static __thread char buf[NETIF_NL_MAX_MSG];
	struct timeval tmo = { .tv_sec = 10 }; /* a busy machine may build the dump slowly */
	size_t total = 0;
	ssize_t n;

	*done = *eof = false;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tmo, sizeof(tmo));
	while ((n = recv(fd, buf, sizeof(buf), 0)) > 0) {
		const struct nlmsghdr *nlh;
		size_t off = 0;

		total += n;
		while (netif_msg_next(buf, n, &off, &nlh) == 1)
			if (nlh->nlmsg_type == NLMSG_DONE)
				*done = true;
		if (*done)
			break;
	}
	*eof = n == 0 || (n < 0 && errno == ECONNRESET);
	return total;
}

struct peer {
	void *(*fn)(struct peer *p);
	volatile bool finished;
	/* results */
	size_t got;
	bool done, eof;
	int err, closed, accepted;
};

static void *thread_main(void *arg)
{
	struct peer *p = arg;

	p->fn(p);
	p->finished = true;
	return NULL;
}

static void tick(void *data)
{
	struct peer **ps = data;

	for (; *ps; ps++)
		if (!(*ps)->finished)
			return;
	loop_stop();
}

/* Serve until every peer thread is done. */
static void serve(struct peer **ps)
{
	pthread_t th[4];
	int i;

	for (i = 0; ps[i]; i++)
		assert_int_equal(pthread_create(&th[i], NULL, thread_main, ps[i]), 0);
	assert_int_equal(loop_run(10, tick, ps), 0);
	for (i = 0; ps[i]; i++)
		pthread_join(th[i], NULL);
}

/* An unprivileged peer asks for a huge dump and reads nothing for a second. */
static void *sleepy_user(struct peer *p)
{
	int fd;

	p->err = become(65534, 65534, NULL, 0);
	fd = p->err ? -1 : connect_to();
	if (fd < 0 || send_req(fd, NETIF_CMD_GET, NLM_F_DUMP)) {
		p->err = p->err ?: -EIO;
		return NULL;
	}
	sleep(1);
	p->got = drain(fd, &p->done, &p->eof);
	close(fd);
	return NULL;
}

/* Meanwhile root changes something and must be answered at once. */
static void *root_setter(struct peer *p)
{
	struct netif_client c;
	struct timespec t0, t1;

	usleep(300000); /* the sleepy peer's dump is being queued by now */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	p->err = netif_client_open(&c, sock_path);
	if (!p->err) {
		netif_client_msg(&c, NETIF_CMD_SET, 0);
		p->err = netif_client_call(&c, NULL, NULL);
		netif_client_close(&c);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	p->got = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	return NULL;
}

static void test_budget_drop(void **state)
{
	struct peer sleepy = { .fn = sleepy_user }, root = { .fn = root_setter };
	struct peer *ps[] = { &sleepy, &root, NULL };

	serve(ps);
	assert_int_equal(sleepy.err, 0);
	/* what fit the budget (32 MiB) came, then the connection was dropped */
	assert_false(sleepy.done);
	assert_true(sleepy.eof);
	assert_true(sleepy.got <= (33U << 20));
	assert_int_equal(root.err, 0);
	print_message("root answered in %zu ms next to the dropped peer\n", root.got);
}

/* Root reads a dump larger than any user budget: all of it arrives. */
static void *root_reader(struct peer *p)
{
	int fd = connect_to();

	if (fd < 0 || send_req(fd, NETIF_CMD_GET, NLM_F_DUMP)) {
		p->err = -EIO;
		return NULL;
	}
	p->got = drain(fd, &p->done, &p->eof);
	close(fd);
	return NULL;
}

static void test_root_big_dump(void **state)
{
	struct peer r = { .fn = root_reader };
	struct peer *ps[] = { &r, NULL };

	serve(ps);
	assert_int_equal(r.err, 0);
	assert_true(r.done);
	assert_true(r.got >= BIG_REPLY);
}

/* An unprivileged peer opens 20 connections: 16 stay, the rest are closed. */
static void *many_conns(struct peer *p)
{
	int fds[20], i;
	char c;

	p->err = become(65534, 65534, NULL, 0);
	for (i = 0; i < 20; i++) {
		fds[i] = p->err ? -1 : connect_to();
		p->accepted += fds[i] >= 0;
	}
	usleep(300000);
	for (i = 0; i < 20; i++) {
		struct timeval tmo = { .tv_usec = 100000 };

		if (fds[i] < 0)
			continue;
		setsockopt(fds[i], SOL_SOCKET, SO_RCVTIMEO, &tmo, sizeof(tmo));
		if (recv(fds[i], &c, 1, 0) == 0)
			p->closed++;
		close(fds[i]);
	}
	return NULL;
}

static void test_user_cap(void **state)
{
	struct peer p = { .fn = many_conns };
	struct peer *ps[] = { &p, NULL };

	serve(ps);
	assert_int_equal(p.err, 0);
	assert_int_equal(p.accepted, 20);
	assert_int_equal(p.closed, 4);
}

/* SET (privileged) as uid 1234 with this primary group and supplementary groups. */
struct setter {
	struct peer p;
	gid_t gid;
	gid_t groups[2];
	size_t ngroups;
};

static void *user_setter(struct peer *pp)
{
	struct setter *s = (struct setter *)pp;
	struct netif_client c;

	pp->err = become(1234, s->gid, s->groups, s->ngroups);
	if (pp->err)
		return NULL;
	pp->err = netif_client_open(&c, sock_path);
	if (!pp->err) {
		netif_client_msg(&c, NETIF_CMD_SET, 0);
		pp->err = netif_client_call(&c, NULL, NULL);
		netif_client_close(&c);
	}
	return NULL;
}

static int set_as(gid_t gid, const gid_t *groups, size_t n)
{
	struct setter s = { .p.fn = user_setter, .gid = gid, .ngroups = n };
	struct peer *ps[] = { &s.p, NULL };

	if (n)
		memcpy(s.groups, groups, n * sizeof(gid_t));
	serve(ps);
	return s.p.err;
}

static void test_admin_group(void **state)
{
	const gid_t nogroup = 65534, other = 4321;

	assert_int_equal(set_as(nogroup, NULL, 0), -EPERM);
	assert_int_equal(ctl_server_set_admin_group("nogroup"), 0);
	assert_int_equal(set_as(nogroup, NULL, 0), 0);               /* primary group */
	assert_int_equal(set_as(other, &nogroup, 1), 0);             /* supplementary */
	assert_int_equal(set_as(other, (gid_t[]){ 4322 }, 1), -EPERM); /* neither */
	assert_int_equal(ctl_server_set_admin_group("no-such-group-here"), -ENOENT);
	assert_int_equal(set_as(nogroup, NULL, 0), -EPERM);
	ctl_server_set_admin_group(NULL);
}

static int setup(void **state)
{
	snprintf(sock_path, sizeof(sock_path), "/tmp/netif-unit-transport-%d.sock", getpid());
	if (loop_init())
		return -1;
	return ctl_server_open(sock_path, table, NETIF_CMD_MAX + 1, NULL);
}

static int teardown(void **state)
{
	ctl_server_close();
	loop_fini();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_budget_drop),
		cmocka_unit_test(test_root_big_dump),
		cmocka_unit_test(test_user_cap),
		cmocka_unit_test(test_admin_group),
	};

	if (geteuid() != 0) {
		printf("1..0 # SKIP needs root (peers take other credentials)\n");
		return 0;
	}
	return cmocka_run_group_tests_name("control transport", tests, setup, teardown) ? 1 : 0;
}
