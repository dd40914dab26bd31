#include "vinet/chain/tx.h"

#include <fmt/format.h>

#include <cctype>

#include "vinet/chain/state.h"
#include "vinet/crypto/hash.h"
#include "vinet/protocol/unknown_fields.h"

namespace vinet::chain {
namespace {

using protocol::FirstUnknownField;  // unknown fields would change the tx hash unseen

Bytes SignBytes(std::string_view body) {
  Bytes msg(kSignDomain.size() + body.size());
  std::copy(kSignDomain.begin(), kSignDomain.end(), msg.begin());
  std::copy(body.begin(), body.end(), msg.begin() + static_cast<ptrdiff_t>(kSignDomain.size()));
  return msg;
}

TxStatus CheckNoUnknownFields(const txpb::TxBody& body) {
  const google::protobuf::Message* inner = nullptr;
  switch (body.msg_case()) {
    case txpb::TxBody::kTransfer:
      inner = &body.transfer();
      break;
    case txpb::TxBody::kRegisterNode:
      inner = &body.register_node();
      break;
    case txpb::TxBody::kUnbond:
      inner = &body.unbond();
      break;
    case txpb::TxBody::kWithdraw:
      inner = &body.withdraw();
      break;
    case txpb::TxBody::kRegisterEnclave:
      inner = &body.register_enclave();
      break;
    case txpb::TxBody::kRegisterModel:
      inner = &body.register_model();
      break;
    case txpb::TxBody::kSubmitClaims:
      inner = &body.submit_claims();
      break;
    case txpb::TxBody::kSubmitProofs:
      inner = &body.submit_proofs();
      break;
    case txpb::TxBody::kDeposit:
      inner = &body.deposit();
      break;
    case txpb::TxBody::kReleaseDeposit:
      inner = &body.release_deposit();
      break;
    case txpb::TxBody::kWithdrawDeposit:
      inner = &body.withdraw_deposit();
      break;
    case txpb::TxBody::kUpdateModel:
      inner = &body.update_model();
      break;
    case txpb::TxBody::kCreateValidator:
      inner = &body.create_validator();
      break;
    case txpb::TxBody::kBondValidator:
      inner = &body.bond_validator();
      break;
    case txpb::TxBody::kUnbondValidator:
      inner = &body.unbond_validator();
      break;
    case txpb::TxBody::kUnjailValidator:
      inner = &body.unjail_validator();
      break;
    case txpb::TxBody::MSG_NOT_SET:
      if (int f = FirstUnknownField(body)) {
        return TxStatus::Fail(
            TxCode::kUnknownMessage,
            fmt::format("tx.body.msg: no message known to this version (field {})", f));
      }
      return TxStatus::Fail(TxCode::kUnknownMessage, "tx.body.msg: not set");
  }
  if (int f = FirstUnknownField(body)) {
    return TxStatus::Fail(TxCode::kMalformedTx, fmt::format("tx.body: unknown field {}", f));
  }
  if (int f = FirstUnknownField(*inner)) {
    return TxStatus::Fail(TxCode::kMalformedTx,
                          fmt::format("tx.body.{}: unknown field {}", MessageName(body), f));
  }
  // Claim wrappers too (their request and receipt are decoded strictly later).
  for (int i = 0; i < body.submit_claims().claims_size(); ++i) {
    if (int f = FirstUnknownField(body.submit_claims().claims(i))) {
      return TxStatus::Fail(
          TxCode::kMalformedTx,
          fmt::format("tx.body.submit_claims.claims[{}]: unknown field {}", i, f));
    }
  }
  for (int i = 0; i < body.submit_claims().compact_claims_size(); ++i) {
    const auto& c = body.submit_claims().compact_claims(i);
    int f = FirstUnknownField(c);
    std::string_view where = "";
    if (f == 0 && c.has_chat()) {
      f = FirstUnknownField(c.chat());
      where = ".chat";
    }
    if (f != 0) {
      return TxStatus::Fail(
          TxCode::kMalformedTx,
          fmt::format("tx.body.submit_claims.compact_claims[{}]{}: unknown field {}", i, where, f));
    }
  }
  for (int i = 0; i < body.submit_proofs().proofs_size(); ++i) {
    if (int f = FirstUnknownField(body.submit_proofs().proofs(i))) {
      return TxStatus::Fail(
          TxCode::kMalformedTx,
          fmt::format("tx.body.submit_proofs.proofs[{}]: unknown field {}", i, f));
    }
  }
  for (int i = 0; i < body.submit_proofs().batches_size(); ++i) {
    if (int f = FirstUnknownField(body.submit_proofs().batches(i))) {
      return TxStatus::Fail(
          TxCode::kMalformedTx,
          fmt::format("tx.body.submit_proofs.batches[{}]: unknown field {}", i, f));
    }
  }
  return {};
}

}  // namespace

TxStatus DecodeTx(ByteSpan bytes, DecodedTx& out) {
  txpb::Tx tx;
  if (bytes.empty()) return TxStatus::Fail(TxCode::kMalformedTx, "tx: empty");
  if (!tx.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return TxStatus::Fail(
        TxCode::kMalformedTx,
        fmt::format("tx: not a vinet.tx.v1.Tx protobuf ({} bytes)", bytes.size()));
  }
  if (int f = FirstUnknownField(tx)) {
    return TxStatus::Fail(TxCode::kMalformedTx, fmt::format("tx: unknown field {}", f));
  }
  // The envelope is not signed: a repeated field (the parser keeps the
  // last), reordered fields or a non-minimal varint would give anyone a new
  // tx hash for the same signed content. Only the canonical encoding passes.
  if (SerializeDeterministic(tx) !=
      std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size())) {
    return TxStatus::Fail(TxCode::kMalformedTx,
                          "tx: not canonically encoded (repeated, reordered or padded fields)");
  }
  if (tx.signer_pubkey().size() != 32) {
    return TxStatus::Fail(
        TxCode::kMalformedTx,
        fmt::format("tx.signer_pubkey: expected 32 bytes, got {}", tx.signer_pubkey().size()));
  }
  if (tx.signature().size() != 64) {
    return TxStatus::Fail(
        TxCode::kMalformedTx,
        fmt::format("tx.signature: expected 64 bytes, got {}", tx.signature().size()));
  }
  if (tx.body().empty()) return TxStatus::Fail(TxCode::kMalformedTx, "tx.body: empty");
  if (!out.body.ParseFromString(tx.body())) {
    return TxStatus::Fail(TxCode::kMalformedTx, "tx.body: not a vinet.tx.v1.TxBody protobuf");
  }
  std::copy(tx.signer_pubkey().begin(), tx.signer_pubkey().end(), out.signer.begin());
  out.signer_address = crypto::AddressOf(out.signer);
  if (!crypto::Verify(out.signer, SignBytes(tx.body()), AsBytes(tx.signature()))) {
    return TxStatus::Fail(TxCode::kBadSignature,
                          "tx.signature: does not verify for signer " + out.signer_address);
  }
  return CheckNoUnknownFields(out.body);
}

std::string TxHashHex(ByteSpan tx) {
  std::string h = ToHex(crypto::Sha256(tx));
  for (auto& c : h) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return h;
}

Bytes BuildSignedTx(const crypto::SecretKey& key, const txpb::TxBody& body) {
  std::string bytes = SerializeDeterministic(body);
  return SignRawTx(key, AsBytes(bytes));
}

Bytes SignRawTx(const crypto::SecretKey& key, ByteSpan body) {
  txpb::Tx tx;
  tx.set_body(ToString(body));
  tx.set_signer_pubkey(std::string(key.public_key().begin(), key.public_key().end()));
  auto sig = key.Sign(SignBytes(tx.body()));
  tx.set_signature(std::string(sig.begin(), sig.end()));
  return ToBytes(SerializeDeterministic(tx));
}

std::string_view MessageName(const txpb::TxBody& body) {
  switch (body.msg_case()) {
    case txpb::TxBody::kTransfer:
      return "transfer";
    case txpb::TxBody::kRegisterNode:
      return "register_node";
    case txpb::TxBody::kUnbond:
      return "unbond";
    case txpb::TxBody::kWithdraw:
      return "withdraw";
    case txpb::TxBody::kRegisterEnclave:
      return "register_enclave";
    case txpb::TxBody::kRegisterModel:
      return "register_model";
    case txpb::TxBody::kSubmitClaims:
      return "submit_claims";
    case txpb::TxBody::kSubmitProofs:
      return "submit_proofs";
    case txpb::TxBody::kDeposit:
      return "deposit";
    case txpb::TxBody::kReleaseDeposit:
      return "release_deposit";
    case txpb::TxBody::kWithdrawDeposit:
      return "withdraw_deposit";
    case txpb::TxBody::kUpdateModel:
      return "update_model";
    case txpb::TxBody::kCreateValidator:
      return "create_validator";
    case txpb::TxBody::kBondValidator:
      return "bond_validator";
    case txpb::TxBody::kUnbondValidator:
      return "unbond_validator";
    case txpb::TxBody::kUnjailValidator:
      return "unjail_validator";
    case txpb::TxBody::MSG_NOT_SET:
      return "none";
  }
  return "none";
}

}  // namespace vinet::chain
