// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The threaded batch reader netifd re-adopts pinned flows with
 * (userspace/netifd/map_reader.c), on real hash maps: every entry comes
 * back exactly once with its own value, also when entries are deleted
 * while it reads (netifd drops bad pinned flows as it goes) and when the
 * map holds more batches than the reader's ring; an empty map ends at
 * once; a caller that gives up early stops the thread; a bad fd is an
 * error, not a hang.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>
#include <cmocka.h>
#include <bpf/bpf.h>
#include "userspace/netifd/map_reader.h"

#define N_MAX 50000

struct key { uint32_t id, pad[3]; };
struct val { uint64_t id, sq, pad; };

static int make_map(uint32_t n)
{
	int fd = bpf_map_create(BPF_MAP_TYPE_HASH, "mr_test", sizeof(struct key), sizeof(struct val),
				N_MAX, NULL);

	assert_true(fd >= 0);
	for (uint32_t i = 0; i < n; i++) {
		struct key k = { .id = i };
		struct val v = { .id = i, .sq = (uint64_t)i * i };

		assert_int_equal(bpf_map_update_elem(fd, &k, &v, BPF_NOEXIST), 0);
	}
	return fd;
}

/* Reads the whole map; deletes every 7th entry it sees, as netifd may. */
static void read_all(uint32_t n, bool del)
{
	uint8_t *seen = calloc(n ? n : 1, 1);
	int fd = make_map(n);
	struct map_reader *r;
	const uint8_t *keys, *vals;
	uint32_t got, total = 0;

	assert_non_null(seen);
	assert_int_equal(map_reader_start(&r, fd, sizeof(struct key), sizeof(struct val)), 0);
	for (;;) {
		assert_int_equal(map_reader_next(r, &keys, &vals, &got), 0);
		if (!got)
			break;
		for (uint32_t i = 0; i < got; i++) {
			struct key k;
			struct val v;

			memcpy(&k, keys + i * sizeof(k), sizeof(k));
			memcpy(&v, vals + i * sizeof(v), sizeof(v));
			assert_true(k.id < n);
			assert_int_equal(seen[k.id], 0);
			assert_int_equal(v.id, k.id);
			assert_int_equal(v.sq, (uint64_t)k.id * k.id);
			seen[k.id] = 1;
			if (del && k.id % 7 == 0)
				assert_int_equal(bpf_map_delete_elem(fd, &k), 0);
		}
		total += got;
	}
	assert_int_equal(total, n);
	map_reader_free(r);
	close(fd);
	free(seen);
}

static void test_every_entry_once(void **state)
{
	(void)state;
	read_all(40000, false); /* ten batches: the ring of four wraps */
}

static void test_deletes_while_reading(void **state)
{
	(void)state;
	read_all(40000, true);
}

static void test_small_and_empty(void **state)
{
	(void)state;
	read_all(1, false);
	read_all(0, false);
}

static void test_early_free(void **state)
{
	int fd = make_map(40000);
	struct map_reader *r;
	const uint8_t *keys, *vals;
	uint32_t got;

	(void)state;
	assert_int_equal(map_reader_start(&r, fd, sizeof(struct key), sizeof(struct val)), 0);
	assert_int_equal(map_reader_next(r, &keys, &vals, &got), 0);
	assert_true(got > 0);
	map_reader_free(r); /* the thread may be waiting for a free slot */
	close(fd);
}

static void test_bad_fd(void **state)
{
	struct map_reader *r;
	const uint8_t *keys, *vals;
	uint32_t got = 1;
	int fd = make_map(1);

	(void)state;
	close(fd); /* a closed fd, so nothing can be read from it */
	assert_int_equal(map_reader_start(&r, fd, sizeof(struct key), sizeof(struct val)), 0);
	assert_true(map_reader_next(r, &keys, &vals, &got) < 0);
	assert_int_equal(got, 0);
	map_reader_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_entry_once),
		cmocka_unit_test(test_deletes_while_reading),
		cmocka_unit_test(test_small_and_empty),
		cmocka_unit_test(test_early_free),
		cmocka_unit_test(test_bad_fd),
	};

	return cmocka_run_group_tests_name("map_reader", tests, NULL, NULL);
}
