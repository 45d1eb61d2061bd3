// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The document of netifd.yaml(5): a stream of one document, a mapping of
 * "version" and "netifs", the netifs a mapping of interface names to netif
 * objects (config_objs.c), over the cursor of config_parse.c.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <yaml.h>
#include "config.h"
#include "config_priv.h"

static int netifs_value(struct yp *p, struct cfg *c)
{
	struct cfg_netif *n;
	char name[CFG_IFNAME_MAX];
	unsigned int i;
	size_t old;
	int err;

	if (!cfgp_is(p, YAML_MAPPING_START_EVENT))
		return cfgp_fail(p, NULL, NULL, "expected a mapping of interface names, not %s", cfgp_what(p));
	for (;;) {
		err = cfgp_next(p);
		if (err)
			return err;
		if (cfgp_is(p, YAML_MAPPING_END_EVENT))
			return 0;
		err = cfgp_ifname(p, name, "an interface name");
		if (err)
			return err;
		for (i = 0; i < c->n; i++)
			if (!strcmp(c->netifs[i].ifname, name))
				return cfgp_fail(p, NULL, NULL, "%s is given twice", name);
		n = cfg_add_netif(c);
		if (!n)
			return -ENOMEM;
		snprintf(n->ifname, sizeof(n->ifname), "%s", name);
		cfgp_here(p, &n->pos);
		old = cfgp_push(p, name);
		err = cfgp_next(p) ?: cfgp_netif(p, n);
		if (err)
			return err;
		cfgp_pop(p, old);
	}
}

enum { TOP_VERSION, TOP_NETIFS };

static int top_key(struct yp *p, void *obj, int id)
{
	uint64_t v;
	int err;

	if (id == TOP_NETIFS)
		return netifs_value(p, obj);
	err = cfgp_u64(p, 0, UINT64_MAX, &v);
	if (!err && v != CFG_VERSION)
		err = cfgp_fail(p, NULL, NULL, "version %llu of the format is not known (this netif reads %d)",
			   (unsigned long long)v, CFG_VERSION);
	return err;
}

static const struct cfgp_key top_keys[] = {
	{ "version", TOP_VERSION, top_key },
	{ "netifs", TOP_NETIFS, top_key },
};

static int parse_stream(struct yp *p, struct cfg *c)
{
	struct cfg_pos top = { 1, 1 };
	uint64_t seen;
	int err;

	err = cfgp_next(p);
	if (!err && !cfgp_is(p, YAML_STREAM_START_EVENT))
		err = cfgp_fail(p, NULL, NULL, "not a YAML stream");
	if (!err)
		err = cfgp_next(p);
	if (!err && cfgp_is(p, YAML_STREAM_END_EVENT))
		return cfgp_fail(p, NULL, NULL, "the file is empty (\"netifs: {}\" is a host without netifs)");
	if (!err)
		err = cfgp_next(p); /* past the document start */
	if (!err)
		cfgp_here(p, &top);
	if (!err)
		err = cfgp_map(p, top_keys, 2, c, NULL, &seen);
	if (!err && !(seen & (1ULL << TOP_NETIFS)))
		err = cfgp_fail(p, &top, NULL, "\"netifs\" is missing (\"netifs: {}\" is a host "
				"without netifs)");
	if (!err)
		err = cfgp_next(p);
	if (!err && !cfgp_is(p, YAML_DOCUMENT_END_EVENT))
		err = cfgp_fail(p, NULL, NULL, "expected the end of the document");
	if (!err)
		err = cfgp_next(p);
	if (!err && !cfgp_is(p, YAML_STREAM_END_EVENT))
		err = cfgp_fail(p, NULL, NULL, "one document per file");
	return err;
}

int cfg_parse(const char *text, size_t len, struct cfg *out, struct cfg_error *err)
{
	struct yp *p;
	int ret;

	memset(out, 0, sizeof(*out));
	memset(err, 0, sizeof(*err));
	p = cfgp_open(text, len, err);
	if (!p)
		return -ENOMEM;
	ret = parse_stream(p, out);
	cfgp_close(p);
	if (ret) {
		cfg_free(out);
		if (!err->msg[0])
			snprintf(err->msg, sizeof(err->msg), "%s", strerror(-ret));
	}
	return ret;
}
