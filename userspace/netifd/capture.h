/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Capture files of pcap filters, opened as a root daemon must open a path
 * a user may have had a hand in: never through a symbolic link, only a
 * regular file of netifd's own user with a single link that nobody else
 * can read, created 0600; after a restart only the very file (device and
 * inode) the filter was writing before. See docs/security.md.
 * Includes libpcap: only for filter.c (its headers clash with linux/bpf.h).
 */
#ifndef NETIFD_CAPTURE_H
#define NETIFD_CAPTURE_H

#include <stdint.h>
#include <pcap/pcap.h>
#include "extack.h"

struct capture_id {
	uint64_t dev, ino; /* 0, 0: not known (a new filter) */
};

/*
 * Open path for appending pcap records of p (a header is written to an
 * empty file). With want->ino set, an existing file must be that one; a
 * missing one is created anew. *got is the file opened. Returns 0 or
 * -errno with ext saying why.
 */
int capture_open(pcap_t *p, const char *path, const struct capture_id *want, struct capture_id *got,
		 pcap_dumper_t **out, struct netif_extack *ext);

#endif
