// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The settings of a netif (nexus.h): default action, input-rate policing,
 * the unknown-VLAN policy and netif-wide shaping. Each is validated in one
 * place; several change together as one transaction.
 */
#include <errno.h>
#include <string.h>
#include "bucket.h"
#include "events.h"
#include "exception.h"
#include "nexus.h"
#include "shape.h"
#include "txn.h"

/* Publish a changed configuration to the fast path; the mirror follows only on success. */
static int cfg_commit(struct netif *nif, const struct netif_cfg *cfg, struct netif_extack *ext)
{
	int err = dp_cfg_write(&nif->dp, cfg);

	if (err) {
		netif_extack_set(ext, "cannot update the netif configuration: %s", strerror(-err));
		return err;
	}
	nif->cfg = *cfg;
	return 0;
}

static int check_default_action(uint8_t action, struct netif_extack *ext)
{
	if (action == NETIF_ACTION_PASS || action == NETIF_ACTION_DROP ||
	    action == NETIF_ACTION_EXCEPTION)
		return 0;
	netif_extack_set(ext, "default action must be pass, drop or exception");
	return -EINVAL;
}

static int check_vlan_policy(uint8_t policy, struct netif_extack *ext)
{
	if (policy <= NETIF_VLAN_DROP)
		return 0;
	netif_extack_set(ext, "unknown-vlan policy must be default, pass or drop");
	return -EINVAL;
}

int nexus_set_default_action(struct netif *nif, uint8_t action, struct netif_extack *ext)
{
	struct netif_cfg cfg = nif->cfg;
	int err = check_default_action(action, ext);

	if (err)
		return err;
	cfg.default_action = action;
	return cfg_commit(nif, &cfg, ext);
}

int nexus_set_input_rate(struct netif *nif, uint64_t rate, uint64_t burst,
			 struct netif_extack *ext)
{
	struct netif_cfg cfg = nif->cfg;
	struct netif_bucket b;
	int err;

	err = bucket_params(rate, burst, "input", &b, ext);
	if (err)
		return err;
	err = bucket_write(&nif->dp, NETIF_BUCKET_INPUT, &b);
	if (err) {
		netif_extack_set(ext, "cannot install the input bucket: %s", strerror(-err));
		return err;
	}
	cfg.input_bucket = rate ? 1 : 0;
	if (cfg.input_bucket != nif->cfg.input_bucket) {
		err = cfg_commit(nif, &cfg, ext);
		if (err)
			return err;
	}
	nif->info.input_rate = b.rate;
	nif->info.input_burst = b.burst;
	dp_info_write(&nif->dp, &nif->info);
	return 0;
}

int nexus_set_vlan_policy(struct netif *nif, uint8_t policy, struct netif_extack *ext)
{
	struct netif_cfg cfg = nif->cfg;
	int err = check_vlan_policy(policy, ext);

	if (err)
		return err;
	cfg.vlan_policy = policy;
	return cfg_commit(nif, &cfg, ext);
}

/* ---- several settings at once --------------------------------------------- */

int nexus_settings_check(struct netif *nif, const struct netif_settings *s,
			 struct netif_extack *ext)
{
	struct netif_bucket b;
	int err = 0;

	if (!s->has_default_action && !s->has_input_rate && !s->has_input_burst &&
	    !s->has_shape && !s->has_vlan_policy) {
		netif_extack_set(ext, "nothing to set");
		return -EINVAL;
	}
	if (s->has_input_burst && !s->has_input_rate) {
		netif_extack_set(ext, "burst needs input-rate");
		return -EINVAL;
	}
	if (s->has_input_rate)
		err = bucket_params(s->input_rate, s->input_burst, "input", &b, ext);
	if (!err && s->has_default_action)
		err = check_default_action(s->default_action, ext);
	if (!err && s->has_vlan_policy)
		err = check_vlan_policy(s->vlan_policy, ext);
	if (!err && s->has_shape)
		err = shape_netif_check(nif, s->shape, ext);
	return err;
}

/* What a setting was before the transaction changed it. */
struct old_setting {
	uint64_t a, b;
};

static void undo_shape(void *arg, const void *data)
{
	shape_netif_set(arg, ((const struct old_setting *)data)->a, NULL);
}

static void undo_input_rate(void *arg, const void *data)
{
	const struct old_setting *o = data;

	nexus_set_input_rate(arg, o->a, o->b, NULL);
}

static void undo_default_action(void *arg, const void *data)
{
	nexus_set_default_action(arg, ((const struct old_setting *)data)->a, NULL);
}

static void undo_vlan_policy(void *arg, const void *data)
{
	nexus_set_vlan_policy(arg, ((const struct old_setting *)data)->a, NULL);
}

static void announce_set(void *arg, const void *data)
{
	struct netif *nif = arg;
	struct netif_event ev = { .kind = NETIF_EVENT_SET, .ifname = nif->ifname, .nif = nif };

	events_publish(&ev);
}

int nexus_set(struct netif *nif, const struct netif_settings *s, struct txn *t,
	      struct netif_extack *ext)
{
	struct old_setting old;
	int err = nexus_settings_check(nif, s, ext) ?: txn_on_commit(t, announce_set, nif, NULL, 0);

	if (!err && s->has_shape) {
		old.a = nif->info.shape_rate;
		err = shape_netif_set(nif, s->shape, ext) ?:
		      txn_undo(t, undo_shape, nif, &old, sizeof(old));
	}
	if (!err && s->has_input_rate) {
		old.a = nif->info.input_rate;
		old.b = nif->info.input_burst;
		err = nexus_set_input_rate(nif, s->input_rate, s->input_burst, ext) ?:
		      txn_undo(t, undo_input_rate, nif, &old, sizeof(old));
	}
	if (!err && s->has_default_action) {
		old.a = nif->cfg.default_action;
		err = nexus_set_default_action(nif, s->default_action, ext) ?:
		      txn_undo(t, undo_default_action, nif, &old, sizeof(old)) ?:
		      exception_sync(nif, t, ext);
	}
	if (!err && s->has_vlan_policy) {
		old.a = nif->cfg.vlan_policy;
		err = nexus_set_vlan_policy(nif, s->vlan_policy, ext) ?:
		      txn_undo(t, undo_vlan_policy, nif, &old, sizeof(old));
	}
	return err;
}
