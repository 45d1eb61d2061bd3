// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include "log.h"
#include "peers.h"

/* Every connection (root's channels included), at most; fewer under a low fd limit. */
#define PEERS_MAX 4096
#define FD_HEADROOM 128
#define MAX_GROUPS 256

static struct {
	unsigned int n, users, max;
	/* connections per unprivileged uid: at most PEERS_USERS uids have any */
	struct {
		uid_t uid;
		unsigned int n;
	} per_user[PEERS_USERS];
	int reserve_fd;
	bool admin_group;
	gid_t admin_gid;
} st = { .reserve_fd = -1 };

static int make_parent_dir(const char *path)
{
	char dir[108], *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return 0;
	*slash = '\0';
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

int peers_listen(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd, err;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		pr_warn("socket path too long: %s", path);
		return -ENAMETOOLONG;
	}
	strcpy(sun.sun_path, path);
	err = make_parent_dir(path);
	if (err) {
		pr_warn("cannot create the directory of %s: %s", path, strerror(-err));
		return err;
	}
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	/* refuse to steal the socket of a live agent; clear a stale one */
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0) {
		pr_warn("another netifd is listening on %s", path);
		close(fd);
		return -EADDRINUSE;
	}
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 || listen(fd, 64) < 0) {
		err = -errno;
		pr_warn("cannot listen on %s: %s", path, strerror(errno));
		close(fd);
		return err;
	}
	/* readers (show, stats) are unprivileged; mutations check SO_PEERCRED */
	chmod(path, 0666);
	return fd;
}

static void reserve_open(void)
{
	if (st.reserve_fd < 0)
		st.reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
}

void peers_init(void)
{
	struct rlimit rl;

	memset(st.per_user, 0, sizeof(st.per_user));
	st.n = st.users = 0;
	st.max = PEERS_MAX;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    rl.rlim_cur <= PEERS_MAX + FD_HEADROOM)
		st.max = rl.rlim_cur > 2 * FD_HEADROOM ? rl.rlim_cur - FD_HEADROOM : rl.rlim_cur / 2;
	reserve_open();
}

void peers_fini(void)
{
	if (st.reserve_fd >= 0)
		close(st.reserve_fd);
	st.reserve_fd = -1;
}

int peers_set_admin_group(const char *name)
{
	struct group *g = name ? getgrnam(name) : NULL;

	st.admin_group = false;
	if (!name)
		return 0;
	if (!g)
		return -ENOENT;
	st.admin_group = true;
	st.admin_gid = g->gr_gid;
	return 0;
}

bool peers_admin_group(void)
{
	return st.admin_group;
}

static bool in_admin_group(int fd, const struct ucred *cred)
{
	gid_t groups[MAX_GROUPS];
	socklen_t len = sizeof(groups);
	unsigned int i;

	if (!st.admin_group)
		return false;
	if (cred->gid == st.admin_gid)
		return true;
	/* the peer's supplementary groups as they were when it connected */
	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &len) < 0)
		return false;
	for (i = 0; i < len / sizeof(gid_t); i++)
		if (groups[i] == st.admin_gid)
			return true;
	return false;
}

/* The count of uid's connections (created at 0 if there is room for one more uid). */
static unsigned int *user_slot(uid_t uid, bool create)
{
	unsigned int i, free_i = PEERS_USERS;

	for (i = 0; i < PEERS_USERS; i++) {
		if (st.per_user[i].n && st.per_user[i].uid == uid)
			return &st.per_user[i].n;
		if (!st.per_user[i].n && free_i == PEERS_USERS)
			free_i = i;
	}
	if (!create || free_i == PEERS_USERS)
		return NULL;
	st.per_user[free_i].uid = uid;
	return &st.per_user[free_i].n;
}

/* Out of descriptors: take the pending connection with the reserve one and close it. */
static int shed(int lfd)
{
	int fd;

	if (st.reserve_fd < 0)
		return -EMFILE;
	close(st.reserve_fd);
	st.reserve_fd = -1;
	fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (fd >= 0)
		close(fd);
	reserve_open();
	pr_warn("control: out of file descriptors; refused a connection");
	return -EAGAIN;
}

int peers_accept(int lfd, int *fd, struct peer *p)
{
	socklen_t len = sizeof(p->cred);
	unsigned int *n = NULL;

	*fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (*fd < 0) {
		if (errno == EMFILE || errno == ENFILE)
			return shed(lfd);
		return errno == ECONNABORTED || errno == EINTR ? -EAGAIN : 0;
	}
	if (getsockopt(*fd, SOL_SOCKET, SO_PEERCRED, &p->cred, &len) < 0)
		goto refuse;
	p->root = p->cred.uid == 0;
	if (!p->root) {
		n = user_slot(p->cred.uid, true);
		if (!n || *n >= PEERS_PER_USER || st.users >= PEERS_USERS) {
			pr_debug("control: refusing pid %d uid %u: too many connections", p->cred.pid,
				 p->cred.uid);
			goto refuse;
		}
	}
	p->admin = in_admin_group(*fd, &p->cred);
	st.n++;
	if (n) {
		(*n)++;
		st.users++;
	}
	return 1;
refuse:
	close(*fd);
	*fd = -1;
	return -EAGAIN;
}

void peers_gone(const struct peer *p)
{
	unsigned int *n = p->root ? NULL : user_slot(p->cred.uid, false);

	st.n--;
	if (n && *n) {
		(*n)--;
		st.users--;
	}
}

bool peers_full(void)
{
	return st.n >= st.max;
}

unsigned int peers_count(void)
{
	return st.n;
}

void peers_tick(void)
{
	reserve_open();
}
