// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The control protocol codec: attribute validation against the policies,
 * ext-ack errors, and the client talking to a real SOCK_SEQPACKET peer
 * (replies, acks, errors, dumps, sequence checks, descriptor passing).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include "unit.h"
#include "netif_client.h"

/* ---- attribute validation ----------------------------------------------- */

struct row {
	const char *name;
	void (*build)(struct nlmsghdr *nlh);
	int err;
	const char *msg; /* substring of the ext-ack message */
};

static void b_ok(struct nlmsghdr *nlh)
{
	mnl_attr_put_strz(nlh, NETIF_A_IFNAME, "eth0");
	mnl_attr_put_u32(nlh, NETIF_A_RX_SLOTS, 1024);
	mnl_attr_put(nlh, NETIF_A_LOW_LATENCY, 0, NULL);
}

static void b_unknown(struct nlmsghdr *nlh)
{
	mnl_attr_put_u32(nlh, NETIF_A_MAX + 1, 1);
}

static void b_zero_type(struct nlmsghdr *nlh)
{
	mnl_attr_put_u32(nlh, 0, 1);
}

static void b_duplicate(struct nlmsghdr *nlh)
{
	mnl_attr_put_strz(nlh, NETIF_A_IFNAME, "eth0");
	mnl_attr_put_strz(nlh, NETIF_A_IFNAME, "eth1");
}

static void b_short_u32(struct nlmsghdr *nlh)
{
	mnl_attr_put_u16(nlh, NETIF_A_RX_SLOTS, 5);
}

static void b_long_u8(struct nlmsghdr *nlh)
{
	mnl_attr_put_u32(nlh, NETIF_A_MODE, 1);
}

static void b_uuid_short(struct nlmsghdr *nlh)
{
	static const uint8_t u[8];

	mnl_attr_put(nlh, NETIF_A_UUID, sizeof(u), u);
}

static void b_string_no_nul(struct nlmsghdr *nlh)
{
	mnl_attr_put(nlh, NETIF_A_IFNAME, 4, "eth0");
}

static void b_string_too_long(struct nlmsghdr *nlh)
{
	mnl_attr_put_strz(nlh, NETIF_A_IFNAME, "a-name-longer-than-ifnamsiz");
}

static void b_string_empty(struct nlmsghdr *nlh)
{
	mnl_attr_put_strz(nlh, NETIF_A_IFNAME, "");
}

static void b_trailing(struct nlmsghdr *nlh)
{
	mnl_attr_put_strz(nlh, NETIF_A_IFNAME, "eth0");
	/* two bytes of junk after the last attribute, counted in the message */
	memset((char *)nlh + nlh->nlmsg_len, 0xee, 2);
	nlh->nlmsg_len += 2;
}

static void b_truncated(struct nlmsghdr *nlh)
{
	mnl_attr_put_u32(nlh, NETIF_A_RX_SLOTS, 1024);
	/* claim a longer attribute than the message holds */
	((struct nlattr *)((char *)nlh + NLMSG_HDRLEN + GENL_HDRLEN))->nla_len = 64;
}

static const struct row rows[] = {
	{ "valid attributes parse", b_ok, 0, NULL },
	{ "unknown attribute type", b_unknown, -EINVAL, "unknown attribute" },
	{ "attribute type 0", b_zero_type, -EINVAL, "unknown attribute" },
	{ "duplicate attribute", b_duplicate, -EINVAL, "duplicate" },
	{ "u32 with 2 bytes", b_short_u32, -EINVAL, "invalid length" },
	{ "u8 with 4 bytes", b_long_u8, -EINVAL, "invalid length" },
	{ "uuid with 8 bytes", b_uuid_short, -EINVAL, "invalid length" },
	{ "string without NUL", b_string_no_nul, -EINVAL, "invalid length" },
	{ "string too long", b_string_too_long, -EINVAL, "invalid length" },
	{ "empty string", b_string_empty, -EINVAL, "invalid length" },
	{ "trailing garbage", b_trailing, -EINVAL, "trailing" },
	{ "truncated attribute", b_truncated, -EINVAL, "truncated" },
};

static void test_parse(void **state)
{
	const struct row *r = *state;
	char buf[NETIF_NL_MAX_MSG] = {};
	const struct nlattr *tb[NETIF_A_MAX + 1];
	struct netif_extack ext = {};
	struct nlmsghdr *nlh = unit_msg(buf, NETIF_CMD_ATTACH);
	int err;

	r->build(nlh);
	err = netif_attr_parse(nlh, netif_policy, NETIF_A_MAX, tb, &ext);
	assert_int_equal(err, r->err);
	if (r->msg)
		assert_non_null(strstr(ext.msg, r->msg));
	if (!r->err) {
		assert_string_equal(mnl_attr_get_str(tb[NETIF_A_IFNAME]), "eth0");
		assert_int_equal(mnl_attr_get_u32(tb[NETIF_A_RX_SLOTS]), 1024);
		assert_non_null(tb[NETIF_A_LOW_LATENCY]);
		assert_null(tb[NETIF_A_UUID]);
	}
}

/* Nested sets, and the one attribute allowed to repeat (an llink's qsets). */
static void test_nested_and_multi(void **state)
{
	char buf[NETIF_NL_MAX_MSG] = {};
	const struct nlattr *tb[NETIF_A_MAX + 1], *lt[NETIF_LA_MAX + 1], *a;
	struct nlmsghdr *nlh = unit_msg(buf, NETIF_CMD_LLINK_ADD);
	struct nlattr *nest, *q;
	int i, qsets = 0;

	nest = mnl_attr_nest_start(nlh, NETIF_A_LLINK);
	mnl_attr_put_u64(nlh, NETIF_LA_LINK_ID, 7);
	for (i = 0; i < 3; i++) {
		q = mnl_attr_nest_start(nlh, NETIF_LA_QSET);
		mnl_attr_put_u32(nlh, NETIF_QA_TX_QUEUES, 1);
		mnl_attr_nest_end(nlh, q);
	}
	mnl_attr_nest_end(nlh, nest);
	assert_int_equal(netif_attr_parse(nlh, netif_policy, NETIF_A_MAX, tb, NULL), 0);
	assert_int_equal(netif_attr_parse_nested(tb[NETIF_A_LLINK], netif_llink_policy, NETIF_LA_MAX,
						 lt, NULL), 0);
	assert_int_equal(mnl_attr_get_u64(lt[NETIF_LA_LINK_ID]), 7);
	mnl_attr_for_each_nested(a, tb[NETIF_A_LLINK])
		qsets += mnl_attr_get_type(a) == NETIF_LA_QSET;
	assert_int_equal(qsets, 3);

	/* a duplicate link id inside the nest is still refused */
	memset(buf, 0, sizeof(buf));
	nlh = unit_msg(buf, NETIF_CMD_LLINK_ADD);
	nest = mnl_attr_nest_start(nlh, NETIF_A_LLINK);
	mnl_attr_put_u64(nlh, NETIF_LA_LINK_ID, 7);
	mnl_attr_put_u64(nlh, NETIF_LA_LINK_ID, 8);
	mnl_attr_nest_end(nlh, nest);
	assert_int_equal(netif_attr_parse(nlh, netif_policy, NETIF_A_MAX, tb, NULL), 0);
	assert_int_equal(netif_attr_parse_nested(tb[NETIF_A_LLINK], netif_llink_policy, NETIF_LA_MAX,
						 lt, NULL), -EINVAL);
}

static void test_msg_cmd(void **state)
{
	char buf[256] = {};
	struct nlmsghdr *nlh = unit_msg(buf, NETIF_CMD_FLOW_ADD);

	assert_int_equal(netif_msg_cmd(nlh), NETIF_CMD_FLOW_ADD);
	nlh->nlmsg_type = NLMSG_ERROR;
	assert_int_equal(netif_msg_cmd(nlh), -1);
	nlh->nlmsg_type = NETIF_NL_TYPE;
	nlh->nlmsg_len = NLMSG_HDRLEN;
	assert_int_equal(netif_msg_cmd(nlh), -1);
}

/* The error a server sends carries errno, the message and the bad attribute's offset. */
static void test_error_roundtrip(void **state)
{
	char req[512] = {}, out[NETIF_NL_MAX_MSG] = {}, msg[256];
	struct netif_extack ext = {};
	struct nlmsghdr *nlh = unit_msg(req, NETIF_CMD_ATTACH), *e;
	const struct nlattr *a;
	size_t len;
	bool offs = false;

	mnl_attr_put_strz(nlh, NETIF_A_IFNAME, "eth0");
	mnl_attr_put_u32(nlh, NETIF_A_RX_SLOTS, 3);
	netif_extack_set(&ext, "rx-slots %u must be a power of two", 3);
	ext.bad_attr = (const struct nlattr *)((char *)nlh + NLMSG_HDRLEN + GENL_HDRLEN +
					       MNL_ALIGN(MNL_ATTR_HDRLEN + 5));
	len = netif_msg_put_error(out, sizeof(out), nlh, -EINVAL, &ext);
	e = (struct nlmsghdr *)out;
	assert_int_equal(len, e->nlmsg_len);
	assert_int_equal(e->nlmsg_type, NLMSG_ERROR);
	assert_int_equal(e->nlmsg_seq, nlh->nlmsg_seq);
	assert_int_equal(netif_msg_parse_error(e, msg, sizeof(msg)), -EINVAL);
	assert_string_equal(msg, "rx-slots 3 must be a power of two");
	mnl_attr_for_each(a, e, sizeof(struct nlmsgerr)) {
		if (mnl_attr_get_type(a) == NLMSGERR_ATTR_OFFS) {
			assert_int_equal(mnl_attr_get_u32(a), (char *)ext.bad_attr - (char *)nlh);
			offs = true;
		}
	}
	assert_true(offs);

	/* an ack: error 0, no message */
	len = netif_msg_put_error(out, sizeof(out), nlh, 0, NULL);
	assert_true(len > 0);
	assert_int_equal(netif_msg_parse_error(e, msg, sizeof(msg)), 0);
	assert_string_equal(msg, "");
	/* no room for an error: nothing written */
	assert_int_equal(netif_msg_put_error(out, 16, nlh, -EINVAL, &ext), 0);
}

/* ---- client against a scripted peer ---------------------------------------- */

enum script {
	S_REPLY_ACK,   /* a data reply, then an ack */
	S_ERROR,       /* an error with an ext-ack message */
	S_DUMP,        /* three parts in two datagrams, then DONE */
	S_BAD_SEQ,     /* a reply with another sequence number */
	S_FDS,         /* a reply with two descriptors, then an ack */
	S_CLOSE,       /* hang up without answering */
};

struct peer {
	char path[108];
	int lfd;
	enum script script;
	pthread_t th;
};

static size_t put_reply(char *buf, const struct nlmsghdr *req, uint16_t flags, uint32_t value)
{
	struct nlmsghdr *nlh = netif_msg_start(buf, NETIF_CMD_GET, flags, req->nlmsg_seq);

	mnl_attr_put_u32(nlh, NETIF_A_IFINDEX, value);
	return nlh->nlmsg_len;
}

static void *peer_main(void *arg)
{
	struct peer *p = arg;
	char in[NETIF_NL_MAX_MSG], out[NETIF_NL_MAX_MSG] = {};
	const struct nlmsghdr *req = (const struct nlmsghdr *)in;
	struct netif_extack ext = {};
	struct nlmsghdr *done;
	size_t n = 0;
	int fd;

	fd = accept(p->lfd, NULL, NULL);
	if (fd < 0 || recv(fd, in, sizeof(in), 0) <= 0)
		goto out;
	switch (p->script) {
	case S_REPLY_ACK:
		n = put_reply(out, req, 0, 42);
		n += netif_msg_put_error(out + n, sizeof(out) - n, req, 0, NULL);
		send(fd, out, n, 0);
		break;
	case S_ERROR:
		netif_extack_set(&ext, "eth9 is not attached");
		n = netif_msg_put_error(out, sizeof(out), req, -ENXIO, &ext);
		send(fd, out, n, 0);
		break;
	case S_DUMP:
		n = put_reply(out, req, NLM_F_MULTI, 1);
		n += put_reply(out + n, req, NLM_F_MULTI, 2);
		send(fd, out, n, 0);
		n = put_reply(out, req, NLM_F_MULTI, 3);
		done = mnl_nlmsg_put_header(out + n);
		done->nlmsg_type = NLMSG_DONE;
		done->nlmsg_flags = NLM_F_MULTI;
		done->nlmsg_seq = req->nlmsg_seq;
		mnl_nlmsg_put_extra_header(done, sizeof(int));
		n += done->nlmsg_len;
		send(fd, out, n, 0);
		break;
	case S_BAD_SEQ: {
		struct nlmsghdr other = *req;

		other.nlmsg_seq++;
		n = put_reply(out, &other, 0, 42);
		send(fd, out, n, 0);
		break;
	}
	case S_FDS: {
		int fds[2] = { dup(0), dup(0) };
		union {
			char buf[CMSG_SPACE(sizeof(fds))];
			struct cmsghdr align;
		} cbuf = {};
		struct iovec iov = { .iov_base = out };
		struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf.buf,
				      .msg_controllen = sizeof(cbuf.buf) };
		struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);

		n = put_reply(out, req, 0, 42);
		n += netif_msg_put_error(out + n, sizeof(out) - n, req, 0, NULL);
		iov.iov_len = n;
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(fds));
		memcpy(CMSG_DATA(cm), fds, sizeof(fds));
		sendmsg(fd, &msg, 0);
		close(fds[0]);
		close(fds[1]);
		break;
	}
	case S_CLOSE:
		break;
	}
out:
	if (fd >= 0)
		close(fd);
	return NULL;
}

static struct peer *peer_start(enum script s)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct peer *p = calloc(1, sizeof(*p));

	snprintf(p->path, sizeof(p->path), "/tmp/netif-unit-%d-%d.sock", getpid(), s);
	strcpy(sun.sun_path, p->path);
	unlink(p->path);
	p->script = s;
	p->lfd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	assert_true(p->lfd >= 0);
	assert_int_equal(bind(p->lfd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	assert_int_equal(listen(p->lfd, 1), 0);
	pthread_create(&p->th, NULL, peer_main, p);
	return p;
}

static void peer_stop(struct peer *p)
{
	pthread_join(p->th, NULL);
	close(p->lfd);
	unlink(p->path);
	free(p);
}

static int collect(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[NETIF_A_MAX + 1];
	uint32_t *got = data;

	if (netif_attr_parse(nlh, netif_policy, NETIF_A_MAX, tb, NULL) || !tb[NETIF_A_IFINDEX])
		return MNL_CB_ERROR;
	got[++got[0]] = mnl_attr_get_u32(tb[NETIF_A_IFINDEX]);
	return MNL_CB_OK;
}

static int call(enum script s, struct netif_client *c, uint32_t *got)
{
	struct peer *p = peer_start(s);
	int err;

	assert_int_equal(netif_client_open(c, p->path), 0);
	netif_client_msg(c, NETIF_CMD_GET, s == S_DUMP ? NLM_F_DUMP : 0);
	err = netif_client_call(c, collect, got);
	peer_stop(p);
	return err;
}

static void test_client_reply_ack(void **state)
{
	static struct netif_client c;
	uint32_t got[8] = {};

	assert_int_equal(call(S_REPLY_ACK, &c, got), 0);
	assert_int_equal(got[0], 1);
	assert_int_equal(got[1], 42);
	netif_client_close(&c);
}

static void test_client_error(void **state)
{
	static struct netif_client c;
	uint32_t got[8] = {};

	assert_int_equal(call(S_ERROR, &c, got), -ENXIO);
	assert_string_equal(c.errmsg, "eth9 is not attached");
	netif_client_close(&c);
}

static void test_client_dump(void **state)
{
	static struct netif_client c;
	uint32_t got[8] = {};

	assert_int_equal(call(S_DUMP, &c, got), 0);
	assert_int_equal(got[0], 3);
	assert_int_equal(got[1], 1);
	assert_int_equal(got[3], 3);
	netif_client_close(&c);
}

static void test_client_bad_seq(void **state)
{
	static struct netif_client c;
	uint32_t got[8] = {};

	assert_true(call(S_BAD_SEQ, &c, got) < 0);
	assert_int_equal(got[0], 0);
	netif_client_close(&c);
}

static void test_client_fds(void **state)
{
	static struct netif_client c;
	uint32_t got[8] = {};

	assert_int_equal(call(S_FDS, &c, got), 0);
	assert_int_equal(c.nfds, 2);
	assert_true(c.fds[0] >= 0 && c.fds[1] >= 0);
	netif_client_close(&c);
	assert_int_equal(c.nfds, 0);
}

static void test_client_hangup(void **state)
{
	static struct netif_client c;
	uint32_t got[8] = {};

	assert_int_equal(call(S_CLOSE, &c, got), -ECONNRESET);
	netif_client_close(&c);
}

static void test_client_no_server(void **state)
{
	static struct netif_client c;

	assert_int_equal(netif_client_open(&c, "/tmp/netif-unit-nobody-here.sock"), -ENOENT);
	assert_non_null(strstr(c.errmsg, "cannot connect"));
}


/* ---- framing: every length against the bytes received ------------------------ */

struct frame_row {
	const char *name;
	uint32_t len1;     /* nlmsg_len of the first message (0: as built) */
	size_t bytes;      /* datagram size (0: the message, aligned) */
	bool second;       /* a second message follows */
	int want[3];       /* netif_msg_next() results in turn */
};

static const struct frame_row frame_rows[] = {
	{ "one message", 0, 0, false, { 1, 0 } },
	{ "two messages", 0, 0, true, { 1, 1, 0 } },
	{ "nlmsg_len 2^31 + 16 in 20 bytes (signed in mnl_nlmsg_ok)", 0x80000010u, 20, false, { -EBADMSG } },
	{ "nlmsg_len 2^32 - 16 (mnl_nlmsg_next steps 4 GiB)", 0xfffffff0u, 20, false, { -EBADMSG } },
	{ "nlmsg_len below the header", 8, 20, false, { -EBADMSG } },
	{ "nlmsg_len past the datagram", 64, 40, false, { -EBADMSG } },
	{ "a datagram shorter than a header", 0, 10, false, { -EBADMSG } },
	{ "the second message truncated", 0, 0, true, { 1, -EBADMSG } },
	{ "last message without padding", 21, 21, false, { 1, 0 } },
};

static void test_frame(void **state)
{
	const struct frame_row *r = *state;
	char buf[256] __attribute__((aligned(8))) = {};
	struct nlmsghdr *nlh = unit_msg(buf, NETIF_CMD_GET);
	const struct nlmsghdr *got;
	size_t len, off = 0;
	int i;

	len = NLMSG_ALIGN(nlh->nlmsg_len);
	if (r->second) {
		struct nlmsghdr *n2 = unit_msg(buf + len, NETIF_CMD_GET);

		mnl_attr_put_u32(n2, NETIF_A_IFINDEX, 1);
		len += NLMSG_ALIGN(n2->nlmsg_len);
		if (r->want[1] < 0)
			len -= 2; /* cut the second one short */
	}
	if (r->len1)
		nlh->nlmsg_len = r->len1;
	if (r->bytes)
		len = r->bytes;
	for (i = 0; i < 3; i++) {
		int ret = netif_msg_next(buf, len, &off, &got);

		assert_int_equal(ret, r->want[i]);
		if (ret <= 0)
			break;
		assert_true(off <= len);
		assert_true((const char *)got + got->nlmsg_len <= buf + len);
	}
}

/* A hostile server's replies: refused, never walked past what was received. */
static void test_client_hostile_replies(void **state)
{
	static struct netif_client c;
	char buf[512] __attribute__((aligned(8))) = {};
	struct nlmsghdr *nlh = netif_msg_start(buf, NETIF_CMD_GET, 0, 5);
	struct nlmsgerr *e;

	c.errmsg[0] = '\0';
	nlh->nlmsg_len = 0xfffffff0u;
	assert_int_equal(netif_client_dispatch(&c, buf, 20, 5, collect, (uint32_t[8]){}), -EPROTO);

	/* an error echoing a request whose claimed length runs far past the reply */
	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_flags = NLM_F_ACK_TLVS; /* not capped: the request is "echoed" */
	nlh->nlmsg_seq = 5;
	e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));
	e->error = -ENOENT;
	e->msg.nlmsg_len = 0x7ffffff0u;
	mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, "never read");
	assert_int_equal(netif_client_dispatch(&c, buf, nlh->nlmsg_len, 5, NULL, NULL), -ENOENT);
	assert_string_equal(c.errmsg, "");
	/* an attribute claiming more than the reply holds */
	e->msg.nlmsg_len = sizeof(e->msg);
	((struct nlattr *)((char *)nlh + NLMSG_HDRLEN + sizeof(*e)))->nla_len = 400;
	assert_int_equal(netif_client_dispatch(&c, buf, nlh->nlmsg_len, 5, NULL, NULL), -ENOENT);
	assert_string_equal(c.errmsg, "");
}

int main(void)
{
	const struct CMUnitTest client[] = {
		cmocka_unit_test(test_nested_and_multi),
		cmocka_unit_test(test_msg_cmd),
		cmocka_unit_test(test_error_roundtrip),
		cmocka_unit_test(test_client_reply_ack),
		cmocka_unit_test(test_client_error),
		cmocka_unit_test(test_client_dump),
		cmocka_unit_test(test_client_bad_seq),
		cmocka_unit_test(test_client_fds),
		cmocka_unit_test(test_client_hangup),
		cmocka_unit_test(test_client_no_server),
		cmocka_unit_test(test_client_hostile_replies),
	};
	int fails;

	fails = _cmocka_run_group_tests("attributes", UNIT_TESTS(rows, test_parse),
					sizeof(rows) / sizeof(rows[0]), NULL, NULL);
	fails += _cmocka_run_group_tests("framing", UNIT_TESTS(frame_rows, test_frame),
					 sizeof(frame_rows) / sizeof(frame_rows[0]), NULL, NULL);
	fails += cmocka_run_group_tests_name("codec", client, NULL, NULL);
	return fails ? 1 : 0;
}
