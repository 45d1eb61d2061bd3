// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * sd_notify through libsystemd rather than by hand: it knows abstract and
 * filesystem NOTIFY_SOCKET addresses, credentials and the watchdog variables.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <systemd/sd-daemon.h>
#include "log.h"
#include "notify.h"

static uint64_t now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000ULL + (uint64_t)ts.tv_nsec / 1000;
}

static void send_state(const char *state, const char *fmt, va_list ap)
{
	char status[256] = "";
	int err;

	if (fmt)
		vsnprintf(status, sizeof(status), fmt, ap);
	/* STATUS= is one line: a newline would start another assignment */
	status[strcspn(status, "\n")] = '\0';
	if (status[0])
		err = sd_notifyf(0, "%s%sSTATUS=%s", state, state[0] ? "\n" : "", status);
	else
		err = sd_notify(0, state);
	if (err < 0)
		pr_warn("sd_notify: %s", strerror(-err));
}

void notify_ready(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	send_state("READY=1", fmt, ap);
	va_end(ap);
}

void notify_status(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	send_state("", fmt, ap);
	va_end(ap);
}

void notify_reloading(void)
{
	/* MONOTONIC_USEC lets a manager tell this reload from an older one (Type=notify-reload) */
	int err = sd_notifyf(0, "RELOADING=1\nMONOTONIC_USEC=%llu\nSTATUS=reloading",
			     (unsigned long long)now_usec());

	if (err < 0)
		pr_warn("sd_notify: %s", strerror(-err));
}

void notify_stopping(void)
{
	sd_notify(0, "STOPPING=1\nSTATUS=stopping");
}

void notify_watchdog(void)
{
	static bool probed;
	static uint64_t interval, last;
	uint64_t now;

	if (!probed) {
		probed = true;
		if (sd_watchdog_enabled(0, &interval) <= 0)
			interval = 0;
		else
			pr_info("watchdog every %llu ms", (unsigned long long)interval / 2000);
	}
	if (!interval)
		return;
	now = now_usec();
	if (now - last < interval / 2)
		return;
	last = now;
	sd_notify(0, "WATCHDOG=1");
}
