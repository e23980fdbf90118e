# SPDX-License-Identifier: GPL-2.0
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
# The distribution's CPPFLAGS, CFLAGS and LDFLAGS are used as given (FORTIFY,
# hardening, optimisation); the project's own flags come beside them, once
# per compile. -Werror only in developer and CI builds: a git checkout, or
# WERROR=1; `make WERROR=` turns it off there.
CFLAGS ?= -O2 -g
WERROR ?= $(if $(wildcard .git),1)
SAKER_WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	$(if $(filter 1,$(WERROR)),-Werror)
# -std=gnu11: C11 plus the GNU/POSIX interfaces a Linux daemon needs.
SAKER_CPPFLAGS := -D_GNU_SOURCE -I. -Iuserspace \
	$(shell pkg-config --cflags yaml-0.1 jansson 2>/dev/null)
SAKER_COMPILE = $(CC) -std=gnu11 $(SAKER_CPPFLAGS) $(CPPFLAGS) $(SAKER_WARN) \
	$(CFLAGS) -pthread -MMD -MP
# CFLAGS on the link line too: sanitizer builds need -fsanitize there.
SAKER_LINK = $(CC) $(CFLAGS) $(LDFLAGS) -pthread

.PHONY: all kmod userspace analyze check check-unit check-vm check-matrix demo bench-kmod bench-compare bench-load stress-kmod harness-selftest \
	emu-check deps clean deb check-deb check-deb-vm

# The wrong-kernel warning comes last too, after the userspace build output.
all: kmod userspace
	$(kmod_other_kernel)

# The kernel KDIR's headers are for (UTS_RELEASE); when the running
# kernel has no headers and KDIR was not chosen, the fallback builds a module
# for another kernel: say so loudly, before and after the build, with the
# command that fixes it. Never a silent build for the wrong kernel.
KDIR_KVER = $(shell sed -n 's/.*UTS_RELEASE "\(.*\)"/\1/p' \
	$(KDIR)/include/generated/utsrelease.h 2>/dev/null)
define kmod_other_kernel
	@if [ "$(origin KDIR)" = file ] && [ -n "$(KDIR_KVER)" ] && \
	    [ "$(KDIR_KVER)" != "$(KVER)" ]; then \
		echo "saker: WARNING: no headers for the running kernel $(KVER):" \
		     "kmod/saker.ko is built for $(KDIR_KVER) ($(KDIR)) and will not load here." >&2; \
		echo "saker: WARNING: for this kernel: apt-get install linux-headers-$(KVER)" \
		     "(then make again), or choose one with KDIR=/lib/modules/VERSION/build." >&2; \
	fi
endef

kmod:
	@if [ -z "$(KDIR)" ]; then \
		echo "saker: no kernel headers found. Install linux-headers-$(KVER)" \
		     "(or run scripts/deps.sh), or set KDIR=/path/to/headers." >&2; \
		exit 1; fi
	$(kmod_other_kernel)
	$(MAKE) -C $(KDIR) M=$(CURDIR)/kmod modules
	$(kmod_other_kernel)

include userspace/build.mk
include tests/unit/build.mk
include tests/vm/build.mk

# The README's test command: installs what it needs, runs unit and VM tests,
# ends with "N passed, N failed".
check:
	scripts/test.sh

check-unit: $(UNIT_TESTS)
	scripts/test.sh --unit-only

check-vm: userspace vm-helpers
	scripts/test.sh --vm-only

# The VM tests booted on 5.10 (bullseye), 6.1, 6.12 and sid's newest kernel
# (docs/testing.md, "Kernel matrix"). Not in make check: over an hour.
check-matrix: userspace vm-helpers
	scripts/matrix.sh

demo:
	scripts/demo.sh

# Rule loading scales linearly: the time ratio of 4N to N generated rules.
bench-load: userspace
	scripts/bench-load.sh

bench-kmod:
	scripts/bench-kmod.sh

# saker beside scap.ko + sysdig and auditd, six workloads in one VM boot; plot in
# build/bench-compare.png (docs/benchmarks.md). Installs sysdig and gnuplot.
bench-compare:
	scripts/bench-compare.sh

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

# Static analysis of the userspace tree and its tests: clang's analyzer
# (scan-build, every checker it enables by default) and cppcheck; either one
# finding anything fails. Reports in $(BUILD)/analyze/.
analyze:
	rm -rf $(BUILD)/analyze
	scan-build -o $(BUILD)/analyze/report --status-bugs \
		$(MAKE) BUILD=$(BUILD)/analyze CC=clang userspace unit-tests
	cppcheck -q --language=c --std=c11 --enable=warning,portability,performance \
		--inline-suppr --error-exitcode=1 -D_GNU_SOURCE -I. -Iuserspace userspace tests/unit

deps:
	scripts/deps.sh

# Debian packages saker and saker-dkms into build/deb/, lintian-checked.
deb:
	scripts/deb-build.sh

# Install both packages in a clean bookworm chroot, let DKMS build the module
# for the test kernels' headers, purge, check nothing is left. make check
# runs it for the first kernel only (docs/testing.md, "Debian packages").
check-deb: deb
	scripts/deb-test.sh

# The packages' systemd unit, sandbox and all, booted: Debian's kernel under
# systemd in qemu, sakerd.service active with its open filter and alerts.
check-deb-vm: deb
	scripts/deb-vm-test.sh

clean:
	rm -rf $(BUILD)
	@if [ -n "$(KDIR)" ]; then $(MAKE) -C $(KDIR) M=$(CURDIR)/kmod clean; fi
