/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Which variant of the programs a netif gets on this kernel (features.c
 * says what it has): with or without netif_reinject and the maps only it
 * uses, with or without reading the skb's checksum state (kfunc). For dataplane.c; dp_features() and dp_require() are in dataplane.h.
 */
#ifndef NETIFD_VARIANT_H
#define NETIFD_VARIANT_H

#include <stdbool.h>
#include "dataplane.h"

struct netif_xdp;
struct netif_tc;

/* Is map m one this kernel's variant does not create? */
bool dp_map_absent(int m);
/* Set what to load and create in an opened, not yet loaded, XDP object. */
void dp_xdp_variant(struct netif_xdp *skel);
void dp_tc_variant(struct netif_tc *skel);
/* Open the TC object this kernel can load (NULL, errno set, on failure). */
struct netif_tc *dp_tc_open(void);
/* After load: point the re-injection tail call (reinject_progs) at this object's program. */
int dp_reinject_slot_fill(struct netif_xdp *skel, int progs_fd);

#endif
