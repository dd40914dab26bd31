# vinet: the two commands are `make demo` and `make test`; both set up first.
SHELL := /bin/bash
GOBIN := $(shell go env GOPATH 2>/dev/null)/bin
export PATH := $(GOBIN):$(PATH)
export VINET_BIN := $(CURDIR)/build/release/src/cli/vinet
JOBS ?= 2
BENCH ?= OFF

.PHONY: all setup configure build test unit-test fuzz-build fuzz-smoke fuzz-run integration-test integration-run sdk-install sdk-wheel sdk-test \
        test-asan demo bench format clean

all: build

setup:
	@bash scripts/setup.sh

configure: setup
	@cmake --preset release -DVINET_BENCH=$(BENCH) >/dev/null

build: configure
	@cmake --build --preset release -j $(JOBS)

unit-test: build
	@ctest --preset release

fuzz-build: setup
	@cmake --preset fuzz >/dev/null
	@cmake --build --preset fuzz -j $(JOBS) --target fuzz_all

fuzz-smoke: fuzz-build
	@bash scripts/fuzz_smoke.sh build/fuzz

# The Python SDK, built by scikit-build-core (python/pyproject.toml) in
# build/sdk-<tag>: only its native module and what that links, the objects
# coming from ccache after `make build` (cmake/Ccache.cmake). No build
# isolation: setup installs scikit-build-core, so this needs no network.
sdk-install: build
	@CMAKE_BUILD_PARALLEL_LEVEL=$(JOBS) python3 -m pip install -q --disable-pip-version-check \
	  --no-build-isolation ./python

# A wheel in build/wheel (pip install build/wheel/vinet-*.whl anywhere with the
# runtime libraries: docs/sdk.md, "Install").
sdk-wheel: setup
	@CMAKE_BUILD_PARALLEL_LEVEL=$(JOBS) python3 -m build --wheel --no-isolation --outdir build/wheel python

sdk-test: sdk-install
	@python3 -m pytest -q python/tests

# Integration tests spend most of their time waiting for blocks, so they run
# in TEST_WORKERS processes, one test file (its devnet) per process at a time.
TEST_WORKERS ?= 2
integration-test: build sdk-install
	@$(MAKE) --no-print-directory integration-run

# The suites themselves, without their set-up prerequisites (for scripts that
# have already set up, such as scripts/test_overlapped.sh).
integration-run:
	@if ls tests/integration/test_*.py >/dev/null 2>&1; then \
	  python3 -m pytest -q -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder tests/integration; \
	else echo "no integration tests yet"; fi

fuzz-run:
	@cmake --preset fuzz >/dev/null
	@cmake --build --preset fuzz -j $(JOBS) --target fuzz_all
	@bash scripts/fuzz_smoke.sh build/fuzz

# Every test: unit, SDK, fuzz smoke, integration. CI runs this. The fuzz build
# and smoke run at the lowest CPU priority beside the integration tests, which
# mostly wait for blocks, so they use the cores those leave idle.
test: unit-test sdk-test
	@bash scripts/test_overlapped.sh

test-asan: setup
	@cmake --preset asan >/dev/null
	@cmake --build --preset asan -j $(JOBS)
	@ctest --preset asan

demo: build
	@bash scripts/demo.sh

bench: setup
	@cmake --preset release -DVINET_BENCH=ON >/dev/null
	@cmake --build --preset release -j $(JOBS)
	@bash scripts/bench.sh $(COMPONENTS)

format:
	@git ls-files '*.h' '*.cpp' | xargs clang-format -i

clean:
	rm -rf build
