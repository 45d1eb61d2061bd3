// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stdbool.h>
#include <string.h>
#include "netif/proto.h"
#include "usage.h"

struct line {
	const char *objs; /* the objects a line belongs to, space separated */
	const char *text;
};

/* One line per command form (man pages and completion are checked against these). */
static const struct line commands[] = {
	{ "attach", "attach dev IF [mode native|compat|auto] [rx-slots N] [tx-slots N] [buf-size N] [max-flows N] [low-latency]" },
	{ "detach", "detach dev IF [uuid U]" },
	{ "show", "show [dev IF]" },
	{ "set", "set dev IF [default-action pass|drop|exception] [input-rate RATE [burst SIZE]] [shape RATE] [unknown-vlan default|pass|drop]" },
	{ "stats", "stats show dev IF" },
	{ "flow", "flow add dev IF [dir in|out] [llink ID] MATCH ACTION [rate RATE [burst SIZE]] [shape RATE] [qset-hint ID] [uuid U]" },
	{ "flow", "flow delete dev IF uuid U" },
	{ "flow", "flow show dev IF [uuid U]" },
	{ "llink", "llink add dev IF id LINKID [vlan VID] QSET [QSET ...]" },
	{ "llink", "llink delete dev IF id LINKID" },
	{ "llink", "llink show dev IF" },
	{ "filter", "filter add dev IF [dir rx|tx|both] pcap FILE|count|drop EXPR" },
	{ "filter", "filter delete dev IF id N" },
	{ "filter", "filter show dev IF" },
	{ "port", "port show dev IF" },
	{ "monitor", "monitor [dev IF]" },
	{ "apply", "apply [--dry-run] FILE [dev IF]" },
	{ "export", "export [dev IF]" },
	{ "help", "help" },
	{ "help", "OBJECT help" },
};

static const struct line grammar[] = {
	{ "flow", "MATCH  := ethertype T | ula local ADDR6 remote ADDR6 | tuple proto PROTO [src ADDR] [dst ADDR] [sport N] [dport N] [type N] [code N]" },
	{ "flow", "PROTO  := tcp | udp | icmp | icmpv6 | 0..255" },
	{ "flow", "ACTION := action pass | action drop | action exception | action port N | action redirect dev IF2" },
	{ "llink", "QSET   := qset [default] [wmm] [aqm] [low-latency] rx N tx N [rx-base N] [tx-base N] [rate RATE [burst SIZE]] [shape RATE]" },
	{ "set flow llink", "RATE   := bits/s with tc units, 8bit..400gbit: bit kbit mbit gbit tbit, kibit mibit gibit, bps kbps mbps gbps (bytes/s)" },
	{ "set flow llink", "SIZE   := bytes with tc units: b kb mb gb (1024), kbit mbit gbit" },
	{ "filter", "EXPR   := a pcap-filter(7) expression: the rest of the line" },
};

static const char options[] =
	"Options:\n"
	"  -j, -json                JSON output, compact (with -p, indented)\n"
	"  -p, -pretty              indent JSON output\n"
	"  -s, -stats, -statistics  counters in show, flow show, llink show, filter show and port show;\n"
	"                           twice (-s -s), every netif counter in show\n"
	"  -S SOCKET                netifd control socket (default " NETIF_DEFAULT_SOCKET ")\n"
	"  -b, -batch FILE          read commands from FILE (- for stdin), one per line;\n"
	"                           stop at the first failure\n"
	"  -h, -help, --help        this help\n"
	"\n"
	"Commands, objects, keywords and options may be shortened to an unambiguous\n"
	"prefix (netifctl fl sh dev eth0). Values (pass, native, in, tcp, both ...),\n"
	"the filter kinds pcap, count and drop, and -S are spelled out in full.\n"
	"Options may also be written with two dashes (--json).\n";

static bool belongs(const char *objs, const char *obj)
{
	size_t len = strlen(obj);

	for (const char *p = objs; (p = strstr(p, obj)); p += len)
		if ((p == objs || p[-1] == ' ') && (p[len] == ' ' || !p[len]))
			return true;
	return false;
}

static void lines(FILE *f, const struct line *l, size_t n, const char *obj, const char *first,
		  const char *rest)
{
	bool any = false;

	for (size_t i = 0; i < n; i++) {
		if (obj && !belongs(l[i].objs, obj))
			continue;
		fprintf(f, "%s%s\n", any ? rest : first, l[i].text);
		any = true;
	}
}

void cli_help(FILE *f, const char *obj)
{
	size_t nc = sizeof(commands) / sizeof(commands[0]);
	size_t ng = sizeof(grammar) / sizeof(grammar[0]);

	if (obj) {
		lines(f, commands, nc, obj, "Usage: netifctl ", "       netifctl ");
		fprintf(f, "       netifctl %s help\n", obj);
		lines(f, grammar, ng, obj, "Where: ", "       ");
		return;
	}
	fputs("Usage: netifctl [OPTIONS] COMMAND [ARGUMENTS]\n"
	      "       netifctl [OPTIONS] -batch FILE\n\nCommands:\n", f);
	lines(f, commands, nc, NULL, "  ", "  ");
	fputs("\nWhere:\n", f);
	lines(f, grammar, ng, NULL, "  ", "  ");
	fputc('\n', f);
	fputs(options, f);
}
