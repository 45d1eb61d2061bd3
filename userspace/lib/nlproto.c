// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "nlproto.h"

#define P_U8(n) { .name = n, .type = MNL_TYPE_U8 }
#define P_U16(n) { .name = n, .type = MNL_TYPE_U16 }
#define P_U32(n) { .name = n, .type = MNL_TYPE_U32 }
#define P_U64(n) { .name = n, .type = MNL_TYPE_U64 }
#define P_FLAG(n) { .name = n, .type = MNL_TYPE_FLAG }
#define P_NEST(n) { .name = n, .type = MNL_TYPE_NESTED }
#define P_STR(n, max) { .name = n, .type = MNL_TYPE_NUL_STRING, .min_len = 1, .max_len = max }
/* the same with the words a "... missing" error uses */
#define D_U32(n, d) { .name = n, .desc = d, .type = MNL_TYPE_U32 }
#define D_U64(n, d) { .name = n, .desc = d, .type = MNL_TYPE_U64 }
#define D_U8(n, d) { .name = n, .desc = d, .type = MNL_TYPE_U8 }
#define D_NEST(n, d) { .name = n, .desc = d, .type = MNL_TYPE_NESTED }
#define D_STR(n, d, max) { .name = n, .desc = d, .type = MNL_TYPE_NUL_STRING, .min_len = 1, \
			   .max_len = max }
#define P_BIN(n, lo, hi) { .name = n, .type = MNL_TYPE_BINARY, .min_len = lo, .max_len = hi }

const struct netif_attr_policy netif_policy[NETIF_A_MAX + 1] = {
	[NETIF_A_IFNAME] = D_STR("ifname", "interface name (dev)", 15),
	[NETIF_A_IFINDEX] = P_U32("ifindex"),
	[NETIF_A_UUID] = P_BIN("uuid", 16, 16),
	[NETIF_A_MODE] = P_U8("mode"),
	[NETIF_A_RX_SLOTS] = P_U32("rx-slots"),
	[NETIF_A_TX_SLOTS] = P_U32("tx-slots"),
	[NETIF_A_BUF_SIZE] = P_U32("buf-size"),
	[NETIF_A_MAX_FLOWS] = P_U32("max-flows"),
	[NETIF_A_LOW_LATENCY] = P_FLAG("low-latency"),
	[NETIF_A_DEFAULT_ACTION] = P_U8("default-action"),
	[NETIF_A_INPUT_RATE] = P_U64("input-rate"),
	[NETIF_A_INPUT_BURST] = P_U64("burst"),
	[NETIF_A_MAC] = P_BIN("mac", 6, 6),
	[NETIF_A_MTU] = P_U32("mtu"),
	[NETIF_A_FLOW_COUNT] = P_U32("flows"),
	[NETIF_A_ATTACH_TIME] = P_U64("attach-time"),
	[NETIF_A_FLOW] = D_NEST("flow", "flow description"),
	[NETIF_A_STATS] = P_NEST("stats"),
	[NETIF_A_STAT] = P_NEST("stat"),
	[NETIF_A_REQUESTED_MODE] = P_U8("requested-mode"),
	[NETIF_A_SHAPE_RATE] = P_U64("shape"),
	[NETIF_A_VLAN_POLICY] = P_U8("unknown-vlan"),
	[NETIF_A_LLINK] = D_NEST("llink", "llink description"),
	[NETIF_A_LLINK_INFO_VERSION] = P_U32("llink-info-version"),
	[NETIF_A_FILTER] = D_NEST("filter", "filter description"),
	[NETIF_A_PORT] = D_U32("port", "client port"),
	[NETIF_A_CHANNEL] = P_NEST("channel"),
	[NETIF_A_EVENT] = P_NEST("event"),
	[NETIF_A_RX_QUEUES] = P_U32("rx-queues"),
	[NETIF_A_TX_QUEUES] = P_U32("tx-queues"),
	[NETIF_A_CLEANUP] = P_FLAG("cleanup"),
	[NETIF_A_CONFIG] = D_NEST("config", "configuration text"),
	[NETIF_A_CHANGE] = P_NEST("change"),
	[NETIF_A_FEATURES] = P_U64("features"),
};

const struct netif_attr_policy netif_flow_policy[NETIF_FA_MAX + 1] = {
	[NETIF_FA_UUID] = P_BIN("uuid", 16, 16),
	[NETIF_FA_TYPE] = D_U8("type", "flow type"),
	[NETIF_FA_DIR] = P_U8("dir"),
	[NETIF_FA_ETHERTYPE] = P_U16("ethertype"),
	[NETIF_FA_FAMILY] = P_U8("family"),
	[NETIF_FA_PROTO] = P_U8("proto"),
	[NETIF_FA_SRC] = P_BIN("src", 4, 16),
	[NETIF_FA_DST] = P_BIN("dst", 4, 16),
	[NETIF_FA_SPORT] = P_U16("sport"),
	[NETIF_FA_DPORT] = P_U16("dport"),
	[NETIF_FA_LOCAL] = P_BIN("local", 16, 16),
	[NETIF_FA_REMOTE] = P_BIN("remote", 16, 16),
	[NETIF_FA_ACTION] = P_U8("action"),
	[NETIF_FA_REDIRECT_DEV] = P_STR("redirect dev", 15),
	[NETIF_FA_PORT] = P_U8("port"),
	[NETIF_FA_RATE] = P_U64("rate"),
	[NETIF_FA_BURST] = P_U64("burst"),
	[NETIF_FA_SHAPE] = P_U64("shape"),
	[NETIF_FA_QSET_HINT] = P_U32("qset-hint"),
	[NETIF_FA_LLINK] = P_U64("llink"),
	[NETIF_FA_PACKETS] = P_U64("packets"),
	[NETIF_FA_BYTES] = P_U64("bytes"),
	[NETIF_FA_DROPS] = P_U64("drops"),
	[NETIF_FA_RATE_LIMITED] = P_U64("rate_limited"),
	[NETIF_FA_FLOW_ID] = P_U32("flow-id"),
};

const struct netif_attr_policy netif_stat_policy[NETIF_SA_MAX + 1] = {
	[NETIF_SA_NAME] = P_STR("name", 63),
	[NETIF_SA_VALUE] = P_U64("value"),
};

const struct netif_attr_policy netif_llink_policy[NETIF_LA_MAX + 1] = {
	[NETIF_LA_LINK_ID] = D_U64("id", "llink id"),
	[NETIF_LA_INTERNAL_ID] = P_U16("internal-id"),
	[NETIF_LA_STATE] = P_U8("state"),
	[NETIF_LA_FLAGS] = P_U32("flags"),
	[NETIF_LA_VLAN] = P_U16("vlan"),
	[NETIF_LA_QSET] = { .name = "qset", .type = MNL_TYPE_NESTED, .multi = true },
	[NETIF_LA_RX_PACKETS] = P_U64("rx-packets"),
	[NETIF_LA_RX_BYTES] = P_U64("rx-bytes"),
	[NETIF_LA_TX_PACKETS] = P_U64("tx-packets"),
	[NETIF_LA_TX_BYTES] = P_U64("tx-bytes"),
};

const struct netif_attr_policy netif_qset_policy[NETIF_QA_MAX + 1] = {
	[NETIF_QA_ID] = P_U32("id"),
	[NETIF_QA_FLAGS] = P_U32("flags"),
	[NETIF_QA_RX_QUEUES] = P_U32("rx"),
	[NETIF_QA_TX_QUEUES] = P_U32("tx"),
	[NETIF_QA_RX_BASE] = P_U32("rx-base"),
	[NETIF_QA_TX_BASE] = P_U32("tx-base"),
	[NETIF_QA_RATE] = P_U64("rate"),
	[NETIF_QA_BURST] = P_U64("burst"),
	[NETIF_QA_SHAPE] = P_U64("shape"),
	[NETIF_QA_RX_PACKETS] = P_U64("rx-packets"),
	[NETIF_QA_TX_PACKETS] = P_U64("tx-packets"),
	[NETIF_QA_DROPS] = P_U64("drops"),
};

const struct netif_attr_policy netif_filter_policy[NETIF_FIA_MAX + 1] = {
	[NETIF_FIA_ID] = D_U32("id", "filter id"),
	[NETIF_FIA_KIND] = D_STR("kind", "filter kind (pcap, count or drop)", 31),
	[NETIF_FIA_ARG] = P_STR("argument", 1023),
	[NETIF_FIA_NAME] = D_STR("name", "filter name", 63),
	[NETIF_FIA_PACKETS] = P_U64("packets"),
	[NETIF_FIA_DROPS] = P_U64("drops"),
	[NETIF_FIA_DIR] = P_U8("dir"),
};

const struct netif_attr_policy netif_chan_policy[NETIF_CA_MAX + 1] = {
	[NETIF_CA_RX_SLOTS] = P_U32("rx-slots"),
	[NETIF_CA_TX_SLOTS] = P_U32("tx-slots"),
	[NETIF_CA_BUF_SIZE] = P_U32("buf-size"),
	[NETIF_CA_RING_SIZE] = P_U64("ring-size"),
	[NETIF_CA_PID] = P_U32("pid"),
	[NETIF_CA_RX_PACKETS] = P_U64("rx-packets"),
	[NETIF_CA_RX_DROPS] = P_U64("rx-drops"),
	[NETIF_CA_TX_PACKETS] = P_U64("tx-packets"),
	[NETIF_CA_TX_DROPS] = P_U64("tx-drops"),
};

const struct netif_attr_policy netif_event_policy[NETIF_EA_MAX + 1] = {
	[NETIF_EA_KIND] = P_U8("kind"),
	[NETIF_EA_UP] = P_U8("up"),
	[NETIF_EA_MTU] = P_U32("mtu"),
	[NETIF_EA_MAC] = P_BIN("mac", 6, 6),
	[NETIF_EA_PID] = P_U32("pid"),
	[NETIF_EA_NAME] = P_STR("name", 63),
	[NETIF_EA_LOST] = P_U32("lost"),
};

const struct netif_attr_policy netif_config_policy[NETIF_CFA_MAX + 1] = {
	[NETIF_CFA_TEXT] = P_BIN("text", 0, NETIF_CONFIG_CHUNK),
	[NETIF_CFA_OFFSET] = D_U64("offset", "chunk offset"),
	[NETIF_CFA_MORE] = P_FLAG("more"),
	[NETIF_CFA_DRY_RUN] = P_FLAG("dry-run"),
	[NETIF_CFA_NAME] = P_STR("name", 255),
};

const struct netif_attr_policy netif_change_policy[NETIF_CHA_MAX + 1] = {
	[NETIF_CHA_OP] = P_U8("op"),
	[NETIF_CHA_OBJECT] = P_STR("object", 63),
	[NETIF_CHA_ID] = P_STR("id", 63),
	[NETIF_CHA_TEXT] = P_STR("text", 4095),
	[NETIF_CHA_LINE] = P_U32("line"),
};

struct nlmsghdr *netif_msg_start(void *buf, uint8_t cmd, uint16_t flags, uint32_t seq)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = NETIF_NL_TYPE;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = NETIF_NL_VERSION;
	return nlh;
}

int netif_msg_cmd(const struct nlmsghdr *nlh)
{
	const struct genlmsghdr *g;

	if (nlh->nlmsg_type != NETIF_NL_TYPE || nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(*g))
		return -1;
	g = mnl_nlmsg_get_payload(nlh);
	return g->cmd;
}

struct parse_ctx {
	const struct netif_attr_policy *pol;
	int maxtype;
	const struct nlattr **tb;
	struct netif_extack *ext;
};

static int validate_attr(const struct nlattr *a, void *data)
{
	struct parse_ctx *pc = data;
	int type = mnl_attr_get_type(a);
	const struct netif_attr_policy *p;
	uint16_t len = mnl_attr_get_payload_len(a);

	if (type <= 0 || type > pc->maxtype || pc->pol[type].type == MNL_TYPE_UNSPEC) {
		netif_extack_set(pc->ext, "unknown attribute type %d", type);
		goto bad;
	}
	p = &pc->pol[type];
	if (pc->tb[type] && !p->multi) {
		netif_extack_set(pc->ext, "duplicate attribute \"%s\"", p->name);
		goto bad;
	}
	switch (p->type) {
	case MNL_TYPE_BINARY:
		if (len < p->min_len || len > p->max_len)
			goto bad_len;
		break;
	case MNL_TYPE_NUL_STRING:
		if (mnl_attr_validate(a, MNL_TYPE_NUL_STRING) < 0)
			goto bad_len;
		if (strlen(mnl_attr_get_str(a)) < p->min_len ||
		    strlen(mnl_attr_get_str(a)) > p->max_len)
			goto bad_len;
		break;
	default:
		if (mnl_attr_validate(a, p->type) < 0)
			goto bad_len;
		break;
	}
	if (!pc->tb[type])
		pc->tb[type] = a;
	return MNL_CB_OK;

bad_len:
	netif_extack_set(pc->ext, "attribute \"%s\" has an invalid length (%u)", p->name, len);
bad:
	if (pc->ext)
		pc->ext->bad_attr = a;
	errno = EINVAL;
	return MNL_CB_ERROR;
}

static void parse_common(const struct netif_attr_policy *pol, int maxtype,
			 const struct nlattr **tb, struct netif_extack *ext,
			 struct parse_ctx *pc)
{
	memset(tb, 0, sizeof(*tb) * (maxtype + 1));
	pc->pol = pol;
	pc->maxtype = maxtype;
	pc->tb = tb;
	pc->ext = ext;
}

/*
 * Walk the attributes in start[0..len) with every length checked against
 * len in size_t arithmetic (mnl_attr_for_each() compares as int): each
 * header must fit, each nla_len must cover its header and stay inside the
 * region, and the walk must end exactly at the end (the last attribute may
 * omit its padding).
 */
static int walk_attrs(const void *start, size_t len, struct parse_ctx *pc, const struct nlattr *nest)
{
	const char *base = start;
	size_t off = 0;

	while (len - off >= NLA_HDRLEN) {
		const struct nlattr *a = (const struct nlattr *)(base + off);
		uint16_t alen = a->nla_len;

		if (alen < NLA_HDRLEN || alen > len - off) {
			netif_extack_set(pc->ext, "truncated attribute (length %u, %zu bytes left)", alen,
					 len - off);
			if (pc->ext)
				pc->ext->bad_attr = a;
			return -EINVAL;
		}
		if (validate_attr(a, pc) != MNL_CB_OK)
			return -EINVAL;
		off += (size_t)NLA_ALIGN(alen) < len - off ? (size_t)NLA_ALIGN(alen) : len - off;
	}
	if (off != len) {
		netif_extack_set(pc->ext, nest ? "trailing garbage in nested attribute"
					       : "trailing garbage after attributes");
		goto bad;
	}
	return 0;
bad:
	if (pc->ext && nest)
		pc->ext->bad_attr = nest;
	return -EINVAL;
}

int netif_attr_parse(const struct nlmsghdr *nlh, const struct netif_attr_policy *pol,
		     int maxtype, const struct nlattr **tb, struct netif_extack *ext)
{
	size_t hdr = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct genlmsghdr));
	struct parse_ctx pc;

	parse_common(pol, maxtype, tb, ext, &pc);
	if (nlh->nlmsg_len < hdr) {
		netif_extack_set(ext, "message too short");
		return -EINVAL;
	}
	return walk_attrs((const char *)nlh + hdr, nlh->nlmsg_len - hdr, &pc, NULL);
}

int netif_attr_parse_nested(const struct nlattr *nest, const struct netif_attr_policy *pol,
			    int maxtype, const struct nlattr **tb, struct netif_extack *ext)
{
	struct parse_ctx pc;

	parse_common(pol, maxtype, tb, ext, &pc);
	if (nest->nla_len < NLA_HDRLEN) {
		netif_extack_set(ext, "truncated nested attribute");
		return -EINVAL;
	}
	return walk_attrs((const char *)nest + NLA_HDRLEN, nest->nla_len - NLA_HDRLEN, &pc, nest);
}

int netif_msg_next(const void *buf, size_t len, size_t *off, const struct nlmsghdr **out)
{
	const struct nlmsghdr *nlh;
	size_t left;

	*out = NULL;
	if (*off >= len)
		return 0;
	left = len - *off;
	nlh = (const struct nlmsghdr *)((const char *)buf + *off);
	if (left < NLMSG_HDRLEN || nlh->nlmsg_len < NLMSG_HDRLEN || nlh->nlmsg_len > left)
		return -EBADMSG;
	*out = nlh;
	/* the last message may omit its padding */
	*off += NLMSG_ALIGN(nlh->nlmsg_len) < left ? NLMSG_ALIGN(nlh->nlmsg_len) : left;
	return 1;
}

int netif_attr_require(const struct nlattr *const *tb, const struct netif_attr_policy *pol,
		       int maxtype, uint64_t required, struct netif_extack *ext)
{
	int i;

	for (i = 1; i <= maxtype && i < 64; i++) {
		if (!(required & NETIF_ATTR_BIT(i)) || tb[i])
			continue;
		netif_extack_set(ext, "%s missing", pol[i].desc ? pol[i].desc : pol[i].name);
		return -EINVAL;
	}
	return 0;
}

size_t netif_msg_put_error(void *buf, size_t size, const struct nlmsghdr *req, int err,
			   const struct netif_extack *ext)
{
	struct nlmsghdr *nlh;
	struct nlmsgerr *e;

	/* header, the echoed request header, the message (256) and the offset */
	if (size < NLMSG_HDRLEN + sizeof(*e) + 2 * NLA_HDRLEN + 256 + 4)
		return 0;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_flags = NLM_F_CAPPED;
	nlh->nlmsg_seq = req->nlmsg_seq;
	nlh->nlmsg_pid = req->nlmsg_pid;
	e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));
	e->error = err;
	e->msg = *req;
	if (ext && ext->msg[0]) {
		nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, ext->msg);
		if (ext->bad_attr) {
			uint32_t off = (const char *)ext->bad_attr - (const char *)req;

			if (off < req->nlmsg_len)
				mnl_attr_put_u32(nlh, NLMSGERR_ATTR_OFFS, off);
		}
	}
	return nlh->nlmsg_len;
}

int netif_msg_parse_error(const struct nlmsghdr *nlh, char *msg, size_t msglen)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	size_t off = NLMSG_HDRLEN + sizeof(*e), echoed;

	if (msg && msglen)
		msg[0] = '\0';
	if (nlh->nlmsg_len < off)
		return -EBADMSG;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || !msg)
		return e->error;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
		/* the whole request is echoed: its length is the peer's word, check it */
		if (e->msg.nlmsg_len < sizeof(e->msg))
			return e->error;
		echoed = NLMSG_ALIGN((size_t)e->msg.nlmsg_len - sizeof(e->msg));
		if (echoed > nlh->nlmsg_len - off)
			return e->error;
		off += echoed;
	}
	while (nlh->nlmsg_len - off >= NLA_HDRLEN) {
		const struct nlattr *a = (const struct nlattr *)((const char *)nlh + off);

		if (a->nla_len < NLA_HDRLEN || a->nla_len > nlh->nlmsg_len - off)
			break;
		if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG &&
		    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0) {
			snprintf(msg, msglen, "%s", mnl_attr_get_str(a));
			break;
		}
		off += NLA_ALIGN(a->nla_len);
		if (off > nlh->nlmsg_len)
			break;
	}
	return e->error;
}
