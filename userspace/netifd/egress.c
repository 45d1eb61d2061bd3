// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/pkt_sched.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "tc/qdisc.h"
#include "agent.h"
#include "egress.h"
#include "log.h"
#include "shape.h"

#define CLSACT_EGRESS TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_EGRESS)
#define CLSACT_INGRESS TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_INGRESS)

static void hook_init(struct bpf_tc_hook *h, int ifindex, enum bpf_tc_attach_point where)
{
	memset(h, 0, sizeof(*h));
	h->sz = sizeof(*h);
	h->ifindex = ifindex;
	h->attach_point = where;
}

static void opts_init(struct bpf_tc_opts *o, int prog_fd)
{
	memset(o, 0, sizeof(*o));
	o->sz = sizeof(*o);
	o->handle = NETIF_TC_HANDLE;
	o->priority = NETIF_TC_PRIORITY;
	o->prog_fd = prog_fd;
}

/*
 * Is the program behind the filter at our handle/priority netif_tc? Told
 * by the name libbpf gave the filter ("netif_tc:[id]"), which the filter
 * dump carries: looking the program up by id would take CAP_SYS_ADMIN,
 * which netifd does not keep.
 */
static bool our_slot_prog(int ifindex)
{
	char name[64];

	if (qdisc_filter_bpf_name(ifindex, CLSACT_EGRESS, NETIF_TC_HANDLE, NETIF_TC_PRIORITY, name,
				  sizeof(name)))
		return false;
	return strcmp(name, "netif_tc") == 0 || strncmp(name, "netif_tc:[", 10) == 0;
}

/*
 * The one way our filter gets onto clsact egress: create it, or replace a
 * program at our handle/priority when it is ours (a leftover of an agent
 * killed mid-detach, or the previous build being upgraded) — never a
 * stranger's.
 */
static int tc_attach(struct netif *nif, int prog_fd, struct netif_extack *ext)
{
	struct bpf_tc_hook hook;
	struct bpf_tc_opts o;
	int err;

	hook_init(&hook, nif->ifindex, BPF_TC_EGRESS);
	opts_init(&o, prog_fd);
	err = bpf_tc_attach(&hook, &o);
	if (err != -EEXIST)
		goto out;
	if (our_slot_prog(nif->ifindex)) {
		opts_init(&o, prog_fd);
		o.flags = BPF_TC_F_REPLACE;
		err = bpf_tc_attach(&hook, &o);
	} else {
		netif_extack_set(ext, "a tc egress filter already uses handle 0x%x prio 0x%x on %s",
				 NETIF_TC_HANDLE, NETIF_TC_PRIORITY, nif->ifname);
		return -EBUSY;
	}
out:
	if (err)
		netif_extack_set(ext, "cannot attach the egress program to %s: %s", nif->ifname,
				 strerror(-err));
	return err;
}

/* clsact on the device: ours if we created it (and then ours to remove). */
static int hook_create(struct netif *nif, struct netif_extack *ext)
{
	struct bpf_tc_hook hook;
	int err;

	hook_init(&hook, nif->ifindex, BPF_TC_EGRESS);
	err = bpf_tc_hook_create(&hook);
	if (err == 0) {
		nif->info.tc_flags |= NETIF_TC_F_CLSACT_OURS;
		return 0;
	}
	if (err == -EEXIST)
		return 0;
	netif_extack_set(ext, "cannot create the clsact qdisc on %s: %s", nif->ifname,
			 strerror(-err));
	return err;
}

static void hook_destroy_if_ours(struct netif *nif)
{
	struct bpf_tc_hook hook;

	if (!(nif->info.tc_flags & NETIF_TC_F_CLSACT_OURS))
		return;
	/* give clsact back only if nobody else put filters on it since */
	if (qdisc_filter_count(nif->ifindex, CLSACT_EGRESS) == 0 &&
	    qdisc_filter_count(nif->ifindex, CLSACT_INGRESS) == 0) {
		hook_init(&hook, nif->ifindex, BPF_TC_INGRESS | BPF_TC_EGRESS);
		bpf_tc_hook_destroy(&hook);
	}
	nif->info.tc_flags &= ~NETIF_TC_F_CLSACT_OURS;
}

int egress_attach(struct netif *nif, struct netif_extack *ext)
{
	int err = hook_create(nif, ext);

	if (!err)
		err = tc_attach(nif, nif->dp.tc_prog_fd, ext);
	if (err)
		hook_destroy_if_ours(nif);
	return err;
}

void egress_detach(struct netif *nif)
{
	struct bpf_tc_hook hook;
	struct bpf_tc_opts o;

	shape_fini(nif);
	hook_init(&hook, nif->ifindex, BPF_TC_EGRESS);
	opts_init(&o, 0);
	bpf_tc_detach(&hook, &o);
	hook_destroy_if_ours(nif);
}

int egress_upgrade(struct netif *nif, int prog_fd)
{
	struct netif_extack ext = {};
	int err = tc_attach(nif, prog_fd, &ext);

	if (err) {
		pr_warn("%s: TC program upgrade failed: %s", nif->ifname, ext.msg);
		close(prog_fd);
		return err;
	}
	return dp_tc_prog_set(&nif->dp, prog_fd);
}

int egress_adopt(struct netif *nif)
{
	struct netif_extack ext = {};
	struct bpf_tc_hook hook;
	struct bpf_tc_opts o;

	hook_init(&hook, nif->ifindex, BPF_TC_EGRESS);
	opts_init(&o, 0);
	if (bpf_tc_query(&hook, &o) != 0) {
		if (nif->dp.tc_prog_fd < 0) {
			pr_warn("%s: egress program missing and not pinned; egress unclassified",
				nif->ifname);
		} else {
			pr_warn("%s: egress filter was removed; re-attaching it", nif->ifname);
			if (hook_create(nif, &ext) || tc_attach(nif, nif->dp.tc_prog_fd, &ext))
				pr_warn("%s: cannot re-attach the egress program: %s", nif->ifname,
					ext.msg);
		}
	}
	return shape_adopt(nif);
}

void egress_release(struct netif *nif)
{
	shape_release(nif);
}
