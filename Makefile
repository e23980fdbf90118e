# saker: top-level build. `make` builds the kernel module and the userspace
# programs; `make check` is the full test suite (unit + VM); `make demo` boots
# the module and daemon in a VM. See README.md.

# Kernel module. KDIR defaults to the running kernel's build dir on a real
# host, else to the headers of the first test kernel (scripts/kernels.sh).
KVER ?= $(shell uname -r)
KDIR ?= $(firstword $(wildcard /lib/modules/$(KVER)/build) \
	$(shell scripts/kernels.sh kdir 2>/dev/null))

BUILD ?= build
CC ?= cc
# -std=gnu11: C11 plus the GNU/POSIX interfaces a Linux daemon needs.
WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
CFLAGS ?= -O2 -g
CFLAGS += -std=gnu11 $(WARN) -D_GNU_SOURCE -I. -Iuserspace
LDFLAGS ?=

.PHONY: all kmod userspace check check-unit check-vm demo bench-kmod stress-kmod harness-selftest \
	emu-check deps clean

all: kmod userspace

kmod:
	@if [ -z "$(KDIR)" ]; then \
		echo "saker: no kernel headers found. Install linux-headers-$(KVER)" \
		     "(or run scripts/deps.sh), or set KDIR=/path/to/headers." >&2; \
		exit 1; fi
	$(MAKE) -C $(KDIR) M=$(CURDIR)/kmod modules

include userspace/build.mk
include tests/unit/build.mk
include tests/vm/build.mk
-include userspace/outputs.mk
-include userspace/engine.mk

# The README's test command: installs what it needs, runs unit and VM tests,
# ends with "N passed, N failed".
check:
	scripts/test.sh

check-unit: $(UNIT_TESTS)
	scripts/test.sh --unit-only

check-vm: userspace vm-helpers
	scripts/test.sh --vm-only

demo:
	scripts/demo.sh

bench-kmod:
	scripts/bench-kmod.sh

# Load/unload stress of the module under load, 1000 cycles per test kernel
# (SAKER_STRESS_CYCLES); make check runs 100 (t81-stress). docs/testing.md.
stress-kmod:
	scripts/stress-kmod.sh

# A kernel fault fails one VM test with its trace (a stage of make check).
harness-selftest:
	scripts/harness-selftest.sh

# Emulator check: a bare kprobe module loaded/unloaded under open storms,
# multi- vs single-threaded TCG. Not in make check: multi is expected to oops.
emu-check:
	scripts/emu-check.sh

deps:
	scripts/deps.sh

clean:
	rm -rf $(BUILD)
	@if [ -n "$(KDIR)" ]; then $(MAKE) -C $(KDIR) M=$(CURDIR)/kmod clean; fi
