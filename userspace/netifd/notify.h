/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The service manager's view of netifd (sd_notify): readiness, reloads,
 * stopping, status line and the watchdog. Every call is a no-op when netifd
 * was not started by a service manager (NOTIFY_SOCKET unset).
 */
#ifndef NETIFD_NOTIFY_H
#define NETIFD_NOTIFY_H

/* READY=1: the control socket listens and every pinned netif is adopted. */
void notify_ready(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* RELOADING=1 (with MONOTONIC_USEC); notify_ready() ends the reload. */
void notify_reloading(void);
void notify_stopping(void);
void notify_status(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* WATCHDOG=1 at half the interval the manager asked for; call often (every loop turn). */
void notify_watchdog(void);

#endif
