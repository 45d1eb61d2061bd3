/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The configuration room (netifd.yaml(5)): a host's file, as the plain
 * description userspace/lib/config.h parses, checked against the running
 * agent, compared with it and applied as the difference -- what is missing
 * added, what is gone removed, what differs changed -- in one transaction;
 * and the running state exported as the same description. Netlink-free:
 * ctl_config.c carries files and changes over the control socket, main.c
 * applies --config at start and on SIGHUP.
 *
 *   config.c        checks and the plan (the diff), the entry points
 *   config_apply.c  the plan carried out as one transaction
 *   config_state.c  the running state as a description, and comparisons
 */
#ifndef NETIFD_CONFIGURE_H
#define NETIFD_CONFIGURE_H

#include <stdbool.h>
#include <stdint.h>
#include "config.h"
#include "extack.h"

struct agent;

/* One change an apply makes, or would make. */
struct config_change {
	uint8_t op;          /* enum netif_change_op */
	const char *ifname;
	const char *object;  /* "netif", "llink", "flow", "filter", or a setting's key */
	char id[64];         /* which one: uuid, link id, filter id */
	char text[1024];     /* the object as the file writes it, or "old -> new" */
	uint32_t line;       /* where the file has it (0: it does not) */
};

/* Told each change, in order; a non-zero return stops the reporting. */
typedef int (*config_report_fn)(void *arg, const struct config_change *ch);

struct config_req {
	const struct cfg *cfg;
	const char *file;        /* its name in messages */
	const char *only;        /* only this netif of the host (NULL: every netif) */
	bool dry_run;            /* report the changes, make none */
	config_report_fn report; /* may be NULL */
	void *arg;
};

/*
 * Apply req->cfg: every object checked first (a bad one changes nothing,
 * and ext says "FILE:LINE:COL: PATH: what"), then the changes as one
 * transaction, removals that cannot fail last. Returns the number of
 * changes (0: the running state is already the file's), or -errno.
 */
int config_apply(struct agent *ag, const struct config_req *req, struct netif_extack *ext);
/* Read, parse and apply a file (netifd --config, SIGHUP). */
int config_apply_file(struct agent *ag, const char *path, struct netif_extack *ext);
/* The running state (of every netif, or only of one) as a description. */
int config_export(struct agent *ag, const char *only, struct cfg *out);

#endif
