// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdlib.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "features.h"
#include "variant.h"
#include "bpf/netif_xdp.skel.h"
#include "tc/netif_tc.skel.h"
#include "tc/netif_tc_nokctx.skel.h"

/*
 * The re-injection program and the maps only it uses exist where the
 * kernel can run them (features.c); elsewhere netif_xdp loads alone and
 * its tail call into reinject_progs finds an empty slot.
 */
bool dp_map_absent(int m)
{
	return (m == DP_REINJECT_RING || m == DP_REINJECT_SCRATCH) &&
	       !features_has(NETIF_FEAT_REINJECT);
}

void dp_xdp_variant(struct netif_xdp *skel)
{
	bool rj = features_has(NETIF_FEAT_REINJECT);

	bpf_program__set_autoload(skel->progs.netif_reinject, rj);
	bpf_map__set_autocreate(skel->maps.reinject_ring, rj);
	bpf_map__set_autocreate(skel->maps.reinject_scratch, rj);
}

/*
 * The TC object: the one that reads the skb's checksum state where vmlinux
 * has the kfunc, else the same programs built without it, opened through
 * netif_tc's skeleton (the two have the same maps, programs and read-only
 * data).
 */
struct netif_tc *dp_tc_open(void)
{
	struct netif_tc *skel;
	size_t sz = 0;
	int err;

	if (features_has(NETIF_FEAT_KERN_CTX))
		return netif_tc__open();
	skel = calloc(1, sizeof(*skel));
	if (!skel) {
		errno = ENOMEM;
		return NULL;
	}
	err = netif_tc__create_skeleton(skel);
	if (!err) {
		skel->skeleton->data = (void *)netif_tc_nokctx__elf_bytes(&skel->skeleton->data_sz);
		err = bpf_object__open_skeleton(skel->skeleton, NULL);
	}
	/* the build compared the two objects' read-only data (Makefile) */
	if (!err && (!bpf_map__initial_value(skel->maps.rodata, &sz) || sz < sizeof(*skel->rodata)))
		err = -EPROTO;
	if (err) {
		netif_tc__destroy(skel);
		errno = err < 0 ? -err : EINVAL;
		return NULL;
	}
	return skel;
}

/* The egress copies read the skb's checksum state where the kfunc exists. */
void dp_tc_variant(struct netif_tc *skel)
{
	skel->rodata->netif_kern_ctx = features_has(NETIF_FEAT_KERN_CTX);
}

/* Point the tail call at this object's netif_reinject (a loaded one). */
int dp_reinject_slot_fill(struct netif_xdp *skel, int progs_fd)
{
	__u32 zero = 0;
	int fd;

	if (!features_has(NETIF_FEAT_REINJECT))
		return 0;
	fd = bpf_program__fd(skel->progs.netif_reinject);
	return bpf_map_update_elem(progs_fd, &zero, &fd, BPF_ANY) ? -errno : 0;
}

uint64_t dp_features(const struct dataplane *dp)
{
	uint64_t m = features_mask();

	if (dp->map_fd[DP_REINJECT_RING] < 0 || dp->map_fd[DP_REINJECT_SCRATCH] < 0)
		m &= ~NETIF_FEAT_BIT(REINJECT);
	return m;
}

int dp_require(const struct dataplane *dp, enum netif_feature f, const char *what,
	       struct netif_extack *ext)
{
	int err = features_require(f, what, ext);

	if (err || (dp_features(dp) & (1ULL << f)))
		return err;
	netif_extack_set(ext, "%s needs %s, which this netif was loaded without (by a netifd run "
			      "with --no-feature); detach and attach it again to load it", what,
			 feature_name(f));
	return -EOPNOTSUPP;
}
