# amsh — see README.md. `make demo` and `make test` do all the set-up on a fresh Debian machine
# (the sandbox needs root: it debootstraps Asterisk into a cache folder and chroots into it).

SHELL       := bash
.SHELLFLAGS := -o pipefail -c
GO          ?= go
BIN         ?= bin/amsh
SANDBOX     := scripts/sandbox
SANDBOX_DIR ?= $(or $(AMSH_SANDBOX_DIR),$(or $(XDG_CACHE_HOME),$(HOME)/.cache)/amsh/sandbox)
export AMSH_SANDBOX_DIR := $(SANDBOX_DIR)
# Three Asterisks (profiles sandbox, sandbox2, sandbox3; group sandboxes): the fleet tests in
# cmd/fleet_sandbox_test.go need them. scripts/sandbox alone starts one.
export AMSH_SANDBOX_INSTANCES ?= 3

VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT  ?= $(shell git rev-parse --short=12 HEAD 2>/dev/null)
LDFLAGS := -s -w -X github.com/amsh/amsh/cmd.version=$(VERSION) -X github.com/amsh/amsh/cmd.commit=$(COMMIT)

.PHONY: all build test unit vet fmt demo sandbox-up sandbox-down sandbox-status bench fuzz man clean

all: build

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) .

# The whole suite, integration tests included: they run against the sandbox and may not skip.
test: sandbox-up
	$(GO) vet ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))" || { echo "gofmt needed:"; gofmt -l .; exit 1; }
	@# -v so the log shows every test that ran or skipped (RUN/PAUSE/CONT noise dropped); -p 1 because
	@# the shell end-to-end test restarts the sandbox Asterisk, which other packages use too.
	AMSH_SANDBOX=$(SANDBOX_DIR) $(GO) test -race -count=1 -p 1 -v ./... 2>&1 | grep -vE '^=== (RUN|PAUSE|CONT|NAME)'

# Unit tests only: integration tests skip with a note saying how to run them.
unit:
	$(GO) test ./...

vet:
	$(GO) vet ./...

fmt:
	gofmt -w $$(git ls-files '*.go')

# Build amsh and run it against the sandbox (see README: what the demo shows today).
demo: build sandbox-up
	@scripts/demo $(BIN) $(SANDBOX_DIR)

sandbox-up:
	$(SANDBOX) up

sandbox-down:
	$(SANDBOX) down

sandbox-status:
	$(SANDBOX) status

bench:
	$(GO) test -run '^$$' -bench Reader -benchmem ./ami/

fuzz:
	$(GO) test -run '^$$' -fuzz FuzzReader -fuzztime 60s ./ami/

# Man pages from the command tree, one per command, into ./man (roff written by tools/man itself:
# no download needed). `man ./man/amsh.1` reads one.
man:
	$(GO) run -ldflags '$(LDFLAGS)' ./tools/man ./man

clean:
	rm -rf bin man
