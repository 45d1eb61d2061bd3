// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "args.h"
#include "call.h"

struct nlmsghdr *cli_msg(struct cli *c, uint8_t cmd, uint16_t flags)
{
	return netif_client_msg(&c->client, cmd, flags);
}

static int report(struct cli *c, int err)
{
	const char *msg = c->client.errmsg;

	if (msg[0])
		fprintf(stderr, "Error: %s: %s\n", strerror(-err), msg);
	else
		fprintf(stderr, "Error: %s\n", strerror(-err));
	return err;
}

static int connect_once(struct cli *c)
{
	int err;

	if (c->connected)
		return 0;
	/* opening keeps the request already built in the client's buffer */
	err = netif_client_open(&c->client, c->sock);
	if (err) {
		fprintf(stderr, "Error: cannot connect to netifd at %s: %s\n", c->sock,
			strerror(-err));
		return err;
	}
	c->connected = true;
	return 0;
}

int cli_call(struct cli *c, netif_reply_cb cb, void *data)
{
	int err = connect_once(c);

	if (err)
		return err;
	err = netif_client_call(&c->client, cb, data);
	return err ? report(c, err) : 0;
}

int cli_request(struct cli *c, struct cli_args *a, const struct cli_kw *tab, size_t n,
		netif_reply_cb cb, void *data)
{
	int err = cli_parse(c, tab, n, a);

	if (err)
		return err;
	cli_args_done(a);
	return cli_call(c, cb, data);
}

int cli_dump(struct cli *c, struct cli_args *a, const struct cli_kw *tab, size_t n,
	     netif_reply_cb cb)
{
	int err;

	out_open_array(&c->out, NULL);
	err = cli_request(c, a, tab, n, cb, c);
	out_close_array(&c->out);
	return err;
}

void cli_close(struct cli *c)
{
	if (c->connected)
		netif_client_close(&c->client);
	c->connected = false;
}
