# SPDX-License-Identifier: GPL-2.0
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

.PHONY: unit-tests bench-rules
unit-tests: $(UNIT_TESTS)

$(UNIT_TESTLIB): $(UNIT_TESTLIB_OBJS)

# test_daemon makes chosen allocations fail (saker_test_malloc): every malloc
# of the program's own code goes through it.
$(BUILD)/tests/unit/test_daemon: UNIT_LDFLAGS := -Wl,--wrap=malloc,--defsym=__wrap_malloc=saker_test_malloc

$(UNIT_TESTS): $(BUILD)/tests/unit/%: $(BUILD)/obj/tests/unit/%.o $(UNIT_TESTLIB) $(SAKER_ARCHIVES)
	@mkdir -p $(@D)
	$(SAKER_LINK) $(UNIT_LDFLAGS) -o $@ $< $(UNIT_TESTLIB) $(SAKER_LINK_ALL) $(CHECK_LIBS)

# Fuzzing (clang's libFuzzer, not part of all): tests/fuzz/fuzz_NAME.c is
# one target, $(BUILD)/fuzz/fuzz_NAME, with its seeds in tests/fuzz/corpus_NAME/.
#   make fuzz-decode && $(BUILD)/fuzz/fuzz_decode -max_total_time=60
#   make fuzz                  # every target, FUZZ_SECONDS (60) each
#   make fuzz FUZZ_SECONDS=3600 FUZZ_TARGETS="capture config"
#   make fuzz-corpus           # each seed once (make check runs this)
# The libraries are compiled again with the fuzzer's instrumentation into
# $(BUILD)/fuzz/; docs/testing.md ("Fuzzing") has the targets and results.
FUZZ_CC ?= clang
FUZZ_FLAGS := -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
# Objects get the coverage hooks; only the link adds libFuzzer's main().
FUZZ_OBJ_FLAGS := $(subst fuzzer,fuzzer-no-link,$(FUZZ_FLAGS))
FUZZ_NAMES := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS := $(patsubst %,$(BUILD)/fuzz/fuzz_%,$(FUZZ_NAMES))
FUZZ_ARCHIVES := $(foreach d,daemon outputs rules track ctl lib,$(BUILD)/fuzz/libsaker_$(d).a)
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= $(FUZZ_NAMES)

.PHONY: fuzz fuzz-build fuzz-corpus fuzz-seeds $(patsubst %,fuzz-%,$(FUZZ_NAMES))
$(foreach n,$(FUZZ_NAMES),$(eval fuzz-$(n): $(BUILD)/fuzz/fuzz_$(n)))
fuzz-build: $(FUZZ_BINS)

# Runs each target on a scratch copy of its corpus; fails on any finding.
fuzz: fuzz-build
	FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/fuzz.sh $(BUILD) $(FUZZ_TARGETS)

# Every seed once, no fuzzing (make check): past findings stay fixed.
fuzz-corpus: fuzz-build
	scripts/fuzz.sh --replay $(BUILD) $(FUZZ_TARGETS)

# SAKER_TOP: targets read the shipped rules of the source tree.
$(BUILD)/fuzz/obj/tests/%.o: SAKER_CPPFLAGS += -DSAKER_TOP='"$(CURDIR)"'
$(BUILD)/fuzz/obj/%.o: %.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_OBJ_FLAGS) -std=gnu11 $(SAKER_CPPFLAGS) $(SAKER_WARN) \
		-pthread -MMD -MP -c -o $@ $<

$(foreach d,$(SAKER_LIBDIRS),$(eval $(BUILD)/fuzz/libsaker_$(d).a: \
	$(patsubst $(BUILD)/obj/%,$(BUILD)/fuzz/obj/%,$(SAKER_OBJS_$(d)))))
$(FUZZ_ARCHIVES):
	@rm -f $@
	$(AR) rcs $@ $^

$(FUZZ_BINS): $(BUILD)/fuzz/fuzz_%: $(BUILD)/fuzz/obj/tests/fuzz/fuzz_%.o $(FUZZ_ARCHIVES)
	$(FUZZ_CC) $(FUZZ_FLAGS) -pthread -o $@ $< $(FUZZ_ARCHIVES) $(SAKER_LDLIBS)

# The binary seeds (capture files, record streams) are generated from the
# golden events, so that they follow the ABI: make fuzz-seeds, then commit.
$(BUILD)/fuzz/gen_seeds: $(BUILD)/obj/tests/fuzz/gen_seeds.o $(SAKER_ARCHIVES)
	@mkdir -p $(@D)
	$(SAKER_LINK) -o $@ $< $(SAKER_LINK_ALL)

fuzz-seeds: $(BUILD)/fuzz/gen_seeds
	@mkdir -p tests/fuzz/corpus_capture tests/fuzz/corpus_decode
	$(BUILD)/fuzz/gen_seeds tests/rules/golden_events.jsonl \
		tests/fuzz/corpus_capture tests/fuzz/corpus_decode

-include $(shell find $(BUILD)/fuzz/obj -name '*.d' 2>/dev/null)

# Benchmark of the rule engine: make bench-rules (not part of all).
BENCH_EVENTS ?= 1200000
BENCH_CAP := $(BUILD)/bench/events.cap
# Upstream's stable file from ../shared; its incubating and sandbox files when
# the user has them (UPSTREAM_RULES=DIR holding falco-incubating_rules.yaml and
# falco-sandbox_rules.yaml, from falcosecurity/rules). Upstream's files are
# never copied into this tree: it holds only its own code and text.
FALCO_RULES := $(CURDIR)/../shared/compat/falco_rules.yaml
UPSTREAM_RULES ?= $(CURDIR)/../shared/compat
FALCO_RULES_MORE := $(wildcard $(UPSTREAM_RULES)/falco-incubating_rules.yaml \
	$(UPSTREAM_RULES)/falco-sandbox_rules.yaml)
$(BUILD)/bench/gen_events $(BUILD)/bench/bench_rules: $(BUILD)/bench/%: $(BUILD)/obj/tests/bench/%.o $(SAKER_ARCHIVES)
	@mkdir -p $(@D)
	$(SAKER_LINK) -o $@ $< $(SAKER_LINK_ALL)

$(BENCH_CAP): $(BUILD)/bench/gen_events
	$(BUILD)/bench/gen_events $@ $(BENCH_EVENTS)

bench-rules: $(BUILD)/bench/bench_rules $(BENCH_CAP)
	$(BUILD)/bench/bench_rules $(BENCH_CAP) rules/saker_rules.yaml \
		$(if $(wildcard $(FALCO_RULES)),$(FALCO_RULES),) $(FALCO_RULES_MORE)

# test_cli runs this build's sakerd and sakerctl.
$(BUILD)/obj/tests/unit/test_cli.o: SAKER_CPPFLAGS += -DSAKER_BUILD='"$(abspath $(BUILD))"'
$(BUILD)/tests/unit/test_cli: | $(SAKERD) $(SAKERCTL)

# test_replay_outputs runs the built sakerd --replay.
$(BUILD)/obj/tests/unit/test_replay_outputs.o: SAKER_CPPFLAGS += -DSAKER_SAKERD='"$(CURDIR)/$(SAKERD)"'
$(BUILD)/tests/unit/test_replay_outputs: | $(SAKERD)

# test_kfilter replays the benchmark's synthetic capture, made by gen_events.
$(BUILD)/obj/tests/unit/test_kfilter.o: SAKER_CPPFLAGS += -DSAKER_GEN_EVENTS='"$(CURDIR)/$(BUILD)/bench/gen_events"'
$(BUILD)/tests/unit/test_kfilter: | $(BUILD)/bench/gen_events
