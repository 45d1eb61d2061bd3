/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* What dataplane.c shares with the upgrade path (dp_upgrade.c), and nobody else. */
#ifndef NETIFD_DP_PRIV_H
#define NETIFD_DP_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include "dataplane.h"

struct bpf_map;
struct bpf_object;

/* Does the kernel have bpf_ktime_get_coarse_ns() (the buckets' cheap clock)? */
bool dp_coarse_clock(void);
int dp_pin_path(const struct dataplane *dp, const char *name, char *buf, size_t len);
/* The object's map of dataplane map m, or NULL. */
struct bpf_map *dp_obj_map(struct bpf_object *obj, enum dp_map m);

#endif
