// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * In-place upgrade of a running dataplane (dataplane.h): this build's
 * programs are loaded over the pinned maps, when every map's layout still
 * matches, and swapped in atomically (the XDP link updated, the TC program
 * handed back for egress.c to replace); otherwise the running programs
 * stay.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "dataplane.h"
#include "dp_priv.h"
#include "variant.h"
#include "log.h"
#include "bpf/netif_xdp.skel.h"
#include "tc/netif_tc.skel.h"

/* ---- upgrade ------------------------------------------------------------ */

/* The flow table size the pinned maps were made for (flow_stats holds it per CPU). */
static uint32_t dp_max_flows(struct dataplane *dp)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	int ncpu = libbpf_num_possible_cpus();

	if (ncpu <= 0 || bpf_obj_get_info_by_fd(dp->map_fd[DP_FLOW_STATS], &info, &len))
		return 0;
	return info.max_entries / ncpu;
}

/* Does the map this object declares match the pinned one we would reuse? */
static bool map_compatible(struct bpf_map *m, int fd)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return false;
	/* libbpf adds BPF_F_RDONLY_PROG to devmaps when it creates them */
	return info.type == bpf_map__type(m) && info.key_size == bpf_map__key_size(m) &&
	       info.value_size == bpf_map__value_size(m) &&
	       (info.map_flags & ~BPF_F_RDONLY_PROG) == (bpf_map__map_flags(m) & ~BPF_F_RDONLY_PROG);
}

static int reuse_maps(struct dataplane *dp, struct bpf_object *obj)
{
	int i;

	for (i = 0; i < DP_MAP__MAX; i++) {
		struct bpf_map *m = dp_obj_map(obj, i);
		struct bpf_map_info info = {};
		__u32 len = sizeof(info);

		if (!m || !bpf_map__autocreate(m))
			continue;
		if (dp->map_fd[i] < 0 || !map_compatible(m, dp->map_fd[i])) {
			pr_warn("%s: map %s changed layout; keeping the running programs",
				dp->pin_dir, dp_map_names[i]);
			return -EPROTO;
		}
		if (bpf_obj_get_info_by_fd(dp->map_fd[i], &info, &len) == 0)
			bpf_map__set_max_entries(m, info.max_entries);
		if (bpf_map__reuse_fd(m, dp->map_fd[i]))
			return -EPROTO;
	}
	return 0;
}

static bool same_prog(int fd_a, int fd_b)
{
	struct bpf_prog_info a = {}, b = {};
	__u32 la = sizeof(a), lb = sizeof(b);

	if (fd_a < 0 || fd_b < 0 || bpf_obj_get_info_by_fd(fd_a, &a, &la) ||
	    bpf_obj_get_info_by_fd(fd_b, &b, &lb))
		return false;
	return memcmp(a.tag, b.tag, sizeof(a.tag)) == 0;
}

static void repin(struct dataplane *dp, const char *name, int fd)
{
	char path[PATH_MAX];

	if (dp_pin_path(dp, name, path, sizeof(path)))
		return;
	unlink(path);
	if (bpf_obj_pin(fd, path))
		pr_warn("cannot pin %s: %s", path, strerror(errno));
}

int dp_tc_prog_set(struct dataplane *dp, int fd)
{
	if (dp->tc_prog_fd >= 0)
		close(dp->tc_prog_fd);
	dp->tc_prog_fd = fd;
	repin(dp, NETIF_PIN_TC_PROG, fd);
	return 0;
}

/* Point the pinned XDP link at this build's program if it differs. Returns 1 if it did. */
static int upgrade_xdp(struct dataplane *dp, struct netif_xdp *xs)
{
	int fd = bpf_program__fd(xs->progs.netif_xdp);

	if (same_prog(fd, dp->xdp_prog_fd))
		return 0;
	if (bpf_link_update(dp->xdp_link_fd, fd, NULL)) {
		pr_warn("%s: XDP program upgrade failed: %s", dp->pin_dir, strerror(errno));
		return -errno;
	}
	if (dp->xdp_prog_fd >= 0)
		close(dp->xdp_prog_fd);
	dp->xdp_prog_fd = dup(fd);
	repin(dp, NETIF_PIN_XDP_PROG, fd);
	return 1;
}

int dp_upgrade(struct dataplane *dp, const struct dp_load_opts *o, int *new_tc_fd)
{
	struct netif_xdp *xs = NULL;
	struct netif_tc *ts = NULL;
	int upgraded = 0, err, fd;

	*new_tc_fd = -1;
	xs = netif_xdp__open();
	ts = dp_tc_open();
	if (!xs || !ts) {
		err = -errno;
		goto out;
	}
	xs->rodata->netif_low_latency = o->low_latency;
	ts->rodata->netif_low_latency = o->low_latency;
	dp_tc_variant(ts);
	dp_xdp_variant(xs);
	xs->rodata->netif_max_flows = ts->rodata->netif_max_flows = dp_max_flows(dp);
	xs->rodata->netif_coarse_clock = ts->rodata->netif_coarse_clock = dp_coarse_clock();
	err = reuse_maps(dp, xs->obj);
	if (!err)
		err = reuse_maps(dp, ts->obj);
	if (err) {
		err = 0; /* an incompatible build is not an error: the old one stays */
		goto out;
	}
	err = netif_xdp__load(xs);
	if (!err)
		err = netif_tc__load(ts);
	if (!err)
		err = dp_reinject_slot_fill(xs, dp->map_fd[DP_REINJECT_PROGS]);
	if (err) {
		pr_warn("%s: this build's programs do not load (%s); keeping the running ones",
			dp->pin_dir, strerror(-err));
		err = 0;
		goto out;
	}
	err = upgrade_xdp(dp, xs);
	if (err < 0)
		goto out;
	upgraded = err;
	err = 0;
	fd = bpf_program__fd(ts->progs.netif_tc);
	if (!same_prog(fd, dp->tc_prog_fd)) {
		*new_tc_fd = dup(fd);
		if (*new_tc_fd < 0)
			err = -errno;
	}
out:
	netif_xdp__destroy(xs);
	netif_tc__destroy(ts);
	return err ? err : upgraded;
}
