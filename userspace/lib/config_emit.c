// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The emitter of netifd.yaml(5) (config.h), with libyaml's: block style for
 * the netifs and their llinks, one flow-style line per qset, flow and
 * filter (a file of thousands of flows stays a file of as many lines).
 * Keys at their defaults are left out but the attach parameters, which
 * are always written; numbers that are rates and sizes in tc's units, as
 * exactly as they read back.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <uuid/uuid.h>
#include <yaml.h>
#include "netif/maps.h"
#include "config.h"
#include "names.h"
#include "units.h"

struct out {
	char *buf;
	size_t len, cap;
	int err;
};

struct em {
	yaml_emitter_t e;
	struct out out;
	int err;
};

static int write_cb(void *data, unsigned char *buffer, size_t size)
{
	struct out *o = data;

	if (o->len + size + 1 > o->cap) {
		size_t cap = o->cap ? o->cap : 4096;
		char *grown;

		while (cap < o->len + size + 1)
			cap *= 2;
		grown = realloc(o->buf, cap);
		if (!grown) {
			o->err = -ENOMEM;
			return 0;
		}
		o->buf = grown;
		o->cap = cap;
	}
	memcpy(o->buf + o->len, buffer, size);
	o->len += size;
	o->buf[o->len] = '\0';
	return 1;
}

static void emit(struct em *m, yaml_event_t *ev, int ok)
{
	if (m->err)
		return;
	if (!ok || !yaml_emitter_emit(&m->e, ev))
		m->err = m->out.err ?: -EIO;
}

static void str(struct em *m, const char *s)
{
	yaml_event_t ev;

	emit(m, &ev, yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s, strlen(s), 1, 1,
						   YAML_ANY_SCALAR_STYLE));
}

static void map_start(struct em *m, bool flow)
{
	yaml_event_t ev;

	emit(m, &ev, yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
			  flow ? YAML_FLOW_MAPPING_STYLE : YAML_BLOCK_MAPPING_STYLE));
}

static void map_end(struct em *m)
{
	yaml_event_t ev;

	emit(m, &ev, yaml_mapping_end_event_initialize(&ev));
}

static void seq_start(struct em *m)
{
	yaml_event_t ev;

	emit(m, &ev, yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_SEQUENCE_STYLE));
}

static void seq_end(struct em *m)
{
	yaml_event_t ev;

	emit(m, &ev, yaml_sequence_end_event_initialize(&ev));
}

static void kv(struct em *m, const char *k, const char *v)
{
	str(m, k);
	str(m, v);
}

static void kv_u64(struct em *m, const char *k, uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);
	kv(m, k, buf);
}

static void kv_rate(struct em *m, const char *k, uint64_t v)
{
	char buf[32];

	kv(m, k, netif_fmt_rate(v, buf, sizeof(buf)));
}

static void kv_size(struct em *m, const char *k, uint64_t v)
{
	char buf[32];

	kv(m, k, netif_fmt_size(v, buf, sizeof(buf)));
}

static void kv_addr(struct em *m, const char *k, const uint32_t a[4], uint8_t family)
{
	char buf[INET6_ADDRSTRLEN];

	kv(m, k, inet_ntop(family == 4 ? AF_INET : AF_INET6, a, buf, sizeof(buf)) ?: "?");
}

/* ---- objects --------------------------------------------------------------- */

static void qset(struct em *m, const struct cfg_qset *q)
{
	map_start(m, true);
	if (q->flags & NETIF_QSET_F_DEFAULT)
		kv(m, "default", "true");
	if (q->flags & NETIF_QSET_F_WMM)
		kv(m, "wmm", "true");
	if (q->flags & NETIF_QSET_F_AQM)
		kv(m, "aqm", "true");
	if (q->flags & NETIF_QSET_F_LOW_LATENCY)
		kv(m, "low-latency", "true");
	kv_u64(m, "rx", q->rx);
	kv_u64(m, "tx", q->tx);
	if (q->rx_base)
		kv_u64(m, "rx-base", q->rx_base);
	if (q->tx_base)
		kv_u64(m, "tx-base", q->tx_base);
	if (q->rate)
		kv_rate(m, "rate", q->rate);
	if (q->rate && q->burst)
		kv_size(m, "burst", q->burst);
	if (q->shape)
		kv_rate(m, "shape", q->shape);
	map_end(m);
}

static void llink(struct em *m, const struct cfg_llink *l, bool flow)
{
	unsigned int i;

	map_start(m, flow);
	kv_u64(m, "id", l->id);
	if (l->has_vlan)
		kv_u64(m, "vlan", l->vlan);
	str(m, "qsets");
	seq_start(m);
	for (i = 0; i < l->nqsets; i++)
		qset(m, &l->qsets[i]);
	seq_end(m);
	map_end(m);
}

static void match(struct em *m, const struct cfg_flow *f)
{
	bool icmp = f->proto == IPPROTO_ICMP || f->proto == IPPROTO_ICMPV6;
	char buf[16];

	switch (f->type) {
	case NETIF_FLOW_ETHERTYPE:
		snprintf(buf, sizeof(buf), "0x%04x", f->ethertype);
		kv(m, "ethertype", buf);
		return;
	case NETIF_FLOW_ULA:
		str(m, "ula");
		map_start(m, true);
		kv_addr(m, "local", f->local, 6);
		kv_addr(m, "remote", f->remote, 6);
		map_end(m);
		return;
	}
	str(m, "tuple");
	map_start(m, true);
	kv(m, "proto", netif_proto_name(f->proto, buf, sizeof(buf)));
	if (f->mask & NETIF_TUPLE_M_SRC)
		kv_addr(m, "src", f->src, f->family);
	if (f->mask & NETIF_TUPLE_M_DST)
		kv_addr(m, "dst", f->dst, f->family);
	if (f->mask & NETIF_TUPLE_M_SPORT)
		kv_u64(m, icmp ? "type" : "sport", f->sport);
	if (f->mask & NETIF_TUPLE_M_DPORT)
		kv_u64(m, icmp ? "code" : "dport", f->dport);
	map_end(m);
}

static void flow(struct em *m, const struct cfg_flow *f)
{
	char u[37];

	map_start(m, true);
	if (f->has_uuid) {
		uuid_unparse(f->uuid, u);
		kv(m, "uuid", u);
	}
	if (f->dir == NETIF_DIR_OUT)
		kv(m, "dir", "out");
	if (f->has_llink)
		kv_u64(m, "llink", f->llink);
	match(m, f);
	kv(m, "action", netif_action_name(f->action));
	if (f->action == NETIF_ACTION_PORT)
		kv_u64(m, "port", f->port);
	if (f->action == NETIF_ACTION_REDIRECT)
		kv(m, "redirect-dev", f->redirect_dev);
	if (f->rate)
		kv_rate(m, "rate", f->rate);
	if (f->rate && f->burst)
		kv_size(m, "burst", f->burst);
	if (f->shape)
		kv_rate(m, "shape", f->shape);
	if (f->has_hint) {
		str(m, "qset-hint");
		map_start(m, true);
		kv_u64(m, "llink", f->hint_llink);
		kv_u64(m, "qset", f->hint_qset);
		map_end(m);
	}
	map_end(m);
}

static void filter(struct em *m, const struct cfg_filter *f)
{
	map_start(m, true);
	kv(m, "kind", netif_filter_kind_name(f->kind));
	if (f->kind == NETIF_FILTER_PCAP)
		kv(m, "file", f->arg);
	if (f->kind == NETIF_FILTER_DROP)
		kv(m, "expr", f->arg);
	kv(m, "dir", netif_filter_dirs_name(f->dirs));
	map_end(m);
}

static void netif(struct em *m, const struct cfg_netif *n)
{
	unsigned int i;

	map_start(m, false);
	kv(m, "mode", netif_mode_name(n->mode));
	kv_u64(m, "rx-slots", n->rx_slots);
	kv_u64(m, "tx-slots", n->tx_slots);
	kv_u64(m, "buf-size", n->buf_size);
	kv_u64(m, "max-flows", n->max_flows);
	if (n->low_latency)
		kv(m, "low-latency", "true");
	kv(m, "default-action", netif_action_name(n->default_action));
	kv(m, "unknown-vlan", netif_vlan_policy_name(n->unknown_vlan));
	if (n->input_rate)
		kv_rate(m, "input-rate", n->input_rate);
	if (n->input_rate && n->input_burst)
		kv_size(m, "burst", n->input_burst);
	if (n->shape)
		kv_rate(m, "shape", n->shape);
	if (n->nllinks) {
		str(m, "llinks");
		seq_start(m);
		for (i = 0; i < n->nllinks; i++)
			llink(m, &n->llinks[i], false);
		seq_end(m);
	}
	if (n->nflows) {
		str(m, "flows");
		seq_start(m);
		for (i = 0; i < n->nflows; i++)
			flow(m, &n->flows[i]);
		seq_end(m);
	}
	if (n->nfilters) {
		str(m, "filters");
		seq_start(m);
		for (i = 0; i < n->nfilters; i++)
			filter(m, &n->filters[i]);
		seq_end(m);
	}
	map_end(m);
}

/* ---- documents --------------------------------------------------------------- */

static int begin(struct em *m)
{
	yaml_event_t ev;

	memset(m, 0, sizeof(*m));
	if (!yaml_emitter_initialize(&m->e))
		return -ENOMEM;
	yaml_emitter_set_output(&m->e, write_cb, &m->out);
	yaml_emitter_set_width(&m->e, -1); /* one line per flow, however long */
	yaml_emitter_set_unicode(&m->e, 1);
	emit(m, &ev, yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING));
	emit(m, &ev, yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1));
	return m->err;
}

static int end(struct em *m, char **text, size_t *len)
{
	yaml_event_t ev;

	emit(m, &ev, yaml_document_end_event_initialize(&ev, 1));
	emit(m, &ev, yaml_stream_end_event_initialize(&ev));
	yaml_emitter_delete(&m->e);
	if (m->err || !m->out.buf) {
		free(m->out.buf);
		return m->err ?: -EIO;
	}
	*text = m->out.buf;
	*len = m->out.len;
	return 0;
}

int cfg_emit(const struct cfg *c, char **text, size_t *len)
{
	struct em m;
	unsigned int i;
	int err = begin(&m);

	if (err) {
		yaml_emitter_delete(&m.e);
		return err;
	}
	map_start(&m, false);
	kv_u64(&m, "version", CFG_VERSION);
	str(&m, "netifs");
	map_start(&m, c->n == 0);
	for (i = 0; i < c->n; i++) {
		str(&m, c->netifs[i].ifname);
		netif(&m, &c->netifs[i]);
	}
	map_end(&m);
	map_end(&m);
	return end(&m, text, len);
}

/* One object alone, as its flow-style line (without the document's line end). */
static int one(void (*fn)(struct em *m, const void *obj), const void *obj, char *buf, size_t len)
{
	struct em m;
	size_t n;
	char *text;
	int err = begin(&m);

	if (err) {
		yaml_emitter_delete(&m.e);
		return err;
	}
	fn(&m, obj);
	err = end(&m, &text, &n);
	if (err)
		return err;
	while (n && (text[n - 1] == '\n' || text[n - 1] == '.'))
		n--; /* the document's end: "\n", or "...\n" */
	snprintf(buf, len, "%.*s", (int)n, text);
	free(text);
	return 0;
}

static void flow_fn(struct em *m, const void *obj)
{
	flow(m, obj);
}

static void llink_fn(struct em *m, const void *obj)
{
	llink(m, obj, true);
}

static void filter_fn(struct em *m, const void *obj)
{
	filter(m, obj);
}

int cfg_emit_flow(const struct cfg_flow *f, char *buf, size_t len)
{
	return one(flow_fn, f, buf, len);
}

int cfg_emit_llink(const struct cfg_llink *l, char *buf, size_t len)
{
	return one(llink_fn, l, buf, len);
}

int cfg_emit_filter(const struct cfg_filter *f, char *buf, size_t len)
{
	return one(filter_fn, f, buf, len);
}
