// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * monitor [dev IF]: netifd's events as they happen, one a line (text that
 * reads like the command that would make the change, or one JSON object a
 * line with -j), until interrupted. As ip monitor.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "netif/filter_abi.h"
#include "netif/maps.h"
#include "args.h"
#include "attrs.h"
#include "call.h"
#include "commands.h"
#include "names.h"

static void print_mac(struct out *o, const char *fmt, const struct nlattr *a)
{
	const uint8_t *m = mnl_attr_get_payload(a);
	char mac[18];

	snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4],
		 m[5]);
	print_string(o, PRINT_ANY, "mac", fmt, mac);
}

static void print_link(struct out *o, const struct nlattr **et)
{
	if (et[NETIF_EA_UP])
		print_string(o, PRINT_ANY, "state", " %s", mnl_attr_get_u8(et[NETIF_EA_UP]) ? "up" : "down");
	if (et[NETIF_EA_MTU])
		print_u64(o, PRINT_ANY, "mtu", " mtu %s", mnl_attr_get_u32(et[NETIF_EA_MTU]));
	if (et[NETIF_EA_MAC])
		print_mac(o, " link/ether %s", et[NETIF_EA_MAC]);
}

static void print_llink(struct out *o, const struct nlattr *nest)
{
	const struct nlattr *lt[NETIF_LA_MAX + 1], *a;
	char id[16];

	if (netif_attr_parse_nested(nest, netif_llink_policy, NETIF_LA_MAX, lt, NULL))
		return;
	out_open_object(o, "llink");
	print_u64(o, PRINT_ANY, "id", " id %s", attr_u64(lt[NETIF_LA_LINK_ID]));
	if (lt[NETIF_LA_VLAN])
		print_u64(o, PRINT_ANY, "vlan", " vlan %s", mnl_attr_get_u16(lt[NETIF_LA_VLAN]));
	out_open_array(o, "qsets");
	print_text(o, " qsets");
	mnl_attr_for_each_nested(a, nest) {
		const struct nlattr *qt[NETIF_QA_MAX + 1];

		if (mnl_attr_get_type(a) != NETIF_LA_QSET ||
		    netif_attr_parse_nested(a, netif_qset_policy, NETIF_QA_MAX, qt, NULL))
			continue;
		snprintf(id, sizeof(id), "0x%08x", (unsigned int)attr_u32(qt[NETIF_QA_ID]));
		print_string(o, PRINT_ANY, NULL, " %s", id);
	}
	out_close_array(o);
	out_close_object(o);
}

static void print_filter(struct out *o, const struct nlattr *nest)
{
	const struct nlattr *ft[NETIF_FIA_MAX + 1];
	const char *arg;

	if (netif_attr_parse_nested(nest, netif_filter_policy, NETIF_FIA_MAX, ft, NULL))
		return;
	arg = attr_str(ft[NETIF_FIA_ARG]);
	out_open_object(o, "filter");
	print_u64(o, PRINT_ANY, "id", " id %s", attr_u32(ft[NETIF_FIA_ID]));
	print_string(o, PRINT_ANY, "kind", " %s", attr_str(ft[NETIF_FIA_KIND]));
	print_string(o, PRINT_ANY, "arg", " %s", arg);
	print_string(o, PRINT_ANY, "name", " %s", attr_str(ft[NETIF_FIA_NAME]));
	if (ft[NETIF_FIA_DIR]) {
		unsigned int d = mnl_attr_get_u8(ft[NETIF_FIA_DIR]);

		print_string(o, PRINT_ANY, "dir", " dir %s", d == NETIF_FILTER_DIR_RX ? "rx" :
			     d == NETIF_FILTER_DIR_TX ? "tx" : "both");
	}
	out_close_object(o);
}

static void print_settings(struct out *o, const struct nlattr **tb)
{
	uint64_t rate = attr_u64(tb[NETIF_A_INPUT_RATE]), shape = attr_u64(tb[NETIF_A_SHAPE_RATE]);

	if (tb[NETIF_A_DEFAULT_ACTION])
		print_string(o, PRINT_ANY, "default_action", " default-action %s",
			     netif_action_name(mnl_attr_get_u8(tb[NETIF_A_DEFAULT_ACTION])));
	if (tb[NETIF_A_VLAN_POLICY])
		print_string(o, PRINT_ANY, "unknown_vlan", " unknown-vlan %s",
			     netif_vlan_policy_name(mnl_attr_get_u8(tb[NETIF_A_VLAN_POLICY])));
	/* text names a limit only when there is one; JSON always has the keys */
	if (tb[NETIF_A_INPUT_RATE])
		print_rate(o, rate ? PRINT_ANY : PRINT_JSON, "input_rate", " input-rate %s", rate);
	if (tb[NETIF_A_INPUT_BURST])
		print_size(o, rate ? PRINT_ANY : PRINT_JSON, "input_burst", " burst %s",
			   attr_u64(tb[NETIF_A_INPUT_BURST]));
	if (tb[NETIF_A_SHAPE_RATE])
		print_rate(o, shape ? PRINT_ANY : PRINT_JSON, "shape_rate", " shape %s", shape);
}

/* What follows the event's name and device: the object it is about. */
static void print_body(struct out *o, unsigned int kind, const struct nlattr **tb,
		       const struct nlattr **et)
{
	char u[37];

	print_link(o, et);
	if (tb[NETIF_A_UUID])
		print_string(o, PRINT_ANY, "uuid", " uuid %s",
			     cli_fmt_uuid(mnl_attr_get_payload(tb[NETIF_A_UUID]), u));
	if (tb[NETIF_A_MODE])
		print_string(o, PRINT_ANY, "mode", " mode %s",
			     netif_mode_name(mnl_attr_get_u8(tb[NETIF_A_MODE])));
	if (kind == NETIF_EVENT_SET)
		print_settings(o, tb);
	if (tb[NETIF_A_FLOW]) {
		print_text(o, " ");
		flow_print_as(o, "flow", tb[NETIF_A_FLOW], false);
	}
	if (tb[NETIF_A_LLINK])
		print_llink(o, tb[NETIF_A_LLINK]);
	if (tb[NETIF_A_FILTER])
		print_filter(o, tb[NETIF_A_FILTER]);
	if (tb[NETIF_A_PORT])
		print_u64(o, PRINT_ANY, "port", " port %s", mnl_attr_get_u32(tb[NETIF_A_PORT]));
	if (et[NETIF_EA_NAME])
		print_string(o, PRINT_ANY, "name", " filter %s", mnl_attr_get_str(et[NETIF_EA_NAME]));
	if (et[NETIF_EA_PID])
		print_u64(o, PRINT_ANY, "pid", " pid %s", mnl_attr_get_u32(et[NETIF_EA_PID]));
	if (et[NETIF_EA_LOST])
		print_u64(o, PRINT_ANY, "lost", " %s events were dropped (this monitor read too slowly)",
			  mnl_attr_get_u32(et[NETIF_EA_LOST]));
}

/* One event, written out at once (the output of one line is one unit). */
static int event_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[NETIF_A_MAX + 1], *et[NETIF_EA_MAX + 1];
	struct cli *c = data;
	struct out *o = &c->out;
	unsigned int kind;

	if (netif_msg_cmd(nlh) != NETIF_CMD_EVENT ||
	    netif_attr_parse(nlh, netif_policy, NETIF_A_MAX, tb, NULL) || !tb[NETIF_A_EVENT] ||
	    netif_attr_parse_nested(tb[NETIF_A_EVENT], netif_event_policy, NETIF_EA_MAX, et, NULL) ||
	    !et[NETIF_EA_KIND])
		return MNL_CB_OK; /* not an event this netifctl knows how to read */
	kind = mnl_attr_get_u8(et[NETIF_EA_KIND]);
	out_open_object(o, NULL);
	print_string(o, PRINT_ANY, "event", "%s", netif_event_name(kind));
	if (tb[NETIF_A_IFNAME])
		print_string(o, PRINT_ANY, "ifname", " dev %s", mnl_attr_get_str(tb[NETIF_A_IFNAME]));
	print_body(o, kind, tb, et);
	/* a flow prints its own line end */
	if (!tb[NETIF_A_FLOW])
		print_text(o, "\n");
	out_close_object(o);
	if (out_end(o, stdout, true) || out_begin(o))
		return MNL_CB_ERROR;
	fflush(stdout);
	return MNL_CB_OK;
}

static const struct cli_kw monitor_kw[] = {
	KW("dev", kw_dev, .meta = "IF"),
};

int cmd_monitor(struct cli *c)
{
	struct cli_args a = { .what = "monitor", .nlh = cli_msg(c, NETIF_CMD_MONITOR, 0) };
	int err = CLI_REQUEST(c, &a, monitor_kw, NULL, NULL);

	if (err)
		return err;
	/* what was collected so far (nothing) is flushed; every event is its own output */
	if (out_end(&c->out, stdout, true) || out_begin(&c->out))
		return -EIO;
	while (!(err = netif_client_recv_event(&c->client, event_cb, c)))
		;
	if (err == -ENOTCONN)
		fprintf(stderr, "Error: netifd closed the connection\n");
	else
		fprintf(stderr, "Error: monitor: %s\n", strerror(-err));
	return err;
}
