// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The packet parser of the fast path and of netifd's client-transmit
 * check (include/netif/parse.h), built for userspace and fed any bytes as
 * a frame. The frame is an exact heap copy, so a read one byte past it is
 * an ASan report; whatever the parser says it found must lie inside.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "netif/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *frame = malloc(size ? size : 1);
	struct netif_pkt p;
	int ret;

	if (!frame)
		return 0;
	memcpy(frame, data, size);
	memset(&p, 0, sizeof(p));
	ret = netif_parse(frame, frame + size, &p);
	if (ret == NETIF_PARSE_OK) {
		if ((uint8_t *)p.eth != frame || p.len != size || size < 14)
			abort();
		if ((uint8_t *)p.l3 < frame + 14 || (uint8_t *)p.l3 > frame + size)
			abort();
		if (p.family != 0 && p.family != 4 && p.family != 6)
			abort();
		if (p.nvlans > NETIF_MAX_VLANS)
			abort();
	}
	free(frame);
	return 0;
}
