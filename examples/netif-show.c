// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * netif-show: the smallest libnetif client. Lists the netifs a running
 * netifd manages, one line each, like `netifctl show`.
 *
 *   cc -o netif-show netif-show.c $(pkg-config --cflags --libs libnetif)
 *   ./netif-show [SOCKET]
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <netif/names.h>
#include <netif/netif_client.h>

static int show_one(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[NETIF_A_MAX + 1] = {};
	struct netif_extack ext = {};
	const uint8_t *u;
	int *count = data;

	/* replies are validated against the same policy netifd uses */
	if (netif_attr_parse(nlh, netif_policy, NETIF_A_MAX, tb, &ext)) {
		fprintf(stderr, "netif-show: bad reply: %s\n", ext.msg);
		return MNL_CB_ERROR;
	}
	if (!tb[NETIF_A_IFNAME] || !tb[NETIF_A_UUID])
		return MNL_CB_OK;
	u = mnl_attr_get_payload(tb[NETIF_A_UUID]);
	printf("%s uuid %02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
	       mnl_attr_get_str(tb[NETIF_A_IFNAME]), u[0], u[1], u[2], u[3], u[4], u[5], u[6],
	       u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
	if (tb[NETIF_A_MODE])
		printf(" mode %s", netif_mode_name(mnl_attr_get_u8(tb[NETIF_A_MODE])));
	if (tb[NETIF_A_FLOW_COUNT])
		printf(" flows %u", mnl_attr_get_u32(tb[NETIF_A_FLOW_COUNT]));
	putchar('\n');
	(*count)++;
	return MNL_CB_OK;
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : NETIF_DEFAULT_SOCKET;
	struct netif_client c;
	int err, count = 0;

	err = netif_client_open(&c, path);
	if (err) {
		fprintf(stderr, "netif-show: %s: %s\n", c.errmsg, strerror(-err));
		return 1;
	}
	netif_client_msg(&c, NETIF_CMD_GET, NLM_F_DUMP);
	err = netif_client_call(&c, show_one, &count);
	if (err)
		fprintf(stderr, "netif-show: %s%s%s\n", strerror(-err), c.errmsg[0] ? ": " : "",
			c.errmsg);
	else
		printf("%d netif(s)\n", count);
	netif_client_close(&c);
	return err ? 1 : 0;
}
