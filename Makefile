# hardrun — `make` builds, `make demo` shows it, `make test` proves it.
SHELL := /bin/bash
GO      ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT  ?= $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
# Static: `verify` mounts this same binary into arbitrary images as its
# probe. libseccomp (cgo) links statically from Debian's libseccomp-dev;
# netgo/osusergo keep glibc's NSS out of the static binary.
TAGS    := netgo,osusergo
LDFLAGS := -linkmode external -extldflags "-static" -X main.version=$(VERSION) -X main.commit=$(COMMIT)
# A count, not a duration: with a duration Go 1.26's fuzz coordinator can
# report "context deadline exceeded" when the time runs out under load
# (golang/go#75804, fixed in Go 1.27). 50000 runs take 2-20 s per target.
FUZZTIME ?= 50000x
export CGO_ENABLED := 1

# Every fuzz target of a parser that takes user input: package:Target.
FUZZ_TARGETS := $(shell grep -rl --include='*_test.go' '^func Fuzz' . 2>/dev/null | grep -v '^./integration/' | \
	xargs -r grep -H -o '^func Fuzz[A-Za-z0-9_]*' | sed -e 's|^\./||' -e 's|/[^/]*_test.go:func |:|')

.PHONY: all build test unit fuzz integration demo lint bench clean images

all: build

build: bin/hardrun

bin/hardrun: $(shell find . -name '*.go' -not -path './integration/*' 2>/dev/null) go.mod go.sum
	$(GO) build -trimpath -tags $(TAGS) -ldflags '$(LDFLAGS)' -o $@ ./cmd/hardrun

test: unit fuzz integration

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

demo: build
	@bin/hardrun version >/dev/null || { echo "no Docker Engine answers: start dockerd (see README)"; exit 1; }
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

clean:
	rm -rf bin
