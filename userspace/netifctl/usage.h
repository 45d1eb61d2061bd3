/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* netifctl's help: every command form on one line, then the grammar and the options. */
#ifndef NETIFCTL_USAGE_H
#define NETIFCTL_USAGE_H

#include <stdio.h>

/* The whole help (obj NULL), or the lines of one object ("flow"). */
void cli_help(FILE *f, const char *obj);

#endif
