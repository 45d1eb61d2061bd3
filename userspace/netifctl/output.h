/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * One print call per field, writing text or JSON (iproute2's
 * print_uint(PRINT_ANY, "key", "fmt", value) idea):
 *
 *	print_u64(o, PRINT_ANY, "mtu", " mtu %s", mtu);
 *
 * writes " mtu 1500" in text mode and "mtu":1500 into the current JSON
 * object in JSON mode. PRINT_TEXT or PRINT_JSON restrict a field to one of
 * them (a value shown in text only when it is set, a key JSON always has).
 *
 * Text formats hold at most one conversion, a %s (flags and width allowed),
 * which receives the value already rendered: decimal for numbers, tc units
 * for rates and sizes, ISO 8601 for times. So no format can disagree with
 * the type of its value.
 *
 * JSON is written as it is printed, not built as a tree: jansson escapes
 * every string and key, this layer writes containers and numbers. Numbers
 * are the exact decimal digits of the unsigned value, so a u64 above
 * INT64_MAX (which a jansson integer, signed 64-bit, cannot hold) prints as
 * 18446744073709551615, as iproute2 prints it; consumers that read JSON
 * numbers as doubles (jq 1.6, JavaScript) round values above 2^53.
 *
 * Output of one command is collected between out_begin() and out_end(), and
 * written only if the command succeeded: a failed dump prints no half list.
 */
#ifndef NETIFCTL_OUTPUT_H
#define NETIFCTL_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum out_where {
	PRINT_TEXT = 1,
	PRINT_JSON = 2,
	PRINT_ANY = PRINT_TEXT | PRINT_JSON,
};

#define OUT_MAX_DEPTH 16

struct out {
	bool json;
	bool pretty;
	FILE *f;            /* this command's buffer, between out_begin and out_end */
	char *buf;
	size_t len;
	int depth;          /* open JSON containers */
	bool is_object[OUT_MAX_DEPTH + 1];
	unsigned int count[OUT_MAX_DEPTH + 1]; /* values written in each container */
	bool bad;           /* a call that does not fit the JSON being written */
};

void out_init(struct out *o, bool json, bool pretty);
/* Start collecting one command's output. Returns 0 or -errno. */
int out_begin(struct out *o);
/*
 * End it: if keep, write what was collected to `to` (in JSON mode followed
 * by a newline). Returns 0, or -EINVAL if the calls did not make one whole
 * JSON value (a programming error, reported rather than printed).
 */
int out_end(struct out *o, FILE *to, bool keep);

/* JSON containers; key is NULL at the top and inside arrays. No text. */
void out_open_object(struct out *o, const char *key);
void out_close_object(struct out *o);
void out_open_array(struct out *o, const char *key);
void out_close_array(struct out *o);

void print_string(struct out *o, enum out_where w, const char *key, const char *fmt,
		  const char *s);
void print_u64(struct out *o, enum out_where w, const char *key, const char *fmt, uint64_t v);
void print_bool(struct out *o, enum out_where w, const char *key, const char *fmt, bool v);
/* JSON: the number (bit/s, bytes, seconds since the epoch); text: "100Mbit", "64Kb", UTC time. */
void print_rate(struct out *o, enum out_where w, const char *key, const char *fmt, uint64_t bps);
void print_size(struct out *o, enum out_where w, const char *key, const char *fmt, uint64_t bytes);
void print_time(struct out *o, enum out_where w, const char *key, const char *fmt, uint64_t t);
/* Text only: labels, separators, newlines. */
void print_text(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
