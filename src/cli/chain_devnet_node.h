// The inference side of `vinet devnet`: an enclave emulator and an inference
// node next to the validators (chain_devnet_node.cpp).
//
// Before genesis, `PrepareInference` creates the node key, the emulator's dev
// CA (its root goes into genesis tee_roots) and the model store with the given
// ONNX files; every model the ZKML circuits can prove is also committed
// (prover package <id>.vzk, seeded random calibration). A .gguf file (LLM
// chat, docs/chat.md) is copied as DIR/models/<sha256>.gguf, where the node
// and the enclave (--models) load it; its id is the file's SHA-256. After the validators produce
// blocks, `LaunchInference` starts the enclave, registers the node (stake) and the models (fee,
// VANILLA+TEE, PCR0 = the enclave's; ZKML with the verifying key when committed; gguf models
// with format "gguf", fee_per_inference 0 and the chat prices) on chain, writes
// node.toml and starts the node, which registers its enclave itself. `StopInference` stops both.
// State lives in devnet.json: "node": {"url","pid","key","address","config"},
// "enclave": {"pid","socket","pcr0"}, "tee_root", "models" (ONNX ids), "chat_models"
// ([{"model_id","file","format","fee_per_inference","price_per_input_token",
// "price_per_output_token","modes"}]).
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <set>
#include <string>
#include <vector>
#include "vinet/common/bytes.h"
#include "vinet/zkml/zkml.h"

namespace vinet::cli {

inline constexpr uint64_t kDevnetNodeBalance = 1'000'000'000ULL;
inline constexpr uint64_t kDevnetNodeStake = 100'000'000ULL;
inline constexpr uint64_t kDevnetModelFee = 10;
inline constexpr uint64_t kDevnetPriceIn = 1;   // per prompt token (gguf models)
inline constexpr uint64_t kDevnetPriceOut = 2;  // per completion token

struct InferenceSetup {
  std::string node_key, node_address, tee_root_pem_file, models_dir;
  std::vector<std::string> model_ids;        // in the order of the files given
  std::set<std::string> chat_models;         // those that are gguf (LLM chat)
  std::map<std::string, std::string> names;  // model id → name registered (the file's stem)
  std::map<std::string, Bytes> zkml_keys;    // model id → zkml::VerifyingKey::Encode
  std::map<std::string, Bytes> zkml_ranges;  // model id → zkml::ProveWeightRange
  std::set<std::string> unregistered;        // model ids served but not registered on chain
  // Written into node.toml: fault injection ("" = honest) and prover threads.
  std::string byzantine;
  int prover_threads = 1;
  // Chat prices of the gguf models registered (fee_per_inference 0).
  uint64_t price_in = kDevnetPriceIn, price_out = kDevnetPriceOut;
};

// The node.toml of a generated network's inference node (include/vinet/node/
// config.h): a devnet node (fault injection allowed) that needs no deposit.
// Relative paths are resolved by the node against the file's folder.
struct NodeTomlValues {
  std::string listen, data_dir, key_file, models_dir, chain_id, enclave_socket;
  // [chain] rpc: one URL is written as a string, several as a list (failover order).
  std::vector<std::string> chain_rpcs;
  int prover_threads = 1;
  std::string byzantine;  // "": honest
};
std::string NodeToml(const NodeTomlValues& values);

// ZKML models are committed with `zkml_params` (the key kind, private weights).
InferenceSetup PrepareInference(const std::string& dir, const std::vector<std::string>& models,
                                const zkml::ZkmlParams& zkml_params = {});
void LaunchInference(const std::string& dir, nlohmann::json& state, const InferenceSetup& setup,
                     double timeout_seconds);
void StopInference(nlohmann::json& state);
// Stops the node if it runs, starts it again with the same config (its claim
// queue survives), waits for /healthz.
void RestartNode(const std::string& dir, nlohmann::json& state, double timeout_seconds);
// Status fields for `devnet status --json`.
void AddInferenceStatus(const nlohmann::json& state, nlohmann::json& out);

}  // namespace vinet::cli
