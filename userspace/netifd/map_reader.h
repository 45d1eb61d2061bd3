/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Reading a whole BPF hash map in batches on a second thread, so that
 * the kernel's walk of the map overlaps with what the caller does with
 * each batch (re-adopting a million pinned flows: the walk is over a
 * quarter of the time).
 */
#ifndef NETIFD_MAP_READER_H
#define NETIFD_MAP_READER_H

#include <stddef.h>
#include <stdint.h>

struct map_reader;

/* Starts reading map fd; 0 or -errno. */
int map_reader_start(struct map_reader **out, int fd, size_t key_size, size_t val_size);

/*
 * The next batch, in the reader's own buffers, valid until the next call:
 * 0 with *n > 0, 0 with *n == 0 at the end of the map, or -errno (the
 * kernel's, for a failed read).
 */
int map_reader_next(struct map_reader *r, const uint8_t **keys, const uint8_t **vals, uint32_t *n);

/* Stops the reader (at once, if the caller gives up early) and frees it; NULL is nothing. */
void map_reader_free(struct map_reader *r);

#endif /* NETIFD_MAP_READER_H */
