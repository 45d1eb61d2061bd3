/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* tc-style units for rates (bits/s) and sizes (bytes), parsing and printing. */
#ifndef NETIF_UNITS_H
#define NETIF_UNITS_H

#include <stddef.h>
#include <stdint.h>

/* "100mbit", "1.5gbit", "64kbps" (bytes/s), "1000" (bit/s). Returns 0 or -EINVAL. */
int netif_parse_rate(const char *s, uint64_t *bps);
/* "1500", "64kb", "1mb", "32kbit". Returns 0 or -EINVAL. */
int netif_parse_size(const char *s, uint64_t *bytes);
/* Unsigned integer (decimal or 0x hex) in [min, max]. Returns 0, -EINVAL or -ERANGE. */
int netif_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);
/* "100Mbit", "1Gbit", "512bit" */
const char *netif_fmt_rate(uint64_t bps, char *buf, size_t len);
/* "1500b", "64Kb", "2Mb" */
const char *netif_fmt_size(uint64_t bytes, char *buf, size_t len);

#endif
