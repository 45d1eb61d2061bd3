/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Provider parameters: default, minimum and maximum, after XNU's netif domain
 * table (rx slots 1024/2/16384, tx slots 512/2/16384, buf size
 * 2048/128/16384), plus what the Linux dataplane needs (flow table size).
 */
#ifndef NETIF_PARAMS_H
#define NETIF_PARAMS_H

#define NETIF_RX_SLOTS_DEF 1024
#define NETIF_RX_SLOTS_MIN 2
#define NETIF_RX_SLOTS_MAX 16384

#define NETIF_TX_SLOTS_DEF 512
#define NETIF_TX_SLOTS_MIN 2
#define NETIF_TX_SLOTS_MAX 16384

#define NETIF_BUF_SIZE_DEF 2048
#define NETIF_BUF_SIZE_MIN 128
#define NETIF_BUF_SIZE_MAX 16384

#define NETIF_MAX_FLOWS_DEF 65536
#define NETIF_MAX_FLOWS_MIN 1
#define NETIF_MAX_FLOWS_MAX (1U << 21)

/* Rates are bits per second; bursts are bytes. */
#define NETIF_RATE_MIN 8ULL                    /* 8 bit/s */
#define NETIF_RATE_MAX 400000000000ULL         /* 400 Gbit/s */
#define NETIF_BURST_MIN 64ULL
#define NETIF_BURST_MAX (1ULL << 32)           /* 4 GiB */
/* Longest burst in time at the configured rate: keeps the ns credit far from overflow. */
#define NETIF_BURST_MAX_NS (3600ULL * 1000000000ULL)

/* Logical links and queue sets */
#define NETIF_MAX_LLINKS 64
#define NETIF_LLINK_MAX_QSETS 8
#define NETIF_QSET_MAX_QUEUES 64
#define NETIF_WMM_TX_QUEUES 4

#endif /* NETIF_PARAMS_H */
