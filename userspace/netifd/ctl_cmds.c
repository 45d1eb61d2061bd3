// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The command table: every protocol room's rows, assembled once at start
 * and handed to the transport. A new command is a row in its room; a new
 * room is a line here.
 */
#include <errno.h>
#include <string.h>
#include "ctl.h"
#include "ctl_cmds.h"
#include "log.h"

static const struct ctl_rows *const rooms[] = {
	&ctl_netif_rows, &ctl_flow_rows, &ctl_llink_rows, &ctl_filter_rows, &ctl_port_rows,
	&ctl_monitor_rows, &ctl_config_rows,
};

int ctl_cmds_build(struct ctl_cmd table[NETIF_CMD_MAX + 1])
{
	size_t i, j;

	memset(table, 0, sizeof(*table) * (NETIF_CMD_MAX + 1));
	for (i = 0; i < ARRAY_SIZE(rooms); i++) {
		for (j = 0; j < rooms[i]->n; j++) {
			const struct ctl_row *row = &rooms[i]->rows[j];

			if (row->cmd > NETIF_CMD_MAX || table[row->cmd].fn) {
				pr_warn("command %u claimed twice or out of range", row->cmd);
				return -EEXIST;
			}
			table[row->cmd] = row->def;
		}
	}
	return 0;
}

int ctl_start(const char *path, struct agent *ag)
{
	static struct ctl_cmd table[NETIF_CMD_MAX + 1];
	int err = ctl_cmds_build(table);

	return err ?: ctl_server_open(path, table, NETIF_CMD_MAX + 1, ag);
}

void ctl_stop(void)
{
	ctl_server_close();
}

int ctl_set_admin_group(const char *name)
{
	return ctl_server_set_admin_group(name);
}

void ctl_tick(void)
{
	ctl_server_tick();
}
