# netif — eBPF-offloaded hybrid dataplane.
# One entry point: all, check, check-loaded, check-unit, check-bpf, check-e2e,
# check-ops, check-kernels, check-clang19, bench, demo, install, deb, clean.
# Everything builds out of tree in $(BUILD) ($(BUILD19) for the clang-19 build).

BUILD     ?= build
BUILD19   ?= $(BUILD)-clang19
PREFIX    ?= /usr/local
DESTDIR   ?=
VERSION   := 0.1.0
BINDIR    ?= $(PREFIX)/bin
SBINDIR   ?= $(PREFIX)/sbin
LIBDIR    ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
MANDIR    ?= $(PREFIX)/share/man
DOCDIR    ?= $(PREFIX)/share/doc/netif
UNITDIR   ?= $(PREFIX)/lib/systemd/system
COMPLETIONDIR ?= $(PREFIX)/share/bash-completion/completions
CC        ?= gcc
CLANG     ?= clang
BPFTOOL   ?= bpftool
ARCH      := $(shell uname -m | sed 's/x86_64/x86/;s/aarch64/arm64/')
# gcc knows the Debian multiarch triplet; clang -print-multiarch prints nothing
MULTIARCH := $(shell gcc -print-multiarch 2>/dev/null || $(CC) -print-multiarch 2>/dev/null)

CFLAGS    ?= -O2 -g
CFLAGS    += -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter -Wno-format-truncation -D_GNU_SOURCE \
             -I. -Iinclude -Iuserspace/lib -I$(BUILD) -MMD -MP $(EXTRA_CFLAGS)
LDLIBS    := -lbpf -lxdp -lmnl -lpcap -luuid -ljansson -lelf -lz -lpthread -lm -lsystemd -lmicrohttpd -lyaml

BPF_CFLAGS := -O2 -g -target bpf -Wall -Werror -D__TARGET_ARCH_$(ARCH) \
              -Iinclude -Ibpf -I/usr/include/$(MULTIARCH) $(BPF_EXTRA)

BPF_PROGS := $(patsubst %.bpf.c,%,$(wildcard bpf/*.bpf.c tc/*.bpf.c tests/bpf/*.bpf.c tests/bench/*.bpf.c))
# netif_tc again without the kfunc, for kernels before 6.2 (tc/egress_exc.bpf.h)
BPF_PROGS += tc/netif_tc_nokctx
BPF_OBJS  := $(BPF_PROGS:%=$(BUILD)/%.bpf.o)
SKELS     := $(BPF_PROGS:%=$(BUILD)/%.skel.h)

LIB_SRCS  := $(wildcard userspace/lib/*.c)
LIB_OBJS  := $(LIB_SRCS:%.c=$(BUILD)/%.o)
LIB       := $(BUILD)/libnetif.a
# libnetif.so: the client side (protocol codec, client, channels, names,
# units) as position-independent objects; the agent's log layer stays out
SOMAJOR   := 1
# and the configuration file's codec (libyaml, libuuid), for netifd and netifctl
SHLIB_OBJS := $(filter-out $(BUILD)/pic/userspace/lib/log.o $(BUILD)/pic/userspace/lib/config%.o,$(LIB_SRCS:%.c=$(BUILD)/pic/%.o))
SHLIB     := $(BUILD)/libnetif.so.$(SOMAJOR).0.0
# the headers a libnetif client includes, installed as <netif/...>
PUBLIC_HDRS := $(wildcard include/netif/*.h) $(addprefix userspace/lib/,netif_client.h \
               nlproto.h extack.h netif_channel.h names.h units.h)
MAN_SRCS  := $(wildcard docs/man/*.scd)
MANS      := $(MAN_SRCS:docs/man/%.scd=$(BUILD)/man/%)
OPS_FILES := $(BUILD)/netifd.service $(BUILD)/libnetif.pc $(MANS)

NETIFD_SRCS := $(wildcard userspace/netifd/*.c) $(filter-out %.bpf.c,$(wildcard tc/*.c))
NETIFD_OBJS := $(NETIFD_SRCS:%.c=$(BUILD)/%.o)
# everything but main.c, linked into tests that exercise agent logic
NETIFD_CORE := $(filter-out $(BUILD)/userspace/netifd/main.o,$(NETIFD_OBJS))

NETIFCTL_SRCS := $(wildcard userspace/netifctl/*.c)
NETIFCTL_OBJS := $(NETIFCTL_SRCS:%.c=$(BUILD)/%.o)
# everything but main.c, for the unit tests of the CLI (an archive: each test takes what it uses)
NETIFCTL_CORE := $(BUILD)/netifctl-core.a

NETIFCAT_SRCS := $(wildcard userspace/netifcat/*.c)
NETIFCAT_OBJS := $(NETIFCAT_SRCS:%.c=$(BUILD)/%.o)

UNIT_SRCS := $(filter-out %.bpf.c,$(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/unit/%)
BPFT_SRCS := $(filter-out %.bpf.c,$(wildcard tests/bpf/test_*.c))
BPFT_BINS := $(BPFT_SRCS:tests/bpf/%.c=$(BUILD)/tests/bpf/%)
# the harness every BPF test links (tests/bpf/pkt.h)
BPFT_HARNESS := $(patsubst %.c,$(BUILD)/%.o,$(filter-out %.bpf.c tests/bpf/test_%,$(wildcard tests/bpf/*.c)))
BENCH_SRCS := $(filter-out %.bpf.c tests/bench/prog_run_%.c,$(wildcard tests/bench/*.c))
BENCH_BINS := $(BENCH_SRCS:tests/bench/%.c=$(BUILD)/tests/bench/%)
# hostile and measuring peers the e2e security tests run (tests/tools)
TOOL_SRCS := $(wildcard tests/tools/*.c)
TOOL_BINS := $(TOOL_SRCS:tests/tools/%.c=$(BUILD)/tests/tools/%)

BINS := $(BUILD)/netifd $(BUILD)/netifctl $(BUILD)/netifcat
# helpers of the e2e tier (not installed)
E2E_TOOLS := $(BUILD)/tests/e2e/notify_sink

.PHONY: all deps check check-loaded check-unit check-bpf check-e2e check-ops check-fuzz check-asan fuzz fuzzers \
	fuzz-seeds check-kernels check-clang19 clang19 bench demo install clean tests deb FORCE
.DELETE_ON_ERROR:
.SECONDARY:

all: $(SKELS) $(BINS) $(SHLIB) $(OPS_FILES)

tests: all $(BPF_OBJS) $(UNIT_BINS) $(BPFT_BINS) $(BENCH_BINS) $(E2E_TOOLS) $(TOOL_BINS)

deps:
	@scripts/setup-deps.sh

$(BUILD)/%.bpf.o: %.bpf.c $(wildcard include/netif/*.h bpf/*.bpf.h tc/*.bpf.h) Makefile | $(BUILD)
	@mkdir -p $(dir $@)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/tc/netif_tc_nokctx.bpf.o: tc/netif_tc.bpf.c $(wildcard include/netif/*.h bpf/*.bpf.h tc/*.bpf.h) Makefile | $(BUILD)
	@mkdir -p $(dir $@)
	$(CLANG) $(BPF_CFLAGS) -DNETIF_NO_KERN_CTX -c $< -o $@

# opened through netif_tc's skeleton (userspace/netifd/variant.c): the two
# objects' read-only data must be laid out alike
rodata_sig = { llvm-readelf -S $(1) | awk '$$2 == ".rodata" { print $$6 }'; \
	$(BPFTOOL) btf dump file $(1) | sed -n "/DATASEC '.rodata'/,/DATASEC/p" | grep -o "(VAR '[^']*')" | \
	tr '\n' ' '; }
$(BUILD)/tc/netif_tc_nokctx.skel.h: $(BUILD)/tc/netif_tc_nokctx.bpf.o $(BUILD)/tc/netif_tc.bpf.o
	@[ "$$($(call rodata_sig,$<))" = "$$($(call rodata_sig,$(word 2,$^)))" ] || \
		{ echo "$<: read-only data laid out unlike netif_tc's" >&2; exit 1; }
	$(BPFTOOL) gen skeleton $< name netif_tc_nokctx > $@

$(BUILD)/%.skel.h: $(BUILD)/%.bpf.o
	$(BPFTOOL) gen skeleton $< name $(notdir $*) > $@

$(BUILD)/%.o: %.c | $(SKELS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJS)
	$(AR) rcs $@ $^

$(BUILD)/pic/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -fPIC -c $< -o $@

$(SHLIB): $(SHLIB_OBJS) userspace/lib/libnetif.map
	$(CC) $(CFLAGS) $(LDFLAGS) -shared -Wl,-soname,libnetif.so.$(SOMAJOR) \
		-Wl,--version-script=userspace/lib/libnetif.map -Wl,--no-undefined \
		-o $@ $(SHLIB_OBJS) -lmnl -lm
	ln -sf $(notdir $@) $(BUILD)/libnetif.so.$(SOMAJOR)
	ln -sf libnetif.so.$(SOMAJOR) $(BUILD)/libnetif.so

$(BUILD)/netifd: $(NETIFD_OBJS) $(LIB)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/netifctl: $(NETIFCTL_OBJS) $(LIB)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(NETIFCTL_CORE): $(filter-out $(BUILD)/userspace/netifctl/main.o,$(NETIFCTL_OBJS))
	rm -f $@ && $(AR) rcs $@ $^

$(BUILD)/netifcat: $(NETIFCAT_OBJS) $(LIB)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# Files that name installation directories are rebuilt when those change.
$(BUILD)/install-dirs: FORCE | $(BUILD)
	@echo '$(PREFIX) $(SBINDIR) $(LIBDIR) $(INCLUDEDIR) $(VERSION)' | cmp -s - $@ || \
		echo '$(PREFIX) $(SBINDIR) $(LIBDIR) $(INCLUDEDIR) $(VERSION)' > $@

$(BUILD)/netifd.service: dist/systemd/netifd.service.in $(BUILD)/install-dirs
	sed 's|@SBINDIR@|$(SBINDIR)|g' $< > $@

$(BUILD)/libnetif.pc: userspace/lib/libnetif.pc.in $(BUILD)/install-dirs
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(LIBDIR)|g' \
		-e 's|@INCLUDEDIR@|$(INCLUDEDIR)|g' -e 's|@VERSION@|$(VERSION)|g' $< > $@

# .nh: no hyphenation, so keywords (buf-size, EINVAL) are never split
$(BUILD)/man/%: docs/man/%.scd
	@mkdir -p $(dir $@)
	scdoc < $< > $@.tmp
	sed '/^\.TH /a .nh' $@.tmp > $@
	rm -f $@.tmp

$(BUILD)/tests/unit/%: $(BUILD)/tests/unit/%.o $(NETIFD_CORE) $(NETIFCTL_CORE) $(LIB)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS) -lcmocka

$(BUILD)/tests/bpf/%: $(BUILD)/tests/bpf/%.o $(BPFT_HARNESS) $(NETIFD_CORE) $(LIB)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS) -lcmocka

$(BUILD)/tests/bench/%: $(BUILD)/tests/bench/%.o $(NETIFD_CORE) $(LIB)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS) -lcmocka

$(BUILD)/tests/tools/%: $(BUILD)/tests/tools/%.o $(LIB)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

# the one benchmark that builds its frames with the BPF tier's harness (and has two more units)
$(BUILD)/tests/bench/bench_prog_run: $(BPFT_HARNESS) $(BUILD)/tests/bench/prog_run_setup.o \
	$(BUILD)/tests/bench/prog_run_report.o

$(BUILD)/tests/e2e/%: $(BUILD)/tests/e2e/%.o
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^

$(BUILD):
	@mkdir -p $@

# ---- fuzzing: libFuzzer with ASan and UBSan (clang 14, libclang-rt-14-dev) ----
# The userspace code is built again in $(FUZZ_BUILD), instrumented; each
# tests/fuzz/fuzz_NAME.c becomes $(FUZZ_BUILD)/fuzz_NAME, seeded from
# tests/fuzz/corpus/NAME. `make fuzz FUZZ_SECONDS=600` runs each for that long.
FUZZ_BUILD   ?= build-fuzz
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
# alignment: packet headers are read in place at whatever offset the frame
# puts them (an IPv4 header 14 bytes into a frame), as the kernel and the
# BPF programs read them; x86 and arm64 load unaligned words, so UBSan's
# alignment check would only report the parser's design (include/netif/parse.h)
SAN_NO_ALIGN := -fno-sanitize=alignment
FUZZ_CFLAGS  := -O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined \
                $(SAN_NO_ALIGN) -fno-sanitize-recover=undefined -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter \
                -D_GNU_SOURCE -I. -Iinclude -Iuserspace/lib -I$(BUILD)
FUZZ_SRCS    := $(LIB_SRCS) $(filter-out userspace/netifd/main.c,$(NETIFD_SRCS))
FUZZ_OBJS    := $(FUZZ_SRCS:%.c=$(FUZZ_BUILD)/%.o)
FUZZERS      := $(patsubst tests/fuzz/fuzz_%.c,$(FUZZ_BUILD)/fuzz_%,$(wildcard tests/fuzz/fuzz_*.c))

$(FUZZ_BUILD)/%.o: %.c Makefile | $(SKELS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -MMD -MP -c $< -o $@

$(FUZZ_BUILD)/fuzz_%: $(FUZZ_BUILD)/tests/fuzz/fuzz_%.o $(FUZZ_OBJS)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $^ $(LDLIBS)

fuzzers: $(FUZZERS)

# the committed seed corpora, written again from the protocol's headers
$(BUILD)/tests/fuzz/seeds: $(BUILD)/tests/fuzz/seeds.o $(LIB)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

fuzz-seeds: $(BUILD)/tests/fuzz/seeds
	$< tests/fuzz/corpus

fuzz: deps fuzzers
	@tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

check-fuzz: fuzzers
	@tests/run-tier.sh fuzz $(BUILD)

# ---- the unit and e2e tiers on userspace built with ASan and UBSan ----
ASAN_BUILD  ?= build-asan
ASAN_CFLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined $(SAN_NO_ALIGN) \
               -fno-sanitize-recover=undefined

check-asan: deps
	@$(MAKE) --no-print-directory BUILD=$(ASAN_BUILD) EXTRA_CFLAGS="$(ASAN_CFLAGS)" tests
	@tests/run-asan.sh $(ASAN_BUILD)

# Test tiers. Each prints TAP; tests/run-tier.sh tallies, and `check` ends
# with the summed "N passed, N failed" line.
check: deps tests fuzzers
	@tests/run-all.sh $(BUILD)

# `make check` with stress-ng --cpu 2 running beside it (tests/run-loaded.sh)
check-loaded: deps tests fuzzers
	@tests/run-loaded.sh $(BUILD)

check-unit: tests
	@tests/run-tier.sh unit $(BUILD)

check-bpf: tests
	@tests/run-tier.sh bpf $(BUILD)

# the e2e tier uses its helpers, the hostile peers, the live-frames generator and the counter sampler
check-e2e: all $(E2E_TOOLS) $(TOOL_BINS) $(BUILD)/tests/bench/livegen $(BUILD)/tests/bench/ctrwin
	@tests/run-tier.sh e2e $(BUILD)

check-ops: all
	@tests/run-tier.sh ops $(BUILD)

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
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR)/pkgconfig \
		$(DESTDIR)$(INCLUDEDIR)/netif $(DESTDIR)$(DOCDIR) $(DESTDIR)$(UNITDIR) \
		$(DESTDIR)$(COMPLETIONDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(MANDIR)/man8
	install -m 0755 $(BUILD)/netifd $(DESTDIR)$(SBINDIR)/netifd
	install -m 0755 $(BUILD)/netifctl $(DESTDIR)$(SBINDIR)/netifctl
	install -m 0755 $(BUILD)/netifcat $(DESTDIR)$(BINDIR)/netifcat
	install -m 0644 $(LIB) $(DESTDIR)$(LIBDIR)/libnetif.a
	install -m 0644 $(SHLIB) $(DESTDIR)$(LIBDIR)/
	ln -sf $(notdir $(SHLIB)) $(DESTDIR)$(LIBDIR)/libnetif.so.$(SOMAJOR)
	ln -sf libnetif.so.$(SOMAJOR) $(DESTDIR)$(LIBDIR)/libnetif.so
	install -m 0644 $(BUILD)/libnetif.pc $(DESTDIR)$(LIBDIR)/pkgconfig/libnetif.pc
	install -m 0644 $(PUBLIC_HDRS) $(DESTDIR)$(INCLUDEDIR)/netif/
	install -m 0644 $(BUILD)/netifd.service $(DESTDIR)$(UNITDIR)/netifd.service
	install -m 0644 dist/bash-completion/netifctl $(DESTDIR)$(COMPLETIONDIR)/netifctl
	ln -sf netifctl $(DESTDIR)$(COMPLETIONDIR)/netifcat
	for m in $(MANS); do install -m 0644 $$m $(DESTDIR)$(MANDIR)/man$${m##*.}/; done
	install -m 0644 README.md docs/*.md $(DESTDIR)$(DOCDIR)/
	install -d $(DESTDIR)$(DOCDIR)/examples
	install -m 0644 examples/*.c $(DESTDIR)$(DOCDIR)/examples/

# Debian packages (netif, libnetif1, libnetif-dev) with dpkg-buildpackage,
# built from a copy of the tracked tree so the packages land in $(BUILD)/deb.
deb: deps
	rm -rf $(BUILD)/deb
	mkdir -p $(BUILD)/deb/netif-$(VERSION)
	git ls-files -z -co --exclude-standard | \
		tar --null -T - --ignore-failed-read -cf - | tar -C $(BUILD)/deb/netif-$(VERSION) -xf -
	cd $(BUILD)/deb/netif-$(VERSION) && dpkg-buildpackage -b -us -uc -j2
	ls -l $(BUILD)/deb/*.deb

clean:
	rm -rf $(BUILD) $(BUILD19) $(FUZZ_BUILD) $(ASAN_BUILD)

-include $(shell find $(BUILD) $(FUZZ_BUILD) -name '*.d' 2>/dev/null)
