/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* netifctl internals: argument walking, output (text or JSON) and the connection. */
#ifndef NETIFCTL_H
#define NETIFCTL_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>
#include "netif_client.h"

struct cli {
	int argc;
	char **argv;
	bool json;
	const char *sock;
	struct netif_client *client; /* connected lazily */
	json_t *out;                 /* JSON array collecting this invocation's objects */
};

/* Argument walking */
const char *cli_peek(struct cli *c);
const char *cli_next(struct cli *c);
/* Next argument as the value of keyword kw; exits with a usage error if missing. */
const char *cli_value(struct cli *c, const char *kw);
bool cli_is(const char *arg, const char *word);

/* Parsers that print a clear message and return -EINVAL. */
int cli_u32(const char *kw, const char *s, uint32_t min, uint32_t max, uint32_t *out);
int cli_u64(const char *kw, const char *s, uint64_t min, uint64_t max, uint64_t *out);
int cli_rate(const char *kw, const char *s, uint64_t *out);
int cli_size(const char *kw, const char *s, uint64_t *out);
int cli_uuid(const char *s, uint8_t out[16]);
/* IPv4 or IPv6 address; *len is 4 or 16. */
int cli_addr(const char *kw, const char *s, uint8_t out[16], int *len);
const char *cli_fmt_addr(const void *a, int len, char *buf, size_t blen);
const char *cli_fmt_uuid(const uint8_t u[16], char *buf);

/* Errors */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print "Error: <errno text>: <ext-ack message>" and return err. */
int cli_report(struct cli *c, int err);

/* Connection */
struct netif_client *cli_client(struct cli *c);

/* Output: in JSON mode objects accumulate in c->out; in text mode they are printed. */
void cli_emit(struct cli *c, json_t *obj, void (*print_text)(json_t *obj));
/*
 * Send the request built in the client's buffer. Replies go through cb into
 * out (a JSON object or array, owned from here on), which is emitted with
 * print on success. cb, out and print may be NULL for a plain ack.
 */
int cli_call(struct cli *c, netif_reply_cb cb, json_t *out, void (*print_text)(json_t *obj));
/* The remaining arguments must be exactly "dev IF": put it in nlh. */
int cli_dev_only(struct cli *c, struct nlmsghdr *nlh);

/* Command groups: each returns 0 or -errno. */
int cmd_attach(struct cli *c);
int cmd_detach(struct cli *c);
int cmd_show(struct cli *c);
int cmd_set(struct cli *c);
int cmd_stats(struct cli *c);
int cmd_flow(struct cli *c);
int cmd_llink(struct cli *c);
int cmd_filter(struct cli *c);
int cmd_port(struct cli *c);

#endif
