/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Shared helpers of the unit tests (header-only: each test links alone). */
#ifndef NETIF_UNIT_H
#define NETIF_UNIT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <libmnl/libmnl.h>
#include "nlproto.h"

/* A request message in buf with the given command, ready for attributes. */
static inline struct nlmsghdr *unit_msg(void *buf, uint8_t cmd)
{
	return netif_msg_start(buf, cmd, NLM_F_REQUEST | NLM_F_ACK, 1);
}

/* Run a table: one cmocka test per row, named after the row. */
#define UNIT_TESTS(rows, fn)                                                        \
	({                                                                          \
		static struct CMUnitTest _t[sizeof(rows) / sizeof((rows)[0])];     \
		for (size_t _i = 0; _i < sizeof(rows) / sizeof((rows)[0]); _i++) { \
			_t[_i].name = (rows)[_i].name;                              \
			_t[_i].test_func = fn;                                      \
			_t[_i].initial_state = (void *)&(rows)[_i];                 \
		}                                                                   \
		_t;                                                                 \
	})

#endif
