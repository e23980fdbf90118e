# SPDX-License-Identifier: GPL-2.0
# `make install`, `make dkms-install` and `make uninstall` (included by
# userspace/build.mk); debian/rules uses the first two for the packages.
# PREFIX=/usr/local by default; DESTDIR is honoured; configuration always
# goes to $(SYSCONFDIR)/saker and is never overwritten (a changed default
# is installed beside it as saker.yaml.new). docs/daemon.md, "Installing".

PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
UNITDIR ?= $(PREFIX)/lib/systemd/system
MODLOADDIR ?= $(SYSCONFDIR)/modules-load.d
LOGROTATEDIR ?= $(SYSCONFDIR)/logrotate.d
COMPLETIONDIR ?= $(PREFIX)/share/bash-completion/completions
DKMS_SRC := /usr/src/saker-$(SAKER_VERSION)
INSTALL ?= install

.PHONY: install dkms-install uninstall uninstall-files dkms-uninstall uninstall-not-packaged

install: $(SAKERD) $(BUILD)/sakerctl
	$(INSTALL) -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(SYSCONFDIR)/saker/rules.d \
		$(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(UNITDIR) \
		$(DESTDIR)$(MODLOADDIR) $(DESTDIR)$(LOGROTATEDIR) $(DESTDIR)$(COMPLETIONDIR)
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
	$(INSTALL) -m 0644 config/logrotate-saker $(DESTDIR)$(LOGROTATEDIR)/saker
	$(INSTALL) -m 0644 config/bash-completion/sakerd config/bash-completion/sakerctl \
		$(DESTDIR)$(COMPLETIONDIR)/

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

# Undo `make install` and `make dkms-install` (same variables as they were
# given). Configuration the admin changed stays, and is named: a file under
# $(SYSCONFDIR)/saker is removed only while it is byte for byte what this
# tree installs. The packages (make deb) are removed with apt-get instead.
uninstall: uninstall-files dkms-uninstall

# Files of the packages belong to dpkg: deleting them here would leave it
# with a broken record of them.
uninstall-not-packaged:
	@if [ -z "$(DESTDIR)" ] && dpkg-query -W -f='$${db:Status-Status}\n' saker saker-dkms 2>/dev/null | \
	    grep -qxE 'installed|unpacked|half-.*|triggers-.*'; then \
		echo "saker is installed as a Debian package: apt-get purge saker saker-dkms" >&2; \
		exit 1; \
	fi

SAKER_FILES := $(SBINDIR)/sakerd $(SBINDIR)/sakerctl \
	$(MANDIR)/man8/sakerd.8 $(MANDIR)/man8/sakerctl.8 $(MANDIR)/man5/saker.yaml.5 \
	$(UNITDIR)/sakerd.service $(MODLOADDIR)/saker.conf $(LOGROTATEDIR)/saker \
	$(COMPLETIONDIR)/sakerd $(COMPLETIONDIR)/sakerctl

uninstall-files: uninstall-not-packaged
	@if [ -z "$(DESTDIR)" ] && [ -d /run/systemd/system ] && \
	    [ -e $(UNITDIR)/sakerd.service ]; then \
		echo "systemctl disable --now sakerd.service"; \
		systemctl disable --now sakerd.service || true; \
	fi
	rm -f $(addprefix $(DESTDIR),$(SAKER_FILES))
	@cfg=$(DESTDIR)$(SYSCONFDIR)/saker; \
	for f in saker.yaml:config/saker.yaml saker.yaml.new:config/saker.yaml \
		 saker_rules.yaml:rules/saker_rules.yaml; do \
		dst=$$cfg/$${f%%:*}; src=$${f#*:}; \
		[ -e "$$dst" ] || continue; \
		if cmp -s "$$dst" "$$src"; then \
			echo "rm -f $$dst"; rm -f "$$dst"; \
		else \
			echo "$$dst differs from $$src: kept (your changes); remove it by hand if you want"; \
		fi; \
	done; \
	rmdir "$$cfg/rules.d" 2>/dev/null || \
		{ [ ! -d "$$cfg/rules.d" ] || echo "$$cfg/rules.d is not empty: kept"; }; \
	rmdir "$$cfg" 2>/dev/null || true
	@# Directories install -d made, when empty and no package's (dpkg -S).
	@for d in $(UNITDIR) $(dir $(UNITDIR)) $(COMPLETIONDIR) $(dir $(COMPLETIONDIR)) \
		  $(MANDIR)/man5 $(MANDIR)/man8 $(MODLOADDIR) $(LOGROTATEDIR); do \
		d=$(DESTDIR)$${d%/}; \
		[ -d "$$d" ] && [ -z "$$(ls -A "$$d")" ] || continue; \
		dpkg-query -S "$${d#$(DESTDIR)}" >/dev/null 2>&1 || rmdir "$$d"; \
	done
	@if [ -z "$(DESTDIR)" ] && [ -d /run/systemd/system ]; then systemctl daemon-reload || true; fi

dkms-uninstall: uninstall-not-packaged
	@if [ -z "$(DESTDIR)" ] && command -v dkms >/dev/null && \
	    [ -n "$$(dkms status -m saker -v $(SAKER_VERSION) 2>/dev/null)" ]; then \
		echo "dkms remove -m saker -v $(SAKER_VERSION) --all"; \
		dkms remove -m saker -v $(SAKER_VERSION) --all; \
	fi
	rm -rf $(DESTDIR)$(DKMS_SRC)
	@if [ -z "$(DESTDIR)" ] && [ -d /sys/module/saker ]; then \
		echo "the saker module is still loaded: rmmod saker to unload it"; \
	fi
