# tests/unit/build.mk: Check unit tests of the userspace library, built into
# $(BUILD)/tests/unit/. `make unit-tests` builds them; the top Makefile's
# check-unit runs them. Also the libFuzzer target `fuzz-decode` (clang only,
# not part of `all`).

UNIT_TEST_NAMES := test_decode test_ring test_capture test_json
UNIT_TESTS := $(patsubst %,$(BUILD)/tests/unit/%,$(UNIT_TEST_NAMES))
UNIT_TEST_OBJS := $(patsubst %,$(BUILD)/obj/tests/unit/%.o,$(UNIT_TEST_NAMES) records)
CHECK_CFLAGS := $(shell pkg-config --cflags check)
CHECK_LIBS := $(shell pkg-config --libs check)

.PHONY: unit-tests fuzz-decode
unit-tests: $(UNIT_TESTS)

$(UNIT_TEST_OBJS): $(BUILD)/obj/tests/unit/%.o: tests/unit/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SAKER_CFLAGS) $(CHECK_CFLAGS) -Itests/unit -MMD -MP -c -o $@ $<

$(UNIT_TESTS): $(BUILD)/tests/unit/%: $(BUILD)/obj/tests/unit/%.o \
		$(BUILD)/obj/tests/unit/records.o $(SAKER_LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(SAKER_LIBS) $(CHECK_LIBS)

-include $(UNIT_TEST_OBJS:.o=.d)

# Fuzzing: `make fuzz-decode`, then run $(BUILD)/fuzz/fuzz_decode -max_total_time=60
FUZZ_CC ?= clang
FUZZ_FLAGS := -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all

fuzz-decode: $(BUILD)/fuzz/fuzz_decode

$(BUILD)/fuzz/fuzz_decode: tests/fuzz/fuzz_decode.c userspace/decode.c userspace/json.c \
		userspace/event.h userspace/decode.h userspace/json.h kmod/uapi/saker.h
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_FLAGS) $(SAKER_CFLAGS) -o $@ tests/fuzz/fuzz_decode.c \
		userspace/decode.c userspace/json.c $(SAKER_LIBS)
