# hookspool - durable, signed, retried webhooks from a spool directory.
#
#   make            build the commands into bin/
#   make check      install missing packages (as root), build, run all tests,
#                   then run them again built with ASan and UBSan
#   make fuzz       run each libFuzzer harness FUZZ_SECONDS (60) on its corpus
#   make demo       build and run a delivery end to end on a scratch spool
#   make bench      speed and memory figures, as ratios against references
#   make stress     the crash tests (tests/7*.sh), ten times longer
#   make install    PREFIX=/usr/local DESTDIR=
#   SANITIZE=1      build everything with ASan and UBSan
#   SANITIZE=thread build everything with ThreadSanitizer (hook-send has
#                   two threads); make check SANITIZE=thread T=3 runs its
#                   tests so

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/vendor-completions
FISHCOMPDIR ?= $(PREFIX)/share/fish/vendor_completions.d

CC ?= cc
PKG_CONFIG ?= pkg-config
CFLAGS ?= -O2 -g
WARN = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wformat=2 -Wno-format-nonliteral
ALL_CFLAGS = -std=c17 $(WARN) $(CFLAGS)
ALL_CPPFLAGS = -D_GNU_SOURCE -Isrc $(CPPFLAGS)
ALL_LDFLAGS = -Wl,--as-needed $(LDFLAGS)

ifeq ($(SANITIZE),1)
ALL_CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined
ALL_LDFLAGS += -fsanitize=address,undefined
BUILD = build-san
else ifeq ($(SANITIZE),thread)
ALL_CFLAGS += -fsanitize=thread -fno-omit-frame-pointer
ALL_LDFLAGS += -fsanitize=thread
BUILD = build-tsan
else
BUILD = build
endif

pkg = $(shell $(PKG_CONFIG) --$(1) $(2) 2>/dev/null)
CURL_LIBS = $(call pkg,libs,libcurl)
CRYPTO_LIBS = $(call pkg,libs,libcrypto)
JANSSON_LIBS = $(call pkg,libs,jansson)
ARCHIVE_LIBS = $(call pkg,libs,libarchive)
PKG_CFLAGS = $(call pkg,cflags,libcurl libcrypto jansson libarchive)

# Each command links only the libraries it uses: loading libcurl or
# libcrypto costs milliseconds at every exec.
LIBS_hook-enqueue = $(JANSSON_LIBS)
LIBS_hook-endpoint =
LIBS_hook-send = $(CURL_LIBS) $(CRYPTO_LIBS) $(JANSSON_LIBS) -pthread
LIBS_hook-verify = -ldl
LIBS_hook-stat = $(JANSSON_LIBS) $(ARCHIVE_LIBS)
LIBS_hook-replay = $(ARCHIVE_LIBS) $(JANSSON_LIBS)
LIBS_hook-archive = $(ARCHIVE_LIBS) $(JANSSON_LIBS)
UNIT_LIBS = $(CURL_LIBS) $(CRYPTO_LIBS) $(JANSSON_LIBS) $(ARCHIVE_LIBS)

CMDS = $(sort $(basename $(notdir $(wildcard cmd/*.c))))
BINS = $(CMDS:%=bin/%)
LIB_SRC = $(wildcard src/*.c)
LIB_OBJ = $(LIB_SRC:src/%.c=$(BUILD)/src/%.o)
UNIT_SRC = $(wildcard tests/unit/t-*.c)
UNITS = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
TOOL_SRC = $(wildcard tests/tools/*.c)
TOOLS = $(TOOL_SRC:tests/tools/%.c=$(BUILD)/tools/%)
MAN1 = $(wildcard man/*.1)
MAN5 = $(wildcard man/*.5)
MAN7 = $(wildcard man/*.7)

ifneq ($(SANITIZE),)
BINS = $(CMDS:%=$(BUILD)/bin/%)
endif

all: $(BINS)

$(BUILD)/src/%.o: src/%.c src/*.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(PKG_CFLAGS) -c -o $@ $<

$(BUILD)/cmd/%.o: cmd/%.c src/*.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(PKG_CFLAGS) -c -o $@ $<

$(BUILD)/libhook.a: $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $(LIB_OBJ)

bin/%: $(BUILD)/cmd/%.o $(BUILD)/libhook.a
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(BUILD)/libhook.a $(LIBS_$*)

$(BUILD)/bin/%: $(BUILD)/cmd/%.o $(BUILD)/libhook.a
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(BUILD)/libhook.a $(LIBS_$*)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libhook.a tests/unit/unit.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) -Itests/unit $(ALL_CFLAGS) $(PKG_CFLAGS) \
		$(ALL_LDFLAGS) -o $@ $< $(BUILD)/libhook.a $(UNIT_LIBS)

$(BUILD)/tools/%: tests/tools/%.c $(BUILD)/libhook.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(PKG_CFLAGS) $(ALL_LDFLAGS) \
		-o $@ $< $(BUILD)/libhook.a $(UNIT_LIBS)

# Packages from Debian: to build, and to run the tests and benchmarks.
DEB_BUILD = gcc make pkg-config libcurl4-openssl-dev libssl-dev \
	libjansson-dev libarchive-dev
DEB_TEST = clang libclang-rt-14-dev openssl curl jq python3 \
	libarchive-tools faketime strace prometheus nginx-light hyperfine \
	e2fsprogs

deps:
	@sh tests/deps.sh $(DEB_BUILD) $(DEB_TEST)

# Without SANITIZE, check runs the suite twice: as built, then built with
# ASan and UBSan into build-san/; the last line sums both runs.  Its
# builds use every core (JOBS), which halves them on a clean clone.
JOBS ?= $(shell nproc 2>/dev/null || echo 1)
ifneq ($(SANITIZE),)
check: deps
	@$(MAKE) --no-print-directory -j$(JOBS) all tools fuzzers
	@BUILD=$(BUILD) SANITIZE=$(SANITIZE) sh tests/run $(T)
else
check: deps
	@$(MAKE) --no-print-directory -j$(JOBS) all tools fuzzers
	@$(MAKE) --no-print-directory -j$(JOBS) SANITIZE=1 all tools
	@sh tests/run-both $(T)
endif

tools: $(BINS) $(UNITS) $(TOOLS)

stress: deps
	@$(MAKE) --no-print-directory all tools
	@BUILD=$(BUILD) STRESS=1 sh tests/run /7

# libFuzzer harnesses, one per parser, built with clang into build-fuzz/.
# "make fuzzers" builds nothing, and says so, where clang has no libFuzzer
# runtime; tests/95-fuzz.sh then skips.  "make fuzz" runs each harness
# for FUZZ_SECONDS on its corpus and fails on the first crash found.
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_CFLAGS = -std=c17 $(WARN) -g -O1 -fno-omit-frame-pointer \
	-fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_SRC = $(wildcard tests/fuzz/fuzz-*.c)
FUZZERS = $(FUZZ_SRC:tests/fuzz/%.c=build-fuzz/%)
FUZZ_OBJ = $(LIB_SRC:src/%.c=build-fuzz/src/%.o)

build-fuzz/src/%.o: src/%.c src/*.h
	@mkdir -p $(@D)
	$(FUZZ_CC) $(ALL_CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link \
		$(PKG_CFLAGS) -c -o $@ $<

build-fuzz/libhook.a: $(FUZZ_OBJ)
	@rm -f $@
	$(AR) rcs $@ $(FUZZ_OBJ)

build-fuzz/fuzz-%: tests/fuzz/fuzz-%.c tests/fuzz/fuzz.h build-fuzz/libhook.a
	$(FUZZ_CC) $(ALL_CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer \
		$(PKG_CFLAGS) -o $@ $< build-fuzz/libhook.a $(UNIT_LIBS) -ldl

fuzzers:
	@if sh tests/fuzz/probe $(FUZZ_CC); then \
		$(MAKE) --no-print-directory $(FUZZERS); \
	else \
		echo "fuzzers: $(FUZZ_CC) has no libFuzzer runtime;" \
		    "not built (Debian: libclang-rt-14-dev)"; \
	fi

fuzz: deps fuzzers
	@sh tests/fuzz/run $(FUZZ_SECONDS) $(F)

demo: deps
	@$(MAKE) --no-print-directory all tools
	@BUILD=$(BUILD) sh tests/demo.sh

bench: deps
	@$(MAKE) --no-print-directory all tools
	@BUILD=$(BUILD) sh bench/run $(B)

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man7 \
		$(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) \
		$(DESTDIR)$(FISHCOMPDIR)
	install -m 755 $(BINS) $(DESTDIR)$(BINDIR)
	$(if $(MAN1),install -m 644 $(MAN1) $(DESTDIR)$(MANDIR)/man1)
	$(if $(MAN5),install -m 644 $(MAN5) $(DESTDIR)$(MANDIR)/man5)
	$(if $(MAN7),install -m 644 $(MAN7) $(DESTDIR)$(MANDIR)/man7)
	for f in completions/bash/*; do install -m 644 $$f \
		$(DESTDIR)$(BASHCOMPDIR); done
	for f in completions/zsh/*; do install -m 644 $$f \
		$(DESTDIR)$(ZSHCOMPDIR); done
	for f in completions/fish/*; do install -m 644 $$f \
		$(DESTDIR)$(FISHCOMPDIR); done

uninstall:
	for c in $(CMDS); do rm -f $(DESTDIR)$(BINDIR)/$$c \
		$(DESTDIR)$(BASHCOMPDIR)/$$c $(DESTDIR)$(ZSHCOMPDIR)/_$$c \
		$(DESTDIR)$(FISHCOMPDIR)/$$c.fish; done
	for m in $(notdir $(MAN1)); do rm -f $(DESTDIR)$(MANDIR)/man1/$$m; done
	for m in $(notdir $(MAN5)); do rm -f $(DESTDIR)$(MANDIR)/man5/$$m; done
	for m in $(notdir $(MAN7)); do rm -f $(DESTDIR)$(MANDIR)/man7/$$m; done

clean:
	rm -rf bin build build-san build-tsan build-fuzz

.PHONY: all check deps demo bench install uninstall clean tools stress fuzzers fuzz
.SECONDARY:
