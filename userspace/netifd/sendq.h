/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The datagrams a peer has not taken yet: what the control transport
 * writes to a non-blocking socket goes out at once when the socket has
 * room and nothing is waiting, and is otherwise copied (with its
 * descriptors) to the end of the queue, within a byte budget the caller
 * gives. The agent never waits for a peer to read.
 */
#ifndef NETIFD_SENDQ_H
#define NETIFD_SENDQ_H

#include <stdbool.h>
#include <stddef.h>

#define SENDQ_MAX_FDS 4

struct sendq_msg;

struct sendq {
	struct sendq_msg *head, **tail;
	size_t bytes; /* payload bytes queued */
};

void sendq_init(struct sendq *q);
static inline bool sendq_empty(const struct sendq *q)
{
	return !q->head;
}
/*
 * Send buf[0..len) with nfds descriptors on fd (SOCK_SEQPACKET, one
 * datagram), or queue a copy behind what is already waiting. The
 * descriptors are the queue's from now on (closed once sent or dropped).
 * At most room more bytes may be queued. Returns 0 when sent or queued,
 * -ENOBUFS when it would exceed room (nothing queued), -errno when the
 * socket failed (the peer is gone).
 */
int sendq_send(struct sendq *q, int fd, const void *buf, size_t len, const int *fds, int nfds,
	       size_t room);
/* Send what is queued while the socket takes it: 0 when empty, 1 when more waits, -errno. */
int sendq_flush(struct sendq *q, int fd);
/* Drop everything queued (closing its descriptors). */
void sendq_clear(struct sendq *q);

#endif
