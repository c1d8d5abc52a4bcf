# jobsite - a static job-board generator.
#
#   make            build ./jobsite
#   make run        install what is missing, build, build the site into public/
#   make test       install what is missing, build, run every test
#   make asan       the tests again with AddressSanitizer + UBSan
#   make bench      benchmarks (see tests/bench/)
#   make fuzz       each libFuzzer target for $(FUZZ_SECONDS) s
#   make install    PREFIX=/usr/local
#   make clean

PREFIX      ?= /usr/local
CC          ?= gcc
BUILD       ?= build
VERSION     := 0.1.0

PKGS        := libxml-2.0 libcmark libpcre2-8 yaml-0.1 jansson libutf8proc libmicrohttpd libxxhash
# Recursively expanded on purpose: pkg-config runs only when a compile
# needs it, after `make deps` has installed the packages.
PKG_CFLAGS   = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS     = $(shell pkg-config --libs $(PKGS))

OPT         ?= -O2 -g
SAN         ?=
WARN        := -Wall -Wextra -Wpedantic -Werror -Wshadow -Wstrict-prototypes
CFLAGS_ALL   = -std=c17 $(WARN) $(OPT) $(SAN) -D_GNU_SOURCE \
               -DJOBSITE_VERSION='"$(VERSION)"' -MMD -MP -Isrc $(PKG_CFLAGS) $(CFLAGS)
LDLIBS_ALL   = $(PKG_LIBS) -lpthread -lm $(LDLIBS)

SRCS        := $(wildcard src/*.c)
LIB_SRCS    := $(filter-out src/main.c,$(SRCS))
OBJS        := $(SRCS:src/%.c=$(BUILD)/obj/%.o)
LIB_OBJS    := $(LIB_SRCS:src/%.c=$(BUILD)/obj/%.o)
UNIT_SRCS   := $(wildcard tests/unit/t_*.c)
UNIT_BINS   := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
BENCH_SRCS  := $(wildcard tests/bench/b_*.c)
BENCH_BINS  := $(BENCH_SRCS:tests/bench/%.c=$(BUILD)/bench/%)
FUZZ_SRCS   := $(wildcard tests/fuzz/fuzz_*.c)
BIN         := $(if $(filter build,$(BUILD)),jobsite,$(BUILD)/jobsite)

FUZZ_SECONDS ?= 60

.PHONY: all run test check-build unit asan bench fuzz fuzz-build install clean deps

all: $(BIN)

$(BIN): $(OBJS)
	$(CC) $(OPT) $(SAN) -o $@ $(OBJS) $(LDLIBS_ALL)

$(BUILD)/obj/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(LIB_OBJS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -Itests/unit -o $@ $< $(LIB_OBJS) $(LDLIBS_ALL)

$(BUILD)/bench/%: tests/bench/%.c $(LIB_OBJS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -o $@ $< $(LIB_OBJS) $(LDLIBS_ALL)

-include $(OBJS:.o=.d) $(UNIT_BINS:=.d)

deps:
	@tests/deps.sh

run: deps
	@$(MAKE) --no-print-directory all
	./$(BIN) build

# Everything the test scripts need, then the runner.
check-build: $(BIN) $(UNIT_BINS)

test: deps
	@$(MAKE) --no-print-directory check-build
	@JOBSITE=$(abspath $(BIN)) UNIT_DIR=$(abspath $(BUILD)/tests) tests/run.sh

asan:
	@$(MAKE) --no-print-directory BUILD=build/asan OPT='-O1 -g -fno-omit-frame-pointer' \
	    SAN='-fsanitize=address,undefined -fno-sanitize-recover=undefined' check-build
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	    JOBSITE=$(abspath build/asan/jobsite) UNIT_DIR=$(abspath build/asan/tests) \
	    JOBSITE_SANITIZED=1 tests/run.sh

bench: deps
	@$(MAKE) --no-print-directory all $(BENCH_BINS)
	@JOBSITE=$(abspath $(BIN)) BENCH_DIR=$(abspath $(BUILD)/bench) tests/bench/run.sh

# libFuzzer needs clang; the library sources are compiled again with it,
# once into $(BUILD)/fuzz/obj/ (coverage + sanitizers, no libFuzzer main),
# and every target links against those objects.
FUZZ_BASE    = -std=c17 -g -O1 -D_GNU_SOURCE -DJOBSITE_VERSION='"$(VERSION)"' -Isrc $(PKG_CFLAGS) \
               -fno-sanitize-recover=undefined
FUZZ_CFLAGS  = $(FUZZ_BASE) -fsanitize=fuzzer,address,undefined
FUZZ_OBJS   := $(LIB_SRCS:src/%.c=$(BUILD)/fuzz/obj/%.o)
FUZZ_BINS   := $(FUZZ_SRCS:tests/fuzz/%.c=$(BUILD)/fuzz/%)

fuzz-build: $(FUZZ_BINS)

$(FUZZ_OBJS): $(BUILD)/fuzz/obj/%.o: src/%.c
	@mkdir -p $(@D)
	clang $(FUZZ_BASE) -fsanitize=fuzzer-no-link,address,undefined -MMD -MP -c -o $@ $<

$(FUZZ_BINS): $(BUILD)/fuzz/%: tests/fuzz/%.c $(FUZZ_OBJS)
	clang $(FUZZ_CFLAGS) -MMD -MP -o $@ $< $(FUZZ_OBJS) $(PKG_LIBS) -lpthread -lm

-include $(FUZZ_OBJS:.o=.d) $(FUZZ_BINS:=.d)

fuzz: deps
	@$(MAKE) --no-print-directory fuzz-build
	@FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_DIR=$(abspath $(BUILD)/fuzz) tests/fuzz/run.sh

install: $(BIN)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
	    $(DESTDIR)$(PREFIX)/share/jobsite
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/jobsite
	cp -R templates static $(DESTDIR)$(PREFIX)/share/jobsite/
	@if [ -f doc/jobsite.1 ]; then install -m 644 doc/jobsite.1 $(DESTDIR)$(PREFIX)/share/man/man1/; fi

clean:
	rm -rf build jobsite public build-report.json .jobsite-cache
