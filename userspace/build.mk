# SPDX-License-Identifier: GPL-2.0
# userspace/build.mk: the userspace libraries and programs. Included by the
# top Makefile, which sets BUILD, CC and the compile/link commands
# (SAKER_COMPILE, SAKER_LINK). docs/architecture.md draws the pipeline.
#
# One folder per library, each an archive; dependencies run one way:
#   lib      ABI, decode, ring reader, merge, capture files, JSON
#   track    process table, container ids and metadata      (uses lib)
#   rules    Falco-format rule loader, compiler, evaluator  (uses track, lib)
#   outputs  alert formatting and delivery                  (uses rules, lib)
#   ctl      the module's control plane (libmnl), sakerctl's
#            status, stats and config                       (uses lib)
#   daemon   sakerd's loop, config, alerts, stats, replay   (uses all)
# and the programs beside them: sakerd.c, sakerctl.c.

SAKER_LIBDIRS := lib track rules outputs ctl daemon
SAKER_LIB_lib := decode ring capture json errbuf file merge log dict idname clock kfilter \
	version sha256
SAKER_LIB_track := proctable procfs container_id containers mounts
SAKER_LIB_rules := rules_mem rules_diag rules_yaml rules_load rules_lex \
	rules_subst rules_parse rules_compile rules_lint evttypes rules_eval rules_engine rules_kfilter rules_prefilter rules_prekey rules_order field_table fields template
SAKER_LIB_outputs := alert_format outputs writer file_output syslog_local \
	syslog_remote syslog_tls program_output http_output
SAKER_LIB_daemon := daemon loop pipeline track config config_check config_falco config_yaml stats alerts latency losses \
	replay replay_json support notify prom httpd metrics
SAKER_LIB_ctl := genl cmdline cmd_status cmd_stats cmd_config

# $(BUILD)/libsaker_NAME.a for each folder; SAKER_LINK_ALL: every archive in
# link order (users before what they use) and the libraries they need.
saker_archive = $(BUILD)/libsaker_$(1).a
$(foreach d,$(SAKER_LIBDIRS),$(eval SAKER_OBJS_$(d) := \
	$(patsubst %,$(BUILD)/obj/userspace/$(d)/%.o,$(SAKER_LIB_$(d)))))
SAKER_ARCHIVES := $(foreach d,daemon outputs rules track ctl lib,$(call saker_archive,$(d)))
# libcurl (http_output), zlib (its compress_uploads), OpenSSL (syslog over TLS).
SAKER_LDLIBS := $(shell pkg-config --libs yaml-0.1 jansson libmnl libcurl zlib openssl 2>/dev/null || \
	echo -lyaml -ljansson -lmnl -lcurl -lz -lssl -lcrypto)
$(BUILD)/obj/userspace/outputs/%.o: SAKER_CPPFLAGS += $(shell pkg-config --cflags libcurl zlib openssl 2>/dev/null)
SAKER_LINK_ALL := $(SAKER_ARCHIVES) $(SAKER_LDLIBS)

# The version's one source: dkms.conf, read here, compiled into lib/version.o
# only (it is rebuilt when dkms.conf changes).
SAKER_VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
$(BUILD)/obj/userspace/lib/version.o $(BUILD)/fuzz/obj/userspace/lib/version.o: \
	SAKER_CPPFLAGS += -DSAKER_VERSION='"$(SAKER_VERSION)"'
$(BUILD)/obj/userspace/lib/version.o $(BUILD)/fuzz/obj/userspace/lib/version.o: dkms.conf

SAKERD := $(BUILD)/sakerd
SAKERCTL := $(BUILD)/sakerctl

.PHONY: userspace
userspace: $(SAKERD) $(SAKERCTL)

# Every object of the tree, userspace and tests alike, compiles the same way.
$(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(SAKER_COMPILE) -c -o $@ $<

$(foreach d,$(SAKER_LIBDIRS),$(eval $(call saker_archive,$(d)): $(SAKER_OBJS_$(d))))
$(BUILD)/libsaker_%.a:
	@rm -f $@
	$(AR) rcs $@ $^

$(SAKERD) $(SAKERCTL): $(BUILD)/%: $(BUILD)/obj/userspace/%.o $(SAKER_ARCHIVES)
	$(SAKER_LINK) -o $@ $< $(SAKER_LINK_ALL)

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)

# make install, make dkms-install
include userspace/install.mk
# make bench-daemon (sakerd's alert latency and sustained event rate in a VM)
include userspace/bench.mk
