// The inference node's request handling, independent of HTTP.
//
// `Infer` runs the checks of docs/network.md in order: parse (kParse) →
// client signature (kUnauthenticated) → chain id, mode, input hash, fee ≤
// max_fee (kInvalidArgument) → model served (kNotFound) → the client's
// committed balance minus its unsettled fees here (kInsufficientFunds) →
// run (VANILLA: in-process runtime; TEE: the enclave) → co-sign → write the
// claim durably (Ledger) → answer. A failed request writes nothing and so
// costs the client nothing. Thread-safe; the HTTP server calls it from many
// threads. The Submitter (submitter.h) settles what the Ledger holds.
#pragma once

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "vinet/crypto/ed25519.h"
#include "vinet/node/chain_view.h"
#include "vinet/node/config.h"
#include "vinet/node/enclave_pool.h"
#include "vinet/node/ledger.h"
#include "vinet/node/metrics.h"
#include "vinet/node/runtime_runner.h"
#include "vinet/protocol/request.h"

namespace vinet::node {

class Node {
 public:
  static Result<std::unique_ptr<Node>> Create(NodeConfig config);

  Result<nlohmann::json> Infer(const nlohmann::json& body);
  Result<nlohmann::json> Inference(const std::string& id_hex) const;
  Result<nlohmann::json> Attestation(const std::string& nonce_hex);
  nlohmann::json Models();
  nlohmann::json Health() const;
  std::string MetricsText() const;

  const NodeConfig& config() const { return config_; }
  const crypto::SecretKey& key() const { return key_; }
  Ledger& ledger() { return *ledger_; }
  Metrics& metrics() { return metrics_; }
  ChainView& chain() { return chain_; }
  EnclavePool* enclave() { return enclave_.get(); }
  const std::optional<tee::RemoteEnclaveInfo>& enclave_info() const { return enclave_info_; }

 private:
  Node(NodeConfig config, crypto::SecretKey key, std::unique_ptr<Ledger> ledger,
       std::unique_ptr<RuntimeModelRunner> runner);
  Result<protocol::Receipt> Execute(const protocol::SignedRequest& req,
                                    const std::vector<protocol::NamedTensor>& inputs,
                                    const Bytes& inference_id);

  NodeConfig config_;
  crypto::SecretKey key_;
  std::unique_ptr<Ledger> ledger_;
  std::unique_ptr<RuntimeModelRunner> runner_;
  std::unique_ptr<EnclavePool> enclave_;
  std::optional<tee::RemoteEnclaveInfo> enclave_info_;
  ChainView chain_;
  Metrics metrics_;
};

int64_t WallMs();

}  // namespace vinet::node
