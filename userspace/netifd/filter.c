// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <pcap/pcap.h>
#include "capture.h"
#include "channel.h"
#include "filter.h"
#include "log.h"

struct filter_pcap {
	pcap_t *pcap;
	pcap_dumper_t *dumper;   /* pcap */
	struct bpf_program prog; /* drop */
	bool compiled;
};

static const char *const kind_names[] = {
	[NETIF_FILTER_PCAP] = "pcap",
	[NETIF_FILTER_COUNT] = "count",
	[NETIF_FILTER_DROP] = "drop",
	[NETIF_FILTER_EXTERNAL] = "external",
};

const char *filter_kind_name(uint8_t kind)
{
	return kind <= NETIF_FILTER_EXTERNAL && kind_names[kind] ? kind_names[kind] : "unknown";
}

int filter_kind_parse(const char *s)
{
	int k;

	for (k = NETIF_FILTER_PCAP; k <= NETIF_FILTER_EXTERNAL; k++)
		if (strcmp(kind_names[k], s) == 0)
			return k;
	return -1;
}

/* The capture file of a pcap filter (want: the file a restored filter was writing). */
static int open_capture(struct filter *f, const struct capture_id *want, struct netif_extack *ext)
{
	struct capture_id got = {};
	int err;

	if (f->arg[0] != '/') {
		netif_extack_set(ext, "pcap needs an absolute file name");
		return -EINVAL;
	}
	f->px->pcap = pcap_open_dead(DLT_EN10MB, 65535);
	if (!f->px->pcap)
		return -ENOMEM;
	/* appending keeps what an earlier agent (before a restart) captured */
	err = capture_open(f->px->pcap, f->arg, want, &got, &f->px->dumper, ext);
	if (!err) {
		f->file_dev = got.dev;
		f->file_ino = got.ino;
	}
	return err;
}

static int builtin_new(uint8_t kind, const char *arg, uint8_t dirs, const struct capture_id *want,
		       struct filter **out, struct netif_extack *ext)
{
	struct filter *f;
	int err = 0;

	if (!dirs || dirs & ~(NETIF_FILTER_DIR_RX | NETIF_FILTER_DIR_TX)) {
		netif_extack_set(ext, "filter direction must be rx, tx or both");
		return -EINVAL;
	}
	if (strlen(arg) >= NETIF_FILTER_ARG_MAX) {
		netif_extack_set(ext, "filter argument longer than %d bytes", NETIF_FILTER_ARG_MAX - 1);
		return -EINVAL;
	}
	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->kind = kind;
	f->dirs = dirs;
	f->pin_slot = -1;
	snprintf(f->arg, sizeof(f->arg), "%s", arg);
	if (kind == NETIF_FILTER_PCAP || kind == NETIF_FILTER_DROP) {
		f->px = calloc(1, sizeof(*f->px));
		if (!f->px) {
			free(f);
			return -ENOMEM;
		}
	}
	switch (kind) {
	case NETIF_FILTER_COUNT:
		if (arg[0]) {
			netif_extack_set(ext, "count takes no argument");
			err = -EINVAL;
		}
		break;
	case NETIF_FILTER_PCAP:
		err = open_capture(f, want, ext);
		break;
	case NETIF_FILTER_DROP:
		if (!arg[0]) {
			netif_extack_set(ext, "drop needs a pcap-filter expression");
			err = -EINVAL;
			break;
		}
		f->px->pcap = pcap_open_dead(DLT_EN10MB, 65535);
		if (!f->px->pcap) {
			err = -ENOMEM;
			break;
		}
		if (pcap_compile(f->px->pcap, &f->px->prog, arg, 1, PCAP_NETMASK_UNKNOWN) < 0) {
			netif_extack_set(ext, "bad filter expression: %s", pcap_geterr(f->px->pcap));
			err = -EINVAL;
			break;
		}
		f->px->compiled = true;
		break;
	default:
		netif_extack_set(ext, "unknown filter kind %u (pcap, count or drop)", kind);
		err = -EINVAL;
	}
	if (err) {
		filter_free(f);
		return err;
	}
	*out = f;
	return 0;
}

int filter_builtin_new(uint8_t kind, const char *arg, uint8_t dirs, struct filter **out,
		       struct netif_extack *ext)
{
	return builtin_new(kind, arg, dirs, &(struct capture_id){}, out, ext);
}

int filter_builtin_restore(const struct netif_filter_rec *rec, struct filter **out,
			   struct netif_extack *ext)
{
	const struct capture_id want = { .dev = rec->file_dev, .ino = rec->file_ino };
	char arg[NETIF_FILTER_ARG_MAX];
	int err;

	/* the record is ours, but a map can be written by any root process: bound the string */
	memcpy(arg, rec->arg, sizeof(arg));
	arg[sizeof(arg) - 1] = '\0';
	err = builtin_new(rec->kind, arg, rec->dirs, &want, out, ext);
	if (err)
		return err;
	(*out)->id = rec->id;
	(*out)->packets = rec->packets;
	(*out)->bytes = rec->bytes;
	(*out)->drops = rec->drops;
	return 0;
}

struct filter *filter_external_new(const char *name, struct chan *chan, uint32_t slots)
{
	struct filter *f = calloc(1, sizeof(*f));
	uint32_t n = 1;

	if (!f)
		return NULL;
	while (n < slots)
		n <<= 1;
	f->held = calloc(n, sizeof(*f->held));
	if (!f->held) {
		free(f);
		return NULL;
	}
	f->held_mask = n - 1;
	f->pin_slot = -1;
	f->kind = NETIF_FILTER_EXTERNAL;
	f->dirs = NETIF_FILTER_DIR_RX | NETIF_FILTER_DIR_TX;
	snprintf(f->arg, sizeof(f->arg), "%s", name);
	f->chan = chan;
	return f;
}

void filter_free(struct filter *f)
{
	if (!f)
		return;
	if (f->px) {
		if (f->px->dumper)
			pcap_dump_close(f->px->dumper);
		if (f->px->compiled)
			pcap_freecode(&f->px->prog);
		if (f->px->pcap)
			pcap_close(f->px->pcap);
		free(f->px);
	}
	free(f->held);
	free(f);
}

int filter_held_take(struct filter *f, uint64_t cookie, struct netif_slot *hdr)
{
	uint32_t seq = cookie >> 32;
	struct filter_held *h;

	if (!f->held || (uint32_t)cookie != f->id)
		return -ENOENT;
	h = &f->held[seq & f->held_mask];
	if (!h->busy || h->seq != seq)
		return -ENOENT;
	h->busy = false;
	*hdr = h->hdr;
	return 0;
}

/* Hand p to an external filter, keeping its state; false when the filter's ring is full. */
static bool hand_over(struct filter *f, struct exc_pkt *p)
{
	uint32_t seq = f->held_seq;
	struct filter_held *h = &f->held[seq & f->held_mask];

	p->hdr.cookie = (uint64_t)seq << 32 | f->id;
	if (chan_push(f->chan, &p->hdr, p->data, p->len))
		return false;
	/* a frame the filter never returned loses its entry to the one a table later */
	f->held_seq++;
	h->seq = seq;
	h->busy = true;
	h->hdr = p->hdr;
	return true;
}

void filter_chain_append(struct filter_chain *ch, struct filter *f)
{
	struct filter **pp = &ch->head;

	if (!f->id)
		f->id = ++ch->next_id;
	else if (f->id > ch->next_id)
		ch->next_id = f->id;
	while (*pp)
		pp = &(*pp)->next;
	f->next = NULL;
	*pp = f;
	ch->n++;
}

struct filter *filter_chain_find(struct filter_chain *ch, uint32_t id)
{
	struct filter *f;

	for (f = ch->head; f; f = f->next)
		if (f->id == id)
			return f;
	return NULL;
}

struct filter *filter_chain_remove(struct filter_chain *ch, uint32_t id)
{
	struct filter **pp, *f;

	for (pp = &ch->head; (f = *pp); pp = &f->next) {
		if (f->id == id) {
			*pp = f->next;
			f->next = NULL;
			ch->n--;
			return f;
		}
	}
	return NULL;
}

bool filter_observes(const struct filter *f)
{
	return f->kind == NETIF_FILTER_PCAP || f->kind == NETIF_FILTER_COUNT;
}

bool filter_chain_tx_observes(const struct filter_chain *ch)
{
	const struct filter *f;

	for (f = ch->head; f; f = f->next)
		if ((f->dirs & NETIF_FILTER_DIR_TX) && !filter_observes(f))
			return false;
	return true;
}

enum filter_verdict filter_chain_run(struct filter_chain *ch, const struct filter *after,
				     struct exc_pkt *p, struct filter **at)
{
	struct pcap_pkthdr h = {
		.ts = { .tv_sec = p->hdr.tstamp_ns / 1000000000ULL,
			.tv_usec = (p->hdr.tstamp_ns % 1000000000ULL) / 1000 },
		.caplen = p->len,
		.len = p->len,
	};
	uint8_t dir = p->hdr.dir ? NETIF_FILTER_DIR_TX : NETIF_FILTER_DIR_RX;
	struct filter *f;

	for (f = after ? after->next : ch->head; f; f = f->next) {
		if (!(f->dirs & dir))
			continue;
		/* too late to drop or rewrite a mirrored copy (the chain changed since it was made) */
		if (p->mirror && !filter_observes(f))
			continue;
		f->packets++;
		f->bytes += p->len;
		switch (f->kind) {
		case NETIF_FILTER_PCAP:
			pcap_dump((u_char *)f->px->dumper, &h, p->data);
			break;
		case NETIF_FILTER_DROP:
			if (pcap_offline_filter(&f->px->prog, &h, p->data)) {
				f->drops++;
				return FILTER_DROP;
			}
			break;
		case NETIF_FILTER_EXTERNAL:
			if (!hand_over(f, p)) {
				f->drops++; /* the filter cannot keep up: a counted drop */
				return FILTER_DROP;
			}
			*at = f;
			return FILTER_PENDING;
		default:
			break;
		}
	}
	return FILTER_PASS;
}

void filter_chain_flush(struct filter_chain *ch)
{
	struct filter *f;

	for (f = ch->head; f; f = f->next) {
		if (f->px && f->px->dumper)
			pcap_dump_flush(f->px->dumper);
		if (f->chan)
			chan_signal(f->chan);
	}
}
