// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* netifctl: configure and inspect netifd, iproute2 style. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "netif/proto.h"
#include "args.h"
#include "call.h"
#include "commands.h"
#include "usage.h"

static const struct cli_cmd commands[] = {
	CMD("attach", cmd_attach), CMD("detach", cmd_detach), CMD("show", cmd_show),
	CMD("set", cmd_set),       CMD("stats", cmd_stats),   CMD("flow", cmd_flow),
	CMD("llink", cmd_llink),   CMD("filter", cmd_filter), CMD("port", cmd_port),
	CMD("monitor", cmd_monitor), CMD("apply", cmd_apply),   CMD("export", cmd_export),
	CMD("help", NULL),
};

/* One command: its output is written only if it succeeds. */
static int run(struct cli *c)
{
	int err = out_begin(&c->out);

	if (err)
		return err;
	if (c->argc == 0) {
		err = cli_usage_error("no command");
	} else {
		int i = cli_lookup(NULL, "command", cli_peek(c), commands, ARRAY_SIZE(commands),
				   sizeof(commands[0]), false);

		err = i;
		if (i >= 0) {
			cli_next(c);
			err = commands[i].fn ? commands[i].fn(c) : (cli_help(stdout, NULL), 0);
		}
	}
	if (out_end(&c->out, stdout, !err) && !err)
		err = -EINVAL;
	return err;
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
		err = -errno;
		fprintf(stderr, "Error: cannot open %s: %s\n", file, strerror(errno));
		return err;
	}
	while (getline(&line, &cap, f) > 0) {
		lineno++;
		n = split(line, argv, ARRAY_SIZE(argv));
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

struct opts {
	bool json, pretty;
	const char *batch;
};

enum opt { OPT_JSON, OPT_PRETTY, OPT_STATS, OPT_BATCH, OPT_HELP, OPT_SOCKET };

#define OPT(n, f, o) { .key = { .name = (n), .flags = (f) }, .opt = (o) }

static const struct opt_row {
	struct match_key key;
	enum opt opt;
} opt_rows[] = {
	OPT("-json", 0, OPT_JSON),
	OPT("-pretty", 0, OPT_PRETTY),
	OPT("-statistics", 0, OPT_STATS),
	OPT("-stats", MATCH_EXACT, OPT_STATS), /* not a prefix of -statistics: no prefix of its own */
	OPT("-batch", 0, OPT_BATCH),
	OPT("-help", 0, OPT_HELP),
	/* -s is -statistics: the socket's option takes no prefix */
	OPT("-S", MATCH_EXACT, OPT_SOCKET),
};

/*
 * The options before the command, iproute2's way: -j, -js and -json all
 * mean -json, and --json too (one leading dash of two is dropped).
 */
static int parse_opts(struct cli *c, struct opts *o)
{
	const char *arg;
	int i;

	while ((arg = cli_peek(c)) && arg[0] == '-' && arg[1]) {
		i = cli_lookup(NULL, "option", arg[1] == '-' ? arg + 1 : arg, opt_rows,
			       ARRAY_SIZE(opt_rows), sizeof(opt_rows[0]), false);
		if (i < 0)
			return 2;
		cli_next(c);
		switch (opt_rows[i].opt) {
		case OPT_JSON:
			o->json = true;
			break;
		case OPT_PRETTY:
			o->pretty = true;
			break;
		case OPT_STATS:
			c->stats++;
			break;
		case OPT_HELP:
			cli_help(stdout, NULL);
			return 0;
		case OPT_BATCH:
		case OPT_SOCKET:
			if (!cli_peek(c)) {
				cli_usage_error("%s needs a value", arg);
				return 2;
			}
			if (opt_rows[i].opt == OPT_BATCH)
				o->batch = cli_next(c);
			else
				c->sock = cli_next(c);
			break;
		}
	}
	return -1;
}

int main(int argc, char **argv)
{
	static struct cli c = { .sock = NETIF_DEFAULT_SOCKET };
	struct opts o = {};
	int err;

	c.argc = argc - 1;
	c.argv = argv + 1;
	err = parse_opts(&c, &o);
	if (err >= 0)
		return err;
	out_init(&c.out, o.json, o.pretty);
	if (o.batch && c.argc) {
		fprintf(stderr, "Error: -batch takes no command\n");
		return 2;
	}
	if (!o.batch && !c.argc) {
		cli_help(stderr, NULL);
		return 2;
	}
	err = o.batch ? run_batch(&c, o.batch) : run(&c);
	cli_close(&c);
	return err ? 1 : 0;
}
