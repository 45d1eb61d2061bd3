// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "netif/reinject.h"
#include "agent.h"
#include "log.h"
#include "reinject.h"
#include "bpf/netif_reinject.skel.h"

/* How many frames one BPF_PROG_RUN may inject; bounded by the ring too. */
#define REINJECT_BATCH 256

static struct {
	struct netif_reinject *skel;
	struct user_ring_buffer *ring;
	int ifindex;            /* device of the pending batch */
	struct netif *nif;
	uint32_t pending;
	uint8_t template[NETIF_REINJECT_MAX_FRAME];
	bool broken;
} rj;

static int reinject_init(void)
{
	int err;

	if (rj.skel)
		return 0;
	if (rj.broken)
		return -ENOTSUP;
	rj.skel = netif_reinject__open_and_load();
	if (!rj.skel) {
		err = -errno;
		pr_warn("cannot load the re-injection program: %s", strerror(errno));
		rj.broken = true;
		return err;
	}
	rj.ring = user_ring_buffer__new(bpf_map__fd(rj.skel->maps.reinject_ring), NULL);
	if (!rj.ring) {
		err = -errno;
		pr_warn("cannot map the re-injection ring: %s", strerror(errno));
		netif_reinject__destroy(rj.skel);
		rj.skel = NULL;
		rj.broken = true;
		return err;
	}
	return 0;
}

static int run_batch(int ifindex, uint32_t n)
{
	/* the kernel wants the context to describe the frame it is given */
	struct xdp_md ctx = { .data_end = sizeof(rj.template), .ingress_ifindex = ifindex };
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		.data_in = rj.template,
		.data_size_in = sizeof(rj.template),
		.ctx_in = &ctx,
		.ctx_size_in = sizeof(ctx),
		.repeat = n,
		.batch_size = n,
		.flags = BPF_F_TEST_XDP_LIVE_FRAMES,
	);

	return bpf_prog_test_run_opts(bpf_program__fd(rj.skel->progs.netif_reinject), &opts) ? -errno : 0;
}

/*
 * The queued frames cannot stay in the ring (the next batch would inject
 * them on another device): consume them with the program in discard mode,
 * on the loopback device, where it drops every one.
 */
static void discard_pending(uint32_t n)
{
	__u32 zero = 0, on = 1, off = 0;
	int fd = bpf_map__fd(rj.skel->maps.reinject_discard);

	bpf_map_update_elem(fd, &zero, &on, BPF_ANY);
	if (run_batch(1, n))
		pr_warn("cannot discard %u queued re-injection frame(s): %s", n, strerror(errno));
	bpf_map_update_elem(fd, &zero, &off, BPF_ANY);
}

int reinject_flush(void)
{
	uint32_t n = rj.pending;
	int err;

	if (!n)
		return 0;
	rj.pending = 0;
	err = run_batch(rj.ifindex, n);
	if (err) {
		pr_debug("re-injection of %u frame(s) failed: %s", n, strerror(-err));
		discard_pending(n);
		if (rj.nif)
			dp_agent_stat_add(&rj.nif->dp, offsetof(struct netif_agent_stats, reinject_fail), n);
		return err;
	}
	if (rj.nif)
		dp_agent_stat_add(&rj.nif->dp, offsetof(struct netif_agent_stats, reinject_rx), n);
	return n;
}

void reinject_forget(struct netif *nif)
{
	if (rj.nif != nif || !rj.pending)
		return;
	discard_pending(rj.pending);
	rj.pending = 0;
	rj.nif = NULL;
}

static void mark_frame(struct netif *nif, const void *frame, uint32_t len)
{
	__u64 mark = netif_frame_mark(frame, (const __u8 *)frame + len);
	__u32 n = 0;
	int fd = nif->dp.map_fd[DP_REINJECT_MARKS];

	bpf_map_lookup_elem(fd, &mark, &n);
	n++;
	bpf_map_update_elem(fd, &mark, &n, BPF_ANY);
}

int reinject_queue(struct netif *nif, const void *frame, uint32_t len)
{
	uint32_t *rec;
	int err;

	if (len == 0 || len > NETIF_REINJECT_MAX_FRAME) {
		dp_agent_stat_inc(&nif->dp, reinject_fail);
		return -EMSGSIZE;
	}
	err = reinject_init();
	if (err) {
		dp_agent_stat_inc(&nif->dp, reinject_fail);
		return err;
	}
	if (rj.pending && (rj.ifindex != nif->ifindex || rj.pending >= REINJECT_BATCH))
		reinject_flush();
	rec = user_ring_buffer__reserve(rj.ring, sizeof(uint32_t) + len);
	if (!rec) {
		reinject_flush();
		rec = user_ring_buffer__reserve(rj.ring, sizeof(uint32_t) + len);
		if (!rec) {
			dp_agent_stat_inc(&nif->dp, reinject_fail);
			return -ENOBUFS;
		}
	}
	*rec = len;
	memcpy(rec + 1, frame, len);
	if (nif->cfg.flags & NETIF_CFG_F_REINJECT_MARKS)
		mark_frame(nif, frame, len);
	user_ring_buffer__submit(rj.ring, rec);
	rj.ifindex = nif->ifindex;
	rj.nif = nif;
	rj.pending++;
	return 0;
}

void reinject_fini(void)
{
	if (rj.ring)
		user_ring_buffer__free(rj.ring);
	if (rj.skel)
		netif_reinject__destroy(rj.skel);
	memset(&rj, 0, sizeof(rj));
}
