// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Protocol room of configuration files: CONFIG_APPLY takes a file in
 * chunks (a file of thousands of flows is bigger than a message), each at
 * its offset, kept for the connection until the last chunk, which applies
 * it (or, with DRY_RUN, only works out the changes) and answers with one
 * message per change; CONFIG_EXPORT answers with the running state as a
 * file, in chunks too. What a file means is the configuration room's
 * (configure.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "configure.h"
#include "ctl.h"
#include "nexus.h"

/* A file on its way up, one per connection. */
struct upload {
	struct ctl_conn_hook hook;
	struct ctl_conn *conn;
	char *buf;
	size_t len, cap;
	struct upload *next;
};

static struct upload *uploads;

static void upload_free(struct upload *u)
{
	struct upload **pp;

	for (pp = &uploads; *pp; pp = &(*pp)->next) {
		if (*pp == u) {
			*pp = u->next;
			break;
		}
	}
	free(u->buf);
	free(u);
}

static void upload_closed(struct ctl_conn_hook *h)
{
	upload_free((struct upload *)((char *)h - offsetof(struct upload, hook)));
}

static struct upload *upload_of(struct ctl_conn *c, bool create)
{
	struct upload *u;

	for (u = uploads; u; u = u->next)
		if (u->conn == c)
			return u;
	if (!create || !(u = calloc(1, sizeof(*u))))
		return NULL;
	u->conn = c;
	u->hook.closed = upload_closed;
	ctl_conn_hook_add(c, &u->hook);
	u->next = uploads;
	uploads = u;
	return u;
}

static void upload_done(struct upload *u)
{
	ctl_conn_hook_del(u->conn, &u->hook);
	upload_free(u);
}

/* Add the chunk at its offset: the file comes in order, from 0, and no bigger than allowed. */
static int take_chunk(struct ctl_req *r, struct upload *u, const struct nlattr **ct)
{
	uint64_t off = mnl_attr_get_u64(ct[NETIF_CFA_OFFSET]);
	const void *data = ct[NETIF_CFA_TEXT] ? mnl_attr_get_payload(ct[NETIF_CFA_TEXT]) : NULL;
	size_t n = ct[NETIF_CFA_TEXT] ? mnl_attr_get_payload_len(ct[NETIF_CFA_TEXT]) : 0;

	if (off == 0)
		u->len = 0;
	if (off != u->len) {
		netif_extack_set(&r->ext, "chunk at offset %llu, expected %zu (send the file again from 0)",
				 (unsigned long long)off, u->len);
		return -EINVAL;
	}
	if (u->len + n > NETIF_CONFIG_MAX_SIZE) {
		netif_extack_set(&r->ext, "configuration larger than %u bytes", NETIF_CONFIG_MAX_SIZE);
		return -EFBIG;
	}
	if (u->len + n > u->cap) {
		size_t cap = u->cap ? u->cap : 65536;
		char *grown;

		while (cap < u->len + n)
			cap *= 2;
		grown = realloc(u->buf, cap);
		if (!grown)
			return -ENOMEM;
		u->buf = grown;
		u->cap = cap;
	}
	if (n)
		memcpy(u->buf + u->len, data, n);
	u->len += n;
	return 0;
}

static int put_change(void *arg, const struct config_change *ch)
{
	struct ctl_req *r = arg;
	struct nlmsghdr *nlh = ctl_reply_begin(r->rep, NETIF_CMD_CONFIG_APPLY);
	struct nlattr *nest;

	if (ch->ifname)
		mnl_attr_put_strz(nlh, NETIF_A_IFNAME, ch->ifname);
	nest = mnl_attr_nest_start(nlh, NETIF_A_CHANGE);
	mnl_attr_put_u8(nlh, NETIF_CHA_OP, ch->op);
	mnl_attr_put_strz(nlh, NETIF_CHA_OBJECT, ch->object);
	if (ch->id[0])
		mnl_attr_put_strz(nlh, NETIF_CHA_ID, ch->id);
	if (ch->text[0])
		mnl_attr_put_strz(nlh, NETIF_CHA_TEXT, ch->text);
	mnl_attr_put_u32(nlh, NETIF_CHA_LINE, ch->line);
	mnl_attr_nest_end(nlh, nest);
	ctl_reply_end(r->rep, nlh);
	return 0;
}

static int apply(struct ctl_req *r, struct upload *u, const struct nlattr **ct)
{
	struct config_req req = {
		.file = ct[NETIF_CFA_NAME] ? mnl_attr_get_str(ct[NETIF_CFA_NAME]) : "(config)",
		.only = r->tb[NETIF_A_IFNAME] ? mnl_attr_get_str(r->tb[NETIF_A_IFNAME]) : NULL,
		.dry_run = ct[NETIF_CFA_DRY_RUN] != NULL,
		.report = put_change,
		.arg = r,
	};
	struct cfg_error ce;
	struct cfg c;
	int err;

	err = cfg_parse(u->buf, u->len, &c, &ce);
	if (err) {
		cfg_error_format(&ce, req.file, r->ext.msg, sizeof(r->ext.msg));
		return err;
	}
	req.cfg = &c;
	err = config_apply(ctl_agent(r), &req, &r->ext);
	cfg_free(&c);
	return err < 0 ? err : 0;
}

static int h_config_apply(struct ctl_req *r)
{
	const struct nlattr *ct[NETIF_CFA_MAX + 1];
	struct upload *u;
	int err;

	err = ctl_nest(r, r->tb[NETIF_A_CONFIG], netif_config_policy, NETIF_CFA_MAX,
		       A(NETIF_CFA_OFFSET), ct);
	if (err)
		return err;
	u = upload_of(r->conn, true);
	if (!u)
		return -ENOMEM;
	err = take_chunk(r, u, ct);
	if (!err && ct[NETIF_CFA_MORE])
		return 0;
	if (!err)
		err = apply(r, u, ct);
	upload_done(u);
	return err;
}

static int h_config_export(struct ctl_req *r)
{
	/* each reply message well below what ctl_reply_begin guarantees room for */
	const size_t chunk = 4096;
	const char *only = r->tb[NETIF_A_IFNAME] ? mnl_attr_get_str(r->tb[NETIF_A_IFNAME]) : NULL;
	struct cfg c;
	char *text;
	size_t len, off;
	int err;

	if (only && !nexus_find(ctl_agent(r), only)) {
		netif_extack_set(&r->ext, "%s is not attached", only);
		return -ENXIO;
	}
	err = config_export(ctl_agent(r), only, &c);
	if (err)
		return err;
	err = cfg_emit(&c, &text, &len);
	cfg_free(&c);
	if (err) {
		netif_extack_set(&r->ext, "cannot write the configuration: %s", strerror(-err));
		return err;
	}
	for (off = 0; off < len; off += chunk) {
		struct nlmsghdr *nlh = ctl_reply_begin(r->rep, NETIF_CMD_CONFIG_EXPORT);
		struct nlattr *nest = mnl_attr_nest_start(nlh, NETIF_A_CONFIG);

		mnl_attr_put_u64(nlh, NETIF_CFA_OFFSET, off);
		mnl_attr_put(nlh, NETIF_CFA_TEXT, len - off < chunk ? len - off : chunk, text + off);
		mnl_attr_nest_end(nlh, nest);
		ctl_reply_end(r->rep, nlh);
	}
	free(text);
	return 0;
}

static const struct ctl_row rows[] = {
	{ NETIF_CMD_CONFIG_APPLY, { h_config_apply, .priv = true,
				    .allowed = A(NETIF_A_IFNAME) | A(NETIF_A_CONFIG),
				    .required = A(NETIF_A_CONFIG) } },
	{ NETIF_CMD_CONFIG_EXPORT, { h_config_export, .dump = true, .allowed = A(NETIF_A_IFNAME) } },
};

const struct ctl_rows ctl_config_rows = { rows, ARRAY_SIZE(rows) };
