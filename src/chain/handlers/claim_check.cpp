#include "handlers/claim_check.h"

#include <fmt/format.h>

#include <algorithm>

#include "vinet/chain/model_fee.h"

namespace vinet::chain {
namespace {

using Outcome = ClaimCheck::Outcome;

bool SameBytes(ByteSpan a, ByteSpan b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
}

bool ModelOffers(const statepb::Model& model, protocol::Mode mode) {
  return std::any_of(model.modes().begin(), model.modes().end(),
                     [&](int m) { return m == static_cast<int>(mode); });
}

bool PcrAllowed(const statepb::Model& model, const std::string& pcr0) {
  return std::any_of(model.allowed_pcr0().begin(), model.allowed_pcr0().end(),
                     [&](const std::string& p) { return p == pcr0; });
}

// Receipt fields agree with the request and the submitting node.
std::string ReceiptMismatch(const protocol::Receipt& r, const protocol::SignedRequest& req,
                            const crypto::Digest256& id, const DecodedTx& tx) {
  if (!SameBytes(r.inference_id, id)) return "receipt.inference_id differs from the request's";
  if (r.model_id != req.request.model_id) return "receipt.model_id differs from the request's";
  if (r.mode != req.request.mode) return "receipt.mode differs from the request's";
  if (!SameBytes(r.input_hash, req.request.input_hash)) return "receipt.input_hash differs";
  if (!SameBytes(r.node_id, tx.signer)) return "receipt.node_id is not the submitting node";
  return {};
}

// The same for a chat receipt: request_hash is the request's input_hash
// (ChatRequestHash of the canonical chat request).
std::string ChatReceiptMismatch(const protocol::ChatReceipt& r, const protocol::SignedRequest& req,
                                const crypto::Digest256& id, const DecodedTx& tx) {
  if (!SameBytes(r.inference_id, id)) return "receipt.inference_id differs from the request's";
  if (r.model_id != req.request.model_id) return "receipt.model_id differs from the request's";
  if (r.mode != req.request.mode) return "receipt.mode differs from the request's";
  if (!SameBytes(r.request_hash, req.request.input_hash)) {
    return "receipt.request_hash differs from the request's";
  }
  if (!SameBytes(r.node_id, tx.signer)) return "receipt.node_id is not the submitting node";
  return {};
}

struct Problem {
  std::string reason;    // empty: none
  bool refuse = false;   // refused without a record (the node may retry), not REJECTED
  bool invalid = false;  // void without a record or a slash (INVALID), not REJECTED
};

// The enclave fields of either receipt form.
struct EnclaveFields {
  const std::optional<Bytes>& key;
  const std::optional<Bytes>& signature;
};

// TEE: the enclave signature first (a claim nobody's enclave signed is the
// node's fault whatever the key's state), then the key registered to this
// node, allowed, and unexpired. An expired key with a valid signature is
// refused without a record: the enclave did sign, only its attestation is
// stale, so the node re-attests and resubmits the same claim. Chat claims
// also need the registration to list the model (`require_listed`); a
// registration that does not is stale the same way (refused).
Problem EnclaveProblem(const State& state, const TxContext& ctx, const DecodedTx& tx,
                       const PreparedClaim& p, const statepb::Model& model, EnclaveFields f,
                       bool require_listed) {
  // A compact claim's receipt has no signature: the verified batch stands
  // for it (p.enclave_signature_ok).
  if (!f.key || (!f.signature && !p.compact))
    return {"receipt: TEE claim without enclave signature"};
  if (!p.enclave_signature_ok) return {"receipt.enclave_signature does not verify"};
  std::string key_hex = ToHex(*f.key);
  auto enclave = state.GetEnclave(key_hex);
  if (!enclave.ok()) return {"state: " + enclave.status().ToString()};
  // A compact claim under a key that is not this node's attested enclave:
  // the batch signature then proves nothing about the client (no attested
  // enclave checked its signature), so the claim is void, not REJECTED (which
  // would compensate a client who may never have signed).
  if (!enclave->has_value()) return {"enclave " + key_hex + " is not registered", false, p.compact};
  const auto& e = **enclave;
  if (!SameBytes(AsBytes(e.node()), tx.signer))
    return {"enclave " + key_hex + " belongs to another node", false, p.compact};
  if (!PcrAllowed(model, e.pcr0())) {
    // Removed by the owner (UpdateModel): the node may have served before it
    // saw the removal, so the claim is void (INVALID) but nobody is slashed.
    if (std::find(model.removed_pcr0().begin(), model.removed_pcr0().end(), e.pcr0()) !=
        model.removed_pcr0().end()) {
      return {"enclave PCR0 was removed from model " + model.model_id() + "'s allowlist", false,
              true};
    }
    return {"enclave PCR0 not allowed by model " + model.model_id()};
  }
  if (require_listed && std::find(e.model_ids().begin(), e.model_ids().end(), model.model_id()) ==
                            e.model_ids().end()) {
    return {"enclave " + key_hex + " is not registered for model " + model.model_id(), true};
  }
  if (ctx.block_time_ms >= e.expires_time_ms()) {
    return {fmt::format("enclave {} expired at {} ms (block time {})", key_hex, e.expires_time_ms(),
                        ctx.block_time_ms),
            true};
  }
  return {};
}

Problem ChatReceiptProblem(const State& state, const TxContext& ctx, const DecodedTx& tx,
                           const PreparedClaim& p, const statepb::Model& model) {
  if (!p.chat_receipt) return {p.receipt_error};
  const protocol::ChatReceipt& r = *p.chat_receipt;
  if (auto m = ChatReceiptMismatch(r, *p.request, p.id, tx); !m.empty()) return {m};
  if (!p.node_signature_error.empty()) return {p.node_signature_error};
  if (r.mode == protocol::Mode::kTee) {
    return EnclaveProblem(state, ctx, tx, p, model, {r.enclave_key, r.enclave_signature}, true);
  }
  if (r.enclave_key || r.enclave_signature) return {"receipt: enclave fields outside TEE mode"};
  return {};
}

Problem ReceiptProblem(const State& state, const TxContext& ctx, const DecodedTx& tx,
                       const PreparedClaim& p, const statepb::Model& model) {
  if (p.request->request.kind == protocol::PayloadKind::kChat) {
    return ChatReceiptProblem(state, ctx, tx, p, model);
  }
  if (!p.receipt) return {p.receipt_error};
  const protocol::Receipt& r = *p.receipt;
  // ZKML receipts carry their int8 outputs: the proof is checked against them.
  if (!r.outputs.empty() && r.mode != protocol::Mode::kZkml) {
    return {"receipt.outputs: must be emptied on chain"};
  }
  if (auto m = ReceiptMismatch(r, *p.request, p.id, tx); !m.empty()) return {m};
  if (!p.node_signature_error.empty()) return {p.node_signature_error};
  if (r.mode == protocol::Mode::kTee) {
    return EnclaveProblem(state, ctx, tx, p, model, {r.enclave_key, r.enclave_signature}, false);
  }
  if (r.enclave_key || r.enclave_signature) return {"receipt: enclave fields outside TEE mode"};
  return {};
}

// A chat request needs a gguf model, a tensor request any other format.
std::string FormatMismatch(const statepb::Model& model, protocol::PayloadKind kind) {
  bool chat_model = model.format() == "gguf";
  bool chat_request = kind == protocol::PayloadKind::kChat;
  if (chat_model == chat_request) return {};
  return chat_request
             ? "model " + model.model_id() + " is not a chat model (format " + model.format() + ")"
             : "model " + model.model_id() + " is a chat model (gguf): inference requests refused";
}

ClaimCheck Skip(ClaimCheck check, Outcome outcome, std::string reason) {
  check.outcome = outcome;
  check.reason = std::move(reason);
  return check;
}

}  // namespace

Result<uint64_t> ClaimFee(const ClaimCheck& check) {
  const statepb::Model& m = *check.model;
  // The fee in force when the request was signed (model_fee.h).
  const uint64_t fee =
      ModelFee{m.fee_per_inference(), m.previous_fee_per_inference(), m.fee_changed_time_ms()}
          .ForRequest(check.request->request.timestamp_ms);
  if (!check.chat) return fee;
  return protocol::ChatFee(fee, m.price_per_input_token(), m.price_per_output_token(),
                           check.chat->prompt_tokens, check.chat->completion_tokens);
}

ClaimCheck CheckClaim(const State& state, const TxContext& ctx, const DecodedTx& tx,
                      const txpb::Claim& claim) {
  return CheckClaim(state, ctx, tx, PrepareClaim(claim));
}

ClaimCheck CheckClaim(const State& state, const TxContext& ctx, const DecodedTx& tx,
                      const PreparedClaim& p) {
  ClaimCheck check;
  if (!p.request) return Skip(std::move(check), Outcome::kInvalid, p.request_error);
  check.request = p.request;
  check.id_hex = ToHex(p.id);
  if (p.chat_receipt) {
    check.chat =
        ClaimCheck::ChatUsage{p.chat_receipt->prompt_tokens, p.chat_receipt->completion_tokens};
  }
  if (!p.request_error.empty()) return Skip(std::move(check), Outcome::kInvalid, p.request_error);
  // A compact claim stands on the batch alone: without it nothing shows the
  // client signed the request, so nobody is charged, slashed or compensated.
  if (p.compact && !p.enclave_signature_ok) {
    return Skip(std::move(check), Outcome::kInvalid, p.compact_error);
  }
  const auto& req = check.request->request;
  if (req.chain_id != ctx.chain_id) {
    return Skip(std::move(check), Outcome::kInvalid, "request.chain_id: '" + req.chain_id + "'");
  }
  // Only the node the client asked may claim (nothing is stored, so that
  // node's own claim still settles); and only while the request is valid.
  if (!SameBytes(req.node_pubkey, tx.signer)) {
    return Skip(std::move(check), Outcome::kInvalid,
                "request.node_pubkey: addressed to node " + crypto::AddressOf(req.node_pubkey) +
                    ", not the submitter");
  }
  if (auto s = protocol::CheckValidity(req, ctx.block_time_ms, ctx.params.max_request_ttl_ms());
      !s.ok()) {
    return Skip(std::move(check), Outcome::kInvalid, s.message());
  }
  auto existing = state.GetClaim(check.id_hex);
  if (!existing.ok() || existing->has_value()) {
    return Skip(std::move(check), Outcome::kDuplicate, "inference id already claimed");
  }
  auto model = state.GetModel(req.model_id);
  if (!model.ok() || !model->has_value()) {
    return Skip(std::move(check), Outcome::kInvalid, "model " + req.model_id + " not registered");
  }
  check.model = std::move(**model);
  if (check.model->retired()) {
    return Skip(std::move(check), Outcome::kInvalid,
                fmt::format("model {} is retired (height {}): no new claims", req.model_id,
                            check.model->retired_height()));
  }
  if (auto m = FormatMismatch(*check.model, req.kind); !m.empty()) {
    return Skip(std::move(check), Outcome::kInvalid, std::move(m));
  }
  if (!ModelOffers(*check.model, req.mode)) {
    return Skip(
        std::move(check), Outcome::kInvalid,
        fmt::format("model {} does not offer mode {}", req.model_id, protocol::ModeName(req.mode)));
  }
  if (auto problem = ReceiptProblem(state, ctx, tx, p, *check.model); !problem.reason.empty()) {
    Outcome outcome = problem.refuse    ? Outcome::kRefused
                      : problem.invalid ? Outcome::kInvalid
                                        : Outcome::kRejected;
    return Skip(std::move(check), outcome, std::move(problem.reason));
  }
  check.outcome = Outcome::kValid;
  return check;
}

}  // namespace vinet::chain
