// SPDX-License-Identifier: GPL-2.0
/* The release version (version.h); SAKER_VERSION comes from the Makefile. */
#include "version.h"

/* Built outside the Makefile (cppcheck, an IDE): say so rather than guess. */
#ifndef SAKER_VERSION
#define SAKER_VERSION "unknown"
#endif

const char *saker_version(void)
{
	return SAKER_VERSION;
}
