# reconcile: the trip-assistant stack without Terraform. See README.md.
SHELL := /bin/bash
GO ?= go
BIN := bin
VERSION ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.Version=$(VERSION)
export GONOSUMDB := github.com/aws,github.com/sivchari
# Tests talk plain HTTP to emulators and need no CA bundle; with a custom
# HTTP client the SDK fails on AWS_CA_BUNDLE (shared/EMULATORS.md).
unexport AWS_CA_BUNDLE

IMAGE_ARCH ?= amd64
IMAGE_TAG ?= local

.PHONY: build deps test unit integration lint up images bench fuzz docs chaos clean

build: ## build the reconcile CLI into bin/
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN)/reconcile ./cmd/reconcile

unit: ## unit tests (fakes only, no emulator)
	$(GO) test ./...

deps: ## install the test emulator (moto, from PyPI) if it is missing
	./scripts/install-deps.sh moto

integration: deps ## integration tests against the emulator (moto_server, started by the tests)
	$(GO) test -tags integration -count=1 -timeout 30m ./...

test: lint unit integration ## everything CI runs

lint: ## vet, gofmt and the workflow checks
	$(GO) vet ./...
	$(GO) vet -tags integration ./...
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

fuzz: ## fuzz the spec loader for a minute, the state record decoder for another
	$(GO) test -run '^$$' -fuzz FuzzLoad -fuzztime 60s ./reconcile/spec/
	$(GO) test -run '^$$' -fuzz FuzzDecodeRecord -fuzztime 30s ./reconcile/ssmstate/
	$(GO) test -run '^$$' -fuzz FuzzDecodeChunk -fuzztime 30s ./reconcile/ssmstate/

up: build ## run the whole stack on the embedded emulator and serve it
	$(GO) build -o $(BIN)/localup ./cmd/localup
	$(BIN)/localup

images: ## build the agent and api images (IMAGE_ARCH=arm64 for Lambda)
	./scripts/build-images.sh $(IMAGE_ARCH) $(IMAGE_TAG)

bench: ## measure plan/apply on the emulator and the pure parts
	$(GO) run ./cmd/bench

docs: ## rewrite README.md's generated sections (the kind reference) and spec.schema.json from the kinds' schemas
	$(GO) run ./cmd/docgen

CHAOS_RUNS ?= 100
chaos: build deps ## kill reconcile CHAOS_RUNS times under injected faults on moto and print the figures against their goals
	$(GO) run ./cmd/chaos --reconcile $(BIN)/reconcile --runs $(CHAOS_RUNS)

clean:
	rm -rf $(BIN)
