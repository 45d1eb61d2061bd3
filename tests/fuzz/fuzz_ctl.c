// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The control protocol, both ways, fed any bytes:
 *   - as a request datagram to netifd's real transport (control.c, over a
 *     real socket, in this process): framing, header and privilege checks,
 *     attribute policies, then the request decoders and pure validation of
 *     the protocol and domain rooms (flow_spec_from_attr + flow_spec_check
 *     + flow_spec_keys, llink_config_from_attr + llink_config_check, the
 *     filter and channel nests, attach parameters) behind the real rows'
 *     allowed/required attributes; the transport's replies and errors are
 *     parsed by the client library on the way back;
 *   - as a reply datagram from a hostile netifd to the client library
 *     (netif_client_dispatch), with the nests netifctl reads.
 * No handler changes any state: the rows' handlers are replaced by decoders.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include "netif/params.h"
#include "netif_client.h"
#include "userspace/netifd/channel.h"
#include "userspace/netifd/ctl.h"
#include "userspace/netifd/ctl_cmds.h"
#include "userspace/netifd/filter.h"
#include "userspace/netifd/loop.h"
#include "userspace/netifd/nexus.h"

static struct ctl_cmd table[NETIF_CMD_MAX + 1];
static char path[108];
static struct netif_client cl;

static void decode_flow(struct ctl_req *r, int *err)
{
	struct flow_key keys[2];
	struct flow_spec fs;

	*err = flow_spec_from_attr(r->tb[NETIF_A_FLOW], &fs, &r->ext) ?: flow_spec_check(&fs, &r->ext);
	if (!*err && fs.has_uuid)
		flow_spec_keys(&fs, keys);
}

static void decode_llink(struct ctl_req *r, int *err)
{
	struct llink_config cfg;

	*err = llink_config_from_attr(r->tb[NETIF_A_LLINK], &cfg, &r->ext) ?:
	       llink_config_check(&cfg, 8, 8, &r->ext);
}

static void decode_nests(struct ctl_req *r, int *err)
{
	const struct nlattr *ft[NETIF_FIA_MAX + 1], *ct[NETIF_CA_MAX + 1];

	if (r->tb[NETIF_A_FILTER] &&
	    !(*err = ctl_nest(r, r->tb[NETIF_A_FILTER], netif_filter_policy, NETIF_FIA_MAX, 0, ft)) &&
	    ft[NETIF_FIA_KIND])
		filter_kind_parse(mnl_attr_get_str(ft[NETIF_FIA_KIND]));
	if (!*err && r->tb[NETIF_A_CHANNEL] &&
	    !(*err = ctl_nest(r, r->tb[NETIF_A_CHANNEL], netif_chan_policy, NETIF_CA_MAX, 0, ct))) {
		struct chan_params p = { .rx_slots = 1024, .tx_slots = 512, .buf_size = 2048 };

		if (ct[NETIF_CA_RX_SLOTS])
			p.rx_slots = mnl_attr_get_u32(ct[NETIF_CA_RX_SLOTS]);
		if (ct[NETIF_CA_TX_SLOTS])
			p.tx_slots = mnl_attr_get_u32(ct[NETIF_CA_TX_SLOTS]);
		*err = chan_params_check(&p, &r->ext);
	}
}

static uint32_t u32_or(const struct nlattr *a, uint32_t def)
{
	return a ? mnl_attr_get_u32(a) : def;
}

/* Every row's handler: decode what the request carries, answer with an echo or the error. */
static int h_decode(struct ctl_req *r)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(r->nlh);
	struct nlmsghdr *nlh;
	int err = 0;

	if (r->tb[NETIF_A_FLOW])
		decode_flow(r, &err);
	if (!err && r->tb[NETIF_A_LLINK])
		decode_llink(r, &err);
	if (!err)
		decode_nests(r, &err);
	if (!err && g->cmd == NETIF_CMD_ATTACH) {
		struct attach_req req = {
			.rx_slots = u32_or(r->tb[NETIF_A_RX_SLOTS], NETIF_RX_SLOTS_DEF),
			.tx_slots = u32_or(r->tb[NETIF_A_TX_SLOTS], NETIF_TX_SLOTS_DEF),
			.buf_size = u32_or(r->tb[NETIF_A_BUF_SIZE], NETIF_BUF_SIZE_DEF),
			.max_flows = u32_or(r->tb[NETIF_A_MAX_FLOWS], NETIF_MAX_FLOWS_DEF),
		};

		err = attach_req_check(&req, &r->ext);
	}
	if (err)
		return err;
	nlh = ctl_reply_begin(r->rep, g->cmd);
	if (r->tb[NETIF_A_IFNAME])
		mnl_attr_put_strz(nlh, NETIF_A_IFNAME, mnl_attr_get_str(r->tb[NETIF_A_IFNAME]));
	ctl_reply_end(r->rep, nlh);
	return 0;
}

/* What netifctl does with a reply: every nest it reads, parsed. */
static int reply_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[NETIF_A_MAX + 1], *sub[64], *a;
	int err;

	if (netif_attr_parse(nlh, netif_policy, NETIF_A_MAX, tb, NULL))
		return MNL_CB_OK;
	if (tb[NETIF_A_FLOW])
		netif_attr_parse_nested(tb[NETIF_A_FLOW], netif_flow_policy, NETIF_FA_MAX, sub, NULL);
	if (tb[NETIF_A_FILTER])
		netif_attr_parse_nested(tb[NETIF_A_FILTER], netif_filter_policy, NETIF_FIA_MAX, sub, NULL);
	if (tb[NETIF_A_CHANNEL])
		netif_attr_parse_nested(tb[NETIF_A_CHANNEL], netif_chan_policy, NETIF_CA_MAX, sub, NULL);
	if (tb[NETIF_A_EVENT])
		netif_attr_parse_nested(tb[NETIF_A_EVENT], netif_event_policy, NETIF_EA_MAX, sub, NULL);
	if (tb[NETIF_A_LLINK] &&
	    !netif_attr_parse_nested(tb[NETIF_A_LLINK], netif_llink_policy, NETIF_LA_MAX, sub, NULL)) {
		/* a validated nest: netifctl walks its repeated qsets with libmnl */
		mnl_attr_for_each_nested(a, tb[NETIF_A_LLINK]) {
			const struct nlattr *q[NETIF_QA_MAX + 1];

			if (mnl_attr_get_type(a) == NETIF_LA_QSET)
				err = netif_attr_parse_nested(a, netif_qset_policy, NETIF_QA_MAX, q, NULL);
		}
	}
	if (tb[NETIF_A_STATS] &&
	    !netif_attr_parse_nested(tb[NETIF_A_STATS], netif_policy, NETIF_A_MAX, sub, NULL)) {
		mnl_attr_for_each_nested(a, tb[NETIF_A_STATS]) {
			const struct nlattr *s[NETIF_SA_MAX + 1];

			err = netif_attr_parse_nested(a, netif_stat_policy, NETIF_SA_MAX, s, NULL);
		}
	}
	(void)err;
	return MNL_CB_OK;
}

static void pump_stop(void *data)
{
	loop_stop();
}

/* One turn of netifd's loop: whatever is ready, no waiting. */
static void pump(void)
{
	loop_run(0, pump_stop, NULL);
}

static int connect_client(void)
{
	int err;

	if (cl.fd >= 0)
		netif_client_close(&cl);
	err = netif_client_open(&cl, path);
	pump(); /* accepted */
	return err;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	int cmd;

	snprintf(path, sizeof(path), "/tmp/netif-fuzz-ctl-%d.sock", getpid());
	if (loop_init() || ctl_cmds_build(table))
		abort();
	/* the real rows' attribute sets and flags; decoders for handlers */
	for (cmd = 0; cmd <= NETIF_CMD_MAX; cmd++)
		if (table[cmd].fn)
			table[cmd].fn = h_decode;
	if (ctl_server_open(path, table, NETIF_CMD_MAX + 1, NULL))
		abort();
	cl.fd = -1;
	if (connect_client())
		abort();
	return 0;
}

/* Serve the request and read every reply, until nothing moves. */
static void exchange(const uint8_t *data, size_t size)
{
	static char buf[NETIF_NL_MAX_MSG];
	bool moved = true;
	ssize_t n;

	if (send(cl.fd, data, size, MSG_DONTWAIT) < 0 && errno != EMSGSIZE) {
		connect_client();
		return;
	}
	while (moved) {
		moved = false;
		pump();
		while ((n = recv(cl.fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
			netif_client_dispatch(&cl, buf, n, 0, reply_cb, NULL);
			moved = true;
		}
		if (n == 0) {
			connect_client();
			return;
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char copy[NETIF_NL_MAX_MSG] __attribute__((aligned(8)));
	uint32_t seq = 0;

	if (size > sizeof(copy))
		size = sizeof(copy);
	exchange(data, size);
	/* the same bytes as a hostile netifd's reply, to a call and as an event */
	memcpy(copy, data, size);
	if (size >= 12)
		memcpy(&seq, copy + 8, sizeof(seq));
	netif_client_dispatch(&cl, copy, size, seq, reply_cb, NULL);
	netif_client_dispatch(&cl, copy, size, 0, reply_cb, NULL);
	return 0;
}
