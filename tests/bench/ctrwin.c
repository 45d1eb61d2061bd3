// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * ctrwin: counters over an exactly measured window. Rates judged by the
 * dataplane's own counters need the window's length; a counter read
 * through netifctl, jq and a shell on a busy machine can take a second,
 * which blurs the window by as much. This reads the pinned maps (and
 * sysfs counter files) directly, back to back, at both edges:
 *
 *   ctrwin SECONDS SPEC...
 *     SPEC := stats:PIN_DIR:NAME           a netif_stats counter (summed over CPUs)
 *           | flow:PIN_DIR:FLOW_ID:FIELD   packets, bytes, drops or rate_limited of a flow
 *           | file:PATH                    a number in a file (/sys/class/net/X/statistics/...)
 *           | credit:PIN_DIR:input         the input bucket's credit, ns at its rate (signed)
 *           | credit:PIN_DIR:flow:FLOW_ID  a flow bucket's credit
 *
 * The window opens once the first counter moves (the generator runs; 5 s
 * at most) and lasts SECONDS; the counters are polled every 5 ms. Prints
 * the deltas, the window in seconds (from the middle of the first reads
 * to the middle of the last), and the longest time the first counter stood
 * still: traffic offered to a token bucket must not pause for longer than
 * its depth, or the bucket fills and the pause is lost to it. A bucket's
 * credit at the edges turns "admitted = rate x window" from a bound of a
 * bucket's depth into an equation: admitted = rate x window - change of
 * credit.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "netif/maps.h"
#include "netif/stats.h"

#define MAX_SPECS 8

struct spec {
	int fd;              /* map, or -1 for a file */
	bool credit;         /* a bucket's credit, not a counter */
	const char *path;
	uint32_t key;
	size_t off, words;   /* u64 offset of the field, u64 words per CPU value */
	bool percpu;
	uint32_t stride;     /* flow: one entry per CPU, this many keys apart (max-flows) */
};

/*
 * flow_stats is a plain array of CPUs x max-flows entries, key
 * NETIF_FLOW_STATS_KEY(cpu, max-flows, id): max-flows is its size over
 * the number of CPUs.
 */
static uint32_t flow_stride(int fd)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	int ncpu = libbpf_num_possible_cpus();

	if (ncpu <= 0 || bpf_obj_get_info_by_fd(fd, &info, &len))
		return 0;
	return info.max_entries / ncpu;
}

static const char *const stat_names[] = {
#define NAME(n) #n,
	NETIF_STATS_LIST(NAME)
#undef NAME
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int open_map(const char *dir, const char *name)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return bpf_obj_get(path);
}

static int parse(char *arg, struct spec *s)
{
	char *kind = strtok(arg, ":"), *dir = strtok(NULL, ":"), *a = strtok(NULL, ":");
	char *b = strtok(NULL, ":");
	size_t i;

	memset(s, 0, sizeof(*s));
	s->fd = -1;
	if (kind && !strcmp(kind, "file") && dir) {
		s->path = dir;
		return 0;
	}
	if (!kind || !dir || !a)
		return -EINVAL;
	s->percpu = true;
	if (!strcmp(kind, "stats")) {
		for (i = 0; i < NETIF_STATS_COUNT && strcmp(stat_names[i], a); i++)
			;
		if (i == NETIF_STATS_COUNT)
			return -ENOENT;
		s->off = i;
		s->words = NETIF_STATS_COUNT;
		s->fd = open_map(dir, "netif_stats");
	} else if (!strcmp(kind, "flow") && b) {
		s->key = strtoul(a, NULL, 10);
		s->words = sizeof(struct netif_flow_stats) / 8;
		if (!strcmp(b, "packets"))
			s->off = offsetof(struct netif_flow_stats, packets) / 8;
		else if (!strcmp(b, "bytes"))
			s->off = offsetof(struct netif_flow_stats, bytes) / 8;
		else if (!strcmp(b, "drops"))
			s->off = offsetof(struct netif_flow_stats, drops) / 8;
		else if (!strcmp(b, "rate_limited"))
			s->off = offsetof(struct netif_flow_stats, rate_limited) / 8;
		else
			return -ENOENT;
		s->fd = open_map(dir, "flow_stats");
		if (s->fd >= 0 && !(s->stride = flow_stride(s->fd)))
			return -EINVAL;
	} else if (!strcmp(kind, "credit")) {
		if (!strcmp(a, "input"))
			s->key = NETIF_BUCKET_INPUT;
		else if (!strcmp(a, "flow") && b)
			s->key = NETIF_BUCKET_FLOW_BASE + strtoul(b, NULL, 10);
		else
			return -EINVAL;
		s->credit = true;
		s->percpu = false;
		s->fd = open_map(dir, "buckets");
	} else {
		return -EINVAL;
	}
	return s->fd < 0 ? -errno : 0;
}

static int read_one(const struct spec *s, uint64_t *v, uint64_t *buf, int ncpu)
{
	int cpu;

	if (s->fd < 0) {
		FILE *f = fopen(s->path, "r");
		unsigned long long x = 0;
		int ok = f && fscanf(f, "%llu", &x) == 1;

		if (f)
			fclose(f);
		*v = x;
		return ok ? 0 : -EIO;
	}
	if (s->credit) {
		struct netif_bucket b;
		struct timespec ts;
		int64_t c;
		uint64_t t;

		/*
		 * The virtual-time bucket (bpf/bucket.bpf.h) at the moment of the
		 * read: the credit is depth - (tat - t), full (depth) once tat has
		 * passed; one atomic add per packet, so a plain read is consistent.
		 */
		if (bpf_map_lookup_elem(s->fd, &s->key, &b))
			return -errno;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		t = (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
		c = b.tat_ns > t ? (int64_t)b.depth_ns - (int64_t)(b.tat_ns - t) : (int64_t)b.depth_ns;
		*v = (uint64_t)c;
		return 0;
	}
	*v = 0;
	if (s->stride) {
		for (cpu = 0; cpu < ncpu; cpu++) {
			uint32_t key = NETIF_FLOW_STATS_KEY(cpu, s->stride, s->key);

			if (bpf_map_lookup_elem(s->fd, &key, buf))
				return -errno;
			*v += buf[s->off];
		}
		return 0;
	}
	if (bpf_map_lookup_elem(s->fd, &s->key, buf))
		return -errno;
	for (cpu = 0; cpu < ncpu; cpu++)
		*v += buf[(size_t)cpu * s->words + s->off];
	return 0;
}

/* All counters, back to back; returns the time in the middle of the reads. */
static double read_all(const struct spec *s, int n, uint64_t *v, uint64_t *buf, int ncpu)
{
	double t0 = now();
	int i;

	for (i = 0; i < n; i++)
		if (read_one(&s[i], &v[i], buf, ncpu)) {
			fprintf(stderr, "ctrwin: cannot read counter %d\n", i);
			exit(1);
		}
	return (t0 + now()) / 2;
}

int main(int argc, char **argv)
{
	struct spec specs[MAX_SPECS];
	uint64_t v0[MAX_SPECS], v1[MAX_SPECS], *buf;
	int ncpu = libbpf_num_possible_cpus(), n = argc - 2, i, tries;
	double secs, t0, t1, moved, gap = 0;
	uint64_t last;

	if (argc < 3 || n > MAX_SPECS || ncpu <= 0) {
		fprintf(stderr, "usage: %s SECONDS SPEC... (at most %d)\n", argv[0], MAX_SPECS);
		return 2;
	}
	secs = atof(argv[1]);
	for (i = 0; i < n; i++) {
		int err = parse(argv[i + 2], &specs[i]);

		if (err) {
			fprintf(stderr, "ctrwin: bad counter %d: %s\n", i, strerror(-err));
			return 2;
		}
	}
	buf = calloc((size_t)ncpu * NETIF_STATS_COUNT, sizeof(uint64_t));
	if (!buf)
		return 1;
	read_all(specs, n, v0, buf, ncpu);
	for (tries = 0; tries < 500; tries++) {
		usleep(10000);
		read_all(specs, n, v1, buf, ncpu);
		if (v1[0] != v0[0])
			break;
	}
	t0 = read_all(specs, n, v0, buf, ncpu);
	last = v0[0];
	moved = t0;
	do {
		usleep(5000);
		t1 = read_all(specs, n, v1, buf, ncpu);
		if (v1[0] != last) {
			if (t1 - moved > gap)
				gap = t1 - moved;
			last = v1[0];
			moved = t1;
		}
	} while (t1 < t0 + secs);
	if (t1 - moved > gap)
		gap = t1 - moved;
	for (i = 0; i < n; i++) {
		if (specs[i].credit)
			printf("%lld ", (long long)((int64_t)v1[i] - (int64_t)v0[i]));
		else
			printf("%llu ", (unsigned long long)(v1[i] - v0[i]));
	}
	printf("%.6f %.6f\n", t1 - t0, gap);
	free(buf);
	return 0;
}
