// Decoding, checking and building signed vinet transactions.
//
// Wire format: vinet.tx.v1.Tx (proto/vinet/tx/v1/tx.proto). The signature
// covers kSignDomain || body bytes exactly as carried in Tx.body.
// `DecodeTx` checks form and signature only (stateless); chain id, nonce,
// fee and balances are checked by the executor against state. It never
// crashes on arbitrary input: every malformed input yields kMalformedTx (or
// kBadSignature / kUnknownMessage) with a log naming the field.
#pragma once

#include <string>
#include <string_view>

#include "vinet/chain/result_codes.h"
#include "vinet/common/bytes.h"
#include "vinet/crypto/ed25519.h"
#include "vinet/tx/v1/tx.pb.h"

namespace vinet::chain {

namespace txpb = ::vinet::tx::v1;

inline constexpr std::string_view kSignDomain{"vinet.tx.v1\0", 12};

// A tx outcome: a stable code and a human-readable log.
struct TxStatus {
  TxCode code = TxCode::kOk;
  std::string log;
  bool ok() const { return code == TxCode::kOk; }
  static TxStatus Fail(TxCode code, std::string log) { return {code, std::move(log)}; }
};

struct DecodedTx {
  txpb::TxBody body;
  crypto::PublicKey signer{};
  std::string signer_address;
};

// Parses and authenticates `tx`. On success fills `out` and returns ok.
TxStatus DecodeTx(ByteSpan tx, DecodedTx& out);

// Serializes `body`, signs it with `key` and returns the Tx bytes.
Bytes BuildSignedTx(const crypto::SecretKey& key, const txpb::TxBody& body);

// CometBFT's hash of a tx: upper-case hex SHA-256 of its bytes (what
// /tx?hash= and broadcast results use).
std::string TxHashHex(ByteSpan tx);

// Signs arbitrary body bytes (not necessarily a valid TxBody) into a Tx.
Bytes SignRawTx(const crypto::SecretKey& key, ByteSpan body);

// Name of the body's message ("transfer", "register_node", ...; "none").
std::string_view MessageName(const txpb::TxBody& body);

}  // namespace vinet::chain
