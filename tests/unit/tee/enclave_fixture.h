// Builds in-process emulator enclaves for tests (ephemeral dev CA, the
// test-only echo runner).
#pragma once

#include <chrono>
#include <memory>

#include "vinet/protocol/request.h"
#include "vinet/tee/emulator.h"
#include "vinet/tee/enclave.h"

namespace vinet::tee::testing {

inline uint64_t NowMs() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

struct TestEnclave {
  std::unique_ptr<Enclave> enclave;
  TrustRoot root;
};

inline EnclaveMeasurements FakeMeasurements() {
  EnclaveMeasurements m;
  m.config = "vinet-enclave-config-v1\nmodel echo.onnx 00\ndebug 0\n";
  m.image = crypto::Sha384(AsBytes("test image"));
  m.config_pcr = crypto::Sha384(AsBytes(m.config));
  m.config_hash = crypto::Sha256(AsBytes(m.config));
  return m;
}

inline TestEnclave MakeTestEnclave(bool debug = false,
                                   std::unique_ptr<ChatRunner> chat_runner = nullptr) {
  auto ca = DevCa::CreateEphemeral();
  TrustRoot root = ca->root();
  EnclaveMeasurements m = FakeMeasurements();
  EmulatorOptions o;
  o.debug = debug;
  auto provider = std::make_unique<EmulatorProvider>(std::move(*ca), m.image, m.config_pcr, o);
  auto runner = std::make_unique<TestOnlyEchoRunner>(std::vector<std::string>{"echo"});
  return {std::make_unique<Enclave>(std::move(provider), std::move(runner), m, debug,
                                    std::move(chat_runner)),
          root};
}

// A TEE "infer" of the echo model that `client` signed for `node` (inputs
// vary with `nonce`, so each call has its own inference id).
inline InferRequest SignedEchoCall(const crypto::SecretKey& node, const crypto::SecretKey& client,
                                   uint64_t nonce) {
  std::vector<protocol::NamedTensor> inputs{
      protocol::F32Tensor("x", {2}, {1.0f, static_cast<float>(nonce)})};
  protocol::InferenceRequest r;
  r.chain_id = "test-chain";
  r.node_pubkey = node.public_key();
  r.max_fee = 10;
  r.nonce = nonce;
  r.timestamp_ms = 1'000;
  r.expires_ms = 2'000;
  r.model_id = "echo";
  r.mode = protocol::Mode::kTee;
  auto h = protocol::TensorsHash(inputs);
  r.input_hash = Bytes(h.begin(), h.end());
  auto sr = protocol::SignRequest(r, client);
  auto id = protocol::InferenceId(sr);
  return InferRequest{Bytes(id.begin(), id.end()),
                      Bytes(node.public_key().begin(), node.public_key().end()), "echo", inputs,
                      sr};
}

}  // namespace vinet::tee::testing
