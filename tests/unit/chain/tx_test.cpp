#include <gtest/gtest.h>

#include <cstdio>

#include "unit/chain/chain_test_util.h"
#include "unit/common/growth.h"

namespace vinet::chain {
namespace {

using testing::KeyFromByte;

TEST(DecodeTx, AcceptsSignedTransfer) {
  auto key = KeyFromByte(1);
  auto bytes = BuildSignedTx(key, testing::TransferBody("c", 0, std::string(40, 'a'), 5));
  DecodedTx tx;
  auto st = DecodeTx(bytes, tx);
  ASSERT_TRUE(st.ok()) << st.log;
  EXPECT_EQ(tx.signer_address, testing::AddrOf(key));
  EXPECT_EQ(tx.body.transfer().amount(), 5u);
  EXPECT_EQ(MessageName(tx.body), "transfer");
}

TEST(DecodeTx, RejectsMalformedProtobuf) {
  Bytes junk = {0xff, 0xff, 0xff, 0x01};
  DecodedTx tx;
  auto st = DecodeTx(junk, tx);
  EXPECT_EQ(st.code, TxCode::kMalformedTx);
  EXPECT_NE(st.log.find("not a vinet.tx.v1.Tx"), std::string::npos) << st.log;
  EXPECT_EQ(DecodeTx({}, tx).code, TxCode::kMalformedTx);
}

TEST(DecodeTx, RejectsWrongKeyAndSignatureSizes) {
  txpb::Tx t;
  t.set_body("x");
  t.set_signer_pubkey(std::string(31, 'k'));
  t.set_signature(std::string(64, 's'));
  DecodedTx tx;
  auto st = DecodeTx(AsBytes(t.SerializeAsString()), tx);
  EXPECT_EQ(st.code, TxCode::kMalformedTx);
  EXPECT_NE(st.log.find("tx.signer_pubkey: expected 32 bytes, got 31"), std::string::npos);
  t.set_signer_pubkey(std::string(32, 'k'));
  t.set_signature(std::string(63, 's'));
  st = DecodeTx(AsBytes(t.SerializeAsString()), tx);
  EXPECT_NE(st.log.find("tx.signature: expected 64 bytes, got 63"), std::string::npos);
}

TEST(DecodeTx, RejectsTamperedBody) {
  auto key = KeyFromByte(2);
  auto bytes = BuildSignedTx(key, testing::TransferBody("c", 0, std::string(40, 'a'), 5));
  txpb::Tx t;
  ASSERT_TRUE(t.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())));
  auto body = testing::TransferBody("c", 0, std::string(40, 'a'), 500);
  t.set_body(body.SerializeAsString());
  DecodedTx tx;
  auto st = DecodeTx(AsBytes(t.SerializeAsString()), tx);
  EXPECT_EQ(st.code, TxCode::kBadSignature);
  EXPECT_NE(st.log.find("does not verify"), std::string::npos);
}

TEST(DecodeTx, RejectsNonCanonicalEnvelopes) {
  // Anyone can re-encode the unsigned envelope: each form below has the same
  // signed content under a new tx hash, and must not pass.
  auto key = KeyFromByte(4);
  auto bytes = BuildSignedTx(key, testing::TransferBody("c", 0, std::string(40, 'a'), 5));
  DecodedTx tx;
  ASSERT_TRUE(DecodeTx(bytes, tx).ok());
  std::string canonical = ToString(bytes);
  txpb::Tx t;
  ASSERT_TRUE(t.ParseFromString(canonical));
  // A repeated signature field: the parser keeps the last (valid) one.
  txpb::Tx junk_sig;
  junk_sig.set_signature(std::string(64, 'x'));
  std::string repeated = junk_sig.SerializeAsString() + canonical;
  ASSERT_TRUE(txpb::Tx().ParseFromString(repeated));
  auto st = DecodeTx(AsBytes(repeated), tx);
  EXPECT_EQ(st.code, TxCode::kMalformedTx);
  EXPECT_NE(st.log.find("not canonically encoded"), std::string::npos) << st.log;
  // Fields reordered (signature first).
  txpb::Tx sig_only, rest;
  sig_only.set_signature(t.signature());
  rest.set_body(t.body());
  rest.set_signer_pubkey(t.signer_pubkey());
  std::string reordered = sig_only.SerializeAsString() + rest.SerializeAsString();
  EXPECT_EQ(DecodeTx(AsBytes(reordered), tx).code, TxCode::kMalformedTx);
  // A repeated body field whose first copy is junk.
  txpb::Tx junk_body;
  junk_body.set_body("junk");
  std::string two_bodies = junk_body.SerializeAsString() + canonical;
  EXPECT_EQ(DecodeTx(AsBytes(two_bodies), tx).code, TxCode::kMalformedTx);
}

TEST(DecodeTx, RejectsUnknownMessageEvenWhenSigned) {
  auto key = KeyFromByte(3);
  txpb::TxBody body;
  body.set_chain_id("c");
  // Field 18 (a future Challenge) is unknown to this version.
  std::string raw = body.SerializeAsString() + std::string("\x92\x01\x00", 3);
  txpb::Tx t;
  t.set_body(raw);
  t.set_signer_pubkey(std::string(key.public_key().begin(), key.public_key().end()));
  Bytes msg(kSignDomain.begin(), kSignDomain.end());
  msg.insert(msg.end(), raw.begin(), raw.end());
  auto sig = key.Sign(msg);
  t.set_signature(std::string(sig.begin(), sig.end()));
  DecodedTx tx;
  auto st = DecodeTx(AsBytes(t.SerializeAsString()), tx);
  EXPECT_EQ(st.code, TxCode::kUnknownMessage) << st.log;
}

std::string SignedWithRawBody(const crypto::SecretKey& key, const std::string& raw) {
  return ToString(SignRawTx(key, AsBytes(raw)));
}

TEST(DecodeTx, RejectsUnknownFieldsAtEveryLevel) {
  auto key = KeyFromByte(4);
  auto body = testing::TransferBody("c", 0, std::string(40, 'a'), 5);
  DecodedTx tx;
  // Outer Tx: field 9 (varint) appended.
  auto outer = ToString(BuildSignedTx(key, body)) + std::string("\x48\x01", 2);
  auto st = DecodeTx(AsBytes(outer), tx);
  EXPECT_EQ(st.code, TxCode::kMalformedTx);
  EXPECT_NE(st.log.find("tx: unknown field 9"), std::string::npos) << st.log;
  // TxBody: field 7 next to a known message.
  st = DecodeTx(AsBytes(SignedWithRawBody(key, body.SerializeAsString() + "\x38\x01")), tx);
  EXPECT_NE(st.log.find("tx.body: unknown field 7"), std::string::npos) << st.log;
  // Transfer: field 3 inside the message.
  std::string transfer = body.transfer().SerializeAsString() + "\x18\x01";
  txpb::TxBody head = body;
  head.clear_transfer();
  std::string raw =
      head.SerializeAsString() + "\x52" + std::string(1, char(transfer.size())) + transfer;
  st = DecodeTx(AsBytes(SignedWithRawBody(key, raw)), tx);
  EXPECT_EQ(st.code, TxCode::kMalformedTx);
  EXPECT_NE(st.log.find("tx.body.transfer: unknown field 3"), std::string::npos) << st.log;
  // No message at all.
  txpb::TxBody empty;
  empty.set_chain_id("c");
  st = DecodeTx(BuildSignedTx(key, empty), tx);
  EXPECT_EQ(st.code, TxCode::kUnknownMessage);
  EXPECT_EQ(st.log, "tx.body.msg: not set");
}

TEST(TxCodes, NamesAreStable) {
  EXPECT_EQ(TxCodeName(TxCode::kBadNonce), "bad_nonce");
  EXPECT_EQ(static_cast<int>(TxCode::kBadNonce), 5);
  EXPECT_EQ(static_cast<int>(TxCode::kUnknownMessage), 8);
  EXPECT_EQ(TxCodeName(TxCode::kInternal), "internal");
}

// A maximal legal SubmitClaims (the most claims a tx can carry) and half of
// it: decoding (protobuf parse, canonical-envelope check, signature) must
// grow linearly with the bytes. The ratio of two sizes in one run, measured
// as this thread's CPU time; the test runs alone (its name has "Linear").
namespace claims_growth {

std::string ClaimsTx(const crypto::SecretKey& key, int n) {
  txpb::TxBody body;
  body.set_chain_id("c");
  body.set_nonce(0);
  body.set_fee(1);
  auto* msg = body.mutable_submit_claims();
  for (int i = 0; i < n; ++i) {
    txpb::Claim* c = msg->add_claims();
    c->mutable_request()->set_body(std::string(300, static_cast<char>('a' + i % 26)));
    c->mutable_request()->set_client_pubkey(std::string(32, 'k'));
    c->mutable_request()->set_signature(std::string(64, 's'));
    c->set_receipt(std::string(400, 'r'));
  }
  return testing::TxString(key, body);
}

}  // namespace claims_growth

TEST(DecodeTx, MaximalClaimsTxDecodesInLinearTime) {
  auto key = KeyFromByte(3);
  const int n = 1000;  // ~0.8 MB, about a default max_tx_bytes
  std::string half = claims_growth::ClaimsTx(key, n / 2), full = claims_growth::ClaimsTx(key, n);
  auto decode = [](const std::string& s) {
    DecodedTx tx;
    EXPECT_TRUE(DecodeTx(AsBytes(s), tx).ok());
  };
  double ratio = vinet::testing::GrowthRatio([&] { decode(half); }, [&] { decode(full); }, 15);
  std::printf("claims tx: %zu -> %zu bytes, ratio %.2f\n", half.size(), full.size(), ratio);
  EXPECT_LE(ratio, 2.5) << "doubling the claims took " << ratio << "x as long (" << half.size()
                        << " -> " << full.size() << " bytes)";
}

}  // namespace
}  // namespace vinet::chain
