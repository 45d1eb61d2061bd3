// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Installed flows changing as steps of a transaction: removal, and the
 * in-place change of what a flow does. Both keep what an abort needs
 * until the commit (the flow id with its counters, the old shaping class
 * and redirect target), so a configuration applied as one transaction can
 * remove, change and add flows in any order and still be undone whole.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <uuid/uuid.h>
#include <bpf/bpf.h>
#include "netif/proto.h"
#include "agent.h"
#include "bucket.h"
#include "flow.h"
#include "flow_priv.h"
#include "log.h"
#include "shape.h"
#include "txn.h"

/* ---- removal ----------------------------------------------------------- */

/* Out of the fast path (summary bits first, then the keys) and out of the index. */
static void unpublish(struct netif *nif, struct flow_rec *r)
{
	bool cfg_dirty = false;
	int i;

	/* stop probing a mask (and the port index) before its last key disappears */
	for (i = 0; i < r->nkeys; i++)
		if (ft_index_key(nif, &r->keys[i], NULL) ||
		    ft_account_key(nif, &r->keys[i], -1, &cfg_dirty))
			pr_warn("%s: cannot update the port index or tuple filter", nif->ifname);
	if (cfg_dirty)
		dp_cfg_write(&nif->dp, &nif->cfg);
	for (i = 0; i < r->nkeys; i++)
		bpf_map_delete_elem(nif->dp.map_fd[ft_key_map(&r->keys[i])],
				    ft_key_ptr(&r->keys[i]));
	ft_track(&nif->flows, r, false);
	HASH_DEL(nif->flows.by_uuid, r);
	nif->flows.count--;
}

/* Back as it was: the entry under each key (counters untouched), then the summary bits. */
static void undo_remove(void *arg, const void *data)
{
	struct flow_rec *r = *(struct flow_rec *const *)data;
	struct netif *nif = arg;
	struct netif_flow val;
	bool cfg_dirty = false;
	int i;

	flow_value(&r->spec, r->flow_id, r->nkeys, &val);
	val.classid = r->classid;
	for (i = 0; i < r->nkeys; i++)
		bpf_map_update_elem(nif->dp.map_fd[ft_key_map(&r->keys[i])],
				    ft_key_ptr(&r->keys[i]), &val, BPF_NOEXIST);
	for (i = 0; i < r->nkeys; i++)
		if (ft_index_key(nif, &r->keys[i], &val) ||
		    ft_account_key(nif, &r->keys[i], 1, &cfg_dirty))
			pr_warn("%s: cannot restore the port index or tuple filter", nif->ifname);
	if (cfg_dirty)
		dp_cfg_write(&nif->dp, &nif->cfg);
	HASH_ADD(hh, nif->flows.by_uuid, uuid, 16, r);
	nif->flows.count++;
	ft_track(&nif->flows, r, true);
}

/* Final: tell, then give back what was kept for an abort. */
static void commit_remove(void *arg, const void *data)
{
	struct flow_rec *r = *(struct flow_rec *const *)data;
	struct netif *nif = arg;

	flow_publish_event(nif, r, NETIF_EVENT_FLOW_DEL);
	if (r->spec.action == NETIF_ACTION_REDIRECT)
		ft_redirect_ref(nif, r->spec.redirect_ifindex, -1);
	if (r->classid)
		shape_class_del(nif, r->classid);
	/* a free id has zero counters (flow_add relies on it) */
	if (ft_stats_zero(nif, r->flow_id))
		pr_warn("%s: cannot clear the counters of flow id %u", nif->ifname, r->flow_id);
	ft_id_set(&nif->flows, r->flow_id, false);
	ft_rec_free(&nif->flows, r);
}

int flow_remove(struct netif *nif, const uint8_t uuid[16], struct txn *t, struct netif_extack *ext)
{
	struct flow_rec *r;
	int err;

	if (uuid_is_null(uuid)) {
		netif_extack_set(ext, "flow uuid is null");
		return -EINVAL;
	}
	r = flow_find(nif, uuid);
	if (!r) {
		netif_extack_set(ext, "no such flow");
		return -ENOENT;
	}
	/* both recorded before anything changes: no half-removed flow if one cannot be */
	err = txn_on_commit(t, commit_remove, nif, &r, sizeof(r));
	if (err)
		return err;
	unpublish(nif, r);
	return txn_undo(t, undo_remove, nif, &r, sizeof(r));
}

/* ---- change in place ----------------------------------------------------- */

/* What a change keeps until it is final: the flow, and how it was. */
struct flow_change {
	struct netif *nif;
	struct flow_rec *r;
	struct flow_spec old;
	uint32_t old_classid;
	uint32_t new_classid;
	uint32_t new_redirect; /* a reference to this new redirect target was taken (0: none) */
	bool bucket_changed;
};

static bool redirects_to(const struct flow_spec *fs, uint32_t ifindex)
{
	return fs->action == NETIF_ACTION_REDIRECT && fs->redirect_ifindex == ifindex;
}

/* The fast path's entry under every key of the flow, replaced in one update each. */
static int rewrite(struct netif *nif, const struct flow_rec *r, const struct flow_spec *fs,
		   uint32_t classid)
{
	struct netif_flow val;
	int i;

	flow_value(fs, r->flow_id, r->nkeys, &val);
	val.classid = classid;
	for (i = 0; i < r->nkeys; i++)
		if (bpf_map_update_elem(nif->dp.map_fd[ft_key_map(&r->keys[i])],
					ft_key_ptr(&r->keys[i]), &val, BPF_EXIST))
			return -errno;
	/* the port index holds a copy of single-port flows */
	for (i = 0; i < r->nkeys; i++) {
		int err = ft_index_update(nif, &r->keys[i], &val);

		if (err)
			return err;
	}
	return 0;
}

static void put_bucket(struct netif *nif, const struct flow_rec *r, const struct flow_spec *fs)
{
	struct netif_bucket b;

	bucket_params(fs->rate, fs->burst, "flow", &b, NULL);
	bucket_write(&nif->dp, NETIF_BUCKET_FLOW_BASE + r->flow_id, &b);
}

static void undo_change(void *arg, const void *data)
{
	struct flow_change *ch = *(struct flow_change *const *)data;
	struct flow_rec *r = ch->r;

	ft_track(&ch->nif->flows, r, false);
	rewrite(ch->nif, r, &ch->old, ch->old_classid);
	if (ch->bucket_changed)
		put_bucket(ch->nif, r, &ch->old);
	if (ch->new_classid && ch->new_classid != ch->old_classid)
		shape_class_del(ch->nif, ch->new_classid);
	if (ch->new_redirect)
		ft_redirect_ref(ch->nif, ch->new_redirect, -1);
	r->spec = ch->old;
	r->classid = ch->old_classid;
	ft_track(&ch->nif->flows, r, true);
	free(ch);
}

static void commit_change(void *arg, const void *data)
{
	struct flow_change *ch = *(struct flow_change *const *)data;
	struct flow_rec *r = ch->r;

	if (ch->old_classid && ch->old_classid != r->classid)
		shape_class_del(ch->nif, ch->old_classid);
	if (ch->old.action == NETIF_ACTION_REDIRECT &&
	    !redirects_to(&r->spec, ch->old.redirect_ifindex))
		ft_redirect_ref(ch->nif, ch->old.redirect_ifindex, -1);
	flow_publish_event(ch->nif, r, NETIF_EVENT_FLOW_CHANGE);
	free(ch);
}

/* The new resources first (redirect target, shaping class, bucket), then the entry. */
static int change_apply(struct flow_change *ch, struct flow_spec *fs, const struct netif_bucket *b,
			struct netif_extack *ext)
{
	struct netif *nif = ch->nif;
	struct flow_rec *r = ch->r;
	int err;

	if (fs->action == NETIF_ACTION_REDIRECT && !redirects_to(&ch->old, fs->redirect_ifindex)) {
		if (ft_redirect_ref(nif, fs->redirect_ifindex, 1)) {
			netif_extack_set(ext, "too many redirect targets (max %d)", NETIF_MAX_REDIRECTS);
			return -ENOSPC;
		}
		ch->new_redirect = fs->redirect_ifindex;
	}
	ch->new_classid = ch->old_classid;
	if (fs->shape != ch->old.shape) {
		ch->new_classid = 0;
		if (fs->shape) {
			err = shape_flow_add(nif, fs->shape, &ch->new_classid, ext);
			if (err)
				return err;
		}
	}
	if (fs->rate != ch->old.rate || fs->burst != ch->old.burst) {
		ch->bucket_changed = true;
		err = bucket_write(&nif->dp, NETIF_BUCKET_FLOW_BASE + r->flow_id, b);
		if (err) {
			netif_extack_set(ext, "cannot install the flow's bucket: %s", strerror(-err));
			return err;
		}
	}
	err = rewrite(nif, r, fs, ch->new_classid);
	if (err) {
		netif_extack_set(ext, "cannot update the flow: %s", strerror(-err));
		return err;
	}
	ft_track(&nif->flows, r, false);
	r->spec = *fs;
	r->classid = ch->new_classid;
	ft_track(&nif->flows, r, true);
	return 0;
}

int flow_modify(struct netif *nif, struct flow_rec *r, const struct flow_spec *want,
		struct txn *t, struct netif_extack *ext)
{
	struct flow_spec fs = r->spec;
	struct flow_change *ch;
	struct netif_bucket b;
	int err;

	fs.action = want->action;
	fs.port = want->port;
	memcpy(fs.redirect_dev, want->redirect_dev, sizeof(fs.redirect_dev));
	fs.redirect_ifindex = 0;
	fs.rate = want->rate;
	fs.burst = want->burst;
	fs.shape = want->shape;
	fs.qset_hint = want->qset_hint;
	err = flow_spec_check(&fs, ext) ?: flow_resolve_action(nif, &fs, &b, ext);
	if (err)
		return err;
	ch = calloc(1, sizeof(*ch));
	if (!ch)
		return -ENOMEM;
	ch->nif = nif;
	ch->r = r;
	ch->old = r->spec;
	ch->old_classid = r->classid;
	err = change_apply(ch, &fs, &b, ext);
	if (err) {
		/* give back what was taken, put back what was changed */
		undo_change(NULL, &ch);
		return err;
	}
	err = txn_on_commit(t, commit_change, NULL, &ch, sizeof(ch));
	if (err) {
		undo_change(NULL, &ch);
		return err;
	}
	return txn_undo(t, undo_change, NULL, &ch, sizeof(ch));
}

int flow_del(struct netif *nif, const uint8_t uuid[16], struct netif_extack *ext)
{
	struct txn t;
	int err;

	txn_init(&t);
	err = flow_remove(nif, uuid, &t, ext);
	if (err)
		txn_abort(&t);
	else
		txn_commit(&t);
	return err;
}
