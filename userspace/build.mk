# userspace/build.mk: decoder, ring reader, capture files, JSON (libsaker.a)
# and the sakerctl tool. Included by the top Makefile, which sets BUILD, CC,
# CFLAGS and LDFLAGS. Other .mk files link against $(SAKER_LIB) $(SAKER_LIBS).

# Repeated here so that `make CFLAGS=...` on the command line (which
# overrides the top Makefile's +=) still builds with the project's rules.
SAKER_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -D_GNU_SOURCE -I. -Iuserspace \
	$(shell pkg-config --cflags jansson)
SAKER_LIBS := $(shell pkg-config --libs jansson)
SAKER_LIB := $(BUILD)/libsaker.a

SAKER_LIB_OBJS := $(patsubst %,$(BUILD)/obj/userspace/%.o,decode ring capture json errbuf)
SAKERCTL_OBJS := $(BUILD)/obj/userspace/sakerctl.o

.PHONY: userspace
userspace: $(BUILD)/sakerctl $(SAKER_LIB)

# Static pattern: only our objects, so other .mk files keep their own rules.
$(SAKER_LIB_OBJS) $(SAKERCTL_OBJS): $(BUILD)/obj/userspace/%.o: userspace/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SAKER_CFLAGS) -MMD -MP -c -o $@ $<

$(SAKER_LIB): $(SAKER_LIB_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

# CFLAGS on the link line too: sanitizer builds need -fsanitize there.
$(BUILD)/sakerctl: $(SAKERCTL_OBJS) $(SAKER_LIB)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(SAKERCTL_OBJS) $(SAKER_LIB) $(SAKER_LIBS)

-include $(SAKER_LIB_OBJS:.o=.d) $(SAKERCTL_OBJS:.o=.d)
