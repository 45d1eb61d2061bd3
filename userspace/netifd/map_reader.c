// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * A producer thread fills a small ring of batch buffers with
 * bpf_map_lookup_batch() while the caller consumes them in order. The
 * thread touches nothing but the map's fd and its own buffers, so the
 * caller's data needs no lock; the ring's indexes are under one mutex.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#include <bpf/bpf.h>

#include "map_reader.h"

enum { MR_BATCH = 4096, MR_SLOTS = 4 };

struct mr_slot {
	uint8_t *keys, *vals;
	uint32_t n;
};

struct map_reader {
	int fd;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct mr_slot slot[MR_SLOTS];
	unsigned int head, tail; /* filled: [tail, head); the caller reads tail while held */
	bool held, done, stop;
	int err;
};

/* Wait for a free slot (the one the caller is reading is not free). */
static bool mr_wait_free(struct map_reader *r)
{
	bool go;

	pthread_mutex_lock(&r->lock);
	while (!r->stop && r->head - r->tail >= MR_SLOTS)
		pthread_cond_wait(&r->cond, &r->lock);
	go = !r->stop;
	pthread_mutex_unlock(&r->lock);
	return go;
}

static void mr_publish(struct map_reader *r, bool done, int err)
{
	pthread_mutex_lock(&r->lock);
	if (done) {
		r->done = true;
		r->err = err;
	} else {
		r->head++;
	}
	pthread_cond_broadcast(&r->cond);
	pthread_mutex_unlock(&r->lock);
}

static void *mr_main(void *arg)
{
	struct map_reader *r = arg;
	__u64 in = 0, out = 0;
	bool first = true;
	int rc = 0;

	while (!rc && mr_wait_free(r)) {
		struct mr_slot *s = &r->slot[r->head % MR_SLOTS];
		__u32 n = MR_BATCH;

		LIBBPF_OPTS(bpf_map_batch_opts, o);
		rc = bpf_map_lookup_batch(r->fd, first ? NULL : &in, &out, s->keys, s->vals, &n, &o)
			     ? errno
			     : 0;
		if (rc && rc != ENOENT)
			break;
		s->n = n;
		if (n)
			mr_publish(r, false, 0);
		in = out;
		first = false;
	}
	mr_publish(r, true, rc == ENOENT ? 0 : -rc);
	return NULL;
}

/* Frees what map_reader_start made, the thread aside (never started, or joined). */
static void mr_destroy(struct map_reader *r)
{
	int i;

	for (i = 0; i < MR_SLOTS; i++) {
		free(r->slot[i].keys);
		free(r->slot[i].vals);
	}
	pthread_cond_destroy(&r->cond);
	pthread_mutex_destroy(&r->lock);
	free(r);
}

int map_reader_start(struct map_reader **out, int fd, size_t key_size, size_t val_size)
{
	struct map_reader *r = calloc(1, sizeof(*r));
	int err = -ENOMEM, i;

	if (!r)
		return -ENOMEM;
	r->fd = fd;
	pthread_mutex_init(&r->lock, NULL);
	pthread_cond_init(&r->cond, NULL);
	for (i = 0; i < MR_SLOTS; i++) {
		r->slot[i].keys = malloc(MR_BATCH * key_size);
		r->slot[i].vals = malloc(MR_BATCH * val_size);
		if (!r->slot[i].keys || !r->slot[i].vals)
			goto fail;
	}
	err = -pthread_create(&r->thread, NULL, mr_main, r);
	if (err)
		goto fail;
	*out = r;
	return 0;
fail:
	mr_destroy(r);
	return err;
}

int map_reader_next(struct map_reader *r, const uint8_t **keys, const uint8_t **vals, uint32_t *n)
{
	int err = 0;

	pthread_mutex_lock(&r->lock);
	if (r->held) {
		r->tail++; /* the caller is done with the batch it held */
		r->held = false;
		pthread_cond_broadcast(&r->cond);
	}
	while (r->tail == r->head && !r->done)
		pthread_cond_wait(&r->cond, &r->lock);
	*n = 0;
	if (r->tail != r->head) {
		struct mr_slot *s = &r->slot[r->tail % MR_SLOTS];

		*keys = s->keys;
		*vals = s->vals;
		*n = s->n;
		r->held = true;
	} else {
		err = r->err;
	}
	pthread_mutex_unlock(&r->lock);
	return err;
}

void map_reader_free(struct map_reader *r)
{
	if (!r)
		return;
	pthread_mutex_lock(&r->lock);
	r->stop = true;
	pthread_cond_broadcast(&r->cond);
	pthread_mutex_unlock(&r->lock);
	pthread_join(r->thread, NULL);
	mr_destroy(r);
}
