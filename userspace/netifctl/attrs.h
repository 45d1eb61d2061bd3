/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Reading netifd's replies: an attribute, or 0 (NULL) when netifd left it out. */
#ifndef NETIFCTL_ATTRS_H
#define NETIFCTL_ATTRS_H

#include <stdint.h>
#include <libmnl/libmnl.h>

static inline uint64_t attr_u32(const struct nlattr *a)
{
	return a ? mnl_attr_get_u32(a) : 0;
}

static inline uint64_t attr_u64(const struct nlattr *a)
{
	return a ? mnl_attr_get_u64(a) : 0;
}

static inline const char *attr_str(const struct nlattr *a)
{
	return a ? mnl_attr_get_str(a) : NULL;
}

#endif
