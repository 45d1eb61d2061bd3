// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * notify_sink: stands in for the service manager's NOTIFY_SOCKET in tests.
 * Binds a datagram socket at PATH and prints every notification as one line,
 * "<sender pid> <assignments separated by blanks>". With -x CMD, on each
 * READY=1 the sender is frozen (SIGSTOP), CMD runs with NOTIFY_PID set, and
 * the sender is resumed: CMD sees the agent's state at the very moment it
 * declared itself ready.
 *
 *   notify_sink [-x CMD] PATH
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int has_assignment(const char *msg, const char *a)
{
	size_t n = strlen(a);

	for (const char *p = msg; p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (!strncmp(p, a, n) && (p[n] == '\n' || p[n] == '\0'))
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	const char *cmd = NULL;
	int fd, one = 1, c;

	while ((c = getopt(argc, argv, "x:")) != -1) {
		if (c != 'x')
			return 2;
		cmd = optarg;
	}
	if (optind + 1 != argc || strlen(argv[optind]) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "usage: notify_sink [-x CMD] PATH\n");
		return 2;
	}
	strcpy(sun.sun_path, argv[optind]);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		perror("notify_sink");
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (;;) {
		char msg[4096], cbuf[CMSG_SPACE(sizeof(struct ucred))];
		struct iovec iov = { msg, sizeof(msg) - 1 };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
				     .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
		struct ucred cred = { .pid = 0 };
		struct cmsghdr *cm;
		ssize_t n = recvmsg(fd, &mh, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			perror("notify_sink: recvmsg");
			return 1;
		}
		msg[n] = '\0';
		for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm))
			if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_CREDENTIALS &&
			    cm->cmsg_len == CMSG_LEN(sizeof(cred)))
				memcpy(&cred, CMSG_DATA(cm), sizeof(cred));
		if (cmd && cred.pid > 0 && has_assignment(msg, "READY=1")) {
			char pid[16];

			kill(cred.pid, SIGSTOP);
			snprintf(pid, sizeof(pid), "%d", (int)cred.pid);
			setenv("NOTIFY_PID", pid, 1);
			if (system(cmd) != 0)
				fprintf(stderr, "notify_sink: %s failed\n", cmd);
			kill(cred.pid, SIGCONT);
		}
		for (char *p = msg; *p; p++)
			if (*p == '\n')
				*p = ' ';
		printf("%d %s\n", (int)cred.pid, msg);
	}
}
