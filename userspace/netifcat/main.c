// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stdio.h>
int main(void)
{
	fprintf(stderr, "netifcat: not yet\n");
	return 1;
}
