# Static test programs run inside the VM: every tests/vm/helpers/NAME.c becomes
# $(BUILD)/vm-helpers/NAME, which the initramfs puts in /saker/bin.
# Static so that they need no libraries in the VM and make no opens of their own
# (tests count their opens). Included by the top Makefile (BUILD, CC, CFLAGS).

VM_HELPER_SRCS := $(wildcard tests/vm/helpers/*.c)
VM_HELPERS := $(patsubst tests/vm/helpers/%.c,$(BUILD)/vm-helpers/%,$(VM_HELPER_SRCS))
# Repeated after CFLAGS so that a command-line CFLAGS cannot drop them.
VM_HELPER_CFLAGS = $(CFLAGS) -std=gnu11 -O2 -Wall -Wextra -Werror -D_GNU_SOURCE -I.

.PHONY: vm-helpers
vm-helpers: $(VM_HELPERS)

$(BUILD)/vm-helpers/%: tests/vm/helpers/%.c kmod/uapi/saker.h tests/vm/build.mk
	@mkdir -p $(@D)
	$(CC) $(VM_HELPER_CFLAGS) -static -o $@ $< $(LDFLAGS)
