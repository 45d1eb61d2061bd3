// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/random.h>
#include <uuid/uuid.h>
#include "netif/params.h"
#include "bucket.h"
#include "events.h"
#include "exception.h"
#include "llink.h"
#include "log.h"
#include "names.h"
#include "reinject.h"
#include "nexus.h"
#include "egress.h"
#include "shape.h"
#include "txn.h"

/* XNU enables low-latency handling for interfaces named with this prefix. */
#define NETIF_LL_PREFIX "llw"

bool nexus_low_latency(const char *ifname, bool flag)
{
	return flag || strncmp(ifname, NETIF_LL_PREFIX, strlen(NETIF_LL_PREFIX)) == 0;
}

void attach_req_defaults(struct attach_req *req)
{
	if (!req->rx_slots)
		req->rx_slots = NETIF_RX_SLOTS_DEF;
	if (!req->tx_slots)
		req->tx_slots = NETIF_TX_SLOTS_DEF;
	if (!req->buf_size)
		req->buf_size = NETIF_BUF_SIZE_DEF;
	if (!req->max_flows)
		req->max_flows = NETIF_MAX_FLOWS_DEF;
}

static int check_range(const char *name, uint32_t v, uint32_t lo, uint32_t hi,
		       struct netif_extack *ext)
{
	if (v >= lo && v <= hi)
		return 0;
	netif_extack_set(ext, "%s %u out of range [%u, %u]", name, v, lo, hi);
	return -EINVAL;
}

int attach_req_check(const struct attach_req *req, struct netif_extack *ext)
{
	int err;

	if (!req->ifname[0]) {
		netif_extack_set(ext, "interface name missing");
		return -EINVAL;
	}
	if (req->mode > NETIF_MODE_COMPAT) {
		netif_extack_set(ext, "mode %u invalid (native, compat or auto)", req->mode);
		return -EINVAL;
	}
	err = check_range("rx-slots", req->rx_slots, NETIF_RX_SLOTS_MIN, NETIF_RX_SLOTS_MAX, ext) ?:
	      check_range("tx-slots", req->tx_slots, NETIF_TX_SLOTS_MIN, NETIF_TX_SLOTS_MAX, ext) ?:
	      check_range("buf-size", req->buf_size, NETIF_BUF_SIZE_MIN, NETIF_BUF_SIZE_MAX, ext) ?:
	      check_range("max-flows", req->max_flows, NETIF_MAX_FLOWS_MIN, NETIF_MAX_FLOWS_MAX, ext);
	if (err)
		return err;
	/* AF_XDP rings are powers of two; so are XNU's in practice. */
	if (req->rx_slots & (req->rx_slots - 1)) {
		netif_extack_set(ext, "rx-slots %u must be a power of two", req->rx_slots);
		return -EINVAL;
	}
	if (req->tx_slots & (req->tx_slots - 1)) {
		netif_extack_set(ext, "tx-slots %u must be a power of two", req->tx_slots);
		return -EINVAL;
	}
	return 0;
}

struct netif *nexus_find(struct agent *ag, const char *ifname)
{
	struct netif *nif, *tmp;

	HASH_ITER(hh, ag->netifs, nif, tmp)
		if (strcmp(nif->ifname, ifname) == 0)
			return nif;
	return NULL;
}

struct netif *nexus_find_index(struct agent *ag, int ifindex)
{
	struct netif *nif;

	HASH_FIND_INT(ag->netifs, &ifindex, nif);
	return nif;
}

static void netif_free(struct netif *nif)
{
	flow_table_free(&nif->flows);
	llink_fini(nif);
	shape_release(nif);
	reinject_fini(nif);
	free(nif);
}

int nexus_instantiate(struct agent *ag, const struct attach_req *req, const struct link_info *li,
		      struct netif **out, struct netif_extack *ext)
{
	struct dp_load_opts lo = {
		.pin_root = ag->pin_root[0] ? ag->pin_root : NULL,
		.ifname = li->name,
		.max_flows = req->max_flows,
	};
	struct netif *nif;
	int err;

	nif = calloc(1, sizeof(*nif));
	if (!nif)
		return -ENOMEM;
	nif->ifindex = li->ifindex;
	snprintf(nif->ifname, sizeof(nif->ifname), "%s", li->name);
	lo.low_latency = nexus_low_latency(li->name, req->low_latency);
	err = flow_table_init(&nif->flows, req->max_flows);
	if (err)
		goto fail_free;
	err = dp_load(&nif->dp, &lo, ext);
	if (err)
		goto fail_free;

	nif->cfg.ifindex = li->ifindex;
	memcpy(nif->cfg.mac, li->mac, 6);
	nif->cfg.default_action = NETIF_ACTION_PASS;
	nif->cfg.flags = lo.low_latency ? NETIF_CFG_F_LOW_LATENCY : 0;
	while (!nif->cfg.reinject_cookie)
		if (getrandom(&nif->cfg.reinject_cookie, sizeof(nif->cfg.reinject_cookie), 0) < 0)
			break;

	uuid_generate_random(nif->info.uuid);
	snprintf(nif->info.ifname, sizeof(nif->info.ifname), "%s", li->name);
	nif->info.ifindex = li->ifindex;
	nif->info.requested_mode = req->mode;
	nif->info.low_latency = lo.low_latency;
	nif->info.rx_slots = req->rx_slots;
	nif->info.tx_slots = req->tx_slots;
	nif->info.buf_size = req->buf_size;
	nif->info.max_flows = req->max_flows;
	nif->info.attach_time = time(NULL);
	nif->info.mtu = li->mtu;
	nif->link_up = li->up && li->running;
	nif->info.rx_queues = li->num_rx_queues ? li->num_rx_queues : 1;
	nif->info.tx_queues = li->num_tx_queues ? li->num_tx_queues : 1;
	if (ag->pin_root[0])
		link_real_queues(li->name, &nif->info.rx_queues, &nif->info.tx_queues);
	nif->cfg.tx_queues = nif->info.tx_queues;

	err = llink_init_default(nif, ext);
	if (err)
		goto fail_dp;
	err = dp_cfg_write(&nif->dp, &nif->cfg);
	if (!err)
		err = dp_info_write(&nif->dp, &nif->info);
	if (err) {
		netif_extack_set(ext, "cannot initialise the netif maps: %s", strerror(-err));
		goto fail_dp;
	}
	*out = nif;
	return 0;

fail_dp:
	dp_destroy(&nif->dp);
fail_free:
	netif_free(nif);
	return err;
}

static void publish(struct netif *nif, uint8_t kind, const struct link_info *li)
{
	struct netif_event ev = { .kind = kind, .ifname = nif->ifname, .nif = nif };

	if (li) {
		ev.has_link = true;
		ev.up = li->up && li->running;
		ev.mtu = li->mtu;
		memcpy(ev.mac, li->mac, 6);
	}
	events_publish(&ev);
}

struct attach_step {
	struct agent *ag;
	struct netif *nif;
};

static void undo_attach(void *arg, const void *data)
{
	const struct attach_step *st = data;

	nexus_destroy(st->ag, st->nif);
}

static void announce_attach(void *arg, const void *data)
{
	const struct attach_step *st = data;

	publish(st->nif, NETIF_EVENT_ATTACH, NULL);
}

int nexus_attach(struct agent *ag, const struct attach_req *req, struct netif **out,
		 struct netif_extack *ext)
{
	struct txn t;
	int err;

	txn_init(&t);
	err = nexus_attach_txn(ag, req, &t, out, ext);
	if (err)
		txn_abort(&t);
	else
		txn_commit(&t);
	return err;
}

int nexus_attach_txn(struct agent *ag, const struct attach_req *req, struct txn *t,
		     struct netif **out, struct netif_extack *ext)
{
	struct attach_step st = { .ag = ag };
	struct link_info li;
	struct netif *nif;
	int mode_used = 0, err;
	char u[37];

	err = attach_req_check(req, ext);
	if (err)
		return err;
	err = rtnl_link_get(0, req->ifname, &li);
	if (err) {
		netif_extack_set(ext, "no such interface: %s", req->ifname);
		return -ENXIO;
	}
	nif = nexus_find_index(ag, li.ifindex);
	if (nif) {
		uuid_unparse(nif->info.uuid, u);
		netif_extack_set(ext, "%s is already attached (uuid %s)", li.name, u);
		return -EBUSY;
	}
	err = nexus_instantiate(ag, req, &li, &nif, ext);
	if (err)
		return err;
	err = dp_attach_xdp(&nif->dp, li.ifindex, req->mode, &mode_used, ext);
	if (err)
		goto fail;
	nif->info.mode = mode_used;
	err = egress_attach(nif, ext);
	if (err)
		goto fail;
	err = dp_info_write(&nif->dp, &nif->info);
	if (err) {
		netif_extack_set(ext, "cannot record the attachment: %s", strerror(-err));
		goto fail;
	}
	HASH_ADD_INT(ag->netifs, ifindex, nif);
	uuid_unparse(nif->info.uuid, u);
	pr_info("attached %s (ifindex %d, %s mode) uuid %s", nif->ifname, nif->ifindex,
		netif_mode_name(mode_used), u);
	*out = nif;
	st.nif = nif;
	/* late: the exception path's resyncs of this transaction look at it */
	return txn_undo_late(t, undo_attach, NULL, &st, sizeof(st)) ?:
	       txn_on_commit(t, announce_attach, NULL, &st, sizeof(st));
fail:
	egress_detach(nif);
	dp_destroy(&nif->dp);
	netif_free(nif);
	return err;
}

void nexus_destroy(struct agent *ag, struct netif *nif)
{
	if (nexus_find_index(ag, nif->ifindex) == nif)
		HASH_DEL(ag->netifs, nif);
	exception_netif_fini(nif);
	egress_detach(nif);
	dp_destroy(&nif->dp);
	pr_info("detached %s", nif->ifname);
	netif_free(nif);
}

int nexus_detach(struct agent *ag, struct netif *nif, const uint8_t *uuid,
		 struct netif_extack *ext)
{
	if (uuid && uuid_is_null(uuid)) {
		netif_extack_set(ext, "netif uuid is null");
		return -EINVAL;
	}
	if (!nif) {
		netif_extack_set(ext, "interface is not attached");
		return -ENXIO;
	}
	if (uuid && uuid_compare(uuid, nif->info.uuid) != 0) {
		netif_extack_set(ext, "uuid does not match the netif attached to %s", nif->ifname);
		return -ESRCH;
	}
	if (exception_channel_count(nif) > 0) {
		netif_extack_set(ext, "%s has %u open channel(s); close them first", nif->ifname,
				 exception_channel_count(nif));
		return -EBUSY;
	}
	publish(nif, NETIF_EVENT_DETACH, NULL);
	nexus_destroy(ag, nif);
	return 0;
}

static void remove_stale(const char *dir)
{
	struct dataplane dp;

	dp_init(&dp);
	snprintf(dp.pin_dir, sizeof(dp.pin_dir), "%s", dir);
	dp_destroy(&dp);
}

/* A re-adopted netif runs this build's programs if they load and every map still fits. */
static void upgrade_programs(struct netif *nif)
{
	struct dp_load_opts lo = { .low_latency = nif->info.low_latency };
	int tc_fd, up = dp_upgrade(&nif->dp, &lo, &tc_fd);

	if (tc_fd >= 0 && egress_upgrade(nif, tc_fd) == 0)
		up = 1;
	if (up > 0)
		pr_info("%s: programs upgraded in place", nif->ifname);
}

static int adopt_one(struct agent *ag, const char *dir)
{
	struct link_info li;
	struct netif *nif;
	int ifindex, err;

	nif = calloc(1, sizeof(*nif));
	if (!nif)
		return -ENOMEM;
	err = dp_adopt(&nif->dp, dir);
	if (err)
		goto stale;
	ifindex = dp_xdp_link_ifindex(&nif->dp);
	if (!ifindex || dp_info_read(&nif->dp, &nif->info) || dp_cfg_read(&nif->dp, &nif->cfg) ||
	    rtnl_link_get(ifindex, NULL, &li)) {
		pr_info("%s: interface gone, removing its pins", dir);
		dp_close(&nif->dp);
		goto stale;
	}
	nif->ifindex = ifindex;
	snprintf(nif->ifname, sizeof(nif->ifname), "%s", li.name);
	upgrade_programs(nif);
	err = flow_table_init(&nif->flows, nif->info.max_flows);
	if (!err)
		err = llink_rebuild(nif);
	if (!err)
		err = egress_adopt(nif); /* shaping classes before the flows that use them */
	if (!err)
		err = flow_table_rebuild(nif);
	if (!err)
		err = exception_adopt(nif);
	if (err) {
		pr_warn("%s: cannot rebuild state from pins: %s; leaving it untouched", dir,
			strerror(-err));
		dp_close(&nif->dp);
		netif_free(nif);
		return err;
	}
	HASH_ADD_INT(ag->netifs, ifindex, nif);
	/* MAC/MTU/name may have changed while we were away */
	nexus_link_event(&li, false, ag);
	pr_info("re-adopted %s (ifindex %d) with %u flow(s)", nif->ifname, nif->ifindex,
		nif->flows.count);
	return 0;
stale:
	netif_free(nif);
	remove_stale(dir);
	return 0;
}

int nexus_adopt_all(struct agent *ag)
{
	struct dirent *de;
	DIR *d;

	d = opendir(ag->pin_root);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		char dir[PATH_MAX];

		if (de->d_name[0] == '.' || de->d_type != DT_DIR)
			continue;
		snprintf(dir, sizeof(dir), "%s/%s", ag->pin_root, de->d_name);
		adopt_one(ag, dir);
	}
	closedir(d);
	return 0;
}

void nexus_release_all(struct agent *ag)
{
	struct netif *nif, *tmp;

	HASH_ITER(hh, ag->netifs, nif, tmp) {
		HASH_DEL(ag->netifs, nif);
		exception_netif_fini(nif);
		egress_release(nif);
		dp_close(&nif->dp);
		netif_free(nif);
	}
}

static void rename_pins(struct netif *nif, const char *newname)
{
	char newdir[PATH_MAX], *slash;

	if (!nif->dp.pin_dir[0])
		return;
	snprintf(newdir, sizeof(newdir), "%s", nif->dp.pin_dir);
	slash = strrchr(newdir, '/');
	if (!slash)
		return;
	snprintf(slash + 1, sizeof(newdir) - (slash + 1 - newdir), "%s", newname);
	if (rename(nif->dp.pin_dir, newdir) < 0) {
		pr_warn("cannot move pins %s to %s: %s", nif->dp.pin_dir, newdir, strerror(errno));
		return;
	}
	snprintf(nif->dp.pin_dir, sizeof(nif->dp.pin_dir), "%s", newdir);
}

void nexus_link_event(const struct link_info *li, bool deleted, void *data)
{
	struct agent *ag = data;
	struct netif *nif = nexus_find_index(ag, li->ifindex);
	bool changed = false, advise = false;

	if (!nif)
		return;
	if (deleted) {
		pr_info("%s disappeared: detaching", nif->ifname);
		publish(nif, NETIF_EVENT_DETACH, NULL);
		nexus_destroy(ag, nif);
		return;
	}
	if (li->name[0] && strcmp(li->name, nif->ifname) != 0) {
		pr_info("%s renamed to %s", nif->ifname, li->name);
		rename_pins(nif, li->name);
		snprintf(nif->ifname, sizeof(nif->ifname), "%s", li->name);
		snprintf(nif->info.ifname, sizeof(nif->info.ifname), "%s", li->name);
		changed = true;
	}
	if (memcmp(li->mac, nif->cfg.mac, 6) != 0) {
		pr_info("%s: MAC address changed", nif->ifname);
		memcpy(nif->cfg.mac, li->mac, 6);
		dp_cfg_write(&nif->dp, &nif->cfg);
		advise = true;
	}
	if (li->mtu && li->mtu != nif->info.mtu) {
		pr_info("%s: MTU %u -> %u", nif->ifname, nif->info.mtu, li->mtu);
		nif->info.mtu = li->mtu;
		changed = advise = true;
	}
	if ((li->up && li->running) != nif->link_up) {
		nif->link_up = li->up && li->running;
		pr_info("%s: link %s", nif->ifname, nif->link_up ? "up" : "down");
		advise = true;
	}
	if (changed)
		dp_info_write(&nif->dp, &nif->info);
	/* the interface advisory: clients hear about changes, not every netlink echo */
	if (advise)
		publish(nif, NETIF_EVENT_LINK, li);
}

void nexus_link_resync(struct agent *ag)
{
	struct netif *nif, *tmp;
	struct link_info li;

	HASH_ITER(hh, ag->netifs, nif, tmp) {
		if (rtnl_link_get(nif->ifindex, NULL, &li) == -ENODEV) {
			memset(&li, 0, sizeof(li));
			li.ifindex = nif->ifindex;
			nexus_link_event(&li, true, ag);
		} else {
			nexus_link_event(&li, false, ag);
		}
	}
}
