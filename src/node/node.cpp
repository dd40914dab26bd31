#include "vinet/node/node.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "node_zkml.h"
#include "vinet/chain/rpc_client.h"
#include "vinet/node/chat_engine.h"
#include "vinet/node/http_body.h"
#include "vinet/node/request_binding.h"
#include "vinet/protocol/chat_receipt.h"
#include "vinet/protocol/request.h"
#include "vinet/protocol/tensor_map_json.h"

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
  return protocol::SignedRequestFromJsonValue(body["request"]);
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

Result<std::unique_ptr<Node>> Node::Create(NodeConfig config,
                                           std::unique_ptr<tee::ChatRunner> chat_runner) {
  VINET_ASSIGN_OR_RETURN(crypto::SecretKey key, crypto::LoadKeyFile(config.key_file));
  VINET_ASSIGN_OR_RETURN(auto ledger, Ledger::Open(config.data_dir / "claims"));
  auto runner = std::make_unique<RuntimeModelRunner>(ModelStore(config.models_dir));
  for (const auto& e : runner->load_errors()) spdlog::warn("model not loaded: {}", e);
  std::unique_ptr<Node> node(
      new Node(std::move(config), std::move(key), std::move(ledger), std::move(runner)));
  VINET_RETURN_IF_ERROR(node->OpenZkml());
  node->started_s_ = WallMs() / 1000;
  if (!chat_runner) {
    std::vector<std::string> errors;
    VINET_ASSIGN_OR_RETURN(chat_runner,
                           OpenChatEngine(node->config_.models_dir, node->config_.chat, &errors));
    for (const auto& e : errors) spdlog::warn("chat model not loaded: {}", e);
  }
  node->chat_ = std::move(chat_runner);
  if (node->chat_) node->chat_models_ = node->chat_->ChatModels();
  LocalSetup local{crypto::AddressOf(node->key_.public_key()), std::nullopt, std::nullopt};
  if (node->config_.enclave) {
    node->enclave_ =
        std::make_unique<EnclavePool>(*node->config_.enclave, node->config_.enclave_connect);
    auto info = node->enclave_->Info();
    if (!info.ok()) return info.status().WithContext("enclave at start-up");
    local.enclave_key = info->enclave_key;
    local.enclave_pcr0 = info->pcr0;
    node->enclave_info_ = std::make_shared<const tee::RemoteEnclaveInfo>(std::move(*info));
  }
  node->guard_ = std::make_unique<ServeGuard>(node->chain_, std::move(local),
                                              node->config_.enclave_expiry_margin_ms);
  spdlog::info("node {} serving {} models and {} chat models, TEE {}",
               crypto::AddressOf(node->key_.public_key()), node->runner_->ModelIds().size(),
               node->chat_models_.size(), node->enclave_ ? "on" : "off");
  return node;
}

Result<protocol::Receipt> Node::Execute(const protocol::SignedRequest& req,
                                        const std::vector<protocol::NamedTensor>& inputs,
                                        const Bytes& inference_id, ZkmlRun* zkml_run) {
  Bytes node_id(key_.public_key().begin(), key_.public_key().end());
  protocol::Receipt r;
  if (req.request.mode == Mode::kTee) {
    // With the signed request the enclave checks the client's signature
    // itself and records the claim for a batch attestation (submitter.h).
    tee::InferRequest ireq{inference_id, node_id, req.request.model_id, inputs, req};
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

Result<std::string> Node::Infer(const json& body) {
  auto t0 = std::chrono::steady_clock::now();
  int64_t received_ms = WallMs();
  VINET_ASSIGN_OR_RETURN(protocol::SignedRequest req, ParseRequest(body));
  // TEE: the enclave verifies the client's signature itself (CheckSignedRequest,
  // before it runs or records anything; the node always sends it the signed
  // request), and the claim is written only after its receipt: the node does
  // not verify the same signature a second time on the way. A refusal on the
  // way is answered as before, a bad signature taking precedence.
  const bool enclave_verifies = req.request.mode == Mode::kTee;
  bool past_signature = false;
  auto answer = Answer(body, req, t0, received_ms, !enclave_verifies, &past_signature);
  if (!answer.ok() && enclave_verifies && past_signature) {
    VINET_RETURN_IF_ERROR(protocol::VerifyRequest(req));
  }
  return answer;
}

Result<std::string> Node::Answer(const json& body, const protocol::SignedRequest& req,
                                 std::chrono::steady_clock::time_point t0, int64_t received_ms,
                                 bool verify_signature, bool* past_signature) {
  VINET_ASSIGN_OR_RETURN(auto inputs, protocol::TensorMapFromJson(body["inputs"]));
  // Only requests addressed to this node can be claimed by it; and the claim
  // must reach a block before the request expires (the chain refuses it after).
  *past_signature = true;
  const RequestBinding binding{key_.public_key(), config_.chain_id,
                               received_ms + config_.min_request_validity_ms,
                               config_.max_request_ttl_ms};
  VINET_RETURN_IF_ERROR(verify_signature ? CheckRequestBinding(req, binding)
                                         : CheckRequestBindingFields(req, binding));
  const protocol::InferenceRequest& r = req.request;
  if (r.kind != protocol::PayloadKind::kInference) {
    return Error(Code::kInvalidArgument,
                 "request.payload: a chat request goes to /v1/chat/completions");
  }
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
  auto enclave_info = this->enclave_info();
  if (r.mode == Mode::kTee &&
      (!enclave_info || std::find(enclave_info->models.begin(), enclave_info->models.end(),
                                  r.model_id) == enclave_info->models.end())) {
    return Error(Code::kUnsupported, "model " + r.model_id + " is not served in TEE mode here");
  }
  auto ih = protocol::TensorsHash(inputs);
  if (!std::equal(ih.begin(), ih.end(), r.input_hash.begin(), r.input_hash.end())) {
    return Error(Code::kInvalidArgument, "request.input_hash does not match the inputs sent");
  }
  // The chain's records must agree with this node's setup, or the claim
  // would settle INVALID (unregistered) or REJECTED with a slash (foreign key
  // or allowlist, enclave not registered): refuse before anything is charged.
  VINET_ASSIGN_OR_RETURN(ChainModel model,
                         guard_->Check(r.model_id, r.mode, LocalZkmlId(r.model_id), WallMs()));
  // The fee in force when the request was signed: what the chain charges.
  const uint64_t fee = model.FeeFor(r.timestamp_ms);
  if (fee > r.max_fee) {
    return Error(Code::kInvalidArgument, "request.max_fee " + std::to_string(r.max_fee) +
                                             " is below the model's fee " + std::to_string(fee));
  }
  ClaimRecord claim;
  claim.client = protocol::ClientAddress(req);
  claim.fee = fee;
  VINET_ASSIGN_OR_RETURN(uint64_t funds, Funds(claim.client, r.expires_ms));
  // Chat answers still generating hold their worst-case fee (chat_holds.h).
  uint64_t chat_held = chat_holds_.Held(claim.client);
  uint64_t balance = funds > chat_held ? funds - chat_held : 0;
  uint64_t held = ledger_->Held(claim.client);
  if (held > balance || balance - held < fee) {
    return Error(Code::kInsufficientFunds,
                 "client " + claim.client + " has " + std::to_string(balance) +
                     (config_.require_deposit ? " usable in its deposit for this node" : "") +
                     " (" + std::to_string(held) + " held here); fee is " + std::to_string(fee));
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
  claim.outputs = protocol::EncodeTensors(receipt.outputs);
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
  if (config_.answer_delay_ms > 0) {  // devnet only: the claim is durable, the answer late
    std::this_thread::sleep_for(std::chrono::milliseconds(config_.answer_delay_ms));
  }
  int64_t answered_ms = WallMs();
  std::string mode = ModeLabel(r.mode);
  double total_s = SecondsSince(t0);
  metrics_.Observe("vinet_node_answer_seconds", mode, total_s);
  metrics_.Observe("vinet_node_model_seconds", mode, run_s);
  metrics_.Observe("vinet_node_overhead_seconds", mode, total_s - run_s);
  metrics_.Count("vinet_node_inferences_total", "accepted");
  // The answer is written straight into one string, keys in the order the
  // JSON library sorts them; the receipt's JSON goes in as ReceiptToJson
  // wrote it (no DOM built, parsed back and dumped again).
  std::string outputs = protocol::TensorMapToJson(receipt.outputs).dump();
  std::string receipt_json = protocol::ReceiptToJson(receipt);
  std::string zkml = job ? ZkmlAnswer(**zkml_->Key(r.model_id), *job).dump() : std::string();
  std::string answer;
  answer.reserve(outputs.size() + receipt_json.size() + zkml.size() + 200);
  answer += "{\"fee\":";
  answer += std::to_string(claim.fee);
  answer += ",\"inference_id\":\"";
  answer += claim.id_hex;
  answer += "\",\"node_answered_ms\":";
  answer += std::to_string(answered_ms);
  answer += ",\"node_received_ms\":";
  answer += std::to_string(received_ms);
  answer += ",\"outputs\":";
  answer += outputs;
  answer += ",\"receipt\":";
  answer += receipt_json;
  if (job) {
    answer += ",\"zkml\":";
    answer += zkml;
  }
  answer += '}';
  return answer;
}

Result<json> Node::Inference(const std::string& id_hex) const {
  VINET_ASSIGN_OR_RETURN(ClaimRecord c, ledger_->Get(id_hex));
  if (protocol::LooksLikeChatReceipt(c.receipt)) return ChatInference(c);
  VINET_ASSIGN_OR_RETURN(protocol::Receipt receipt, protocol::DecodeReceipt(c.receipt));
  // The stored answer: the outputs the client was (or would have been) sent,
  // so a client whose call timed out still gets what it pays for.
  json outputs = nullptr;
  if (!c.outputs.empty()) {
    VINET_ASSIGN_OR_RETURN(receipt.outputs, protocol::DecodeTensors(c.outputs));
    outputs = protocol::TensorMapToJson(receipt.outputs);
  }
  json proof = nullptr;
  if (auto j = proof_jobs_->Get(id_hex); j.ok()) {
    proof = {{"status", j->status}, {"claim_status", j->claim_status}};
  }
  return json{{"proof", proof},
              {"inference_id", c.id_hex},
              {"kind", "onnx"},
              {"status", c.status},
              {"mode", protocol::ModeName(c.mode)},
              {"model_id", c.model_id},
              {"fee", c.fee},
              {"outputs", outputs},
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
              {"enclave_key", ToHex(enclave_info()->enclave_key)}};
}

Result<uint64_t> Node::Funds(const std::string& client, int64_t expires_ms) {
  std::string me = crypto::AddressOf(key_.public_key());
  VINET_ASSIGN_OR_RETURN(ChainDeposit d, chain_.Deposit(client, me));
  // A deposit being released counts only for requests that expire before it
  // unlocks: their claims land while it cannot be withdrawn.
  uint64_t deposit = d.unlock_time_ms != 0 && expires_ms > d.unlock_time_ms ? 0 : d.amount;
  if (config_.require_deposit) return deposit;
  VINET_ASSIGN_OR_RETURN(uint64_t balance, chain_.Balance(client));
  return deposit + balance;
}

Bytes Node::LocalZkmlId(const std::string& model_id) const {
  auto vk = zkml_->Key(model_id);
  if (!vk.ok()) return {};
  auto id = (*vk)->ModelId();
  return Bytes(id.begin(), id.end());
}

std::vector<Mode> Node::LocalModes(const std::string& model_id) const {
  std::vector<Mode> modes{Mode::kVanilla};
  if (zkml_->Has(model_id)) modes.push_back(Mode::kZkml);
  auto info = enclave_info();
  if (info && std::find(info->models.begin(), info->models.end(), model_id) != info->models.end()) {
    modes.push_back(Mode::kTee);
  }
  return modes;
}

json Node::Refusals(const std::string& model_id, json* served) const {
  json refused = json::object();
  for (Mode m : LocalModes(model_id)) {
    auto ok = guard_->Check(model_id, m, LocalZkmlId(model_id), WallMs());
    if (ok.ok()) {
      if (served) served->push_back(protocol::ModeName(m));
    } else {
      refused[std::string(protocol::ModeName(m))] = {
          {"code", std::string(CodeName(ok.status().code()))}, {"reason", ok.status().message()}};
    }
  }
  return refused;
}

// One name everywhere: the name registered on chain (the publisher's
// --name); a model the chain does not know shows its id's first 12 chars.
static std::string Name(const std::string& id, const Result<ChainModel>& chain_model) {
  if (chain_model.ok() && chain_model->registered && !chain_model->name.empty()) {
    return chain_model->name;
  }
  return id.substr(0, 12);
}

// OpenAI's list shape (docs/network.md): ONNX entries, then chat models.
json Node::Models() {
  json out = json::array();
  for (const std::string& id : runner_->ModelIds()) {
    auto model = runner_->Find(id);
    json inputs = json::object(), outputs = json::object(), dtypes = json::object();
    for (const auto& io : model->inputs()) {
      inputs[io.name] = io.shape;
      dtypes[io.name] = "f32";  // the runtime's only input dtype (runtime_runner.cpp)
    }
    for (const auto& io : model->outputs()) outputs[io.name] = io.shape;
    json modes = json::array();
    json refused = Refusals(id, &modes);
    json zkml_id = nullptr;
    if (auto vk = zkml_->Key(id); vk.ok()) zkml_id = ToHex((*vk)->ModelId());
    auto chain_model = chain_.Model(id);
    out.push_back({{"id", id},
                   {"object", "model"},
                   {"created", started_s_},
                   {"owned_by", "vinet"},
                   {"kind", "onnx"},
                   {"model_id", id},
                   {"name", Name(id, chain_model)},
                   {"inputs", inputs},
                   {"input_dtypes", dtypes},
                   {"outputs", outputs},
                   {"modes", modes},
                   {"refused", refused},
                   {"fee", chain_model.ok() ? json(chain_model->fee) : json(nullptr)},
                   {"registered", chain_model.ok() && chain_model->registered},
                   {"retired", chain_model.ok() && chain_model->retired},
                   {"zkml_model_id", zkml_id}});
  }
  for (auto& m : ChatModelsJson()) out.push_back(std::move(m));
  return json{{"object", "list"}, {"data", out}};
}

json Node::Health() const {
  // Models or modes this node refuses because the chain's records disagree
  // with its setup (ServeGuard): an operator sees them here.
  json refused = json::array();
  for (const std::string& id : runner_->ModelIds()) {
    json r = Refusals(id, nullptr);
    for (auto it = r.begin(); it != r.end(); ++it) {
      refused.push_back({{"model_id", id},
                         {"mode", it.key()},
                         {"code", (*it)["code"]},
                         {"reason", (*it)["reason"]}});
    }
  }
  for (const auto& m : chat_models_) {
    for (Mode mode : LocalChatModes(m.model_id)) {
      auto ok = guard_->CheckChat(m.model_id, mode, WallMs());
      if (!ok.ok()) {
        refused.push_back({{"model_id", m.model_id},
                           {"mode", protocol::ModeName(mode)},
                           {"code", std::string(CodeName(ok.status().code()))},
                           {"reason", ok.status().message()}});
      }
    }
  }
  auto enclave = enclave_info();
  return json{{"ok", true},
              {"refused", refused},
              {"node", crypto::AddressOf(key_.public_key())},
              {"node_pubkey", ToHex(key_.public_key())},
              {"chain_id", config_.chain_id},
              {"chain_rpc", chain_.rpc_url()},  // the endpoint in use (failover)
              {"chain_rpc_switches", chain_.endpoints()->switches()},
              {"tee", enclave_ != nullptr},
              {"enclave_key", enclave ? json(ToHex(enclave->enclave_key)) : json()},
              {"open_claims", ledger_->OpenCount()},
              {"max_body_bytes", kMaxBodyBytes},
              {"proof_queue", proof_jobs_->Count("QUEUED")},
              {"byzantine", std::string(ByzantineName(config_.byzantine))}};
}

std::shared_ptr<const tee::RemoteEnclaveInfo> Node::enclave_info() const {
  std::lock_guard lock(enclave_info_mu_);
  return enclave_info_;
}

Result<json> Node::Reload() {
  std::lock_guard serial(reload_mu_);
  VINET_ASSIGN_OR_RETURN(std::vector<std::string> added, runner_->LoadNew());
  for (const auto& e : runner_->load_errors()) spdlog::warn("model not loaded: {}", e);
  std::vector<std::string> zkml_added = zkml_->LoadNew();
  json enclave = nullptr;
  if (enclave_) {
    VINET_ASSIGN_OR_RETURN(tee::RemoteEnclaveInfo info, enclave_->Reload());
    LocalSetup local = guard_->Setup();
    local.enclave_key = info.enclave_key;
    local.enclave_pcr0 = info.pcr0;
    guard_->SetSetup(std::move(local));
    enclave = {
        {"key", ToHex(info.enclave_key)}, {"pcr0", ToHex(info.pcr0)}, {"models", info.models}};
    std::lock_guard lock(enclave_info_mu_);
    enclave_info_ = std::make_shared<const tee::RemoteEnclaveInfo>(std::move(info));
  }
  spdlog::info("node: reload: {} new models, {} new ZKML packages", added.size(),
               zkml_added.size());
  return json{{"added", added},
              {"zkml_added", zkml_added},
              {"models", runner_->ModelIds()},
              {"zkml_models", zkml_->ModelIds()},
              {"enclave", enclave}};
}

std::string Node::MetricsText() const {
  // Group commit: accepted claims per synced ledger write is their ratio.
  const GroupCommit& gc = ledger_->commits();
  return metrics_.Render() + "# TYPE vinet_node_open_claims gauge\nvinet_node_open_claims " +
         std::to_string(ledger_->OpenCount()) +
         "\n# TYPE vinet_node_ledger_commits_total counter\nvinet_node_ledger_commits_total " +
         std::to_string(gc.batches()) +
         "\n# TYPE vinet_node_ledger_committed_claims_total counter\n"
         "vinet_node_ledger_committed_claims_total " +
         std::to_string(gc.records()) + "\n" + ZkmlMetricsText(*proof_jobs_);
}

}  // namespace vinet::node
