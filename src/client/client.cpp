#include "vinet/client/client.h"

#include <httplib.h>
#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
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

constexpr const char* kFundsHint =
    " (hint: fund this key: `vinet tx transfer --to <its address> --amount N` from a funded key,"
    " or for a node that serves only against deposits `vinet tx deposit --for-node <node"
    " address> --amount N`)";
constexpr const char* kRootsHint =
    " (hint: give the enclave's trust root: ClientOptions::roots, `--root PEM`; on a devnet its"
    " dev CA root, Client::FromDevnet or `--devnet DIR`)";

// A node's error answer: 4xx keep the node's code (the request must change);
// 5xx are kUnavailable (kTimeout kept): only those are worth retrying.
Status NodeError(int http_status, const json& j, const std::string& path) {
  std::string message = "node answered HTTP " + std::to_string(http_status) + " to " + path;
  Code code = http_status >= 500 ? Code::kUnavailable : Code::kInvalidArgument;
  if (j.is_object() && j.contains("error") && j["error"].is_object()) {
    const json& e = j["error"];
    if (e.contains("message") && e["message"].is_string()) message = e["message"];
    Code named = CodeFromName(
        e.contains("code") && e["code"].is_string() ? e["code"].get<std::string>() : "internal");
    if (http_status < 500 || named == Code::kTimeout) code = named;
  } else if (http_status == 413) {
    code = Code::kOutOfRange;
    message = "node refused the body as over its request limit (HTTP 413)";
  }
  if (code == Code::kInsufficientFunds) message += kFundsHint;
  return Error(code, message);
}

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

Result<json> ReadJsonFile(const std::string& path) {
  std::ifstream f(path);
  if (!f) return Error(Code::kInvalidArgument, "cannot read " + path);
  json j = json::parse(f, nullptr, false);
  if (j.is_discarded()) return Error(Code::kParse, path + ": not JSON");
  return j;
}

struct Endpoints {
  std::string node, chain, key, roots;  // roots: ':'-separated PEM files
  std::vector<std::string> signers;     // every validator's RPC (app-hash signatures)
};

Status FillFromDevnet(const std::string& dir, Endpoints& e) {
  auto state = ReadJsonFile(dir + "/devnet.json");
  if (!state.ok()) {
    return state.status().WithContext("devnet " + dir +
                                      " (hint: start one with `vinet devnet up --dir DIR`)");
  }
  const json& s = *state;
  if (e.node.empty() && s.contains("node") && s["node"].is_object())
    e.node = s["node"].value("url", "");
  if (e.chain.empty() && s.contains("validators") && s["validators"].is_array() &&
      !s["validators"].empty())
    e.chain = s["validators"][0].value("rpc", "");
  if (s.contains("validators") && s["validators"].is_array()) {
    for (const auto& v : s["validators"]) {
      if (v.is_object() && v.contains("rpc") && v["rpc"].is_string())
        e.signers.push_back(v["rpc"].get<std::string>());
    }
  }
  if (e.key.empty()) e.key = s.value("dev_key", "");
  if (e.roots.empty()) e.roots = s.value("tee_root", "");
  return Status::Ok();
}

Result<std::unique_ptr<Client>> MakeClient(const Endpoints& e, const std::string& where) {
  std::string missing;
  if (e.node.empty()) missing += " node URL (VINET_NODE)";
  if (e.chain.empty()) missing += " chain RPC URL (VINET_CHAIN)";
  if (e.key.empty()) missing += " key file (VINET_KEY)";
  if (!missing.empty()) {
    return Error(Code::kInvalidArgument,
                 where + ": no" + missing +
                     " (hint: set VINET_NODE, VINET_CHAIN and VINET_KEY, or VINET_DEVNET=DIR)");
  }
  ClientOptions o;
  o.node_url = e.node;
  o.chain_rpc = e.chain;
  o.signer_rpcs = e.signers;
  size_t start = 0;
  while (start <= e.roots.size() && !e.roots.empty()) {
    size_t end = e.roots.find(':', start);
    std::string path = e.roots.substr(start, end == std::string::npos ? end : end - start);
    if (!path.empty()) {
      auto root = tee::TrustRoot::FromPemFile(path);
      if (!root.ok()) return root.status().WithContext(where + " root " + path);
      o.roots.push_back(std::move(*root));
    }
    if (end == std::string::npos) break;
    start = end + 1;
  }
  auto key = crypto::LoadKeyFile(e.key);
  if (!key.ok()) return key.status().WithContext(where + " key " + e.key);
  return std::make_unique<Client>(std::move(o), std::move(*key));
}

}  // namespace

Client::Client(ClientOptions options, crypto::SecretKey key)
    : options_(std::move(options)), key_(std::move(key)) {}

Result<std::unique_ptr<Client>> Client::FromEnv() {
  Endpoints e{Env("VINET_NODE"), Env("VINET_CHAIN"), Env("VINET_KEY"), Env("VINET_ROOTS"), {}};
  if (!Env("VINET_DEVNET").empty()) VINET_RETURN_IF_ERROR(FillFromDevnet(Env("VINET_DEVNET"), e));
  return MakeClient(e, "environment");
}

Result<std::unique_ptr<Client>> Client::FromDevnet(const std::string& dir) {
  Endpoints e;
  VINET_RETURN_IF_ERROR(FillFromDevnet(dir, e));
  return MakeClient(e, "devnet " + dir);
}

Result<uint64_t> Client::Balance(const std::string& address) {
  std::string addr = address.empty() ? crypto::AddressOf(key_.public_key()) : address;
  chain::RpcClient rpc(options_.chain_rpc, 5);
  VINET_ASSIGN_OR_RETURN(json answer, rpc.AbciQuery("/account/" + addr));
  if (answer.value("code", 0) != 0) {
    return Error(Code::kNotFound, "chain /account/" + addr + ": " + answer.value("log", ""));
  }
  json j = json::parse(answer.value("value", std::string()), nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("balance") ||
      !j["balance"].is_number_unsigned()) {
    return Error(Code::kParse, "chain /account/" + addr + ": no unsigned balance");
  }
  return j["balance"].get<uint64_t>();
}

Result<std::vector<ModelInfo>> Client::Models() {
  VINET_ASSIGN_OR_RETURN(json body, Http("GET", "/v1/models"));
  VINET_ASSIGN_OR_RETURN(auto models, ParseModels(body));
  models_.clear();
  for (const auto& m : models) models_[m.model_id] = m;
  return models;
}

Result<ModelInfo> Client::Model(const std::string& model_id) {
  if (auto it = models_.find(model_id); it != models_.end()) return it->second;
  VINET_RETURN_IF_ERROR(Models().status());
  if (auto it = models_.find(model_id); it != models_.end()) return it->second;
  return Error(Code::kNotFound, "model " + model_id + " is not served by " + options_.node_url +
                                    " (hint: Client::Models() or `vinet models` lists them)");
}

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
  if (res->status != 200) return NodeError(res->status, j, path);
  if (j.is_discarded()) return Error(Code::kParse, "node answer to " + path + " is not JSON");
  return j;
}

Status Client::EnsureNodeInfo() {
  if (!options_.chain_id.empty() && options_.node_pubkey && health_asked_) return Status::Ok();
  VINET_ASSIGN_OR_RETURN(json health, Http("GET", "/healthz"));
  health_asked_ = true;
  if (health.contains("enclave_key") && health["enclave_key"].is_string()) {
    auto key = FromHex(health["enclave_key"].get<std::string>());
    if (key.ok()) node_enclave_key_ = *key;
  }
  if (health.contains("max_body_bytes") && health["max_body_bytes"].is_number_unsigned()) {
    body_limit_ = health["max_body_bytes"].get<size_t>();
  }
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
  // Checked before signing: a mistake here costs nothing and has no id.
  VINET_ASSIGN_OR_RETURN(ModelInfo model, Model(model_id));
  VINET_RETURN_IF_ERROR(CheckModel(model, mode, options_.max_fee));
  VINET_ASSIGN_OR_RETURN(std::vector<protocol::NamedTensor> sent,
                         PrepareInputs(model, inputs, body_limit_));
  if (mode == protocol::Mode::kTee && !node_enclave_key_.empty()) {
    VINET_RETURN_IF_ERROR(EnsureEnclaveKey(node_enclave_key_));
  }
  return SignAndPost(model_id, sent, mode, wait_proof);
}

Result<InferResult> Client::SignAndPost(const std::string& model_id,
                                        const std::vector<protocol::NamedTensor>& inputs,
                                        protocol::Mode mode, bool wait_proof) {
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
  json doc = {{"request", json::parse(protocol::SignedRequestToJson(r.request))},
              {"inputs", protocol::TensorMapToJson(inputs)}};
  if (wait_proof) doc["wait"] = "proof";
  std::string body = doc.dump();
  // Measured before it is sent: a body over the limit never leaves, so it has no id.
  VINET_RETURN_IF_ERROR(CheckBodySize(body.size(), body_limit_));
  last_inference_id_ = r.inference_id;
  signed_[r.inference_id] = {r.request, inputs};
  signed_order_.push_back(r.inference_id);
  while (signed_order_.size() > 1024) {
    signed_.erase(signed_order_.front());
    signed_order_.pop_front();
  }
  std::string id = r.inference_id;
  auto answer = Post(std::move(r), body);
  // The request is signed: whatever failed, the node may have served (and
  // will claim) it, so the error names the id its answer can be fetched by.
  if (!answer.ok()) return answer.status().WithContext("inference " + id);
  return answer;
}

Result<InferResult> Client::Post(InferResult r, const std::string& body) {
  r.sent_ms = NowMs();
  VINET_ASSIGN_OR_RETURN(json answer, Http("POST", "/v1/infer", body));
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
    return Error(Code::kVerification,
                 std::string("no trust roots configured to verify the enclave") + kRootsHint);
  }
  auto added = cache_.Add(doc, options_.roots, static_cast<uint64_t>(NowMs()), policy);
  if (!added.ok()) {
    return Error(added.status().code(),
                 "enclave attestation: " + added.status().message() + kRootsHint);
  }
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

Result<Settlement> Client::WaitUnproven(const std::string& inference_id, int64_t received_ms,
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

Result<Settlement> Client::WaitSettled(const std::string& inference_id, int64_t received_ms,
                                       int64_t timeout_ms) {
  auto start = std::chrono::steady_clock::now();
  VINET_ASSIGN_OR_RETURN(Settlement s, WaitUnproven(inference_id, received_ms, timeout_ms));
  if (!options_.verify_settlement) return s;
  auto spent_ms = [&] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                 start)
        .count();
  };
  // Header H+1 is needed only without an app-hash certificate.
  if (s.height > 0 && !options_.app_hash_certificates && timeout_ms > spent_ms()) {
    AwaitHeader(s.height + 1, timeout_ms - spent_ms());
  }
  int64_t spent = spent_ms();
  // Header H+1 comes one block after the settlement: allow a few blocks.
  VINET_RETURN_IF_ERROR(
      ProveSettlement(inference_id, s, std::max<int64_t>(timeout_ms - spent, 5'000)));
  s.seen_ms = NowMs();
  s.trust_gap_ms = s.seen_ms - received_ms;
  return s;
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
