// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "netif/params.h"
#include "tc/qdisc.h"
#include "agent.h"
#include "log.h"
#include "shape.h"
#include "units.h"

/*
 * Class layout under the HTB root 1:
 *   1:1      top class: the netif's shaping rate, or unlimited
 *   1:ffff   leaf for unclassified traffic, only while the netif is shaped
 *            (otherwise unclassified packets take HTB's direct queue)
 *   1:1xx    one per shaped qset (by qset slot)
 *   1:1000+  one per shaped flow
 */
#define HTB_ROOT NETIF_TC_CLASSID(NETIF_HTB_MAJOR, 0)
#define HTB_TOP NETIF_TC_CLASSID(NETIF_HTB_MAJOR, 1)
#define HTB_DEFAULT_MINOR 0xffffU
#define HTB_QSET_MINOR(slot) (0x100U + (slot))
#define HTB_FLOW_MINOR_MIN 0x1000U
#define HTB_FLOW_MINOR_MAX 0xfffeU
#define HTB_UNLIMITED NETIF_RATE_MAX

struct shape_class {
	uint32_t classid;
	uint64_t rate;
};

struct shape_state {
	bool root;
	uint64_t netif_rate;
	struct shape_class *cls;
	unsigned int ncls, cap;
};

static struct shape_state *state(struct netif *nif)
{
	if (!nif->shape)
		nif->shape = calloc(1, sizeof(*nif->shape));
	return nif->shape;
}

static struct shape_class *class_find(struct shape_state *s, uint32_t classid)
{
	unsigned int i;

	for (i = 0; i < s->ncls; i++)
		if (s->cls[i].classid == classid)
			return &s->cls[i];
	return NULL;
}

static int class_remember(struct shape_state *s, uint32_t classid, uint64_t rate)
{
	if (s->ncls == s->cap) {
		unsigned int cap = s->cap ? s->cap * 2 : 16;
		struct shape_class *c = realloc(s->cls, cap * sizeof(*c));

		if (!c)
			return -ENOMEM;
		s->cls = c;
		s->cap = cap;
	}
	s->cls[s->ncls].classid = classid;
	s->cls[s->ncls].rate = rate;
	s->ncls++;
	return 0;
}

static void class_forget(struct shape_state *s, uint32_t classid)
{
	struct shape_class *c = class_find(s, classid);

	if (c)
		*c = s->cls[--s->ncls];
}

static uint32_t mtu(struct netif *nif)
{
	return nif->info.mtu ? nif->info.mtu : 1500;
}

static int root_available(struct netif *nif, struct netif_extack *ext)
{
	struct qdisc_info qi;
	int err;

	err = qdisc_root_get(nif->ifindex, &qi);
	if (err) {
		netif_extack_set(ext, "cannot read the qdiscs of %s: %s", nif->ifname, strerror(-err));
		return err;
	}
	if (!qdisc_root_is_default(&qi)) {
		netif_extack_set(ext, "%s has a root qdisc (%s %x:); shaping needs the root, "
				      "remove it or police with rate instead",
				 nif->ifname, qi.kind, qi.handle >> 16);
		return -EBUSY;
	}
	return 0;
}

static int ensure_root(struct netif *nif, struct netif_extack *ext)
{
	struct shape_state *s = state(nif);
	char msg[256];
	int err;

	if (!s)
		return -ENOMEM;
	if (s->root)
		return 0;
	err = root_available(nif, ext);
	if (err)
		return err;
	err = qdisc_htb_create(nif->ifindex, HTB_ROOT, HTB_DEFAULT_MINOR, msg, sizeof(msg));
	if (!err)
		err = qdisc_htb_class_set(nif->ifindex, HTB_TOP, HTB_ROOT,
					  s->netif_rate ? s->netif_rate : HTB_UNLIMITED, mtu(nif),
					  true, msg, sizeof(msg));
	if (err) {
		netif_extack_set(ext, "cannot install the HTB root on %s: %s", nif->ifname,
				 msg[0] ? msg : strerror(-err));
		qdisc_root_delete(nif->ifindex, HTB_ROOT);
		return err;
	}
	s->root = true;
	nif->info.tc_flags |= NETIF_TC_F_HTB_OURS;
	dp_info_write(&nif->dp, &nif->info);
	return 0;
}

static void release_root_if_unused(struct netif *nif)
{
	struct shape_state *s = nif->shape;

	if (!s || !s->root || s->ncls || s->netif_rate)
		return;
	qdisc_root_delete(nif->ifindex, HTB_ROOT);
	s->root = false;
	nif->info.tc_flags &= ~NETIF_TC_F_HTB_OURS;
	dp_info_write(&nif->dp, &nif->info);
}

int shape_netif_check(struct netif *nif, uint64_t rate, struct netif_extack *ext)
{
	if (rate && (rate < NETIF_RATE_MIN || rate > NETIF_RATE_MAX)) {
		netif_extack_set(ext, "shape rate out of range [8bit, 400Gbit]");
		return -EINVAL;
	}
	if (rate && !(nif->shape && nif->shape->root))
		return root_available(nif, ext);
	return 0;
}

int shape_netif_set(struct netif *nif, uint64_t rate, struct netif_extack *ext)
{
	struct shape_state *s = state(nif);
	uint32_t leaf = NETIF_TC_CLASSID(NETIF_HTB_MAJOR, HTB_DEFAULT_MINOR);
	char msg[256];
	int err;

	if (!s)
		return -ENOMEM;
	if (rate == s->netif_rate)
		return 0;
	if (rate) {
		bool had = s->netif_rate != 0;

		err = ensure_root(nif, ext);
		if (err)
			return err;
		err = qdisc_htb_class_set(nif->ifindex, HTB_TOP, HTB_ROOT, rate, mtu(nif), false,
					  msg, sizeof(msg));
		if (!err)
			err = qdisc_htb_class_set(nif->ifindex, leaf, HTB_TOP, rate, mtu(nif), !had,
						  msg, sizeof(msg));
		if (err) {
			netif_extack_set(ext, "cannot shape %s: %s", nif->ifname,
					 msg[0] ? msg : strerror(-err));
			qdisc_htb_class_set(nif->ifindex, HTB_TOP, HTB_ROOT,
					    had ? s->netif_rate : HTB_UNLIMITED, mtu(nif), false, NULL, 0);
			release_root_if_unused(nif);
			return err;
		}
	} else {
		qdisc_class_delete(nif->ifindex, leaf);
		if (s->root)
			qdisc_htb_class_set(nif->ifindex, HTB_TOP, HTB_ROOT, HTB_UNLIMITED, mtu(nif),
					    false, NULL, 0);
	}
	s->netif_rate = rate;
	nif->info.shape_rate = rate;
	dp_info_write(&nif->dp, &nif->info);
	release_root_if_unused(nif);
	return 0;
}

static int class_add(struct netif *nif, uint32_t classid, uint64_t rate, struct netif_extack *ext)
{
	struct shape_state *s;
	char msg[256];
	int err;

	err = ensure_root(nif, ext);
	if (err)
		return err;
	s = nif->shape;
	err = qdisc_htb_class_set(nif->ifindex, classid, HTB_TOP, rate, mtu(nif), true, msg,
				  sizeof(msg));
	if (!err)
		err = class_remember(s, classid, rate);
	if (err) {
		netif_extack_set(ext, "cannot create HTB class %x:%x: %s", classid >> 16,
				 classid & 0xffff, msg[0] ? msg : strerror(-err));
		qdisc_class_delete(nif->ifindex, classid);
		release_root_if_unused(nif);
	}
	return err;
}

int shape_flow_add(struct netif *nif, uint64_t rate, uint32_t *classid, struct netif_extack *ext)
{
	struct shape_state *s = state(nif);
	uint32_t minor;

	if (!s)
		return -ENOMEM;
	for (minor = HTB_FLOW_MINOR_MIN; minor <= HTB_FLOW_MINOR_MAX; minor++) {
		uint32_t id = NETIF_TC_CLASSID(NETIF_HTB_MAJOR, minor);

		if (!class_find(s, id)) {
			int err = class_add(nif, id, rate, ext);

			if (!err)
				*classid = id;
			return err;
		}
	}
	netif_extack_set(ext, "too many shaped flows");
	return -ENOSPC;
}

int shape_qset_add(struct netif *nif, uint16_t qslot, uint64_t rate, uint32_t *classid,
		   struct netif_extack *ext)
{
	uint32_t id = NETIF_TC_CLASSID(NETIF_HTB_MAJOR, HTB_QSET_MINOR(qslot));
	int err;

	if (!state(nif))
		return -ENOMEM;
	err = class_add(nif, id, rate, ext);
	if (!err)
		*classid = id;
	return err;
}

void shape_class_del(struct netif *nif, uint32_t classid)
{
	if (!nif->shape || !classid)
		return;
	qdisc_class_delete(nif->ifindex, classid);
	class_forget(nif->shape, classid);
	release_root_if_unused(nif);
}

void shape_qset_del(struct netif *nif, uint16_t qslot)
{
	shape_class_del(nif, NETIF_TC_CLASSID(NETIF_HTB_MAJOR, HTB_QSET_MINOR(qslot)));
}

uint64_t shape_class_rate(struct netif *nif, uint32_t classid)
{
	struct shape_class *c = nif->shape ? class_find(nif->shape, classid) : NULL;

	return c ? c->rate : 0;
}

static void adopt_class(const struct htb_class *c, void *data)
{
	struct shape_state *s = data;
	uint32_t minor = c->classid & 0xffff;

	if ((c->classid >> 16) != NETIF_HTB_MAJOR || minor == 1 || minor == HTB_DEFAULT_MINOR)
		return;
	class_remember(s, c->classid, c->rate_bps);
}

int shape_adopt(struct netif *nif)
{
	struct shape_state *s;
	struct qdisc_info qi;

	if (!(nif->info.tc_flags & NETIF_TC_F_HTB_OURS))
		return 0;
	s = state(nif);
	if (!s)
		return -ENOMEM;
	if (qdisc_root_get(nif->ifindex, &qi) || strcmp(qi.kind, "htb") || qi.handle != HTB_ROOT) {
		pr_warn("%s: our HTB root is gone; shaping is off", nif->ifname);
		nif->info.tc_flags &= ~NETIF_TC_F_HTB_OURS;
		nif->info.shape_rate = 0;
		dp_info_write(&nif->dp, &nif->info);
		return 0;
	}
	s->root = true;
	s->netif_rate = nif->info.shape_rate;
	return qdisc_htb_class_dump(nif->ifindex, adopt_class, s);
}

void shape_fini(struct netif *nif)
{
	struct shape_state *s = nif->shape;

	if (s && s->root) {
		/* deleting the root takes every class with it */
		qdisc_root_delete(nif->ifindex, HTB_ROOT);
		nif->info.tc_flags &= ~NETIF_TC_F_HTB_OURS;
	}
	shape_release(nif);
}

void shape_release(struct netif *nif)
{
	if (!nif->shape)
		return;
	free(nif->shape->cls);
	free(nif->shape);
	nif->shape = NULL;
}
