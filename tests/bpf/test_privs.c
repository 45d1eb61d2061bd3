// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The dataplane loads with only the capabilities netifd keeps (privs.c):
 * the BPF tier otherwise runs as full root, which hides what libbpf needs
 * of the kernel beyond them (on 6.1, a weak kfunc missing from vmlinux made
 * libbpf list the module BTFs, which needs CAP_SYS_ADMIN: attach failed).
 * The kernel matrix runs this tier in every guest.
 *
 * Each case runs in a child in its own network namespace, since the drop
 * cannot be undone: the child probes the kernel as netifd does, drops
 * privileges, attaches a veth, detaches it, and reports through its exit
 * status.
 */
#include <sched.h>
#include <sys/wait.h>
#include "userspace/netifd/features.h"
#include "userspace/netifd/privs.h"
#include "pkt.h"

#define DEV "nifp0"
#define PEER "nifp1"

static struct agent g_ag;

static int attach_after_drop(bool with_exception)
{
	struct attach_req req = { .ifname = DEV };
	struct netif_extack ext = { 0 };
	struct netif *nif = NULL;
	uint8_t uuid[16];
	int err;

	if (unshare(CLONE_NEWNET) ||
	    system("ip link add " DEV " type veth peer name " PEER " && ip link set " DEV
		   " up && ip link set " PEER " up"))
		return 10;
	features_probe();
	err = privs_drop();
	if (err) {
		fprintf(stderr, "# privs_drop: %s\n", strerror(-err));
		return 11;
	}
	attach_req_defaults(&req);
	err = nexus_attach(&g_ag, &req, &nif, &ext);
	if (err) {
		fprintf(stderr, "# nexus_attach after privs_drop: %s: %s\n", strerror(-err), ext.msg);
		return 12;
	}
	if (with_exception) {
		/* the AF_XDP sockets and the egress ring come up under the same caps */
		struct flow_def fd = { .type = NETIF_FLOW_TUPLE, .dir = NETIF_DIR_OUT,
				       .proto = IPPROTO_UDP, .dport = htons(7001),
				       .action = NETIF_ACTION_EXCEPTION };

		err = flow_install(nif, &fd, uuid);
		if (err) {
			fprintf(stderr, "# an egress exception flow after privs_drop: %s\n",
				strerror(-err));
			return 13;
		}
	}
	err = nexus_detach(&g_ag, nif, NULL, &ext);
	if (err) {
		fprintf(stderr, "# nexus_detach: %s: %s\n", strerror(-err), ext.msg);
		return 14;
	}
	return 0;
}

static void run_child(bool with_exception)
{
	int status = 0;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (!pid)
		_exit(attach_after_drop(with_exception));
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_attach(void **state)
{
	run_child(false);
}

static void test_attach_exception(void **state)
{
	run_child(true);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_attach),
		cmocka_unit_test(test_attach_exception),
	};

	return cmocka_run_group_tests_name("netif attach with netifd's capabilities", tests, NULL,
					   NULL);
}
