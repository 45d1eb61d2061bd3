/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Small leveled logging layer; libbpf's print callback is routed here too. */
#ifndef NETIF_LOG_H
#define NETIF_LOG_H

enum netif_log_level {
	NETIF_LOG_WARN = 0,
	NETIF_LOG_INFO = 1,
	NETIF_LOG_DEBUG = 2,
};

void netif_log_init(const char *prog, enum netif_log_level level);
void netif_log_set_level(enum netif_log_level level);
enum netif_log_level netif_log_get_level(void);
void netif_log(enum netif_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Route libbpf (and libxdp) diagnostics through netif_log. */
void netif_log_hook_libbpf(void);

#define pr_warn(...) netif_log(NETIF_LOG_WARN, __VA_ARGS__)
#define pr_info(...) netif_log(NETIF_LOG_INFO, __VA_ARGS__)
#define pr_debug(...) netif_log(NETIF_LOG_DEBUG, __VA_ARGS__)

#endif
