// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The control transport with the real command table (userspace/netifd/
 * control.c and ctl_cmds.c), served by netifd's own loop in this process
 * to a client in a thread: every command has a row, required attributes
 * are refused by name before any handler runs, unknown commands and
 * attributes are refused, and a request that passes them reaches its room.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "unit.h"
#include "netif_client.h"
#include "userspace/netifd/agent.h"
#include "userspace/netifd/ctl.h"
#include "userspace/netifd/ctl_cmds.h"
#include "userspace/netifd/loop.h"

static void test_table(void **state)
{
	struct ctl_cmd table[NETIF_CMD_MAX + 1];
	int cmd;

	assert_int_equal(ctl_cmds_build(table), 0);
	for (cmd = NETIF_CMD_UNSPEC + 1; cmd <= NETIF_CMD_MAX; cmd++) {
		const struct ctl_cmd *c = &table[cmd];

		if (cmd == NETIF_CMD_EVENT) {
			/* agent to client only */
			assert_null(c->fn);
			continue;
		}
		assert_non_null(c->fn);
		/* a command cannot require what it does not accept */
		assert_int_equal(c->required & ~c->allowed, 0);
		/* only what concerns every netif may go without a device */
		if (cmd != NETIF_CMD_GET && cmd != NETIF_CMD_MONITOR && cmd != NETIF_CMD_CONFIG_APPLY &&
		    cmd != NETIF_CMD_CONFIG_EXPORT)
			assert_true(c->required & NETIF_ATTR_BIT(NETIF_A_IFNAME));
	}
}

struct row {
	const char *name;
	uint8_t cmd;
	int attrs;           /* bit 0: ifname "nosuch0", bit 1: an empty flow nest, bit 2: mtu */
	int err;
	const char *msg;     /* substring of the ext-ack message */
};

#define WITH_DEV 1
#define WITH_FLOW 2
#define WITH_MTU 4

static const struct row rows[] = {
	{ "attach without a device", NETIF_CMD_ATTACH, 0, -EINVAL, "interface name (dev) missing" },
	{ "flow add without a description", NETIF_CMD_FLOW_ADD, WITH_DEV, -EINVAL, "flow description missing" },
	{ "flow del without a uuid", NETIF_CMD_FLOW_DEL, WITH_DEV, -EINVAL, "uuid missing" },
	{ "llink del without a description", NETIF_CMD_LLINK_DEL, WITH_DEV, -EINVAL, "llink description missing" },
	{ "filter add without a description", NETIF_CMD_FILTER_ADD, WITH_DEV, -EINVAL, "filter description missing" },
	{ "channel open without a port", NETIF_CMD_CHANNEL_OPEN, WITH_DEV, -EINVAL, "client port missing" },
	{ "stats without a device", NETIF_CMD_STATS_GET, 0, -EINVAL, "interface name (dev) missing" },
	{ "an attribute the command does not take", NETIF_CMD_STATS_GET, WITH_DEV | WITH_MTU, -EINVAL,
	  "\"mtu\" is not valid" },
	{ "an unknown command", NETIF_CMD_MAX + 1, WITH_DEV, -EOPNOTSUPP, "unknown command" },
	{ "an event is not a request", NETIF_CMD_EVENT, WITH_DEV, -EOPNOTSUPP, "unknown command" },
	{ "complete request reaches its room", NETIF_CMD_FLOW_ADD, WITH_DEV | WITH_FLOW, -ENXIO,
	  "nosuch0 is not attached" },
	{ "show of a device not attached", NETIF_CMD_GET, WITH_DEV, -ENXIO, "is not attached" },
	{ "config apply without a file", NETIF_CMD_CONFIG_APPLY, 0, -EINVAL, "configuration text missing" },
	{ "config export of a device not attached", NETIF_CMD_CONFIG_EXPORT, WITH_DEV, -ENXIO,
	  "nosuch0 is not attached" },
};

static char sock_path[108];
static struct agent agent;

struct call {
	const struct row *row;
	int err;
	char msg[256];
	volatile bool done;
};

static void *client_main(void *arg)
{
	struct call *call = arg;
	struct netif_client c;
	struct nlmsghdr *nlh;

	call->err = netif_client_open(&c, sock_path);
	if (call->err)
		goto out;
	nlh = netif_client_msg(&c, call->row->cmd, 0);
	if (call->row->attrs & WITH_DEV)
		mnl_attr_put_strz(nlh, NETIF_A_IFNAME, "nosuch0");
	if (call->row->attrs & WITH_FLOW)
		mnl_attr_nest_end(nlh, mnl_attr_nest_start(nlh, NETIF_A_FLOW));
	if (call->row->attrs & WITH_MTU)
		mnl_attr_put_u32(nlh, NETIF_A_MTU, 1500);
	call->err = netif_client_call(&c, NULL, NULL);
	snprintf(call->msg, sizeof(call->msg), "%s", c.errmsg);
	netif_client_close(&c);
out:
	call->done = true;
	return NULL;
}

static void tick(void *data)
{
	const struct call *call = data;

	if (call->done)
		loop_stop();
}

static void run(void **state)
{
	struct call call = { .row = *state };
	pthread_t th;

	assert_int_equal(pthread_create(&th, NULL, client_main, &call), 0);
	/* the loop serves until the client is done */
	assert_int_equal(loop_run(50, tick, &call), 0);
	pthread_join(th, NULL);
	assert_int_equal(call.err, call.row->err);
	if (!strstr(call.msg, call.row->msg))
		fail_msg("message \"%s\" lacks \"%s\"", call.msg, call.row->msg);
}

static int setup(void **state)
{
	snprintf(sock_path, sizeof(sock_path), "/tmp/netif-unit-%d.sock", getpid());
	if (loop_init())
		return -1;
	return ctl_start(sock_path, &agent);
}

static int teardown(void **state)
{
	ctl_stop();
	loop_fini();
	return 0;
}

int main(void)
{
	const struct CMUnitTest table[] = { cmocka_unit_test(test_table) };
	int fails;

	fails = cmocka_run_group_tests_name("command table", table, NULL, NULL);
	fails += _cmocka_run_group_tests("control requests", UNIT_TESTS(rows, run),
					 sizeof(rows) / sizeof(rows[0]), setup, teardown);
	return fails ? 1 : 0;
}
