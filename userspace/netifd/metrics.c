// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The metrics room's HTTP side: libmicrohttpd with no thread of its own,
 * its epoll descriptor one more handler of netifd's loop. A scrape takes a
 * snapshot (metrics_text.c) and answers with a body written from it a
 * chunk at a time: MHD asks for one chunk per connection per MHD_run(),
 * and when it has more to do at once it wakes the loop through an eventfd
 * instead of running again, so whatever else is ready (the control
 * socket, AF_XDP sockets, channel rings) is served between two chunks.
 */
#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>
#include <microhttpd.h>
#include "agent.h"
#include "log.h"
#include "loop.h"
#include "metrics.h"
#include "metrics_text.h"

#define CHUNK (128 * 1024)
#define MAX_SCRAPES 8        /* connections at once: each holds a snapshot */
#define IDLE_TIMEOUT_S 30

static struct {
	struct MHD_Daemon *d;
	struct ev_handler h;     /* MHD's epoll descriptor */
	struct ev_handler wake;  /* eventfd: MHD has work ready now */
	struct agent *ag;
	uint64_t scrapes;
	uint64_t start_time;
} mx = { .h = { .fd = -1 }, .wake = { .fd = -1 } };

static void run(void)
{
	MHD_UNSIGNED_LONG_LONG to;
	uint64_t one = 1;

	MHD_run(mx.d);
	/* more to do without waiting for a descriptor: come back after the others */
	if (MHD_get_timeout(mx.d, &to) == MHD_YES && to == 0 &&
	    write(mx.wake.fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		pr_warn("metrics: cannot wake the loop: %s", strerror(errno));
}

static void on_epoll(struct ev_handler *h, uint32_t events)
{
	run();
}

static void on_wake(struct ev_handler *h, uint32_t events)
{
	uint64_t n;

	if (read(h->fd, &n, sizeof(n)) < 0 && errno != EAGAIN)
		return;
	run();
}

void metrics_tick(void)
{
	if (mx.d)
		run();
}

/* ---- a scrape ------------------------------------------------------------ */

/* A body being written: the snapshot, and lines written but not yet taken by MHD. */
struct body {
	struct metrics_snap *snap;
	char buf[CHUNK];
	size_t len, off;
};

static ssize_t body_read(void *cls, uint64_t pos, char *out, size_t max)
{
	struct body *b = cls;
	size_t n;

	if (b->off == b->len) {
		b->off = 0;
		b->len = metrics_write(b->snap, b->buf, sizeof(b->buf));
		if (!b->len)
			return MHD_CONTENT_READER_END_OF_STREAM;
	}
	n = b->len - b->off < max ? b->len - b->off : max;
	memcpy(out, b->buf + b->off, n);
	b->off += n;
	return n;
}

static void body_free(void *cls)
{
	struct body *b = cls;

	metrics_snap_free(b->snap);
	free(b);
}

static enum MHD_Result answer_text(struct MHD_Connection *conn, unsigned int status,
				   const char *text, const char *type)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(strlen(text), (void *)text,
								 MHD_RESPMEM_PERSISTENT);
	enum MHD_Result ret;

	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result answer_metrics(struct MHD_Connection *conn)
{
	struct snap_agent self = { .start_time = mx.start_time, .scrapes = ++mx.scrapes };
	struct MHD_Response *r;
	struct body *b = calloc(1, sizeof(*b));
	enum MHD_Result ret;

	if (b)
		b->snap = metrics_snapshot(mx.ag, &self);
	if (!b || !b->snap) {
		free(b);
		return answer_text(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory\n",
				   "text/plain");
	}
	r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, CHUNK, body_read, b, body_free);
	if (!r) {
		body_free(b);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
				"text/plain; version=0.0.4; charset=utf-8");
	ret = MHD_queue_response(conn, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **state)
{
	static const char index[] =
		"<html><head><title>netifd</title></head><body><h1>netifd</h1>"
		"<p><a href=\"/metrics\">Metrics</a></p></body></html>\n";

	if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
		return answer_text(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "GET only\n", "text/plain");
	/* a GET has no body: answer at the first call */
	if (strcmp(url, "/metrics") == 0)
		return answer_metrics(conn);
	if (strcmp(url, "/") == 0)
		return answer_text(conn, MHD_HTTP_OK, index, "text/html; charset=utf-8");
	return answer_text(conn, MHD_HTTP_NOT_FOUND, "not found: try /metrics\n", "text/plain");
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[256];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	msg[strcspn(msg, "\n")] = '\0';
	pr_warn("metrics: %s", msg);
}

/* ---- start and stop ------------------------------------------------------ */

/* "HOST:PORT", "[V6]:PORT" or ":PORT" (every address, IPv4 and IPv6). */
static int parse_addr(const char *s, struct sockaddr_storage *ss, socklen_t *sslen, bool *any)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE | AI_NUMERICSERV };
	char host[256];
	const char *port, *end;
	struct addrinfo *res;
	int err;

	if (s[0] == '[') {
		end = strchr(s, ']');
		if (!end || end[1] != ':')
			return -EINVAL;
		port = end + 2;
		s++;
	} else {
		end = strrchr(s, ':');
		if (!end)
			return -EINVAL;
		port = end + 1;
	}
	if ((size_t)(end - s) >= sizeof(host) || !port[0])
		return -EINVAL;
	memcpy(host, s, end - s);
	host[end - s] = '\0';
	*any = !host[0];
	if (*any)
		hints.ai_family = AF_INET6;
	err = getaddrinfo(*any ? NULL : host, port, &hints, &res);
	if (err) {
		pr_warn("metrics: %s: %s", host[0] ? host : "(any)", gai_strerror(err));
		return -EINVAL;
	}
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*sslen = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

int metrics_start(const char *addr, struct agent *ag)
{
	struct sockaddr_storage ss;
	const union MHD_DaemonInfo *info;
	unsigned int flags = MHD_USE_EPOLL;
	socklen_t sslen;
	bool any;
	int err;

	if (parse_addr(addr, &ss, &sslen, &any)) {
		pr_warn("metrics: \"%s\" is not ADDR:PORT (127.0.0.1:9464, [::1]:9464, :9464)", addr);
		return -EINVAL;
	}
	if (ss.ss_family == AF_INET6)
		flags |= any ? MHD_USE_DUAL_STACK : MHD_USE_IPv6;
	mx.d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, NULL,
				MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
				MHD_OPTION_CONNECTION_LIMIT, (unsigned int)MAX_SCRAPES,
				MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)IDLE_TIMEOUT_S,
				MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL, MHD_OPTION_END);
	if (!mx.d) {
		pr_warn("metrics: cannot listen on %s", addr);
		return -EADDRNOTAVAIL;
	}
	info = MHD_get_daemon_info(mx.d, MHD_DAEMON_INFO_EPOLL_FD);
	mx.h.fd = info ? info->epoll_fd : -1;
	mx.h.fn = on_epoll;
	mx.wake.fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	mx.wake.fn = on_wake;
	mx.ag = ag;
	mx.start_time = time(NULL);
	err = mx.h.fd < 0 || mx.wake.fd < 0 ? -EIO : loop_add(&mx.h, EPOLLIN) ?: loop_add(&mx.wake, EPOLLIN);
	if (err) {
		pr_warn("metrics: cannot join the event loop: %s", strerror(-err));
		metrics_stop();
		return err;
	}
	pr_info("metrics on http://%s/metrics", addr);
	return 0;
}

void metrics_stop(void)
{
	if (mx.h.fd >= 0)
		loop_del(&mx.h);
	if (mx.wake.fd >= 0) {
		loop_del(&mx.wake);
		close(mx.wake.fd);
	}
	mx.h.fd = mx.wake.fd = -1;
	if (mx.d)
		MHD_stop_daemon(mx.d);
	mx.d = NULL;
}
