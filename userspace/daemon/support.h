/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sakerd --support: what a bug report needs, as one JSON object (Falco's
 * --support): versions, the system and kernel, the command line, the
 * configuration file(s) with their text, and each rule file's SHA-256.
 */
#ifndef SAKER_SUPPORT_H
#define SAKER_SUPPORT_H

#include <jansson.h>

#include "config.h"

/* cfg_path: -c's file or "(defaults)". NULL when out of memory; a file that cannot be read carries its "error". */
json_t *saker_support_json(const struct saker_config *cfg, const char *cfg_path,
			   int argc, char **argv);

#endif /* SAKER_SUPPORT_H */
