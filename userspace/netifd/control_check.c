// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * What a request must be before its handler sees it (control_check.h):
 * a netif request of our version, a known command, allowed to this peer,
 * its attributes parsed by the policy, none the command does not take,
 * and every one it needs present. The transport frames; this judges.
 */
#include <errno.h>
#include "control_check.h"
#include "peers.h"

int ctl_request_check(const struct ctl_cmd *cmds, size_t ncmds, bool may_mutate, struct ctl_req *r,
		      const struct ctl_cmd **out)
{
	const struct nlmsghdr *nlh = r->nlh;
	const struct genlmsghdr *g;
	const struct ctl_cmd *cmd;
	int i, err;

	if (nlh->nlmsg_type != NETIF_NL_TYPE || !(nlh->nlmsg_flags & NLM_F_REQUEST)) {
		netif_extack_set(&r->ext, "not a netif request");
		return -EPROTO;
	}
	if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(*g)) {
		netif_extack_set(&r->ext, "message too short");
		return -EINVAL;
	}
	g = mnl_nlmsg_get_payload(nlh);
	if (g->version != NETIF_NL_VERSION) {
		netif_extack_set(&r->ext, "protocol version %u not supported (this netifd speaks %u)",
				 g->version, NETIF_NL_VERSION);
		return -EOPNOTSUPP;
	}
	if (g->cmd >= ncmds || !cmds[g->cmd].fn) {
		netif_extack_set(&r->ext, "unknown command %u", g->cmd);
		return -EOPNOTSUPP;
	}
	cmd = &cmds[g->cmd];
	if (cmd->priv && !may_mutate) {
		if (peers_admin_group())
			netif_extack_set(&r->ext, "this command needs root or the admin group (peer uid %u)",
					 r->cred->uid);
		else
			netif_extack_set(&r->ext, "this command needs root (peer uid %u)", r->cred->uid);
		return -EPERM;
	}
	err = netif_attr_parse(nlh, netif_policy, NETIF_A_MAX, r->tb, &r->ext);
	if (err)
		return err;
	for (i = 1; i <= NETIF_A_MAX; i++) {
		if (r->tb[i] && !(cmd->allowed & NETIF_ATTR_BIT(i))) {
			netif_extack_set(&r->ext, "attribute \"%s\" is not valid for this command",
					 netif_policy[i].name);
			r->ext.bad_attr = r->tb[i];
			return -EINVAL;
		}
	}
	*out = cmd;
	return netif_attr_require(r->tb, netif_policy, NETIF_A_MAX, cmd->required, &r->ext);
}
