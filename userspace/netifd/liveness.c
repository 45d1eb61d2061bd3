// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include "liveness.h"

uint64_t liveness_now(void)
{
	struct timespec ts;

	/* the clock of bpf_ktime_get_ns() */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

int liveness_open(struct liveness *l, int map_fd)
{
	void *p;

	l->mem = NULL;
	l->last_ns = 0;
	if (map_fd < 0)
		return -EBADF;
	p = mmap(NULL, sysconf(_SC_PAGESIZE), PROT_READ | PROT_WRITE, MAP_SHARED, map_fd, 0);
	if (p == MAP_FAILED)
		return -errno;
	l->mem = p;
	__atomic_store_n(&l->mem->stale_ns, LIVENESS_STALE_NS, __ATOMIC_RELAXED);
	__atomic_store_n(&l->mem->heartbeat_ns, 0, __ATOMIC_RELEASE);
	return 0;
}

void liveness_close(struct liveness *l)
{
	if (!l->mem)
		return;
	__atomic_store_n(&l->mem->heartbeat_ns, 0, __ATOMIC_RELEASE);
	munmap(l->mem, sysconf(_SC_PAGESIZE));
	l->mem = NULL;
}

void liveness_beat(struct liveness *l, uint64_t now, bool force)
{
	if (!l->mem || (!force && now - l->last_ns < LIVENESS_BEAT_NS))
		return;
	__atomic_store_n(&l->mem->heartbeat_ns, now, __ATOMIC_RELEASE);
	l->last_ns = now;
}

bool liveness_lapsed(const struct liveness *l, uint64_t now)
{
	return l->mem && now - l->last_ns > LIVENESS_STALE_NS;
}
