#include "vinet/node/serve_guard.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace vinet::node {

LocalSetup ServeGuard::Setup() const {
  std::lock_guard lock(setup_mu_);
  return setup_;
}

void ServeGuard::SetSetup(LocalSetup setup) {
  std::lock_guard lock(setup_mu_);
  setup_ = std::move(setup);
}

Result<ChainModel> ServeGuard::Decide(const std::string& model_id, protocol::Mode mode,
                                      const Bytes& zkml_model_id, int64_t now_ms, bool chat) {
  std::string mode_name(protocol::ModeName(mode));
  const LocalSetup setup = Setup();
  VINET_ASSIGN_OR_RETURN(ChainModel model, chain_.Model(model_id));
  if (!model.registered) {
    return Error(Code::kNotFound, "model " + model_id +
                                      " is not registered on chain: its claims would settle "
                                      "INVALID, so this node does not serve it");
  }
  if (model.retired) {
    return Error(Code::kNotFound, "model " + model_id +
                                      " is retired on chain (UpdateModel): new claims would "
                                      "settle INVALID, so this node does not serve it");
  }
  if (chat && model.format != "gguf") {
    return Error(Code::kUnsupported, "model " + model_id + " is registered on chain with format '" +
                                         model.format + "': not a chat (gguf) model");
  }
  if (std::find(model.modes.begin(), model.modes.end(), mode) == model.modes.end()) {
    return Error(Code::kUnsupported,
                 "model " + model_id + " does not allow mode " + mode_name + " on chain");
  }
  if (mode == protocol::Mode::kZkml && model.zkml_model_id != zkml_model_id) {
    return Error(Code::kAlreadyExists, "model " + model_id +
                                           ": the chain's ZKML key (zkml_model_id " +
                                           ToHex(model.zkml_model_id) + ", owner " + model.owner +
                                           ") is not this node's (" + ToHex(zkml_model_id) +
                                           "); its proofs would be REJECTED, so ZKML is refused");
  }
  if (mode != protocol::Mode::kTee) return model;
  if (!setup.enclave_key || !setup.enclave_pcr0) {
    return Error(Code::kUnsupported, "this node runs no enclave");
  }
  const Bytes& pcr0 = *setup.enclave_pcr0;
  if (std::find(model.allowed_pcr0.begin(), model.allowed_pcr0.end(), pcr0) ==
      model.allowed_pcr0.end()) {
    return Error(Code::kAlreadyExists, "model " + model_id +
                                           ": the chain's PCR0 allowlist (owner " + model.owner +
                                           ") does not list this enclave's PCR0 " + ToHex(pcr0) +
                                           "; TEE claims would be REJECTED");
  }
  std::string key_hex = ToHex(*setup.enclave_key);
  VINET_ASSIGN_OR_RETURN(auto enclave, chain_.Enclave(key_hex));
  if (!enclave) {
    return Error(Code::kUnavailable,
                 "enclave key " + key_hex + " is not registered on chain (yet): TEE refused");
  }
  if (enclave->node != setup.node_address) {
    return Error(Code::kAlreadyExists, "enclave key " + key_hex + " is registered to node " +
                                           enclave->node + ", not this node");
  }
  if (std::find(enclave->model_ids.begin(), enclave->model_ids.end(), model_id) ==
      enclave->model_ids.end()) {
    return Error(Code::kUnavailable, "the chain's registration of enclave " + key_hex +
                                         " does not cover model " + model_id + ": TEE refused");
  }
  if (enclave->expires_time_ms <= now_ms + margin_ms_) {
    return Error(Code::kUnavailable,
                 "the enclave's registration expires at " +
                     std::to_string(enclave->expires_time_ms) +
                     " ms (too soon for a claim to land): TEE refused until it re-attests");
  }
  return model;
}

Result<ChainModel> ServeGuard::Check(const std::string& model_id, protocol::Mode mode,
                                     const Bytes& zkml_model_id, int64_t now_ms) {
  return Record(model_id, mode, Decide(model_id, mode, zkml_model_id, now_ms, false));
}

Result<ChainModel> ServeGuard::CheckChat(const std::string& model_id, protocol::Mode mode,
                                         int64_t now_ms) {
  return Record(model_id, mode, Decide(model_id, mode, {}, now_ms, true));
}

Result<ChainModel> ServeGuard::Record(const std::string& model_id, protocol::Mode mode,
                                      Result<ChainModel> r) {
  std::pair<std::string, std::string> key{model_id, std::string(protocol::ModeName(mode))};
  std::lock_guard lock(mu_);
  auto it = refused_.find(key);
  if (r.ok()) {
    if (it != refused_.end()) {
      spdlog::info("serving model {} in {} again", model_id, key.second);
      refused_.erase(it);
    }
  } else if (it == refused_.end() || it->second != r.status().message()) {
    spdlog::warn("refusing model {} in {}: {}", model_id, key.second, r.status().message());
    refused_[key] = r.status().message();
  }
  return r;
}

std::map<std::pair<std::string, std::string>, std::string> ServeGuard::Refusals() const {
  std::lock_guard lock(mu_);
  return refused_;
}

}  // namespace vinet::node
