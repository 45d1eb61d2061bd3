/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The BPF side of one netif: loading the XDP object, pinning its maps and
 * link under <pin-root>/<ifname>/, attaching, re-adopting pins after a
 * restart, and tearing everything down. Maps are addressed by enum dp_map.
 */
#ifndef NETIFD_DATAPLANE_H
#define NETIFD_DATAPLANE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "netif/maps.h"
#include "netif/stats.h"
#include "extack.h"

#define DP_MAP_ENUM(id, name, owner) DP_##id,
enum dp_map {
	NETIF_MAPS(DP_MAP_ENUM)
	DP_MAP__MAX,
};
#undef DP_MAP_ENUM

extern const char *const dp_map_names[DP_MAP__MAX];
/* Is the map created by the TC object alone (not shared from the XDP object)? */
bool dp_map_tc_only(enum dp_map m);

struct dataplane {
	char pin_dir[PATH_MAX]; /* empty: nothing pinned (tests, benchmarks) */
	int map_fd[DP_MAP__MAX];
	int xdp_prog_fd;
	int xdp_link_fd;        /* -1 when loaded but not attached */
	int tc_prog_fd;
	void *xdp_skel;         /* set while we hold the loaded objects */
	void *tc_skel;
};

struct dp_load_opts {
	const char *pin_root;   /* NULL: do not pin */
	const char *ifname;
	bool low_latency;
	uint32_t max_flows;
};

void dp_init(struct dataplane *dp);
/*
 * Load the XDP and TC objects, creating (and pinning) their maps; the TC
 * object shares the XDP object's maps. Nothing is attached yet.
 */
int dp_load(struct dataplane *dp, const struct dp_load_opts *o, struct netif_extack *ext);
/*
 * Attach the loaded program to ifindex. mode is NETIF_MODE_*; auto tries
 * native first. *mode_used tells which one took. Refuses (EBUSY) when the
 * device already runs an XDP program: this kernel has no multi-program
 * dispatcher (freplace is not permitted), so sharing is impossible.
 */
int dp_attach_xdp(struct dataplane *dp, int ifindex, int mode, int *mode_used,
		  struct netif_extack *ext);
/* Re-open everything pinned in pin_dir (after an agent restart). */
int dp_adopt(struct dataplane *dp, const char *pin_dir);
/*
 * Move the running programs to the ones this netifd was built with, keeping
 * every pinned map: the XDP link is updated here (bpf_link_update); a TC
 * program that differs is loaded and handed back in *new_tc_fd (-1 if
 * none) for the egress hook to swap in, then dp_tc_prog_set(). Nothing
 * changes when the programs are identical or when a map layout differs
 * (the old programs keep running). Returns 1 if the XDP program was
 * upgraded, 0 if not, -errno on error.
 */
int dp_upgrade(struct dataplane *dp, const struct dp_load_opts *o, int *new_tc_fd);
/* The TC program now attached is fd (taken over): remember and re-pin it. */
int dp_tc_prog_set(struct dataplane *dp, int fd);
/* Is the pinned XDP link still attached to an interface? Returns its ifindex or 0. */
int dp_xdp_link_ifindex(const struct dataplane *dp);
/* Detach, unpin and close everything. */
void dp_destroy(struct dataplane *dp);
/* Close descriptors, leave the pins and the attachment in place. */
void dp_close(struct dataplane *dp);

int dp_cfg_write(struct dataplane *dp, const struct netif_cfg *cfg);
int dp_cfg_read(struct dataplane *dp, struct netif_cfg *cfg);
int dp_info_write(struct dataplane *dp, const struct netif_info *info);
int dp_info_read(struct dataplane *dp, struct netif_info *info);
/* Sum a per-CPU value of u64 counters (nwords of them) at key. */
int dp_percpu_sum(int map_fd, uint32_t key, uint64_t *out, unsigned int nwords);
/* Write a zeroed per-CPU value at key. */
int dp_percpu_zero(int map_fd, uint32_t key, size_t value_size);
int dp_read_stats(struct dataplane *dp, struct netif_stats *st);
int dp_read_agent_stats(struct dataplane *dp, struct netif_agent_stats *st);
/* Bump control-plane counters (netifd is their only writer). */
#define dp_agent_stat_inc(dp, field) dp_agent_stat_add(dp, offsetof(struct netif_agent_stats, field), 1)
void dp_agent_stat_add(struct dataplane *dp, size_t offset, uint64_t n);

#endif
