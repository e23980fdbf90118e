# Rule engine (issue 3) and the sakerd daemon (issue 4). Included by the top
# Makefile with -include; builds into $(BUILD)/engine. See
# docs/rules-engine.md and docs/daemon.md.

ENGINE_DIR := $(BUILD)/engine
ENGINE_SRCS := rules_mem rules_diag rules_yaml rules_load rules_lex \
	rules_parse rules_compile rules_eval rules_engine field_table fields output \
	proctable container_id replay replay_json
ENGINE_OBJS := $(patsubst %,$(ENGINE_DIR)/%.o,$(ENGINE_SRCS))
ENGINE_LIB := $(ENGINE_DIR)/libsaker_engine.a
ENGINE_LDLIBS := -lyaml -ljansson

# The decoder comes from libsaker.a once userspace/build.mk provides it.
ifdef SAKER_LIB
ENGINE_DECODE := $(SAKER_LIB)
ENGINE_DECODE_LIBS := $(SAKER_LIBS)
else
ENGINE_DECODE := $(ENGINE_DIR)/decode.o
ENGINE_DECODE_LIBS :=
endif
ENGINE_LINK = $(ENGINE_LIB) $(ENGINE_DECODE) $(ENGINE_DECODE_LIBS) $(ENGINE_LDLIBS)

SAKERD := $(BUILD)/sakerd

$(ENGINE_DIR)/%.o: userspace/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SAKER_CFLAGS) -MMD -MP -c -o $@ $<

$(ENGINE_LIB): $(ENGINE_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

# The daemon's own subsystems (docs/daemon.md); procfs/containers/config/merge
# are in the library so the unit tests link them too.
DAEMON_LIB_SRCS := config merge procfs containers latency losses
DAEMON_LIB_OBJS := $(patsubst %,$(ENGINE_DIR)/%.o,$(DAEMON_LIB_SRCS))
DAEMON_LIB := $(ENGINE_DIR)/libsaker_daemon.a
SAKERD_OBJS := $(patsubst %,$(ENGINE_DIR)/%.o,sakerd daemon stats alerts)

# The alert outputs (userspace/outputs.mk, OUTPUTS_OBJS/OUTPUTS_LDLIBS) are
# linked when present; without them alerts.c keeps a stdout/file writer.
ifdef OUTPUTS_OBJS
$(ENGINE_DIR)/alerts.o: SAKER_CFLAGS += -DSAKER_HAVE_OUTPUTS
# Rebuild when the outputs appear, so the flag above takes effect.
$(ENGINE_DIR)/alerts.o: userspace/outputs.mk
SAKERD_OUTPUTS := $(OUTPUTS_OBJS)
SAKERD_OUTPUTS_LIBS := $(OUTPUTS_LDLIBS)
else
SAKERD_OUTPUTS :=
SAKERD_OUTPUTS_LIBS :=
endif

$(DAEMON_LIB): $(DAEMON_LIB_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

# sakerd needs the ring reader, so it links libsaker.a whatever ENGINE_DECODE is.
$(SAKERD): $(SAKERD_OBJS) $(DAEMON_LIB) $(ENGINE_LIB) $(SAKER_LIB) $(SAKERD_OUTPUTS)
	$(CC) $(CFLAGS) $(SAKER_CFLAGS) $(LDFLAGS) -o $@ $(SAKERD_OBJS) $(SAKERD_OUTPUTS) \
		$(DAEMON_LIB) $(ENGINE_LIB) $(SAKER_LIB) $(SAKER_LIBS) $(ENGINE_LDLIBS) \
		$(SAKERD_OUTPUTS_LIBS) -lpthread

userspace: $(SAKERD)

-include $(wildcard $(ENGINE_DIR)/*.d)

# ---- unit tests (Check): binaries in $(BUILD)/tests/unit
ENGINE_CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null || echo -lcheck -lsubunit -lm -lrt -lpthread)
ENGINE_TESTS := $(patsubst %,$(BUILD)/tests/unit/%,test_rules_ops test_rules_load test_rules_golden test_rules_compat test_container_id)
DAEMON_TESTS := $(patsubst %,$(BUILD)/tests/unit/%,test_config test_proctable test_containers test_merge test_latency test_losses)

$(ENGINE_TESTS): $(BUILD)/tests/unit/%: tests/unit/%.c tests/unit/rules_testlib.h $(ENGINE_LIB) $(ENGINE_DECODE)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SAKER_CFLAGS) $(LDFLAGS) -DSAKER_TOP='"$(CURDIR)"' -o $@ $< $(ENGINE_LINK) $(ENGINE_CHECK_LIBS)

$(DAEMON_TESTS): $(BUILD)/tests/unit/%: tests/unit/%.c tests/unit/rules_testlib.h $(DAEMON_LIB) $(ENGINE_LIB) $(ENGINE_DECODE)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SAKER_CFLAGS) $(LDFLAGS) -DSAKER_TOP='"$(CURDIR)"' -o $@ $< $(DAEMON_LIB) $(ENGINE_LINK) $(ENGINE_CHECK_LIBS)

UNIT_TESTS += $(ENGINE_TESTS) $(DAEMON_TESTS)

unit-tests: $(ENGINE_TESTS) $(DAEMON_TESTS)

-include userspace/install.mk
# make bench-daemon (sakerd's alert latency and sustained event rate in a VM)
-include userspace/bench.mk

# ---- benchmark: make bench-rules (not part of all)
BENCH_EVENTS ?= 1200000
BENCH_CAP := $(BUILD)/bench/events.cap
FALCO_RULES := $(CURDIR)/../shared/compat/falco_rules.yaml
.PHONY: bench-rules
$(BUILD)/bench/gen_events $(BUILD)/bench/bench_rules: $(BUILD)/bench/%: tests/bench/%.c $(ENGINE_LIB) $(ENGINE_DECODE)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SAKER_CFLAGS) $(LDFLAGS) -o $@ $< $(ENGINE_LINK)

$(BENCH_CAP): $(BUILD)/bench/gen_events
	$(BUILD)/bench/gen_events $@ $(BENCH_EVENTS)

bench-rules: $(BUILD)/bench/bench_rules $(BENCH_CAP)
	$(BUILD)/bench/bench_rules $(BENCH_CAP) rules/saker_rules.yaml \
		$(if $(wildcard $(FALCO_RULES)),$(FALCO_RULES),)

# ---- fuzzing: make fuzz-rules, then
#      $(BUILD)/fuzz/fuzz_rules -max_total_time=60 tests/fuzz/corpus_rules
FUZZ_CC ?= clang
ENGINE_FUZZ_FLAGS := -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
.PHONY: fuzz-rules
fuzz-rules: $(BUILD)/fuzz/fuzz_rules

$(BUILD)/fuzz/fuzz_rules: tests/fuzz/fuzz_rules.c $(patsubst %,userspace/%.c,$(ENGINE_SRCS)) \
		userspace/decode.c userspace/rules_int.h userspace/rules.h
	@mkdir -p $(@D)
	$(FUZZ_CC) $(ENGINE_FUZZ_FLAGS) -std=gnu11 -D_GNU_SOURCE -I. -Iuserspace -o $@ \
		tests/fuzz/fuzz_rules.c $(patsubst %,userspace/%.c,$(ENGINE_SRCS)) \
		userspace/decode.c $(ENGINE_LDLIBS)
