// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * netifd: the netif agent. Owns netif lifecycle, programs the BPF maps,
 * follows link events and serves the control socket.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>
#include <linux/magic.h>
#include "netif/proto.h"
#include "agent.h"
#include "control.h"
#include "exception.h"
#include "features.h"
#include "log.h"
#include "loop.h"
#include "nexus.h"
#include "rtnl.h"

static struct agent agent;
static bool cleanup_on_exit;

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: netifd [-f] [-S SOCKET] [-P PIN_ROOT] [-v] [--cleanup] [--no-feature F]...\n"
		"       netifd --features\n"
		"\n"
		"  -f, --foreground    stay in the foreground (default: daemonize)\n"
		"  -S, --socket PATH   control socket (default %s)\n"
		"  -P, --pin-root DIR  bpffs directory for pinned state (default %s)\n"
		"  -v, --verbose       more logging (twice for debug)\n"
		"      --cleanup       detach every netif when stopping (default: leave the\n"
		"                      dataplane running for the next netifd to re-adopt)\n"
		"      --features      print what this kernel supports and exit\n"
		"      --no-feature F  act as if the kernel lacked feature F (testing)\n"
		"  -h, --help          this help\n",
		NETIF_DEFAULT_SOCKET, NETIF_DEFAULT_PIN_ROOT);
}

static void on_signal(struct ev_handler *h, uint32_t events)
{
	struct signalfd_siginfo si;

	if (read(h->fd, &si, sizeof(si)) == sizeof(si)) {
		pr_info("signal %u: stopping", si.ssi_signo);
		loop_stop();
	}
}

static struct rtnl_monitor *mon;

static void on_rtnl(struct ev_handler *h, uint32_t events)
{
	int err = rtnl_monitor_read(mon, nexus_link_event, &agent);

	if (err == -ENOBUFS) {
		pr_warn("link events overflowed; resynchronising");
		nexus_link_resync(&agent);
	}
}

static void tick(void *data)
{
	static time_t last;
	time_t now = time(NULL);

	/* counters and capture files about once a second, however busy we are */
	if (now != last) {
		last = now;
		exception_tick(&agent);
	}
}

static int check_pin_root(const char *root)
{
	struct statfs st;
	char parent[PATH_MAX];

	if (mkdir(root, 0700) < 0 && errno != EEXIST) {
		pr_warn("cannot create pin root %s: %s", root, strerror(errno));
		return -errno;
	}
	if (statfs(root, &st) < 0) {
		pr_warn("cannot stat pin root %s: %s", root, strerror(errno));
		return -errno;
	}
	if (st.f_type != BPF_FS_MAGIC) {
		snprintf(parent, sizeof(parent), "%s", root);
		pr_warn("pin root %s is not on a bpf filesystem (mount -t bpf bpf <dir>)", parent);
		return -ENOTSUP;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "foreground", no_argument, NULL, 'f' },
		{ "socket", required_argument, NULL, 'S' },
		{ "pin-root", required_argument, NULL, 'P' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "cleanup", no_argument, NULL, 'C' },
		{ "features", no_argument, NULL, 'F' },
		{ "no-feature", required_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	const char *sock = NETIF_DEFAULT_SOCKET;
	struct ev_handler sigh = { .fn = on_signal }, rtnlh = { .fn = on_rtnl };
	bool foreground = false, print_features = false;
	int verbose = 0, c, err;
	sigset_t mask;

	snprintf(agent.pin_root, sizeof(agent.pin_root), "%s", NETIF_DEFAULT_PIN_ROOT);
	while ((c = getopt_long(argc, argv, "fS:P:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			foreground = true;
			break;
		case 'S':
			sock = optarg;
			break;
		case 'P':
			snprintf(agent.pin_root, sizeof(agent.pin_root), "%s", optarg);
			break;
		case 'v':
			verbose++;
			break;
		case 'C':
			cleanup_on_exit = true;
			break;
		case 'F':
			print_features = true;
			break;
		case 'N':
			if (features_disable(optarg)) {
				fprintf(stderr, "netifd: unknown feature \"%s\" (see --features)\n", optarg);
				return 2;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (print_features) {
		features_print(stdout);
		return 0;
	}
	netif_log_init("netifd", verbose >= 2 ? NETIF_LOG_DEBUG :
				 verbose ? NETIF_LOG_INFO : NETIF_LOG_WARN);
	netif_log_hook_libbpf();
	if (geteuid() != 0)
		pr_warn("not running as root: loading BPF programs will likely fail");
	if (check_pin_root(agent.pin_root))
		return 1;
	/* once, before anything is loaded: every netif gets the same variant */
	features_log();
	if (!foreground && daemon(0, 1) < 0) {
		pr_warn("cannot daemonize: %s", strerror(errno));
		return 1;
	}

	err = loop_init();
	if (err)
		return 1;
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	sigh.fd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sigh.fd < 0 || loop_add(&sigh, EPOLLIN))
		return 1;

	/* listen for link events before adopting, so none slips between */
	mon = rtnl_monitor_open();
	if (!mon) {
		pr_warn("cannot open the rtnetlink monitor: %s", strerror(errno));
		return 1;
	}
	rtnlh.fd = rtnl_monitor_fd(mon);
	if (loop_add(&rtnlh, EPOLLIN))
		return 1;
	nexus_adopt_all(&agent);

	err = ctl_server_open(&agent, sock);
	if (err)
		goto out;
	pr_info("listening on %s, pins under %s", sock, agent.pin_root);
	err = loop_run(1000, tick, NULL);

	ctl_server_close();
out:
	if (cleanup_on_exit) {
		struct netif *nif, *tmp;

		HASH_ITER(hh, agent.netifs, nif, tmp)
			nexus_destroy(&agent, nif);
	} else {
		nexus_release_all(&agent);
	}
	rtnl_monitor_close(mon);
	loop_fini();
	return err ? 1 : 0;
}
