# hardrun — `make` builds, `make demo` shows it, `make test` proves it.
SHELL := /bin/bash
GO      ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT  ?= $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
# Static and pure Go: `verify` mounts this same binary into arbitrary images
# as its probe, and without cgo a container start costs 14% less CPU and
# 1 MiB less peak RSS (BENCHMARKS.md). libseccomp's syscall names reach it
# as a generated table (seccomp/names_table.go); the tests use cgo (the race
# detector, libseccomp's filter compiler). netgo/osusergo: no glibc NSS.
TAGS    := netgo,osusergo
LDFLAGS := -X main.version=$(VERSION) -X main.commit=$(COMMIT)
# A count, not a duration: with a duration Go 1.26's fuzz coordinator can
# report "context deadline exceeded" when the time runs out under load
# (golang/go#75804, fixed in Go 1.27). 50000 runs take 2-20 s per target.
FUZZTIME ?= 50000x
export CGO_ENABLED := 1

# Every fuzz target of a parser that takes user input: package:Target.
FUZZ_TARGETS := $(shell grep -rl --include='*_test.go' '^func Fuzz' . 2>/dev/null | grep -v '^./integration/' | \
	xargs -r grep -H -o '^func Fuzz[A-Za-z0-9_]*' | sed -e 's|^\./||' -e 's|/[^/]*_test.go:func |:|')

PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man
SHIMDIR ?= $(PREFIX)/lib/hardrun/shim
# What the demo needs from Debian: static busybox for the demo images (the
# build needs only Go). The tests also need a C toolchain and libseccomp
# for cgo: the race detector and libseccomp's filter compiler.
DEB_PACKAGES      := busybox-static
TEST_DEB_PACKAGES := gcc libc6-dev libseccomp-dev busybox-static

.PHONY: all build test test-deps unit fuzz integration demo deps lint bench clean images install install-shim

all: build

build: bin/hardrun

bin/hardrun: $(shell find . -name '*.go' -not -path './integration/*' 2>/dev/null) go.mod go.sum
	CGO_ENABLED=0 $(GO) build -trimpath -tags $(TAGS) -ldflags '$(LDFLAGS)' -o $@ ./cmd/hardrun

test: test-deps unit fuzz integration

test-deps:
	@$(MAKE) --no-print-directory deps DEB_PACKAGES="$(TEST_DEB_PACKAGES)"

unit:
	$(GO) test -race -count=1 $$($(GO) list ./... | grep -v /integration)

fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; fn=$${t##*:}; \
		echo "fuzz $$pkg $$fn ($(FUZZTIME))"; \
		$(GO) test -run='^$$' -fuzz="^$$fn$$" -fuzztime=$(FUZZTIME) ./$$pkg; \
	done

integration: build
	HARDRUN_BIN=$(CURDIR)/bin/hardrun $(GO) test -count=1 -timeout 40m ./integration/

images: build
	$(GO) run ./cmd/mkimage -hardrun bin/hardrun

# deps installs the Debian packages the build needs when run as root, and
# otherwise prints the exact apt-get line and stops.
deps:
	@command -v dpkg-query >/dev/null || exit 0; \
	missing=$$(for p in $(DEB_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	missing=$$(echo $$missing); \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
		echo "installing $$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	else \
		echo "Debian packages are missing; run:"; \
		echo "  sudo apt-get install -y --no-install-recommends $$missing"; \
		exit 1; \
	fi

demo: deps build
	@bin/hardrun version --format '{{.Server.Version}}' >/dev/null || { echo "no Docker Engine answers: start dockerd (see README)"; exit 1; }
	@$(MAKE) --no-print-directory images >/dev/null
	@echo '$$ hardrun explain hardrun-test/root id'
	@bin/hardrun explain hardrun-test/root id
	@echo
	@echo '$$ hardrun run --rm hardrun-test/root sh -c "id; grep -E ^(CapEff|NoNewPrivs|Seccomp): /proc/self/status; touch /x"'
	@bin/hardrun run --rm --label io.hardrun.demo=1 hardrun-test/root sh -c 'id; grep -E "^(CapEff|NoNewPrivs|Seccomp):" /proc/self/status; touch /x || echo "root filesystem is read-only"'

lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...

bench:
	$(GO) test -run='^$$' -bench=. -benchmem $$($(GO) list ./... | grep -v /integration)
	@$(MAKE) --no-print-directory images >/dev/null
	bench/inprocess.sh
	bench/launch.sh
	bench/streams.sh
	bench/parallel.sh

# install PREFIX=... (DESTDIR for packaging): the binary, the man page and
# the completions. install-shim adds a `docker` link to it in SHIMDIR:
# put SHIMDIR first on PATH and scripts that run docker are hardened too.
install: build
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions \
		$(DESTDIR)$(PREFIX)/share/zsh/site-functions \
		$(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
	install -m 0755 bin/hardrun $(DESTDIR)$(BINDIR)/hardrun
	install -m 0644 docs/hardrun.1 $(DESTDIR)$(MANDIR)/man1/hardrun.1
	bin/hardrun completion bash > $(DESTDIR)$(PREFIX)/share/bash-completion/completions/hardrun
	bin/hardrun completion zsh > $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_hardrun
	bin/hardrun completion fish > $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/hardrun.fish

install-shim: install
	$(DESTDIR)$(BINDIR)/hardrun shell-init --path $(DESTDIR)$(SHIMDIR) >/dev/null
	@echo "put $(SHIMDIR) first on PATH: export PATH=$(SHIMDIR):\$$PATH"

clean:
	rm -rf bin
