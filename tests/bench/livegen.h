/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef NETIF_TESTS_LIVEGEN_H
#define NETIF_TESTS_LIVEGEN_H

/* the source MAC of every frame livegen sends: its program sends nothing else */
#define LIVEGEN_SRC_MAC { 0x02, 0x02, 0x02, 0x02, 0x02, 0x03 }

#endif
