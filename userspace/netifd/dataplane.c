// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "dataplane.h"
#include "dp_priv.h"
#include "variant.h"
#include "log.h"
#include "bpf/netif_xdp.skel.h"
#include "tc/netif_tc.skel.h"

#define DP_MAP_NAME(id, name, owner) [DP_##id] = #name,
const char *const dp_map_names[DP_MAP__MAX] = { NETIF_MAPS(DP_MAP_NAME) };

#define DP_OWNER_XDP false
#define DP_OWNER_TC true
#define DP_MAP_TC_ONLY(id, name, owner) [DP_##id] = DP_OWNER_##owner,
static const bool map_tc_only[DP_MAP__MAX] = { NETIF_MAPS(DP_MAP_TC_ONLY) };

/* Does the kernel have bpf_ktime_get_coarse_ns() (the buckets' cheap clock)? Probed once. */
bool dp_coarse_clock(void)
{
	static int has = -1;

	if (has < 0)
		has = libbpf_probe_bpf_helper(BPF_PROG_TYPE_XDP, BPF_FUNC_ktime_get_coarse_ns, NULL) == 1;
	return has;
}

bool dp_map_tc_only(enum dp_map m)
{
	return map_tc_only[m];
}

void dp_init(struct dataplane *dp)
{
	int i;

	memset(dp, 0, sizeof(*dp));
	for (i = 0; i < DP_MAP__MAX; i++)
		dp->map_fd[i] = -1;
	dp->xdp_prog_fd = -1;
	dp->xdp_link_fd = -1;
	dp->tc_prog_fd = -1;
}

int dp_pin_path(const struct dataplane *dp, const char *name, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s/%s", dp->pin_dir, name);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

struct bpf_map *dp_obj_map(struct bpf_object *obj, enum dp_map m)
{
	return bpf_object__find_map_by_name(obj, dp_map_names[m]);
}

static void unlink_in(const char *dir, const char *name)
{
	char path[PATH_MAX];
	int n = snprintf(path, sizeof(path), "%s/%s", dir, name);

	if (n > 0 && (size_t)n < sizeof(path))
		unlink(path);
}

/* Remove whatever a previous, interrupted attach may have left in pin_dir. */
static void unpin_all(const char *dir)
{
	int i;

	for (i = 0; i < DP_MAP__MAX; i++)
		unlink_in(dir, dp_map_names[i]);
	unlink_in(dir, NETIF_PIN_XDP_LINK);
	unlink_in(dir, NETIF_PIN_XDP_PROG);
	unlink_in(dir, NETIF_PIN_TC_PROG);
	rmdir(dir);
}

/* The TC object reuses every map the XDP object created and adds its ring. */
static int load_tc(struct dataplane *dp, const struct dp_load_opts *o, struct netif_extack *ext)
{
	struct netif_tc *skel;
	char path[PATH_MAX];
	int err, i;

	skel = dp_tc_open();
	if (!skel) {
		err = -errno;
		netif_extack_set(ext, "cannot open the TC object: %s", strerror(errno));
		goto fail;
	}
	skel->rodata->netif_low_latency = o->low_latency;
	dp_tc_variant(skel);
	skel->rodata->netif_max_flows = o->max_flows;
	skel->rodata->netif_coarse_clock = dp_coarse_clock();
	for (i = 0; i < DP_MAP__MAX; i++) {
		struct bpf_map *m = dp_obj_map(skel->obj, i);

		if (!m)
			continue;
		if (dp_map_tc_only(i)) {
			if (!dp->pin_dir[0])
				continue;
			dp_pin_path(dp, dp_map_names[i], path, sizeof(path));
			err = bpf_map__set_pin_path(m, path);
		} else if (dp->map_fd[i] < 0) {
			err = bpf_map__set_autocreate(m, false);
		} else {
			err = bpf_map__reuse_fd(m, dp->map_fd[i]);
		}
		if (err)
			goto fail_skel;
	}
	err = netif_tc__load(skel);
	if (err) {
		netif_extack_set(ext, "the kernel refused the TC program: %s", strerror(-err));
		goto fail_skel;
	}
	for (i = 0; i < DP_MAP__MAX; i++) {
		if (!dp_map_tc_only(i))
			continue;
		dp->map_fd[i] = dup(bpf_map__fd(dp_obj_map(skel->obj, i)));
		if (dp->map_fd[i] < 0) {
			err = -errno;
			goto fail_skel;
		}
	}
	dp->tc_prog_fd = dup(bpf_program__fd(skel->progs.netif_tc));
	if (dp->tc_prog_fd < 0) {
		err = -errno;
		goto fail_skel;
	}
	if (dp->pin_dir[0]) {
		dp_pin_path(dp, NETIF_PIN_TC_PROG, path, sizeof(path));
		if (bpf_obj_pin(dp->tc_prog_fd, path) < 0) {
			err = -errno;
			goto fail_skel;
		}
	}
	dp->tc_skel = skel;
	return 0;

fail_skel:
	netif_tc__destroy(skel);
fail:
	dp_destroy(dp);
	return err;
}

int dp_load(struct dataplane *dp, const struct dp_load_opts *o, struct netif_extack *ext)
{
	struct netif_xdp *skel;
	char path[PATH_MAX];
	int err, i;

	dp_init(dp);
	if (o->pin_root) {
		if (snprintf(dp->pin_dir, sizeof(dp->pin_dir), "%s/%s", o->pin_root, o->ifname) >=
		    (int)sizeof(dp->pin_dir))
			return -ENAMETOOLONG;
		unpin_all(dp->pin_dir);
		if (mkdir(dp->pin_dir, 0700) < 0) {
			err = -errno;
			netif_extack_set(ext, "cannot create pin directory %s: %s", dp->pin_dir,
					 strerror(errno));
			dp->pin_dir[0] = '\0';
			return err;
		}
	}

	skel = netif_xdp__open();
	if (!skel) {
		err = -errno;
		netif_extack_set(ext, "cannot open the XDP object: %s", strerror(errno));
		goto fail;
	}
	skel->rodata->netif_low_latency = o->low_latency;
	dp_xdp_variant(skel);
	skel->rodata->netif_max_flows = o->max_flows;
	skel->rodata->netif_coarse_clock = dp_coarse_clock();
	/* one key per family: an address-less tuple flow has one in each */
	bpf_map__set_max_entries(skel->maps.flows_tuple4, o->max_flows);
	bpf_map__set_max_entries(skel->maps.flows_tuple6, o->max_flows);
	bpf_map__set_max_entries(skel->maps.flows_ula, o->max_flows);
	bpf_map__set_max_entries(skel->maps.flows_etype, o->max_flows);
	bpf_map__set_max_entries(skel->maps.flow_stats,
				 (uint32_t)libbpf_num_possible_cpus() * o->max_flows);
	bpf_map__set_max_entries(skel->maps.buckets, NETIF_BUCKET_FLOW_BASE + o->max_flows);
	if (dp->pin_dir[0]) {
		for (i = 0; i < DP_MAP__MAX; i++) {
			if (dp_map_tc_only(i) || dp_map_absent(i))
				continue;
			err = dp_pin_path(dp, dp_map_names[i], path, sizeof(path));
			if (!err)
				err = bpf_map__set_pin_path(dp_obj_map(skel->obj, i), path);
			if (err)
				goto fail_skel;
		}
	}
	err = netif_xdp__load(skel);
	if (err) {
		netif_extack_set(ext, "the kernel refused the XDP program or its maps: %s",
				 strerror(-err));
		goto fail_skel;
	}
	for (i = 0; i < DP_MAP__MAX; i++) {
		if (dp_map_tc_only(i) || dp_map_absent(i))
			continue;
		dp->map_fd[i] = dup(bpf_map__fd(dp_obj_map(skel->obj, i)));
		if (dp->map_fd[i] < 0) {
			err = -errno;
			goto fail_skel;
		}
	}
	err = dp_reinject_slot_fill(skel, dp->map_fd[DP_REINJECT_PROGS]);
	if (err) {
		netif_extack_set(ext, "cannot install the re-injection program: %s", strerror(-err));
		goto fail_skel;
	}
	dp->xdp_prog_fd = dup(bpf_program__fd(skel->progs.netif_xdp));
	if (dp->xdp_prog_fd < 0) {
		err = -errno;
		goto fail_skel;
	}
	if (dp->pin_dir[0]) {
		dp_pin_path(dp, NETIF_PIN_XDP_PROG, path, sizeof(path));
		if (bpf_obj_pin(dp->xdp_prog_fd, path) < 0) {
			err = -errno;
			goto fail_skel;
		}
	}
	dp->xdp_skel = skel;
	return load_tc(dp, o, ext);

fail_skel:
	netif_xdp__destroy(skel);
fail:
	dp_destroy(dp);
	return err;
}

static int xdp_link_create(int prog_fd, int ifindex, __u32 flags)
{
	LIBBPF_OPTS(bpf_link_create_opts, opts, .flags = flags);
	int fd = bpf_link_create(prog_fd, ifindex, BPF_XDP, &opts);

	return fd < 0 ? -errno : fd;
}

int dp_attach_xdp(struct dataplane *dp, int ifindex, int mode, int *mode_used,
		  struct netif_extack *ext)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	char path[PATH_MAX];
	int fd = -EOPNOTSUPP;

	if (bpf_xdp_query(ifindex, 0, &q) == 0 && q.attach_mode != XDP_ATTACHED_NONE) {
		netif_extack_set(ext,
				 "device already runs an XDP program (id %u); netif cannot share it "
				 "(no multi-program dispatcher on this kernel)",
				 q.prog_id ? q.prog_id : (q.drv_prog_id ? q.drv_prog_id : q.skb_prog_id));
		return -EBUSY;
	}
	if (mode == NETIF_MODE_NATIVE || mode == NETIF_MODE_AUTO) {
		fd = xdp_link_create(dp->xdp_prog_fd, ifindex, XDP_FLAGS_DRV_MODE);
		if (fd >= 0) {
			*mode_used = NETIF_MODE_NATIVE;
		} else if (mode == NETIF_MODE_NATIVE) {
			if (fd == -EOPNOTSUPP || fd == -EINVAL) {
				netif_extack_set(ext, "driver has no native XDP support; "
						      "use mode compat or auto");
				return -ENODEV;
			}
			netif_extack_set(ext, "native XDP attach failed: %s", strerror(-fd));
			return fd;
		} else {
			pr_info("ifindex %d: native XDP unavailable (%s), using compat mode",
				ifindex, strerror(-fd));
		}
	}
	if (fd < 0) {
		fd = xdp_link_create(dp->xdp_prog_fd, ifindex, XDP_FLAGS_SKB_MODE);
		if (fd < 0) {
			netif_extack_set(ext, "compat (generic) XDP attach failed: %s",
					 strerror(-fd));
			return fd;
		}
		*mode_used = NETIF_MODE_COMPAT;
	}
	dp->xdp_link_fd = fd;
	if (dp->pin_dir[0]) {
		dp_pin_path(dp, NETIF_PIN_XDP_LINK, path, sizeof(path));
		if (bpf_obj_pin(fd, path) < 0) {
			int err = -errno;

			netif_extack_set(ext, "cannot pin the XDP link at %s: %s", path,
					 strerror(errno));
			bpf_link_detach(fd);
			close(fd);
			dp->xdp_link_fd = -1;
			return err;
		}
	}
	return 0;
}

int dp_adopt(struct dataplane *dp, const char *pin_dir)
{
	char path[PATH_MAX];
	int i, err;

	dp_init(dp);
	if (snprintf(dp->pin_dir, sizeof(dp->pin_dir), "%s", pin_dir) >= (int)sizeof(dp->pin_dir))
		return -ENAMETOOLONG;
	for (i = 0; i < DP_MAP__MAX; i++) {
		dp_pin_path(dp, dp_map_names[i], path, sizeof(path));
		dp->map_fd[i] = bpf_obj_get(path);
		/*
		 * The re-injection maps are this netif's own business: a netifd
		 * that ran with --no-feature created none (dp_require() then
		 * refuses for it), and before re-injection was a tail call there
		 * was no reinject_progs.
		 */
		if (dp->map_fd[i] < 0 && (i == DP_REINJECT_RING || i == DP_REINJECT_SCRATCH ||
					  i == DP_REINJECT_PROGS))
			continue;
		if (dp->map_fd[i] < 0) {
			err = -errno;
			pr_warn("%s: missing pinned map %s: %s", pin_dir, dp_map_names[i],
				strerror(errno));
			goto fail;
		}
	}
	dp_pin_path(dp, NETIF_PIN_XDP_PROG, path, sizeof(path));
	dp->xdp_prog_fd = bpf_obj_get(path);
	dp_pin_path(dp, NETIF_PIN_TC_PROG, path, sizeof(path));
	dp->tc_prog_fd = bpf_obj_get(path);
	dp_pin_path(dp, NETIF_PIN_XDP_LINK, path, sizeof(path));
	dp->xdp_link_fd = bpf_obj_get(path);
	if (dp->xdp_link_fd < 0) {
		err = -errno;
		pr_warn("%s: missing pinned XDP link: %s", pin_dir, strerror(errno));
		goto fail;
	}
	return 0;
fail:
	dp_close(dp);
	return err;
}

int dp_xdp_link_ifindex(const struct dataplane *dp)
{
	struct bpf_link_info info = {};
	__u32 len = sizeof(info);

	if (dp->xdp_link_fd < 0)
		return 0;
	if (bpf_obj_get_info_by_fd(dp->xdp_link_fd, &info, &len))
		return 0;
	return info.xdp.ifindex;
}

void dp_close(struct dataplane *dp)
{
	int i;

	for (i = 0; i < DP_MAP__MAX; i++) {
		if (dp->map_fd[i] >= 0)
			close(dp->map_fd[i]);
		dp->map_fd[i] = -1;
	}
	if (dp->xdp_prog_fd >= 0)
		close(dp->xdp_prog_fd);
	if (dp->xdp_link_fd >= 0)
		close(dp->xdp_link_fd);
	if (dp->tc_prog_fd >= 0)
		close(dp->tc_prog_fd);
	dp->xdp_prog_fd = -1;
	dp->xdp_link_fd = -1;
	dp->tc_prog_fd = -1;
	if (dp->xdp_skel)
		netif_xdp__destroy(dp->xdp_skel);
	if (dp->tc_skel)
		netif_tc__destroy(dp->tc_skel);
	dp->xdp_skel = NULL;
	dp->tc_skel = NULL;
}

void dp_destroy(struct dataplane *dp)
{
	if (dp->xdp_link_fd >= 0)
		bpf_link_detach(dp->xdp_link_fd);
	if (dp->pin_dir[0])
		unpin_all(dp->pin_dir);
	dp_close(dp);
	dp->pin_dir[0] = '\0';
}

int dp_cfg_write(struct dataplane *dp, const struct netif_cfg *cfg)
{
	__u32 zero = 0;

	return bpf_map_update_elem(dp->map_fd[DP_CFG], &zero, cfg, BPF_ANY) ? -errno : 0;
}

int dp_cfg_read(struct dataplane *dp, struct netif_cfg *cfg)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(dp->map_fd[DP_CFG], &zero, cfg) ? -errno : 0;
}

int dp_info_write(struct dataplane *dp, const struct netif_info *info)
{
	__u32 zero = 0;

	return bpf_map_update_elem(dp->map_fd[DP_INFO], &zero, info, BPF_ANY) ? -errno : 0;
}

int dp_info_read(struct dataplane *dp, struct netif_info *info)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(dp->map_fd[DP_INFO], &zero, info) ? -errno : 0;
}

int dp_percpu_sum(int map_fd, uint32_t key, uint64_t *out, unsigned int nwords)
{
	int ncpu = libbpf_num_possible_cpus();
	uint64_t *vals;
	int cpu, err = 0;
	unsigned int w;

	if (ncpu <= 0)
		return ncpu ? ncpu : -EINVAL;
	vals = calloc((size_t)ncpu * nwords, sizeof(uint64_t));
	if (!vals)
		return -ENOMEM;
	if (bpf_map_lookup_elem(map_fd, &key, vals)) {
		err = -errno;
		goto out;
	}
	memset(out, 0, nwords * sizeof(uint64_t));
	for (cpu = 0; cpu < ncpu; cpu++)
		for (w = 0; w < nwords; w++)
			out[w] += vals[(size_t)cpu * nwords + w];
out:
	free(vals);
	return err;
}

int dp_percpu_zero(int map_fd, uint32_t key, size_t value_size)
{
	int ncpu = libbpf_num_possible_cpus();
	size_t stride = (value_size + 7) & ~(size_t)7;
	void *vals;
	int err = 0;

	if (ncpu <= 0)
		return ncpu ? ncpu : -EINVAL;
	vals = calloc(ncpu, stride);
	if (!vals)
		return -ENOMEM;
	if (bpf_map_update_elem(map_fd, &key, vals, BPF_ANY))
		err = -errno;
	free(vals);
	return err;
}

int dp_read_stats(struct dataplane *dp, struct netif_stats *st)
{
	return dp_percpu_sum(dp->map_fd[DP_STATS], 0, (uint64_t *)st, NETIF_STATS_COUNT);
}

int dp_read_agent_stats(struct dataplane *dp, struct netif_agent_stats *st)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(dp->map_fd[DP_AGENT_STATS], &zero, st) ? -errno : 0;
}

void dp_agent_stat_add(struct dataplane *dp, size_t offset, uint64_t n)
{
	struct netif_agent_stats st;
	__u32 zero = 0;

	if (dp->map_fd[DP_AGENT_STATS] < 0 || dp_read_agent_stats(dp, &st))
		return;
	*(uint64_t *)((char *)&st + offset) += n;
	bpf_map_update_elem(dp->map_fd[DP_AGENT_STATS], &zero, &st, BPF_ANY);
}
