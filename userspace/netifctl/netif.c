// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* attach, detach, show, set, stats */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "netif/features.h"
#include "netif/maps.h"
#include "netif/params.h"
#include "names.h"
#include "netifctl.h"
#include "units.h"

static int need_dev(const char *dev)
{
	return dev ? 0 : cli_usage_error("dev IF is required");
}

static void put_dev(struct nlmsghdr *nlh, const char *dev)
{
	mnl_attr_put_strz(nlh, NETIF_A_IFNAME, dev);
}

/* ---- attach / detach -------------------------------------------------- */

static void print_attach(json_t *o)
{
	printf("uuid %s\n", json_string_value(json_object_get(o, "uuid")));
}

static int attach_reply(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[NETIF_A_MAX + 1];
	json_t *o = data;
	char u[37];

	if (netif_attr_parse(nlh, netif_policy, NETIF_A_MAX, tb, NULL))
		return MNL_CB_ERROR;
	if (tb[NETIF_A_UUID])
		json_object_set_new(o, "uuid",
				    json_string(cli_fmt_uuid(mnl_attr_get_payload(tb[NETIF_A_UUID]), u)));
	if (tb[NETIF_A_IFNAME])
		json_object_set_new(o, "ifname", json_string(mnl_attr_get_str(tb[NETIF_A_IFNAME])));
	if (tb[NETIF_A_MODE])
		json_object_set_new(o, "mode", json_string(netif_mode_name(mnl_attr_get_u8(tb[NETIF_A_MODE]))));
	return MNL_CB_OK;
}

int cmd_attach(struct cli *c)
{
	const char *dev = NULL, *arg;
	struct netif_client *cl;
	struct nlmsghdr *nlh;
	uint32_t v;
	int err, mode;

	cl = cli_client(c);
	nlh = netif_client_msg(cl, NETIF_CMD_ATTACH, 0);
	while ((arg = cli_next(c))) {
		if (cli_is(arg, "dev")) {
			dev = cli_value(c, arg);
			put_dev(nlh, dev);
		} else if (cli_is(arg, "mode")) {
			const char *m = cli_value(c, arg);

			mode = netif_mode_parse(m);
			if (mode < 0)
				return cli_usage_error("mode must be native, compat or auto, not \"%s\"", m);
			mnl_attr_put_u8(nlh, NETIF_A_MODE, mode);
		} else if (cli_is(arg, "rx-slots") || cli_is(arg, "tx-slots") ||
			   cli_is(arg, "buf-size") || cli_is(arg, "max-flows")) {
			int attr = cli_is(arg, "rx-slots") ? NETIF_A_RX_SLOTS :
				   cli_is(arg, "tx-slots") ? NETIF_A_TX_SLOTS :
				   cli_is(arg, "buf-size") ? NETIF_A_BUF_SIZE : NETIF_A_MAX_FLOWS;

			/* the agent checks the provider ranges; here only that it is a number */
			err = cli_u32(arg, cli_value(c, arg), 0, UINT32_MAX, &v);
			if (err)
				return err;
			mnl_attr_put_u32(nlh, attr, v);
		} else if (cli_is(arg, "low-latency")) {
			mnl_attr_put(nlh, NETIF_A_LOW_LATENCY, 0, NULL);
		} else {
			return cli_usage_error("attach: unknown argument \"%s\"", arg);
		}
	}
	err = need_dev(dev);
	if (err)
		return err;
	return cli_call(c, attach_reply, json_object(), print_attach);
}

int cmd_detach(struct cli *c)
{
	const char *dev = NULL, *arg;
	struct netif_client *cl = cli_client(c);
	struct nlmsghdr *nlh = netif_client_msg(cl, NETIF_CMD_DETACH, 0);
	uint8_t u[16];
	int err;

	while ((arg = cli_next(c))) {
		if (cli_is(arg, "dev")) {
			dev = cli_value(c, arg);
			put_dev(nlh, dev);
		} else if (cli_is(arg, "uuid")) {
			err = cli_uuid(cli_value(c, arg), u);
			if (err)
				return err;
			mnl_attr_put(nlh, NETIF_A_UUID, 16, u);
		} else {
			return cli_usage_error("detach: unknown argument \"%s\"", arg);
		}
	}
	err = need_dev(dev);
	if (err)
		return err;
	return cli_call(c, NULL, NULL, NULL);
}

/* ---- show ------------------------------------------------------------- */

static const char *fmt_mac(const uint8_t *m, char *buf)
{
	sprintf(buf, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
	return buf;
}

static const struct {
	const char *name, *since;
} features[NETIF_FEAT__MAX] = {
#define FEATURE_NAME(id, n, s, w) [NETIF_FEAT_##id] = { n, s },
	NETIF_FEATURES_LIST(FEATURE_NAME)
#undef FEATURE_NAME
};

/* {"user-ringbuf": true, ...}: every feature this netifctl knows, in use or not */
static json_t *features_json(uint64_t mask)
{
	json_t *f = json_object();
	int i;

	for (i = 0; i < NETIF_FEAT__MAX; i++)
		json_object_set_new(f, features[i].name, json_boolean(mask & (1ULL << i)));
	return f;
}

static void print_features(json_t *f)
{
	int i, n = 0;

	if (!f)
		return;
	printf("    features");
	for (i = 0; i < NETIF_FEAT__MAX; i++)
		if (json_is_true(json_object_get(f, features[i].name)) && ++n)
			printf(" %s", features[i].name);
	if (!n)
		printf(" none");
	for (i = 0, n = 0; i < NETIF_FEAT__MAX; i++)
		if (!json_is_true(json_object_get(f, features[i].name)))
			printf("%s %s (Linux %s)", n++ ? "," : "; missing", features[i].name,
			       features[i].since);
	printf("\n");
}

static int show_reply(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[NETIF_A_MAX + 1];
	json_t *arr = data, *o = json_object();
	char buf[64];

	if (netif_attr_parse(nlh, netif_policy, NETIF_A_MAX, tb, NULL)) {
		json_decref(o);
		return MNL_CB_ERROR;
	}
	if (tb[NETIF_A_IFNAME])
		json_object_set_new(o, "ifname", json_string(mnl_attr_get_str(tb[NETIF_A_IFNAME])));
	if (tb[NETIF_A_IFINDEX])
		json_object_set_new(o, "ifindex", json_integer(mnl_attr_get_u32(tb[NETIF_A_IFINDEX])));
	if (tb[NETIF_A_UUID])
		json_object_set_new(o, "uuid",
				    json_string(cli_fmt_uuid(mnl_attr_get_payload(tb[NETIF_A_UUID]), buf)));
	if (tb[NETIF_A_MODE])
		json_object_set_new(o, "mode", json_string(netif_mode_name(mnl_attr_get_u8(tb[NETIF_A_MODE]))));
	if (tb[NETIF_A_REQUESTED_MODE])
		json_object_set_new(o, "requested_mode",
				    json_string(netif_mode_name(mnl_attr_get_u8(tb[NETIF_A_REQUESTED_MODE]))));
	if (tb[NETIF_A_MAC])
		json_object_set_new(o, "mac", json_string(fmt_mac(mnl_attr_get_payload(tb[NETIF_A_MAC]), buf)));
	if (tb[NETIF_A_MTU])
		json_object_set_new(o, "mtu", json_integer(mnl_attr_get_u32(tb[NETIF_A_MTU])));
	json_object_set_new(o, "low_latency", json_boolean(tb[NETIF_A_LOW_LATENCY] != NULL));
	if (tb[NETIF_A_DEFAULT_ACTION])
		json_object_set_new(o, "default_action",
				    json_string(netif_action_name(mnl_attr_get_u8(tb[NETIF_A_DEFAULT_ACTION]))));
	if (tb[NETIF_A_VLAN_POLICY])
		json_object_set_new(o, "unknown_vlan",
				    json_string(netif_vlan_policy_name(mnl_attr_get_u8(tb[NETIF_A_VLAN_POLICY]))));
	if (tb[NETIF_A_RX_SLOTS])
		json_object_set_new(o, "rx_slots", json_integer(mnl_attr_get_u32(tb[NETIF_A_RX_SLOTS])));
	if (tb[NETIF_A_TX_SLOTS])
		json_object_set_new(o, "tx_slots", json_integer(mnl_attr_get_u32(tb[NETIF_A_TX_SLOTS])));
	if (tb[NETIF_A_BUF_SIZE])
		json_object_set_new(o, "buf_size", json_integer(mnl_attr_get_u32(tb[NETIF_A_BUF_SIZE])));
	if (tb[NETIF_A_MAX_FLOWS])
		json_object_set_new(o, "max_flows", json_integer(mnl_attr_get_u32(tb[NETIF_A_MAX_FLOWS])));
	if (tb[NETIF_A_FLOW_COUNT])
		json_object_set_new(o, "flows", json_integer(mnl_attr_get_u32(tb[NETIF_A_FLOW_COUNT])));
	if (tb[NETIF_A_RX_QUEUES])
		json_object_set_new(o, "rx_queues", json_integer(mnl_attr_get_u32(tb[NETIF_A_RX_QUEUES])));
	if (tb[NETIF_A_TX_QUEUES])
		json_object_set_new(o, "tx_queues", json_integer(mnl_attr_get_u32(tb[NETIF_A_TX_QUEUES])));
	if (tb[NETIF_A_INPUT_RATE])
		json_object_set_new(o, "input_rate", json_integer(mnl_attr_get_u64(tb[NETIF_A_INPUT_RATE])));
	if (tb[NETIF_A_INPUT_BURST])
		json_object_set_new(o, "input_burst", json_integer(mnl_attr_get_u64(tb[NETIF_A_INPUT_BURST])));
	if (tb[NETIF_A_SHAPE_RATE])
		json_object_set_new(o, "shape_rate", json_integer(mnl_attr_get_u64(tb[NETIF_A_SHAPE_RATE])));
	if (tb[NETIF_A_ATTACH_TIME])
		json_object_set_new(o, "attach_time", json_integer(mnl_attr_get_u64(tb[NETIF_A_ATTACH_TIME])));
	if (tb[NETIF_A_FEATURES])
		json_object_set_new(o, "features", features_json(mnl_attr_get_u64(tb[NETIF_A_FEATURES])));
	json_array_append_new(arr, o);
	return MNL_CB_OK;
}

static const char *jstr(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : "?";
}

static long long jint(json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

static void print_show(json_t *arr)
{
	char r[32], b[32], t[64];
	size_t i;
	json_t *o;

	json_array_foreach(arr, i, o) {
		time_t at = (time_t)jint(o, "attach_time");

		strftime(t, sizeof(t), "%Y-%m-%dT%H:%M:%SZ", gmtime(&at));
		printf("%lld: %s: uuid %s mode %s%s\n", jint(o, "ifindex"), jstr(o, "ifname"),
		       jstr(o, "uuid"), jstr(o, "mode"),
		       json_is_true(json_object_get(o, "low_latency")) ? " low-latency" : "");
		printf("    link/ether %s mtu %lld queues rx %lld tx %lld attached %s\n",
		       jstr(o, "mac"), jint(o, "mtu"), jint(o, "rx_queues"), jint(o, "tx_queues"), t);
		printf("    rx-slots %lld tx-slots %lld buf-size %lld max-flows %lld flows %lld\n",
		       jint(o, "rx_slots"), jint(o, "tx_slots"), jint(o, "buf_size"),
		       jint(o, "max_flows"), jint(o, "flows"));
		printf("    default-action %s unknown-vlan %s", jstr(o, "default_action"),
		       jstr(o, "unknown_vlan"));
		if (jint(o, "input_rate"))
			printf(" input-rate %s burst %s", netif_fmt_rate(jint(o, "input_rate"), r, sizeof(r)),
			       netif_fmt_size(jint(o, "input_burst"), b, sizeof(b)));
		if (jint(o, "shape_rate"))
			printf(" shape %s", netif_fmt_rate(jint(o, "shape_rate"), r, sizeof(r)));
		printf("\n");
		print_features(json_object_get(o, "features"));
	}
}

int cmd_show(struct cli *c)
{
	const char *dev = NULL, *arg;
	struct netif_client *cl = cli_client(c);
	struct nlmsghdr *nlh;

	nlh = netif_client_msg(cl, NETIF_CMD_GET, 0);
	while ((arg = cli_next(c))) {
		if (cli_is(arg, "dev"))
			dev = cli_value(c, arg);
		else
			return cli_usage_error("show: unknown argument \"%s\"", arg);
	}
	if (dev)
		put_dev(nlh, dev);
	else
		nlh->nlmsg_flags |= NLM_F_DUMP;
	return cli_call(c, show_reply, json_array(), print_show);
}

/* ---- set -------------------------------------------------------------- */

int cmd_set(struct cli *c)
{
	const char *dev = NULL, *arg;
	struct netif_client *cl = cli_client(c);
	struct nlmsghdr *nlh = netif_client_msg(cl, NETIF_CMD_SET, 0);
	uint64_t v;
	int err, a;

	while ((arg = cli_next(c))) {
		if (cli_is(arg, "dev")) {
			dev = cli_value(c, arg);
			put_dev(nlh, dev);
		} else if (cli_is(arg, "default-action")) {
			const char *s = cli_value(c, arg);

			a = netif_action_parse(s);
			if (a != NETIF_ACTION_PASS && a != NETIF_ACTION_DROP && a != NETIF_ACTION_EXCEPTION)
				return cli_usage_error("default-action must be pass, drop or exception");
			mnl_attr_put_u8(nlh, NETIF_A_DEFAULT_ACTION, a);
		} else if (cli_is(arg, "input-rate")) {
			err = cli_rate(arg, cli_value(c, arg), &v);
			if (err)
				return err;
			mnl_attr_put_u64(nlh, NETIF_A_INPUT_RATE, v);
		} else if (cli_is(arg, "burst")) {
			err = cli_size(arg, cli_value(c, arg), &v);
			if (err)
				return err;
			mnl_attr_put_u64(nlh, NETIF_A_INPUT_BURST, v);
		} else if (cli_is(arg, "shape")) {
			err = cli_rate(arg, cli_value(c, arg), &v);
			if (err)
				return err;
			mnl_attr_put_u64(nlh, NETIF_A_SHAPE_RATE, v);
		} else if (cli_is(arg, "unknown-vlan")) {
			const char *s = cli_value(c, arg);

			a = netif_vlan_policy_parse(s);
			if (a < 0)
				return cli_usage_error("unknown-vlan must be default, pass or drop");
			mnl_attr_put_u8(nlh, NETIF_A_VLAN_POLICY, a);
		} else {
			return cli_usage_error("set: unknown argument \"%s\"", arg);
		}
	}
	err = need_dev(dev);
	if (err)
		return err;
	return cli_call(c, NULL, NULL, NULL);
}

/* ---- stats ------------------------------------------------------------ */

static int stats_reply(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[NETIF_A_MAX + 1], *a;
	json_t *o = data, *st = json_object();

	if (netif_attr_parse(nlh, netif_policy, NETIF_A_MAX, tb, NULL) || !tb[NETIF_A_STATS]) {
		json_decref(st);
		return MNL_CB_ERROR;
	}
	if (tb[NETIF_A_IFNAME])
		json_object_set_new(o, "ifname", json_string(mnl_attr_get_str(tb[NETIF_A_IFNAME])));
	mnl_attr_for_each_nested(a, tb[NETIF_A_STATS]) {
		const struct nlattr *sa[NETIF_SA_MAX + 1];

		if (mnl_attr_get_type(a) != NETIF_A_STAT ||
		    netif_attr_parse_nested(a, netif_stat_policy, NETIF_SA_MAX, sa, NULL) ||
		    !sa[NETIF_SA_NAME] || !sa[NETIF_SA_VALUE])
			continue;
		json_object_set_new(st, mnl_attr_get_str(sa[NETIF_SA_NAME]),
				    json_integer(mnl_attr_get_u64(sa[NETIF_SA_VALUE])));
	}
	json_object_set_new(o, "stats", st);
	return MNL_CB_OK;
}

static void print_stats(json_t *o)
{
	const char *k;
	json_t *v;

	printf("%s:\n", jstr(o, "ifname"));
	json_object_foreach(json_object_get(o, "stats"), k, v)
		printf("    %-24s %lld\n", k, json_integer_value(v));
}

int cmd_stats(struct cli *c)
{
	const char *dev = NULL, *arg;
	struct netif_client *cl;
	struct nlmsghdr *nlh;
	int err;

	arg = cli_next(c);
	if (!cli_is(arg, "show"))
		return cli_usage_error("usage: stats show dev IF");
	cl = cli_client(c);
	nlh = netif_client_msg(cl, NETIF_CMD_STATS_GET, 0);
	while ((arg = cli_next(c))) {
		if (cli_is(arg, "dev")) {
			dev = cli_value(c, arg);
			put_dev(nlh, dev);
		} else {
			return cli_usage_error("stats: unknown argument \"%s\"", arg);
		}
	}
	err = need_dev(dev);
	if (err)
		return err;
	return cli_call(c, stats_reply, json_object(), print_stats);
}
