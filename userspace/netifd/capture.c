// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "capture.h"

/*
 * O_NOFOLLOW: a planted link in the last component is refused (ELOOP);
 * O_NONBLOCK: a FIFO without a reader fails instead of hanging the agent;
 * no O_TRUNC: a restarted agent appends to what it captured before.
 */
#define OPEN_FLAGS (O_WRONLY | O_APPEND | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)

static int open_file(const char *path, bool *created, struct netif_extack *ext)
{
	int fd = open(path, OPEN_FLAGS);

	*created = false;
	if (fd < 0 && errno == ENOENT) {
		/* O_EXCL: if anything appears at the name meanwhile, we did not create it */
		fd = open(path, OPEN_FLAGS | O_CREAT | O_EXCL, 0600);
		*created = fd >= 0;
	}
	if (fd >= 0)
		return fd;
	if (errno == ELOOP)
		netif_extack_set(ext, "%s is a symbolic link; captures are not written through links",
				 path);
	else if (errno == ENXIO)
		netif_extack_set(ext, "%s is not a regular file", path);
	else
		netif_extack_set(ext, "cannot open %s: %s", path, strerror(errno));
	return -errno;
}

/* The file itself, as opened: ours alone, one name, a plain file. */
static int check_file(int fd, const char *path, const struct capture_id *want, struct stat *st,
		      struct netif_extack *ext)
{
	if (fstat(fd, st) < 0) {
		netif_extack_set(ext, "cannot stat %s: %s", path, strerror(errno));
		return -errno;
	}
	if (!S_ISREG(st->st_mode)) {
		netif_extack_set(ext, "%s is not a regular file", path);
		return -EINVAL;
	}
	if (st->st_uid != geteuid()) {
		netif_extack_set(ext, "%s belongs to uid %u, not to netifd (uid %u)", path,
				 (unsigned int)st->st_uid, (unsigned int)geteuid());
		return -EPERM;
	}
	if (st->st_nlink != 1) {
		netif_extack_set(ext, "%s has %lu links; a capture file must have one", path,
				 (unsigned long)st->st_nlink);
		return -EPERM;
	}
	if (st->st_mode & 077) {
		netif_extack_set(ext, "%s is accessible to others (mode %04o); chmod 600 it first", path,
				 (unsigned int)(st->st_mode & 07777));
		return -EPERM;
	}
	if (want->ino && (st->st_dev != want->dev || st->st_ino != want->ino)) {
		netif_extack_set(ext, "%s is no longer the file this filter was writing", path);
		return -ESTALE;
	}
	return 0;
}

int capture_open(pcap_t *p, const char *path, const struct capture_id *want, struct capture_id *got,
		 pcap_dumper_t **out, struct netif_extack *ext)
{
	char self[64];
	struct stat st;
	bool created;
	int fd, err;

	fd = open_file(path, &created, ext);
	if (fd < 0)
		return fd;
	/* a file we just made is new: the one expected is gone, this one starts afresh */
	err = check_file(fd, path, created ? &(struct capture_id){} : want, &st, ext);
	if (err)
		goto out;
	/*
	 * libpcap appends (checking the header of what is there) only by name:
	 * give it the magic link of the file just checked, which opens that
	 * very inode whatever happens to the path meanwhile.
	 */
	snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
	*out = pcap_dump_open_append(p, self);
	if (!*out) {
		netif_extack_set(ext, "cannot write to %s: %s", path, pcap_geterr(p));
		err = -EINVAL;
		goto out;
	}
	got->dev = st.st_dev;
	got->ino = st.st_ino;
out:
	if (err && created)
		unlink(path);
	close(fd);
	return err;
}
