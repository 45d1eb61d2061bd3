/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What the parser of netifd.yaml(5) shares with the tables of its objects
 * (config_parse.c walks events, config_objs.c knows netifs, llinks, qsets,
 * flows and filters, config_doc.c the document), and nobody else.
 */
#ifndef NETIF_CONFIG_PRIV_H
#define NETIF_CONFIG_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yaml.h>
#include "config.h"

struct yp; /* the parser, at its current event */

/* The parser over text (NULL without memory), its events, the path of keys to the current one. */
struct yp *cfgp_open(const char *text, size_t len, struct cfg_error *err);
void cfgp_close(struct yp *p);
int cfgp_next(struct yp *p);
bool cfgp_is(const struct yp *p, yaml_event_type_t t);
const char *cfgp_what(const struct yp *p); /* "a mapping", "a list", "a value" */
size_t cfgp_push(struct yp *p, const char *name);
void cfgp_pop(struct yp *p, size_t old);

/* A key of a mapping: its value is parsed by fn (the current event is the value's first). */
struct cfgp_key {
	const char *name;
	int id;                   /* index in the object's kpos[], bit in *seen */
	int (*fn)(struct yp *p, void *obj, int id);
};

/* A mapping of keys[0..n): kpos[id] gets each key's position, *seen a bit per key given. */
int cfgp_map(struct yp *p, const struct cfgp_key *keys, size_t n, void *obj,
	     struct cfg_pos *kpos, uint64_t *seen);
/* A list: item(p, obj, i) for each element (the current event is its first). */
int cfgp_list(struct yp *p, int (*item)(struct yp *p, void *obj, unsigned int i), void *obj);

/* Scalars; on a bad value they fail with a message naming it. */
int cfgp_u64(struct yp *p, uint64_t min, uint64_t max, uint64_t *out);
int cfgp_u32(struct yp *p, uint32_t min, uint32_t max, uint32_t *out);
int cfgp_bool(struct yp *p, bool *out);
int cfgp_rate(struct yp *p, uint64_t *out);
int cfgp_size(struct yp *p, uint64_t *out);
int cfgp_str(struct yp *p, char *buf, size_t len, const char *kind);
int cfgp_addr(struct yp *p, uint32_t out[4], uint8_t *family);
int cfgp_uuid(struct yp *p, uint8_t out[16]);
int cfgp_ifname(struct yp *p, char out[CFG_IFNAME_MAX], const char *kind);

/*
 * Fail at pos (NULL: the current event) with the current path, extended
 * by path (a key of the current object, or NULL).
 */
int cfgp_fail(struct yp *p, const struct cfg_pos *pos, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void cfgp_here(struct yp *p, struct cfg_pos *pos);

/* A netif's mapping, the current event its start (config_objs.c). */
int cfgp_netif(struct yp *p, struct cfg_netif *n);

#endif
