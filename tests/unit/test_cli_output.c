// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * netifctl's output layer: one call per field writes text or JSON. Each row
 * prints the same fields in one mode and compares the bytes; JSON rows that
 * jansson can hold are also re-dumped by jansson, which must write the same
 * bytes (so -j and -j -p look as jansson's compact and JSON_INDENT(2) do).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "unit.h"
#include "userspace/netifctl/output.h"

enum mode { TEXT, JSON, PRETTY };

struct row {
	const char *name;
	enum mode mode;
	void (*emit)(struct out *o);
	const char *want;
	bool jansson;  /* jansson re-dumps it byte for byte */
	int end_err;   /* what out_end returns */
};

static void netif_fields(struct out *o)
{
	out_open_object(o, NULL);
	print_u64(o, PRINT_ANY, "ifindex", "%s: ", 2);
	print_string(o, PRINT_ANY, "ifname", "%s:", "veth0");
	print_string(o, PRINT_JSON, "requested_mode", NULL, "auto");
	print_bool(o, PRINT_JSON, "low_latency", " low-latency", false);
	print_u64(o, PRINT_ANY, "mtu", " mtu %s", 1500);
	print_rate(o, PRINT_ANY, "rate", " rate %s", 100000000);
	print_size(o, PRINT_ANY, "burst", " burst %s", 65536);
	print_time(o, PRINT_ANY, "attach_time", " attached %s", 86400);
	print_text(o, "\n");
	out_close_object(o);
}

static void list_of_two(struct out *o)
{
	out_open_array(o, NULL);
	for (int i = 1; i <= 2; i++) {
		out_open_object(o, NULL);
		print_u64(o, PRINT_ANY, "id", "llink %s", i);
		out_open_array(o, "flags");
		if (i == 1)
			print_string(o, PRINT_ANY, NULL, " %s", "default");
		out_close_array(o);
		out_open_array(o, "qsets");
		out_close_array(o);
		print_text(o, "\n");
		out_close_object(o);
	}
	out_close_array(o);
}

static void u64_max(struct out *o)
{
	out_open_object(o, NULL);
	print_u64(o, PRINT_ANY, "id", "llink %s", UINT64_MAX);
	print_u64(o, PRINT_ANY, "big", " %s\n", (uint64_t)INT64_MAX + 1);
	out_close_object(o);
}

static void escapes(struct out *o)
{
	out_open_object(o, NULL);
	print_string(o, PRINT_ANY, "arg \"q\"", "%s", "tcp \"port\" 23\\\n\x01/é");
	out_close_object(o);
}

static void not_utf8(struct out *o)
{
	out_open_object(o, NULL);
	print_string(o, PRINT_ANY, "name", "%s", "a\xff" "b\xc3");
	out_close_object(o);
}

static void text_only_and_width(struct out *o)
{
	out_open_object(o, "stats");
	print_text(o, "    %-12s ", "rx_packets");
	print_u64(o, PRINT_ANY, "rx_packets", "%s\n", 7);
	out_close_object(o);
}

static void empty_top_array(struct out *o)
{
	out_open_array(o, NULL);
	out_close_array(o);
}

static void nothing(struct out *o)
{
}

static void value_without_key(struct out *o)
{
	out_open_object(o, NULL);
	print_u64(o, PRINT_ANY, NULL, "%s", 1);
	out_close_object(o);
}

static void key_in_array(struct out *o)
{
	out_open_array(o, NULL);
	print_u64(o, PRINT_ANY, "k", "%s", 1);
	out_close_array(o);
}

static void two_top_values(struct out *o)
{
	out_open_object(o, NULL);
	out_close_object(o);
	out_open_object(o, NULL);
	out_close_object(o);
}

static void unclosed(struct out *o)
{
	out_open_object(o, NULL);
}

static void mismatched_close(struct out *o)
{
	out_open_object(o, NULL);
	out_close_array(o);
}

/* a row printing want; one that jansson re-dumps alike; one refused as malformed JSON */
#define OK(name, mode, emit, want) { name, mode, emit, want, false, 0 }
#define SAME(name, mode, emit, want) { name, mode, emit, want, true, 0 }
#define BAD(name, mode, emit) { name, mode, emit, "", false, -EINVAL }

static const struct row rows[] = {
	OK("text: fields in order, JSON-only skipped", TEXT, netif_fields,
	   "2: veth0: mtu 1500 rate 100Mbit burst 64Kb attached 1970-01-02T00:00:00Z\n"),
	SAME("json: compact, numbers raw", JSON, netif_fields,
	     "{\"ifindex\":2,\"ifname\":\"veth0\",\"requested_mode\":\"auto\",\"low_latency\":false,"
	     "\"mtu\":1500,\"rate\":100000000,\"burst\":65536,\"attach_time\":86400}\n"),
	SAME("json -p: two-space indent", PRETTY, netif_fields,
	     "{\n  \"ifindex\": 2,\n  \"ifname\": \"veth0\",\n  \"requested_mode\": \"auto\",\n"
	     "  \"low_latency\": false,\n  \"mtu\": 1500,\n  \"rate\": 100000000,\n"
	     "  \"burst\": 65536,\n  \"attach_time\": 86400\n}\n"),
	OK("text: a list", TEXT, list_of_two, "llink 1 default\nllink 2\n"),
	SAME("json: nested and empty containers", JSON, list_of_two,
	     "[{\"id\":1,\"flags\":[\"default\"],\"qsets\":[]},{\"id\":2,\"flags\":[],\"qsets\":[]}]\n"),
	SAME("json -p: nested and empty containers", PRETTY, list_of_two,
	     "[\n  {\n    \"id\": 1,\n    \"flags\": [\n      \"default\"\n    ],\n    \"qsets\": []\n"
	     "  },\n  {\n    \"id\": 2,\n    \"flags\": [],\n    \"qsets\": []\n  }\n]\n"),
	OK("text: u64 above INT64_MAX", TEXT, u64_max,
	   "llink 18446744073709551615 9223372036854775808\n"),
	OK("json: u64 above INT64_MAX as its digits", JSON, u64_max,
	   "{\"id\":18446744073709551615,\"big\":9223372036854775808}\n"),
	OK("text: strings as they are", TEXT, escapes, "tcp \"port\" 23\\\n\x01/é"),
	SAME("json: strings and keys escaped by jansson", JSON, escapes,
	     "{\"arg \\\"q\\\"\":\"tcp \\\"port\\\" 23\\\\\\n\\u0001/é\"}\n"),
	SAME("json: bytes that are not UTF-8", JSON, not_utf8, "{\"name\":\"a?b?\"}\n"),
	OK("text: label with width, then the value", TEXT, text_only_and_width,
	   "    rx_packets   7\n"),
	BAD("json: an object member of nothing is refused", JSON, text_only_and_width),
	SAME("json: empty list", JSON, empty_top_array, "[]\n"),
	SAME("json -p: empty list", PRETTY, empty_top_array, "[]\n"),
	OK("json: an ack prints nothing", JSON, nothing, ""),
	OK("text: an ack prints nothing", TEXT, nothing, ""),
	BAD("json: a value without its key is refused", JSON, value_without_key),
	BAD("json: a key inside an array is refused", JSON, key_in_array),
	BAD("json: two values at the top are refused", JSON, two_top_values),
	BAD("json: an open object is refused", JSON, unclosed),
	BAD("json: closing the wrong container is refused", JSON, mismatched_close),
	OK("text: containers are no text", TEXT, mismatched_close, ""),
};

static char *run(const struct row *r, bool keep, int *end_err, size_t *len)
{
	struct out o;
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	assert_non_null(f);
	out_init(&o, r->mode != TEXT, r->mode == PRETTY);
	assert_int_equal(out_begin(&o), 0);
	r->emit(&o);
	*end_err = out_end(&o, f, keep);
	fclose(f);
	return buf;
}

static void test_row(void **state)
{
	const struct row *r = *state;
	size_t len;
	int err;
	char *got = run(r, true, &err, &len);

	assert_int_equal(err, r->end_err);
	assert_string_equal(got, r->want);
	if (r->jansson) {
		json_error_t jerr;
		json_t *j = json_loads(got, 0, &jerr);
		size_t flags = JSON_PRESERVE_ORDER | JSON_ENCODE_ANY |
			       (r->mode == PRETTY ? JSON_INDENT(2) : JSON_COMPACT);
		char *again;

		if (!j)
			fail_msg("not JSON: %s (%s)", got, jerr.text);
		again = json_dumps(j, flags);
		assert_non_null(again);
		assert_int_equal(strncmp(again, got, strlen(got) - 1), 0);
		assert_int_equal(strlen(again), strlen(got) - 1);
		free(again);
		json_decref(j);
	}
	free(got);
	/* a failed command prints nothing */
	got = run(r, false, &err, &len);
	assert_int_equal(len, 0);
	free(got);
}

int main(void)
{
	return _cmocka_run_group_tests("output", UNIT_TESTS(rows, test_row),
				       sizeof(rows) / sizeof(rows[0]), NULL, NULL)
		       ? 1
		       : 0;
}
