// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * apply [--dry-run] FILE [dev IF] and export [dev IF]: netifd.yaml(5)
 * files. apply sends the file in chunks (CONFIG_APPLY at increasing
 * offsets, the last one applying it) and prints the changes netifd made or,
 * with --dry-run, would make; export prints the running configuration.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "args.h"
#include "attrs.h"
#include "call.h"
#include "commands.h"

/* ---- apply -------------------------------------------------------------- */

static char *read_all(const char *path, size_t *len)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	size_t cap = 65536, n;
	char *buf = NULL, *grown;

	if (!f) {
		fprintf(stderr, "Error: cannot open %s: %s\n", path, strerror(errno));
		return NULL;
	}
	*len = 0;
	for (;;) {
		if (!buf || *len == cap) {
			cap = buf ? cap * 2 : cap;
			grown = cap <= NETIF_CONFIG_MAX_SIZE ? realloc(buf, cap) : NULL;
			if (!grown) {
				fprintf(stderr, "Error: %s: larger than %u bytes\n", path,
					NETIF_CONFIG_MAX_SIZE);
				free(buf);
				buf = NULL;
				break;
			}
			buf = grown;
		}
		n = fread(buf + *len, 1, cap - *len, f);
		*len += n;
		if (n == 0)
			break;
	}
	if (buf && ferror(f)) {
		fprintf(stderr, "Error: cannot read %s\n", path);
		free(buf);
		buf = NULL;
	}
	if (f != stdin)
		fclose(f);
	return buf;
}

static const char op_sign[] = { [NETIF_CHANGE_ADD] = '+', [NETIF_CHANGE_REMOVE] = '-',
				 [NETIF_CHANGE_MODIFY] = '~' };
static const char *const op_name[] = { [NETIF_CHANGE_ADD] = "add",
				       [NETIF_CHANGE_REMOVE] = "remove",
				       [NETIF_CHANGE_MODIFY] = "change" };

struct apply_ctx {
	struct out *o;
	unsigned int n;
};

/* "~ eth0 flow 3c1e...: rate: 10Mbit -> 20Mbit (line 12)" */
static int change_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[NETIF_A_MAX + 1], *ct[NETIF_CHA_MAX + 1];
	struct apply_ctx *ac = data;
	struct out *o = ac->o;
	const char *id, *text;
	unsigned int op;
	uint32_t line;

	if (netif_attr_parse(nlh, netif_policy, NETIF_A_MAX, tb, NULL) || !tb[NETIF_A_CHANGE] ||
	    netif_attr_parse_nested(tb[NETIF_A_CHANGE], netif_change_policy, NETIF_CHA_MAX, ct, NULL) ||
	    !ct[NETIF_CHA_OP] || !ct[NETIF_CHA_OBJECT])
		return MNL_CB_ERROR;
	op = mnl_attr_get_u8(ct[NETIF_CHA_OP]);
	if (op < NETIF_CHANGE_ADD || op > NETIF_CHANGE_MODIFY)
		return MNL_CB_ERROR;
	id = attr_str(ct[NETIF_CHA_ID]);
	text = attr_str(ct[NETIF_CHA_TEXT]);
	line = attr_u32(ct[NETIF_CHA_LINE]);
	ac->n++;
	out_open_object(o, NULL);
	print_text(o, "%c ", op_sign[op]);
	print_string(o, PRINT_JSON, "op", NULL, op_name[op]);
	print_string(o, PRINT_ANY, "ifname", "%s", attr_str(tb[NETIF_A_IFNAME]));
	print_string(o, PRINT_ANY, "object", " %s", mnl_attr_get_str(ct[NETIF_CHA_OBJECT]));
	/* the id of a netif is its name, already said */
	if (id && strcmp(mnl_attr_get_str(ct[NETIF_CHA_OBJECT]), "netif"))
		print_string(o, PRINT_ANY, "id", " %s", id);
	print_string(o, PRINT_ANY, "text", ": %s", text);
	if (line)
		print_u64(o, PRINT_ANY, "line", " (line %s)", line);
	print_text(o, "\n");
	out_close_object(o);
	return MNL_CB_OK;
}

static int send_file(struct cli *c, const char *name, const char *text, size_t len, const char *dev,
		     bool dry_run, struct apply_ctx *ac)
{
	size_t off = 0;
	int err;

	do {
		size_t n = len - off < NETIF_CONFIG_CHUNK ? len - off : NETIF_CONFIG_CHUNK;
		struct nlmsghdr *nlh = cli_msg(c, NETIF_CMD_CONFIG_APPLY, 0);
		struct nlattr *nest;
		bool last = off + n == len;

		if (dev)
			mnl_attr_put_strz(nlh, NETIF_A_IFNAME, dev);
		nest = mnl_attr_nest_start(nlh, NETIF_A_CONFIG);
		mnl_attr_put_strz(nlh, NETIF_CFA_NAME, name);
		mnl_attr_put_u64(nlh, NETIF_CFA_OFFSET, off);
		if (n)
			mnl_attr_put(nlh, NETIF_CFA_TEXT, n, text + off);
		if (!last)
			mnl_attr_put(nlh, NETIF_CFA_MORE, 0, NULL);
		else if (dry_run)
			mnl_attr_put(nlh, NETIF_CFA_DRY_RUN, 0, NULL);
		mnl_attr_nest_end(nlh, nest);
		err = cli_call(c, last ? change_cb : NULL, ac);
		off += n;
	} while (!err && off < len);
	return err;
}

static const struct cli_kw apply_kw[] = {
	KW("dev", kw_dev, .meta = "IF"),
};

int cmd_apply(struct cli *c)
{
	struct cli_args a = { .what = "apply" };
	struct apply_ctx ac = { .o = &c->out };
	bool dry_run = false;
	const char *file;
	size_t len;
	char *text;
	int err;

	while (cli_peek(c) && (!strcmp(cli_peek(c), "--dry-run") || !strcmp(cli_peek(c), "-n"))) {
		cli_next(c);
		dry_run = true;
	}
	file = cli_next(c);
	if (!file)
		return cli_usage_error("apply needs a file (- for standard input)");
	err = CLI_PARSE(c, apply_kw, &a);
	if (err)
		return err;
	text = read_all(file, &len);
	if (!text)
		return -EIO;
	out_open_array(&c->out, NULL);
	err = send_file(c, strcmp(file, "-") ? file : "(stdin)", text, len, a.dev, dry_run, &ac);
	out_close_array(&c->out);
	free(text);
	if (!err && !ac.n)
		print_text(&c->out, "no changes\n");
	else if (!err)
		print_text(&c->out, "%u change%s%s\n", ac.n, ac.n == 1 ? "" : "s",
			   dry_run ? " (dry run: nothing was changed)" : "");
	return err;
}

/* ---- export ------------------------------------------------------------- */

struct export_ctx {
	struct out *o;
	uint64_t next;  /* the offset the next chunk must have */
};

static int text_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[NETIF_A_MAX + 1], *ct[NETIF_CFA_MAX + 1];
	struct export_ctx *ec = data;
	uint32_t n;

	if (netif_attr_parse(nlh, netif_policy, NETIF_A_MAX, tb, NULL) || !tb[NETIF_A_CONFIG] ||
	    netif_attr_parse_nested(tb[NETIF_A_CONFIG], netif_config_policy, NETIF_CFA_MAX, ct, NULL) ||
	    !ct[NETIF_CFA_TEXT] || !ct[NETIF_CFA_OFFSET] ||
	    mnl_attr_get_u64(ct[NETIF_CFA_OFFSET]) != ec->next)
		return MNL_CB_ERROR;
	n = mnl_attr_get_payload_len(ct[NETIF_CFA_TEXT]);
	print_text(ec->o, "%.*s", (int)n, (const char *)mnl_attr_get_payload(ct[NETIF_CFA_TEXT]));
	ec->next += n;
	return MNL_CB_OK;
}

int cmd_export(struct cli *c)
{
	struct cli_args a = { .what = "export", .nlh = cli_msg(c, NETIF_CMD_CONFIG_EXPORT, NLM_F_DUMP) };
	struct export_ctx ec = { .o = &c->out };

	if (c->out.json)
		return cli_usage_error("export writes YAML (netifd.yaml(5)); -json does not apply");
	return CLI_REQUEST(c, &a, apply_kw, text_cb, &ec);
}
