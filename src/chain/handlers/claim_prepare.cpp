#include "handlers/claim_prepare.h"

#include <thread>

namespace vinet::chain {
namespace {

constexpr int kMinClaimsPerThread = 32;

// The enclave signature over `signing_bytes()` (only computed when checked).
template <typename SigningBytes>
bool EnclaveSignatureOk(const std::optional<Bytes>& key_bytes, const std::optional<Bytes>& sig,
                        bool verify_signatures, SigningBytes signing_bytes) {
  if (!key_bytes || !sig) return false;
  auto key = crypto::PublicKeyFromBytes(*key_bytes);
  return key.ok() && (!verify_signatures || crypto::Verify(*key, signing_bytes(), *sig));
}

void PrepareChatReceipt(const txpb::Claim& claim, PreparedClaim& p, bool verify_signatures) {
  auto receipt = protocol::DecodeChatReceipt(AsBytes(claim.receipt()));
  if (!receipt.ok()) {
    p.receipt_error = receipt.status().message();
    return;
  }
  p.chat_receipt = std::move(*receipt);
  const protocol::ChatReceipt& r = *p.chat_receipt;
  // As for tensor receipts: the tx signature already binds the node.
  if (!r.node_signature) p.node_signature_error = "receipt: node signature missing";
  p.enclave_signature_ok = EnclaveSignatureOk(r.enclave_key, r.enclave_signature, verify_signatures,
                                              [&] { return protocol::ChatEnclaveSigningBytes(r); });
}

void PrepareReceipt(const txpb::Claim& claim, PreparedClaim& p, bool verify_signatures) {
  if (claim.receipt().size() > protocol::kMaxClaimReceiptBytes) {
    p.receipt_error = "receipt: " + std::to_string(claim.receipt().size()) + " bytes exceed " +
                      std::to_string(protocol::kMaxClaimReceiptBytes);
    return;
  }
  if (p.request->request.kind == protocol::PayloadKind::kChat) {
    PrepareChatReceipt(claim, p, verify_signatures);
    return;
  }
  auto receipt = protocol::DecodeReceipt(AsBytes(claim.receipt()));
  if (!receipt.ok()) {
    p.receipt_error = receipt.status().message();
    return;
  }
  p.receipt = std::move(*receipt);
  const protocol::Receipt& r = *p.receipt;
  // The node's signature over the receipt is not verified here: the tx that
  // carries these exact receipt bytes is signed by the same key (receipt.node_id
  // must be the tx signer), so a second check would add nothing but cost.
  if (!r.node_signature) p.node_signature_error = "receipt: node signature missing";
  p.enclave_signature_ok = EnclaveSignatureOk(r.enclave_key, r.enclave_signature, verify_signatures,
                                              [&] { return protocol::EnclaveSigningBytes(r); });
}

}  // namespace

PreparedClaim PrepareClaim(const txpb::Claim& claim, bool verify_signatures) {
  PreparedClaim p;
  auto decoded = protocol::DecodeSignedRequest(AsBytes(SerializeDeterministic(claim.request())));
  if (!decoded.ok()) {
    p.request_error = decoded.status().message();
    return p;
  }
  p.request = std::move(*decoded);
  p.id = protocol::InferenceId(*p.request);
  if (verify_signatures) {
    if (auto s = protocol::VerifyRequest(*p.request); !s.ok()) {
      p.request_error = "request: " + s.message();
      return p;
    }
  }
  PrepareReceipt(claim, p, verify_signatures);
  return p;
}

std::vector<PreparedClaim> PrepareClaims(const txpb::SubmitClaims& msg, int threads) {
  const int n = msg.claims_size();
  std::vector<PreparedClaim> out(static_cast<size_t>(n));
  auto run = [&](int begin, int end) {
    for (int i = begin; i < end; ++i) out[static_cast<size_t>(i)] = PrepareClaim(msg.claims(i));
  };
  int workers = std::max(1, std::min(threads, n / kMinClaimsPerThread));
  std::vector<std::thread> pool;
  for (int w = 1; w < workers; ++w) pool.emplace_back(run, n * w / workers, n * (w + 1) / workers);
  run(0, n / workers);
  for (auto& t : pool) t.join();
  return out;
}

}  // namespace vinet::chain
