// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The parser of netifd.yaml(5) (config.h), over libyaml's event API: the
 * cursor over events, the scalars, and the walk of mappings whose keys are
 * table rows, each row parsing its value (the objects' rows are in
 * config_objs.c, the document in config_doc.c). Every error names where it is (line, column, and the path of
 * keys to it). Aliases are refused (they would let a small file expand
 * without bound), so is more than one document.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <arpa/inet.h>
#include <uuid/uuid.h>
#include <yaml.h>
#include "netif/maps.h"
#include "config.h"
#include "config_priv.h"
#include "names.h"
#include "units.h"

struct yp {
	yaml_parser_t parser;
	yaml_event_t ev;
	bool have;
	struct cfg_error *err;
	char path[96];
	size_t plen;
};

/* ---- errors and the path --------------------------------------------- */

static int fail_at(struct yp *p, const yaml_mark_t *m, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail_at(struct yp *p, const yaml_mark_t *m, const char *fmt, ...)
{
	va_list ap;

	if (p->err->msg[0])
		return -EINVAL; /* the first error is the one that counts */
	p->err->pos.line = m->line + 1;
	p->err->pos.col = m->column + 1;
	snprintf(p->err->path, sizeof(p->err->path), "%s", p->plen ? p->path : "");
	va_start(ap, fmt);
	vsnprintf(p->err->msg, sizeof(p->err->msg), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

#define fail(p, ...) fail_at(p, &(p)->ev.start_mark, __VA_ARGS__)

static size_t push(struct yp *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static size_t push(struct yp *p, const char *fmt, ...)
{
	size_t old = p->plen;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(p->path + p->plen, sizeof(p->path) - p->plen, fmt, ap);
	va_end(ap);
	if (n > 0)
		p->plen = p->plen + n < sizeof(p->path) ? p->plen + n : sizeof(p->path) - 1;
	return old;
}

static void pop(struct yp *p, size_t old)
{
	p->plen = old;
	p->path[old] = '\0';
}

static void pos_of(const struct yp *p, struct cfg_pos *pos)
{
	pos->line = p->ev.start_mark.line + 1;
	pos->col = p->ev.start_mark.column + 1;
}

/* ---- events ------------------------------------------------------------ */

static int next(struct yp *p)
{
	if (p->have)
		yaml_event_delete(&p->ev);
	p->have = false;
	if (!yaml_parser_parse(&p->parser, &p->ev)) {
		yaml_mark_t m = p->parser.problem_mark;

		return fail_at(p, &m, "not YAML: %s", p->parser.problem ? p->parser.problem : "?");
	}
	p->have = true;
	if (p->ev.type == YAML_ALIAS_EVENT)
		return fail(p, "aliases (*name) are not supported");
	return 0;
}

static bool is(const struct yp *p, yaml_event_type_t t)
{
	return p->ev.type == t;
}

static const char *what(const struct yp *p)
{
	switch (p->ev.type) {
	case YAML_MAPPING_START_EVENT:
		return "a mapping";
	case YAML_SEQUENCE_START_EVENT:
		return "a list";
	default:
		return "a value";
	}
}

/* ---- scalars ------------------------------------------------------------- */

static const char *scalar(struct yp *p)
{
	return is(p, YAML_SCALAR_EVENT) ? (const char *)p->ev.data.scalar.value : NULL;
}

static int want_scalar(struct yp *p, const char *kind)
{
	if (!is(p, YAML_SCALAR_EVENT))
		return fail(p, "expected %s, not %s", kind, what(p));
	if (!p->ev.data.scalar.length)
		return fail(p, "expected %s, not nothing", kind);
	return 0;
}

int cfgp_u64(struct yp *p, uint64_t min, uint64_t max, uint64_t *out)
{
	int err = want_scalar(p, "a number");

	if (err)
		return err;
	err = netif_parse_u64(scalar(p), min, max, out);
	if (err == -ERANGE)
		return fail(p, "%s out of range [%llu, %llu]", scalar(p), (unsigned long long)min,
			    (unsigned long long)max);
	if (err)
		return fail(p, "\"%s\" is not a number", scalar(p));
	return 0;
}

int cfgp_u32(struct yp *p, uint32_t min, uint32_t max, uint32_t *out)
{
	uint64_t v;
	int err = cfgp_u64(p, min, max, &v);

	if (!err)
		*out = v;
	return err;
}

int cfgp_bool(struct yp *p, bool *out)
{
	static const char *const yes[] = { "true", "yes", "on" }, *const no[] = { "false", "no", "off" };
	int err = want_scalar(p, "true or false");
	size_t i;

	if (err)
		return err;
	for (i = 0; i < 3; i++) {
		if (!strcasecmp(scalar(p), yes[i]) || !strcasecmp(scalar(p), no[i])) {
			*out = !strcasecmp(scalar(p), yes[i]);
			return 0;
		}
	}
	return fail(p, "\"%s\" is not true or false", scalar(p));
}

int cfgp_rate(struct yp *p, uint64_t *out)
{
	int err = want_scalar(p, "a rate");

	if (!err && netif_parse_rate(scalar(p), out))
		err = fail(p, "\"%s\" is not a rate (100mbit, 1gbit, 64kbps; bits/s)", scalar(p));
	if (!err && *out && (*out < NETIF_RATE_MIN || *out > NETIF_RATE_MAX))
		err = fail(p, "rate %s out of range [8bit, 400gbit] (0: no limit)", scalar(p));
	return err;
}

int cfgp_size(struct yp *p, uint64_t *out)
{
	int err = want_scalar(p, "a size");

	if (!err && netif_parse_size(scalar(p), out))
		err = fail(p, "\"%s\" is not a size (1500, 64kb, 1mb; bytes)", scalar(p));
	return err;
}

int cfgp_str(struct yp *p, char *buf, size_t len, const char *kind)
{
	int err = want_scalar(p, kind);

	if (err)
		return err;
	if (p->ev.data.scalar.length >= len || memchr(scalar(p), '\0', p->ev.data.scalar.length))
		return fail(p, "%s longer than %zu bytes", kind, len - 1);
	memcpy(buf, scalar(p), p->ev.data.scalar.length + 1);
	return 0;
}

/* An IPv4 or IPv6 address: *family 4 or 6. */
int cfgp_addr(struct yp *p, uint32_t out[4], uint8_t *family)
{
	int err = want_scalar(p, "an address");

	if (err)
		return err;
	memset(out, 0, 16);
	if (inet_pton(AF_INET, scalar(p), out) == 1)
		*family = 4;
	else if (inet_pton(AF_INET6, scalar(p), out) == 1)
		*family = 6;
	else
		return fail(p, "\"%s\" is not an IPv4 or IPv6 address", scalar(p));
	return 0;
}

int cfgp_uuid(struct yp *p, uint8_t out[16])
{
	int err = want_scalar(p, "a UUID");

	if (!err && uuid_parse(scalar(p), out))
		err = fail(p, "\"%s\" is not a UUID", scalar(p));
	if (!err && uuid_is_null(out))
		err = fail(p, "the null UUID is not a flow's");
	return err;
}

int cfgp_ifname(struct yp *p, char out[CFG_IFNAME_MAX], const char *kind)
{
	int err = cfgp_str(p, out, CFG_IFNAME_MAX, kind);

	if (!err && (!strcmp(out, ".") || !strcmp(out, "..") || strpbrk(out, "/: \t\n")))
		err = fail(p, "\"%s\" is not an interface name", out);
	return err;
}

/* ---- mappings and lists ----------------------------------------------- */

int cfgp_map(struct yp *p, const struct cfgp_key *keys, size_t n, void *obj,
	     struct cfg_pos *kpos, uint64_t *seen)
{
	const char *k;
	size_t i, old;
	int err;

	*seen = 0;
	if (!is(p, YAML_MAPPING_START_EVENT))
		return fail(p, "expected a mapping (key: value), not %s", what(p));
	for (;;) {
		err = next(p);
		if (err)
			return err;
		if (is(p, YAML_MAPPING_END_EVENT))
			return 0;
		k = scalar(p);
		if (!k)
			return fail(p, "a key must be a word, not %s", what(p));
		for (i = 0; i < n && strcmp(keys[i].name, k); i++)
			;
		old = push(p, p->plen ? ".%s" : "%s", k);
		if (i == n)
			return fail(p, "unknown key \"%s\"", k);
		if (*seen & (1ULL << keys[i].id))
			return fail(p, "\"%s\" given twice", k);
		*seen |= 1ULL << keys[i].id;
		if (kpos)
			pos_of(p, &kpos[keys[i].id]);
		err = next(p) ?: keys[i].fn(p, obj, keys[i].id);
		if (err)
			return err;
		pop(p, old);
	}
}

int cfgp_list(struct yp *p, int (*item)(struct yp *p, void *obj, unsigned int i), void *obj)
{
	unsigned int i;
	size_t old;
	int err;

	if (!is(p, YAML_SEQUENCE_START_EVENT))
		return fail(p, "expected a list (- item), not %s", what(p));
	for (i = 0;; i++) {
		err = next(p);
		if (err)
			return err;
		if (is(p, YAML_SEQUENCE_END_EVENT))
			return 0;
		old = push(p, "[%u]", i);
		err = item(p, obj, i);
		if (err)
			return err;
		pop(p, old);
	}
}

/* ---- the parser itself, for the document (config_doc.c) --------------- */

struct yp *cfgp_open(const char *text, size_t len, struct cfg_error *err)
{
	struct yp *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->err = err;
	if (!yaml_parser_initialize(&p->parser)) {
		free(p);
		return NULL;
	}
	yaml_parser_set_input_string(&p->parser, (const unsigned char *)text, len);
	return p;
}

void cfgp_close(struct yp *p)
{
	if (!p)
		return;
	if (p->have)
		yaml_event_delete(&p->ev);
	yaml_parser_delete(&p->parser);
	free(p);
}

int cfgp_next(struct yp *p)
{
	return next(p);
}

bool cfgp_is(const struct yp *p, yaml_event_type_t t)
{
	return is(p, t);
}

const char *cfgp_what(const struct yp *p)
{
	return what(p);
}

size_t cfgp_push(struct yp *p, const char *name)
{
	return push(p, ".%s", name);
}

void cfgp_pop(struct yp *p, size_t old)
{
	pop(p, old);
}

/* ---- for the object rows (config_priv.h) --------------------------------- */

int cfgp_fail(struct yp *p, const struct cfg_pos *pos, const char *path, const char *fmt, ...)
{
	va_list ap;

	if (p->err->msg[0])
		return -EINVAL;
	if (pos) {
		p->err->pos = *pos;
	} else {
		p->err->pos.line = p->ev.start_mark.line + 1;
		p->err->pos.col = p->ev.start_mark.column + 1;
	}
	snprintf(p->err->path, sizeof(p->err->path), "%s%s%s", p->plen ? p->path : "",
		 path && p->plen ? "." : "", path ? path : "");
	va_start(ap, fmt);
	vsnprintf(p->err->msg, sizeof(p->err->msg), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

void cfgp_here(struct yp *p, struct cfg_pos *pos)
{
	pos_of(p, pos);
}
