// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Re-injection: netifd queues frames in a user ring buffer and runs this
 * program through BPF_PROG_RUN with BPF_F_TEST_XDP_LIVE_FRAMES, repeat = the
 * number of queued frames. Each repetition takes one frame from the ring,
 * reshapes the test frame to it and returns XDP_PASS: the kernel hands it
 * to the host stack as if it had been received on the device.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "netif/maps.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

struct {
	__uint(type, BPF_MAP_TYPE_USER_RINGBUF);
	__uint(max_entries, NETIF_REINJECT_RING_SIZE);
} reinject_ring SEC(".maps");

struct reinject_frame {
	__u32 len;
	__u8 data[NETIF_REINJECT_MAX_FRAME];
};

/* Staging buffer: the ring sample is read into it, then stored into the frame. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct reinject_frame);
} reinject_scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} reinject_errors SEC(".maps");

/* Set by netifd to throw away frames of a batch whose device went away. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} reinject_discard SEC(".maps");

static long take_one(struct bpf_dynptr *sample, void *ctx)
{
	struct reinject_frame *f;
	__u32 zero = 0, len;

	f = bpf_map_lookup_elem(&reinject_scratch, &zero);
	if (!f)
		return 1;
	f->len = 0;
	if (bpf_dynptr_read(&len, sizeof(len), sample, 0, 0))
		return 1;
	if (len == 0 || len > NETIF_REINJECT_MAX_FRAME)
		return 1;
	if (bpf_dynptr_read(f->data, len, sample, sizeof(len), 0))
		return 1;
	f->len = len;
	return 1; /* one sample per repetition */
}

static __always_inline int fail(void)
{
	__u32 zero = 0;
	__u64 *n = bpf_map_lookup_elem(&reinject_errors, &zero);

	if (n)
		(*n)++;
	return XDP_DROP;
}

SEC("xdp")
int netif_reinject(struct xdp_md *ctx)
{
	struct reinject_frame *f;
	__u32 zero = 0, len;
	int delta;

	__u32 *discard;

	if (bpf_user_ringbuf_drain(&reinject_ring, take_one, NULL, 0) != 1)
		return fail();
	discard = bpf_map_lookup_elem(&reinject_discard, &zero);
	if (discard && *discard)
		return XDP_DROP;
	f = bpf_map_lookup_elem(&reinject_scratch, &zero);
	if (!f)
		return fail();
	len = f->len;
	if (len == 0 || len > NETIF_REINJECT_MAX_FRAME)
		return fail();
	/* the helper, not data_end - data: the verifier forbids arithmetic on pkt_end */
	delta = (int)len - (int)bpf_xdp_get_buff_len(ctx);
	if (bpf_xdp_adjust_tail(ctx, delta))
		return fail();
	if (bpf_xdp_store_bytes(ctx, 0, f->data, len))
		return fail();
	return XDP_PASS;
}
