// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Writes the seed corpora of the fuzzers (tests/fuzz/corpus/NAME/) from
 * the protocol's own headers: requests as netifctl builds them and
 * replies as netifd sends them (ctl), channel rings holding good frames
 * and filter returns (chan), frames of every shape the parser knows
 * (parse). The corpora are committed; `make fuzz-seeds` rewrites them.
 * Usage: seeds DIR
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "netif/maps.h"
#include "netif/ring.h"
#include "nlproto.h"

static const char *dir;

static void put(const char *fuzzer, const char *name, const void *data, size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, fuzzer);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%s/%s", dir, fuzzer, name);
	f = fopen(path, "wb");
	if (!f || fwrite(data, 1, len, f) != len) {
		perror(path);
		exit(1);
	}
	fclose(f);
}

/* ---- ctl ------------------------------------------------------------------ */

static char buf[NETIF_NL_MAX_MSG] __attribute__((aligned(8)));

static struct nlmsghdr *req(uint8_t cmd, uint16_t flags)
{
	memset(buf, 0, sizeof(buf));
	return netif_msg_start(buf, cmd, NLM_F_REQUEST | NLM_F_ACK | flags, 1);
}

static void put_msg(const char *name, const struct nlmsghdr *nlh)
{
	put("ctl", name, nlh, nlh->nlmsg_len);
}

static void ctl_seeds(void)
{
	static const uint8_t uuid[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
	struct nlmsghdr *nlh;
	struct nlattr *n, *q;
	uint32_t a4 = htonl(0x0a000001);
	uint8_t a6[16] = { 0xfd, 0x77, [15] = 1 };
	size_t len;

	put_msg("get-dump", req(NETIF_CMD_GET, NLM_F_DUMP));
	nlh = req(NETIF_CMD_GET, 0);
	mnl_attr_put_strz(nlh, NETIF_A_IFNAME, "veth0");
	put_msg("get-dev", nlh);

	nlh = req(NETIF_CMD_ATTACH, 0);
	mnl_attr_put_strz(nlh, NETIF_A_IFNAME, "eth0");
	mnl_attr_put_u8(nlh, NETIF_A_MODE, NETIF_MODE_COMPAT);
	mnl_attr_put_u32(nlh, NETIF_A_RX_SLOTS, 2048);
	mnl_attr_put_u32(nlh, NETIF_A_TX_SLOTS, 256);
	mnl_attr_put_u32(nlh, NETIF_A_BUF_SIZE, 4096);
	mnl_attr_put_u32(nlh, NETIF_A_MAX_FLOWS, 1024);
	mnl_attr_put(nlh, NETIF_A_LOW_LATENCY, 0, NULL);
	put_msg("attach", nlh);

	nlh = req(NETIF_CMD_SET, 0);
	mnl_attr_put_strz(nlh, NETIF_A_IFNAME, "eth0");
	mnl_attr_put_u8(nlh, NETIF_A_DEFAULT_ACTION, NETIF_ACTION_EXCEPTION);
	mnl_attr_put_u64(nlh, NETIF_A_INPUT_RATE, 100000000);
	mnl_attr_put_u64(nlh, NETIF_A_INPUT_BURST, 1 << 20);
	mnl_attr_put_u8(nlh, NETIF_A_VLAN_POLICY, NETIF_VLAN_DROP);
	put_msg("set", nlh);

	nlh = req(NETIF_CMD_FLOW_ADD, 0);
	mnl_attr_put_strz(nlh, NETIF_A_IFNAME, "eth0");
	n = mnl_attr_nest_start(nlh, NETIF_A_FLOW);
	mnl_attr_put_u8(nlh, NETIF_FA_TYPE, NETIF_FLOW_TUPLE);
	mnl_attr_put_u8(nlh, NETIF_FA_PROTO, 17);
	mnl_attr_put(nlh, NETIF_FA_SRC, 4, &a4);
	mnl_attr_put(nlh, NETIF_FA_DST, 4, &a4);
	mnl_attr_put_u16(nlh, NETIF_FA_SPORT, 5000);
	mnl_attr_put_u16(nlh, NETIF_FA_DPORT, 7000);
	mnl_attr_put_u8(nlh, NETIF_FA_ACTION, NETIF_ACTION_PORT);
	mnl_attr_put_u8(nlh, NETIF_FA_PORT, 2);
	mnl_attr_put_u64(nlh, NETIF_FA_RATE, 1000000);
	mnl_attr_put_u64(nlh, NETIF_FA_BURST, 10000);
	mnl_attr_put_u64(nlh, NETIF_FA_LLINK, 5);
	mnl_attr_nest_end(nlh, n);
	put_msg("flow-add-tuple", nlh);

	nlh = req(NETIF_CMD_FLOW_ADD, 0);
	mnl_attr_put_strz(nlh, NETIF_A_IFNAME, "eth0");
	n = mnl_attr_nest_start(nlh, NETIF_A_FLOW);
	mnl_attr_put(nlh, NETIF_FA_UUID, 16, uuid);
	mnl_attr_put_u8(nlh, NETIF_FA_TYPE, NETIF_FLOW_ULA);
	mnl_attr_put_u8(nlh, NETIF_FA_DIR, NETIF_DIR_OUT);
	mnl_attr_put(nlh, NETIF_FA_LOCAL, 16, a6);
	mnl_attr_put(nlh, NETIF_FA_REMOTE, 16, a6);
	mnl_attr_put_u8(nlh, NETIF_FA_ACTION, NETIF_ACTION_EXCEPTION);
	mnl_attr_put_u64(nlh, NETIF_FA_SHAPE, 10000000);
	mnl_attr_nest_end(nlh, n);
	put_msg("flow-add-ula", nlh);

	nlh = req(NETIF_CMD_FLOW_ADD, 0);
	mnl_attr_put_strz(nlh, NETIF_A_IFNAME, "eth0");
	n = mnl_attr_nest_start(nlh, NETIF_A_FLOW);
	mnl_attr_put_u8(nlh, NETIF_FA_TYPE, NETIF_FLOW_ETHERTYPE);
	mnl_attr_put_u16(nlh, NETIF_FA_ETHERTYPE, 0x88b5);
	mnl_attr_put_u8(nlh, NETIF_FA_ACTION, NETIF_ACTION_REDIRECT);
	mnl_attr_put_strz(nlh, NETIF_FA_REDIRECT_DEV, "eth1");
	mnl_attr_nest_end(nlh, n);
	put_msg("flow-add-etype", nlh);

	nlh = req(NETIF_CMD_FLOW_DEL, 0);
	mnl_attr_put_strz(nlh, NETIF_A_IFNAME, "eth0");
	n = mnl_attr_nest_start(nlh, NETIF_A_FLOW);
	mnl_attr_put(nlh, NETIF_FA_UUID, 16, uuid);
	mnl_attr_nest_end(nlh, n);
	put_msg("flow-del", nlh);

	nlh = req(NETIF_CMD_LLINK_ADD, 0);
	mnl_attr_put_strz(nlh, NETIF_A_IFNAME, "eth0");
	n = mnl_attr_nest_start(nlh, NETIF_A_LLINK);
	mnl_attr_put_u64(nlh, NETIF_LA_LINK_ID, 5);
	mnl_attr_put_u16(nlh, NETIF_LA_VLAN, 5);
	q = mnl_attr_nest_start(nlh, NETIF_LA_QSET);
	mnl_attr_put_u32(nlh, NETIF_QA_FLAGS, NETIF_QSET_F_DEFAULT | NETIF_QSET_F_WMM);
	mnl_attr_put_u32(nlh, NETIF_QA_RX_QUEUES, 1);
	mnl_attr_put_u32(nlh, NETIF_QA_TX_QUEUES, 4);
	mnl_attr_put_u64(nlh, NETIF_QA_RATE, 10000000);
	mnl_attr_nest_end(nlh, q);
	q = mnl_attr_nest_start(nlh, NETIF_LA_QSET);
	mnl_attr_put_u32(nlh, NETIF_QA_RX_QUEUES, 1);
	mnl_attr_put_u32(nlh, NETIF_QA_RX_BASE, 1);
	mnl_attr_put_u64(nlh, NETIF_QA_SHAPE, 5000000);
	mnl_attr_nest_end(nlh, q);
	mnl_attr_nest_end(nlh, n);
	put_msg("llink-add", nlh);

	nlh = req(NETIF_CMD_LLINK_GET, NLM_F_DUMP);
	mnl_attr_put_strz(nlh, NETIF_A_IFNAME, "eth0");
	mnl_attr_put_u32(nlh, NETIF_A_LLINK_INFO_VERSION, 1);
	put_msg("llink-get", nlh);

	nlh = req(NETIF_CMD_FILTER_ADD, 0);
	mnl_attr_put_strz(nlh, NETIF_A_IFNAME, "eth0");
	n = mnl_attr_nest_start(nlh, NETIF_A_FILTER);
	mnl_attr_put_strz(nlh, NETIF_FIA_KIND, "drop");
	mnl_attr_put_strz(nlh, NETIF_FIA_ARG, "tcp port 23 or icmp");
	mnl_attr_put_u8(nlh, NETIF_FIA_DIR, NETIF_FILTER_DIR_RX);
	mnl_attr_nest_end(nlh, n);
	put_msg("filter-add", nlh);

	nlh = req(NETIF_CMD_FILTER_OPEN, 0);
	mnl_attr_put_strz(nlh, NETIF_A_IFNAME, "eth0");
	n = mnl_attr_nest_start(nlh, NETIF_A_FILTER);
	mnl_attr_put_strz(nlh, NETIF_FIA_NAME, "audit");
	mnl_attr_nest_end(nlh, n);
	n = mnl_attr_nest_start(nlh, NETIF_A_CHANNEL);
	mnl_attr_put_u32(nlh, NETIF_CA_RX_SLOTS, 64);
	mnl_attr_put_u32(nlh, NETIF_CA_TX_SLOTS, 64);
	mnl_attr_nest_end(nlh, n);
	put_msg("filter-open", nlh);

	nlh = req(NETIF_CMD_CHANNEL_OPEN, 0);
	mnl_attr_put_strz(nlh, NETIF_A_IFNAME, "eth0");
	mnl_attr_put_u32(nlh, NETIF_A_PORT, 2);
	put_msg("channel-open", nlh);

	/* two requests in one datagram */
	nlh = req(NETIF_CMD_STATS_GET, 0);
	mnl_attr_put_strz(nlh, NETIF_A_IFNAME, "eth0");
	len = NLMSG_ALIGN(nlh->nlmsg_len);
	nlh = netif_msg_start(buf + len, NETIF_CMD_PORT_GET, NLM_F_REQUEST | NLM_F_DUMP, 2);
	mnl_attr_put_strz(nlh, NETIF_A_IFNAME, "eth0");
	put("ctl", "two-requests", buf, len + nlh->nlmsg_len);

	/* replies, for the client side: a stats answer, an error, the end of a dump */
	memset(buf, 0, sizeof(buf));
	nlh = netif_msg_start(buf, NETIF_CMD_STATS_GET, 0, 1);
	mnl_attr_put_strz(nlh, NETIF_A_IFNAME, "eth0");
	n = mnl_attr_nest_start(nlh, NETIF_A_STATS);
	q = mnl_attr_nest_start(nlh, NETIF_A_STAT);
	mnl_attr_put_strz(nlh, NETIF_SA_NAME, "rx_packets");
	mnl_attr_put_u64(nlh, NETIF_SA_VALUE, 42);
	mnl_attr_nest_end(nlh, q);
	mnl_attr_nest_end(nlh, n);
	put_msg("reply-stats", nlh);
	{
		struct netif_extack ext = { .msg = "eth9 is not attached" };
		struct nlmsghdr *r = req(NETIF_CMD_GET, 0);
		static char out[4096] __attribute__((aligned(8)));

		len = netif_msg_put_error(out, sizeof(out), r, -ENXIO, &ext);
		put("ctl", "reply-error", out, len);
	}
	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = NLMSG_DONE;
	nlh->nlmsg_flags = NLM_F_MULTI;
	nlh->nlmsg_seq = 1;
	mnl_nlmsg_put_extra_header(nlh, sizeof(int));
	put_msg("reply-done", nlh);
}

/* ---- frames ----------------------------------------------------------------- */

static size_t eth(uint8_t *f, uint16_t type, int vlans)
{
	static const uint8_t dst[6] = { 2, 0, 0, 0, 0, 2 }, src[6] = { 2, 0, 0, 0, 0, 1 };
	size_t off = 12;
	int i;

	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	for (i = 0; i < vlans; i++) {
		f[off] = i == 0 && vlans == 2 ? 0x88 : 0x81;
		f[off + 1] = i == 0 && vlans == 2 ? 0xa8 : 0x00;
		f[off + 2] = 0;
		f[off + 3] = 100 + i;
		off += 4;
	}
	f[off] = type >> 8;
	f[off + 1] = type & 0xff;
	return off + 2;
}

static size_t ipv4_udp(uint8_t *f, size_t off, uint32_t src, uint32_t dst, uint16_t sport,
		       uint16_t dport, uint8_t proto, uint16_t frag)
{
	uint8_t *ip = f + off;

	memset(ip, 0, 28 + 8);
	ip[0] = 0x45;
	ip[3] = 28 + 8;
	ip[6] = frag >> 8;
	ip[7] = frag & 0xff;
	ip[8] = 64;
	ip[9] = proto;
	src = htonl(src);
	dst = htonl(dst);
	memcpy(ip + 12, &src, 4);
	memcpy(ip + 16, &dst, 4);
	ip[20] = sport >> 8;
	ip[21] = sport & 0xff;
	ip[22] = dport >> 8;
	ip[23] = dport & 0xff;
	ip[25] = 16;
	return off + 28 + 8;
}

static size_t ipv6_ext(uint8_t *f, size_t off, const uint8_t *exts, int nexts, uint8_t proto)
{
	uint8_t *ip = f + off;
	size_t l4;
	int i;

	memset(ip, 0, 40);
	ip[0] = 0x60;
	ip[6] = nexts ? exts[0] : proto;
	ip[7] = 64;
	ip[8] = 0xfd;
	ip[23] = 1;
	ip[24] = 0xfd;
	ip[39] = 2;
	l4 = off + 40;
	for (i = 0; i < nexts; i++) {
		memset(f + l4, 0, 8);
		f[l4] = i + 1 < nexts ? exts[i + 1] : proto;
		l4 += 8;
	}
	memset(f + l4, 0, 16);
	f[l4 + 1] = 53;
	f[l4 + 3] = 53;
	ip[5] = l4 + 16 - off - 40;
	return l4 + 16;
}

static void parse_seeds(void)
{
	static const uint8_t exts[] = { 0, 43, 44, 60 }; /* hop-by-hop, routing, fragment, dest */
	uint8_t f[256];
	size_t n;

	n = ipv4_udp(f, eth(f, 0x0800, 0), 0x0a000002, 0x0a000001, 5000, 7000, 17, 0);
	put("parse", "ipv4-udp", f, n);
	n = ipv4_udp(f, eth(f, 0x0800, 1), 0x0a000002, 0x0a000001, 5000, 80, 6, 0);
	put("parse", "vlan-ipv4-tcp", f, n);
	n = ipv4_udp(f, eth(f, 0x0800, 2), 0x0a000002, 0x0a000001, 8, 0, 1, 0);
	put("parse", "qinq-ipv4-icmp", f, n);
	n = ipv4_udp(f, eth(f, 0x0800, 0), 0x0a000002, 0x0a000001, 5000, 7000, 17, 0x2001);
	put("parse", "ipv4-fragment", f, n);
	n = ipv6_ext(f, eth(f, 0x86dd, 0), NULL, 0, 17);
	put("parse", "ipv6-udp", f, n);
	n = ipv6_ext(f, eth(f, 0x86dd, 0), exts, 4, 58);
	put("parse", "ipv6-ext-icmpv6", f, n);
	n = eth(f, 0x0806, 0);
	memset(f + n, 0, 28);
	put("parse", "arp", f, n + 28);
	put("parse", "short", f, 10);
}

/* ---- chan ----------------------------------------------------------------------- */

/* As fuzz_chan.c reads it: its header, then the TX ring's slots (8 of 256 bytes). */
struct chan_head {
	uint32_t tx_head, rx_tail, rx_head;
	uint8_t pushes;
};

static void chan_seeds(void)
{
	static uint8_t in[sizeof(struct chan_head) + 2 * 8 * 320];
	struct chan_head h = { .tx_head = 2, .rx_tail = 0, .rx_head = 1, .pushes = 2 };
	uint32_t ss = netif_slot_size(256);
	struct netif_slot *s;
	size_t n;

	memset(in, 0, sizeof(in));
	memcpy(in, &h, sizeof(h));
	/* slot 0: a client's answer to port 2's flow (from 10.0.0.1:7000) */
	s = (struct netif_slot *)(in + sizeof(h));
	n = ipv4_udp(s->data, eth(s->data, 0x0800, 0), 0x0a000001, 0x0a000002, 7000, 5000, 17, 0);
	s->len = n;
	/* slot 1: a filter returning the first frame it was given */
	s = (struct netif_slot *)(in + sizeof(h) + ss);
	n = ipv4_udp(s->data, eth(s->data, 0x0800, 0), 0x0a000002, 0x0a000001, 5000, 7000, 17, 0);
	s->len = n;
	s->cookie = 1;
	s->verdict = NETIF_VERDICT_PASS;
	put("chan", "client-and-filter", in, sizeof(h) + 2 * ss);
	/* a head far ahead and a length beyond the slot */
	h.tx_head = 0x80000000u;
	memcpy(in, &h, sizeof(h));
	((struct netif_slot *)(in + sizeof(h)))->len = 0xffffffffu;
	put("chan", "bad-head-len", in, sizeof(h) + ss);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: seeds DIR\n");
		return 2;
	}
	dir = argv[1];
	mkdir(dir, 0755);
	ctl_seeds();
	parse_seeds();
	chan_seeds();
	return 0;
}
