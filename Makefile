# netif — eBPF-offloaded hybrid dataplane.
# One entry point: all, check, check-unit, check-bpf, check-e2e, check-kernels,
# check-clang19, bench, demo, install, clean. Everything builds out of tree in
# $(BUILD) ($(BUILD19) for the clang-19 build).

BUILD     ?= build
BUILD19   ?= $(BUILD)-clang19
PREFIX    ?= /usr/local
DESTDIR   ?=
CC        ?= gcc
CLANG     ?= clang
BPFTOOL   ?= bpftool
ARCH      := $(shell uname -m | sed 's/x86_64/x86/;s/aarch64/arm64/')
# gcc knows the Debian multiarch triplet; clang -print-multiarch prints nothing
MULTIARCH := $(shell gcc -print-multiarch 2>/dev/null || $(CC) -print-multiarch 2>/dev/null)

CFLAGS    ?= -O2 -g
CFLAGS    += -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter -Wno-format-truncation -D_GNU_SOURCE \
             -I. -Iinclude -Iuserspace/lib -I$(BUILD) -MMD -MP
LDLIBS    := -lbpf -lxdp -lmnl -lpcap -luuid -ljansson -lelf -lz -lpthread -lm

BPF_CFLAGS := -O2 -g -target bpf -Wall -Werror -D__TARGET_ARCH_$(ARCH) \
              -Iinclude -Ibpf -I/usr/include/$(MULTIARCH)

BPF_PROGS := $(patsubst %.bpf.c,%,$(wildcard bpf/*.bpf.c tc/*.bpf.c tests/bpf/*.bpf.c tests/bench/*.bpf.c))
BPF_OBJS  := $(BPF_PROGS:%=$(BUILD)/%.bpf.o)
SKELS     := $(BPF_PROGS:%=$(BUILD)/%.skel.h)

LIB_SRCS  := $(wildcard userspace/lib/*.c)
LIB_OBJS  := $(LIB_SRCS:%.c=$(BUILD)/%.o)
LIB       := $(BUILD)/libnetif.a

NETIFD_SRCS := $(wildcard userspace/netifd/*.c) $(filter-out %.bpf.c,$(wildcard tc/*.c))
NETIFD_OBJS := $(NETIFD_SRCS:%.c=$(BUILD)/%.o)
# everything but main.c, linked into tests that exercise agent logic
NETIFD_CORE := $(filter-out $(BUILD)/userspace/netifd/main.o,$(NETIFD_OBJS))

NETIFCTL_SRCS := $(wildcard userspace/netifctl/*.c)
NETIFCTL_OBJS := $(NETIFCTL_SRCS:%.c=$(BUILD)/%.o)

NETIFCAT_SRCS := $(wildcard userspace/netifcat/*.c)
NETIFCAT_OBJS := $(NETIFCAT_SRCS:%.c=$(BUILD)/%.o)

UNIT_SRCS := $(filter-out %.bpf.c,$(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/unit/%)
BPFT_SRCS := $(filter-out %.bpf.c,$(wildcard tests/bpf/test_*.c))
BPFT_BINS := $(BPFT_SRCS:tests/bpf/%.c=$(BUILD)/tests/bpf/%)
BENCH_SRCS := $(filter-out %.bpf.c,$(wildcard tests/bench/*.c))
BENCH_BINS := $(BENCH_SRCS:tests/bench/%.c=$(BUILD)/tests/bench/%)

BINS := $(BUILD)/netifd $(BUILD)/netifctl $(BUILD)/netifcat

.PHONY: all deps check check-unit check-bpf check-e2e check-kernels check-clang19 clang19 bench demo \
	install clean tests
.DELETE_ON_ERROR:
.SECONDARY:

all: $(SKELS) $(BINS)

tests: all $(BPF_OBJS) $(UNIT_BINS) $(BPFT_BINS) $(BENCH_BINS)

deps:
	@scripts/setup-deps.sh

$(BUILD)/%.bpf.o: %.bpf.c $(wildcard include/netif/*.h bpf/*.bpf.h tc/*.bpf.h) Makefile | $(BUILD)
	@mkdir -p $(dir $@)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/%.skel.h: $(BUILD)/%.bpf.o
	$(BPFTOOL) gen skeleton $< name $(notdir $*) > $@

$(BUILD)/%.o: %.c | $(SKELS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJS)
	$(AR) rcs $@ $^

$(BUILD)/netifd: $(NETIFD_OBJS) $(LIB)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/netifctl: $(NETIFCTL_OBJS) $(LIB)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/netifcat: $(NETIFCAT_OBJS) $(LIB)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/unit/%: $(BUILD)/tests/unit/%.o $(NETIFD_CORE) $(LIB)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS) -lcmocka

$(BUILD)/tests/bpf/%: $(BUILD)/tests/bpf/%.o $(NETIFD_CORE) $(LIB)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS) -lcmocka

$(BUILD)/tests/bench/%: $(BUILD)/tests/bench/%.o $(NETIFD_CORE) $(LIB)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD):
	@mkdir -p $@

# Test tiers. Each prints TAP; tests/run-tier.sh tallies, and `check` ends
# with the summed "N passed, N failed" line.
check: deps tests
	@tests/run-all.sh $(BUILD)

check-unit: tests
	@tests/run-tier.sh unit $(BUILD)

check-bpf: tests
	@tests/run-tier.sh bpf $(BUILD)

check-e2e: all
	@tests/run-tier.sh e2e $(BUILD)

# The whole tree built by clang-19 (BPF objects and userspace, -Werror).
clang19:
	@scripts/setup-deps.sh clang-19
	@$(MAKE) --no-print-directory BUILD=$(BUILD19) CC=clang-19 CLANG=clang-19 tests

check-clang19: clang19
	@tests/run-tier.sh unit $(BUILD19) && tests/run-tier.sh bpf $(BUILD19)

# Debian's kernels under qemu: 6.1, 6.12, 5.10 and this machine's (tests/kernels/).
check-kernels: deps tests clang19
	@tests/kernels/matrix.sh $(BUILD) $(BUILD19)

bench: deps tests
	@tests/bench/run.sh $(BUILD)

demo: deps all
	@scripts/demo.sh $(BUILD)

install: all
	install -d $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib \
		$(DESTDIR)$(PREFIX)/include/netif $(DESTDIR)$(PREFIX)/share/doc/netif
	install -m 0755 $(BUILD)/netifd $(DESTDIR)$(PREFIX)/sbin/netifd
	install -m 0755 $(BUILD)/netifctl $(DESTDIR)$(PREFIX)/sbin/netifctl
	install -m 0755 $(BUILD)/netifcat $(DESTDIR)$(PREFIX)/bin/netifcat
	install -m 0644 $(LIB) $(DESTDIR)$(PREFIX)/lib/libnetif.a
	install -m 0644 include/netif/*.h userspace/lib/netif_channel.h \
		$(DESTDIR)$(PREFIX)/include/netif/
	install -m 0644 README.md docs/*.md $(DESTDIR)$(PREFIX)/share/doc/netif/

clean:
	rm -rf $(BUILD) $(BUILD19)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
