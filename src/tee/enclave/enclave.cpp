#include "vinet/tee/enclave.h"

#include <algorithm>

#include "vinet/protocol/claim_batch.h"

namespace vinet::tee {

Enclave::Enclave(std::unique_ptr<AttestationProvider> provider, std::unique_ptr<ModelRunner> runner,
                 EnclaveMeasurements measurements, bool debug,
                 std::unique_ptr<ChatRunner> chat_runner)
    : key_(crypto::SecretKey::Generate()),
      provider_(std::move(provider)),
      runner_(std::move(runner)),
      chat_runner_(std::move(chat_runner)),
      measurements_(std::move(measurements)),
      debug_(debug) {}

EnclaveInfo Enclave::Info() const {
  EnclaveInfo info;
  info.enclave_key = key_.public_key();
  info.models = runner_->ModelIds();
  if (chat_runner_) info.chat_models = chat_runner_->ChatModels();
  info.provider = std::string(provider_->name());
  info.debug = debug_;
  std::lock_guard lock(mu_);
  info.measurements = measurements_;
  return info;
}

Result<std::vector<std::string>> Enclave::Reload() {
  VINET_ASSIGN_OR_RETURN(std::vector<std::string> added, runner_->LoadNew());
  if (remeasure_) {
    VINET_ASSIGN_OR_RETURN(EnclaveMeasurements now, remeasure_());
    std::lock_guard lock(mu_);
    measurements_.config = std::move(now.config);
    measurements_.config_hash = now.config_hash;
  }
  return added;
}

Result<Bytes> Enclave::Attest(ByteSpan nonce) {
  AttestationRequest req;
  req.nonce = Bytes(nonce.begin(), nonce.end());
  req.public_key = Bytes(key_.public_key().begin(), key_.public_key().end());
  {
    std::lock_guard lock(mu_);
    req.user_data = Bytes(measurements_.config_hash.begin(), measurements_.config_hash.end());
  }
  return provider_->Attest(req);
}

namespace {

bool Same(ByteSpan a, ByteSpan b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end());
}

// The signed request is the client's, and asks for exactly this call.
Status CheckSignedRequest(const protocol::SignedRequest& sr, const InferRequest& request,
                          const crypto::Digest256& input_hash) {
  VINET_RETURN_IF_ERROR(protocol::VerifyRequest(sr));
  const protocol::InferenceRequest& r = sr.request;
  auto bad = [](const char* what) {
    return Error(Code::kInvalidArgument, std::string("signed_request: ") + what);
  };
  if (!Same(protocol::InferenceId(sr), request.inference_id))
    return bad("its inference id is not inference_id");
  if (r.kind != protocol::PayloadKind::kInference) return bad("not an inference request");
  if (r.mode != protocol::Mode::kTee) return bad("mode is not TEE");
  if (r.model_id != request.model_id) return bad("model_id differs");
  if (!Same(r.node_pubkey, request.node_id)) return bad("node_pubkey is not node_id");
  if (!Same(r.input_hash, input_hash)) return bad("input_hash is not the inputs' hash");
  return Status::Ok();
}

crypto::PublicKey NodeKey(ByteSpan node_id) {
  crypto::PublicKey key{};
  std::copy_n(node_id.begin(), std::min(node_id.size(), key.size()), key.begin());
  return key;
}

}  // namespace

Result<protocol::Receipt> Enclave::Infer(const InferRequest& request) {
  if (request.inference_id.size() != 32) {
    return Error(Code::kInvalidArgument, "infer: inference_id must be 32 bytes");
  }
  if (request.node_id.size() != 32)
    return Error(Code::kInvalidArgument, "infer: node_id must be 32 bytes");
  VINET_RETURN_IF_ERROR(protocol::ValidateTensors(request.inputs));
  auto in_hash = protocol::TensorsHash(request.inputs);
  if (request.signed_request) {
    VINET_RETURN_IF_ERROR(CheckSignedRequest(*request.signed_request, request, in_hash));
  }
  VINET_ASSIGN_OR_RETURN(std::vector<protocol::NamedTensor> outputs,
                         runner_->Run(request.model_id, request.inputs));
  VINET_RETURN_IF_ERROR(protocol::ValidateTensors(outputs));
  protocol::Receipt r;
  r.inference_id = request.inference_id;
  r.model_id = request.model_id;
  r.mode = protocol::Mode::kTee;
  auto out_hash = protocol::TensorsHash(outputs);
  r.input_hash = Bytes(in_hash.begin(), in_hash.end());
  r.output_hash = Bytes(out_hash.begin(), out_hash.end());
  r.outputs = std::move(outputs);
  r.node_id = request.node_id;
  protocol::SignAsEnclave(r, key_);
  if (request.signed_request) {
    leaves_.Record(protocol::ClaimLeaf(r.inference_id, protocol::EnclaveSigningBytes(r)),
                   NodeKey(request.node_id));
  }
  return r;
}

Result<ChatAnswer> Enclave::Chat(const ChatAnswerInput& input,
                                 const std::function<bool(const protocol::ChatChunk&)>& on_chunk,
                                 const ChatStopPoll& stop_after) {
  if (!chat_runner_) return Error(Code::kUnsupported, "chat: this enclave serves no chat models");
  if (input.signed_request.request.mode != protocol::Mode::kTee) {
    return Error(Code::kInvalidArgument,
                 "signed_request: mode " +
                     std::string(protocol::ModeName(input.signed_request.request.mode)) +
                     ": the enclave answers TEE chats only");
  }
  VINET_ASSIGN_OR_RETURN(ChatAnswer answer,
                         AnswerChat(*chat_runner_, input, key_, on_chunk, stop_after));
  leaves_.Record(protocol::ClaimLeaf(answer.receipt.inference_id,
                                     protocol::ChatEnclaveSigningBytes(answer.receipt)),
                 input.node_id);
  return answer;
}

Result<crypto::Signature> Enclave::AttestBatch(ByteSpan node_id,
                                               std::span<const crypto::Digest256> leaves) {
  if (node_id.size() != 32)
    return Error(Code::kInvalidArgument, "attest_batch: node_id must be 32 bytes");
  if (leaves.empty() || leaves.size() > protocol::kMaxBatchLeaves) {
    return Error(Code::kInvalidArgument, "attest_batch: leaves: " + std::to_string(leaves.size()) +
                                             " (need 1 to " +
                                             std::to_string(protocol::kMaxBatchLeaves) + ")");
  }
  VINET_RETURN_IF_ERROR(leaves_.Take(leaves, NodeKey(node_id)));
  return key_.Sign(protocol::ClaimBatchSigningBytes(node_id, static_cast<uint32_t>(leaves.size()),
                                                    protocol::ClaimBatchRoot(leaves)));
}

}  // namespace vinet::tee
