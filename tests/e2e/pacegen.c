// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * pacegen: UDP frames out of a veth at a steady rate, with BPF_PROG_RUN
 * live frames (XDP_TX of tests/bench/livegen_tx.bpf.c), counted exactly:
 * for the tests that check nothing is lost while netifd changes things.
 *
 *   pacegen IFNAME DST_MAC SRC_IP DST_IP DPORT PPS SECONDS
 *
 * Sends a batch every 50 ms (a run of the program costs about a millisecond
 * whatever its size: the kernel puts it in and out of the XDP dispatcher),
 * pushed to the peer 64 frames at a time, and prints "sent N pps P". The
 * peer of IFNAME must run an XDP program (netif) to take them; a frame the
 * peer's ring had no room for is counted by the veth (ethtool -S IFNAME:
 * tx_queue_0_xdp_xmit_errors), which the tests read.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "tests/bench/livegen_tx.skel.h"

#define PUSH 64         /* frames handed to the peer at once */
#define PERIOD_NS 50000000ULL

static uint16_t ip_csum(const void *hdr, size_t len)
{
	const uint16_t *p = hdr;
	uint32_t sum = 0;

	while (len > 1) {
		sum += *p++;
		len -= 2;
	}
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int build(uint8_t *frame, unsigned int len, char **argv)
{
	struct ethhdr *eth = (struct ethhdr *)frame;
	struct iphdr *ip = (struct iphdr *)(eth + 1);
	struct udphdr *udp = (struct udphdr *)(ip + 1);
	unsigned int mac[6];
	int i;

	if (sscanf(argv[2], "%x:%x:%x:%x:%x:%x", &mac[0], &mac[1], &mac[2], &mac[3], &mac[4],
		   &mac[5]) != 6)
		return -1;
	for (i = 0; i < 6; i++) {
		eth->h_dest[i] = mac[i];
		eth->h_source[i] = 0x02 + (i == 5);
	}
	eth->h_proto = htons(ETH_P_IP);
	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = 64;
	ip->protocol = IPPROTO_UDP;
	ip->tot_len = htons(len - sizeof(*eth));
	if (inet_pton(AF_INET, argv[3], &ip->saddr) != 1 || inet_pton(AF_INET, argv[4], &ip->daddr) != 1)
		return -1;
	ip->check = ip_csum(ip, sizeof(*ip));
	udp->source = htons(40000);
	udp->dest = htons(atoi(argv[5]));
	udp->len = htons(len - sizeof(*eth) - sizeof(*ip));
	return 0;
}

int main(int argc, char **argv)
{
	uint8_t frame[64] = {};
	struct livegen_tx *skel;
	unsigned int ifindex;
	uint64_t sent = 0, t0, next, end, batch;
	double pps;

	if (argc != 8) {
		fprintf(stderr, "usage: %s IFNAME DST_MAC SRC_IP DST_IP DPORT PPS SECONDS\n", argv[0]);
		return 2;
	}
	ifindex = if_nametoindex(argv[1]);
	pps = atof(argv[6]);
	if (!ifindex || pps <= 0 || build(frame, sizeof(frame), argv)) {
		fprintf(stderr, "pacegen: bad interface, MAC, address or rate\n");
		return 2;
	}
	skel = livegen_tx__open_and_load();
	if (!skel) {
		fprintf(stderr, "pacegen: cannot load the generator: %s\n", strerror(errno));
		return 1;
	}
	batch = (uint64_t)(pps * PERIOD_NS / 1e9);
	batch = batch < PUSH ? PUSH : batch;
	t0 = next = now_ns();
	end = t0 + (uint64_t)(atof(argv[7]) * 1e9);
	while (now_ns() < end) {
		struct xdp_md ctx = { .data_end = sizeof(frame), .ingress_ifindex = ifindex };
		LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame, .data_size_in = sizeof(frame),
			    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx), .repeat = batch,
			    .batch_size = PUSH, .flags = BPF_F_TEST_XDP_LIVE_FRAMES);
		uint64_t t = now_ns();

		if (t < next) {
			struct timespec ts = { .tv_sec = (next - t) / 1000000000ULL,
					       .tv_nsec = (next - t) % 1000000000ULL };

			nanosleep(&ts, NULL);
		}
		if (bpf_prog_test_run_opts(bpf_program__fd(skel->progs.livegen_tx), &opts)) {
			fprintf(stderr, "pacegen: %s\n", strerror(errno));
			livegen_tx__destroy(skel);
			return 1;
		}
		sent += batch;
		/* behind (a starved CPU): catch up by the clock, not with a burst */
		next = next + PERIOD_NS > now_ns() ? next + PERIOD_NS : now_ns();
	}
	printf("sent %llu pps %.0f\n", (unsigned long long)sent, sent / ((now_ns() - t0) / 1e9));
	livegen_tx__destroy(skel);
	return 0;
}
