/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Kernel features netifd probes at start and adapts to, listed once. The
 * agent sends the set it found as a bit mask (NETIF_A_FEATURES, bit = id);
 * netifctl names the bits from this same list. docs/kernels.md is the
 * table with what each one enables.
 *
 *   X(id, name, first Linux release, what is probed)
 */
#ifndef NETIF_FEATURES_H
#define NETIF_FEATURES_H

#define NETIF_FEATURES_LIST(X)                                                             \
	X(USER_RINGBUF, "user-ringbuf", "6.1", "BPF_MAP_TYPE_USER_RINGBUF, bpf_user_ringbuf_drain") \
	X(DYNPTR, "dynptr", "5.19", "bpf_dynptr_read")                                      \
	X(XDP_BYTES, "xdp-store-bytes", "5.18", "bpf_xdp_get_buff_len, bpf_xdp_store_bytes")  \
	X(LIVE_FRAMES, "live-frames", "5.18", "BPF_PROG_RUN with BPF_F_TEST_XDP_LIVE_FRAMES") \
	/* the four above together: frames netifd hands back to the host stack */           \
	X(REINJECT, "reinject", "6.1", "re-injection into the host stack")                   \
	/* egress copies say where an unfinished checksum starts (else netifd judges) */     \
	X(KERN_CTX, "kern-ctx", "6.2", "kfunc bpf_cast_to_kern_ctx in vmlinux BTF")

enum netif_feature {
#define NETIF_FEATURE_ENUM(id, name, since, what) NETIF_FEAT_##id,
	NETIF_FEATURES_LIST(NETIF_FEATURE_ENUM)
#undef NETIF_FEATURE_ENUM
	NETIF_FEAT__MAX,
};

#define NETIF_FEAT_BIT(id) (1ULL << NETIF_FEAT_##id)

/* The oldest kernel netif runs on at all (the fast path; see docs/kernels.md). */
#define NETIF_KERNEL_MIN "5.10"

#endif
