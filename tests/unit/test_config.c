// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * netifd.yaml(5)'s parser and emitter (userspace/lib/config*.c): a file
 * using every key parses to what it says; what is emitted parses back to
 * the same and emits the same again; every bad file is refused with the
 * line, column, path and words of its fault.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include "unit.h"
#include "netif/maps.h"
#include "config.h"

static const char full[] =
	"version: 1\n"
	"netifs:\n"
	"  eth0:\n"
	"    mode: native\n"
	"    rx-slots: 2048\n"
	"    tx-slots: 256\n"
	"    buf-size: 4096\n"
	"    max-flows: 1000\n"
	"    low-latency: yes\n"
	"    default-action: exception\n"
	"    input-rate: 1gbit\n"
	"    burst: 1mb\n"
	"    shape: 800mbit\n"
	"    unknown-vlan: drop\n"
	"    llinks:\n"
	"      - id: 7\n"
	"        vlan: 10\n"
	"        qsets:\n"
	"          - {default: true, wmm: true, rx: 1, tx: 4}\n"
	"          - {aqm: true, low-latency: true, rx: 0, tx: 1, rx-base: 1, tx-base: 3,\n"
	"             rate: 10mbit, burst: 64kb, shape: 5mbit}\n"
	"    flows:\n"
	"      - {tuple: {proto: udp, dport: 53}, action: drop}\n"
	"      - uuid: 3c1e6b5e-7a41-4c1b-9f0e-2b7d5c9a1e01\n"
	"        dir: out\n"
	"        llink: 7\n"
	"        tuple: {proto: tcp, src: 192.0.2.7, dst: 198.51.100.1, sport: 80, dport: 1024}\n"
	"        action: pass\n"
	"        rate: 10mbit\n"
	"        burst: 32kb\n"
	"        shape: 100mbit\n"
	"        qset-hint: {llink: 7, qset: 1}\n"
	"      - {tuple: {proto: icmpv6, type: 128, code: 0}, action: exception}\n"
	"      - {ula: {local: 'fd00::1', remote: 'fd00::2'}, action: redirect, redirect-dev: eth1}\n"
	"      - {ethertype: 0x88b5, action: port, port: 3}\n"
	"    filters:\n"
	"      - {kind: pcap, file: /var/lib/netif/eth0.pcap, dir: rx}\n"
	"      - {kind: count}\n"
	"      - {kind: drop, expr: udp port 9, dir: both}\n"
	"  eth1: {}\n";

static void test_full(void **state)
{
	struct cfg_error e;
	struct cfg c;
	const struct cfg_netif *n;
	const struct cfg_flow *f;
	uint32_t a;

	assert_int_equal(cfg_parse(full, strlen(full), &c, &e), 0);
	assert_int_equal(c.n, 2);
	n = &c.netifs[0];
	assert_string_equal(n->ifname, "eth0");
	assert_int_equal(n->mode, NETIF_MODE_NATIVE);
	assert_int_equal(n->rx_slots, 2048);
	assert_int_equal(n->tx_slots, 256);
	assert_int_equal(n->buf_size, 4096);
	assert_int_equal(n->max_flows, 1000);
	assert_true(n->low_latency);
	assert_int_equal(n->default_action, NETIF_ACTION_EXCEPTION);
	assert_int_equal(n->input_rate, 1000000000ULL);
	assert_int_equal(n->input_burst, 1 << 20);
	assert_int_equal(n->shape, 800000000ULL);
	assert_int_equal(n->unknown_vlan, NETIF_VLAN_DROP);
	assert_int_equal(n->nllinks, 1);
	assert_int_equal(n->llinks[0].id, 7);
	assert_int_equal(n->llinks[0].vlan, 10);
	assert_int_equal(n->llinks[0].nqsets, 2);
	assert_int_equal(n->llinks[0].qsets[0].flags, NETIF_QSET_F_DEFAULT | NETIF_QSET_F_WMM);
	assert_int_equal(n->llinks[0].qsets[1].flags, NETIF_QSET_F_AQM | NETIF_QSET_F_LOW_LATENCY);
	assert_int_equal(n->llinks[0].qsets[1].tx_base, 3);
	assert_int_equal(n->llinks[0].qsets[1].burst, 65536);
	/* a key's position: line 20 is the second qset, "rate" on its own line 21 */
	assert_int_equal(n->llinks[0].qsets[1].pos.line, 20);
	assert_int_equal(n->llinks[0].qsets[1].kpos[CQK_RATE].line, 21);
	assert_int_equal(n->nflows, 5);
	f = &n->flows[0];
	assert_int_equal(f->type, NETIF_FLOW_TUPLE);
	assert_int_equal(f->proto, 17);
	assert_int_equal(f->mask, NETIF_TUPLE_M_DPORT);
	assert_int_equal(f->dport, 53);
	assert_int_equal(f->action, NETIF_ACTION_DROP);
	assert_false(f->has_uuid);
	f = &n->flows[1];
	assert_true(f->has_uuid);
	assert_int_equal(f->uuid[0], 0x3c);
	assert_int_equal(f->dir, NETIF_DIR_OUT);
	assert_true(f->has_llink);
	assert_int_equal(f->llink, 7);
	assert_int_equal(f->family, 4);
	inet_pton(AF_INET, "192.0.2.7", &a);
	assert_int_equal(f->src[0], a);
	assert_int_equal(f->mask, NETIF_TUPLE_M_SRC | NETIF_TUPLE_M_DST | NETIF_TUPLE_M_SPORT |
				   NETIF_TUPLE_M_DPORT);
	assert_true(f->has_hint);
	assert_int_equal(f->hint_qset, 1);
	assert_int_equal(f->kpos[CFK_QSET_HINT].line, 32);
	assert_int_equal(n->flows[2].proto, 58);
	assert_int_equal(n->flows[2].sport, 128);
	assert_int_equal(n->flows[3].type, NETIF_FLOW_ULA);
	assert_string_equal(n->flows[3].redirect_dev, "eth1");
	assert_int_equal(n->flows[4].ethertype, 0x88b5);
	assert_int_equal(n->flows[4].port, 3);
	assert_int_equal(n->nfilters, 3);
	assert_int_equal(n->filters[0].kind, NETIF_FILTER_PCAP);
	assert_int_equal(n->filters[0].dirs, NETIF_FILTER_DIR_RX);
	assert_int_equal(n->filters[1].dirs, NETIF_FILTER_DIR_RX | NETIF_FILTER_DIR_TX);
	assert_string_equal(n->filters[2].arg, "udp port 9");
	/* a netif given as {} has every default */
	n = &c.netifs[1];
	assert_int_equal(n->rx_slots, NETIF_RX_SLOTS_DEF);
	assert_int_equal(n->max_flows, NETIF_MAX_FLOWS_DEF);
	assert_int_equal(n->nflows, 0);
	cfg_free(&c);
}

/* Emitted text parses to the same description and emits the same text again. */
static void test_round_trip(void **state)
{
	struct cfg a, b;
	struct cfg_error e;
	char *t1, *t2, line[512];
	size_t l1, l2;

	assert_int_equal(cfg_parse(full, strlen(full), &a, &e), 0);
	assert_int_equal(cfg_emit(&a, &t1, &l1), 0);
	assert_int_equal(cfg_parse(t1, l1, &b, &e), 0);
	assert_int_equal(cfg_emit(&b, &t2, &l2), 0);
	assert_string_equal(t1, t2);
	assert_int_equal(b.n, a.n);
	assert_int_equal(b.netifs[0].nflows, a.netifs[0].nflows);
	assert_memory_equal(b.netifs[0].flows[1].uuid, a.netifs[0].flows[1].uuid, 16);
	assert_memory_equal(b.netifs[0].flows[3].local, a.netifs[0].flows[3].local, 16);
	assert_int_equal(b.netifs[0].flows[1].burst, a.netifs[0].flows[1].burst);
	/* one line per flow */
	assert_non_null(strstr(t1, "\n    - {tuple: {proto: udp, dport: 53}, action: drop}\n"));
	assert_int_equal(cfg_emit_flow(&a.netifs[0].flows[4], line, sizeof(line)), 0);
	assert_string_equal(line, "{ethertype: 0x88b5, action: port, port: 3}");
	assert_int_equal(cfg_emit_llink(&a.netifs[0].llinks[0], line, sizeof(line)), 0);
	assert_non_null(strstr(line, "{id: 7, vlan: 10, qsets: [{default: true, wmm: true, rx: 1, tx: 4}"));
	free(t1);
	free(t2);
	cfg_free(&a);
	cfg_free(&b);
}

struct bad {
	const char *name;
	const char *text;
	uint32_t line, col;
	const char *path;
	const char *msg;
};

#define N(body) "netifs:\n  eth0:\n" body

static const struct bad bad[] = {
	{ "empty file", "", 1, 1, "", "the file is empty" },
	{ "no netifs key", "version: 1\n", 1, 1, "", "\"netifs\" is missing" },
	{ "not YAML", "netifs: {eth0: {}\n", 2, 1, "", "not YAML" },
	{ "netifs a list", "netifs: []\n", 1, 9, "netifs", "expected a mapping of interface names, not a list" },
	{ "unknown top key", "netif: {}\n", 1, 1, "netif", "unknown key \"netif\"" },
	{ "unknown version", "version: 2\nnetifs: {}\n", 1, 10, "version", "version 2" },
	{ "two documents", "netifs: {}\n---\nnetifs: {}\n", 2, 1, "", "one document" },
	{ "an alias", "netifs:\n  a: &x {}\n  b: *x\n", 3, 6, "", "aliases" },
	{ "netif twice", "netifs:\n  eth0: {}\n  eth0: {}\n", 3, 3, "netifs", "eth0 is given twice" },
	{ "bad interface name", "netifs:\n  a/b: {}\n", 2, 3, "netifs", "not an interface name" },
	{ "unknown netif key", N("    mtu: 1500\n"), 3, 5, "netifs.eth0.mtu", "unknown key \"mtu\"" },
	{ "key twice", N("    mode: auto\n    mode: native\n"), 4, 5, "netifs.eth0.mode", "given twice" },
	{ "bad mode", N("    mode: fast\n"), 3, 11, "netifs.eth0.mode", "\"fast\" is not native, compat or auto" },
	{ "rx-slots out of range", N("    rx-slots: 1\n"), 3, 15, "netifs.eth0.rx-slots", "1 out of range [2, 16384]" },
	{ "not a number", N("    max-flows: lots\n"), 3, 16, "netifs.eth0.max-flows", "\"lots\" is not a number" },
	{ "a list for a number", N("    buf-size: [1]\n"), 3, 15, "netifs.eth0.buf-size", "expected a number, not a list" },
	{ "bad rate", N("    input-rate: fast\n"), 3, 17, "netifs.eth0.input-rate", "is not a rate" },
	{ "rate out of range", N("    shape: 1tbit\n"), 3, 12, "netifs.eth0.shape", "out of range" },
	{ "burst without input-rate", N("    burst: 1mb\n"), 3, 5, "netifs.eth0.burst", "burst needs an input-rate" },
	{ "default-action redirect", N("    default-action: redirect\n"), 3, 21, "netifs.eth0.default-action", "pass, drop or exception" },
	{ "flows not a list", N("    flows: {}\n"), 3, 12, "netifs.eth0.flows", "expected a list" },
	{ "flow without a match", N("    flows:\n      - {action: drop}\n"), 4, 9, "netifs.eth0.flows[0]", "needs a match" },
	{ "flow without an action", N("    flows:\n      - {ethertype: 0x88b5}\n"), 4, 9, "netifs.eth0.flows[0]", "needs an action" },
	{ "two matches", N("    flows:\n      - {ethertype: 0x88b5, tuple: {proto: tcp}, action: drop}\n"), 4, 36, "netifs.eth0.flows[0].tuple", "one match per flow" },
	{ "unknown flow key", N("    flows:\n      - {ethertype: 0x88b5, action: drop, prio: 1}\n"), 4, 43, "netifs.eth0.flows[0].prio", "unknown key" },
	{ "tuple without proto", N("    flows:\n      - {tuple: {dport: 53}, action: drop}\n"), 4, 10, "netifs.eth0.flows[0].tuple", "needs a proto" },
	{ "bad proto", N("    flows:\n      - {tuple: {proto: sctpx}, action: drop}\n"), 4, 25, "netifs.eth0.flows[0].tuple.proto", "proto must be" },
	{ "port 0", N("    flows:\n      - {tuple: {proto: udp, dport: 0}, action: drop}\n"), 4, 37, "netifs.eth0.flows[0].tuple.dport", "0 out of range [1, 65535]" },
	{ "mixed families", N("    flows:\n      - {tuple: {proto: udp, src: 10.0.0.1, dst: 'fd00::1'}, action: drop}\n"), 4, 50, "netifs.eth0.flows[0].tuple.dst", "one family" },
	{ "ports for icmp", N("    flows:\n      - {tuple: {proto: icmp, dport: 3}, action: drop}\n"), 4, 31, "netifs.eth0.flows[0].tuple", "icmp has type and code" },
	{ "port without action port", N("    flows:\n      - {ethertype: 0x88b5, action: drop, port: 3}\n"), 4, 43, "netifs.eth0.flows[0].port", "a port goes with action port" },
	{ "action port without a port", N("    flows:\n      - {ethertype: 0x88b5, action: port}\n"), 4, 29, "netifs.eth0.flows[0].action", "a port goes with action port" },
	{ "port out of range", N("    flows:\n      - {ethertype: 0x88b5, action: port, port: 1}\n"), 4, 49, "netifs.eth0.flows[0].port", "1 out of range [2, 127]" },
	{ "redirect without a device", N("    flows:\n      - {ethertype: 0x88b5, action: redirect}\n"), 4, 29, "netifs.eth0.flows[0].action", "redirect-dev goes with" },
	{ "flow burst without rate", N("    flows:\n      - {ethertype: 0x88b5, action: pass, burst: 1kb}\n"), 4, 43, "netifs.eth0.flows[0].burst", "burst needs a rate" },
	{ "null uuid", N("    flows:\n      - {ethertype: 0x88b5, action: pass, uuid: 00000000-0000-0000-0000-000000000000}\n"), 4, 49, "netifs.eth0.flows[0].uuid", "null UUID" },
	{ "scoped to an llink not there", N("    flows:\n      - {ethertype: 0x88b5, action: pass, llink: 9}\n"), 4, 43, "netifs.eth0.flows[0]", "no llink 9" },
	{ "hint to a qset not there", N("    llinks:\n      - {id: 7, qsets: [{default: true, rx: 1, tx: 1}]}\n    flows:\n      - {ethertype: 0x88b5, action: pass, qset-hint: {llink: 7, qset: 1}}\n"), 6, 43, "netifs.eth0.flows[0]", "llink 7 has no qset 1" },
	{ "hint without its qset", N("    flows:\n      - {ethertype: 0x88b5, action: pass, qset-hint: {llink: 7}}\n"), 4, 43, "netifs.eth0.flows[0].qset-hint", "{llink: ID, qset: N}" },
	{ "llink without id", N("    llinks:\n      - {qsets: [{default: true, rx: 1, tx: 1}]}\n"), 4, 9, "netifs.eth0.llinks[0]", "needs an id" },
	{ "llink id 0", N("    llinks:\n      - {id: 0, qsets: [{rx: 1, tx: 1}]}\n"), 4, 14, "netifs.eth0.llinks[0].id", "0 out of range" },
	{ "llink twice", N("    llinks:\n      - {id: 7, qsets: [{rx: 1, tx: 1}]}\n      - {id: 7, qsets: [{rx: 1, tx: 1}]}\n"), 5, 10, "netifs.eth0.llinks[1]", "llink 7 is given twice (line 4)" },
	{ "vlan twice", N("    llinks:\n      - {id: 7, vlan: 5, qsets: [{rx: 1, tx: 1}]}\n      - {id: 8, vlan: 5, qsets: [{rx: 1, tx: 1}]}\n"), 5, 17, "netifs.eth0.llinks[1]", "vlan 5 belongs to the llink of line 4" },
	{ "vlan out of range", N("    llinks:\n      - {id: 7, vlan: 4095, qsets: [{rx: 1, tx: 1}]}\n"), 4, 23, "netifs.eth0.llinks[0].vlan", "4095 out of range [1, 4094]" },
	{ "nine qsets", N("    llinks:\n      - {id: 7, qsets: [{tx: 1}, {tx: 1}, {tx: 1}, {tx: 1}, {tx: 1}, {tx: 1}, {tx: 1}, {tx: 1}, {tx: 1}]}\n"), 4, 97, "netifs.eth0.llinks[0].qsets[8]", "at most 8 qsets" },
	{ "qset flag not boolean", N("    llinks:\n      - {id: 7, qsets: [{default: maybe, tx: 1}]}\n"), 4, 35, "netifs.eth0.llinks[0].qsets[0].default", "not true or false" },
	{ "filter without kind", N("    filters:\n      - {dir: rx}\n"), 4, 9, "netifs.eth0.filters[0]", "needs a kind" },
	{ "pcap without file", N("    filters:\n      - {kind: pcap}\n"), 4, 9, "netifs.eth0.filters[0]", "has a file" },
	{ "relative capture file", N("    filters:\n      - {kind: pcap, file: x.pcap}\n"), 4, 22, "netifs.eth0.filters[0].file", "absolute path" },
	{ "bad filter dir", N("    filters:\n      - {kind: count, dir: up}\n"), 4, 28, "netifs.eth0.filters[0].dir", "\"up\" is not rx, tx or both" },
};

static void run_bad(void **state)
{
	const struct bad *b = *state;
	struct cfg_error e;
	struct cfg c;
	char msg[512];

	assert_int_equal(cfg_parse(b->text, strlen(b->text), &c, &e), -EINVAL);
	cfg_error_format(&e, "netifd.yaml", msg, sizeof(msg));
	print_message("# %s\n", msg);
	assert_int_equal(e.pos.line, b->line);
	assert_int_equal(e.pos.col, b->col);
	if (b->path[0])
		assert_string_equal(e.path, b->path);
	assert_non_null(strstr(e.msg, b->msg));
	assert_null(c.netifs);
}

int main(void)
{
	const struct CMUnitTest good[] = {
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_round_trip),
	};
	int failed = cmocka_run_group_tests_name("config", good, NULL, NULL);

	return failed | _cmocka_run_group_tests("config errors", UNIT_TESTS(bad, run_bad),
						sizeof(bad) / sizeof(bad[0]), NULL, NULL);
}
