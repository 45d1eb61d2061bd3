// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stdarg.h>
#include <stdio.h>
#include "extack.h"

void netif_extack_set(struct netif_extack *ext, const char *fmt, ...)
{
	va_list ap;

	if (!ext)
		return;
	va_start(ap, fmt);
	vsnprintf(ext->msg, sizeof(ext->msg), fmt, ap);
	va_end(ap);
}
