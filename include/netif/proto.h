/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * netifd control protocol: generic-netlink-shaped messages (nlmsghdr +
 * genlmsghdr + attributes) exchanged over a unix SOCK_SEQPACKET socket.
 * See docs/control-protocol.md.
 */
#ifndef NETIF_PROTO_H
#define NETIF_PROTO_H

#include <linux/types.h>

#define NETIF_DEFAULT_SOCKET "/run/netif/netifd.sock"
#define NETIF_DEFAULT_PIN_ROOT "/sys/fs/bpf/netif"
#define NETIF_DEFAULT_CAPTURE_DIR "/var/lib/netif/captures"

/* nlmsg_type of every request and reply (above NLMSG_MIN_TYPE). */
#define NETIF_NL_TYPE 0x4e49 /* "NI" */
#define NETIF_NL_VERSION 1
#define NETIF_NL_MAX_MSG 65536

enum netif_cmd {
	NETIF_CMD_UNSPEC,
	NETIF_CMD_ATTACH,
	NETIF_CMD_DETACH,
	NETIF_CMD_GET,       /* show one netif, or dump all */
	NETIF_CMD_SET,
	NETIF_CMD_FLOW_ADD,
	NETIF_CMD_FLOW_DEL,
	NETIF_CMD_FLOW_GET,  /* dump */
	NETIF_CMD_STATS_GET,
	NETIF_CMD_LLINK_ADD,
	NETIF_CMD_LLINK_DEL,
	NETIF_CMD_LLINK_GET, /* dump, as XNU's GET_LLINK_INFO */
	NETIF_CMD_FILTER_ADD,
	NETIF_CMD_FILTER_DEL,
	NETIF_CMD_FILTER_GET,
	NETIF_CMD_CHANNEL_OPEN,  /* reply carries fds via SCM_RIGHTS */
	NETIF_CMD_FILTER_OPEN,   /* external filter channel */
	NETIF_CMD_PORT_GET,      /* dump bound client ports */
	NETIF_CMD_EVENT,         /* agent → client notification (channels, monitors) */
	NETIF_CMD_MONITOR,       /* the connection becomes a subscriber of every event */
	NETIF_CMD_CONFIG_APPLY,  /* a configuration file, in chunks; the last one applies it */
	NETIF_CMD_CONFIG_EXPORT, /* dump: the running configuration as file text, in chunks */
	__NETIF_CMD_MAX,
};
#define NETIF_CMD_MAX (__NETIF_CMD_MAX - 1)

/* Top-level attributes. */
enum netif_attr {
	NETIF_A_UNSPEC,
	NETIF_A_IFNAME,        /* string */
	NETIF_A_IFINDEX,       /* u32 */
	NETIF_A_UUID,          /* binary, 16 bytes */
	NETIF_A_MODE,          /* u8 enum netif_attach_mode */
	NETIF_A_RX_SLOTS,      /* u32 */
	NETIF_A_TX_SLOTS,      /* u32 */
	NETIF_A_BUF_SIZE,      /* u32 */
	NETIF_A_MAX_FLOWS,     /* u32 */
	NETIF_A_LOW_LATENCY,   /* flag */
	NETIF_A_DEFAULT_ACTION,/* u8 enum netif_action */
	NETIF_A_INPUT_RATE,    /* u64 bits/s, 0 = unlimited */
	NETIF_A_INPUT_BURST,   /* u64 bytes */
	NETIF_A_MAC,           /* binary, 6 bytes */
	NETIF_A_MTU,           /* u32 */
	NETIF_A_FLOW_COUNT,    /* u32 */
	NETIF_A_ATTACH_TIME,   /* u64 */
	NETIF_A_FLOW,          /* nested enum netif_flow_attr */
	NETIF_A_STATS,         /* nested list of NETIF_A_STAT */
	NETIF_A_STAT,          /* nested enum netif_stat_attr */
	NETIF_A_REQUESTED_MODE,/* u8 */
	NETIF_A_SHAPE_RATE,    /* u64 bits/s egress shaping of the whole netif, 0 = none */
	NETIF_A_VLAN_POLICY,   /* u8 enum netif_vlan_policy */
	NETIF_A_LLINK,         /* nested enum netif_llink_attr */
	NETIF_A_LLINK_INFO_VERSION, /* u32 */
	NETIF_A_FILTER,        /* nested enum netif_filter_attr */
	NETIF_A_PORT,          /* u32 client port */
	NETIF_A_CHANNEL,       /* nested enum netif_chan_attr */
	NETIF_A_EVENT,         /* nested enum netif_event_attr */
	NETIF_A_RX_QUEUES,     /* u32 */
	NETIF_A_TX_QUEUES,     /* u32 */
	NETIF_A_CLEANUP,       /* flag */
	NETIF_A_CONFIG,        /* nested enum netif_config_attr */
	NETIF_A_CHANGE,        /* nested enum netif_change_attr: one change of an apply */
	NETIF_A_FEATURES,      /* u64 bit mask of enum netif_feature (netif/features.h) in use */
	__NETIF_A_MAX,
};
#define NETIF_A_MAX (__NETIF_A_MAX - 1)

enum netif_flow_attr {
	NETIF_FA_UNSPEC,
	NETIF_FA_UUID,          /* binary 16 */
	NETIF_FA_TYPE,          /* u8 enum netif_flow_type */
	NETIF_FA_DIR,           /* u8 enum netif_dir */
	NETIF_FA_ETHERTYPE,     /* u16 */
	NETIF_FA_FAMILY,        /* u8 4 or 6 */
	NETIF_FA_PROTO,         /* u8 */
	NETIF_FA_SRC,           /* binary 4 or 16 (tuple) */
	NETIF_FA_DST,           /* binary 4 or 16 (tuple) */
	NETIF_FA_SPORT,         /* u16 host order; ICMP type */
	NETIF_FA_DPORT,         /* u16 host order; ICMP code */
	NETIF_FA_LOCAL,         /* binary 16 (ula) */
	NETIF_FA_REMOTE,        /* binary 16 (ula) */
	NETIF_FA_ACTION,        /* u8 enum netif_action */
	NETIF_FA_REDIRECT_DEV,  /* string */
	NETIF_FA_PORT,          /* u8 */
	NETIF_FA_RATE,          /* u64 bits/s */
	NETIF_FA_BURST,         /* u64 bytes */
	NETIF_FA_SHAPE,         /* u64 bits/s */
	NETIF_FA_QSET_HINT,     /* u32 */
	NETIF_FA_LLINK,         /* u64 link id the flow is scoped to */
	NETIF_FA_PACKETS,       /* u64 every packet the flow matched */
	NETIF_FA_BYTES,         /* u64 */
	NETIF_FA_DROPS,         /* u64 of those, dropped for any reason (action drop, a bucket, a failed redirect) */
	NETIF_FA_FLOW_ID,       /* u32 */
	NETIF_FA_RATE_LIMITED,  /* u64 of the drops, those a token bucket refused */
	__NETIF_FA_MAX,
};
#define NETIF_FA_MAX (__NETIF_FA_MAX - 1)

enum netif_stat_attr {
	NETIF_SA_UNSPEC,
	NETIF_SA_NAME,  /* string */
	NETIF_SA_VALUE, /* u64 */
	__NETIF_SA_MAX,
};
#define NETIF_SA_MAX (__NETIF_SA_MAX - 1)

enum netif_llink_attr {
	NETIF_LA_UNSPEC,
	NETIF_LA_LINK_ID,       /* u64 */
	NETIF_LA_INTERNAL_ID,   /* u16 */
	NETIF_LA_STATE,         /* u8 */
	NETIF_LA_FLAGS,         /* u32 */
	NETIF_LA_VLAN,          /* u16 */
	NETIF_LA_QSET,          /* nested enum netif_qset_attr, repeated */
	NETIF_LA_RX_PACKETS,    /* u64 */
	NETIF_LA_RX_BYTES,      /* u64 */
	NETIF_LA_TX_PACKETS,    /* u64 */
	NETIF_LA_TX_BYTES,      /* u64 */
	__NETIF_LA_MAX,
};
#define NETIF_LA_MAX (__NETIF_LA_MAX - 1)

enum netif_qset_attr {
	NETIF_QA_UNSPEC,
	NETIF_QA_ID,            /* u32 */
	NETIF_QA_FLAGS,         /* u32 NETIF_QSET_F_* */
	NETIF_QA_RX_QUEUES,     /* u32 count */
	NETIF_QA_TX_QUEUES,     /* u32 count */
	NETIF_QA_RX_BASE,       /* u32 first device RX queue */
	NETIF_QA_TX_BASE,       /* u32 first device TX queue */
	NETIF_QA_RATE,          /* u64 ingress police bits/s */
	NETIF_QA_BURST,         /* u64 bytes */
	NETIF_QA_SHAPE,         /* u64 egress shape bits/s */
	NETIF_QA_RX_PACKETS,    /* u64 */
	NETIF_QA_TX_PACKETS,    /* u64 */
	NETIF_QA_DROPS,         /* u64 */
	__NETIF_QA_MAX,
};
#define NETIF_QA_MAX (__NETIF_QA_MAX - 1)

enum netif_filter_attr {
	NETIF_FIA_UNSPEC,
	NETIF_FIA_ID,           /* u32 */
	NETIF_FIA_KIND,         /* string: pcap, count, drop, external */
	NETIF_FIA_ARG,          /* string (pcap file, drop match expression) */
	NETIF_FIA_NAME,         /* string, external filter name */
	NETIF_FIA_PACKETS,      /* u64 seen */
	NETIF_FIA_DROPS,        /* u64 dropped */
	NETIF_FIA_DIR,          /* u8 bitmask: 1 rx, 2 tx */
	__NETIF_FIA_MAX,
};
#define NETIF_FIA_MAX (__NETIF_FIA_MAX - 1)

enum netif_chan_attr {
	NETIF_CA_UNSPEC,
	NETIF_CA_RX_SLOTS,      /* u32 */
	NETIF_CA_TX_SLOTS,      /* u32 */
	NETIF_CA_BUF_SIZE,      /* u32 */
	NETIF_CA_RING_SIZE,     /* u64 bytes of the shared region */
	NETIF_CA_PID,           /* u32 */
	NETIF_CA_RX_PACKETS,    /* u64 */
	NETIF_CA_RX_DROPS,      /* u64 ring full */
	NETIF_CA_TX_PACKETS,    /* u64 */
	NETIF_CA_TX_DROPS,      /* u64 rejected */
	__NETIF_CA_MAX,
};
#define NETIF_CA_MAX (__NETIF_CA_MAX - 1)

enum netif_event_attr {
	NETIF_EA_UNSPEC,
	NETIF_EA_KIND,          /* u8 enum netif_event_kind */
	NETIF_EA_UP,            /* u8 */
	NETIF_EA_MTU,           /* u32 */
	NETIF_EA_MAC,           /* binary 6 */
	NETIF_EA_PID,           /* u32 holder of a channel */
	NETIF_EA_NAME,          /* string: an external filter's name */
	NETIF_EA_LOST,          /* u32 events dropped for this subscriber (NETIF_EVENT_LOST) */
	__NETIF_EA_MAX,
};
#define NETIF_EA_MAX (__NETIF_EA_MAX - 1)

/*
 * Channel clients hear LINK and DETACH of their netif (DETACH: the channel
 * is gone). A MONITOR connection hears every kind, of every netif (or of
 * the one named): the object concerned travels in its own nest next to
 * NETIF_A_EVENT (NETIF_A_FLOW, NETIF_A_LLINK, NETIF_A_FILTER, NETIF_A_PORT,
 * the settings attributes of SET).
 */
enum netif_event_kind {
	NETIF_EVENT_LINK = 1,          /* link up/down, MTU, MAC (the interface advisory) */
	NETIF_EVENT_DETACH = 2,
	NETIF_EVENT_ATTACH = 3,
	NETIF_EVENT_FLOW_ADD = 4,
	NETIF_EVENT_FLOW_DEL = 5,
	NETIF_EVENT_FLOW_CHANGE = 6,   /* action, rates or qset hint changed in place */
	NETIF_EVENT_LLINK_ADD = 7,
	NETIF_EVENT_LLINK_DEL = 8,
	NETIF_EVENT_FILTER_ADD = 9,
	NETIF_EVENT_FILTER_DEL = 10,
	NETIF_EVENT_CHANNEL_OPEN = 11,
	NETIF_EVENT_CHANNEL_CLOSE = 12,
	NETIF_EVENT_SET = 13,          /* default action, input rate, shaping, unknown-VLAN policy */
	NETIF_EVENT_LOST = 14,         /* the subscriber was too slow: EA_LOST events dropped */
	__NETIF_EVENT_MAX,
};

/* Upload and export of a configuration file (netifd.yaml(5)). */
enum netif_config_attr {
	NETIF_CFA_UNSPEC,
	NETIF_CFA_TEXT,         /* binary: a chunk of the file */
	NETIF_CFA_OFFSET,       /* u64: where the chunk starts in the file */
	NETIF_CFA_MORE,         /* flag: more chunks follow (apply); absent: apply now */
	NETIF_CFA_DRY_RUN,      /* flag: report the changes, make none */
	NETIF_CFA_NAME,         /* string: the file's name, for messages */
	__NETIF_CFA_MAX,
};
#define NETIF_CFA_MAX (__NETIF_CFA_MAX - 1)

/* Largest file an apply takes (chunks of at most NETIF_CONFIG_CHUNK bytes). */
#define NETIF_CONFIG_MAX_SIZE (256U << 20)
#define NETIF_CONFIG_CHUNK 32768

/* One change an apply makes (or would make, with DRY_RUN), with IFNAME beside it. */
enum netif_change_attr {
	NETIF_CHA_UNSPEC,
	NETIF_CHA_OP,           /* u8 enum netif_change_op */
	NETIF_CHA_OBJECT,       /* string: netif, llink, flow, filter, or a setting's name */
	NETIF_CHA_ID,           /* string: which one (uuid, llink id, filter id) */
	NETIF_CHA_TEXT,         /* string: the object, or what changes (old -> new) */
	NETIF_CHA_LINE,         /* u32: where it is in the file (0: it is not) */
	__NETIF_CHA_MAX,
};
#define NETIF_CHA_MAX (__NETIF_CHA_MAX - 1)

enum netif_change_op {
	NETIF_CHANGE_ADD = 1,
	NETIF_CHANGE_REMOVE = 2,
	NETIF_CHANGE_MODIFY = 3,
};

#define NETIF_LLINK_INFO_VERSION 1

#endif /* NETIF_PROTO_H */
