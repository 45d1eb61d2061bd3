// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Written against the capget/capset and prctl interfaces directly: the
 * dozen calls needed do not justify a new dependency (libcap would wrap
 * exactly these).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>
#include "log.h"
#include "privs.h"

#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif

#define BIT(c) (1ULL << (c))

/*
 * Each found necessary by running the end-to-end tests without it
 * (docs/security.md has what failed):
 *   CAP_BPF       maps, programs, BTF, pins (bpf(2))
 *   CAP_PERFMON   the verifier accepts netif_xdp only from a loader it need
 *                 not hold to its Spectre-v1 and pointer-leak restrictions
 *   CAP_NET_ADMIN XDP and TC program types, attachment, tc, ethtool, rtnetlink
 *   CAP_NET_RAW   AF_XDP sockets
 *   CAP_IPC_LOCK  UMEM areas beyond RLIMIT_MEMLOCK
 */
static const uint64_t keep = BIT(CAP_BPF) | BIT(CAP_PERFMON) | BIT(CAP_NET_ADMIN) | BIT(CAP_NET_RAW) |
			     BIT(CAP_IPC_LOCK);

static int last_cap(void)
{
	FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "r");
	int last = CAP_LAST_CAP;

	if (f) {
		if (fscanf(f, "%d", &last) != 1)
			last = CAP_LAST_CAP;
		fclose(f);
	}
	return last;
}

uint64_t privs_kept(void)
{
	/* a kernel without CAP_BPF (before 5.8) does BPF under CAP_SYS_ADMIN */
	return last_cap() >= CAP_BPF ? keep : keep | BIT(CAP_SYS_ADMIN);
}

int privs_drop(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];
	uint64_t kept = privs_kept(), have;
	int cap, last = last_cap();

	memset(data, 0, sizeof(data));
	if (syscall(SYS_capget, &hdr, data))
		return -errno;
	have = (uint64_t)data[1].permitted << 32 | data[0].permitted;
	/*
	 * The bounding set first: dropping from it needs CAP_SETPCAP, which goes
	 * next. A service manager may have started us with a bounding set
	 * already this small and without CAP_SETPCAP (netifd.service): what is
	 * not in the set is not dropped, and what cannot be dropped without
	 * CAP_SETPCAP can never be regained anyway (no_new_privs, below).
	 */
	for (cap = 0; cap <= last; cap++) {
		if (kept & BIT(cap) || prctl(PR_CAPBSET_READ, cap, 0, 0, 0) != 1)
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) && errno != EINVAL) {
			if (errno == EPERM && !(have & BIT(CAP_SETPCAP)))
				continue;
			pr_warn("cannot drop capability %d from the bounding set: %s", cap, strerror(errno));
			return -errno;
		}
	}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) && errno != EINVAL)
		return -errno;
	have &= kept;
	data[0].effective = data[0].permitted = (uint32_t)have;
	data[1].effective = data[1].permitted = (uint32_t)(have >> 32);
	data[0].inheritable = data[1].inheritable = 0;
	if (syscall(SYS_capset, &hdr, data))
		return -errno;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -errno;
	pr_info("capabilities kept: 0x%llx", (unsigned long long)have);
	return 0;
}
