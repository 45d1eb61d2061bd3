// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Hostile channel holders for the security tests (tests/e2e/security.bats):
 * each opens a channel by hand, maps the region itself, and has a second
 * thread rewrite the ring memory while netifd works on it.
 *
 *   ring_abuse SOCK DEV port N SECS DSTMAC SRCIP DSTIP SPORT DPORT
 *       a port client: sends a valid UDP answer to one of port N's flows
 *       (from the netif's MAC) over and over while the racer flips its
 *       source MAC to 02:66:6f:72:67:65 ("forge") and its ethertype to 0x88b5
 *   ring_abuse SOCK DEV filter NAME SECS
 *       an external filter: passes every frame back while the racer
 *       keeps rewriting the slot it returned last: len (1 MiB), dir
 *       (transmit), action and port (port 2), the cookie's filter id
 *
 * Prints how many frames it handed to netifd.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include "netif_client.h"
#include "netif_ring.h"

static const uint8_t forged_mac[6] = { 0x02, 0x66, 0x6f, 0x72, 0x67, 0x65 };

struct chan_map {
	struct netif_client cl;
	struct netif_chan_region *reg;
	struct ring_view rx, tx;
	uint32_t rx_slots, tx_slots, buf_size;
	uint64_t size;
	int memfd, rx_efd, tx_efd;
};

static volatile int stop;

static int open_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[NETIF_A_MAX + 1], *ct[NETIF_CA_MAX + 1];
	struct chan_map *m = data;

	if (netif_msg_cmd(nlh) != NETIF_CMD_CHANNEL_OPEN ||
	    netif_attr_parse(nlh, netif_policy, NETIF_A_MAX, tb, NULL) || !tb[NETIF_A_CHANNEL] ||
	    netif_attr_parse_nested(tb[NETIF_A_CHANNEL], netif_chan_policy, NETIF_CA_MAX, ct, NULL))
		return MNL_CB_ERROR;
	m->rx_slots = mnl_attr_get_u32(ct[NETIF_CA_RX_SLOTS]);
	m->tx_slots = mnl_attr_get_u32(ct[NETIF_CA_TX_SLOTS]);
	m->buf_size = mnl_attr_get_u32(ct[NETIF_CA_BUF_SIZE]);
	m->size = mnl_attr_get_u64(ct[NETIF_CA_RING_SIZE]);
	return MNL_CB_OK;
}

static int open_chan(struct chan_map *m, const char *sock, const char *dev, const char *filter,
		     uint32_t port)
{
	struct nlmsghdr *nlh;
	uint64_t rx_off, tx_off;
	int err;

	err = netif_client_open(&m->cl, sock);
	if (err)
		return err;
	nlh = netif_client_msg(&m->cl, filter ? NETIF_CMD_FILTER_OPEN : NETIF_CMD_CHANNEL_OPEN, 0);
	mnl_attr_put_strz(nlh, NETIF_A_IFNAME, dev);
	if (filter) {
		struct nlattr *nest = mnl_attr_nest_start(nlh, NETIF_A_FILTER);

		mnl_attr_put_strz(nlh, NETIF_FIA_NAME, filter);
		mnl_attr_nest_end(nlh, nest);
	} else {
		mnl_attr_put_u32(nlh, NETIF_A_PORT, port);
	}
	err = netif_client_call(&m->cl, open_cb, m);
	if (err || m->cl.nfds != 3) {
		fprintf(stderr, "open: %s %s\n", strerror(-err), m->cl.errmsg);
		return err ?: -EPROTO;
	}
	m->memfd = m->cl.fds[0];
	m->rx_efd = m->cl.fds[1];
	m->tx_efd = m->cl.fds[2];
	m->cl.nfds = 0;
	m->reg = mmap(NULL, m->size, PROT_READ | PROT_WRITE, MAP_SHARED, m->memfd, 0);
	if (m->reg == MAP_FAILED)
		return -errno;
	netif_region_layout(m->rx_slots, m->tx_slots, m->buf_size, &rx_off, &tx_off);
	ring_view_init(&m->rx, m->reg, &m->reg->rx, rx_off, m->rx_slots, netif_slot_size(m->buf_size), 0);
	ring_view_init(&m->tx, m->reg, &m->reg->tx, tx_off, m->tx_slots, netif_slot_size(m->buf_size), 0);
	return 0;
}

static void kick(int efd)
{
	uint64_t one = 1;

	if (write(efd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		perror("eventfd");
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- the hostile port client ---------------------------------------------- */

struct port_race {
	struct chan_map *m;
	uint8_t good_mac[6];
	uint16_t good_type;
};

static void *port_racer(void *arg)
{
	struct port_race *r = arg;
	struct chan_map *m = r->m;
	unsigned int flip = 0;

	while (!stop) {
		uint32_t i;

		flip ^= 1;
		for (i = 0; i < m->tx_slots; i++) {
			volatile uint8_t *d = ring_slot(&m->tx, i)->data;
			int k;

			for (k = 0; k < 6; k++)
				d[6 + k] = flip ? forged_mac[k] : r->good_mac[k];
			d[12] = flip ? 0x88 : r->good_type >> 8;
			d[13] = flip ? 0xb5 : r->good_type & 0xff;
		}
	}
	return NULL;
}

static uint16_t ip_csum(const uint8_t *p, size_t n)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += p[i] << 8 | p[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum & 0xffff;
}

/* Ethernet/IPv4/UDP from the netif's MAC; returns the length. */
static int udp_frame(uint8_t *f, const uint8_t *src_mac, char **argv)
{
	static const char payload[] = "good";
	unsigned int mac[6], k;
	uint16_t ulen = 8 + sizeof(payload) - 1, sum;
	struct in_addr sip, dip;

	if (sscanf(argv[0], "%x:%x:%x:%x:%x:%x", &mac[0], &mac[1], &mac[2], &mac[3], &mac[4], &mac[5]) != 6 ||
	    !inet_aton(argv[1], &sip) || !inet_aton(argv[2], &dip))
		return -1;
	for (k = 0; k < 6; k++)
		f[k] = mac[k];
	memcpy(f + 6, src_mac, 6);
	f[12] = 0x08;
	f[13] = 0x00;
	memset(f + 14, 0, 20);
	f[14] = 0x45;
	f[16] = (20 + ulen) >> 8;
	f[17] = (20 + ulen) & 0xff;
	f[22] = 64;
	f[23] = 17;
	memcpy(f + 26, &sip, 4);
	memcpy(f + 30, &dip, 4);
	sum = ip_csum(f + 14, 20);
	f[24] = sum >> 8;
	f[25] = sum & 0xff;
	f[34] = atoi(argv[3]) >> 8;
	f[35] = atoi(argv[3]) & 0xff;
	f[36] = atoi(argv[4]) >> 8;
	f[37] = atoi(argv[4]) & 0xff;
	f[38] = ulen >> 8;
	f[39] = ulen & 0xff;
	f[40] = f[41] = 0; /* no UDP checksum */
	memcpy(f + 42, payload, sizeof(payload) - 1);
	return 42 + sizeof(payload) - 1;
}

static int port_client(struct chan_map *m, int secs, char **frame_args)
{
	struct port_race r = { .m = m };
	uint8_t frame[2048];
	double end = now_s() + secs;
	long sent = 0;
	pthread_t th;
	int len = udp_frame(frame, m->reg->mac, frame_args);

	if (len < 14 || (uint32_t)len > m->buf_size)
		return 2;
	memcpy(r.good_mac, frame + 6, 6);
	r.good_type = frame[12] << 8 | frame[13];
	pthread_create(&th, NULL, port_racer, &r);
	while (now_s() < end) {
		struct netif_slot *s = ring_prod_reserve(&m->tx);

		if (!s) {
			kick(m->tx_efd);
			usleep(100);
			continue;
		}
		memset(s, 0, sizeof(*s));
		s->len = len;
		memcpy(s->data, frame, len);
		ring_prod_submit(&m->tx);
		sent++;
		if (!(sent & 15))
			kick(m->tx_efd);
	}
	stop = 1;
	pthread_join(th, NULL);
	printf("sent %ld\n", sent);
	return 0;
}

/* ---- the hostile filter ------------------------------------------------------ */

/*
 * Rewrite the slot just returned, as fast as possible, between what
 * netifd validates and what it may read again: a length of 1 MiB and a
 * header steering the frame out of the device or to port 2, then the
 * honest values back.
 */
static void *filter_racer(void *arg)
{
	struct chan_map *m = arg;
	unsigned int flip = 0;

	while (!stop) {
		uint32_t head = __atomic_load_n(m->tx.head, __ATOMIC_ACQUIRE);
		volatile struct netif_slot *s = ring_slot(&m->tx, head - 1);
		uint32_t good = s->len < 1U << 20 ? s->len : 60;
		int k;

		for (k = 0; k < 64; k++) {
			flip ^= 1;
			s->len = flip ? 1U << 20 : good;
			s->dir = flip;
			s->action = flip ? 3 : 0; /* port */
			s->port = 2;
			s->cookie ^= flip; /* another filter's id */
		}
	}
	return NULL;
}

static int filter_proc(struct chan_map *m, int secs)
{
	double end = now_s() + secs;
	long passed = 0;
	pthread_t th;

	pthread_create(&th, NULL, filter_racer, m);
	while (now_s() < end) {
		struct pollfd p = { .fd = m->rx_efd, .events = POLLIN };
		const struct netif_slot *in;
		uint64_t v;

		if (poll(&p, 1, 100) > 0 && read(m->rx_efd, &v, sizeof(v)) < 0)
			break;
		while ((in = ring_cons_peek(&m->rx))) {
			struct netif_slot *out = ring_prod_reserve(&m->tx);
			uint32_t len = in->len;

			if (!out)
				break;
			if (len > m->buf_size)
				len = m->buf_size;
			*out = *in;
			out->verdict = NETIF_VERDICT_PASS;
			out->len = len;
			memcpy(out->data, in->data, len);
			ring_prod_submit(&m->tx);
			ring_cons_release(&m->rx);
			passed++;
		}
		kick(m->tx_efd);
	}
	stop = 1;
	pthread_join(th, NULL);
	printf("passed %ld\n", passed);
	return 0;
}

int main(int argc, char **argv)
{
	static struct chan_map m;
	int err;

	if (argc >= 11 && !strcmp(argv[3], "port")) {
		err = open_chan(&m, argv[1], argv[2], NULL, atoi(argv[4]));
		return err ? 1 : port_client(&m, atoi(argv[5]), argv + 6);
	}
	if (argc >= 6 && !strcmp(argv[3], "filter")) {
		err = open_chan(&m, argv[1], argv[2], argv[4], 0);
		return err ? 1 : filter_proc(&m, atoi(argv[5]));
	}
	fprintf(stderr, "usage: ring_abuse SOCK DEV port N SECS DSTMAC SRCIP DSTIP SPORT DPORT\n"
			"       ring_abuse SOCK DEV filter NAME SECS\n");
	return 2;
}
