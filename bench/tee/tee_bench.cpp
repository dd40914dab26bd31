// Attestation verification (full: CBOR, chain, ES384) and receipt
// verification with the attestation cached (the SDK's ≤ 1 ms budget).
// Run: build/release/bench/bench_tee  (see bench/tee/README.md)
#include <benchmark/benchmark.h>

#include <chrono>
#include <fstream>
#include <sstream>

#include "vinet/tee/emulator.h"
#include "vinet/tee/enclave.h"
#include "vinet/tee/receipt_verifier.h"

namespace vinet::tee {
namespace {

Bytes ReadDoc(const std::string& name) {
  std::ifstream in(std::string(VINET_SOURCE_DIR) + "/tests/data/nitro/" + name, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ToBytes(ss.str());
}

uint64_t NowMs() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

void BM_VerifyAttestationAwsReal(benchmark::State& state) {
  Bytes doc = ReadDoc("aws-prod-2022-10-13.cbor");
  for (auto _ : state) {
    auto v = VerifyAttestation(doc, TrustRoot::AwsNitro(), 1665651482136ULL);
    if (!v.ok()) state.SkipWithError(v.status().ToString().c_str());
    benchmark::DoNotOptimize(v);
  }
}
BENCHMARK(BM_VerifyAttestationAwsReal)->Unit(benchmark::kMicrosecond);

void BM_ParseAttestationOnly(benchmark::State& state) {
  Bytes doc = ReadDoc("aws-prod-2022-10-13.cbor");
  for (auto _ : state) benchmark::DoNotOptimize(ParseAttestationUnverified(doc));
}
BENCHMARK(BM_ParseAttestationOnly)->Unit(benchmark::kMicrosecond);

struct ReceiptFixture {
  std::unique_ptr<Enclave> enclave;
  std::optional<TrustRoot> root;
  Bytes doc;
  AttestationCache cache;
  protocol::Receipt receipt;
  uint64_t now = NowMs();

  ReceiptFixture() {
    auto ca = DevCa::CreateEphemeral();
    root = ca->root();
    EnclaveMeasurements m;
    m.config = "bench";
    m.image = crypto::Sha384(AsBytes("image"));
    m.config_pcr = crypto::Sha384(AsBytes(m.config));
    m.config_hash = crypto::Sha256(AsBytes(m.config));
    auto provider = std::make_unique<EmulatorProvider>(std::move(*ca), m.image, m.config_pcr);
    auto runner = std::make_unique<TestOnlyEchoRunner>(std::vector<std::string>{"mlp"});
    enclave = std::make_unique<Enclave>(std::move(provider), std::move(runner), m, false);
    doc = *enclave->Attest(Bytes{1, 2, 3});
    (void)cache.Add(doc, std::span<const TrustRoot>(&*root, 1), now, {});
    auto node = crypto::SecretKey::Generate();
    std::vector<float> x(10, 0.5f);  // an MNIST-sized answer: 10 logits
    receipt = *enclave->Infer({Bytes(32, 1),
                               Bytes(node.public_key().begin(), node.public_key().end()),
                               "mlp",
                               {protocol::F32Tensor("logits", {1, 10}, x)}});
    (void)protocol::SignAsNode(receipt, node);
  }
};

void BM_VerifyAttestationEmulator(benchmark::State& state) {
  ReceiptFixture f;
  for (auto _ : state) {
    auto v = VerifyAttestation(f.doc, *f.root, f.now);
    if (!v.ok()) state.SkipWithError(v.status().ToString().c_str());
    benchmark::DoNotOptimize(v);
  }
}
BENCHMARK(BM_VerifyAttestationEmulator)->Unit(benchmark::kMicrosecond);

void BM_VerifyReceiptCached(benchmark::State& state) {
  ReceiptFixture f;
  for (auto _ : state) {
    Status s = VerifyReceipt(f.receipt, f.cache, f.now);
    if (!s.ok()) state.SkipWithError(s.ToString().c_str());
    benchmark::DoNotOptimize(s);
  }
}
BENCHMARK(BM_VerifyReceiptCached)->Unit(benchmark::kMicrosecond);

void BM_DecodeAndVerifyReceiptCached(benchmark::State& state) {
  ReceiptFixture f;
  Bytes encoded = protocol::EncodeReceipt(f.receipt);
  for (auto _ : state) {
    auto r = protocol::DecodeReceipt(encoded);
    Status s = r.ok() ? VerifyReceipt(*r, f.cache, f.now) : r.status();
    if (!s.ok()) state.SkipWithError(s.ToString().c_str());
    benchmark::DoNotOptimize(s);
  }
}
BENCHMARK(BM_DecodeAndVerifyReceiptCached)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace vinet::tee

BENCHMARK_MAIN();
