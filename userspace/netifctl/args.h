/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Arguments: walking them, parsing values with clear messages, and
 * keyword tables. A command describes its keywords as rows (name, how the
 * value is parsed, which attribute it becomes, bounds) and cli_parse()
 * walks the arguments against them, with prefix matching (match.h),
 * required, repeated and duplicate keywords handled once for all commands.
 */
#ifndef NETIFCTL_ARGS_H
#define NETIFCTL_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <libmnl/libmnl.h>
#include "cli.h"
#include "match.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Argument walking */
const char *cli_peek(struct cli *c);
const char *cli_next(struct cli *c);

/* "Error: <message> (see netifctl -h)"; returns -EINVAL. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Value parsers: on bad input they print a message naming kw and return -EINVAL. */
int cli_u64(const char *kw, const char *s, uint64_t min, uint64_t max, uint64_t *out);
int cli_rate(const char *kw, const char *s, uint64_t *out);
int cli_size(const char *kw, const char *s, uint64_t *out);
int cli_uuid(const char *s, uint8_t out[16]);
/* IPv4 or IPv6 address; *len is 4 or 16. */
int cli_addr(const char *kw, const char *s, uint8_t out[16], int *len);

/* The same kinds of value for printing. */
const char *cli_fmt_addr(const void *a, int len, char *buf, size_t blen);
const char *cli_fmt_uuid(const uint8_t u[16], char *buf);

/*
 * Row of word in a table of rows starting with struct match_key; on no or
 * several matches print why ("flow add: unknown argument \"x\"", or the
 * candidates of an ambiguous prefix) and return -EINVAL, or -ENOENT
 * silently when quiet and no row matches.
 */
int cli_lookup(const char *what, const char *kind, const char *word, const void *rows,
	       size_t n, size_t stride, bool quiet);

/* ---- command tables --------------------------------------------------- */

struct cli_cmd {
	struct match_key key;
	int (*fn)(struct cli *c); /* NULL: the object's help */
};

#define CMD(n, f) { .key = { .name = (n) }, .fn = (f) }

/* Run the sub-command of obj named by the next argument. */
int cli_dispatch(struct cli *c, const char *obj, const struct cli_cmd *tab, size_t n);
#define CLI_DISPATCH(c, obj, tab) cli_dispatch(c, obj, tab, ARRAY_SIZE(tab))

/* ---- keyword tables --------------------------------------------------- */

struct cli_kw;

/* The request being built from one command's arguments. */
struct cli_args {
	const char *what;      /* "flow add", for messages */
	struct nlmsghdr *nlh;
	struct nlattr *nest;   /* open nest the command's attributes go in, if any */
	const char *dev;       /* IFNAME, put at the top level by cli_args_done() */
	uint64_t seen;         /* bit i: row i was given */
	bool stop_unknown;     /* a word no row names ends the walk (qset groups) */
	/* the command's own condition on a row, checked before its value is parsed */
	int (*check)(const struct cli_kw *kw, struct cli_args *a);
	void *priv;            /* the command's own state */
};

/* Parse one keyword: val is its value (NULL for KW_FLAG rows). Returns 0 or -EINVAL. */
typedef int (*cli_kw_fn)(struct cli *c, const struct cli_kw *kw, const char *val,
			 struct cli_args *a);

#define KW_FLAG  0x1 /* takes no value */
#define KW_REQ   0x2 /* must be given */
#define KW_MULTI 0x4 /* may be given more than once */

struct cli_kw {
	struct match_key key;
	cli_kw_fn fn;
	const char *meta;      /* the value in messages: "dev IF is required" */
	unsigned int flags;
	uint16_t attr;         /* attribute the value becomes */
	uint64_t min, max;     /* bounds of a number (a command's flag rows may keep a value here) */
	int need;              /* the command's own condition (e.g. a flow match type) */
};

/* A row: KW("rx-slots", kw_u32, .meta = "N", .attr = NETIF_A_RX_SLOTS, .max = UINT32_MAX) */
#define KW(n, f, ...) { .key = { .name = (n) }, .fn = (f), __VA_ARGS__ }
/* A row only its whole name selects (match.h) */
#define KW_EXACT(n, f, ...) { .key = { .name = (n), .flags = MATCH_EXACT }, .fn = (f), __VA_ARGS__ }

/* Walk the arguments against tab[0..n). Returns 0 or -EINVAL (after a message). */
int cli_parse(struct cli *c, const struct cli_kw *tab, size_t n, struct cli_args *a);
#define CLI_PARSE(c, tab, a) cli_parse(c, tab, ARRAY_SIZE(tab), a)
/* Close the nest, if any, and put the interface name. */
void cli_args_done(struct cli_args *a);

/* Row handlers shared by the commands: the value into kw->attr. */
int kw_dev(struct cli *c, const struct cli_kw *kw, const char *val, struct cli_args *a);
int kw_u16(struct cli *c, const struct cli_kw *kw, const char *val, struct cli_args *a);
int kw_u32(struct cli *c, const struct cli_kw *kw, const char *val, struct cli_args *a);
int kw_u64(struct cli *c, const struct cli_kw *kw, const char *val, struct cli_args *a);
int kw_rate(struct cli *c, const struct cli_kw *kw, const char *val, struct cli_args *a);
int kw_size(struct cli *c, const struct cli_kw *kw, const char *val, struct cli_args *a);
int kw_uuid(struct cli *c, const struct cli_kw *kw, const char *val, struct cli_args *a);
int kw_flag(struct cli *c, const struct cli_kw *kw, const char *val, struct cli_args *a);

/* The common "dev IF" row, and a table of only it. */
#define KW_DEV KW("dev", kw_dev, .meta = "IF", .flags = KW_REQ)
extern const struct cli_kw cli_dev_only[1];

#endif
