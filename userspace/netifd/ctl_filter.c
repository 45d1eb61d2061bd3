// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Protocol room of the filter chain: FILTER_ADD (built-ins), FILTER_DEL,
 * FILTER_GET, and FILTER_OPEN, which joins an external filter process to
 * the chain through a channel.
 */
#include <errno.h>
#include <string.h>
#include "channel.h"
#include "ctl.h"
#include "exception.h"
#include "filter.h"
#include "txn.h"

static const char *fa_str(const struct nlattr **tb, int type)
{
	return tb[type] ? mnl_attr_get_str(tb[type]) : "";
}

static int filter_nest(struct ctl_req *r, struct netif **nif, uint64_t required,
		       const struct nlattr **tb)
{
	return ctl_req_netif(r, nif) ?:
	       ctl_nest(r, r->tb[NETIF_A_FILTER], netif_filter_policy, NETIF_FIA_MAX, required, tb);
}

/*
 * Root may have a capture written anywhere (the file checks of capture.c
 * still apply); other peers allowed to mutate (the admin group) only
 * directly inside the capture directory: a root-owned file of their
 * naming elsewhere, holding packet bytes they can send, would be a way
 * to root (a crontab, a sudoers drop-in).
 */
static int capture_path_allowed(struct ctl_req *r, const char *kind, const char *path)
{
	const char *dir = ctl_agent(r)->capture_dir, *name;
	size_t n = strlen(dir);

	if (r->cred->uid == 0 || strcmp(kind, "pcap"))
		return 0;
	name = path + n + 1;
	if (!dir[0] || strncmp(path, dir, n) || path[n] != '/' || !name[0] || strchr(name, '/') ||
	    !strcmp(name, ".") || !strcmp(name, "..")) {
		netif_extack_set(&r->ext, "captures of peers other than root go directly into %s",
				 dir[0] ? dir : "the capture directory (none set)");
		return -EPERM;
	}
	return 0;
}

static int h_filter_add(struct ctl_req *r)
{
	const struct nlattr *tb[NETIF_FIA_MAX + 1];
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	struct netif *nif;
	struct txn t;
	uint32_t id;
	uint8_t dirs;
	int err;

	err = filter_nest(r, &nif, A(NETIF_FIA_KIND), tb) ?:
	      capture_path_allowed(r, mnl_attr_get_str(tb[NETIF_FIA_KIND]), fa_str(tb, NETIF_FIA_ARG));
	if (err)
		return err;
	dirs = tb[NETIF_FIA_DIR] ? mnl_attr_get_u8(tb[NETIF_FIA_DIR])
				 : NETIF_FILTER_DIR_RX | NETIF_FILTER_DIR_TX;
	txn_init(&t);
	err = exception_filter_add(nif, filter_kind_parse(mnl_attr_get_str(tb[NETIF_FIA_KIND])),
				   fa_str(tb, NETIF_FIA_ARG), dirs, &t, &id, &r->ext) ?:
	      exception_sync(nif, &t, &r->ext);
	if (err) {
		txn_abort(&t);
		return err;
	}
	txn_commit(&t);
	nlh = ctl_reply_begin(r->rep, NETIF_CMD_FILTER_ADD);
	mnl_attr_put_strz(nlh, NETIF_A_IFNAME, nif->ifname);
	nest = mnl_attr_nest_start(nlh, NETIF_A_FILTER);
	mnl_attr_put_u32(nlh, NETIF_FIA_ID, id);
	mnl_attr_nest_end(nlh, nest);
	ctl_reply_end(r->rep, nlh);
	return 0;
}

static int h_filter_del(struct ctl_req *r)
{
	const struct nlattr *tb[NETIF_FIA_MAX + 1];
	struct netif *nif;

	return filter_nest(r, &nif, A(NETIF_FIA_ID), tb) ?:
	       exception_filter_del(nif, mnl_attr_get_u32(tb[NETIF_FIA_ID]), &r->ext) ?:
	       exception_sync(nif, NULL, &r->ext);
}

static void put_filter(struct ctl_req *r, struct netif *nif, const struct filter *f)
{
	struct nlmsghdr *nlh = ctl_reply_begin(r->rep, NETIF_CMD_FILTER_GET);
	struct nlattr *nest;

	mnl_attr_put_strz(nlh, NETIF_A_IFNAME, nif->ifname);
	nest = mnl_attr_nest_start(nlh, NETIF_A_FILTER);
	mnl_attr_put_u32(nlh, NETIF_FIA_ID, f->id);
	mnl_attr_put_strz(nlh, NETIF_FIA_KIND, filter_kind_name(f->kind));
	if (f->arg[0])
		mnl_attr_put_strz(nlh, f->kind == NETIF_FILTER_EXTERNAL ? NETIF_FIA_NAME : NETIF_FIA_ARG,
				  f->arg);
	mnl_attr_put_u8(nlh, NETIF_FIA_DIR, f->dirs);
	mnl_attr_put_u64(nlh, NETIF_FIA_PACKETS, f->packets);
	mnl_attr_put_u64(nlh, NETIF_FIA_DROPS, f->drops);
	mnl_attr_nest_end(nlh, nest);
	ctl_reply_end(r->rep, nlh);
}

static int h_filter_get(struct ctl_req *r)
{
	const struct filter *f;
	struct netif *nif;
	int err;

	err = ctl_req_netif(r, &nif);
	if (err)
		return err;
	for (f = exception_filters(nif); f; f = f->next)
		put_filter(r, nif, f);
	return 0;
}

static int open_filter(struct netif *nif, const struct chan_params *p, struct chan_owner *owner,
		       const void *name, struct txn *t, struct chan **out, struct netif_extack *ext)
{
	return exception_filter_open(nif, name, p, owner, t, out, ext);
}

static int h_filter_open(struct ctl_req *r)
{
	const struct nlattr *tb[NETIF_FIA_MAX + 1];
	struct chan_params p;
	struct netif *nif;

	return filter_nest(r, &nif, A(NETIF_FIA_NAME), tb) ?: ctl_chan_params(r, nif, &p) ?:
	       ctl_chan_open(r, nif, &p, open_filter, mnl_attr_get_str(tb[NETIF_FIA_NAME]));
}

static const struct ctl_row rows[] = {
	{ NETIF_CMD_FILTER_ADD, { h_filter_add, .priv = true, .allowed = A(NETIF_A_IFNAME) | A(NETIF_A_FILTER),
				  .required = A(NETIF_A_IFNAME) | A(NETIF_A_FILTER) } },
	{ NETIF_CMD_FILTER_DEL, { h_filter_del, .priv = true, .allowed = A(NETIF_A_IFNAME) | A(NETIF_A_FILTER),
				  .required = A(NETIF_A_IFNAME) | A(NETIF_A_FILTER) } },
	{ NETIF_CMD_FILTER_GET, { h_filter_get, .dump = true, .allowed = A(NETIF_A_IFNAME),
				  .required = A(NETIF_A_IFNAME) } },
	{ NETIF_CMD_FILTER_OPEN, { h_filter_open, .priv = true,
				   .allowed = A(NETIF_A_IFNAME) | A(NETIF_A_FILTER) | A(NETIF_A_CHANNEL),
				   .required = A(NETIF_A_IFNAME) | A(NETIF_A_FILTER) } },
};

const struct ctl_rows ctl_filter_rows = { rows, ARRAY_SIZE(rows) };
