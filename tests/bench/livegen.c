// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * livegen: send UDP frames out of a veth as fast as the kernel can, with
 * BPF_PROG_RUN live frames (much faster than trafgen on two cores).
 *
 *   livegen IFNAME DST_MAC SRC_IP DST_IP DPORT SECONDS [FRAME_LEN [PPS [COUNT]]]
 *
 * Without PPS (or PPS 0) as fast as it can for SECONDS. With PPS, paced:
 * every millisecond the frames due so far (a steady rate, not bursts of a
 * second). With COUNT, exactly COUNT frames, then it stops (SECONDS still
 * bounds the run). Prints "sent N pps P".
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "tests/bench/livegen_tx.skel.h"
#include "livegen.h"

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

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * A run of a program the kernel's XDP dispatcher does not hold puts it in
 * and takes it out again: two RCU grace periods per run, tens of ms on a
 * small VM, which caps a paced generator far below its rate. A link on lo
 * (generic mode) holds it there for as long as we run, and goes with us.
 * lo may be taken by a second generator: then our own device, in generic
 * mode. If neither can be had, runs only cost more.
 */
static int hold_in_dispatcher(const struct bpf_program *prog, unsigned int ifindex)
{
	LIBBPF_OPTS(bpf_link_create_opts, skb, .flags = XDP_FLAGS_SKB_MODE);
	unsigned int lo = if_nametoindex("lo");
	int fd = -1;

	if (lo)
		fd = bpf_link_create(bpf_program__fd(prog), lo, BPF_XDP, &skb);
	if (fd < 0)
		fd = bpf_link_create(bpf_program__fd(prog), ifindex, BPF_XDP, &skb);
	return fd;
}

int main(int argc, char **argv)
{
	uint8_t frame[1514] = {};
	struct ethhdr *eth = (struct ethhdr *)frame;
	struct iphdr *ip = (struct iphdr *)(eth + 1);
	struct udphdr *udp = (struct udphdr *)(ip + 1);
	static const uint8_t src_mac[ETH_ALEN] = LIVEGEN_SRC_MAC;
	int hold, rc = 0;
	struct livegen_tx *skel;
	unsigned int mac[6], len = 64, ifindex;
	double t0, secs;
	uint64_t sent = 0, pps = 0, count = 0;
	int i;

	if (argc < 7) {
		fprintf(stderr, "usage: %s IFNAME DST_MAC SRC_IP DST_IP DPORT SECONDS [FRAME_LEN [PPS [COUNT]]]\n", argv[0]);
		return 2;
	}
	ifindex = if_nametoindex(argv[1]);
	if (!ifindex || sscanf(argv[2], "%x:%x:%x:%x:%x:%x", &mac[0], &mac[1], &mac[2], &mac[3],
			       &mac[4], &mac[5]) != 6) {
		fprintf(stderr, "livegen: bad interface or MAC\n");
		return 2;
	}
	secs = atof(argv[6]);
	if (argc > 7)
		len = atoi(argv[7]);
	if (argc > 8)
		pps = strtoull(argv[8], NULL, 10);
	if (argc > 9)
		count = strtoull(argv[9], NULL, 10);
	if (len < 60 || len > sizeof(frame))
		len = 64;
	for (i = 0; i < 6; i++)
		eth->h_dest[i] = mac[i];
	memcpy(eth->h_source, src_mac, sizeof(src_mac));
	eth->h_proto = htons(ETH_P_IP);
	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = 64;
	ip->protocol = IPPROTO_UDP;
	ip->tot_len = htons(len - sizeof(*eth));
	inet_pton(AF_INET, argv[3], &ip->saddr);
	inet_pton(AF_INET, argv[4], &ip->daddr);
	ip->check = ip_csum(ip, sizeof(*ip));
	udp->source = htons(40000);
	udp->dest = htons(atoi(argv[5]));
	udp->len = htons(len - sizeof(*eth) - sizeof(*ip));

	skel = livegen_tx__open();
	if (skel)
		skel->rodata->gen_ifindex = ifindex;
	if (!skel || livegen_tx__load(skel)) {
		fprintf(stderr, "livegen: cannot load the generator: %s\n", strerror(errno));
		livegen_tx__destroy(skel);
		return 1;
	}
	hold = hold_in_dispatcher(skel->progs.livegen_tx, ifindex);
	t0 = now();
	while (now() - t0 < secs && (!count || sent < count)) {
		struct xdp_md ctx = { .data_end = len, .ingress_ifindex = ifindex };
		uint64_t n = 1 << 16;
		LIBBPF_OPTS(bpf_test_run_opts, opts,
			.data_in = frame,
			.data_size_in = len,
			.ctx_in = &ctx,
			.ctx_size_in = sizeof(ctx),
			.batch_size = 64,
			.flags = BPF_F_TEST_XDP_LIVE_FRAMES,
		);

		if (pps) {
			double due = (now() - t0) * pps;

			/* what is due by now, or wait a millisecond for more */
			/* (a run with repeat 0 would still send: whole frames only) */
			if (due < sent + 1) {
				usleep(1000);
				continue;
			}
			n = (uint64_t)due - sent;
			if (n > pps / 100 + 1)
				n = pps / 100 + 1; /* fallen behind: catch up no faster than 10 ms at a time */
		}
		if (count && n > count - sent)
			n = count - sent;
		opts.repeat = n;
		if (bpf_prog_test_run_opts(bpf_program__fd(skel->progs.livegen_tx), &opts)) {
			fprintf(stderr, "livegen: %s\n", strerror(errno));
			rc = 1;
			break;
		}
		sent += n;
	}
	secs = now() - t0;
	if (!rc)
		printf("sent %llu pps %.0f\n", (unsigned long long)sent, sent / secs);
	if (hold >= 0)
		close(hold);
	livegen_tx__destroy(skel);
	return rc;
}
