/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * tc helpers over rtnetlink (libmnl): the root qdisc, HTB qdisc and
 * classes for egress shaping, and filter counts on clsact. Userspace code
 * of the tc/ room, linked into netifd.
 */
#ifndef NETIF_TC_QDISC_H
#define NETIF_TC_QDISC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NETIF_HTB_MAJOR 0x0001U
#define NETIF_TC_CLASSID(major, minor) (((uint32_t)(major) << 16) | (minor))

struct qdisc_info {
	char kind[16];
	uint32_t handle;
	bool present;
};

/* The root qdisc of ifindex (kind "noqueue" with handle 0 is the veth default). */
int qdisc_root_get(int ifindex, struct qdisc_info *qi);
/* Is this root qdisc one the kernel attached by itself (so we may replace it)? */
bool qdisc_root_is_default(const struct qdisc_info *qi);
int qdisc_htb_create(int ifindex, uint32_t handle, uint16_t default_minor, char *err, size_t errlen);
int qdisc_root_delete(int ifindex, uint32_t handle);
/* Create (or change) an HTB class: rate = ceil = rate_bps. */
int qdisc_htb_class_set(int ifindex, uint32_t classid, uint32_t parent, uint64_t rate_bps,
			uint32_t mtu, bool create, char *err, size_t errlen);
int qdisc_class_delete(int ifindex, uint32_t classid);

struct htb_class {
	uint32_t classid;
	uint32_t parent;
	uint64_t rate_bps;
};
/* Call cb for every HTB class of ifindex. */
int qdisc_htb_class_dump(int ifindex, void (*cb)(const struct htb_class *c, void *data), void *data);
/* Number of tc filters under parent (e.g. clsact egress), -errno on error. */
int qdisc_filter_count(int ifindex, uint32_t parent);
/*
 * The name a bpf filter at handle/prio under parent was given (libbpf:
 * "<program name>:[<id>]"), from the filter dump: no BPF object lookup by
 * id, which would take CAP_SYS_ADMIN. -ENOENT if there is none.
 */
int qdisc_filter_bpf_name(int ifindex, uint32_t parent, uint32_t handle, uint32_t prio, char *name,
			  size_t len);

#endif
