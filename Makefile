# boardpack — plain Makefile. Quiet unless V=1.
# Targets: deps all fonts samples demo test asan bench fuzz format install clean

VERSION  := 0.1.0
PREFIX   ?= /usr/local
DESTDIR  ?=
PYTHON   ?= /usr/bin/python3
BUILD    ?= build
CC       ?= cc

# Every library that ships a pkg-config file (libcmark-gfm.pc names -lcmark-gfm-extensions too).
# libhpdf and libcsv ship none on Debian 12 (`pkg-config --list-all`), so they are named with -l,
# as are the C library's libpthread and libm.
PKGS     := xlsxwriter inih libcmark-gfm jansson harfbuzz harfbuzz-subset libpng zlib expat minizip libisal
NO_PC_LIBS := -lhpdf -lcsv -lpthread -lm

# pkg-config is asked only when a recipe needs its answer, and once: the variables are deferred
# (=) and set themselves on first use. So `make deps` and `make clean` work on a machine where the
# packages are still missing, and there a build stops with pkg-config's own message.
pkg_ask   = $(shell pkg-config $(1) $(2) && echo PKG_OK)
pkg_check = $(if $(filter PKG_OK,$(lastword $(1))),$(filter-out PKG_OK,$(1)),$(error pkg-config $(2) failed (above); 'make deps' installs the packages))
pkg       = $(call pkg_check,$(call pkg_ask,$(1),$(2)),$(1) $(2))
PKG_CFLAGS = $(eval PKG_CFLAGS := $(call pkg,--cflags,$(PKGS)))$(PKG_CFLAGS)
PKG_LIBS   = $(eval PKG_LIBS := $(call pkg,--libs,$(PKGS)))$(PKG_LIBS)
TEST_LDLIBS = $(eval TEST_LDLIBS := $(call pkg,--libs,cmocka))$(TEST_LDLIBS)

# CFLAGS is the user's (optimisation, debugging, sanitizers); BP_CFLAGS holds what the
# build needs whatever CFLAGS says, so `make CFLAGS=...` and `make asan` still build.
CFLAGS   ?= -O2 -g
BP_CFLAGS = -std=c11 -Igenerator -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Wall -Wextra -Werror \
            -DBOARDPACK_VERSION='"$(VERSION)"' -DBOARDPACK_DATADIR='"$(PREFIX)/share/boardpack"' \
            $(PKG_CFLAGS)
ALL_CFLAGS = $(BP_CFLAGS) $(CFLAGS)
LDLIBS   += $(PKG_LIBS) $(NO_PC_LIBS)
# Each compiler run also writes which headers it read (foo.o: foo.d), included below.
DEPFLAGS  = -MMD -MP -MT $@ -MF $(basename $@).d

# Debian packages the build, the fonts and the tests need.
DEB_PKGS := build-essential pkg-config libhpdf-dev libxlsxwriter-dev libcsv-dev libinih-dev \
            libcmark-gfm-dev libcmark-gfm-extensions-dev libjansson-dev libcmocka-dev \
            libharfbuzz-dev libpng-dev zlib1g-dev libisal-dev fonts-dejavu-core python3 python3-openpyxl \
            qpdf poppler-utils sqlite3 time valgrind gettext-base strace \
            libreoffice-calc-nogui libexpat1-dev libminizip-dev

ifeq ($(V),1)
Q :=
else
Q := @
endif

SRCS     := $(wildcard generator/*.c generator/*/*.c)
OBJS     := $(SRCS:generator/%.c=$(BUILD)/obj/%.o)
LIBOBJS  := $(filter-out $(BUILD)/obj/main.o,$(OBJS))
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
TOOL_SRCS := $(wildcard tests/tools/*.c)
TOOL_BINS := $(TOOL_SRCS:tests/tools/%.c=$(BUILD)/tools/%)
GEN      := $(BUILD)/northwind-gen
FONTS    := fonts/DejaVuSans.ttf fonts/DejaVuSans-Bold.ttf
SAMPLE   := samples/northwind

.PHONY: FORCE all deps fonts samples demo test suite unit e2e asan tsan bench fuzz format install clean check-samples

all: $(BUILD)/boardpack $(FONTS)

deps:
	@missing=""; for p in $(DEB_PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

# The compiler, its flags and the libraries, rewritten only when they change: every object and
# program depends on it, so `make CFLAGS=...` or a new library version rebuilds what it must.
$(BUILD)/flags: FORCE
	@mkdir -p $(dir $@)
	@flags='$(subst ','\'',$(CC) $(ALL_CFLAGS) | $(LDFLAGS) $(LDLIBS))'; \
	  if [ "$$flags" != "$$(cat $@ 2>/dev/null)" ]; then printf '%s\n' "$$flags" >$@; fi

FORCE:

$(BUILD)/obj/%.o: generator/%.c $(BUILD)/flags
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) $(DEPFLAGS) -c -o $@ $<

$(BUILD)/boardpack: $(OBJS) $(BUILD)/flags
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $(OBJS) $(LDFLAGS) $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c $(LIBOBJS) $(BUILD)/flags
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(ALL_CFLAGS) $(DEPFLAGS) -Igenerator -o $@ $< $(LIBOBJS) $(LDFLAGS) $(TEST_LDLIBS) $(LDLIBS)

# The reading benchmark (bench/readbench.c), linked with the library objects.
$(BUILD)/readbench: bench/readbench.c $(LIBOBJS) $(BUILD)/flags
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(ALL_CFLAGS) $(DEPFLAGS) -Igenerator -o $@ $< $(LIBOBJS) $(LDFLAGS) $(LDLIBS)

# The benchmark's generator of event logs of chosen shapes (bench/shapegen.c, issue 22).
$(BUILD)/shapegen: bench/shapegen.c
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $<

# Small test drivers linked with the library objects (tests/tools/*.c).
$(BUILD)/tools/%: tests/tools/%.c $(LIBOBJS) $(BUILD)/flags
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(ALL_CFLAGS) $(DEPFLAGS) -Igenerator -o $@ $< $(LIBOBJS) $(LDFLAGS) $(LDLIBS)

# The Mustache specification's test files, from Debian's r-cran-whisker: the .deb is
# downloaded and unpacked into build/ (R itself is not installed).
SPEC_DIR := $(BUILD)/mustache-spec/usr/lib/R/site-library/whisker/specs
$(SPEC_DIR)/sections.json:
	@mkdir -p $(BUILD)/mustache-spec
	$(Q)cd $(BUILD)/mustache-spec && rm -f r-cran-whisker_*.deb && \
	  (apt-get download r-cran-whisker >/dev/null 2>&1 || { apt-get update -qq && apt-get download r-cran-whisker >/dev/null; }) && \
	  dpkg-deb -x r-cran-whisker_*.deb . && rm -f r-cran-whisker_*.deb
	$(Q)touch $@

fonts: $(FONTS)
fonts/%.ttf:
	@test -f /usr/share/fonts/truetype/dejavu/$*.ttf || { echo "boardpack: fonts-dejavu-core is missing: run 'make deps'" >&2; exit 1; }
	$(Q)cp /usr/share/fonts/truetype/dejavu/$*.ttf $@

$(GEN): samples/northwind-gen.c $(BUILD)/flags
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(ALL_CFLAGS) $(DEPFLAGS) -o $@ $< -lm

# Recreates the committed demo data byte for byte.
samples: $(GEN)
	$(Q)$(GEN) --out $(SAMPLE)

check-samples: $(GEN)
	$(Q)tmp=$$(mktemp -d) && $(GEN) --out $$tmp && \
	  for f in journeys.csv kpis.csv customers.csv; do cmp -s $$tmp/$$f $(SAMPLE)/$$f || { echo "samples: $$f differs from the generator's output"; rm -rf $$tmp; exit 1; }; done; \
	  rm -rf $$tmp; echo "samples: committed CSV files match the generator"

demo: deps all
	$(Q)./$(BUILD)/boardpack build $(SAMPLE)/pack.ini --out out --json
	@ls -l out/

unit: $(UNIT_BINS)
	$(Q)status=0; for t in $(UNIT_BINS); do $$t || status=1; done; exit $$status

e2e: all $(TOOL_BINS) $(GEN) $(SPEC_DIR)/sections.json
	$(Q)BOARDPACK=$(CURDIR)/$(BUILD)/boardpack PYTHON=$(PYTHON) GEN=$(CURDIR)/$(GEN) MUSTACHE_SPEC_DIR=$(CURDIR)/$(SPEC_DIR) TOOLS=$(CURDIR)/$(BUILD)/tools tests/run-e2e.sh

# `make test` runs the whole suite twice: as built, then under AddressSanitizer and
# UndefinedBehaviorSanitizer (`make asan`). `make suite` runs it once.
test:
	$(Q)$(MAKE) --no-print-directory suite
	$(Q)echo "== the same suite under AddressSanitizer + UBSan (make asan)"
	$(Q)$(MAKE) --no-print-directory asan
	$(Q)echo "== the tests that write packs in parallel, under ThreadSanitizer (make tsan)"
	$(Q)$(MAKE) --no-print-directory tsan

suite: all $(UNIT_BINS) $(TOOL_BINS) $(GEN) $(SPEC_DIR)/sections.json
	$(Q)BOARDPACK=$(CURDIR)/$(BUILD)/boardpack PYTHON=$(PYTHON) GEN=$(CURDIR)/$(GEN) \
	  MUSTACHE_SPEC_DIR=$(CURDIR)/$(SPEC_DIR) TOOLS=$(CURDIR)/$(BUILD)/tools UNIT_BINS="$(UNIT_BINS)" tests/run-all.sh

# The sanitized binary lives in build/asan/, so it is told where templates and fonts are.
asan: fonts
	$(Q)BOARDPACK_DATADIR=$(CURDIR) $(MAKE) --no-print-directory BUILD=build/asan \
	  CFLAGS="-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all" \
	  LDFLAGS="-fsanitize=address,undefined" suite

# The tests that run writer threads (tests/e2e/split-*.sh) and the stories' reading in two halves
# at once (stories-reread.sh), with a ThreadSanitizer build.
tsan: fonts $(GEN)
	$(Q)$(MAKE) --no-print-directory BUILD=build/tsan CFLAGS="-O1 -g -fsanitize=thread" \
	  LDFLAGS="-fsanitize=thread" build/tsan/boardpack
	$(Q)scratch=$$(mktemp -d) && pass=0 && fail=0 && for t in tests/e2e/split-*.sh tests/e2e/stories-reread.sh tests/e2e/input-prepared-rows.sh; do \
	  mkdir -p $$scratch/$$(basename $$t .sh) && \
	  if (cd $$scratch/$$(basename $$t .sh) && BOARDPACK_DATADIR=$(CURDIR) TSAN_OPTIONS="halt_on_error=1 exitcode=66" \
	      BOARDPACK=$(CURDIR)/build/tsan/boardpack GEN=$(CURDIR)/$(GEN) PYTHON=$(PYTHON) ROOT=$(CURDIR) WORK=$$scratch/$$(basename $$t .sh) \
	      bash $(CURDIR)/$$t) >$$scratch/log 2>&1; then echo "ok   tsan/$$(basename $$t .sh)"; pass=$$((pass + 1)); \
	  else echo "FAIL tsan/$$(basename $$t .sh)"; sed 's/^/     | /' $$scratch/log | head -60; fail=$$((fail + 1)); fi; \
	done; rm -rf $$scratch; echo "tsan: $$pass passed, $$fail failed"; [ $$fail -eq 0 ]

# libFuzzer targets (tests/fuzz/fuzz_*.c), built with clang against sanitized library objects,
# each run for FUZZ_TIME seconds on a corpus seeded from the tests and the samples.
FUZZ_TIME    ?= 60
FUZZ_TARGETS := csv values config mustache layout xes xlsx
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all
fuzz: fonts
	$(Q)command -v clang >/dev/null && ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1 || \
	  { echo "installing clang and libFuzzer"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends clang libclang-rt-dev >/dev/null; }
	$(Q)$(MAKE) --no-print-directory CC=clang BUILD=build/fuzz \
	  CFLAGS="-g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer-no-link $(FUZZ_SAN)" \
	  $(FUZZ_TARGETS:%=build/fuzz/fuzz_%)
	$(Q)tests/fuzz/seed.sh build/fuzz/corpus
	$(Q)status=0; for t in $(FUZZ_TARGETS); do \
	  echo "fuzz_$$t: $(FUZZ_TIME) s"; \
	  BOARDPACK_DATADIR=$(CURDIR) build/fuzz/fuzz_$$t -max_total_time=$(FUZZ_TIME) -timeout=10 -rss_limit_mb=2048 \
	    -print_final_stats=1 -artifact_prefix=build/fuzz/crash-$$t- build/fuzz/corpus/$$t \
	    >build/fuzz/fuzz_$$t.log 2>&1 || { status=1; echo "fuzz_$$t FOUND A PROBLEM:"; tail -40 build/fuzz/fuzz_$$t.log; }; \
	  grep -E '^stat::(number_of_executed_units|peak_rss_mb)' build/fuzz/fuzz_$$t.log | sed 's/^/  /'; \
	done; exit $$status

build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(LIBOBJS) $(BUILD)/flags
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(ALL_CFLAGS) $(DEPFLAGS) -fsanitize=fuzzer -Igenerator -o $@ $< $(LIBOBJS) $(LDFLAGS) $(LDLIBS)

# The pandas peer's packages are installed here, not by `make deps`: only the benchmark needs them.
BENCH_PKGS := python3-pandas python3-xlsxwriter python3-reportlab
bench: all $(GEN) $(BUILD)/readbench $(BUILD)/shapegen
	$(Q)missing=""; for p in $(BENCH_PKGS); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; done; \
	  if [ -n "$$missing" ]; then echo "installing:$$missing"; apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; fi
	$(Q)BOARDPACK=$(CURDIR)/$(BUILD)/boardpack GEN=$(CURDIR)/$(GEN) READBENCH=$(CURDIR)/$(BUILD)/readbench \
	  PYTHON=$(PYTHON) bench/run.sh
	$(Q)BOARDPACK=$(CURDIR)/$(BUILD)/boardpack PYTHON=$(PYTHON) bench/inputs.sh

format:
	$(Q)clang-format -i generator/*.[ch] generator/*/*.[ch] tests/unit/*.c samples/*.c

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/boardpack/templates \
	  $(DESTDIR)$(PREFIX)/share/boardpack/fonts $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(BUILD)/boardpack $(DESTDIR)$(PREFIX)/bin/boardpack
	install -m 644 templates/* $(DESTDIR)$(PREFIX)/share/boardpack/templates/
	install -m 644 fonts/*.ttf $(DESTDIR)$(PREFIX)/share/boardpack/fonts/
	install -m 644 docs/boardpack.1 $(DESTDIR)$(PREFIX)/share/man/man1/boardpack.1

clean:
	rm -rf $(BUILD) out

# The headers each object, test and tool was built from (written by the compiler, see DEPFLAGS);
# BUILD is build/asan, build/tsan or build/fuzz in the sanitizer and fuzzing sub-makes.
-include $(wildcard $(BUILD)/obj/*.d $(BUILD)/obj/*/*.d $(BUILD)/tests/*.d $(BUILD)/tools/*.d $(BUILD)/*.d)
