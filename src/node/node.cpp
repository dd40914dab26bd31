#include "vinet/node/node.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include "node_zkml.h"
#include "vinet/chain/rpc_client.h"
#include "vinet/node/tensor_json.h"
#include "vinet/protocol/request.h"

namespace vinet::node {
using json = nlohmann::json;
using protocol::Mode;

int64_t WallMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

namespace {

double SecondsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

std::string ModeLabel(Mode m) {
  std::string s(protocol::ModeName(m));
  std::transform(s.begin(), s.end(), s.begin(), ::tolower);
  return s;
}

Result<protocol::SignedRequest> ParseRequest(const json& body) {
  if (!body.is_object() || !body.contains("request") || !body.contains("inputs")) {
    return Error(Code::kParse, "body: expected {\"request\": {...}, \"inputs\": {...}}");
  }
  if (!body["request"].is_object()) return Error(Code::kParse, "request: expected an object");
  return protocol::SignedRequestFromJson(body["request"].dump());
}

Status CheckReceiptMatches(const protocol::Receipt& r, const protocol::SignedRequest& req,
                           const Bytes& inference_id, const Bytes& node_id) {
  if (r.inference_id != inference_id || r.model_id != req.request.model_id ||
      r.input_hash != req.request.input_hash || r.node_id != node_id || r.mode != Mode::kTee) {
    return Error(Code::kInternal, "the enclave's receipt does not match the request");
  }
  return Status::Ok();
}

}  // namespace

Node::Node(NodeConfig config, crypto::SecretKey key, std::unique_ptr<Ledger> ledger,
           std::unique_ptr<RuntimeModelRunner> runner)
    : config_(std::move(config)),
      key_(std::move(key)),
      ledger_(std::move(ledger)),
      runner_(std::move(runner)),
      chain_(config_.chain_rpc, config_.default_fee) {}

Result<std::unique_ptr<Node>> Node::Create(NodeConfig config) {
  VINET_ASSIGN_OR_RETURN(crypto::SecretKey key, crypto::LoadKeyFile(config.key_file));
  VINET_ASSIGN_OR_RETURN(auto ledger, Ledger::Open(config.data_dir / "claims"));
  auto runner = std::make_unique<RuntimeModelRunner>(ModelStore(config.models_dir));
  for (const auto& e : runner->load_errors()) spdlog::warn("model not loaded: {}", e);
  std::unique_ptr<Node> node(
      new Node(std::move(config), std::move(key), std::move(ledger), std::move(runner)));
  VINET_RETURN_IF_ERROR(node->OpenZkml());
  if (!node->config_.enclave_socket.empty()) {
    node->enclave_ = std::make_unique<EnclavePool>(node->config_.enclave_socket);
    auto info = node->enclave_->Info();
    if (!info.ok()) return info.status().WithContext("enclave at start-up");
    node->enclave_info_ = std::move(*info);
  }
  spdlog::info("node {} serving {} models, TEE {}", crypto::AddressOf(node->key_.public_key()),
               node->runner_->ModelIds().size(), node->enclave_ ? "on" : "off");
  return node;
}

Result<protocol::Receipt> Node::Execute(const protocol::SignedRequest& req,
                                        const std::vector<protocol::NamedTensor>& inputs,
                                        const Bytes& inference_id, ZkmlRun* zkml_run) {
  Bytes node_id(key_.public_key().begin(), key_.public_key().end());
  protocol::Receipt r;
  if (req.request.mode == Mode::kTee) {
    tee::InferRequest ireq{inference_id, node_id, req.request.model_id, inputs};
    VINET_ASSIGN_OR_RETURN(r, enclave_->Infer(ireq));
    VINET_RETURN_IF_ERROR(CheckReceiptMatches(r, req, inference_id, node_id));
  } else {
    // VANILLA and ZKML: the node ran the model itself; the receipt binds
    // the request to the outputs it computed.
    if (req.request.mode == Mode::kZkml) {
      r.outputs = zkml_run->output;
    } else {
      VINET_ASSIGN_OR_RETURN(r.outputs, runner_->Run(req.request.model_id, inputs));
    }
    r.inference_id = inference_id;
    r.model_id = req.request.model_id;
    r.mode = req.request.mode;
    r.input_hash = req.request.input_hash;
    auto oh = protocol::TensorsHash(r.outputs);
    r.output_hash.assign(oh.begin(), oh.end());
    r.node_id = node_id;
  }
  VINET_RETURN_IF_ERROR(protocol::SignAsNode(r, key_));
  return r;
}

Result<json> Node::Infer(const json& body) {
  auto t0 = std::chrono::steady_clock::now();
  int64_t received_ms = WallMs();
  VINET_ASSIGN_OR_RETURN(protocol::SignedRequest req, ParseRequest(body));
  VINET_ASSIGN_OR_RETURN(auto inputs, TensorMapFromJson(body["inputs"]));
  VINET_RETURN_IF_ERROR(protocol::VerifyRequest(req));
  const protocol::InferenceRequest& r = req.request;
  if (r.chain_id != config_.chain_id) {
    return Error(Code::kInvalidArgument,
                 "request.chain_id \"" + r.chain_id + "\" is not \"" + config_.chain_id + "\"");
  }
  // Only requests addressed to this node can be claimed by it; and the claim
  // must reach a block before the request expires (the chain refuses it after).
  if (r.node_pubkey != key_.public_key()) {
    return Error(Code::kInvalidArgument, "request.node_pubkey: addressed to node " +
                                             ToHex(r.node_pubkey) + ", this node is " +
                                             ToHex(key_.public_key()));
  }
  VINET_RETURN_IF_ERROR(protocol::CheckValidity(r, received_ms + config_.min_request_validity_ms,
                                                config_.max_request_ttl_ms));
  if (!runner_->Find(r.model_id)) {
    return Error(Code::kNotFound, "model " + r.model_id + " is not served by this node");
  }
  if (r.mode == Mode::kZkml && !zkml_->Has(r.model_id)) {
    return Error(Code::kUnsupported, "model " + r.model_id + " is not served in ZKML mode here");
  }
  std::string wait = body.value("wait", std::string());
  if (wait != "" && !(wait == "proof" && r.mode == Mode::kZkml)) {
    return Error(Code::kInvalidArgument, "wait: only \"proof\" (ZKML mode) is known");
  }
  if (r.mode == Mode::kTee &&
      (!enclave_ || std::find(enclave_info_->models.begin(), enclave_info_->models.end(),
                              r.model_id) == enclave_info_->models.end())) {
    return Error(Code::kUnsupported, "model " + r.model_id + " is not served in TEE mode here");
  }
  auto ih = protocol::TensorsHash(inputs);
  if (!std::equal(ih.begin(), ih.end(), r.input_hash.begin(), r.input_hash.end())) {
    return Error(Code::kInvalidArgument, "request.input_hash does not match the inputs sent");
  }
  VINET_ASSIGN_OR_RETURN(ChainModel model, chain_.Model(r.model_id));
  // A claim for a model the chain does not know is INVALID: serving it would
  // be work for nothing (and tell the client `verified` for an unpaid answer).
  if (!model.registered) {
    return Error(Code::kNotFound, "model " + r.model_id + " is not registered on chain");
  }
  if (std::find(model.modes.begin(), model.modes.end(), r.mode) == model.modes.end()) {
    return Error(Code::kUnsupported, "model " + r.model_id + " does not allow mode " +
                                         std::string(protocol::ModeName(r.mode)));
  }
  if (model.fee > r.max_fee) {
    return Error(Code::kInvalidArgument, "request.max_fee " + std::to_string(r.max_fee) +
                                             " is below the model's fee " +
                                             std::to_string(model.fee));
  }
  ClaimRecord claim;
  claim.client = protocol::ClientAddress(req);
  claim.fee = model.fee;
  VINET_ASSIGN_OR_RETURN(uint64_t balance, chain_.Balance(claim.client));
  uint64_t held = ledger_->Held(claim.client);
  if (held > balance || balance - held < model.fee) {
    return Error(Code::kInsufficientFunds,
                 "client " + claim.client + " has " + std::to_string(balance) + " (" +
                     std::to_string(held) + " held here); fee is " + std::to_string(model.fee));
  }
  auto id = protocol::InferenceId(req);
  Bytes inference_id(id.begin(), id.end());
  auto run0 = std::chrono::steady_clock::now();
  ZkmlRun zkml_run;
  if (r.mode == Mode::kZkml) {
    VINET_ASSIGN_OR_RETURN(zkml_run, RunZkml(r.model_id, inputs, wait == "proof"));
  }
  VINET_ASSIGN_OR_RETURN(protocol::Receipt receipt, Execute(req, inputs, inference_id, &zkml_run));
  double run_s = SecondsSince(run0);
  claim.id_hex = ToHex(inference_id);
  claim.request = protocol::EncodeSignedRequest(req);
  protocol::Receipt on_chain = receipt;
  if (r.mode != Mode::kZkml) on_chain.outputs.clear();  // ZKML: the chain keeps the output
  claim.receipt = protocol::EncodeReceipt(on_chain);
  claim.model_id = r.model_id;
  claim.mode = r.mode;
  claim.accepted_ms = WallMs();
  std::optional<ProofJob> job;
  if (r.mode == Mode::kZkml) {
    job = MakeJob(claim, inputs, zkml_run);
    VINET_RETURN_IF_ERROR(proof_jobs_->Put({*job}));
  }
  if (Status s = ledger_->Accept(claim, balance); !s.ok()) {
    if (job) (void)proof_jobs_->Delete(job->id_hex);
    return s;
  }
  if (job && job->status == "QUEUED") prover_->Notify();
  int64_t answered_ms = WallMs();
  std::string mode = ModeLabel(r.mode);
  double total_s = SecondsSince(t0);
  metrics_.Observe("vinet_node_answer_seconds", mode, total_s);
  metrics_.Observe("vinet_node_model_seconds", mode, run_s);
  metrics_.Observe("vinet_node_overhead_seconds", mode, total_s - run_s);
  metrics_.Count("vinet_node_inferences_total", "accepted");
  json answer{{"inference_id", claim.id_hex},
              {"outputs", TensorMapToJson(receipt.outputs)},
              {"receipt", json::parse(protocol::ReceiptToJson(receipt))},
              {"node_received_ms", received_ms},
              {"node_answered_ms", answered_ms},
              {"fee", claim.fee}};
  if (job) answer["zkml"] = ZkmlAnswer(**zkml_->Key(r.model_id), *job);
  return answer;
}

Result<json> Node::Inference(const std::string& id_hex) const {
  VINET_ASSIGN_OR_RETURN(ClaimRecord c, ledger_->Get(id_hex));
  VINET_ASSIGN_OR_RETURN(protocol::Receipt receipt, protocol::DecodeReceipt(c.receipt));
  json proof = nullptr;
  if (auto j = proof_jobs_->Get(id_hex); j.ok()) {
    proof = {{"status", j->status}, {"claim_status", j->claim_status}};
  }
  return json{{"proof", proof},
              {"inference_id", c.id_hex},
              {"status", c.status},
              {"mode", protocol::ModeName(c.mode)},
              {"model_id", c.model_id},
              {"fee", c.fee},
              {"receipt", json::parse(protocol::ReceiptToJson(receipt))},
              {"tx_hash", c.tx_hash},
              {"height", c.height},
              {"accepted_ms", c.accepted_ms},
              {"settled_ms", c.settled_ms}};
}

Result<json> Node::Attestation(const std::string& nonce_hex) {
  if (!enclave_) return Error(Code::kUnsupported, "this node runs no enclave");
  VINET_ASSIGN_OR_RETURN(Bytes nonce, FromHex(nonce_hex));
  if (nonce.size() > 512) return Error(Code::kInvalidArgument, "nonce longer than 512 bytes");
  VINET_ASSIGN_OR_RETURN(Bytes doc, enclave_->Attest(nonce));
  return json{{"document", chain::Base64Encode(doc)},
              {"enclave_key", ToHex(enclave_info_->enclave_key)}};
}

json Node::Models() {
  json out = json::array();
  for (const std::string& id : runner_->ModelIds()) {
    auto model = runner_->Find(id);
    json inputs = json::object(), outputs = json::object();
    for (const auto& io : model->inputs()) inputs[io.name] = io.shape;
    for (const auto& io : model->outputs()) outputs[io.name] = io.shape;
    json modes = json::array({"VANILLA"});
    json zkml_id = nullptr;
    if (auto vk = zkml_->Key(id); vk.ok()) {
      modes.push_back("ZKML");
      zkml_id = ToHex((*vk)->ModelId());
    }
    if (enclave_info_ && std::find(enclave_info_->models.begin(), enclave_info_->models.end(),
                                   id) != enclave_info_->models.end()) {
      modes.push_back("TEE");
    }
    auto chain_model = chain_.Model(id);
    out.push_back({{"model_id", id},
                   {"name", id.substr(0, 12)},
                   {"inputs", inputs},
                   {"outputs", outputs},
                   {"modes", modes},
                   {"fee", chain_model.ok() ? json(chain_model->fee) : json(nullptr)},
                   {"registered", chain_model.ok() && chain_model->registered},
                   {"zkml_model_id", zkml_id}});
  }
  return out;
}

json Node::Health() const {
  return json{{"ok", true},
              {"node", crypto::AddressOf(key_.public_key())},
              {"node_pubkey", ToHex(key_.public_key())},
              {"chain_id", config_.chain_id},
              {"tee", enclave_ != nullptr},
              {"enclave_key", enclave_info_ ? json(ToHex(enclave_info_->enclave_key)) : json()},
              {"open_claims", ledger_->OpenCount()},
              {"proof_queue", proof_jobs_->Count("QUEUED")},
              {"byzantine", std::string(ByzantineName(config_.byzantine))}};
}

std::string Node::MetricsText() const {
  return metrics_.Render() + "# TYPE vinet_node_open_claims gauge\nvinet_node_open_claims " +
         std::to_string(ledger_->OpenCount()) + "\n" + ZkmlMetricsText(*proof_jobs_);
}

}  // namespace vinet::node
