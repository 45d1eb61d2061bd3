// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The configuration room's plan (configure.h): every object of the file
 * checked against the running agent before anything changes, and the
 * difference worked out. Flows are matched by uuid when the file gives
 * one, else by their descriptor (match, direction, llink scope); llinks by
 * link id; built-in filters by position, since their order is their
 * meaning. What the running state has that the file does not is removed,
 * so the file describes the whole host (or, with only, one netif of it).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "netif/proto.h"
#include "bucket.h"
#include "configure_priv.h"
#include "exception.h"
#include "filter.h"
#include "log.h"
#include "names.h"
#include "rtnl.h"

/* ---- where a fault is --------------------------------------------------------- */

static const char *const netif_key_names[CNK__MAX] = {
	"mode", "rx-slots", "tx-slots", "buf-size", "max-flows", "low-latency", "default-action",
	"input-rate", "burst", "shape", "unknown-vlan", "llinks", "flows", "filters",
};

/*
 * "FILE:LINE:COL: PATH: msg". A domain message that starts with a key of
 * the object ("rx-slots 3 must be ...") points at that key when the file
 * gave it, else at the object.
 */
static int fault(const struct config_req *req, const struct cfg_pos *obj, const struct cfg_pos *kpos,
		 const char *const *keys, unsigned int nkeys, const char *path, int err,
		 const char *msg, struct netif_extack *ext)
{
	const struct cfg_pos *at = obj;
	char p[128];
	unsigned int i;

	snprintf(p, sizeof(p), "%s", path);
	for (i = 0; kpos && i < nkeys; i++) {
		size_t n = keys[i] ? strlen(keys[i]) : 0;

		if (n && !strncmp(msg, keys[i], n) && (msg[n] == ' ' || msg[n] == ':') && kpos[i].line) {
			at = &kpos[i];
			snprintf(p, sizeof(p), "%s.%s", path, keys[i]);
			/* "key: what" says the key twice once the path names it */
			if (msg[n] == ':')
				msg += n + (msg[n + 1] == ' ' ? 2 : 1);
			break;
		}
	}
	netif_extack_set(ext, "%s:%u:%u: %s: %s", req->file, at->line, at->col, p, msg);
	return err;
}

static void path_of(char *buf, size_t len, const char *ifname, const char *what, int i)
{
	if (i < 0)
		snprintf(buf, len, "netifs.%s%s%s", ifname, what ? "." : "", what ? what : "");
	else
		snprintf(buf, len, "netifs.%s.%s[%d]", ifname, what, i);
}

/* ---- a netif's own settings ------------------------------------------------------ */

static int check_attach(const struct config_req *req, struct nplan *np, struct link_info *li,
			struct netif_extack *ext)
{
	const struct cfg_netif *w = np->want;
	struct netif_extack e = {};
	char path[64];
	int err;

	path_of(path, sizeof(path), w->ifname, NULL, -1);
	snprintf(np->areq.ifname, sizeof(np->areq.ifname), "%s", w->ifname);
	np->areq.mode = w->mode;
	np->areq.rx_slots = w->rx_slots;
	np->areq.tx_slots = w->tx_slots;
	np->areq.buf_size = w->buf_size;
	np->areq.max_flows = w->max_flows;
	np->areq.low_latency = w->low_latency;
	err = attach_req_check(&np->areq, &e);
	if (err)
		return fault(req, &w->pos, w->kpos, netif_key_names, CNK__MAX, path, err, e.msg, ext);
	if (!np->nif) {
		if (rtnl_link_get(0, w->ifname, li)) {
			snprintf(e.msg, sizeof(e.msg), "no such interface: %s", w->ifname);
			return fault(req, &w->pos, NULL, NULL, 0, path, -ENXIO, e.msg, ext);
		}
		li->num_rx_queues = li->num_rx_queues ?: 1;
		li->num_tx_queues = li->num_tx_queues ?: 1;
		link_real_queues(w->ifname, &li->num_rx_queues, &li->num_tx_queues);
		return 0;
	}
	li->num_rx_queues = np->nif->info.rx_queues;
	li->num_tx_queues = np->nif->info.tx_queues;
	{
		const struct netif_info *in = &np->nif->info;
		struct { int key; uint64_t want, have; } attach[] = {
			{ CNK_MODE, w->mode, in->requested_mode },
			{ CNK_RX_SLOTS, w->rx_slots, in->rx_slots },
			{ CNK_TX_SLOTS, w->tx_slots, in->tx_slots },
			{ CNK_BUF_SIZE, w->buf_size, in->buf_size },
			{ CNK_MAX_FLOWS, w->max_flows, in->max_flows },
			{ CNK_LOW_LATENCY, nexus_low_latency(w->ifname, w->low_latency), in->low_latency },
		};

		for (unsigned int i = 0; i < sizeof(attach) / sizeof(attach[0]); i++) {
			if (attach[i].want == attach[i].have)
				continue;
			snprintf(e.msg, sizeof(e.msg), "%s: %s is attached with %llu, the file says %llu: "
				 "attach parameters change only with a new attach (detach %s, or "
				 "apply without it, then with it)", netif_key_names[attach[i].key],
				 w->ifname, (unsigned long long)attach[i].have,
				 (unsigned long long)attach[i].want, w->ifname);
			return fault(req, &w->pos, w->kpos, netif_key_names, CNK__MAX, path, -EBUSY,
				     e.msg, ext);
		}
	}
	return 0;
}

static int plan_settings(const struct config_req *req, struct nplan *np, struct netif_extack *ext)
{
	const struct cfg_netif *w = np->want;
	struct netif *nif = np->nif;
	struct netif_settings *s = &np->set;
	uint8_t action = nif ? nif->cfg.default_action : NETIF_ACTION_PASS;
	uint8_t vlan = nif ? nif->cfg.vlan_policy : NETIF_VLAN_DEFAULT;
	uint64_t rate = nif ? nif->info.input_rate : 0, burst = nif ? nif->info.input_burst : 0;
	uint64_t shape = nif ? nif->info.shape_rate : 0;
	struct netif_extack e = {};
	struct netif_bucket b;
	char path[64];
	int err;

	np->old.action = action;
	np->old.vlan = vlan;
	np->old.rate = rate;
	np->old.shape = shape;
	path_of(path, sizeof(path), w->ifname, NULL, -1);
	err = bucket_params(w->input_rate, w->input_burst, "input", &b, &e);
	if (err)
		return fault(req, &w->kpos[CNK_INPUT_RATE], NULL, NULL, 0, path, err, e.msg, ext);
	memset(s, 0, sizeof(*s));
	s->has_default_action = w->default_action != action;
	s->default_action = w->default_action;
	s->has_vlan_policy = w->unknown_vlan != vlan;
	s->vlan_policy = w->unknown_vlan;
	s->has_input_rate = w->input_rate != rate || (w->input_rate && b.burst != burst);
	s->input_rate = w->input_rate;
	s->input_burst = w->input_burst;
	s->has_input_burst = s->has_input_rate && w->input_burst;
	s->has_shape = w->shape != shape;
	s->shape = w->shape;
	if (nif && s->has_shape) {
		err = nexus_settings_check(nif, s, &e);
		if (err)
			return fault(req, &w->pos, w->kpos, netif_key_names, CNK__MAX, path, err, e.msg, ext);
	}
	return 0;
}

/* ---- llinks -------------------------------------------------------------------------- */

static int plan_llinks(const struct config_req *req, struct nplan *np, const struct link_info *li,
		       struct netif_extack *ext)
{
	const struct cfg_netif *w = np->want;
	const struct netif_llink *ll = NULL;
	struct netif_extack e = {};
	char path[64];
	unsigned int i;
	int err;

	np->ll = calloc(w->nllinks + 1, sizeof(*np->ll));
	np->ll_gone = calloc(NETIF_MAX_LLINKS, sizeof(*np->ll_gone));
	if (!np->ll || !np->ll_gone)
		return -ENOMEM;
	for (i = 0; i < w->nllinks; i++) {
		struct lplan *lp = &np->ll[np->nll++];
		struct cfg_llink have;

		lp->want = &w->llinks[i];
		cstate_llink_config(lp->want, &lp->cfg);
		err = llink_config_check(&lp->cfg, li->num_rx_queues, li->num_tx_queues, &e);
		if (err) {
			path_of(path, sizeof(path), w->ifname, "llinks", i);
			return fault(req, &lp->want->pos, NULL, NULL, 0, path, err, e.msg, ext);
		}
		lp->op = L_ADD;
		for (ll = NULL; np->nif && (ll = llink_next(np->nif, ll));) {
			if (ll->link_id != lp->want->id)
				continue;
			cstate_llink(np->nif, ll, &have);
			lp->op = cstate_same_llink(&have, lp->want) ? L_SAME : L_REPLACE;
			lp->internal = ll->internal_id;
		}
	}
	for (ll = NULL; np->nif && (ll = llink_next(np->nif, ll));) {
		bool kept = ll->flags & NETIF_LLINK_F_DEFAULT;

		for (i = 0; i < w->nllinks && !kept; i++)
			kept = w->llinks[i].id == ll->link_id;
		if (!kept)
			np->ll_gone[np->nll_gone++] = ll->link_id;
	}
	return 0;
}

/* ---- flows ------------------------------------------------------------------------------ */

struct desc_ent {
	struct desc_key k;
	uint8_t uuid[16];
	struct flow_rec *r;       /* a running flow, or NULL for one of the file's */
	const struct cfg_flow *f; /* the file's flow with this descriptor */
	bool claimed;
	UT_hash_handle hh;        /* by descriptor */
	UT_hash_handle hu;        /* by uuid (running flows) */
};

struct match_ctx {
	struct desc_ent *ents, *by_desc, *by_uuid;
	unsigned int n;
};

static int index_running(struct nplan *np, struct match_ctx *m)
{
	struct flow_rec *r, *tmp;

	m->ents = calloc((np->nif ? np->nif->flows.count : 0) + 1, sizeof(*m->ents));
	if (!m->ents)
		return -ENOMEM;
	if (!np->nif)
		return 0;
	HASH_ITER(hh, np->nif->flows.by_uuid, r, tmp) {
		struct desc_ent *d = &m->ents[m->n++];

		d->r = r;
		memcpy(d->uuid, r->uuid, 16);
		cstate_desc_rec(r, &d->k);
		HASH_ADD(hh, m->by_desc, k, sizeof(d->k), d);
		HASH_ADD(hu, m->by_uuid, uuid, 16, d);
	}
	return 0;
}

/* One flow of the file: checked, and matched with a running one. */
static int plan_flow(const struct config_req *req, struct nplan *np, struct match_ctx *m,
		     struct desc_ent *mine, unsigned int i, struct netif_extack *ext)
{
	const struct cfg_netif *w = np->want;
	struct fplan *fp = &np->fl[np->nfl++];
	struct netif_extack e = {};
	struct desc_ent *d = NULL;
	struct cfg_flow have;
	struct link_info li;
	char path[64];
	int err;

	fp->want = &w->flows[i];
	path_of(path, sizeof(path), w->ifname, "flows", i);
	cstate_spec(fp->want, &fp->spec);
	err = flow_spec_check(&fp->spec, &e);
	if (!err && fp->spec.action == NETIF_ACTION_REDIRECT &&
	    rtnl_link_get(0, fp->spec.redirect_dev, &li)) {
		snprintf(e.msg, sizeof(e.msg), "redirect device %s does not exist", fp->spec.redirect_dev);
		err = -ENODEV;
	}
	if (err)
		return fault(req, &fp->want->pos, NULL, NULL, 0, path, err, e.msg, ext);
	mine->f = fp->want;
	cstate_desc(fp->want, &mine->k);
	fp->op = F_ADD;
	if (fp->want->has_uuid)
		HASH_FIND(hu, m->by_uuid, fp->want->uuid, 16, d);
	else
		HASH_FIND(hh, m->by_desc, &mine->k, sizeof(mine->k), d);
	/* by descriptor only what no uuid of the file claims (those come first) */
	if (!d || d->claimed)
		return 0;
	d->claimed = true;
	fp->cur = d->r;
	if (memcmp(&d->k, &mine->k, sizeof(mine->k))) {
		fp->op = F_REPLACE; /* the same uuid, another descriptor: removed, added anew */
		return 0;
	}
	cstate_flow(np->nif, d->r, &have);
	fp->op = cstate_same_action(&have, fp->want) ? F_SAME : F_MODIFY;
	return 0;
}

/* The file's descriptors once each: a second would fail with EEXIST half-way. */
static int file_dups(const struct config_req *req, const struct cfg_netif *w, struct desc_ent *mine,
		     struct netif_extack *ext)
{
	struct desc_ent *seen = NULL, *seen_uuid = NULL, *dup;
	char path[64], msg[96];
	unsigned int i;
	int err = 0;

	for (i = 0; i < w->nflows && !err; i++) {
		HASH_FIND(hh, seen, &mine[i].k, sizeof(mine[i].k), dup);
		if (!dup) {
			HASH_ADD(hh, seen, k, sizeof(mine[i].k), &mine[i]);
			continue;
		}
		snprintf(msg, sizeof(msg), "the same match as the flow of line %u", dup->f->pos.line);
		path_of(path, sizeof(path), w->ifname, "flows", i);
		err = fault(req, &w->flows[i].pos, NULL, NULL, 0, path, -EEXIST, msg, ext);
	}
	for (i = 0; i < w->nflows && !err; i++) {
		if (!w->flows[i].has_uuid)
			continue;
		memcpy(mine[i].uuid, w->flows[i].uuid, 16);
		HASH_FIND(hu, seen_uuid, mine[i].uuid, 16, dup);
		if (!dup) {
			HASH_ADD(hu, seen_uuid, uuid, 16, &mine[i]);
			continue;
		}
		snprintf(msg, sizeof(msg), "the uuid of the flow of line %u", dup->f->pos.line);
		path_of(path, sizeof(path), w->ifname, "flows", i);
		err = fault(req, &w->flows[i].kpos[CFK_UUID], NULL, NULL, 0, path, -EEXIST, msg, ext);
	}
	HASH_CLEAR(hh, seen);
	HASH_CLEAR(hu, seen_uuid);
	return err;
}

static int plan_flows(const struct config_req *req, struct nplan *np, struct netif_extack *ext)
{
	const struct cfg_netif *w = np->want;
	struct match_ctx m = {};
	struct desc_ent *mine;
	unsigned int i, pass;
	int err;

	np->fl = calloc(w->nflows + 1, sizeof(*np->fl));
	mine = calloc(w->nflows + 1, sizeof(*mine));
	err = np->fl && mine ? index_running(np, &m) : -ENOMEM;
	/* flows with a uuid first: a descriptor match must not take a flow a uuid names */
	for (pass = 0; pass < 2 && !err; pass++) {
		for (i = 0; i < w->nflows && !err; i++)
			if (w->flows[i].has_uuid == !pass)
				err = plan_flow(req, np, &m, &mine[i], i, ext);
	}
	if (!err)
		err = file_dups(req, w, mine, ext);
	if (!err) {
		np->fl_gone = calloc(m.n + 1, sizeof(*np->fl_gone));
		if (!np->fl_gone)
			err = -ENOMEM;
		for (i = 0; !err && i < m.n; i++)
			if (!m.ents[i].claimed)
				np->fl_gone[np->nfl_gone++] = m.ents[i].r;
		for (i = 0; !err && i < np->nfl; i++)
			if (np->fl[i].op == F_REPLACE)
				np->fl_gone[np->nfl_gone++] = np->fl[i].cur;
	}
	HASH_CLEAR(hh, m.by_desc);
	HASH_CLEAR(hu, m.by_uuid);
	free(m.ents);
	free(mine);
	return err;
}

/* ---- filters --------------------------------------------------------------------------- */

static int plan_filters(const struct config_req *req, struct nplan *np, struct netif_extack *ext)
{
	const struct cfg_netif *w = np->want;
	const struct filter *f = np->nif ? exception_filters(np->nif) : NULL;
	struct netif_extack e = {};
	struct cfg_filter have;
	struct filter *test;
	char path[64];
	unsigned int i;
	bool same = true;
	int err;

	for (i = 0; i < w->nfilters; i++) {
		if (w->filters[i].kind != NETIF_FILTER_DROP)
			continue;
		/* the expression compiles (nothing is opened for a drop filter) */
		err = filter_builtin_new(w->filters[i].kind, w->filters[i].arg, w->filters[i].dirs,
					 &test, &e);
		if (err) {
			path_of(path, sizeof(path), w->ifname, "filters", i);
			return fault(req, &w->filters[i].pos, NULL, NULL, 0, path, err, e.msg, ext);
		}
		filter_free(test);
	}
	np->fi_gone = calloc(NETIF_MAX_FILTERS + 1, sizeof(*np->fi_gone));
	if (!np->fi_gone)
		return -ENOMEM;
	for (np->fi_keep = 0; f; f = f->next) {
		if (f->kind == NETIF_FILTER_EXTERNAL)
			continue;
		cstate_filter(f, &have);
		if (same && np->fi_keep < w->nfilters && cstate_same_filter(&have, &w->filters[np->fi_keep]))
			np->fi_keep++;
		else if (np->nfi_gone < NETIF_MAX_FILTERS)
			np->fi_gone[np->nfi_gone++] = f->id, same = false;
	}
	return 0;
}

/* ---- the whole plan ------------------------------------------------------------------------ */

static int plan_netif(struct plan *p, struct nplan *np, struct netif_extack *ext)
{
	struct link_info li = {};
	int err;

	np->nif = nexus_find(p->ag, np->want->ifname);
	np->attach = !np->nif;
	err = check_attach(p->req, np, &li, ext) ?: plan_settings(p->req, np, ext) ?:
	      plan_llinks(p->req, np, &li, ext) ?: plan_flows(p->req, np, ext) ?:
	      plan_filters(p->req, np, ext);
	return err;
}

static int plan_gone(struct plan *p, struct netif_extack *ext)
{
	struct netif *nif, *tmp;
	unsigned int i;
	bool kept;

	p->gone = calloc(HASH_COUNT(p->ag->netifs) + 1, sizeof(*p->gone));
	if (!p->gone)
		return -ENOMEM;
	HASH_ITER(hh, p->ag->netifs, nif, tmp) {
		if (p->req->only)
			continue;
		for (i = 0, kept = false; i < p->nn && !kept; i++)
			kept = !strcmp(p->n[i].want->ifname, nif->ifname);
		if (kept)
			continue;
		if (exception_channel_count(nif)) {
			netif_extack_set(ext, "%s: %s is not in the file, but it has %u open channel(s): "
					 "it cannot be detached", p->req->file, nif->ifname,
					 exception_channel_count(nif));
			return -EBUSY;
		}
		p->gone[p->ngone++] = nif;
	}
	return 0;
}

static void plan_free(struct plan *p)
{
	unsigned int i;

	config_forget(p);
	for (i = 0; i < p->nn; i++) {
		free(p->n[i].ll);
		free(p->n[i].ll_gone);
		free(p->n[i].fl);
		free(p->n[i].fl_gone);
		free(p->n[i].fi_gone);
	}
	free(p->n);
	free(p->gone);
}

int config_apply(struct agent *ag, const struct config_req *req, struct netif_extack *ext)
{
	struct plan p = { .ag = ag, .req = req };
	const struct cfg *c = req->cfg;
	unsigned int i;
	int err = 0;

	p.n = calloc(c->n + 1, sizeof(*p.n));
	if (!p.n)
		return -ENOMEM;
	for (i = 0; i < c->n && !err; i++) {
		if (req->only && strcmp(req->only, c->netifs[i].ifname))
			continue;
		p.n[p.nn].want = &c->netifs[i];
		err = plan_netif(&p, &p.n[p.nn++], ext);
	}
	if (!err && req->only && !p.nn) {
		netif_extack_set(ext, "%s: %s is not in the file", req->file, req->only);
		err = -ENOENT;
	}
	if (!err)
		err = plan_gone(&p, ext) ?: config_remember(&p);
	if (!err && !req->dry_run)
		err = config_carry_out(&p, ext);
	if (!err)
		err = config_report(&p);
	plan_free(&p);
	return err ? err : (int)p.changes;
}

/* ---- a file ------------------------------------------------------------------------------ */

int config_apply_file(struct agent *ag, const char *path, struct netif_extack *ext)
{
	struct config_req req = { .file = path };
	struct cfg_error ce;
	struct stat st;
	struct cfg c;
	char *text = NULL;
	ssize_t n = 0;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0 || st.st_size > NETIF_CONFIG_MAX_SIZE) {
		err = fd < 0 || errno ? -errno : -EFBIG;
		netif_extack_set(ext, "%s: %s", path, strerror(-err ?: EFBIG));
		if (fd >= 0)
			close(fd);
		return err ?: -EFBIG;
	}
	text = malloc(st.st_size + 1);
	while (text && n < st.st_size) {
		ssize_t r = read(fd, text + n, st.st_size - n);

		if (r <= 0)
			break;
		n += r;
	}
	close(fd);
	if (!text || n != st.st_size) {
		free(text);
		netif_extack_set(ext, "%s: cannot read it", path);
		return -EIO;
	}
	err = cfg_parse(text, n, &c, &ce);
	free(text);
	if (err) {
		cfg_error_format(&ce, path, ext->msg, sizeof(ext->msg));
		return err;
	}
	req.cfg = &c;
	err = config_apply(ag, &req, ext);
	cfg_free(&c);
	return err;
}
