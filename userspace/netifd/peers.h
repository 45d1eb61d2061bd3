/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Who may connect to the control socket, and how many (part of the
 * transport, beside control.c): the listening socket, each peer's
 * credentials (SO_PEERCRED) and admin-group membership (SO_PEERGROUPS),
 * PEERS_PER_USER connections per unprivileged user and PEERS_USERS for all
 * of them, at most the descriptor limit less a headroom in all, and a
 * reserve descriptor so that running out of descriptors is answered by
 * accepting and closing the connection, never by a listener that stays
 * readable forever.
 */
#ifndef NETIFD_PEERS_H
#define NETIFD_PEERS_H

#include <stdbool.h>
#include <sys/socket.h>

#define PEERS_PER_USER 16
#define PEERS_USERS 128

struct peer {
	struct ucred cred;
	bool root;   /* uid 0: no per-user caps */
	bool admin;  /* a member of the admin group */
};

/* Listen on a unix SOCK_SEQPACKET socket at path (mode 0666); the fd or -errno. */
int peers_listen(const char *path);
/* Limits from RLIMIT_NOFILE, and the reserve descriptor. */
void peers_init(void);
void peers_fini(void);
/* Members of group name count as admins; NULL: nobody. -ENOENT if unknown. */
int peers_set_admin_group(const char *name);
bool peers_admin_group(void);
/*
 * Accept one pending connection of lfd: 1 with *fd (non-blocking) and *p
 * for an admitted peer (counted until peers_gone), 0 when nothing is
 * pending, -EAGAIN when one was refused (over its caps: accepted and
 * closed; call again), -EMFILE when out of descriptors with nothing in
 * reserve (stop listening until a connection closes or a tick).
 */
int peers_accept(int lfd, int *fd, struct peer *p);
void peers_gone(const struct peer *p);
/* Every connection there may be is open: stop listening. */
bool peers_full(void);
unsigned int peers_count(void);
/* Periodic: get the reserve descriptor back if it is gone. */
void peers_tick(void);

#endif
