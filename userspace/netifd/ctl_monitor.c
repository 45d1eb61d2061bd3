// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Protocol room of monitors: MONITOR turns the connection into a
 * subscriber of the event bus (of every netif, or of the one named), and
 * the encoder of every event (also used for channel holders). A monitor
 * that does not read is never waited for: what does not fit in its socket
 * is dropped and counted, and it is told how many with a LOST event as
 * soon as it has caught up (or at the next event, if that comes first).
 */
#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include "ctl.h"
#include "events.h"
#include "filter.h"

/* ---- encoding ---------------------------------------------------------- */

static void put_llink(struct nlmsghdr *nlh, const struct netif_llink *ll)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, NETIF_A_LLINK);
	unsigned int i;

	mnl_attr_put_u64(nlh, NETIF_LA_LINK_ID, ll->link_id);
	mnl_attr_put_u16(nlh, NETIF_LA_INTERNAL_ID, ll->internal_id);
	mnl_attr_put_u32(nlh, NETIF_LA_FLAGS, ll->flags);
	if (ll->vlan)
		mnl_attr_put_u16(nlh, NETIF_LA_VLAN, ll->vlan);
	for (i = 0; i < ll->nqsets && i < NETIF_LLINK_MAX_QSETS; i++) {
		struct nlattr *q = mnl_attr_nest_start(nlh, NETIF_LA_QSET);

		mnl_attr_put_u32(nlh, NETIF_QA_ID, ll->qsets[i]);
		mnl_attr_nest_end(nlh, q);
	}
	mnl_attr_nest_end(nlh, nest);
}

static void put_filter(struct nlmsghdr *nlh, const struct filter *f)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, NETIF_A_FILTER);

	mnl_attr_put_u32(nlh, NETIF_FIA_ID, f->id);
	mnl_attr_put_strz(nlh, NETIF_FIA_KIND, filter_kind_name(f->kind));
	if (f->arg[0])
		mnl_attr_put_strz(nlh, f->kind == NETIF_FILTER_EXTERNAL ? NETIF_FIA_NAME : NETIF_FIA_ARG,
				  f->arg);
	mnl_attr_put_u8(nlh, NETIF_FIA_DIR, f->dirs);
	mnl_attr_nest_end(nlh, nest);
}

static void put_settings(struct nlmsghdr *nlh, const struct netif *nif)
{
	mnl_attr_put_u8(nlh, NETIF_A_DEFAULT_ACTION, nif->cfg.default_action);
	mnl_attr_put_u8(nlh, NETIF_A_VLAN_POLICY, nif->cfg.vlan_policy);
	mnl_attr_put_u64(nlh, NETIF_A_INPUT_RATE, nif->info.input_rate);
	mnl_attr_put_u64(nlh, NETIF_A_INPUT_BURST, nif->info.input_burst);
	mnl_attr_put_u64(nlh, NETIF_A_SHAPE_RATE, nif->info.shape_rate);
}

/* The NETIF_A_EVENT nest: the kind and the fields of link and channel events. */
static void put_event_nest(struct nlmsghdr *nlh, const struct netif_event *ev, uint32_t lost)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, NETIF_A_EVENT);

	mnl_attr_put_u8(nlh, NETIF_EA_KIND, ev->kind);
	if (ev->has_link) {
		mnl_attr_put_u8(nlh, NETIF_EA_UP, ev->up);
		mnl_attr_put_u32(nlh, NETIF_EA_MTU, ev->mtu);
		mnl_attr_put(nlh, NETIF_EA_MAC, 6, ev->mac);
	}
	if (ev->kind == NETIF_EVENT_CHANNEL_OPEN || ev->kind == NETIF_EVENT_CHANNEL_CLOSE) {
		mnl_attr_put_u32(nlh, NETIF_EA_PID, ev->pid);
		if (ev->name && ev->name[0])
			mnl_attr_put_strz(nlh, NETIF_EA_NAME, ev->name);
	}
	if (ev->kind == NETIF_EVENT_LOST)
		mnl_attr_put_u32(nlh, NETIF_EA_LOST, lost);
	mnl_attr_nest_end(nlh, nest);
}

static void put_event(struct nlmsghdr *nlh, const struct netif_event *ev, uint32_t lost)
{
	if (ev->ifname)
		mnl_attr_put_strz(nlh, NETIF_A_IFNAME, ev->ifname);
	put_event_nest(nlh, ev, lost);
	if (ev->kind == NETIF_EVENT_ATTACH && ev->nif) {
		mnl_attr_put(nlh, NETIF_A_UUID, 16, ev->nif->info.uuid);
		mnl_attr_put_u8(nlh, NETIF_A_MODE, ev->nif->info.mode);
	}
	if (ev->kind == NETIF_EVENT_SET && ev->nif)
		put_settings(nlh, ev->nif);
	if (ev->flow)
		ctl_flow_put(nlh, ev->flow, NULL);
	if (ev->llink)
		put_llink(nlh, ev->llink);
	if (ev->filter)
		put_filter(nlh, ev->filter);
	if (ev->port)
		mnl_attr_put_u32(nlh, NETIF_A_PORT, ev->port);
}

void ctl_event_put(struct nlmsghdr *nlh, const struct netif_event *ev)
{
	put_event(nlh, ev, 0);
}

/* ---- subscribers --------------------------------------------------------- */

struct monitor {
	struct event_sub sub;
	struct ctl_conn_hook hook;
	struct ctl_conn *conn;
	char ifname[IF_NAMESIZE]; /* only this netif's events; empty: every netif's */
	uint32_t lost;            /* dropped since the last event it got */
	struct monitor *next;
};

static struct monitor *monitors;

static int send_event(struct monitor *m, const struct netif_event *ev, uint32_t lost)
{
	char buf[CTL_EVENT_MAX];
	struct nlmsghdr *nlh = netif_msg_start(buf, NETIF_CMD_EVENT, 0, 0);

	put_event(nlh, ev, lost);
	return ctl_conn_send(m->conn, nlh);
}

/* What it missed, if anything and if it fits now: a reader learns its picture has a hole. */
static void send_lost(struct monitor *m)
{
	struct netif_event lost = { .kind = NETIF_EVENT_LOST };

	if (m->lost && send_event(m, &lost, m->lost) == 0)
		m->lost = 0;
}

static struct monitor *monitor_of(struct ctl_conn_hook *h)
{
	return (struct monitor *)((char *)h - offsetof(struct monitor, hook));
}

static void monitor_event(struct event_sub *s, const struct netif_event *ev)
{
	struct monitor *m = (struct monitor *)s;

	if (m->ifname[0] && (!ev->ifname || strcmp(m->ifname, ev->ifname)))
		return;
	send_lost(m); /* first, before the event */
	if (m->lost || send_event(m, ev, 0)) {
		m->lost++;
		events_dropped(1);
	}
}

/* It reads again and has caught up: tell it what it missed now, not at the next event. */
static void monitor_drained(struct ctl_conn_hook *h)
{
	send_lost(monitor_of(h));
}

static void monitor_closed(struct ctl_conn_hook *h)
{
	struct monitor *m = monitor_of(h);
	struct monitor **pp;

	events_unsubscribe(&m->sub);
	for (pp = &monitors; *pp; pp = &(*pp)->next) {
		if (*pp == m) {
			*pp = m->next;
			break;
		}
	}
	free(m);
}

static int h_monitor(struct ctl_req *r)
{
	struct monitor *m;

	for (m = monitors; m; m = m->next) {
		if (m->conn == r->conn) {
			netif_extack_set(&r->ext, "this connection is a monitor already");
			return -EBUSY;
		}
	}
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	/* by name, attached or not: a monitor may wait for the attach */
	if (r->tb[NETIF_A_IFNAME])
		snprintf(m->ifname, sizeof(m->ifname), "%s", mnl_attr_get_str(r->tb[NETIF_A_IFNAME]));
	m->conn = r->conn;
	m->sub.fn = monitor_event;
	m->hook.closed = monitor_closed;
	m->hook.drained = monitor_drained;
	ctl_conn_hook_add(r->conn, &m->hook);
	events_subscribe(&m->sub);
	m->next = monitors;
	monitors = m;
	return 0;
}

/* Reading: anybody may watch, as anybody may show. */
static const struct ctl_row rows[] = {
	{ NETIF_CMD_MONITOR, { h_monitor, .allowed = A(NETIF_A_IFNAME) } },
};

const struct ctl_rows ctl_monitor_rows = { rows, ARRAY_SIZE(rows) };
