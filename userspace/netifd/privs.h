/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Least privilege: once started, netifd keeps of root's capabilities
 * only what its work needs (docs/security.md says which and why), in the
 * effective, permitted and bounding sets alike, with no inheritable or
 * ambient ones and no_new_privs set: nothing it does, or could be tricked
 * into executing, gets the others back.
 */
#ifndef NETIFD_PRIVS_H
#define NETIFD_PRIVS_H

#include <stdint.h>

/* The capabilities kept, as a mask of 1 << CAP_*. */
uint64_t privs_kept(void);
/* Drop every other capability. 0 or -errno. */
int privs_drop(void);

#endif
