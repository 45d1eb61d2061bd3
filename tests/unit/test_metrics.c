// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The exposition text (userspace/netifd/metrics_text.c) from a snapshot
 * built by hand: label values escaped as the format wants, every family
 * with one HELP and one TYPE line before all of its samples, the counter
 * names of stats.h's lists, and the same text whatever the size of the
 * chunks it is written in. (promtool judges a real scrape in the e2e tier.)
 */
#include <stdlib.h>
#include <string.h>
#include "unit.h"
#include "netif/maps.h"
#include "userspace/netifd/events.h"
#include "userspace/netifd/metrics_text.h"

static const struct {
	const char *in, *out;
} escapes[] = {
	{ "eth0", "eth0" },
	{ "a\"b", "a\\\"b" },
	{ "a\\b", "a\\\\b" },
	{ "a\nb", "a\\nb" },
};

static void test_escape(void **state)
{
	char out[64];

	for (size_t i = 0; i < sizeof(escapes) / sizeof(escapes[0]); i++) {
		metrics_escape(escapes[i].in, out, sizeof(out));
		assert_string_equal(out, escapes[i].out);
	}
}

static struct snap_flow flows[3];
static struct snap_llink llinks[1] = { { .link_id = 7, .vlan = 10, .st.rx_packets = 5 } };
static struct snap_qset qsets[2] = { { .link_id = 7, .index = 0 }, { .link_id = 7, .index = 1, .st.drops = 9 } };
static struct snap_filter filters[1] = { { .id = 1, .kind = "count", .packets = 3 } };
static struct snap_port ports[1] = { { .port = 3, .rx_packets = 4 } };

static void fill(struct metrics_snap *s, struct snap_netif *n)
{
	memset(s, 0, sizeof(*s));
	memset(n, 0, 2 * sizeof(*n));
	s->netifs = n;
	s->n = 2;
	s->agent.scrapes = 1;
	s->agent.snapshot_seconds = 0.25;
	for (int i = 0; i < 2; i++) {
		char esc[64];

		snprintf(n[i].ifname, sizeof(n[i].ifname), i ? "we\"ird\\0" : "eth0");
		metrics_escape(n[i].ifname, esc, sizeof(esc));
		memcpy(n[i].ifname_esc, esc, sizeof(esc));
		n[i].prefix_len = snprintf(n[i].prefix, sizeof(n[i].prefix), "{ifname=\"%s\"", esc);
		snprintf(n[i].uuid, sizeof(n[i].uuid), "0e3c1019-15dc-4dbf-9205-5ed3b039a9b%d", i);
		n[i].mode = "native";
		n[i].st.rx_packets = 100 + i;
		n[i].st.tx_exc_too_big = 18446744073709551615ULL;
		n[i].ast.flow_add = 2;
	}
	for (int i = 0; i < 3; i++) {
		memcpy(flows[i].uuid, "11111111-2222-3333-4444-55555555555", 35);
		flows[i].uuid[35] = '0' + i;
		flows[i].table = i == 0 ? NETIF_FLOW_TUPLE : i == 1 ? NETIF_FLOW_ULA : NETIF_FLOW_ETHERTYPE;
		flows[i].dir = i == 2 ? NETIF_DIR_OUT : NETIF_DIR_IN;
		flows[i].st.packets = 10 * i;
	}
	n[0].flows = flows;
	n[0].nflows = 3;
	n[0].llinks = llinks;
	n[0].nllinks = 1;
	n[0].qsets = qsets;
	n[0].nqsets = 2;
	n[0].filters = filters;
	n[0].nfilters = 1;
	n[0].ports = ports;
	n[0].nports = 1;
}

/* The whole text, written in chunks of len bytes. */
static char *text(size_t len)
{
	struct snap_netif n[2];
	struct metrics_snap s;
	size_t total = 0, got;
	char *all = calloc(1, 1 << 20), *buf = malloc(len);

	fill(&s, n);
	while ((got = metrics_write(&s, buf, len))) {
		assert_true(got <= len);
		memcpy(all + total, buf, got);
		total += got;
	}
	free(buf);
	return all;
}

static void test_text(void **state)
{
	char *t = text(128 * 1024), *small = text(4096);
	const char *lines[] = {
		"# HELP netif_rx_packets_total ",
		"# TYPE netif_rx_packets_total counter\n"
		"netif_rx_packets_total{ifname=\"eth0\"} 100\n"
		"netif_rx_packets_total{ifname=\"we\\\"ird\\\\0\"} 101\n",
		"netif_tx_exc_too_big_total{ifname=\"eth0\"} 18446744073709551615\n",
		"netif_agent_flow_add_total{ifname=\"eth0\"} 2\n",
		"netif_info{ifname=\"eth0\",uuid=\"0e3c1019-15dc-4dbf-9205-5ed3b039a9b0\",mode=\"native\"} 1\n",
		"# TYPE netif_flow_packets_total counter\n"
		"netif_flow_packets_total{ifname=\"eth0\",uuid=\"11111111-2222-3333-4444-555555555550\",table=\"tuple\",dir=\"in\"} 0\n"
		"netif_flow_packets_total{ifname=\"eth0\",uuid=\"11111111-2222-3333-4444-555555555551\",table=\"ula\",dir=\"in\"} 10\n"
		"netif_flow_packets_total{ifname=\"eth0\",uuid=\"11111111-2222-3333-4444-555555555552\",table=\"ethertype\",dir=\"out\"} 20\n"
		"# HELP netif_flow_bytes_total",
		"netif_llink_rx_packets_total{ifname=\"eth0\",llink=\"7\",vlan=\"10\"} 5\n",
		"netif_qset_drops_total{ifname=\"eth0\",llink=\"7\",qset=\"1\"} 9\n",
		"netif_filter_packets_total{ifname=\"eth0\",filter=\"1\",kind=\"count\"} 3\n",
		"netif_port_rx_packets_total{ifname=\"eth0\",port=\"3\"} 4\n",
		"# TYPE netifd_metrics_snapshot_seconds gauge\nnetifd_metrics_snapshot_seconds 0.250000000\n",
		"# TYPE netif_up gauge\n",
	};
	const char *p;
	unsigned int help = 0, type = 0;

	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		if (!strstr(t, lines[i]))
			fail_msg("missing:\n%s", lines[i]);
	/* one HELP and one TYPE per family, each right before its samples */
	for (p = t; (p = strstr(p, "# HELP ")); p++)
		help++;
	for (p = t; (p = strstr(p, "# TYPE ")); p++)
		type++;
	assert_int_equal(help, type);
	assert_true(help > NETIF_STATS_COUNT + NETIF_AGENT_STATS_COUNT);
	/* chunks end at line ends: the text does not depend on their size */
	assert_string_equal(t, small);
	assert_int_equal(t[strlen(t) - 1], '\n');
	free(t);
	free(small);
}

/* The event bus: subscribers in order, and one may leave while it is told. */
static char order[8];
static struct event_sub subs[2];

static void sub_fn(struct event_sub *s, const struct netif_event *ev)
{
	size_t n = strlen(order);

	order[n] = '0' + (s - subs);
	if (s == &subs[0])
		events_unsubscribe(s);
}

static void test_bus(void **state)
{
	struct netif_event ev = { .kind = NETIF_EVENT_LINK };
	struct events_stats st;

	subs[0].fn = subs[1].fn = sub_fn;
	events_subscribe(&subs[0]);
	events_subscribe(&subs[1]);
	events_publish(&ev);
	events_publish(&ev);
	assert_string_equal(order, "011");
	events_dropped(2);
	events_stats(&st);
	assert_int_equal(st.subscribers, 1);
	assert_int_equal(st.published, 2);
	assert_int_equal(st.dropped, 2);
	events_unsubscribe(&subs[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_bus),
	};

	return cmocka_run_group_tests_name("metrics", tests, NULL, NULL);
}
