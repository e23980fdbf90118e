# SPDX-License-Identifier: GPL-2.0
# `make install` and `make dkms-install` (included by userspace/build.mk).
# PREFIX=/usr/local by default; DESTDIR is honoured; configuration always
# goes to $(SYSCONFDIR)/saker and is never overwritten (a changed default
# is installed beside it as saker.yaml.new). docs/daemon.md, "Installing".

PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
UNITDIR ?= $(PREFIX)/lib/systemd/system
MODLOADDIR ?= $(SYSCONFDIR)/modules-load.d
DKMS_SRC := /usr/src/saker-$(SAKER_VERSION)
INSTALL ?= install

.PHONY: install dkms-install

install: $(SAKERD) $(BUILD)/sakerctl
	$(INSTALL) -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(SYSCONFDIR)/saker/rules.d \
		$(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(UNITDIR) \
		$(DESTDIR)$(MODLOADDIR)
	$(INSTALL) -m 0755 $(SAKERD) $(BUILD)/sakerctl $(DESTDIR)$(SBINDIR)/
	$(INSTALL) -m 0644 rules/saker_rules.yaml $(DESTDIR)$(SYSCONFDIR)/saker/saker_rules.yaml
	@if [ -e $(DESTDIR)$(SYSCONFDIR)/saker/saker.yaml ]; then \
		echo "$(DESTDIR)$(SYSCONFDIR)/saker/saker.yaml exists: installing saker.yaml.new"; \
		$(INSTALL) -m 0644 config/saker.yaml $(DESTDIR)$(SYSCONFDIR)/saker/saker.yaml.new; \
	else \
		$(INSTALL) -m 0644 config/saker.yaml $(DESTDIR)$(SYSCONFDIR)/saker/saker.yaml; \
	fi
	sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
		config/sakerd.service >$(DESTDIR)$(UNITDIR)/sakerd.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/sakerd.service
	$(INSTALL) -m 0644 config/modules-load.d-saker.conf $(DESTDIR)$(MODLOADDIR)/saker.conf
	$(INSTALL) -m 0644 man/sakerd.8 man/sakerctl.8 $(DESTDIR)$(MANDIR)/man8/
	$(INSTALL) -m 0644 man/saker.yaml.5 $(DESTDIR)$(MANDIR)/man5/

# Source tree for DKMS: kmod sources only (no build products), dkms.conf.
dkms-install:
	$(INSTALL) -d $(DESTDIR)$(DKMS_SRC)/kmod/uapi
	$(INSTALL) -m 0644 dkms.conf $(DESTDIR)$(DKMS_SRC)/
	$(INSTALL) -m 0644 kmod/Kbuild kmod/Makefile $(filter-out %.mod.c,$(wildcard kmod/*.c)) $(wildcard kmod/*.h) \
		$(DESTDIR)$(DKMS_SRC)/kmod/
	$(INSTALL) -m 0644 kmod/uapi/saker.h $(DESTDIR)$(DKMS_SRC)/kmod/uapi/
	@if [ -n "$(DESTDIR)" ]; then \
		echo "DESTDIR set: not running dkms add/build/install"; \
	else \
		dkms add -m saker -v $(SAKER_VERSION) 2>/dev/null || true; \
		dkms build -m saker -v $(SAKER_VERSION) && \
		dkms install -m saker -v $(SAKER_VERSION); \
	fi
