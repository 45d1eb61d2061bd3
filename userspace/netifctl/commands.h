/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The objects netifctl works on: each file exports its command's entry
 * point, and the few pieces another file (or a unit test) uses.
 */
#ifndef NETIFCTL_COMMANDS_H
#define NETIFCTL_COMMANDS_H

#include <stdbool.h>
#include <libmnl/libmnl.h>
#include "cli.h"

/* netif.c */
int cmd_attach(struct cli *c);
int cmd_detach(struct cli *c);
int cmd_show(struct cli *c);
int cmd_set(struct cli *c);

/* stats.c */
int cmd_stats(struct cli *c);
/*
 * Fetch dev's counters and print them as the "stats" member of the current
 * JSON object. In text, detail 1 prints the headline counters on two lines
 * (rx, tx), detail 2 every counter, one a line.
 */
int stats_show_in(struct cli *c, const char *dev, int detail);

/* flow.c */
int cmd_flow(struct cli *c);
/* Parse the arguments of "flow add" into nlh (a NETIF_CMD_FLOW_ADD request). */
int flow_add_parse(struct cli *c, struct nlmsghdr *nlh);
/* flow_print.c: a NETIF_A_FLOW nest as one object; counters with stats. 0 or -EBADMSG. */
int flow_print(struct out *o, const struct nlattr *flow, bool stats);
/* The same as the member key of the current JSON object. */
int flow_print_as(struct out *o, const char *key, const struct nlattr *flow, bool stats);

/* llink.c */
int cmd_llink(struct cli *c);
/* Parse the arguments of "llink add" into nlh (a NETIF_CMD_LLINK_ADD request). */
int llink_add_parse(struct cli *c, struct nlmsghdr *nlh);

/* filter.c */
int cmd_filter(struct cli *c);
/* Parse the arguments of "filter add" into nlh (a NETIF_CMD_FILTER_ADD request). */
int filter_add_parse(struct cli *c, struct nlmsghdr *nlh);

/* port.c */
int cmd_port(struct cli *c);

/* monitor.c */
int cmd_monitor(struct cli *c);

/* config.c */
int cmd_apply(struct cli *c);
int cmd_export(struct cli *c);

#endif
