// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <jansson.h>
#include "output.h"
#include "units.h"

void out_init(struct out *o, bool json, bool pretty)
{
	memset(o, 0, sizeof(*o));
	o->json = json;
	o->pretty = pretty;
}

int out_begin(struct out *o)
{
	if (o->f)
		return -EBUSY;
	o->buf = NULL;
	o->len = 0;
	o->depth = 0;
	o->count[0] = 0;
	o->bad = false;
	o->f = open_memstream(&o->buf, &o->len);
	return o->f ? 0 : -errno;
}

int out_end(struct out *o, FILE *to, bool keep)
{
	int err = 0;

	if (!o->f)
		return 0;
	fclose(o->f);
	o->f = NULL;
	if (o->json && (o->bad || o->depth != 0)) {
		fprintf(stderr, "Error: netifctl built malformed JSON (a bug): output withheld\n");
		err = -EINVAL;
	} else if (keep && o->len) {
		fwrite(o->buf, 1, o->len, to);
		if (o->json)
			fputc('\n', to);
	}
	free(o->buf);
	o->buf = NULL;
	return err;
}

/* ---- JSON ------------------------------------------------------------- */

/* A string as JSON text, escaped by jansson; bytes that are not UTF-8 become '?'. */
static void put_string(struct out *o, const char *s)
{
	json_t *j = json_string(s);
	char *txt;

	if (!j) {
		char *copy = strdup(s);

		for (char *p = copy; p && *p; p++)
			if ((unsigned char)*p >= 0x80)
				*p = '?';
		j = copy ? json_string(copy) : NULL;
		free(copy);
	}
	txt = j ? json_dumps(j, JSON_ENCODE_ANY) : NULL;
	if (txt)
		fputs(txt, o->f);
	else
		o->bad = true;
	free(txt);
	json_decref(j);
}

static void put_indent(struct out *o, int depth)
{
	fputc('\n', o->f);
	fprintf(o->f, "%*s", depth * 2, "");
}

/*
 * Open a value of the current container: the separator, the indentation and
 * the key. A key is wanted exactly inside objects, and the top holds one value.
 */
static bool put_key(struct out *o, const char *key)
{
	bool in_object = o->depth > 0 && o->is_object[o->depth];

	if (in_object != (key != NULL) || (o->depth == 0 && o->count[0])) {
		o->bad = true;
		return false;
	}
	if (o->count[o->depth]++)
		fputc(',', o->f);
	if (o->pretty && o->depth > 0)
		put_indent(o, o->depth);
	if (key) {
		put_string(o, key);
		fputs(o->pretty ? ": " : ":", o->f);
	}
	return true;
}

static bool json_wanted(struct out *o, enum out_where w, const char *key)
{
	return o->json && (w & PRINT_JSON) && put_key(o, key);
}

static void open_container(struct out *o, const char *key, bool object)
{
	if (!o->json || !put_key(o, key))
		return;
	if (o->depth == OUT_MAX_DEPTH) {
		o->bad = true;
		return;
	}
	fputc(object ? '{' : '[', o->f);
	o->depth++;
	o->is_object[o->depth] = object;
	o->count[o->depth] = 0;
}

static void close_container(struct out *o, bool object)
{
	if (!o->json)
		return;
	if (o->depth == 0 || o->is_object[o->depth] != object) {
		o->bad = true;
		return;
	}
	if (o->pretty && o->count[o->depth])
		put_indent(o, o->depth - 1);
	fputc(object ? '}' : ']', o->f);
	o->depth--;
}

void out_open_object(struct out *o, const char *key)
{
	open_container(o, key, true);
}

void out_close_object(struct out *o)
{
	close_container(o, true);
}

void out_open_array(struct out *o, const char *key)
{
	open_container(o, key, false);
}

void out_close_array(struct out *o)
{
	close_container(o, false);
}

/* ---- fields ----------------------------------------------------------- */

static void text(struct out *o, enum out_where w, const char *fmt, const char *val)
{
	if (!o->json && (w & PRINT_TEXT) && fmt)
		fprintf(o->f, fmt, val);
}

void print_string(struct out *o, enum out_where w, const char *key, const char *fmt,
		  const char *s)
{
	if (!s)
		return;
	if (json_wanted(o, w, key))
		put_string(o, s);
	text(o, w, fmt, s);
}

/* JSON number, text from the caller's rendering of it. */
static void number(struct out *o, enum out_where w, const char *key, const char *fmt,
		   uint64_t v, const char *rendered)
{
	if (json_wanted(o, w, key))
		fprintf(o->f, "%" PRIu64, v);
	text(o, w, fmt, rendered);
}

void print_u64(struct out *o, enum out_where w, const char *key, const char *fmt, uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	number(o, w, key, fmt, v, buf);
}

void print_bool(struct out *o, enum out_where w, const char *key, const char *fmt, bool v)
{
	if (json_wanted(o, w, key))
		fputs(v ? "true" : "false", o->f);
	text(o, w, fmt, v ? "true" : "false");
}

void print_rate(struct out *o, enum out_where w, const char *key, const char *fmt, uint64_t bps)
{
	char buf[32];

	number(o, w, key, fmt, bps, netif_fmt_rate(bps, buf, sizeof(buf)));
}

void print_size(struct out *o, enum out_where w, const char *key, const char *fmt, uint64_t bytes)
{
	char buf[32];

	number(o, w, key, fmt, bytes, netif_fmt_size(bytes, buf, sizeof(buf)));
}

void print_time(struct out *o, enum out_where w, const char *key, const char *fmt, uint64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char buf[64];

	if ((uint64_t)tt != t || !gmtime_r(&tt, &tm) ||
	    !strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, sizeof(buf), "%" PRIu64, t);
	number(o, w, key, fmt, t, buf);
}

void print_text(struct out *o, const char *fmt, ...)
{
	va_list ap;

	if (o->json)
		return;
	va_start(ap, fmt);
	vfprintf(o->f, fmt, ap);
	va_end(ap);
}
