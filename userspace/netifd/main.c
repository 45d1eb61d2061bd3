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
#include "configure.h"
#include "ctl_cmds.h"
#include "exception.h"
#include "log.h"
#include "loop.h"
#include "metrics.h"
#include "nexus.h"
#include "notify.h"
#include "privs.h"
#include "rtnl.h"

static struct agent agent;
static bool cleanup_on_exit;
static const char *sock = NETIF_DEFAULT_SOCKET;
static const char *metrics_addr;
static const char *config_path;
static char config_abs[PATH_MAX];

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: netifd [-f] [-S SOCKET] [-P PIN_ROOT] [-v] [--cleanup] [--config FILE]\n"
		"              [--metrics ADDR:PORT] [--admin-group GROUP] [--capture-dir DIR]\n"
		"\n"
		"  -f, --foreground    stay in the foreground (default: daemonize)\n"
		"  -S, --socket PATH   control socket (default %s)\n"
		"  -P, --pin-root DIR  bpffs directory for pinned state (default %s)\n"
		"      --config FILE   apply this netifd.yaml(5) at start (after re-adopting the\n"
		"                      pinned netifs) and on SIGHUP\n"
		"      --metrics ADDR:PORT\n"
		"                      serve Prometheus metrics on http://ADDR:PORT/metrics\n"
		"                      (127.0.0.1:9464, [::1]:9464, :9464 for every address;\n"
		"                      default: off)\n"
		"  -v, --verbose       more logging (twice for debug)\n"
		"      --admin-group GROUP\n"
		"                      members of GROUP may change state (attach, flows,\n"
		"                      filters, channels...) too; by default only root may\n"
		"      --capture-dir DIR\n"
		"                      the only directory where pcap filters of peers other\n"
		"                      than root may write (default %s)\n"
		"      --cleanup       detach every netif when stopping (default: leave the\n"
		"                      dataplane running for the next netifd to re-adopt)\n"
		"  -h, --help          this help\n"
		"\n"
		"Signals: SIGHUP reloads, SIGTERM and SIGINT stop.\n",
		NETIF_DEFAULT_SOCKET, NETIF_DEFAULT_PIN_ROOT, NETIF_DEFAULT_CAPTURE_DIR);
}

static void notify_running(void)
{
	notify_ready("listening on %s, %u netif(s) under %s", sock, HASH_COUNT(agent.netifs),
		     agent.pin_root);
}

/* The --config file, as one transaction: a bad file is logged and changes nothing. */
static int apply_config(const char *when)
{
	struct netif_extack ext = {};
	int n;

	if (!config_path)
		return 0;
	n = config_apply_file(&agent, config_path, &ext);
	if (n < 0) {
		pr_warn("%s: %s; the running state is unchanged", when, ext.msg[0] ? ext.msg :
			strerror(-n));
		return n;
	}
	pr_info("%s: %s applied, %d change(s)", when, config_path, n);
	return 0;
}

/*
 * SIGHUP (systemctl reload): re-read every attached link's state from the
 * kernel, which also recovers from missed link events, and re-apply the
 * --config file. The service manager sees RELOADING=1 ... READY=1 either way.
 */
static int reload(void)
{
	int err;

	notify_reloading();
	pr_info("reload: resynchronising %u netif(s) with the kernel", HASH_COUNT(agent.netifs));
	nexus_link_resync(&agent);
	err = apply_config("reload");
	notify_running();
	return err;
}

static void on_signal(struct ev_handler *h, uint32_t events)
{
	struct signalfd_siginfo si;

	if (read(h->fd, &si, sizeof(si)) != sizeof(si))
		return;
	if (si.ssi_signo == SIGHUP) {
		reload();
		return;
	}
	pr_info("signal %u: stopping", si.ssi_signo);
	notify_stopping();
	loop_stop();
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

	notify_watchdog();
	/* the egress path's heartbeat: every turn (stored at most every 100 ms) */
	exception_heartbeat(&agent);
	/* counters and capture files about once a second, however busy we are */
	if (now != last) {
		last = now;
		exception_tick(&agent);
		metrics_tick();
		ctl_tick();
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

struct options {
	const char *admin_group;
	bool foreground;
	int verbose;
};

static int set_capture_dir(const char *dir)
{
	size_t n;

	if (dir[0] != '/') {
		fprintf(stderr, "netifd: --capture-dir needs an absolute path\n");
		return -EINVAL;
	}
	snprintf(agent.capture_dir, sizeof(agent.capture_dir), "%s", dir);
	/* no trailing slash: paths are compared as DIR/NAME */
	n = strlen(agent.capture_dir);
	while (n > 1 && agent.capture_dir[n - 1] == '/')
		agent.capture_dir[--n] = '\0';
	return 0;
}

/* 0: go on; 1: done (--help); -1: a usage error (exit status 2) */
static int parse_options(int argc, char **argv, struct options *o)
{
	static const struct option opts[] = {
		{ "foreground", no_argument, NULL, 'f' },
		{ "socket", required_argument, NULL, 'S' },
		{ "pin-root", required_argument, NULL, 'P' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "cleanup", no_argument, NULL, 'C' },
		{ "metrics", required_argument, NULL, 'M' },
		{ "config", required_argument, NULL, 'c' },
		{ "admin-group", required_argument, NULL, 'G' },
		{ "capture-dir", required_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	int c;

	snprintf(agent.pin_root, sizeof(agent.pin_root), "%s", NETIF_DEFAULT_PIN_ROOT);
	snprintf(agent.capture_dir, sizeof(agent.capture_dir), "%s", NETIF_DEFAULT_CAPTURE_DIR);
	while ((c = getopt_long(argc, argv, "fS:P:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			o->foreground = true;
			break;
		case 'S':
			sock = optarg;
			break;
		case 'P':
			snprintf(agent.pin_root, sizeof(agent.pin_root), "%s", optarg);
			break;
		case 'v':
			o->verbose++;
			break;
		case 'C':
			cleanup_on_exit = true;
			break;
		case 'M':
			metrics_addr = optarg;
			break;
		case 'c':
			/* daemon() leaves the working directory: keep the file's full name */
			config_path = realpath(optarg, config_abs) ? config_abs : optarg;
			break;
		case 'G':
			o->admin_group = optarg;
			break;
		case 'D':
			if (set_capture_dir(optarg))
				return -1;
			break;
		case 'h':
			usage(stdout);
			return 1;
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return -1;
	}
	return 0;
}

/* Checks, privileges and the process itself; the event loop is not set up yet. */
static int prepare(const struct options *o)
{
	int err;

	netif_log_init("netifd", o->verbose >= 2 ? NETIF_LOG_DEBUG :
				 o->verbose ? NETIF_LOG_INFO : NETIF_LOG_WARN);
	netif_log_hook_libbpf();
	if (geteuid() != 0)
		pr_warn("not running as root: loading BPF programs will likely fail");
	err = check_pin_root(agent.pin_root);
	if (err)
		return err;
	if (o->admin_group && ctl_set_admin_group(o->admin_group)) {
		pr_warn("no group named %s", o->admin_group);
		return -ENOENT;
	}
	/* from here on only what the work needs (docs/security.md) */
	err = privs_drop();
	if (err) {
		pr_warn("cannot drop capabilities: %s", strerror(-err));
		return err;
	}
	if (!o->foreground && daemon(0, 1) < 0) {
		pr_warn("cannot daemonize: %s", strerror(errno));
		return -errno;
	}
	return 0;
}

/* Signals and link events into the loop; then the pinned netifs are adopted. */
static int watch_events(struct ev_handler *sigh, struct ev_handler *rtnlh)
{
	sigset_t mask;

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	sigh->fd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sigh->fd < 0 || loop_add(sigh, EPOLLIN))
		return -errno ?: -EIO;
	/* listen for link events before adopting, so none slips between */
	mon = rtnl_monitor_open();
	if (!mon) {
		pr_warn("cannot open the rtnetlink monitor: %s", strerror(errno));
		return -errno ?: -EIO;
	}
	rtnlh->fd = rtnl_monitor_fd(mon);
	return loop_add(rtnlh, EPOLLIN);
}

int main(int argc, char **argv)
{
	struct ev_handler sigh = { .fn = on_signal }, rtnlh = { .fn = on_rtnl };
	struct options o = {};
	int err;

	err = parse_options(argc, argv, &o);
	if (err)
		return err > 0 ? 0 : 2;
	if (prepare(&o) || loop_init())
		return 1;
	if (watch_events(&sigh, &rtnlh))
		return 1;
	nexus_adopt_all(&agent);
	/* on what was adopted; a file that fails leaves that as it is */
	apply_config("start");

	err = ctl_start(sock, &agent);
	if (err)
		goto out;
	if (metrics_addr && (err = metrics_start(metrics_addr, &agent)))
		goto out_ctl;
	pr_info("listening on %s, pins under %s", sock, agent.pin_root);
	/* only now: clients ordered after netifd.service find the socket and their netifs */
	notify_running();
	/* wake at least every 100 ms: the heartbeat must not go stale while idle */
	err = loop_run(100, tick, NULL);

	metrics_stop();
out_ctl:
	ctl_stop();
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
