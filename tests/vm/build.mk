# SPDX-License-Identifier: GPL-2.0
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

# 32-bit helpers (tests/vm/helpers-ia32/): no libc, raw int $0x80 syscalls, so gcc -m32 needs no
# 32-bit libc (gcc-multilib) on the build host.
VM_IA32_SRCS := $(wildcard tests/vm/helpers-ia32/*.c)
VM_IA32_HELPERS := $(patsubst tests/vm/helpers-ia32/%.c,$(BUILD)/vm-helpers/%,$(VM_IA32_SRCS))
vm-helpers: $(VM_IA32_HELPERS)

$(BUILD)/vm-helpers/%: tests/vm/helpers-ia32/%.c tests/vm/build.mk
	@mkdir -p $(@D)
	$(CC) -m32 -O2 -Wall -Wextra -Werror -nostdlib -static -ffreestanding -fno-pic -fno-stack-protector -o $@ $<
