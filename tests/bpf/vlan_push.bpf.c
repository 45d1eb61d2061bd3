// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Test helper for test_tc_live.c: ahead of netif_tc on clsact egress, give
 * packets an offloaded VLAN tag (skb->vlan_tci, not in the frame), as a
 * VLAN device on a tag-offloading NIC would. This kernel has neither the
 * 8021q module nor act_vlan, hence a program.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

__u16 vid; /* 0: leave packets alone */

SEC("tc")
int push_tag(struct __sk_buff *skb)
{
	if (vid)
		bpf_skb_vlan_push(skb, bpf_htons(ETH_P_8021Q), vid);
	/* on to the next filter: netif_tc */
	return TC_ACT_UNSPEC;
}
