// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/if_ether.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "netif/frame_mark.h"
#include "agent.h"
#include "log.h"
#include "reinject.h"

/*
 * Frames per BPF_PROG_RUN. A run costs a syscall and a page-pool setup;
 * large batches spread that over many frames.
 */
#define REINJECT_BATCH 8192

struct reinjector {
	struct user_ring_buffer *ring;
	uint32_t pending;
	/* the test frame: our marker as metadata, then room for the largest frame */
	uint8_t frame[sizeof(struct netif_reinject_meta) + NETIF_REINJECT_MAX_FRAME];
};

static struct reinjector *get(struct netif *nif)
{
	struct reinjector *r = nif->rj;
	struct netif_reinject_meta *m;

	if (r)
		return r;
	r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->ring = user_ring_buffer__new(nif->dp.map_fd[DP_REINJECT_RING], NULL);
	if (!r->ring) {
		pr_warn("%s: cannot map the re-injection ring: %s", nif->ifname, strerror(errno));
		free(r);
		return NULL;
	}
	m = (struct netif_reinject_meta *)r->frame;
	m->magic = NETIF_REINJECT_MAGIC;
	m->cookie = nif->cfg.reinject_cookie;
	nif->rj = r;
	return r;
}

int reinject_flush(struct netif *nif, uint32_t *failed)
{
	struct reinjector *r = nif->rj;
	struct xdp_md ctx = {
		/* the context describes the test frame: metadata, then the frame */
		.data = sizeof(struct netif_reinject_meta),
		.data_end = sizeof(r->frame),
		.ingress_ifindex = nif->ifindex,
	};
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		.data_in = r ? r->frame : NULL,
		.data_size_in = sizeof(r->frame),
		.ctx_in = &ctx,
		.ctx_size_in = sizeof(ctx),
		.flags = BPF_F_TEST_XDP_LIVE_FRAMES,
	);
	uint32_t n;

	*failed = 0;
	if (!r || !r->pending)
		return 0;
	n = r->pending;
	r->pending = 0;
	opts.repeat = n;
	opts.batch_size = n < 256 ? n : 256; /* the kernel's per-batch maximum */
	if (bpf_prog_test_run_opts(nif->dp.xdp_prog_fd, &opts)) {
		int err = -errno;

		/* the frames stay queued and go with the next batch, if any */
		pr_debug("%s: re-injection of %u frame(s) failed: %s", nif->ifname, n, strerror(errno));
		*failed = n;
		return err;
	}
	return n;
}

int reinject_queue(struct netif *nif, const void *frame, uint32_t len)
{
	struct reinjector *r;
	uint32_t *rec;
	uint32_t failed;

	/* the program takes nothing shorter than an Ethernet header */
	if (len < ETH_HLEN || len > NETIF_REINJECT_MAX_FRAME)
		return -EMSGSIZE;
	if (nif->dp.map_fd[DP_REINJECT_RING] < 0)
		return -EOPNOTSUPP; /* this kernel cannot re-inject (features.c) */
	r = get(nif);
	if (!r)
		return -ENOMEM;
	if (r->pending >= REINJECT_BATCH)
		reinject_flush(nif, &failed);
	rec = user_ring_buffer__reserve(r->ring, sizeof(uint32_t) + len);
	if (!rec) {
		reinject_flush(nif, &failed);
		rec = user_ring_buffer__reserve(r->ring, sizeof(uint32_t) + len);
		if (!rec)
			return -ENOBUFS;
	}
	*rec = len;
	memcpy(rec + 1, frame, len);
	if (nif->cfg.flags & NETIF_CFG_F_REINJECT_MARKS) {
		__u64 mark = netif_frame_mark(frame, (const __u8 *)frame + len);
		int fd = nif->dp.map_fd[DP_REINJECT_MARKS];
		__u32 count = 0;

		bpf_map_lookup_elem(fd, &mark, &count);
		count++;
		bpf_map_update_elem(fd, &mark, &count, BPF_ANY);
	}
	user_ring_buffer__submit(r->ring, rec);
	r->pending++;
	return 0;
}

uint32_t reinject_pending(const struct netif *nif)
{
	return nif->rj ? nif->rj->pending : 0;
}

void reinject_fini(struct netif *nif)
{
	struct reinjector *r = nif->rj;

	if (!r)
		return;
	user_ring_buffer__free(r->ring);
	free(r);
	nif->rj = NULL;
}
