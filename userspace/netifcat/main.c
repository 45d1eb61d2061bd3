// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * netifcat: a netif client built on libnetif. Binds a client port and
 * prints (or pcap-dumps) the frames netifd delivers to it, sends frames from
 * a pcap or hex file through it, or joins a netif's filter chain as an
 * external filter.
 */
#include <netinet/in.h>
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <pcap/pcap.h>
#include "netif/parse.h"
#include "netif/proto.h"
#include "netif_channel.h"

static const char usage_text[] =
	"Usage:\n"
	"  netifcat [OPTIONS] dev IF port N                 print frames delivered to port N\n"
	"  netifcat [OPTIONS] dev IF port N send FILE       send frames of a pcap file\n"
	"  netifcat [OPTIONS] -x dev IF port N send FILE    send frames written in hex\n"
	"  netifcat [OPTIONS] dev IF filter NAME [drop EXPR] join the filter chain: pass frames,\n"
	"                                                   dropping those matching EXPR\n"
	"                                                   (pcap-filter(7))\n"
	"Options:\n"
	"  -x           the send file holds frames in hex, one per line ('#' starts a comment)\n"
	"  -S SOCKET    netifd control socket (default " NETIF_DEFAULT_SOCKET ")\n"
	"  -w FILE      write received frames to a pcap file instead of printing them\n"
	"  -c COUNT     stop after COUNT frames\n"
	"  -q           quiet: print nothing per frame (count only)\n"
	"  --delay MS   wait MS milliseconds after each received frame (a slow client)\n"
	"  --rx-slots N, --tx-slots N   channel ring sizes (default: the netif's)\n"
	"  --repeat N   send the file N times\n";

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

static const char *addr_str(int family, const void *a, char *buf, size_t len)
{
	return inet_ntop(family == 4 ? AF_INET : AF_INET6, a, buf, len);
}

static void print_frame(const struct netif_slot *s)
{
	struct netif_pkt p = {};
	const uint8_t *d = s->data;
	char a[64], b[64];
	struct tm tm;
	time_t sec = s->tstamp_ns / 1000000000ULL;

	localtime_r(&sec, &tm);
	printf("%02d:%02d:%02d.%06llu len %u ", tm.tm_hour, tm.tm_min, tm.tm_sec,
	       (unsigned long long)(s->tstamp_ns % 1000000000ULL) / 1000, s->len);
	if (netif_parse((void *)d, (void *)(d + s->len), &p) != NETIF_PARSE_OK) {
		printf("malformed\n");
		return;
	}
	printf("%02x:%02x:%02x:%02x:%02x:%02x > %02x:%02x:%02x:%02x:%02x:%02x", d[6], d[7], d[8],
	       d[9], d[10], d[11], d[0], d[1], d[2], d[3], d[4], d[5]);
	if (p.vid)
		printf(" vlan %u", p.vid);
	if (!p.family) {
		printf(" ethertype 0x%04x\n", p.ethertype);
		return;
	}
	printf(" %s > %s", addr_str(p.family, p.src, a, sizeof(a)), addr_str(p.family, p.dst, b, sizeof(b)));
	switch (p.proto) {
	case IPPROTO_TCP:
		printf(" tcp %u > %u", ntohs(p.sport), ntohs(p.dport));
		break;
	case IPPROTO_UDP:
		printf(" udp %u > %u", ntohs(p.sport), ntohs(p.dport));
		break;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		printf(" %s type %u code %u", p.proto == IPPROTO_ICMP ? "icmp" : "icmpv6",
		       ntohs(p.sport), ntohs(p.dport));
		break;
	default:
		printf(" proto %u", p.proto);
	}
	printf(" flow %d\n", s->flow_id == 0xffffffffU ? -1 : (int)s->flow_id);
}

struct opts {
	const char *sock, *dev, *wfile, *sendfile, *filter_name, *drop_expr;
	uint32_t port, rx_slots, tx_slots;
	long count, delay_ms, repeat;
	bool quiet, hex;
};

static int receive(struct netif_channel *ch, const struct opts *o, pcap_t *dead,
		   pcap_dumper_t *dumper, const struct bpf_program *drop)
{
	long seen = 0;
	int ret = 0;

	while (!stop && (o->count <= 0 || seen < o->count)) {
		const struct netif_slot *s;
		struct netif_event ev;

		ret = netif_channel_wait(ch, 200);
		if (ret < 0)
			break;
		if (ret == 2) {
			ret = netif_channel_event(ch, &ev);
			if (ret == -ENOTCONN) {
				fprintf(stderr, "netifcat: netifd closed the channel\n");
				break;
			}
			if (ret == 0 && ev.kind == NETIF_EVENT_LINK && !o->quiet)
				fprintf(stderr, "netifcat: link %s mtu %u\n", ev.up ? "up" : "down", ev.mtu);
			if (ret == 0 && ev.kind == NETIF_EVENT_DETACH) {
				fprintf(stderr, "netifcat: detached\n");
				break;
			}
			ret = 0;
			continue;
		}
		while ((s = netif_channel_rx_peek(ch)) && (o->count <= 0 || seen < o->count)) {
			struct pcap_pkthdr h = {
				.ts = { .tv_sec = s->tstamp_ns / 1000000000ULL,
					.tv_usec = (s->tstamp_ns % 1000000000ULL) / 1000 },
				.caplen = s->len,
				.len = s->len,
			};

			if (o->filter_name) {
				/* a filter answers every frame, with a verdict */
				bool match = drop && pcap_offline_filter(drop, &h, s->data);

				if (dumper)
					pcap_dump((u_char *)dumper, &h, s->data);
				while (netif_filter_return(ch, s, match ? NETIF_VERDICT_DROP : NETIF_VERDICT_PASS,
							   NULL, 0) == -ENOBUFS && !stop)
					usleep(100);
			} else if (dumper) {
				pcap_dump((u_char *)dumper, &h, s->data);
			} else if (!o->quiet) {
				print_frame(s);
			}
			netif_channel_rx_release(ch);
			seen++;
			if (o->delay_ms)
				usleep(o->delay_ms * 1000);
		}
		if (dumper)
			pcap_dump_flush(dumper);
		fflush(stdout);
	}
	(void)dead;
	if (!o->quiet || o->count > 0)
		fprintf(stderr, "netifcat: %ld frame(s)\n", seen);
	return ret < 0 && ret != -ENOTCONN ? ret : 0;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int send_one(struct netif_channel *ch, const uint8_t *f, uint32_t len, long *sent)
{
	int err;

	while ((err = netif_channel_send(ch, f, len)) == -ENOBUFS && !stop)
		usleep(100); /* the TX ring is full: netifd drains it */
	if (err)
		return err;
	(*sent)++;
	return 0;
}

static int send_hex(struct netif_channel *ch, const char *file, long *sent)
{
	FILE *f = fopen(file, "r");
	uint8_t frame[16384];
	char *line = NULL;
	size_t cap = 0;
	int err = 0;

	if (!f)
		return -errno;
	while (!err && getline(&line, &cap, f) > 0) {
		uint32_t n = 0;
		int hi = -1;
		char *p;

		for (p = line; *p && *p != '#'; p++) {
			int v = hexval(*p);

			if (v < 0)
				continue;
			if (hi < 0) {
				hi = v;
				continue;
			}
			if (n == sizeof(frame)) {
				err = -EMSGSIZE;
				break;
			}
			frame[n++] = hi << 4 | v;
			hi = -1;
		}
		if (!err && n)
			err = send_one(ch, frame, n, sent);
	}
	free(line);
	fclose(f);
	return err;
}

static int send_pcap(struct netif_channel *ch, const char *file, long *sent)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	pcap_t *p;
	int err = 0, r;

	p = pcap_open_offline(file, errbuf);
	if (!p) {
		fprintf(stderr, "netifcat: %s\n", errbuf);
		return -EINVAL;
	}
	while (!err && (r = pcap_next_ex(p, &h, &data)) == 1)
		err = send_one(ch, data, h->caplen, sent);
	pcap_close(p);
	return err;
}

/* 0: go on; 1: done (--help); -1: a usage error (exit status 2) */
static int parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option lopts[] = {
		{ "delay", required_argument, NULL, 'd' },
		{ "rx-slots", required_argument, NULL, 'r' },
		{ "tx-slots", required_argument, NULL, 't' },
		{ "repeat", required_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	int c;

	while ((c = getopt_long(argc, argv, "S:w:c:qxh", lopts, NULL)) != -1) {
		switch (c) {
		case 'S': o->sock = optarg; break;
		case 'w': o->wfile = optarg; break;
		case 'c': o->count = strtol(optarg, NULL, 0); break;
		case 'q': o->quiet = true; break;
		case 'x': o->hex = true; break;
		case 'd': o->delay_ms = strtol(optarg, NULL, 0); break;
		case 'r': o->rx_slots = strtoul(optarg, NULL, 0); break;
		case 't': o->tx_slots = strtoul(optarg, NULL, 0); break;
		case 'R': o->repeat = strtol(optarg, NULL, 0); break;
		case 'h': fputs(usage_text, stdout); return 1;
		default: fputs(usage_text, stderr); return -1;
		}
	}
	for (int i = optind; i < argc; i++) {
		if (!strcmp(argv[i], "dev") && i + 1 < argc) {
			o->dev = argv[++i];
		} else if (!strcmp(argv[i], "port") && i + 1 < argc) {
			o->port = strtoul(argv[++i], NULL, 0);
		} else if (!strcmp(argv[i], "filter") && i + 1 < argc) {
			o->filter_name = argv[++i];
		} else if (!strcmp(argv[i], "send") && i + 1 < argc) {
			o->sendfile = argv[++i];
		} else if (!strcmp(argv[i], "drop") && i + 1 < argc) {
			o->drop_expr = argv[++i];
		} else {
			fprintf(stderr, "netifcat: unexpected \"%s\"\n%s", argv[i], usage_text);
			return -1;
		}
	}
	if (!o->dev || (!o->port && !o->filter_name) || (o->port && o->filter_name) ||
	    (o->drop_expr && !o->filter_name) || (o->sendfile && o->filter_name)) {
		fputs(usage_text, stderr);
		return -1;
	}
	return 0;
}

static int send_all(struct netif_channel *ch, const struct opts *o)
{
	long sent = 0, r;
	int ret = 0;

	for (r = 0; r < o->repeat && !ret && !stop; r++)
		ret = o->hex ? send_hex(ch, o->sendfile, &sent) : send_pcap(ch, o->sendfile, &sent);
	if (ret)
		fprintf(stderr, "netifcat: send: %s\n", strerror(-ret));
	fprintf(stderr, "netifcat: sent %ld frame(s)\n", sent);
	/* the channel goes with the connection: first let netifd take everything (5 s at most) */
	for (r = 0; r < 5000 && netif_channel_tx_pending(ch) && !stop; r++)
		usleep(1000);
	return ret;
}

int main(int argc, char **argv)
{
	struct opts o = { .repeat = 1 };
	struct netif_channel *ch = NULL;
	struct bpf_program drop = {};
	pcap_dumper_t *dumper = NULL;
	pcap_t *dead = NULL;
	bool have_drop = false;
	char err[512];
	int ret;

	ret = parse_args(argc, argv, &o);
	if (ret)
		return ret > 0 ? 0 : 2;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);

	if (o.wfile || o.drop_expr) {
		dead = pcap_open_dead(DLT_EN10MB, 65535);
		if (!dead)
			return 1;
	}
	if (o.drop_expr) {
		if (pcap_compile(dead, &drop, o.drop_expr, 1, PCAP_NETMASK_UNKNOWN) < 0) {
			fprintf(stderr, "netifcat: %s\n", pcap_geterr(dead));
			return 2;
		}
		have_drop = true;
	}
	if (o.wfile) {
		dumper = pcap_dump_open(dead, o.wfile);
		if (!dumper) {
			fprintf(stderr, "netifcat: %s\n", pcap_geterr(dead));
			return 1;
		}
	}

	if (o.filter_name)
		ret = netif_filter_channel_open(o.sock, o.dev, o.filter_name, &ch, err, sizeof(err));
	else
		ret = netif_channel_open(o.sock, o.dev, o.port, o.rx_slots, o.tx_slots, &ch, err,
					 sizeof(err));
	if (ret) {
		fprintf(stderr, "netifcat: %s\n", err);
		return 1;
	}
	if (!o.quiet)
		fprintf(stderr, "netifcat: %s %s %s\n", o.filter_name ? "filter" : "port",
			o.filter_name ? o.filter_name : "bound on", o.dev);

	if (o.sendfile)
		ret = send_all(ch, &o);
	else
		ret = receive(ch, &o, dead, dumper, have_drop ? &drop : NULL);
	if (dumper)
		pcap_dump_close(dumper);
	if (have_drop)
		pcap_freecode(&drop);
	if (dead)
		pcap_close(dead);
	netif_channel_close(ch);
	return ret ? 1 : 0;
}
