// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * udpsink: a UDP socket that receives and discards, so benchmarks measure
 * delivery to an application rather than the stack's ICMP error path.
 *   udpsink PORT SECONDS   -> prints "received N"
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64

int main(int argc, char **argv)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	static char bufs[BATCH][2048];
	struct timeval tmo = { .tv_sec = 0, .tv_usec = 200000 };
	int rcvbuf = 8 << 20, fd, i;
	unsigned long long received = 0;
	time_t end;

	if (argc < 3) {
		fprintf(stderr, "usage: %s PORT SECONDS\n", argv[0]);
		return 2;
	}
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	sin.sin_port = htons(atoi(argv[1]));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tmo, sizeof(tmo));
	if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		perror("udpsink");
		return 1;
	}
	for (i = 0; i < BATCH; i++) {
		iov[i].iov_base = bufs[i];
		iov[i].iov_len = sizeof(bufs[i]);
		memset(&msgs[i], 0, sizeof(msgs[i]));
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	end = time(NULL) + atoi(argv[2]);
	while (time(NULL) < end) {
		int n = recvmmsg(fd, msgs, BATCH, 0, NULL);

		if (n > 0)
			received += n;
	}
	printf("received %llu\n", received);
	close(fd);
	return 0;
}
