/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* One netifctl invocation: its arguments, options, output and connection. */
#ifndef NETIFCTL_CLI_H
#define NETIFCTL_CLI_H

#include "netif_client.h"
#include "output.h"

struct cli {
	int argc;
	char **argv;
	const char *sock;
	int stats;                  /* -s given this many times */
	struct out out;
	bool connected;
	struct netif_client client; /* the request is built in it before connecting */
};

#endif
