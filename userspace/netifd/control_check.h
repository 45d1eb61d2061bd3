/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef NETIFD_CONTROL_CHECK_H
#define NETIFD_CONTROL_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include "control.h"

/*
 * A request against the command table, for a peer that may or may not
 * change state: 0 with *out its row and r->tb parsed, or -errno with
 * r->ext saying why.
 */
int ctl_request_check(const struct ctl_cmd *cmds, size_t ncmds, bool may_mutate, struct ctl_req *r,
		      const struct ctl_cmd **out);

#endif
