/* SPDX-License-Identifier: GPL-2.0 */
/*
 * saker's release version, for --version and --support. It has one
 * source, PACKAGE_VERSION in dkms.conf (the module's DKMS version), which
 * the Makefile passes to version.c alone; test_version checks that the
 * module's MODULE_VERSION (kmod/saker.h) agrees.
 */
#ifndef SAKER_VERSION_H
#define SAKER_VERSION_H

/* "0.1.0" */
const char *saker_version(void);

#endif /* SAKER_VERSION_H */
