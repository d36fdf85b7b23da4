# SPDX-License-Identifier: GPL-2.0-or-later
#
# podwire: build, install, check, demo, bench.
#
#   make                 build every program into build/bin/
#   make check           unit tests (plain and ASan+UBSan), fuzz corpus
#                        replay, man page lint, and the bats suites, all
#                        inside a throwaway network sandbox
#   make demo            the seeds' network, built, pinged and shown in a
#                        throwaway sandbox
#   make bench [N=...]   podwire against ip scripts and the CNI plugin
#   make reliability     SIGKILL each stage at random syscalls in a throwaway
#                        sandbox and check the next run converges
#                        (RELIABILITY_ARGS="--pods N --kills K --seed S ...")
#   make deps            install the Debian packages build and tests need
#   make install         PREFIX, DESTDIR, SBINDIR, CNIDIR, MANDIR,
#                        BASHCOMPDIR, SYSTEMDUNITDIR: programs, man pages,
#                        completions, veth-prune's systemd service and
#                        timer, and the CNI plugin podwire-cni into CNIDIR
#                        (default $(PREFIX)/lib/cni, which podman searches;
#                        CNIDIR=/opt/cni/bin for containerd and Kubernetes)
#   make install-cron    veth-prune every 10 minutes from
#                        $(DESTDIR)/etc/cron.d/podwire (instead of the timer)
#   make uninstall       remove what install and install-cron put there
#   make fuzz            run every fuzz target (clang, libFuzzer)
#   make analyze         clang's static analyzer over the sources
#   make format          clang-format every C file in place
#   V=1                  show the full commands

PREFIX ?= /usr/local
DESTDIR ?=
SBINDIR ?= $(PREFIX)/sbin
# Where CNI runtimes look for plugins (their CNI_PATH / cni_plugin_dirs).
CNIDIR ?= $(PREFIX)/lib/cni
MANDIR ?= $(PREFIX)/share/man
PKG_CONFIG ?= pkg-config
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
BASHCOMPDIR ?= $(or $(shell $(PKG_CONFIG) --variable=completionsdir bash-completion 2>/dev/null),$(PREFIX)/share/bash-completion/completions)
RUNSTATEDIR ?= /run

BUILD ?= build
CC ?= cc
CFLAGS ?= -O2 -g
LDFLAGS ?=

# The release from VERSION, and where in git it was built from when this
# is a checkout: "0.1.0 (git 2e81c2d-dirty)".
VERSION := $(shell cat VERSION)
GIT_DESCRIBE := $(shell git describe --dirty --always --tags 2>/dev/null)
VERSION_TEXT := $(VERSION)$(if $(GIT_DESCRIBE), (git $(GIT_DESCRIBE)))

PROGRAMS := netns-new veth-link br-attach nat-out pod-inspect veth-prune \
	podwire
PROGRAMS := $(foreach p,$(PROGRAMS),$(if $(wildcard cmds/$(p).c),$(p)))

LIBS_PC := libmnl libnftnl
PC_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(LIBS_PC) 2>/dev/null)
PC_LIBS := $(shell $(PKG_CONFIG) --libs $(LIBS_PC) 2>/dev/null || echo -lmnl -lnftnl)

# -Wno-format-truncation: messages are cut to one line on purpose; where a
# cut would be wrong (paths, aliases) the snprintf() result is checked.
# gcc knows the option and clang does not, so it is asked for only when
# the compiler takes it.
NO_TRUNC_WARN := $(shell $(CC) -Werror -Wno-format-truncation -x c -c \
	-o /dev/null /dev/null 2>/dev/null && echo -Wno-format-truncation)
override CFLAGS += -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Werror \
	-Wformat=2 -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wno-unused-parameter $(NO_TRUNC_WARN) -fstack-protector-strong \
	-MMD -MP $(PC_CFLAGS)
LDLIBS += $(PC_LIBS)

# Two tiers (CONTRIBUTING.md): lib/ is the silent typed library, pipe/ the
# pipeline layer over it.  Each tier sees only the headers below it, so
# the library cannot include a record, stage or CLI header by mistake.
LIB_INC := -Ilib
PIPE_INC := -Ilib -Ipipe -I$(BUILD)
CMD_INC := -Ilib -Ipipe -Icmds -I$(BUILD)

LIB_SRC := $(wildcard lib/*.c)
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
PIPE_SRC := $(wildcard pipe/*.c)
PIPE_OBJ := $(PIPE_SRC:%.c=$(BUILD)/obj/%.o)
LIB := $(BUILD)/libpodwire.a
PIPE := $(BUILD)/libpodwire-pipe.a
BOUNDARY := $(BUILD)/lib-boundary.tap
BINS := $(PROGRAMS:%=$(BUILD)/bin/%)

UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_REPLAY := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/tests/%-replay)

MANPAGES := $(wildcard man/*.8)

# The CNI plugin: a front end of the library alone (no pipeline layer),
# the only program that links the JSON library (jansson: make deps
# installs it).
CNI_SRC := $(wildcard cmds/podwire-cni.c)
CNI_OBJ := $(patsubst cmds/%.c,$(BUILD)/obj/cmds/%.o,$(CNI_SRC) \
	$(wildcard cmds/cni_*.c))
CNI_BIN := $(if $(CNI_SRC),$(BUILD)/bin/podwire-cni)
JSON_CFLAGS := $(shell $(PKG_CONFIG) --cflags jansson 2>/dev/null)
JSON_LIBS := $(shell $(PKG_CONFIG) --libs jansson 2>/dev/null || echo -ljansson)

ifeq ($(V),1)
Q :=
msg = @true
else
Q := @
msg = @printf '  %-7s %s\n' $(1) $(2)
endif

all: $(BINS) $(CNI_BIN) $(BOUNDARY)

# The version lives in a header rewritten only when it changes, so -V is
# never stale and nothing rebuilds when it is not.
VERSION_H := $(BUILD)/version.h
$(VERSION_H): FORCE
	@mkdir -p $(dir $@)
	@echo '#define PODWIRE_VERSION "$(VERSION_TEXT)"' >$@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@
$(BUILD)/obj/pipe/cli.o: $(VERSION_H)
FORCE:

$(BUILD)/obj/lib/%.o: lib/%.c
	$(call msg,CC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) $(LIB_INC) -c -o $@ $<

$(BUILD)/obj/pipe/%.o: pipe/%.c
	$(call msg,CC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) $(PIPE_INC) -c -o $@ $<

$(BUILD)/obj/cmds/%.o: cmds/%.c
	$(call msg,CC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) $(CMD_INC) -c -o $@ $<

$(LIB): $(LIB_OBJ)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(PIPE): $(PIPE_OBJ)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

# The library's promise, checked on every build: no object of it calls
# anything that prints or exits, or touches a record, a stage or the CLI.
$(BOUNDARY): $(LIB_OBJ) scripts/lib-boundary
	$(call msg,CHECK,library boundary)
	$(Q)scripts/lib-boundary $(LIB_OBJ) >$@.tmp || \
		{ grep '^not ok' $@.tmp >&2; rm -f $@.tmp; exit 1; }
	$(Q)mv $@.tmp $@

$(CNI_OBJ): CMD_INC := -Ilib -Icmds -I$(BUILD) $(JSON_CFLAGS)
$(BUILD)/obj/cmds/podwire-cni.o: $(VERSION_H)
$(CNI_BIN): $(CNI_OBJ) $(LIB)
	$(call msg,LINK,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(JSON_LIBS) $(LDLIBS)

$(BUILD)/bin/%: $(BUILD)/obj/cmds/%.o $(PIPE) $(LIB)
	$(call msg,LINK,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# The shell links every program's *_main; each is compiled again without
# its own main().  Its own front end is cmds/podwire.c and the
# cmds/podwire_*.c beside it (podwire_line.c, the only one that sees
# readline).
SHELL_CMDS := $(filter-out podwire,$(PROGRAMS))
PODWIRE_OBJ := $(patsubst %.c,$(BUILD)/obj/%.o,\
	$(wildcard cmds/podwire.c cmds/podwire_*.c))
$(BUILD)/obj/multi/%.o: cmds/%.c
	$(call msg,CC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) $(CMD_INC) -DPODWIRE_MULTICALL -c -o $@ $<

$(BUILD)/bin/podwire: $(PODWIRE_OBJ) \
		$(SHELL_CMDS:%=$(BUILD)/obj/multi/%.o) $(PIPE) $(LIB)
	$(call msg,LINK,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lreadline

$(BUILD)/tests/test_%: tests/unit/test_%.c tests/unit/tap.h $(PIPE) $(LIB)
	$(call msg,LINK,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) $(PIPE_INC) -Itests/unit $(LDFLAGS) -o $@ $< \
		$(PIPE) $(LIB) $(LDLIBS)

$(BUILD)/tests/fuzz_%-replay: tests/fuzz/fuzz_%.c tests/fuzz/replay.c $(PIPE) $(LIB)
	$(call msg,LINK,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) $(PIPE_INC) $(LDFLAGS) -o $@ $< tests/fuzz/replay.c \
		$(PIPE) $(LIB) $(LDLIBS)

# podwire-cni's parsers take the plugin's own sources and jansson.
CNI_FUZZ_SRC := $(filter-out cmds/podwire-cni.c,$(wildcard cmds/cni_*.c))
$(BUILD)/tests/fuzz_cni_conf-replay: tests/fuzz/fuzz_cni_conf.c \
		tests/fuzz/replay.c $(CNI_FUZZ_SRC) $(LIB)
	$(call msg,LINK,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) $(LIB_INC) -Icmds $(JSON_CFLAGS) $(LDFLAGS) -o $@ \
		$< tests/fuzz/replay.c $(CNI_FUZZ_SRC) $(LIB) $(JSON_LIBS) \
		$(LDLIBS)

# A front end of the library alone, as the CNI plugin will be: it sees no
# pipeline header and links no pipeline object.
$(BUILD)/tests/lib-pod: tests/lib/lib-pod.c $(LIB)
	$(call msg,LINK,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) $(LIB_INC) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

LIB_TESTS := $(if $(wildcard tests/lib/lib-pod.c),$(BUILD)/tests/lib-pod)

# Tools the bats suites run inside pods (tests/tools/*.c: send-ra forges a
# router advertisement).  Plain C over libc: no podwire code in them.
TOOL_SRC := $(wildcard tests/tools/*.c)
TOOL_BINS := $(TOOL_SRC:tests/tools/%.c=$(BUILD)/tests/%)
$(TOOL_BINS): $(BUILD)/tests/%: tests/tools/%.c
	$(call msg,LINK,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $<

units: $(UNIT_BINS) $(FUZZ_REPLAY) $(LIB_TESTS) $(TOOL_BINS)

# ---- Checks -------------------------------------------------------------

SAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all

# The same sources, built again with ASan and UBSan into build/san.
san:
	$(Q)$(MAKE) --no-print-directory BUILD=$(BUILD)/san \
		CFLAGS="$(SAN_FLAGS)" LDFLAGS="-fsanitize=address,undefined" \
		all units

# check and demo start from nothing: they install what is missing, then
# build in a second make, which sees the libraries pkg-config now knows.
check: deps
	$(Q)$(MAKE) --no-print-directory all units san
	$(Q)tests/run

lint-man:
	$(Q)for m in $(MANPAGES); do \
		out=$$(LC_ALL=C.UTF-8 MANWIDTH=80 groff -man -ww -z $$m 2>&1); \
		if [ -n "$$out" ]; then echo "$$m: $$out"; exit 1; fi; \
	done

FORMAT_FILES = cmds/*.c cmds/*.h lib/*.c lib/*.h pipe/*.c pipe/*.h \
	$(wildcard tests/unit/*.c tests/unit/*.h tests/fuzz/*.c tests/lib/*.c \
		tests/tools/*.c)

format:
	clang-format -i $(FORMAT_FILES)

format-check:
	$(Q)clang-format --dry-run --Werror $(FORMAT_FILES)

analyze:
	scan-build --status-bugs $(MAKE) BUILD=$(BUILD)/analyze all

FUZZ_SECONDS ?= 60
# New inputs go to build/fuzz/corpus-TARGET; the committed seeds stay
# small.  A crash stops the run with the fuzzer's own report.
fuzz: $(VERSION_H)
	$(Q)for src in $(FUZZ_SRC); do \
		t=$$(basename $$src .c); \
		mkdir -p $(BUILD)/fuzz/corpus-$$t || exit 1; \
		clang $(filter-out -MMD -MP -Wno-format-truncation,$(CFLAGS)) \
			-O1 -g -fsanitize=fuzzer,address,undefined \
			-fno-sanitize-recover=all \
			$(PIPE_INC) -Icmds $(JSON_CFLAGS) -o $(BUILD)/fuzz/$$t \
			$$src $(LIB_SRC) $(PIPE_SRC) \
			$$([ $$t = fuzz_cni_conf ] && echo $(CNI_FUZZ_SRC) \
				$(JSON_LIBS)) $(LDLIBS) || exit 1; \
		echo "  FUZZ    $$t ($(FUZZ_SECONDS)s)"; \
		$(BUILD)/fuzz/$$t -max_total_time=$(FUZZ_SECONDS) \
			-print_final_stats=1 -artifact_prefix=$(BUILD)/fuzz/$$t- \
			$(BUILD)/fuzz/corpus-$$t tests/fuzz/corpus/$$t \
			>$(BUILD)/fuzz/$$t.log 2>&1; rc=$$?; \
		grep -E 'number_of_executed_units|new_units_added' \
			$(BUILD)/fuzz/$$t.log | sed 's/^/          /'; \
		if [ $$rc -ne 0 ]; then tail -n 40 $(BUILD)/fuzz/$$t.log; \
			exit 1; fi; \
	done

demo: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)scripts/demo

RELIABILITY_ARGS ?=
reliability: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)scripts/reliability $(RELIABILITY_ARGS)

N ?= 100 1000
bench: deps
	$(Q)scripts/deps --bench
	$(Q)$(MAKE) --no-print-directory all
	$(Q)bench/run $(N)

deps:
	$(Q)scripts/deps

# ---- Install ------------------------------------------------------------

# veth-prune's systemd units (contrib/systemd), installed with the program.
UNITS := $(if $(filter veth-prune,$(PROGRAMS)),veth-prune.service \
	veth-prune.timer)
CRON_FILE := $(DESTDIR)/etc/cron.d/podwire

# $(call install_subst,SRC,DEST): SRC with @SBINDIR@ replaced by where the
# programs go, installed as DEST, mode 0644.  Written beside DEST first, as
# DEST.tmp: cron skips a file whose name holds a dot.
install_subst = sed 's|@SBINDIR@|$(SBINDIR)|g' $(1) >$(2).tmp && \
	chmod 0644 $(2).tmp && mv -f $(2).tmp $(2)

install: all
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 \
		$(DESTDIR)$(BASHCOMPDIR)
	install -m 0755 $(BINS) $(DESTDIR)$(SBINDIR)/
ifneq ($(CNI_BIN),)
	install -d $(DESTDIR)$(CNIDIR)
	install -m 0755 $(CNI_BIN) $(DESTDIR)$(CNIDIR)/
endif
	install -m 0644 $(MANPAGES) $(DESTDIR)$(MANDIR)/man8/
	for p in $(PROGRAMS); do \
		install -m 0644 completions/$$p.bash \
			$(DESTDIR)$(BASHCOMPDIR)/$$p || exit 1; \
	done
	install -m 0644 completions/podwire-common.bash $(DESTDIR)$(BASHCOMPDIR)/
ifneq ($(UNITS),)
	install -d $(DESTDIR)$(SYSTEMDUNITDIR)
	for u in $(UNITS); do \
		$(call install_subst,contrib/systemd/$$u,$(DESTDIR)$(SYSTEMDUNITDIR)/$$u) \
			|| exit 1; \
	done
endif

install-cron:
	install -d $(DESTDIR)/etc/cron.d
	$(call install_subst,contrib/cron/podwire,$(CRON_FILE))

uninstall:
	for p in $(PROGRAMS); do \
		rm -f $(DESTDIR)$(SBINDIR)/$$p $(DESTDIR)$(MANDIR)/man8/$$p.8 \
			$(DESTDIR)$(BASHCOMPDIR)/$$p; \
	done
	rm -f $(DESTDIR)$(CNIDIR)/podwire-cni \
		$(DESTDIR)$(MANDIR)/man8/podwire-cni.8
	rm -f $(DESTDIR)$(BASHCOMPDIR)/podwire-common.bash
	rm -f $(addprefix $(DESTDIR)$(SYSTEMDUNITDIR)/,veth-prune.service \
		veth-prune.timer) $(CRON_FILE)

clean:
	rm -rf $(BUILD)

.PHONY: FORCE all units san check lint-man format format-check analyze fuzz \
	demo reliability bench deps install install-cron uninstall clean
.DELETE_ON_ERROR:

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
