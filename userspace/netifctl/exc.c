// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* filter add | del | show, port show: the exception path */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "netif/filter_abi.h"
#include "netifctl.h"

static const char *dir_name(unsigned int dirs)
{
	switch (dirs) {
	case NETIF_FILTER_DIR_RX:
		return "rx";
	case NETIF_FILTER_DIR_TX:
		return "tx";
	default:
		return "both";
	}
}

static void print_id(json_t *o)
{
	printf("id %lld\n", json_integer_value(json_object_get(o, "id")));
}

static int add_reply(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[NETIF_A_MAX + 1], *ft[NETIF_FIA_MAX + 1];

	if (netif_attr_parse(nlh, netif_policy, NETIF_A_MAX, tb, NULL) || !tb[NETIF_A_FILTER] ||
	    netif_attr_parse_nested(tb[NETIF_A_FILTER], netif_filter_policy, NETIF_FIA_MAX, ft, NULL))
		return MNL_CB_ERROR;
	if (ft[NETIF_FIA_ID])
		json_object_set_new(data, "id", json_integer(mnl_attr_get_u32(ft[NETIF_FIA_ID])));
	return MNL_CB_OK;
}

static int filter_add(struct cli *c)
{
	struct netif_client *cl = cli_client(c);
	struct nlmsghdr *nlh = netif_client_msg(cl, NETIF_CMD_FILTER_ADD, 0);
	const char *dev = NULL, *kind = NULL, *arg;
	char expr[NETIF_FILTER_ARG_MAX] = "";
	char path[PATH_MAX];
	uint8_t dirs = NETIF_FILTER_DIR_RX | NETIF_FILTER_DIR_TX;
	struct nlattr *nest;

	while (!kind && (arg = cli_next(c))) {
		if (cli_is(arg, "dev")) {
			dev = cli_value(c, arg);
		} else if (cli_is(arg, "dir")) {
			const char *d = cli_value(c, arg);

			if (cli_is(d, "rx"))
				dirs = NETIF_FILTER_DIR_RX;
			else if (cli_is(d, "tx"))
				dirs = NETIF_FILTER_DIR_TX;
			else if (cli_is(d, "both"))
				dirs = NETIF_FILTER_DIR_RX | NETIF_FILTER_DIR_TX;
			else
				return cli_usage_error("dir must be rx, tx or both");
		} else if (cli_is(arg, "pcap")) {
			const char *file = cli_value(c, arg);

			kind = arg;
			/* netifd resolves nothing relative to its own cwd: hand it a full path */
			if (file[0] == '/')
				snprintf(expr, sizeof(expr), "%s", file);
			else if (getcwd(path, sizeof(path)))
				snprintf(expr, sizeof(expr), "%s/%s", path, file);
			else
				return cli_usage_error("cannot resolve %s", file);
		} else if (cli_is(arg, "count")) {
			kind = arg;
		} else if (cli_is(arg, "drop")) {
			size_t used = 0;

			kind = arg;
			/* the rest of the line is a pcap-filter(7) expression */
			while ((arg = cli_next(c))) {
				int n = snprintf(expr + used, sizeof(expr) - used, "%s%s", used ? " " : "", arg);

				if (n < 0 || (size_t)n >= sizeof(expr) - used)
					return cli_usage_error("drop expression too long");
				used += n;
			}
		} else {
			return cli_usage_error("filter add: unknown argument \"%s\"", arg);
		}
	}
	if ((arg = cli_next(c)))
		return cli_usage_error("filter add: unexpected \"%s\"", arg);
	if (!dev || !kind)
		return cli_usage_error("usage: filter add dev IF [dir rx|tx|both] pcap FILE | count | drop EXPR");
	mnl_attr_put_strz(nlh, NETIF_A_IFNAME, dev);
	nest = mnl_attr_nest_start(nlh, NETIF_A_FILTER);
	mnl_attr_put_strz(nlh, NETIF_FIA_KIND, kind);
	if (expr[0])
		mnl_attr_put_strz(nlh, NETIF_FIA_ARG, expr);
	mnl_attr_put_u8(nlh, NETIF_FIA_DIR, dirs);
	mnl_attr_nest_end(nlh, nest);
	return cli_call(c, add_reply, json_object(), print_id);
}

static int filter_del(struct cli *c)
{
	struct netif_client *cl = cli_client(c);
	struct nlmsghdr *nlh = netif_client_msg(cl, NETIF_CMD_FILTER_DEL, 0);
	const char *dev = NULL, *arg;
	struct nlattr *nest;
	bool have_id = false;
	uint32_t id = 0;
	int err;

	while ((arg = cli_next(c))) {
		if (cli_is(arg, "dev")) {
			dev = cli_value(c, arg);
		} else if (cli_is(arg, "id")) {
			err = cli_u32(arg, cli_value(c, arg), 1, UINT32_MAX, &id);
			if (err)
				return err;
			have_id = true;
		} else {
			return cli_usage_error("filter del: unknown argument \"%s\"", arg);
		}
	}
	if (!dev || !have_id)
		return cli_usage_error("usage: filter del dev IF id N");
	mnl_attr_put_strz(nlh, NETIF_A_IFNAME, dev);
	nest = mnl_attr_nest_start(nlh, NETIF_A_FILTER);
	mnl_attr_put_u32(nlh, NETIF_FIA_ID, id);
	mnl_attr_nest_end(nlh, nest);
	return cli_call(c, NULL, NULL, NULL);
}

static int show_reply(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[NETIF_A_MAX + 1], *ft[NETIF_FIA_MAX + 1];
	json_t *o;

	if (netif_attr_parse(nlh, netif_policy, NETIF_A_MAX, tb, NULL) || !tb[NETIF_A_FILTER] ||
	    netif_attr_parse_nested(tb[NETIF_A_FILTER], netif_filter_policy, NETIF_FIA_MAX, ft, NULL))
		return MNL_CB_ERROR;
	o = json_object();
	if (ft[NETIF_FIA_ID])
		json_object_set_new(o, "id", json_integer(mnl_attr_get_u32(ft[NETIF_FIA_ID])));
	if (ft[NETIF_FIA_KIND])
		json_object_set_new(o, "kind", json_string(mnl_attr_get_str(ft[NETIF_FIA_KIND])));
	if (ft[NETIF_FIA_ARG])
		json_object_set_new(o, "arg", json_string(mnl_attr_get_str(ft[NETIF_FIA_ARG])));
	if (ft[NETIF_FIA_NAME])
		json_object_set_new(o, "name", json_string(mnl_attr_get_str(ft[NETIF_FIA_NAME])));
	if (ft[NETIF_FIA_DIR])
		json_object_set_new(o, "dir", json_string(dir_name(mnl_attr_get_u8(ft[NETIF_FIA_DIR]))));
	json_object_set_new(o, "packets", json_integer(ft[NETIF_FIA_PACKETS] ? mnl_attr_get_u64(ft[NETIF_FIA_PACKETS]) : 0));
	json_object_set_new(o, "drops", json_integer(ft[NETIF_FIA_DROPS] ? mnl_attr_get_u64(ft[NETIF_FIA_DROPS]) : 0));
	json_array_append_new(data, o);
	return MNL_CB_OK;
}

static void print_filters(json_t *arr)
{
	size_t i;
	json_t *o;

	json_array_foreach(arr, i, o) {
		const char *a = json_string_value(json_object_get(o, "arg"));
		const char *n = json_string_value(json_object_get(o, "name"));

		printf("filter %lld %s%s%s dir %s packets %lld drops %lld\n",
		       json_integer_value(json_object_get(o, "id")),
		       json_string_value(json_object_get(o, "kind")), a || n ? " " : "",
		       a ? a : (n ? n : ""), json_string_value(json_object_get(o, "dir")),
		       json_integer_value(json_object_get(o, "packets")),
		       json_integer_value(json_object_get(o, "drops")));
	}
}

static int dump(struct cli *c, uint8_t cmd, netif_reply_cb cb, void (*print)(json_t *))
{
	struct netif_client *cl = cli_client(c);
	struct nlmsghdr *nlh = netif_client_msg(cl, cmd, NLM_F_DUMP);
	int err = cli_dev_only(c, nlh);

	return err ? err : cli_call(c, cb, json_array(), print);
}

int cmd_filter(struct cli *c)
{
	const char *sub = cli_next(c);

	if (cli_is(sub, "add"))
		return filter_add(c);
	if (cli_is(sub, "del") || cli_is(sub, "delete"))
		return filter_del(c);
	if (cli_is(sub, "show") || cli_is(sub, "list"))
		return dump(c, NETIF_CMD_FILTER_GET, show_reply, print_filters);
	return cli_usage_error("usage: filter add|del|show ...");
}

static int port_reply(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[NETIF_A_MAX + 1], *ct[NETIF_CA_MAX + 1];
	json_t *o;

	if (netif_attr_parse(nlh, netif_policy, NETIF_A_MAX, tb, NULL) || !tb[NETIF_A_CHANNEL] ||
	    netif_attr_parse_nested(tb[NETIF_A_CHANNEL], netif_chan_policy, NETIF_CA_MAX, ct, NULL))
		return MNL_CB_ERROR;
	o = json_object();
	json_object_set_new(o, "port", json_integer(tb[NETIF_A_PORT] ? mnl_attr_get_u32(tb[NETIF_A_PORT]) : 0));
	json_object_set_new(o, "pid", json_integer(ct[NETIF_CA_PID] ? mnl_attr_get_u32(ct[NETIF_CA_PID]) : 0));
	json_object_set_new(o, "rx_slots", json_integer(ct[NETIF_CA_RX_SLOTS] ? mnl_attr_get_u32(ct[NETIF_CA_RX_SLOTS]) : 0));
	json_object_set_new(o, "tx_slots", json_integer(ct[NETIF_CA_TX_SLOTS] ? mnl_attr_get_u32(ct[NETIF_CA_TX_SLOTS]) : 0));
	json_object_set_new(o, "rx_packets", json_integer(ct[NETIF_CA_RX_PACKETS] ? mnl_attr_get_u64(ct[NETIF_CA_RX_PACKETS]) : 0));
	json_object_set_new(o, "rx_drops", json_integer(ct[NETIF_CA_RX_DROPS] ? mnl_attr_get_u64(ct[NETIF_CA_RX_DROPS]) : 0));
	json_object_set_new(o, "tx_packets", json_integer(ct[NETIF_CA_TX_PACKETS] ? mnl_attr_get_u64(ct[NETIF_CA_TX_PACKETS]) : 0));
	json_object_set_new(o, "tx_drops", json_integer(ct[NETIF_CA_TX_DROPS] ? mnl_attr_get_u64(ct[NETIF_CA_TX_DROPS]) : 0));
	json_array_append_new(data, o);
	return MNL_CB_OK;
}

static void print_ports(json_t *arr)
{
	size_t i;
	json_t *o;

	json_array_foreach(arr, i, o)
		printf("port %lld pid %lld rx-slots %lld tx-slots %lld\n"
		       "    rx %lld packets %lld ring-full drops  tx %lld packets %lld rejected\n",
		       json_integer_value(json_object_get(o, "port")),
		       json_integer_value(json_object_get(o, "pid")),
		       json_integer_value(json_object_get(o, "rx_slots")),
		       json_integer_value(json_object_get(o, "tx_slots")),
		       json_integer_value(json_object_get(o, "rx_packets")),
		       json_integer_value(json_object_get(o, "rx_drops")),
		       json_integer_value(json_object_get(o, "tx_packets")),
		       json_integer_value(json_object_get(o, "tx_drops")));
}

int cmd_port(struct cli *c)
{
	const char *sub = cli_next(c);

	if (cli_is(sub, "show") || cli_is(sub, "list"))
		return dump(c, NETIF_CMD_PORT_GET, port_reply, print_ports);
	return cli_usage_error("usage: port show dev IF");
}
