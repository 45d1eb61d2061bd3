// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The configuration room carrying out its plan (configure.h): every change
 * of every netif a step of one transaction -- attach, settings, flows and
 * llinks removed, llinks added, flows changed and added, filters added,
 * the exception path brought in line -- so that any failure undoes them
 * all; then, the transaction committed, what cannot fail: the built-in
 * filters and the netifs the file no longer has are removed. And the
 * report of what changed, in the same order.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uuid/uuid.h>
#include "netif/proto.h"
#include "configure_priv.h"
#include "exception.h"
#include "filter.h"
#include "log.h"
#include "names.h"
#include "txn.h"
#include "units.h"

/* "FILE:LINE:COL: netifs.IF[.what[i]]: message" for a step that failed. */
static int step_fault(const struct plan *p, const struct nplan *np, const struct cfg_pos *pos,
		      const char *what, int i, int err, const struct netif_extack *e,
		      struct netif_extack *ext)
{
	char path[64];

	if (what && i >= 0)
		snprintf(path, sizeof(path), "netifs.%s.%s[%d]", np->want->ifname, what, i);
	else
		snprintf(path, sizeof(path), "netifs.%s", np->want->ifname);
	netif_extack_set(ext, "%s:%u:%u: %s: %s", p->req->file, pos->line, pos->col, path,
			 e->msg[0] ? e->msg : strerror(-err));
	return err;
}

static bool settings_change(const struct netif_settings *s)
{
	return s->has_default_action || s->has_input_rate || s->has_shape || s->has_vlan_policy;
}

static int carry_llinks(struct plan *p, struct nplan *np, struct txn *t, struct netif_extack *ext)
{
	struct netif_extack e = {};
	unsigned int i;
	int err;

	for (i = 0; i < np->nll_gone; i++) {
		err = llink_remove_txn(np->nif, np->ll_gone[i], false, t, &e);
		if (err)
			return step_fault(p, np, &np->want->pos, NULL, -1, err, &e, ext);
	}
	/* a changed llink goes and comes back with its internal id: its qsets keep their ids */
	for (i = 0; i < np->nll; i++) {
		struct lplan *lp = &np->ll[i];

		err = lp->op == L_REPLACE ? llink_remove_txn(np->nif, lp->want->id, true, t, &e) : 0;
		if (!err && lp->op != L_SAME)
			err = llink_add_txn(np->nif, &lp->cfg, lp->internal, t, &e);
		if (err)
			return step_fault(p, np, &lp->want->pos, "llinks",
					  (int)(lp->want - np->want->llinks), err, &e, ext);
	}
	return 0;
}

static int carry_flows(struct plan *p, struct nplan *np, struct txn *t, struct netif_extack *ext)
{
	struct netif_extack e = {};
	unsigned int i;
	int err;

	for (i = 0; i < np->nfl; i++) {
		struct fplan *fp = &np->fl[i];

		if (fp->op == F_SAME)
			continue;
		err = cstate_hint(np->nif, fp->want, &fp->spec.qset_hint, &e);
		if (!err && fp->op == F_MODIFY)
			err = flow_modify(np->nif, fp->cur, &fp->spec, t, &e);
		else if (!err)
			err = flow_add(np->nif, &fp->spec, t, &e);
		if (err)
			return step_fault(p, np, &fp->want->pos, "flows",
					  (int)(fp->want - np->want->flows), err, &e, ext);
	}
	return 0;
}

static int carry_netif(struct plan *p, struct nplan *np, struct txn *t, struct netif_extack *ext)
{
	struct netif_extack e = {};
	unsigned int i;
	uint32_t id;
	int err = 0;

	if (!np->nif) {
		err = nexus_attach_txn(p->ag, &np->areq, t, &np->nif, &e);
		if (err)
			return step_fault(p, np, &np->want->pos, NULL, -1, err, &e, ext);
	}
	if (settings_change(&np->set)) {
		err = nexus_set(np->nif, &np->set, t, &e);
		if (err)
			return step_fault(p, np, &np->want->pos, NULL, -1, err, &e, ext);
	}
	/* removals first: what is added may take their descriptors, vlans and slots */
	for (i = 0; i < np->nfl_gone && !err; i++)
		err = flow_remove(np->nif, np->fl_gone[i]->uuid, t, &e);
	if (err)
		return step_fault(p, np, &np->want->pos, NULL, -1, err, &e, ext);
	err = carry_llinks(p, np, t, ext) ?: carry_flows(p, np, t, ext);
	if (err)
		return err;
	for (i = np->fi_keep; i < np->want->nfilters; i++) {
		const struct cfg_filter *f = &np->want->filters[i];

		err = exception_filter_add(np->nif, f->kind, f->arg, f->dirs, t, &id, &e);
		if (err)
			return step_fault(p, np, &f->pos, "filters", i, err, &e, ext);
	}
	err = exception_sync(np->nif, t, &e);
	return err ? step_fault(p, np, &np->want->pos, NULL, -1, err, &e, ext) : 0;
}

int config_carry_out(struct plan *p, struct netif_extack *ext)
{
	struct netif_extack e = {};
	unsigned int i, j;
	struct txn t;
	int err = 0;

	txn_init(&t);
	for (i = 0; i < p->nn && !err; i++)
		err = carry_netif(p, &p->n[i], &t, ext);
	if (err) {
		txn_abort(&t);
		return err;
	}
	txn_commit(&t);
	/* final now: what cannot fail (the plan checked it) and has no undo */
	for (i = 0; i < p->nn; i++) {
		struct nplan *np = &p->n[i];
		unsigned int added = 0;

		for (j = 0; j < np->nfi_gone; j++)
			exception_filter_del(np->nif, np->fi_gone[j], &e);
		if (np->nfi_gone)
			exception_sync(np->nif, NULL, &e);
		for (j = 0; j < np->nfl; j++)
			added += np->fl[j].op == F_ADD || np->fl[j].op == F_REPLACE;
		dp_agent_stat_add(&np->nif->dp, offsetof(struct netif_agent_stats, flow_add), added);
		dp_agent_stat_add(&np->nif->dp, offsetof(struct netif_agent_stats, flow_del),
				  np->nfl_gone);
	}
	for (i = 0; i < p->ngone; i++)
		if (nexus_detach(p->ag, p->gone[i], NULL, &e))
			pr_warn("config: cannot detach %s: %s", p->gone[i]->ifname, e.msg);
	return 0;
}

/* ---- the report ------------------------------------------------------------------------- */

int config_remember(struct plan *p)
{
	struct cfg_flow cf;
	char text[1024];
	unsigned int i, j;

	p->gone_names = calloc(p->ngone + 1, sizeof(*p->gone_names));
	if (!p->gone_names)
		return -ENOMEM;
	for (i = 0; i < p->ngone; i++)
		snprintf(p->gone_names[i], sizeof(p->gone_names[i]), "%s", p->gone[i]->ifname);
	for (i = 0; i < p->nn; i++) {
		struct nplan *np = &p->n[i];

		np->gone_text = calloc(np->nfl_gone + 1, sizeof(*np->gone_text));
		np->gone_uuid = calloc(np->nfl_gone + 1, sizeof(*np->gone_uuid));
		if (!np->gone_text || !np->gone_uuid)
			return -ENOMEM;
		for (j = 0; j < np->nfl_gone; j++) {
			cstate_flow(np->nif, np->fl_gone[j], &cf);
			cfg_emit_flow(&cf, text, sizeof(text));
			np->gone_text[j] = strdup(text);
			memcpy(np->gone_uuid[j], np->fl_gone[j]->uuid, 16);
			if (!np->gone_text[j])
				return -ENOMEM;
		}
		for (j = 0; j < np->nfl; j++) {
			struct fplan *fp = &np->fl[j];

			if (fp->op != F_MODIFY)
				continue;
			cstate_flow(np->nif, fp->cur, &cf);
			cstate_flow_diff(&cf, fp->want, text, sizeof(text));
			fp->diff = strdup(text);
			if (!fp->diff)
				return -ENOMEM;
		}
	}
	return 0;
}

void config_forget(struct plan *p)
{
	unsigned int i, j;

	for (i = 0; i < p->nn; i++) {
		struct nplan *np = &p->n[i];

		for (j = 0; np->gone_text && j < np->nfl_gone; j++)
			free(np->gone_text[j]);
		for (j = 0; np->fl && j < np->nfl; j++)
			free(np->fl[j].diff);
		free(np->gone_text);
		free(np->gone_uuid);
	}
	free(p->gone_names);
}

struct reporter {
	struct plan *p;
	int err;
};

static void tell(struct reporter *r, uint8_t op, const char *ifname, const char *object,
		 const char *id, const char *text, uint32_t line)
{
	struct config_change ch = { .op = op, .ifname = ifname, .object = object, .line = line };

	r->p->changes++;
	if (r->err || !r->p->req->report)
		return;
	snprintf(ch.id, sizeof(ch.id), "%s", id ? id : "");
	snprintf(ch.text, sizeof(ch.text), "%s", text ? text : "");
	r->err = r->p->req->report(r->p->req->arg, &ch);
}

static void tell_rate(struct reporter *r, const struct nplan *np, const char *key, int kid,
		      uint64_t old, uint64_t want)
{
	char a[32], b[32], text[80];

	snprintf(text, sizeof(text), "%s -> %s", netif_fmt_rate(old, a, sizeof(a)),
		 netif_fmt_rate(want, b, sizeof(b)));
	tell(r, NETIF_CHANGE_MODIFY, np->want->ifname, key, NULL, text, np->want->kpos[kid].line);
}

static void report_settings(struct reporter *r, const struct nplan *np)
{
	const struct netif_settings *s = &np->set;
	const struct cfg_netif *w = np->want;
	char text[80];

	if (s->has_default_action) {
		snprintf(text, sizeof(text), "%s -> %s", netif_action_name(np->old.action),
			 netif_action_name(s->default_action));
		tell(r, NETIF_CHANGE_MODIFY, w->ifname, "default-action", NULL, text,
		     w->kpos[CNK_DEFAULT_ACTION].line);
	}
	if (s->has_vlan_policy) {
		snprintf(text, sizeof(text), "%s -> %s", netif_vlan_policy_name(np->old.vlan),
			 netif_vlan_policy_name(s->vlan_policy));
		tell(r, NETIF_CHANGE_MODIFY, w->ifname, "unknown-vlan", NULL, text,
		     w->kpos[CNK_UNKNOWN_VLAN].line);
	}
	if (s->has_input_rate)
		tell_rate(r, np, "input-rate", CNK_INPUT_RATE, np->old.rate, s->input_rate);
	if (s->has_shape)
		tell_rate(r, np, "shape", CNK_SHAPE, np->old.shape, s->shape);
}

static void report_llinks(struct reporter *r, const struct nplan *np)
{
	char id[24], text[1024];
	unsigned int i;

	for (i = 0; i < np->nll_gone; i++) {
		snprintf(id, sizeof(id), "%llu", (unsigned long long)np->ll_gone[i]);
		tell(r, NETIF_CHANGE_REMOVE, np->want->ifname, "llink", id, NULL, 0);
	}
	for (i = 0; i < np->nll; i++) {
		const struct lplan *lp = &np->ll[i];

		if (lp->op == L_SAME)
			continue;
		snprintf(id, sizeof(id), "%llu", (unsigned long long)lp->want->id);
		cfg_emit_llink(lp->want, text, sizeof(text));
		tell(r, lp->op == L_ADD ? NETIF_CHANGE_ADD : NETIF_CHANGE_MODIFY, np->want->ifname,
		     "llink", id, text, lp->want->pos.line);
	}
}

static void report_flows(struct reporter *r, const struct nplan *np)
{
	char id[37], text[1024];
	struct cfg_flow cf;
	unsigned int i;

	for (i = 0; i < np->nfl_gone; i++) {
		uuid_unparse(np->gone_uuid[i], id);
		tell(r, NETIF_CHANGE_REMOVE, np->want->ifname, "flow", id, np->gone_text[i], 0);
	}
	for (i = 0; i < np->nfl; i++) {
		const struct fplan *fp = &np->fl[i];

		if (fp->op == F_SAME)
			continue;
		if (fp->op == F_MODIFY) {
			uuid_unparse(fp->cur->uuid, id);
			tell(r, NETIF_CHANGE_MODIFY, np->want->ifname, "flow", id, fp->diff,
			     fp->want->pos.line);
			continue;
		}
		/* an added flow has the uuid it was given; in a dry run, none yet */
		cf = *fp->want;
		cf.has_uuid = fp->spec.has_uuid;
		memcpy(cf.uuid, fp->spec.uuid, 16);
		if (cf.has_uuid)
			uuid_unparse(cf.uuid, id);
		else
			snprintf(id, sizeof(id), "(new)");
		cfg_emit_flow(&cf, text, sizeof(text));
		tell(r, NETIF_CHANGE_ADD, np->want->ifname, "flow", id, text, fp->want->pos.line);
	}
}

static void report_filters(struct reporter *r, const struct nplan *np)
{
	char id[16], text[512];
	unsigned int i;

	for (i = 0; i < np->nfi_gone; i++) {
		snprintf(id, sizeof(id), "%u", np->fi_gone[i]);
		tell(r, NETIF_CHANGE_REMOVE, np->want->ifname, "filter", id, NULL, 0);
	}
	for (i = np->fi_keep; i < np->want->nfilters; i++) {
		cfg_emit_filter(&np->want->filters[i], text, sizeof(text));
		tell(r, NETIF_CHANGE_ADD, np->want->ifname, "filter", NULL, text,
		     np->want->filters[i].pos.line);
	}
}

int config_report(struct plan *p)
{
	struct reporter r = { .p = p };
	unsigned int i;

	p->changes = 0;
	for (i = 0; i < p->nn; i++) {
		const struct nplan *np = &p->n[i];
		const struct cfg_netif *w = np->want;
		char text[160];

		if (np->attach) {
			snprintf(text, sizeof(text), "{mode: %s, rx-slots: %u, tx-slots: %u, buf-size: %u, "
				 "max-flows: %u%s}", netif_mode_name(w->mode), w->rx_slots, w->tx_slots,
				 w->buf_size, w->max_flows, w->low_latency ? ", low-latency: true" : "");
			tell(&r, NETIF_CHANGE_ADD, w->ifname, "netif", w->ifname, text, w->pos.line);
		}
		report_settings(&r, np);
		report_llinks(&r, np);
		report_flows(&r, np);
		report_filters(&r, np);
	}
	for (i = 0; i < p->ngone; i++)
		tell(&r, NETIF_CHANGE_REMOVE, p->gone_names[i], "netif", p->gone_names[i], NULL, 0);
	return r.err;
}
