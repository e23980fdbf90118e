/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Certificates for the TLS tests (test_syslog_tls, test_http_output), made
 * when a suite starts with the openssl command, in a temporary directory:
 * ca.crt (a test CA), srv.crt/srv.key (localhost and 127.0.0.1, signed by
 * it), cli.crt/cli.key (a client, signed by it), other.crt (an unrelated
 * CA). EC P-256, valid 2 days. make_certs() and remove_certs() are Check's
 * unchecked fixture: once, before the tests fork.
 */
#ifndef SAKER_TLS_TESTLIB_H
#define SAKER_TLS_TESTLIB_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>

static char certdir[64];

static inline void cert_path(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, "%s/%s", certdir, name);
}

#define KEY "-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes"

/* Once, before the tests fork. */
static inline void make_certs(void)
{
	char cmd[2048];

	snprintf(certdir, sizeof(certdir), "/tmp/saker-tls-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(certdir));
	snprintf(cmd, sizeof(cmd),
		 "set -e; cd '%s'; exec 2>openssl.log\n"
		 "openssl req -x509 " KEY " -keyout ca.key -out ca.crt -subj /CN=saker-test-ca -days 2\n"
		 "openssl req -x509 " KEY " -keyout other.key -out other.crt -subj /CN=other-ca -days 2\n"
		 "openssl req " KEY " -keyout srv.key -out srv.csr -subj /CN=localhost\n"
		 "printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\\n' > srv.ext\n"
		 "openssl x509 -req -in srv.csr -CA ca.crt -CAkey ca.key -CAcreateserial"
		 " -out srv.crt -days 2 -extfile srv.ext\n"
		 "openssl req " KEY " -keyout cli.key -out cli.csr -subj /CN=saker-client\n"
		 "openssl x509 -req -in cli.csr -CA ca.crt -CAkey ca.key -CAcreateserial"
		 " -out cli.crt -days 2\n", certdir);
	ck_assert_msg(system(cmd) == 0, "openssl failed, see %s/openssl.log", certdir);
}

static inline void remove_certs(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", certdir);
	if (system(cmd)) {
		/* A left-over directory in /tmp only. */
	}
}

#endif /* SAKER_TLS_TESTLIB_H */
