/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Service classes and WMM access categories, shared by the TC program and
 * the agent. A packet's service class comes from its DSCP when it carries
 * one (see netif_dscp_to_svc), otherwise from skb->priority read as an XNU
 * service class index (0 BE, 1 BK_SYS, 2 BK, 3 RD, 4 OAM, 5 AV, 6 RV,
 * 7 VI/SIG, 8 VO, 9 CTL; anything else BE). The four WMM TX queues of a
 * qset are ordered VO, VI, BE, BK.
 */
#ifndef NETIF_WMM_H
#define NETIF_WMM_H

#include <linux/types.h>

enum netif_svc {
	NETIF_SVC_BE = 0,
	NETIF_SVC_BK_SYS = 1,
	NETIF_SVC_BK = 2,
	NETIF_SVC_RD = 3,
	NETIF_SVC_OAM = 4,
	NETIF_SVC_AV = 5,
	NETIF_SVC_RV = 6,
	NETIF_SVC_VI = 7,
	NETIF_SVC_VO = 8,
	NETIF_SVC_CTL = 9,
	NETIF_SVC__MAX,
};

enum netif_wmm_ac {
	NETIF_WMM_VO = 0,
	NETIF_WMM_VI = 1,
	NETIF_WMM_BE = 2,
	NETIF_WMM_BK = 3,
};

/* XNU's service class to access category map. */
static inline __u32 netif_svc_to_wmm(__u32 svc)
{
	switch (svc) {
	case NETIF_SVC_BK_SYS:
	case NETIF_SVC_BK:
		return NETIF_WMM_BK;
	case NETIF_SVC_AV:
	case NETIF_SVC_RV:
	case NETIF_SVC_VI:
		return NETIF_WMM_VI;
	case NETIF_SVC_VO:
	case NETIF_SVC_CTL:
		return NETIF_WMM_VO;
	default: /* BE, RD, OAM and anything unknown */
		return NETIF_WMM_BE;
	}
}

/*
 * DSCP to service class, by class selector (the top three bits) with EF
 * singled out: CS1 background, CS2 OAM, CS3 video streaming (RV),
 * CS4 interactive video, CS5 signaling (VI), EF and CS6 voice/network
 * control, CS7 control.
 */
static inline __u32 netif_dscp_to_svc(__u8 dscp)
{
	if (dscp == 46) /* EF */
		return NETIF_SVC_VO;
	switch (dscp >> 3) {
	case 1:
		return NETIF_SVC_BK;
	case 2:
		return NETIF_SVC_OAM;
	case 3:
		return NETIF_SVC_RV;
	case 4:
	case 5:
		return NETIF_SVC_VI;
	case 6:
		return NETIF_SVC_VO;
	case 7:
		return NETIF_SVC_CTL;
	default:
		return NETIF_SVC_BE;
	}
}

#endif
