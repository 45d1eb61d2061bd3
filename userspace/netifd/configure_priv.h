/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* What the three files of the configuration room share (configure.h), and nobody else. */
#ifndef NETIFD_CONFIGURE_PRIV_H
#define NETIFD_CONFIGURE_PRIV_H

#include <stdbool.h>
#include <stdint.h>
#include <uthash.h>
#include "agent.h"
#include "configure.h"
#include "flow.h"
#include "llink.h"
#include "nexus.h"

struct filter;

/* ---- the plan: what an apply does to one netif (config.c) ---- */

enum fop { F_SAME, F_MODIFY, F_ADD, F_REPLACE };

struct fplan {
	const struct cfg_flow *want;
	struct flow_spec spec;     /* want as a spec (the hint resolved when carried out) */
	struct flow_rec *cur;      /* the running flow it is (F_SAME, F_MODIFY, F_REPLACE) */
	enum fop op;
	char *diff;                /* F_MODIFY: "rate: 1Mbit -> 2Mbit", written before the change */
};

enum lop { L_SAME, L_ADD, L_REPLACE };

struct lplan {
	const struct cfg_llink *want;
	struct llink_config cfg;
	uint16_t internal;         /* L_REPLACE: the running llink's, kept */
	enum lop op;
};

struct nplan {
	const struct cfg_netif *want;
	struct netif *nif;         /* NULL: attached by the apply */
	bool attach;               /* it is (nif is set once it is done) */
	struct {                   /* the settings before the apply, for the report */
		uint8_t action, vlan;
		uint64_t rate, shape;
	} old;
	struct attach_req areq;
	struct netif_settings set; /* only what differs */
	struct lplan *ll;
	unsigned int nll;
	uint64_t *ll_gone;         /* link ids of running llinks the file does not have */
	unsigned int nll_gone;
	struct fplan *fl;
	unsigned int nfl;
	struct flow_rec **fl_gone; /* running flows the file does not have (or has anew) */
	unsigned int nfl_gone;
	char **gone_text;          /* ... as the file writes them, and their uuids: gone after */
	uint8_t (*gone_uuid)[16];
	unsigned int fi_keep;      /* the first built-in filters, the same in the file */
	uint32_t *fi_gone;         /* ids of the running built-ins after those */
	unsigned int nfi_gone;
};

struct plan {
	struct agent *ag;
	const struct config_req *req;
	struct nplan *n;
	unsigned int nn;
	struct netif **gone;       /* attached netifs the file does not have */
	char (*gone_names)[16];
	unsigned int ngone;
	unsigned int changes;
};

/* Carry the plan out (config_apply.c): one transaction, then the removals that cannot fail. */
int config_carry_out(struct plan *p, struct netif_extack *ext);
/* What the report needs of the running state that the apply changes or frees (config_apply.c). */
int config_remember(struct plan *p);
/* Tell req->report every change of the plan, and count them (config_apply.c). */
int config_report(struct plan *p);
void config_forget(struct plan *p);

/* ---- the running state as a description (config_state.c) ---- */

/* A flow as the file writes it: its llink by link id, its qset hint by llink and number. */
void cstate_flow(struct netif *nif, const struct flow_rec *r, struct cfg_flow *out);
void cstate_llink(struct netif *nif, const struct netif_llink *ll, struct cfg_llink *out);
void cstate_filter(const struct filter *f, struct cfg_filter *out);
/* A file's flow as a spec (hint left unresolved), and its llink as an llink config. */
void cstate_spec(const struct cfg_flow *f, struct flow_spec *fs);
void cstate_llink_config(const struct cfg_llink *l, struct llink_config *out);
/* The qset id of f's hint on nif as it is now (after its llinks are in place). */
int cstate_hint(struct netif *nif, const struct cfg_flow *f, uint32_t *qset_id,
		struct netif_extack *ext);

/* What identifies a flow: everything but what it does (flows match by it when they carry no uuid). */
struct desc_key {
	uint8_t type, dir, has_llink, family, proto, mask;
	uint16_t ethertype, sport, dport;
	uint64_t llink;
	uint32_t a[4], b[4]; /* src/dst, or local/remote */
};
void cstate_desc(const struct cfg_flow *f, struct desc_key *k);
void cstate_desc_rec(const struct flow_rec *r, struct desc_key *k);
/* What a flow does, the same (bursts compared as the buckets settle them)? */
bool cstate_same_action(const struct cfg_flow *a, const struct cfg_flow *b);
bool cstate_same_llink(const struct cfg_llink *a, const struct cfg_llink *b);
bool cstate_same_filter(const struct cfg_filter *a, const struct cfg_filter *b);
/* "rate: 10Mbit -> 20Mbit, action: pass -> drop" */
void cstate_flow_diff(const struct cfg_flow *old, const struct cfg_flow *want, char *buf,
		      size_t len);
/* The burst a rate gets when the file gives none (what the bucket settles). */
uint64_t cstate_burst(uint64_t rate, uint64_t burst);

#endif
