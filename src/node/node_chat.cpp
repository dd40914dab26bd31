// LLM chat in the node (docs/network.md, "LLM chat"): checks, generation,
// durable claim, and the stored answer's view.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <variant>

#include "vinet/node/chat_checks.h"
#include "vinet/node/node.h"
#include "vinet/protocol/chat_receipt.h"
#include "vinet/tee/chat_answer.h"
#include "vinet/tee/enclave_server.h"

namespace vinet::node {
using json = nlohmann::json;
using protocol::Mode;

namespace {

std::string ModeLabel(Mode m) {
  return m == Mode::kTee ? "chat_tee" : "chat_vanilla";
}

}  // namespace

const tee::ChatModelInfo* Node::ChatModel(const std::string& model_id) const {
  for (const auto& m : chat_models_) {
    if (m.model_id == model_id) return &m;
  }
  return nullptr;
}

std::vector<Mode> Node::LocalChatModes(const std::string& model_id) const {
  std::vector<Mode> modes;
  if (!ChatModel(model_id)) return modes;
  modes.push_back(Mode::kVanilla);
  if (auto info = enclave_info()) {
    for (const auto& m : info->chat_models) {
      if (m.model_id == model_id) modes.push_back(Mode::kTee);
    }
  }
  return modes;
}

Result<ChainModel> Node::ChatModelCheck(const protocol::InferenceRequest& r) {
  if (!ChatModel(r.model_id)) {
    return Error(Code::kNotFound, "model: " + r.model_id + " is not a chat model of this node");
  }
  auto modes = LocalChatModes(r.model_id);
  if (std::find(modes.begin(), modes.end(), r.mode) == modes.end()) {
    return Error(Code::kUnsupported, "model: " + r.model_id + " is not served in " +
                                         std::string(protocol::ModeName(r.mode)) + " mode here");
  }
  return guard_->CheckChat(r.model_id, r.mode, WallMs());
}

Result<std::unique_ptr<ChatJob>> Node::PrepareChat(std::string_view body, std::string_view header,
                                                   std::string* inference_id) {
  auto job = std::make_unique<ChatJob>();
  job->t0 = std::chrono::steady_clock::now();
  job->received_ms = WallMs();
  // The id first, so that every refusal below can name it.
  auto decoded = DecodeChatHeader(header);
  if (decoded.ok()) {
    auto id = protocol::InferenceId(*decoded);
    job->inference_id.assign(id.begin(), id.end());
    job->meta.inference_id = ToHex(id);
    if (inference_id) *inference_id = job->meta.inference_id;
  }
  VINET_ASSIGN_OR_RETURN(job->params, protocol::ParseChatCompletion(body));
  if (!decoded.ok()) return decoded.status();
  job->signed_request = std::move(*decoded);
  const protocol::InferenceRequest& r = job->signed_request.request;
  RequestBinding binding{key_.public_key(), config_.chain_id,
                         job->received_ms + config_.min_request_validity_ms,
                         config_.max_request_ttl_ms};
  VINET_RETURN_IF_ERROR(CheckChatRequest(job->signed_request, job->params.request, binding));
  VINET_ASSIGN_OR_RETURN(ChainModel model, ChatModelCheck(r));
  job->prices = {model.FeeFor(r.timestamp_ms), model.price_per_input_token,
                 model.price_per_output_token};
  auto prompt = chat_->PromptTokens(job->params.request);
  if (!prompt.ok()) {
    // The runner names no body parameter; the prompt is the messages'.
    const Status& s = prompt.status();
    if (s.code() == Code::kNotFound) return s;
    return Error(s.code() == Code::kOutOfRange ? Code::kInvalidArgument : s.code(),
                 "messages: " + s.message());
  }
  job->prompt_tokens = *prompt;
  VINET_ASSIGN_OR_RETURN(
      job->max_completion,
      MaxCompletion(job->prices, job->prompt_tokens, job->params.request.max_tokens, r.max_fee));
  VINET_ASSIGN_OR_RETURN(
      uint64_t worst,
      protocol::ChatFee(job->prices.fee_per_inference, job->prices.price_in, job->prices.price_out,
                        job->prompt_tokens, job->max_completion));
  if (ledger_->Get(job->meta.inference_id).ok()) {
    return Error(Code::kAlreadyExists, "inference " + job->meta.inference_id +
                                           " was answered already: GET /v1/inferences/" +
                                           job->meta.inference_id);
  }
  job->client = protocol::ClientAddress(job->signed_request);
  VINET_ASSIGN_OR_RETURN(job->funds, Funds(job->client, r.expires_ms));
  uint64_t held = ledger_->Held(job->client);
  uint64_t available = job->funds > held ? job->funds - held : 0;
  VINET_ASSIGN_OR_RETURN(
      job->hold, chat_holds_.Reserve(job->meta.inference_id, job->client, worst, available));
  job->meta.model_id = r.model_id;
  job->meta.created = job->received_ms / 1000;
  job->meta.mode = std::string(protocol::ModeName(r.mode));
  job->meta.signer =
      r.mode == Mode::kTee ? ToHex(enclave_info()->enclave_key) : ToHex(key_.public_key());
  return job;
}

Result<protocol::ChatReceipt> Node::RunChatEngine(ChatJob& job, const ChunkWriter& write,
                                                  std::vector<protocol::ChatChunk>& chunks,
                                                  std::string& text) {
  const protocol::InferenceRequest& r = job.signed_request.request;
  tee::ChatAnswerInput input{job.signed_request, job.params.request, key_.public_key(),
                             job.max_completion};
  if (r.mode == Mode::kTee) return RunEnclaveChat(input, job, write, chunks, text);
  // Only chunks the writer took are kept: the receipt covers what was
  // written (docs/chat.md, disconnect).
  auto on_chunk = [&](const protocol::ChatChunk& c) {
    if (write && !write(c)) return false;
    chunks.push_back(c);
    return true;
  };
  VINET_ASSIGN_OR_RETURN(tee::ChatAnswer answer, tee::AnswerChat(*chat_, input, key_, on_chunk));
  text = std::move(answer.text);
  return answer.receipt;
}

// TEE: the enclave streams signed chunks and then its receipt; the node
// checks each chunk before forwarding it (it co-signs what it forwards, and a
// bad enclave answer would get its claim REJECTED), and on a failed write
// stops the enclave at the chunks written.
Result<protocol::ChatReceipt> Node::RunEnclaveChat(const tee::ChatAnswerInput& input, ChatJob& job,
                                                   const ChunkWriter& write,
                                                   std::vector<protocol::ChatChunk>& chunks,
                                                   std::string& text) {
  auto info = enclave_info();
  VINET_ASSIGN_OR_RETURN(crypto::PublicKey enclave_key,
                         crypto::PublicKeyFromBytes(info->enclave_key));
  VINET_ASSIGN_OR_RETURN(auto stream, tee::EnclaveChatStream::Open(*config_.enclave, input));
  protocol::ChatStreamVerifier verifier(job.inference_id, enclave_key);
  protocol::ChatReceipt receipt;
  bool stopped = false;
  while (true) {
    VINET_ASSIGN_OR_RETURN(auto item, stream.Next());
    if (auto* rc = std::get_if<protocol::ChatReceipt>(&item)) {
      receipt = std::move(*rc);
      break;
    }
    const auto& chunk = std::get<protocol::ChatChunk>(item);
    if (Status s = verifier.Accept(chunk); !s.ok()) {
      return Error(Code::kInternal,
                   "enclave chunk " + std::to_string(chunk.index) + ": " + s.message());
    }
    if (write && !write(chunk)) {
      VINET_ASSIGN_OR_RETURN(receipt, stream.Stop(static_cast<uint32_t>(chunks.size())));
      stopped = true;
      break;
    }
    chunks.push_back(chunk);
  }
  VINET_RETURN_IF_ERROR(protocol::VerifyChatEnclaveSignature(receipt));
  if (receipt.enclave_key != info->enclave_key) {
    return Error(Code::kInternal, "enclave receipt: signed by another enclave key");
  }
  if (stopped) {
    // The receipt must cover exactly the chunks written: check it against
    // them (a receipt over more, when the answer ended before the stop
    // arrived, would charge the client for chunks it never got: not claimed).
    protocol::ChatStreamVerifier written(job.inference_id, enclave_key);
    for (const auto& c : chunks) VINET_RETURN_IF_ERROR(written.Accept(c));
    if (Status s = written.Finish(receipt); !s.ok()) {
      return Error(Code::kUnavailable,
                   "client left; the enclave's receipt covers more than was written, not "
                   "claimed: " +
                       s.message());
    }
    text = written.text();
  } else {
    if (Status s = verifier.Finish(receipt); !s.ok()) {
      return Error(Code::kInternal, "enclave receipt: " + s.message());
    }
    text = verifier.text();
  }
  return receipt;
}

Result<ChatResult> Node::RunChat(ChatJob& job, const ChunkWriter& write) {
  const protocol::InferenceRequest& r = job.signed_request.request;
  auto run0 = std::chrono::steady_clock::now();
  ChatResult out;
  VINET_ASSIGN_OR_RETURN(out.receipt, RunChatEngine(job, write, out.chunks, out.text));
  double run_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - run0).count();
  protocol::ChatReceipt& rc = out.receipt;
  // The receipt must be the one this request asked for and cover exactly the
  // chunks written, or the claim would be REJECTED (or charge for more).
  if (rc.inference_id != job.inference_id || rc.model_id != r.model_id || rc.mode != r.mode ||
      rc.request_hash != r.input_hash || rc.chunks > out.chunks.size() ||
      rc.prompt_tokens != job.prompt_tokens ||
      (job.max_completion != 0 && rc.completion_tokens > job.max_completion)) {
    return Error(Code::kInternal, "chat receipt does not match the request (chunks " +
                                      std::to_string(rc.chunks) + " of " +
                                      std::to_string(out.chunks.size()) + " written, prompt " +
                                      std::to_string(rc.prompt_tokens) + " vs " +
                                      std::to_string(job.prompt_tokens) + ")");
  }
  out.chunks.resize(rc.chunks);
  if (r.mode == Mode::kTee) VINET_RETURN_IF_ERROR(protocol::SignChatAsNode(rc, key_));
  VINET_ASSIGN_OR_RETURN(
      out.fee, protocol::ChatFee(job.prices.fee_per_inference, job.prices.price_in,
                                 job.prices.price_out, rc.prompt_tokens, rc.completion_tokens));
  if (out.fee > r.max_fee) {
    return Error(Code::kInternal, "chat fee " + std::to_string(out.fee) + " exceeds max_fee " +
                                      std::to_string(r.max_fee));
  }
  ClaimRecord claim;
  claim.id_hex = job.meta.inference_id;
  claim.request = protocol::EncodeSignedRequest(job.signed_request);
  claim.receipt = protocol::EncodeChatReceipt(rc);
  claim.chat =
      json{{"text", out.text}, {"chunks", ChunksJson(out.chunks)}, {"signer", job.meta.signer}}
          .dump(-1, ' ', false, json::error_handler_t::replace);
  claim.client = job.client;
  claim.model_id = r.model_id;
  claim.mode = r.mode;
  claim.fee = out.fee;
  claim.accepted_ms = WallMs();
  // Durable before the receipt leaves the node; a second copy of the id is
  // refused by the Ledger (kAlreadyExists), so the claim is queued once.
  VINET_RETURN_IF_ERROR(ledger_->Accept(claim, job.funds));
  job.hold.Release();
  out.answered_ms = WallMs();
  std::string label = ModeLabel(r.mode);
  double total_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - job.t0).count();
  metrics_.Observe("vinet_node_answer_seconds", label, total_s);
  metrics_.Observe("vinet_node_model_seconds", label, run_s);
  metrics_.Observe("vinet_node_overhead_seconds", label, total_s - run_s);
  metrics_.Count("vinet_node_inferences_total", "accepted");
  metrics_.Count("vinet_node_chat_tokens_total", "prompt", rc.prompt_tokens);
  metrics_.Count("vinet_node_chat_tokens_total", "completion", rc.completion_tokens);
  metrics_.Count("vinet_node_chat_finish_total", rc.finish_reason);
  return out;
}

Result<json> Node::ChatInference(const ClaimRecord& c) const {
  VINET_ASSIGN_OR_RETURN(protocol::ChatReceipt rc, protocol::DecodeChatReceipt(c.receipt));
  json stored = json::parse(c.chat.empty() ? std::string("{}") : c.chat, nullptr, false);
  if (stored.is_discarded() || !stored.is_object()) {
    return Error(Code::kInternal, "claim " + c.id_hex + ": stored chat answer is not JSON");
  }
  return json{{"inference_id", c.id_hex},
              {"kind", "chat"},
              {"status", c.status},
              {"mode", protocol::ModeName(c.mode)},
              {"model_id", c.model_id},
              {"fee", c.fee},
              {"text", stored.value("text", json(nullptr))},
              {"finish_reason", rc.finish_reason},
              {"usage", UsageJson(rc)},
              {"signer", stored.value("signer", json(nullptr))},
              {"receipt", json::parse(protocol::ChatReceiptToJson(rc))},
              {"chunks", stored.value("chunks", json::array())},
              {"tx_hash", c.tx_hash},
              {"height", c.height},
              {"accepted_ms", c.accepted_ms},
              {"settled_ms", c.settled_ms}};
}

json Node::ChatModelsJson() {
  json out = json::array();
  for (const auto& m : chat_models_) {
    json modes = json::array();
    json refused = json::object();
    for (Mode mode : LocalChatModes(m.model_id)) {
      auto ok = guard_->CheckChat(m.model_id, mode, WallMs());
      if (ok.ok()) {
        modes.push_back(protocol::ModeName(mode));
      } else {
        refused[std::string(protocol::ModeName(mode))] = {
            {"code", std::string(CodeName(ok.status().code()))}, {"reason", ok.status().message()}};
      }
    }
    auto cm = chain_.Model(m.model_id);
    bool known = cm.ok();
    out.push_back({{"id", m.model_id},
                   {"object", "model"},
                   {"created", started_s_},
                   {"owned_by", "vinet"},
                   {"kind", "llm"},
                   {"model_id", m.model_id},
                   {"name", m.name},
                   {"context", m.context},
                   {"modes", modes},
                   {"refused", refused},
                   {"fee", known ? json(cm->fee) : json(nullptr)},
                   {"price_per_input_token", known ? json(cm->price_per_input_token) : json()},
                   {"price_per_output_token", known ? json(cm->price_per_output_token) : json()},
                   {"registered", known && cm->registered}});
  }
  return out;
}

}  // namespace vinet::node
