// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <uuid/uuid.h>
#include "netif/proto.h"
#include "args.h"
#include "units.h"
#include "usage.h"

const char *cli_peek(struct cli *c)
{
	return c->argc > 0 ? c->argv[0] : NULL;
}

const char *cli_next(struct cli *c)
{
	if (c->argc <= 0)
		return NULL;
	c->argc--;
	return *c->argv++;
}

int cli_usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("Error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (see netifctl -h)\n", stderr);
	return -EINVAL;
}

int cli_u64(const char *kw, const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	int err = netif_parse_u64(s, min, max, out);

	if (err == -ERANGE)
		return cli_usage_error("%s %s out of range [%llu, %llu]", kw, s,
				       (unsigned long long)min, (unsigned long long)max);
	if (err)
		return cli_usage_error("%s: \"%s\" is not a number", kw, s);
	return 0;
}

int cli_rate(const char *kw, const char *s, uint64_t *out)
{
	if (netif_parse_rate(s, out))
		return cli_usage_error("%s: \"%s\" is not a rate (e.g. 100mbit, 1gbit, 64kbps)", kw, s);
	return 0;
}

int cli_size(const char *kw, const char *s, uint64_t *out)
{
	if (netif_parse_size(s, out))
		return cli_usage_error("%s: \"%s\" is not a size (e.g. 1500, 64kb, 1mb)", kw, s);
	return 0;
}

int cli_uuid(const char *s, uint8_t out[16])
{
	if (uuid_parse(s, out))
		return cli_usage_error("\"%s\" is not a UUID", s);
	return 0;
}

int cli_addr(const char *kw, const char *s, uint8_t out[16], int *len)
{
	memset(out, 0, 16);
	if (inet_pton(AF_INET, s, out) == 1) {
		*len = 4;
		return 0;
	}
	if (inet_pton(AF_INET6, s, out) == 1) {
		*len = 16;
		return 0;
	}
	return cli_usage_error("%s: \"%s\" is not an IPv4 or IPv6 address", kw, s);
}

const char *cli_fmt_addr(const void *a, int len, char *buf, size_t blen)
{
	return inet_ntop(len == 4 ? AF_INET : AF_INET6, a, buf, blen);
}

const char *cli_fmt_uuid(const uint8_t u[16], char *buf)
{
	uuid_unparse(u, buf);
	return buf;
}

/* ---- lookup and dispatch ---------------------------------------------- */

int cli_lookup(const char *what, const char *kind, const char *word, const void *rows,
	       size_t n, size_t stride, bool quiet)
{
	struct match_result res;
	char cand[256] = "";
	size_t used = 0;
	int i = match_word(word, rows, n, stride, &res);

	if (i >= 0 || (i == -ENOENT && quiet))
		return i;
	if (i == -ENOENT)
		return cli_usage_error("%s%sunknown %s \"%s\"", what ? what : "", what ? ": " : "",
				       kind, word);
	for (int k = 0; k < res.ncand && used < sizeof(cand); k++)
		used += snprintf(cand + used, sizeof(cand) - used, "%s%s", k ? ", " : "",
				 res.cand[k]);
	return cli_usage_error("%s%s%s \"%s\" is ambiguous: %s", what ? what : "",
			       what ? ": " : "", kind, word, cand);
}

static void list_names(char *buf, size_t len, const struct cli_cmd *tab, size_t n)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && used < len; i++)
		used += snprintf(buf + used, len - used, "%s%s", i ? ", " : "", tab[i].key.name);
}

int cli_dispatch(struct cli *c, const char *obj, const struct cli_cmd *tab, size_t n)
{
	const char *word = cli_next(c);
	char names[256];
	int i;

	if (!word) {
		list_names(names, sizeof(names), tab, n);
		return cli_usage_error("%s needs a command: %s", obj, names);
	}
	i = cli_lookup(obj, "command", word, tab, n, sizeof(*tab), false);
	if (i < 0)
		return i;
	if (!tab[i].fn) {
		cli_help(stdout, obj);
		return 0;
	}
	return tab[i].fn(c);
}

/* ---- keyword tables --------------------------------------------------- */

#define CLI_ROW_ROOM 2048

static int check_required(const struct cli_kw *tab, size_t n, const struct cli_args *a)
{
	for (size_t i = 0; i < n; i++)
		if ((tab[i].flags & KW_REQ) && !(a->seen & (1ULL << i)))
			return cli_usage_error("%s: %s %s is required", a->what, tab[i].key.name,
					       tab[i].meta ? tab[i].meta : "");
	return 0;
}

int cli_parse(struct cli *c, const struct cli_kw *tab, size_t n, struct cli_args *a)
{
	const char *word, *val;
	int i, err;

	if (n > 64)
		return -E2BIG; /* a->seen has a bit per row */
	while ((word = cli_peek(c))) {
		/* no row adds more than this; the request buffer is fixed */
		if (a->nlh && a->nlh->nlmsg_len > NETIF_NL_MAX_MSG - CLI_ROW_ROOM)
			return cli_usage_error("%s: too many arguments", a->what);
		i = cli_lookup(a->what, "argument", word, tab, n, sizeof(*tab), a->stop_unknown);
		if (i == -ENOENT)
			break;
		if (i < 0)
			return i;
		cli_next(c);
		if ((a->seen & (1ULL << i)) && !(tab[i].flags & KW_MULTI))
			return cli_usage_error("%s: %s given twice", a->what, tab[i].key.name);
		a->seen |= 1ULL << i;
		if (a->check) {
			err = a->check(&tab[i], a);
			if (err)
				return err;
		}
		val = NULL;
		if (!(tab[i].flags & KW_FLAG)) {
			val = cli_next(c);
			if (!val)
				return cli_usage_error("%s: \"%s\" needs a value (%s)", a->what,
						       tab[i].key.name, tab[i].meta ? tab[i].meta : "");
		}
		err = tab[i].fn(c, &tab[i], val, a);
		if (err)
			return err;
	}
	return check_required(tab, n, a);
}

void cli_args_done(struct cli_args *a)
{
	if (a->nest)
		mnl_attr_nest_end(a->nlh, a->nest);
	a->nest = NULL;
	if (a->dev)
		mnl_attr_put_strz(a->nlh, NETIF_A_IFNAME, a->dev);
}

int kw_dev(struct cli *c, const struct cli_kw *kw, const char *val, struct cli_args *a)
{
	a->dev = val;
	return 0;
}

/* A number in [kw->min, kw->max] as an attribute of size bytes. */
static int put_number(const struct cli_kw *kw, const char *val, struct cli_args *a, size_t size)
{
	uint64_t v;
	int err = cli_u64(kw->key.name, val, kw->min, kw->max, &v);

	if (err)
		return err;
	if (size == sizeof(uint16_t))
		mnl_attr_put_u16(a->nlh, kw->attr, (uint16_t)v);
	else if (size == sizeof(uint32_t))
		mnl_attr_put_u32(a->nlh, kw->attr, (uint32_t)v);
	else
		mnl_attr_put_u64(a->nlh, kw->attr, v);
	return 0;
}

int kw_u16(struct cli *c, const struct cli_kw *kw, const char *val, struct cli_args *a)
{
	return put_number(kw, val, a, sizeof(uint16_t));
}

int kw_u32(struct cli *c, const struct cli_kw *kw, const char *val, struct cli_args *a)
{
	return put_number(kw, val, a, sizeof(uint32_t));
}

int kw_u64(struct cli *c, const struct cli_kw *kw, const char *val, struct cli_args *a)
{
	return put_number(kw, val, a, sizeof(uint64_t));
}

int kw_rate(struct cli *c, const struct cli_kw *kw, const char *val, struct cli_args *a)
{
	uint64_t v;
	int err = cli_rate(kw->key.name, val, &v);

	if (!err)
		mnl_attr_put_u64(a->nlh, kw->attr, v);
	return err;
}

int kw_size(struct cli *c, const struct cli_kw *kw, const char *val, struct cli_args *a)
{
	uint64_t v;
	int err = cli_size(kw->key.name, val, &v);

	if (!err)
		mnl_attr_put_u64(a->nlh, kw->attr, v);
	return err;
}

int kw_uuid(struct cli *c, const struct cli_kw *kw, const char *val, struct cli_args *a)
{
	uint8_t u[16];
	int err = cli_uuid(val, u);

	if (!err)
		mnl_attr_put(a->nlh, kw->attr, sizeof(u), u);
	return err;
}

int kw_flag(struct cli *c, const struct cli_kw *kw, const char *val, struct cli_args *a)
{
	mnl_attr_put(a->nlh, kw->attr, 0, NULL);
	return 0;
}

const struct cli_kw cli_dev_only[1] = { KW_DEV };
