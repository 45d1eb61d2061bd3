// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The exposition (metrics.h): a snapshot of the agent read through the
 * domain APIs, and its text, family by family. Counter names come from
 * the lists of include/netif/stats.h: netif_<name>_total for the fast
 * path's netif_stats, netif_agent_<name>_total for agent_stats. Every
 * sample of a family is written before the next family starts, as the
 * format requires; the writer stops at a line boundary when the buffer is
 * full and resumes there.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <uuid/uuid.h>
#include "agent.h"
#include "channel.h"
#include "events.h"
#include "exception.h"
#include "filter.h"
#include "llink.h"
#include "metrics_text.h"
#include "names.h"

enum scope { S_AGENT, S_NETIF, S_INFO, S_LLINK, S_QSET, S_FILTER, S_PORT, S_FLOW };

struct family {
	const char *name;
	const char *help;
	bool counter;
	uint8_t scope;
	bool real;        /* S_AGENT: a double, not a u64 */
	uint16_t off;     /* of the value in the scope's struct */
};

#define NETIF_FAM(n) { "netif_" #n "_total", "netif fast-path counter " #n " (docs/maps.md)", true, \
		       S_NETIF, false, offsetof(struct snap_netif, st) + offsetof(struct netif_stats, n) },
#define AGENT_FAM(n) { "netif_agent_" #n "_total", "netif agent counter " #n " (docs/maps.md)", \
		       true, S_NETIF, false,                                                  \
		       offsetof(struct snap_netif, ast) + offsetof(struct netif_agent_stats, n) },
#define GAUGE(sc, st, n, f, h) { n, h, false, sc, false, offsetof(st, f) }
#define COUNT(sc, st, n, f, h) { n, h, true, sc, false, offsetof(st, f) }

static const struct family families[] = {
	GAUGE(S_AGENT, struct snap_agent, "netifd_start_time_seconds", start_time,
	      "When netifd started, seconds since the epoch"),
	COUNT(S_AGENT, struct snap_agent, "netifd_metrics_scrapes_total", scrapes,
	      "Scrapes of this endpoint, this one included"),
	{ "netifd_metrics_snapshot_seconds", "What reading the state for this scrape took", false,
	  S_AGENT, true, offsetof(struct snap_agent, snapshot_seconds) },
	COUNT(S_AGENT, struct snap_agent, "netifd_events_published_total", events_published,
	      "Events published on netifd's event bus"),
	COUNT(S_AGENT, struct snap_agent, "netifd_events_dropped_total", events_dropped,
	      "Events monitors were too slow to take"),
	GAUGE(S_AGENT, struct snap_agent, "netifd_monitors", monitors,
	      "Event bus subscribers (monitor connections and the channel relay)"),
	GAUGE(S_AGENT, struct snap_agent, "netifd_netifs", netifs, "Netifs attached"),
	{ "netif_info", "An attached netif (value 1) with its uuid and XDP mode", false, S_INFO, false, 0 },
	GAUGE(S_NETIF, struct snap_netif, "netif_up", up, "Link administratively up with carrier"),
	GAUGE(S_NETIF, struct snap_netif, "netif_mtu_bytes", mtu, "MTU of the device"),
	GAUGE(S_NETIF, struct snap_netif, "netif_flows", flows_count, "Flows installed"),
	GAUGE(S_NETIF, struct snap_netif, "netif_max_flows", max_flows, "Flow table size (max-flows)"),
	GAUGE(S_NETIF, struct snap_netif, "netif_attach_time_seconds", attach_time,
	      "When the netif was attached, seconds since the epoch"),
	NETIF_STATS_LIST(NETIF_FAM)
	NETIF_AGENT_STATS_LIST(AGENT_FAM)
	COUNT(S_LLINK, struct snap_llink, "netif_llink_rx_packets_total", st.rx_packets,
	      "Packets received on the logical link"),
	COUNT(S_LLINK, struct snap_llink, "netif_llink_rx_bytes_total", st.rx_bytes,
	      "Bytes received on the logical link"),
	COUNT(S_LLINK, struct snap_llink, "netif_llink_tx_packets_total", st.tx_packets,
	      "Packets sent on the logical link"),
	COUNT(S_LLINK, struct snap_llink, "netif_llink_tx_bytes_total", st.tx_bytes,
	      "Bytes sent on the logical link"),
	COUNT(S_QSET, struct snap_qset, "netif_qset_rx_packets_total", st.rx_packets,
	      "Packets received on the queue set"),
	COUNT(S_QSET, struct snap_qset, "netif_qset_rx_bytes_total", st.rx_bytes,
	      "Bytes received on the queue set"),
	COUNT(S_QSET, struct snap_qset, "netif_qset_tx_packets_total", st.tx_packets,
	      "Packets sent on the queue set"),
	COUNT(S_QSET, struct snap_qset, "netif_qset_tx_bytes_total", st.tx_bytes,
	      "Bytes sent on the queue set"),
	COUNT(S_QSET, struct snap_qset, "netif_qset_drops_total", st.drops,
	      "Packets the queue set's policer dropped"),
	COUNT(S_FILTER, struct snap_filter, "netif_filter_packets_total", packets,
	      "Frames the exception-path filter saw"),
	COUNT(S_FILTER, struct snap_filter, "netif_filter_bytes_total", bytes,
	      "Bytes the exception-path filter saw"),
	COUNT(S_FILTER, struct snap_filter, "netif_filter_drops_total", drops,
	      "Frames the exception-path filter dropped"),
	COUNT(S_PORT, struct snap_port, "netif_port_rx_packets_total", rx_packets,
	      "Frames delivered to the client port's channel"),
	COUNT(S_PORT, struct snap_port, "netif_port_rx_drops_total", rx_drops,
	      "Frames lost because the client's ring was full"),
	COUNT(S_PORT, struct snap_port, "netif_port_tx_packets_total", tx_packets,
	      "Frames the client sent"),
	COUNT(S_PORT, struct snap_port, "netif_port_tx_drops_total", tx_drops,
	      "Frames the client sent that were refused"),
	COUNT(S_FLOW, struct snap_flow, "netif_flow_packets_total", st.packets,
	      "Packets that matched the flow"),
	COUNT(S_FLOW, struct snap_flow, "netif_flow_bytes_total", st.bytes,
	      "Bytes that matched the flow"),
	COUNT(S_FLOW, struct snap_flow, "netif_flow_drops_total", st.drops,
	      "Packets of the flow dropped for any reason (action drop, a policer, a failed redirect)"),
	COUNT(S_FLOW, struct snap_flow, "netif_flow_rate_limited_total", st.rate_limited,
	      "Packets of the flow a token bucket (the flow's or its qset's) dropped"),
};

#define NFAM (sizeof(families) / sizeof(families[0]))
/* No line is longer: names, labels (an escaped ifname at most 60 bytes), a u64 */
#define LINE_MAX_LEN 512

size_t metrics_escape(const char *in, char *out, size_t outlen)
{
	size_t n = 0;

	for (; *in && n + 3 < outlen; in++) {
		if (*in == '\\' || *in == '"') {
			out[n++] = '\\';
			out[n++] = *in;
		} else if (*in == '\n') {
			out[n++] = '\\';
			out[n++] = 'n';
		} else {
			out[n++] = *in;
		}
	}
	out[n] = '\0';
	return n;
}

/* ---- writing lines ----------------------------------------------------- */

struct line {
	char *p;
};

static void put(struct line *l, const char *s)
{
	size_t n = strlen(s);

	memcpy(l->p, s, n);
	l->p += n;
}

static void put_u64(struct line *l, uint64_t v)
{
	char tmp[24];
	int i = sizeof(tmp);

	do {
		tmp[--i] = '0' + v % 10;
		v /= 10;
	} while (v);
	memcpy(l->p, tmp + i, sizeof(tmp) - i);
	l->p += sizeof(tmp) - i;
}

static void fmt_uuid(char out[36], const uint8_t u[16])
{
	static const char hex[] = "0123456789abcdef";
	int i, j = 0;

	for (i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[j++] = '-';
		out[j++] = hex[u[i] >> 4];
		out[j++] = hex[u[i] & 15];
	}
}

static void put_n(struct line *l, const char *s, size_t n)
{
	memcpy(l->p, s, n);
	l->p += n;
}

static void put_label(struct line *l, const char *key, const char *val)
{
	put(l, ",");
	put(l, key);
	put(l, "=\"");
	put(l, val);
	put(l, "\"");
}

static void put_label_u64(struct line *l, const char *key, uint64_t v)
{
	put(l, ",");
	put(l, key);
	put(l, "=\"");
	put_u64(l, v);
	put(l, "\"");
}

static uint64_t u64_at(const void *base, uint16_t off)
{
	uint64_t v;

	memcpy(&v, (const char *)base + off, sizeof(v));
	return v;
}

/* What follows a flow's uuid, by table and direction. */
static const struct {
	const char *s;
	size_t n;
} flow_tail[4][2] = {
#define TAIL(t, d) { "\",table=\"" t "\",dir=\"" d "\"} ", sizeof("\",table=\"" t "\",dir=\"" d "\"} ") - 1 }
	[0] = { TAIL("unknown", "in"), TAIL("unknown", "out") },
	[NETIF_FLOW_ETHERTYPE] = { TAIL("ethertype", "in"), TAIL("ethertype", "out") },
	[NETIF_FLOW_ULA] = { TAIL("ula", "in"), TAIL("ula", "out") },
	[NETIF_FLOW_TUPLE] = { TAIL("tuple", "in"), TAIL("tuple", "out") },
#undef TAIL
};

/* The bulk of the exposition, three lines per flow: no lengths measured, no formats. */
static void flow_sample(struct line *l, const char *name, size_t nlen, const struct snap_netif *n,
			const struct snap_flow *f, uint64_t v)
{
	unsigned int t = f->table < 4 ? f->table : 0;

	put_n(l, name, nlen);
	put_n(l, n->prefix, n->prefix_len);
	put_n(l, ",uuid=\"", 7);
	put_n(l, f->uuid, 36);
	put_n(l, flow_tail[t][f->dir & 1].s, flow_tail[t][f->dir & 1].n);
	put_u64(l, v);
	*l->p++ = '\n';
}

/* The labels of item i of netif n in the family's scope, and its value's base. */
static const void *item_labels(struct line *l, const struct family *f, const struct snap_netif *n,
			       size_t i)
{
	put_n(l, n->prefix, n->prefix_len);
	switch (f->scope) {
	case S_INFO:
		put_label(l, "uuid", n->uuid);
		put_label(l, "mode", n->mode);
		return NULL;
	case S_LLINK:
		put_label_u64(l, "llink", n->llinks[i].link_id);
		put_label_u64(l, "vlan", n->llinks[i].vlan);
		return &n->llinks[i];
	case S_QSET:
		put_label_u64(l, "llink", n->qsets[i].link_id);
		put_label_u64(l, "qset", n->qsets[i].index);
		return &n->qsets[i];
	case S_FILTER:
		put_label_u64(l, "filter", n->filters[i].id);
		put_label(l, "kind", n->filters[i].kind);
		return &n->filters[i];
	case S_PORT:
		put_label_u64(l, "port", n->ports[i].port);
		return &n->ports[i];
	case S_FLOW:
		return &n->flows[i];
	}
	return n;
}

static size_t items(const struct family *f, const struct snap_netif *n)
{
	switch (f->scope) {
	case S_LLINK:
		return n->nllinks;
	case S_QSET:
		return n->nqsets;
	case S_FILTER:
		return n->nfilters;
	case S_PORT:
		return n->nports;
	case S_FLOW:
		return n->nflows;
	}
	return 1;
}

static void sample(struct line *l, const struct family *f, const struct snap_netif *n, size_t i)
{
	const void *base;

	put(l, f->name);
	base = item_labels(l, f, n, i);
	put(l, "} ");
	put_u64(l, base ? u64_at(base, f->off) : 1);
	put(l, "\n");
}

static void agent_sample(struct line *l, const struct family *f, const struct snap_agent *a)
{
	char num[32];

	put(l, f->name);
	put(l, " ");
	if (f->real) {
		double v;

		memcpy(&v, (const char *)a + f->off, sizeof(v));
		snprintf(num, sizeof(num), "%.9f", v);
		put(l, num);
	} else {
		put_u64(l, u64_at(a, f->off));
	}
	put(l, "\n");
}

size_t metrics_write(struct metrics_snap *s, char *buf, size_t len)
{
	struct line l = { .p = buf };

	while (s->fam < NFAM && (size_t)(l.p - buf) + LINE_MAX_LEN <= len) {
		const struct family *f = &families[s->fam];

		if (s->state == 0) {
			put(&l, "# HELP ");
			put(&l, f->name);
			put(&l, " ");
			put(&l, f->help);
			put(&l, "\n# TYPE ");
			put(&l, f->name);
			put(&l, f->counter ? " counter\n" : " gauge\n");
			s->state = 1;
			s->netif = s->item = 0;
			continue;
		}
		if (f->scope == S_AGENT) {
			agent_sample(&l, f, &s->agent);
		} else if (f->scope == S_FLOW && s->netif < s->n && s->item < s->netifs[s->netif].nflows) {
			const struct snap_netif *n = &s->netifs[s->netif];
			size_t nlen = strlen(f->name);

			/* as many as fit, without going round the state machine per line */
			while (s->item < n->nflows && (size_t)(l.p - buf) + LINE_MAX_LEN <= len) {
				const struct snap_flow *fl = &n->flows[s->item++];

				flow_sample(&l, f->name, nlen, n, fl, u64_at(fl, f->off));
			}
			continue;
		} else if (s->netif < s->n && s->item < items(f, &s->netifs[s->netif])) {
			sample(&l, f, &s->netifs[s->netif], s->item++);
			continue;
		} else if (s->netif < s->n) {
			s->netif++;
			s->item = 0;
			continue;
		}
		s->fam++;
		s->state = 0;
	}
	return l.p - buf;
}

/* ---- the snapshot -------------------------------------------------------- */

static void *grow(void *p, size_t n, size_t size)
{
	return realloc(p, (n + 1) * size);
}

struct flow_fill {
	struct snap_netif *sn;
	size_t cap;
};

static void take_flow(void *arg, const struct flow_rec *r, const struct netif_flow_stats *st)
{
	struct flow_fill *ff = arg;
	struct snap_flow *f;

	if (ff->sn->nflows == ff->cap)
		return;
	f = &ff->sn->flows[ff->sn->nflows++];
	fmt_uuid(f->uuid, r->uuid);
	f->table = r->spec.type;
	f->dir = r->spec.dir;
	f->st = *st;
}

static int snap_llinks(struct netif *nif, struct snap_netif *sn)
{
	const struct netif_llink *ll = NULL;
	unsigned int i;

	while ((ll = llink_next(nif, ll))) {
		struct snap_llink *sl = grow(sn->llinks, sn->nllinks, sizeof(*sl));

		if (!sl)
			return -1;
		sn->llinks = sl;
		sl = &sl[sn->nllinks++];
		memset(sl, 0, sizeof(*sl));
		sl->link_id = ll->link_id;
		sl->vlan = ll->vlan;
		llink_counters(nif, ll, &sl->st);
		for (i = 0; i < ll->nqsets && i < NETIF_LLINK_MAX_QSETS; i++) {
			const struct netif_qset *q = qset_find(nif, ll->qsets[i]);
			struct snap_qset *sq;

			if (!q)
				continue;
			sq = grow(sn->qsets, sn->nqsets, sizeof(*sq));
			if (!sq)
				return -1;
			sn->qsets = sq;
			sq = &sq[sn->nqsets++];
			memset(sq, 0, sizeof(*sq));
			sq->link_id = ll->link_id;
			sq->index = q->id & 0xffff;
			qset_counters(nif, q, &sq->st);
		}
	}
	return 0;
}

static int snap_exception(struct netif *nif, struct snap_netif *sn)
{
	const struct filter *f;
	unsigned int port;

	for (f = exception_filters(nif); f; f = f->next) {
		struct snap_filter *sf = grow(sn->filters, sn->nfilters, sizeof(*sf));

		if (!sf)
			return -1;
		sn->filters = sf;
		sf = &sf[sn->nfilters++];
		sf->id = f->id;
		sf->kind = filter_kind_name(f->kind);
		sf->packets = f->packets;
		sf->bytes = f->bytes;
		sf->drops = f->drops;
	}
	for (port = NETIF_PORT_CLIENT_MIN; port < NETIF_PORT_MAX; port++) {
		const struct chan *c = exception_port(nif, port);
		struct snap_port *sp;

		if (!c)
			continue;
		sp = grow(sn->ports, sn->nports, sizeof(*sp));
		if (!sp)
			return -1;
		sn->ports = sp;
		sp = &sp[sn->nports++];
		sp->port = port;
		sp->rx_packets = c->rx_packets;
		sp->rx_drops = c->rx_drops;
		sp->tx_packets = c->tx_packets;
		sp->tx_drops = c->tx_drops;
	}
	return 0;
}

/*
 * The flows array of the last snapshot freed, for the next one: at 100k
 * flows it is 6 MB, which fresh each scrape costs its page faults again.
 */
static struct {
	struct snap_flow *flows;
	size_t cap;
} spare;

static struct snap_flow *flows_get(size_t n, size_t *cap)
{
	struct snap_flow *f;

	if (spare.flows && spare.cap >= n) {
		f = spare.flows;
		*cap = spare.cap;
		spare.flows = NULL;
		return f;
	}
	*cap = n ? n : 1;
	return malloc(*cap * sizeof(*f));
}

static void flows_put(struct snap_flow *f, size_t cap)
{
	if (!f)
		return;
	if (spare.flows && spare.cap >= cap) {
		free(f);
		return;
	}
	free(spare.flows);
	spare.flows = f;
	spare.cap = cap;
}

static int snap_netif(struct netif *nif, struct snap_netif *sn)
{
	struct flow_fill ff = { .sn = sn };

	snprintf(sn->ifname, sizeof(sn->ifname), "%s", nif->ifname);
	metrics_escape(sn->ifname, sn->ifname_esc, sizeof(sn->ifname_esc));
	sn->prefix_len = snprintf(sn->prefix, sizeof(sn->prefix), "{ifname=\"%s\"", sn->ifname_esc);
	uuid_unparse(nif->info.uuid, sn->uuid);
	sn->mode = netif_mode_name(nif->info.mode);
	sn->up = nif->link_up;
	sn->mtu = nif->info.mtu;
	sn->flows_count = nif->flows.count;
	sn->max_flows = nif->info.max_flows;
	sn->attach_time = nif->info.attach_time;
	exception_flush_stats(nif);
	dp_read_stats(&nif->dp, &sn->st);
	dp_read_agent_stats(&nif->dp, &sn->ast);
	sn->flows = flows_get(nif->flows.count, &sn->flows_cap);
	if (!sn->flows)
		return -1;
	ff.cap = nif->flows.count;
	flow_counters_all(nif, take_flow, &ff);
	return snap_llinks(nif, sn) ?: snap_exception(nif, sn);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

struct metrics_snap *metrics_snapshot(struct agent *ag, const struct snap_agent *self)
{
	struct metrics_snap *s = calloc(1, sizeof(*s));
	struct netif *nif, *tmp;
	struct events_stats es;
	double t0 = now_s();

	if (!s)
		return NULL;
	s->agent = *self;
	events_stats(&es);
	s->agent.events_published = es.published;
	s->agent.events_dropped = es.dropped;
	s->agent.monitors = es.subscribers;
	s->agent.netifs = HASH_COUNT(ag->netifs);
	s->netifs = calloc(HASH_COUNT(ag->netifs) + 1, sizeof(*s->netifs));
	if (!s->netifs)
		goto fail;
	HASH_ITER(hh, ag->netifs, nif, tmp) {
		if (snap_netif(nif, &s->netifs[s->n++]))
			goto fail;
	}
	s->agent.snapshot_seconds = now_s() - t0;
	return s;
fail:
	metrics_snap_free(s);
	return NULL;
}

void metrics_snap_free(struct metrics_snap *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->n; i++) {
		flows_put(s->netifs[i].flows, s->netifs[i].flows_cap);
		free(s->netifs[i].llinks);
		free(s->netifs[i].qsets);
		free(s->netifs[i].filters);
		free(s->netifs[i].ports);
	}
	free(s->netifs);
	free(s);
}
