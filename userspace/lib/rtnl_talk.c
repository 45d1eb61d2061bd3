// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include "rtnl_talk.h"

struct talk_ctx {
	int (*cb)(const struct nlmsghdr *nlh, void *data);
	void *data;
	char *errmsg;
	size_t errlen;
	int err;
};

static int talk_data(const struct nlmsghdr *nlh, void *data)
{
	struct talk_ctx *tc = data;

	return tc->cb ? tc->cb(nlh, tc->data) : MNL_CB_OK;
}

static int talk_error(const struct nlmsghdr *nlh, void *data)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	struct talk_ctx *tc = data;
	const struct nlattr *a;
	size_t off = sizeof(*e);

	if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(*e)) {
		tc->err = -EBADMSG;
		return MNL_CB_ERROR;
	}
	tc->err = e->error;
	if (!e->error)
		return MNL_CB_STOP;
	if (tc->errmsg && (nlh->nlmsg_flags & NLM_F_ACK_TLVS)) {
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			off += e->msg.nlmsg_len - sizeof(e->msg);
		mnl_attr_for_each(a, nlh, off) {
			if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG &&
			    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
				snprintf(tc->errmsg, tc->errlen, "%s", mnl_attr_get_str(a));
		}
	}
	errno = -e->error;
	return MNL_CB_ERROR;
}

static int talk_done(const struct nlmsghdr *nlh, void *data)
{
	return MNL_CB_STOP;
}

int rtnl_talk(struct nlmsghdr *nlh, int (*cb)(const struct nlmsghdr *nlh, void *data), void *data,
	      char *errmsg, size_t errlen)
{
	static char buf[RTNL_BUF_SIZE];
	/* with a control array libmnl runs no defaults: NLMSG_DONE must be ours too */
	mnl_cb_t ctl[NLMSG_MIN_TYPE] = { [NLMSG_ERROR] = talk_error, [NLMSG_DONE] = talk_done };
	struct talk_ctx tc = { .cb = cb, .data = data, .errmsg = errmsg, .errlen = errlen };
	struct mnl_socket *nl;
	unsigned int portid;
	int one = 1, ret, err = 0;

	if (errmsg && errlen)
		errmsg[0] = '\0';
	nl = mnl_socket_open(NETLINK_ROUTE);
	if (!nl)
		return -errno;
	mnl_socket_setsockopt(nl, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl, NETLINK_CAP_ACK, &one, sizeof(one));
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		err = -errno;
		goto out;
	}
	portid = mnl_socket_get_portid(nl);
	nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = time(NULL);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		err = -errno;
		goto out;
	}
	for (;;) {
		ret = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (ret < 0) {
			err = -errno;
			break;
		}
		ret = mnl_cb_run2(buf, ret, nlh->nlmsg_seq, portid, talk_data, &tc, ctl,
				  NLMSG_MIN_TYPE);
		if (ret == MNL_CB_STOP)
			break;
		if (ret < 0) {
			err = tc.err < 0 ? tc.err : -errno;
			break;
		}
	}
out:
	mnl_socket_close(nl);
	return err;
}
