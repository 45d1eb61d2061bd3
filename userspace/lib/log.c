// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>
#include "log.h"

static const char *log_prog = "netif";
static enum netif_log_level log_level = NETIF_LOG_WARN;

void netif_log_init(const char *prog, enum netif_log_level level)
{
	log_prog = prog;
	log_level = level;
}

void netif_log_set_level(enum netif_log_level level)
{
	log_level = level;
}

enum netif_log_level netif_log_get_level(void)
{
	return log_level;
}

static void vlog(enum netif_log_level level, const char *fmt, va_list ap)
{
	static const char *const names[] = { "warn", "info", "debug" };
	char buf[1024];
	size_t n;

	if (level > log_level)
		return;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	n = strlen(buf);
	while (n && buf[n - 1] == '\n')
		buf[--n] = '\0';
	fprintf(stderr, "%s: %s: %s\n", log_prog, names[level], buf);
}

void netif_log(enum netif_log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(level, fmt, ap);
	va_end(ap);
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	/* libbpf's "info" is chatty (every pin reuse); keep it at debug. */
	vlog(level == LIBBPF_WARN ? NETIF_LOG_WARN : NETIF_LOG_DEBUG, fmt, ap);
	return 0;
}

static int libxdp_print(enum libxdp_print_level level, const char *fmt, va_list ap)
{
	vlog(level == LIBXDP_WARN ? NETIF_LOG_WARN : NETIF_LOG_DEBUG, fmt, ap);
	return 0;
}

void netif_log_hook_libbpf(void)
{
	libbpf_set_print(libbpf_print);
	libxdp_set_print(libxdp_print);
}
