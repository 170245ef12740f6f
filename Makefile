# SPDX-License-Identifier: GPL-2.0
#
# xtcp top-level Makefile.  The module itself is built by Kbuild (see
# ./Kbuild and net/xtcp/Makefile); this file only drives it.
#
#   make            build net/xtcp/xtcp.ko against the Debian 6.12 kernel
#                   that scripts/setup fetched (or KDIR=... for any tree)
#   make check      build checks, KUnit and selftests in the VM
#   make run        boot the VM, load xtcp, show it working
#   make bench      side-by-side benchmark (xtcp vs native)
#
# KVER=<debian version> pins the Debian kernel (default: newest 6.12).
# KDIR=<kernel build dir> builds against another tree and skips setup,
# e.g. KDIR=/lib/modules/$(uname -r)/build on a real host.

SHELL := /bin/bash
TOP := $(CURDIR)
SETUP := $(TOP)/scripts/setup

ifeq ($(KDIR),)
KDIR_CMD = $$($(SETUP) --env | sed -n "s/^XTCP_KDIR='\(.*\)'/\1/p")
PRE_BUILD = $(SETUP)
else
KDIR_CMD = $(KDIR)
PRE_BUILD = true
endif

.PHONY: all modules setup clean lint check run bench debug-kernel \
	debug-modules selftests kunit tools

all: modules tools

modules:
	@$(PRE_BUILD)
	$(MAKE) -C "$(KDIR_CMD)" M=$(TOP) $(if $(W),W=$(W)) $(if $(C),C=$(C)) modules

setup:
	$(SETUP)

# Build the module against the debug kernel, in a copy of the sources so
# the stock build in the checkout is not disturbed.
debug-kernel:
	scripts/build-debug-kernel >/dev/null

debug-modules:
	scripts/build-module debug

selftests:
	$(MAKE) -C selftests

# Userspace tools: the xtcpize LD_PRELOAD shim, the xtcpctl CLI.
tools:
	@if [ -d tools/xtcpize ]; then $(MAKE) -C tools/xtcpize; fi
	@if [ -d tools/xtcpctl ]; then $(MAKE) -C tools/xtcpctl; fi

lint:
	scripts/check --only build

kunit:
	scripts/check --only kunit

check:
	scripts/check

run:
	scripts/run

bench:
	scripts/bench

clean:
	-[ -d "$(KDIR_CMD)" ] && $(MAKE) -C "$(KDIR_CMD)" M=$(TOP) clean
	$(MAKE) -C selftests clean
	@if [ -d tools/xtcpize ]; then $(MAKE) -C tools/xtcpize clean; fi
	@if [ -d tools/xtcpctl ]; then $(MAKE) -C tools/xtcpctl clean; fi
	rm -rf out
