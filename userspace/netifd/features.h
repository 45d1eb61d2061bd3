/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What the running kernel can do, probed once (libbpf's map-type and helper
 * probes, a BPF_PROG_RUN for program flags) and asked by the loader and by
 * every request that needs an optional feature. A feature can also be
 * switched off by hand (netifd --no-feature), which tests use to run the
 * older kernels' refusals on this one.
 */
#ifndef NETIFD_FEATURES_H
#define NETIFD_FEATURES_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "netif/features.h"
#include "nlproto.h"

/* Probe now (later calls are free; every query below probes on first use). */
void features_probe(void);
/* Features in use: found by the probe and not switched off. */
uint64_t features_mask(void);
bool features_has(enum netif_feature f);
/* Act as if the kernel lacked the feature called name. -EINVAL: no such feature. */
int features_disable(const char *name);
/* The running kernel's release (uname -r). */
const char *features_kernel(void);
const char *feature_name(enum netif_feature f);
const char *feature_since(enum netif_feature f);
/*
 * 0 when f is available; otherwise -EOPNOTSUPP with a message saying that
 * what ("filters", ...) needs f, from which Linux release, and what this
 * kernel lacks.
 */
int features_require(enum netif_feature f, const char *what, struct netif_extack *ext);
/* One log line with the result; a warning for each missing feature. */
void features_log(void);
/* The table for `netifd --features`: every feature, yes/no, since, probe. */
void features_print(FILE *out);

#endif
