# tests/unit/build.mk: the Check unit tests (one program per
# tests/unit/test_*.c, into $(BUILD)/tests/unit/), the fuzz targets and the
# rule engine benchmark. `make unit-tests` builds the tests; scripts/test.sh
# runs them (natively, then under ASan and UBSan).

CHECK_CFLAGS := $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null || echo -lcheck -lsubunit -lm -lrt -lpthread)

UNIT_TEST_NAMES := $(patsubst tests/unit/%.c,%,$(wildcard tests/unit/test_*.c))
UNIT_TESTS := $(patsubst %,$(BUILD)/tests/unit/%,$(UNIT_TEST_NAMES))
# Shared by the tests: hand-made ring records, the Check runner.
UNIT_TESTLIB := $(BUILD)/libsaker_testlib.a
UNIT_TESTLIB_OBJS := $(patsubst %,$(BUILD)/obj/tests/unit/%.o,records check_main)

# SAKER_TOP: tests read rules and configs of the source tree.
$(BUILD)/obj/tests/%.o: SAKER_CPPFLAGS += $(CHECK_CFLAGS) -DSAKER_TOP='"$(CURDIR)"'

.PHONY: unit-tests fuzz-decode fuzz-rules bench-rules
unit-tests: $(UNIT_TESTS)

$(UNIT_TESTLIB): $(UNIT_TESTLIB_OBJS)

# test_daemon makes chosen allocations fail (saker_test_malloc): every malloc
# of the program's own code goes through it.
$(BUILD)/tests/unit/test_daemon: UNIT_LDFLAGS := -Wl,--wrap=malloc,--defsym=__wrap_malloc=saker_test_malloc

$(UNIT_TESTS): $(BUILD)/tests/unit/%: $(BUILD)/obj/tests/unit/%.o $(UNIT_TESTLIB) $(SAKER_ARCHIVES)
	@mkdir -p $(@D)
	$(SAKER_LINK) $(UNIT_LDFLAGS) -o $@ $< $(UNIT_TESTLIB) $(SAKER_LINK_ALL) $(CHECK_LIBS)

# Fuzzing (clang's libFuzzer, not part of all): make fuzz-decode, then
#   $(BUILD)/fuzz/fuzz_decode -max_total_time=60
# make fuzz-rules, then
#   $(BUILD)/fuzz/fuzz_rules -max_total_time=60 tests/fuzz/corpus_rules
# The sources are compiled afresh with the fuzzer's instrumentation.
FUZZ_CC ?= clang
FUZZ_FLAGS := -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_SRCS_decode := $(patsubst %,userspace/lib/%.c,decode json)
FUZZ_SRCS_rules := $(foreach d,rules track,$(patsubst %,userspace/$(d)/%.c,$(SAKER_LIB_$(d)))) \
	$(patsubst %,userspace/lib/%.c,decode log dict idname capture clock errbuf file) \
	$(patsubst %,userspace/daemon/%.c,replay replay_json pipeline track)
fuzz-decode: $(BUILD)/fuzz/fuzz_decode
fuzz-rules: $(BUILD)/fuzz/fuzz_rules

$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(wildcard userspace/*/*.[ch]) kmod/uapi/saker.h
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_FLAGS) -std=gnu11 $(SAKER_CPPFLAGS) -o $@ $< $(FUZZ_SRCS_$*) $(SAKER_LDLIBS)

# Benchmark of the rule engine: make bench-rules (not part of all).
BENCH_EVENTS ?= 1200000
BENCH_CAP := $(BUILD)/bench/events.cap
FALCO_RULES := $(CURDIR)/../shared/compat/falco_rules.yaml
$(BUILD)/bench/gen_events $(BUILD)/bench/bench_rules: $(BUILD)/bench/%: $(BUILD)/obj/tests/bench/%.o $(SAKER_ARCHIVES)
	@mkdir -p $(@D)
	$(SAKER_LINK) -o $@ $< $(SAKER_LINK_ALL)

$(BENCH_CAP): $(BUILD)/bench/gen_events
	$(BUILD)/bench/gen_events $@ $(BENCH_EVENTS)

bench-rules: $(BUILD)/bench/bench_rules $(BENCH_CAP)
	$(BUILD)/bench/bench_rules $(BENCH_CAP) rules/saker_rules.yaml \
		$(if $(wildcard $(FALCO_RULES)),$(FALCO_RULES),)
