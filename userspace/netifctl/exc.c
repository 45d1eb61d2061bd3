// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* filter and port commands (exception path) */
#include <errno.h>
#include "netifctl.h"

int cmd_filter(struct cli *c)
{
	return cli_usage_error("filter: not yet");
}

int cmd_port(struct cli *c)
{
	return cli_usage_error("port: not yet");
}
