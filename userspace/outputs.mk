# Alert outputs of sakerd (issue 4): formatting, queues and writer threads,
# syslog, program. Included by the top Makefile with -include, after
# userspace/build.mk and tests/unit/build.mk, before userspace/engine.mk.
# See docs/outputs.md.
#
# The daemon links: $(OUTPUTS_OBJS) ... $(OUTPUTS_LDLIBS)
# (OUTPUTS_LDLIBS names libsaker.a for saker_json_bytes(), so keep it after
# the objects.)

OUTPUTS_DIR := $(BUILD)/outputs
OUTPUTS_SRCS := alert_format outputs file_output syslog_local syslog_remote \
	program_output
OUTPUTS_OBJS := $(patsubst %,$(OUTPUTS_DIR)/%.o,$(OUTPUTS_SRCS))
OUTPUTS_LDLIBS := $(SAKER_LIB) -lpthread -ljansson

$(OUTPUTS_OBJS): $(OUTPUTS_DIR)/%.o: userspace/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SAKER_CFLAGS) -pthread -MMD -MP -c -o $@ $<

-include $(OUTPUTS_OBJS:.o=.d)

# ---- unit tests (Check): binaries in $(BUILD)/tests/unit
OUTPUTS_TESTS := $(patsubst %,$(BUILD)/tests/unit/%,test_alert_format test_outputs \
	test_syslog_remote)

$(OUTPUTS_TESTS): $(BUILD)/tests/unit/%: tests/unit/%.c tests/unit/outputs_testlib.h \
		$(OUTPUTS_OBJS) $(SAKER_LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SAKER_CFLAGS) $(CHECK_CFLAGS) -pthread $(LDFLAGS) -MMD -MP \
		-Itests/unit -o $@ $< $(OUTPUTS_OBJS) $(OUTPUTS_LDLIBS) $(CHECK_LIBS)

-include $(OUTPUTS_TESTS:=.d)

UNIT_TESTS += $(OUTPUTS_TESTS)

unit-tests: $(OUTPUTS_TESTS)
