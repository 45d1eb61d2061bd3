// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include "qdisc.h"
#include "rtnl_talk.h"

static struct nlmsghdr *tc_msg(char *buf, uint16_t type, uint16_t flags, int ifindex,
			       uint32_t handle, uint32_t parent)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct tcmsg *tcm;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	tcm = mnl_nlmsg_put_extra_header(nlh, sizeof(*tcm));
	tcm->tcm_family = AF_UNSPEC;
	tcm->tcm_ifindex = ifindex;
	tcm->tcm_handle = handle;
	tcm->tcm_parent = parent;
	return nlh;
}

static int attr_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;

	if (mnl_attr_type_valid(a, TCA_MAX) > 0)
		tb[mnl_attr_get_type(a)] = a;
	return MNL_CB_OK;
}

struct root_ctx {
	int ifindex;
	struct qdisc_info *qi;
};

static int root_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct tcmsg *tcm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[TCA_MAX + 1] = {};
	struct root_ctx *rc = data;

	if (nlh->nlmsg_type != RTM_NEWQDISC || tcm->tcm_ifindex != rc->ifindex ||
	    tcm->tcm_parent != TC_H_ROOT)
		return MNL_CB_OK;
	mnl_attr_parse(nlh, sizeof(*tcm), attr_cb, tb);
	rc->qi->present = true;
	rc->qi->handle = tcm->tcm_handle;
	if (tb[TCA_KIND] && mnl_attr_validate(tb[TCA_KIND], MNL_TYPE_NUL_STRING) == 0)
		snprintf(rc->qi->kind, sizeof(rc->qi->kind), "%s", mnl_attr_get_str(tb[TCA_KIND]));
	return MNL_CB_OK;
}

int qdisc_root_get(int ifindex, struct qdisc_info *qi)
{
	char buf[RTNL_BUF_SIZE] = {};
	struct root_ctx rc = { .ifindex = ifindex, .qi = qi };
	struct nlmsghdr *nlh = tc_msg(buf, RTM_GETQDISC, NLM_F_DUMP, ifindex, 0, 0);

	memset(qi, 0, sizeof(*qi));
	return rtnl_talk(nlh, root_cb, &rc, NULL, 0);
}

bool qdisc_root_is_default(const struct qdisc_info *qi)
{
	/* qdiscs the kernel attaches by itself carry handle 0 */
	return !qi->present || qi->handle == 0;
}

int qdisc_htb_create(int ifindex, uint32_t handle, uint16_t default_minor, char *err, size_t errlen)
{
	char buf[RTNL_BUF_SIZE] = {};
	struct tc_htb_glob glob = {
		.version = 3,
		.rate2quantum = 10,
		.defcls = default_minor,
	};
	struct nlmsghdr *nlh = tc_msg(buf, RTM_NEWQDISC, NLM_F_CREATE | NLM_F_EXCL, ifindex,
				      handle, TC_H_ROOT);
	struct nlattr *opts;

	mnl_attr_put_strz(nlh, TCA_KIND, "htb");
	opts = mnl_attr_nest_start(nlh, TCA_OPTIONS);
	mnl_attr_put(nlh, TCA_HTB_INIT, sizeof(glob), &glob);
	mnl_attr_nest_end(nlh, opts);
	return rtnl_talk(nlh, NULL, NULL, err, errlen);
}

int qdisc_root_delete(int ifindex, uint32_t handle)
{
	char buf[RTNL_BUF_SIZE] = {};
	struct nlmsghdr *nlh = tc_msg(buf, RTM_DELQDISC, 0, ifindex, handle, TC_H_ROOT);

	return rtnl_talk(nlh, NULL, NULL, NULL, 0);
}

/*
 * HTB wants its burst as transmission time in 64 ns ticks: one millisecond
 * of rate or two full frames, whichever is larger (what tc computes from
 * HZ). Larger packets (GSO) still pass: HTB lets the credit go negative and
 * the average rate holds.
 */
static uint32_t htb_buffer_ticks(uint64_t bytes_per_sec, uint32_t mtu)
{
	uint64_t burst = bytes_per_sec / 1000;
	unsigned __int128 ns;

	if (burst < 2ULL * (mtu + 14))
		burst = 2ULL * (mtu + 14);
	ns = (unsigned __int128)burst * 1000000000ULL / bytes_per_sec;
	ns >>= 6;
	return ns > 0xffffffffULL ? 0xffffffffU : (uint32_t)ns;
}

int qdisc_htb_class_set(int ifindex, uint32_t classid, uint32_t parent, uint64_t rate_bps,
			uint32_t mtu, bool create, char *err, size_t errlen)
{
	char buf[RTNL_BUF_SIZE] = {};
	uint64_t bytes = rate_bps / 8 ? rate_bps / 8 : 1;
	struct tc_htb_opt opt = {};
	struct nlmsghdr *nlh;
	struct nlattr *opts;
	uint64_t quantum;

	opt.rate.rate = bytes > 0xffffffffULL ? 0xffffffffU : (uint32_t)bytes;
	opt.rate.linklayer = TC_LINKLAYER_ETHERNET;
	opt.ceil = opt.rate;
	opt.buffer = htb_buffer_ticks(bytes, mtu);
	opt.cbuffer = opt.buffer;
	quantum = bytes / 10;
	if (quantum < (uint64_t)mtu + 14)
		quantum = mtu + 14;
	if (quantum > 200000)
		quantum = 200000;
	opt.quantum = quantum;

	nlh = tc_msg(buf, RTM_NEWTCLASS, create ? NLM_F_CREATE | NLM_F_EXCL : 0, ifindex, classid,
		     parent);
	mnl_attr_put_strz(nlh, TCA_KIND, "htb");
	opts = mnl_attr_nest_start(nlh, TCA_OPTIONS);
	mnl_attr_put(nlh, TCA_HTB_PARMS, sizeof(opt), &opt);
	mnl_attr_put_u64(nlh, TCA_HTB_RATE64, bytes);
	mnl_attr_put_u64(nlh, TCA_HTB_CEIL64, bytes);
	mnl_attr_nest_end(nlh, opts);
	return rtnl_talk(nlh, NULL, NULL, err, errlen);
}

int qdisc_class_delete(int ifindex, uint32_t classid)
{
	char buf[RTNL_BUF_SIZE] = {};
	struct nlmsghdr *nlh = tc_msg(buf, RTM_DELTCLASS, 0, ifindex, classid, 0);

	return rtnl_talk(nlh, NULL, NULL, NULL, 0);
}

struct dump_ctx {
	int ifindex;
	void (*cb)(const struct htb_class *c, void *data);
	void *data;
};

static int htb_opt_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;

	if (mnl_attr_type_valid(a, TCA_HTB_MAX) > 0)
		tb[mnl_attr_get_type(a)] = a;
	return MNL_CB_OK;
}

static int class_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct tcmsg *tcm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[TCA_MAX + 1] = {}, *ht[TCA_HTB_MAX + 1] = {};
	struct dump_ctx *dc = data;
	struct htb_class c = {};

	if (nlh->nlmsg_type != RTM_NEWTCLASS || tcm->tcm_ifindex != dc->ifindex)
		return MNL_CB_OK;
	mnl_attr_parse(nlh, sizeof(*tcm), attr_cb, tb);
	if (!tb[TCA_KIND] || mnl_attr_validate(tb[TCA_KIND], MNL_TYPE_NUL_STRING) ||
	    strcmp(mnl_attr_get_str(tb[TCA_KIND]), "htb") || !tb[TCA_OPTIONS])
		return MNL_CB_OK;
	mnl_attr_parse_nested(tb[TCA_OPTIONS], htb_opt_cb, ht);
	c.classid = tcm->tcm_handle;
	c.parent = tcm->tcm_parent;
	if (ht[TCA_HTB_RATE64] && mnl_attr_get_payload_len(ht[TCA_HTB_RATE64]) == 8)
		c.rate_bps = mnl_attr_get_u64(ht[TCA_HTB_RATE64]) * 8;
	else if (ht[TCA_HTB_PARMS] && mnl_attr_get_payload_len(ht[TCA_HTB_PARMS]) >= sizeof(struct tc_htb_opt))
		c.rate_bps = (uint64_t)((const struct tc_htb_opt *)mnl_attr_get_payload(ht[TCA_HTB_PARMS]))->rate.rate * 8;
	dc->cb(&c, dc->data);
	return MNL_CB_OK;
}

int qdisc_htb_class_dump(int ifindex, void (*cb)(const struct htb_class *c, void *data), void *data)
{
	char buf[RTNL_BUF_SIZE] = {};
	struct dump_ctx dc = { .ifindex = ifindex, .cb = cb, .data = data };
	struct nlmsghdr *nlh = tc_msg(buf, RTM_GETTCLASS, NLM_F_DUMP, ifindex, 0, 0);

	return rtnl_talk(nlh, class_cb, &dc, NULL, 0);
}

struct count_ctx {
	int ifindex;
	int n;
};

static int filter_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct tcmsg *tcm = mnl_nlmsg_get_payload(nlh);
	struct count_ctx *cc = data;

	/* the dump lists one chain entry per protocol/priority plus one per filter */
	if (nlh->nlmsg_type == RTM_NEWTFILTER && tcm->tcm_ifindex == cc->ifindex && tcm->tcm_handle)
		cc->n++;
	return MNL_CB_OK;
}

int qdisc_filter_count(int ifindex, uint32_t parent)
{
	char buf[RTNL_BUF_SIZE] = {};
	struct count_ctx cc = { .ifindex = ifindex };
	struct nlmsghdr *nlh = tc_msg(buf, RTM_GETTFILTER, NLM_F_DUMP, ifindex, 0, parent);
	int err = rtnl_talk(nlh, filter_cb, &cc, NULL, 0);

	return err ? err : cc.n;
}

struct name_ctx {
	int ifindex;
	uint32_t handle, prio;
	char *name;
	size_t len;
	bool found;
};

static int bpf_opt_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;

	if (mnl_attr_type_valid(a, TCA_BPF_MAX) > 0)
		tb[mnl_attr_get_type(a)] = a;
	return MNL_CB_OK;
}

static int name_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[TCA_MAX + 1] = {}, *opt[TCA_BPF_MAX + 1] = {};
	const struct tcmsg *tcm = mnl_nlmsg_get_payload(nlh);
	struct name_ctx *nc = data;

	if (nlh->nlmsg_type != RTM_NEWTFILTER || tcm->tcm_ifindex != nc->ifindex ||
	    tcm->tcm_handle != nc->handle || TC_H_MAJ(tcm->tcm_info) >> 16 != nc->prio)
		return MNL_CB_OK;
	mnl_attr_parse(nlh, sizeof(*tcm), attr_cb, tb);
	if (!tb[TCA_KIND] || strcmp(mnl_attr_get_str(tb[TCA_KIND]), "bpf") || !tb[TCA_OPTIONS])
		return MNL_CB_OK;
	mnl_attr_parse_nested(tb[TCA_OPTIONS], bpf_opt_cb, opt);
	if (opt[TCA_BPF_NAME] && mnl_attr_validate(opt[TCA_BPF_NAME], MNL_TYPE_NUL_STRING) == 0) {
		snprintf(nc->name, nc->len, "%s", mnl_attr_get_str(opt[TCA_BPF_NAME]));
		nc->found = true;
	}
	return MNL_CB_OK;
}

int qdisc_filter_bpf_name(int ifindex, uint32_t parent, uint32_t handle, uint32_t prio, char *name,
			  size_t len)
{
	char buf[RTNL_BUF_SIZE] = {};
	struct name_ctx nc = { .ifindex = ifindex, .handle = handle, .prio = prio, .name = name,
			       .len = len };
	struct nlmsghdr *nlh = tc_msg(buf, RTM_GETTFILTER, NLM_F_DUMP, ifindex, 0, parent);
	int err = rtnl_talk(nlh, name_cb, &nc, NULL, 0);

	if (err)
		return err;
	return nc.found ? 0 : -ENOENT;
}
