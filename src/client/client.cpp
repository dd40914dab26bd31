#include "vinet/client/client.h"

#include <httplib.h>
#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "vinet/chain/rpc_client.h"
#include "vinet/client/chain_events.h"
#include "vinet/protocol/tensor_map_json.h"

namespace vinet::client {
using json = nlohmann::json;

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

namespace {

Code CodeFromName(const std::string& name) {
  for (int c = 1; c <= static_cast<int>(Code::kInternal); ++c) {
    if (CodeName(static_cast<Code>(c)) == name) return static_cast<Code>(c);
  }
  return Code::kInternal;
}

Bytes Digest(const crypto::Digest256& d) {
  return Bytes(d.begin(), d.end());
}

}  // namespace

Client::Client(ClientOptions options, crypto::SecretKey key)
    : options_(std::move(options)), key_(std::move(key)) {}

Result<json> Client::Http(const std::string& method, const std::string& path,
                          const std::string& body) {
  httplib::Client http(options_.node_url);
  http.set_connection_timeout(5);
  http.set_read_timeout(std::chrono::milliseconds(options_.read_timeout_ms));
  http.set_tcp_nodelay(true);
  auto res = method == "POST" ? http.Post(path, body, "application/json") : http.Get(path);
  if (!res) {
    return Error(Code::kUnavailable, "node " + options_.node_url + " did not answer " + path +
                                         ": " + httplib::to_string(res.error()));
  }
  json j = json::parse(res->body, nullptr, false);
  if (j.is_discarded()) return Error(Code::kParse, "node answer to " + path + " is not JSON");
  if (res->status != 200) {
    if (j.contains("error") && j["error"].is_object()) {
      return Error(CodeFromName(j["error"].value("code", "internal")),
                   j["error"].value("message", "node error"));
    }
    return Error(Code::kInternal, "node answered HTTP " + std::to_string(res->status));
  }
  return j;
}

Status Client::EnsureNodeInfo() {
  if (!options_.chain_id.empty() && options_.node_pubkey) return Status::Ok();
  VINET_ASSIGN_OR_RETURN(json health, Http("GET", "/healthz"));
  if (options_.chain_id.empty()) options_.chain_id = health.value("chain_id", "");
  if (options_.chain_id.empty()) return Error(Code::kParse, "node /healthz has no chain_id");
  if (!options_.node_pubkey) {
    auto bytes = FromHex(health.value("node_pubkey", ""));
    if (!bytes.ok()) return bytes.status().WithContext("node /healthz node_pubkey");
    VINET_ASSIGN_OR_RETURN(options_.node_pubkey, crypto::PublicKeyFromBytes(*bytes));
  }
  return Status::Ok();
}

Result<InferResult> Client::Infer(const std::string& model_id,
                                  const std::vector<protocol::NamedTensor>& inputs,
                                  protocol::Mode mode, bool wait_proof) {
  VINET_RETURN_IF_ERROR(EnsureNodeInfo());
  VINET_RETURN_IF_ERROR(protocol::ValidateTensors(inputs));
  protocol::InferenceRequest req;
  req.chain_id = options_.chain_id;
  req.node_pubkey = *options_.node_pubkey;
  req.model_id = model_id;
  req.mode = mode;
  req.input_hash = Digest(protocol::TensorsHash(inputs));
  req.max_fee = options_.max_fee;
  randombytes_buf(&req.nonce, sizeof(req.nonce));
  req.timestamp_ms = NowMs();
  req.expires_ms = req.timestamp_ms + std::max<int64_t>(1, options_.request_ttl_ms);
  InferResult r;
  r.request = protocol::SignRequest(req, key_);
  r.inputs = inputs;
  r.inference_id = ToHex(Digest(protocol::InferenceId(r.request)));
  last_inference_id_ = r.inference_id;
  signed_[r.inference_id] = {r.request, inputs};
  signed_order_.push_back(r.inference_id);
  while (signed_order_.size() > 1024) {
    signed_.erase(signed_order_.front());
    signed_order_.pop_front();
  }
  json body = {{"request", json::parse(protocol::SignedRequestToJson(r.request))},
               {"inputs", protocol::TensorMapToJson(inputs)}};
  if (wait_proof) body["wait"] = "proof";
  std::string id = r.inference_id;
  auto answer = Post(std::move(r), body);
  // The request is signed: whatever failed, the node may have served (and
  // will claim) it, so the error names the id its answer can be fetched by.
  if (!answer.ok()) return answer.status().WithContext("inference " + id);
  return answer;
}

Result<InferResult> Client::Post(InferResult r, const json& body) {
  r.sent_ms = NowMs();
  VINET_ASSIGN_OR_RETURN(json answer, Http("POST", "/v1/infer", body.dump()));
  r.received_ms = NowMs();
  if (answer.value("inference_id", "") != r.inference_id) {
    return Error(Code::kVerification,
                 "node answered for inference " + answer.value("inference_id", "") + ", not ours");
  }
  r.node_answered_ms = answer.value("node_answered_ms", int64_t{0});
  VINET_ASSIGN_OR_RETURN(r.outputs, protocol::TensorMapFromJson(answer["outputs"]));
  VINET_ASSIGN_OR_RETURN(r.receipt, protocol::ReceiptFromJson(answer["receipt"].dump()));
  if (answer.contains("zkml") && answer["zkml"].value("proof", json()).is_string()) {
    VINET_ASSIGN_OR_RETURN(r.zkml_proof, FromHex(answer["zkml"]["proof"].get<std::string>()));
  }
  return r;
}

Result<InferResult> Client::Fetch(const std::string& inference_id) {
  VINET_ASSIGN_OR_RETURN(json answer, Http("GET", "/v1/inferences/" + inference_id));
  InferResult r;
  r.inference_id = answer.value("inference_id", "");
  if (r.inference_id != inference_id) {
    return Error(Code::kVerification, "node answered for inference " + r.inference_id);
  }
  if (!answer.contains("outputs") || answer["outputs"].is_null()) {
    return Error(Code::kNotFound, "node keeps no answer for inference " + inference_id);
  }
  VINET_ASSIGN_OR_RETURN(r.outputs, protocol::TensorMapFromJson(answer["outputs"]));
  VINET_ASSIGN_OR_RETURN(r.receipt, protocol::ReceiptFromJson(answer["receipt"].dump()));
  if (auto it = signed_.find(inference_id); it != signed_.end()) {
    r.request = it->second.first;
    r.inputs = it->second.second;
  }
  r.received_ms = NowMs();
  return r;
}

Status Client::EnsureAttested(const protocol::Receipt& receipt) {
  if (!receipt.enclave_key || receipt.enclave_key->size() != crypto::PublicKey{}.size()) {
    return Error(Code::kVerification, "TEE receipt without an enclave key");
  }
  return EnsureEnclaveKey(*receipt.enclave_key);
}

Status Client::EnsureEnclaveKey(ByteSpan enclave_key) {
  crypto::PublicKey key{};
  if (enclave_key.size() != key.size()) {
    return Error(Code::kVerification, "enclave key: need 32 bytes");
  }
  std::copy(enclave_key.begin(), enclave_key.end(), key.begin());
  if (auto e = cache_.Find(key); e && e->valid_until_ms > static_cast<uint64_t>(NowMs())) {
    return Status::Ok();
  }
  Bytes nonce(32);
  randombytes_buf(nonce.data(), nonce.size());
  VINET_ASSIGN_OR_RETURN(json att, Http("GET", "/v1/attestation?nonce=" + ToHex(nonce)));
  VINET_ASSIGN_OR_RETURN(Bytes doc, chain::Base64Decode(att.value("document", "")));
  tee::AttestationPolicy policy;
  policy.expected_nonce = nonce;
  policy.allow_debug = options_.allow_debug_enclaves;
  policy.require_enclave_key = true;
  policy.expected_public_key = Bytes(enclave_key.begin(), enclave_key.end());
  if (options_.roots.empty()) {
    return Error(Code::kVerification, "no trust roots configured to verify the enclave");
  }
  auto added = cache_.Add(doc, options_.roots, static_cast<uint64_t>(NowMs()), policy);
  if (!added.ok()) return added.status().WithContext("enclave attestation");
  return Status::Ok();
}

Status Client::Verify(const InferResult& r) {
  const protocol::Receipt& rc = r.receipt;
  Bytes id = Digest(protocol::InferenceId(r.request));
  if (rc.inference_id != id || ToHex(id) != r.inference_id) {
    return Error(Code::kVerification, "receipt.inference_id is not this request's id");
  }
  const auto& asked = r.request.request.node_pubkey;
  if (!std::equal(asked.begin(), asked.end(), rc.node_id.begin(), rc.node_id.end())) {
    return Error(Code::kVerification, "receipt.node_id is not the node the request was sent to");
  }
  if (rc.model_id != r.request.request.model_id || rc.mode != r.request.request.mode) {
    return Error(Code::kVerification, "receipt model or mode differs from the request");
  }
  if (rc.input_hash != Digest(protocol::TensorsHash(r.inputs))) {
    return Error(Code::kVerification, "receipt.input_hash is not the hash of our inputs");
  }
  if (protocol::TensorsHash(r.outputs) != protocol::TensorsHash(rc.outputs) ||
      rc.output_hash != Digest(protocol::TensorsHash(rc.outputs))) {
    return Error(Code::kVerification, "receipt.output_hash does not match the outputs");
  }
  if (rc.mode != protocol::Mode::kTee) return protocol::VerifyNodeSignature(rc);
  VINET_RETURN_IF_ERROR(EnsureAttested(rc));
  tee::ReceiptExpectations expect;
  expect.require_node_signature = true;
  return tee::VerifyReceipt(rc, cache_, static_cast<uint64_t>(NowMs()), expect);
}

Result<std::optional<json>> Client::ChainClaim(const std::string& inference_id) {
  chain::RpcClient rpc(options_.chain_rpc, 5);
  VINET_ASSIGN_OR_RETURN(json answer, rpc.AbciQuery("/claim/" + inference_id));
  if (answer.value("code", 0) != 0) return std::optional<json>();
  json j = json::parse(answer["value"].get<std::string>(), nullptr, false);
  if (j.is_discarded()) return Error(Code::kParse, "chain /claim answer is not JSON");
  return std::optional<json>(std::move(j));
}

namespace {

bool IsFinal(const std::string& status) {
  return !status.empty() && status != "PENDING";
}

Settlement MakeSettlement(std::string status, int64_t height, std::string tx_hash,
                          int64_t received_ms) {
  Settlement s;
  s.status = std::move(status);
  s.height = height;
  s.tx_hash = std::move(tx_hash);
  s.seen_ms = NowMs();
  s.trust_gap_ms = s.seen_ms - received_ms;
  return s;
}

}  // namespace

// The chain's record, if final: the catch-up for events fired before we listened.
Result<std::optional<Settlement>> Client::SettledOnChain(const std::string& inference_id,
                                                         int64_t received_ms) {
  VINET_ASSIGN_OR_RETURN(auto claim, ChainClaim(inference_id));
  if (!claim || !IsFinal(claim->value("status", ""))) return std::optional<Settlement>();
  return std::optional<Settlement>(MakeSettlement((*claim)["status"],
                                                  claim->value("height", int64_t{0}),
                                                  claim->value("tx_hash", ""), received_ms));
}

Result<Settlement> Client::WaitSettled(const std::string& inference_id, int64_t received_ms,
                                       int64_t timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  auto left = [&] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(deadline -
                                                                 std::chrono::steady_clock::now())
        .count();
  };
  if (auto s = SettledOnChain(inference_id, received_ms); s.ok() && *s) return **s;
  std::string url =
      options_.chain_ws.empty() ? WebsocketUrl(options_.chain_rpc) : options_.chain_ws;
  std::string query = "tm.event='Tx' AND vinet.claim.id='" + inference_id + "'";
  Status last = Error(Code::kTimeout, "no subscription");
  for (int64_t backoff = 100; left() > 0; backoff = std::min<int64_t>(2000, backoff * 2)) {
    auto sub = ChainEvents::Subscribe(url, query, left());
    if (auto s = SettledOnChain(inference_id, received_ms); s.ok() && *s) return **s;
    if (sub.ok()) {
      backoff = 50;
      while (true) {
        auto msg = (*sub)->Next(left());
        if (!msg.ok()) {
          last = msg.status();
          break;
        }
        auto ev = ClaimEventFor(*msg, inference_id);
        if (ev && IsFinal(ev->status)) {
          return MakeSettlement(ev->status, ev->height, ev->tx_hash, received_ms);
        }
      }
    } else {
      last = sub.status();
    }
    if (last.code() == Code::kTimeout) break;
    std::this_thread::sleep_for(
        std::chrono::milliseconds(std::min(backoff, std::max<int64_t>(left(), 0))));
  }
  if (auto s = SettledOnChain(inference_id, received_ms); s.ok() && *s) return **s;
  return Error(Code::kTimeout, "inference " + inference_id + " not settled within " +
                                   std::to_string(timeout_ms) + " ms (last: " + last.ToString() +
                                   ")");
}

Result<json> Client::NodeStatus(const std::string& inference_id) {
  return Http("GET", "/v1/inferences/" + inference_id);
}

Status VerifyReceiptOffline(const protocol::Receipt& receipt) {
  VINET_RETURN_IF_ERROR(protocol::ValidateReceipt(receipt));
  if (receipt.output_hash != Digest(protocol::TensorsHash(receipt.outputs))) {
    return Error(Code::kVerification, "receipt.output_hash does not match its outputs");
  }
  if (receipt.mode == protocol::Mode::kTee) {
    if (!receipt.enclave_key || !receipt.enclave_signature) {
      return Error(Code::kVerification, "TEE receipt without an enclave signature");
    }
    crypto::PublicKey key{};
    std::copy(receipt.enclave_key->begin(), receipt.enclave_key->end(), key.begin());
    if (!crypto::Verify(key, protocol::EnclaveSigningBytes(receipt), *receipt.enclave_signature)) {
      return Error(Code::kUnauthenticated, "receipt.enclave_signature does not verify");
    }
  }
  return protocol::VerifyNodeSignature(receipt);
}

}  // namespace vinet::client
