// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* netifctl: configure and inspect netifd, iproute2 style. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uuid/uuid.h>
#include "netif/proto.h"
#include "netifctl.h"
#include "units.h"

static const char usage_text[] =
	"Usage: netifctl [-j] [-S SOCKET] [-batch FILE] COMMAND\n"
	"\n"
	"  attach dev IF [mode native|compat|auto] [rx-slots N] [tx-slots N]\n"
	"                [buf-size N] [max-flows N] [low-latency]\n"
	"  detach dev IF [uuid U]\n"
	"  show [dev IF]\n"
	"  set dev IF [default-action pass|drop|exception] [input-rate RATE [burst SIZE]]\n"
	"             [shape RATE] [unknown-vlan default|pass|drop]\n"
	"  stats show dev IF\n"
	"  flow add dev IF [dir in|out] [llink ID] MATCH ACTION [rate RATE [burst SIZE]]\n"
	"                  [shape RATE] [qset-hint ID] [uuid U]\n"
	"       MATCH  := ethertype T | ula local ADDR6 remote ADDR6 |\n"
	"                 tuple proto tcp|udp|icmp|icmpv6|N [src ADDR] [dst ADDR]\n"
	"                       [sport N] [dport N] [type N] [code N]\n"
	"       ACTION := action pass | drop | exception | port N | redirect dev IF2\n"
	"  flow del dev IF uuid U\n"
	"  flow show dev IF [uuid U]\n"
	"  llink add dev IF id LINKID [vlan VID] QSET [QSET ...]\n"
	"       QSET := qset [default] [wmm] [aqm] [low-latency] rx N tx N\n"
	"               [rx-base N] [tx-base N] [rate RATE [burst SIZE]] [shape RATE]\n"
	"  llink del dev IF id LINKID\n"
	"  llink show dev IF\n"
	"  filter add dev IF pcap FILE | count | drop MATCH-EXPR\n"
	"  filter del dev IF id N\n"
	"  filter show dev IF\n"
	"  port show dev IF\n"
	"\n"
	"  RATE: 8bit..400gbit, tc units (kbit, mbit, gbit, bps, kbps, mbps ...)\n"
	"  SIZE: bytes, tc units (kb, mb, gb, kbit ...)\n"
	"\n"
	"  -j          JSON output\n"
	"  -S SOCKET   netifd control socket (default " NETIF_DEFAULT_SOCKET ")\n"
	"  -batch FILE read commands from FILE (- for stdin), one per line; stops at the\n"
	"              first failure\n";

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

bool cli_is(const char *arg, const char *word)
{
	return arg && strcmp(arg, word) == 0;
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

const char *cli_value(struct cli *c, const char *kw)
{
	const char *v = cli_next(c);

	if (!v) {
		cli_usage_error("\"%s\" needs a value", kw);
		exit(1);
	}
	return v;
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

int cli_u32(const char *kw, const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	uint64_t v;
	int err = cli_u64(kw, s, min, max, &v);

	if (!err)
		*out = (uint32_t)v;
	return err;
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

int cli_report(struct cli *c, int err)
{
	const char *msg = c->client ? c->client->errmsg : "";

	if (msg && msg[0])
		fprintf(stderr, "Error: %s: %s\n", strerror(-err), msg);
	else
		fprintf(stderr, "Error: %s\n", strerror(-err));
	return err;
}

struct netif_client *cli_client(struct cli *c)
{
	static struct netif_client client;
	int err;

	if (c->client)
		return c->client;
	err = netif_client_open(&client, c->sock);
	if (err) {
		fprintf(stderr, "Error: cannot connect to netifd at %s: %s\n", c->sock,
			strerror(-err));
		exit(1);
	}
	c->client = &client;
	return c->client;
}

void cli_emit(struct cli *c, json_t *obj, void (*print_text)(json_t *obj))
{
	if (c->json) {
		json_array_append_new(c->out, obj);
		return;
	}
	print_text(obj);
	json_decref(obj);
}

int cli_call(struct cli *c, netif_reply_cb cb, json_t *out, void (*print_text)(json_t *obj))
{
	int err = netif_client_call(c->client, cb, out);

	if (err) {
		json_decref(out);
		return cli_report(c, err);
	}
	if (out)
		cli_emit(c, out, print_text);
	return 0;
}

int cli_dev_only(struct cli *c, struct nlmsghdr *nlh)
{
	const char *dev = NULL, *arg;

	while ((arg = cli_next(c))) {
		if (cli_is(arg, "dev"))
			dev = cli_value(c, arg);
		else
			return cli_usage_error("unknown argument \"%s\"", arg);
	}
	if (!dev)
		return cli_usage_error("dev IF is required");
	mnl_attr_put_strz(nlh, NETIF_A_IFNAME, dev);
	return 0;
}

static const struct {
	const char *name;
	int (*fn)(struct cli *c);
} commands[] = {
	{ "attach", cmd_attach }, { "detach", cmd_detach }, { "show", cmd_show },
	{ "set", cmd_set },       { "stats", cmd_stats },   { "flow", cmd_flow },
	{ "llink", cmd_llink },   { "filter", cmd_filter }, { "port", cmd_port },
};

static int run(struct cli *c)
{
	const char *cmd = cli_next(c);
	size_t i;

	if (!cmd)
		return cli_usage_error("no command");
	if (cli_is(cmd, "help")) {
		fputs(usage_text, stdout);
		return 0;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(commands[i].name, cmd) == 0)
			return commands[i].fn(c);
	return cli_usage_error("unknown command \"%s\"", cmd);
}

/* Split a batch line into words (whitespace; no quoting, as ip -batch without it). */
static int split(char *line, char **argv, int max)
{
	int n = 0;
	char *tok, *save = NULL;

	for (tok = strtok_r(line, " \t\r\n", &save); tok; tok = strtok_r(NULL, " \t\r\n", &save)) {
		if (tok[0] == '#')
			break;
		if (n == max)
			return -1;
		argv[n++] = tok;
	}
	return n;
}

static int run_batch(struct cli *c, const char *file)
{
	FILE *f = strcmp(file, "-") ? fopen(file, "r") : stdin;
	char *line = NULL, *argv[128];
	size_t cap = 0;
	int lineno = 0, err = 0, n;

	if (!f) {
		fprintf(stderr, "Error: cannot open %s: %s\n", file, strerror(errno));
		return -errno;
	}
	while (getline(&line, &cap, f) > 0) {
		lineno++;
		n = split(line, argv, 128);
		if (n == 0)
			continue;
		if (n < 0) {
			fprintf(stderr, "Error: %s:%d: too many words\n", file, lineno);
			err = -E2BIG;
			break;
		}
		c->argc = n;
		c->argv = argv;
		err = run(c);
		if (err) {
			fprintf(stderr, "Command failed %s:%d\n", file, lineno);
			break;
		}
	}
	free(line);
	if (f != stdin)
		fclose(f);
	return err;
}

int main(int argc, char **argv)
{
	struct cli c = { .sock = NETIF_DEFAULT_SOCKET };
	const char *batch = NULL;
	int err;

	argc--;
	argv++;
	while (argc > 0 && argv[0][0] == '-' && argv[0][1]) {
		if (!strcmp(argv[0], "-j") || !strcmp(argv[0], "-json")) {
			c.json = true;
		} else if (!strcmp(argv[0], "-S") && argc > 1) {
			c.sock = argv[1];
			argc--;
			argv++;
		} else if ((!strcmp(argv[0], "-batch") || !strcmp(argv[0], "-b")) && argc > 1) {
			batch = argv[1];
			argc--;
			argv++;
		} else if (!strcmp(argv[0], "-h") || !strcmp(argv[0], "--help") ||
			   !strcmp(argv[0], "-help")) {
			fputs(usage_text, stdout);
			return 0;
		} else {
			fprintf(stderr, "Error: unknown option %s\n%s", argv[0], usage_text);
			return 2;
		}
		argc--;
		argv++;
	}
	if (c.json)
		c.out = json_array();
	if (batch) {
		if (argc) {
			fprintf(stderr, "Error: -batch takes no command\n");
			return 2;
		}
		err = run_batch(&c, batch);
	} else {
		if (!argc) {
			fputs(usage_text, stderr);
			return 2;
		}
		c.argc = argc;
		c.argv = argv;
		err = run(&c);
	}
	if (c.json) {
		if (!err)
			json_dumpf(json_array_size(c.out) == 1 ? json_array_get(c.out, 0) : c.out,
				   stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		if (!err)
			putchar('\n');
		json_decref(c.out);
	}
	if (c.client)
		netif_client_close(c.client);
	return err ? 1 : 0;
}
