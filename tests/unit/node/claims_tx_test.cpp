// The node's SubmitClaims tx (claims_tx.cpp): with a batch, the TEE claims it
// covers go compact, and the leaves the node has the enclave attest are in the
// order the chain covers them, so the chain's own batch check (PrepareClaims)
// verifies the tx it builds. Without a batch, every claim stays full.
#include <gtest/gtest.h>

#include "chain/handlers/claim_prepare.h"
#include "vinet/chain/tx.h"
#include "vinet/node/submitter.h"
#include "vinet/protocol/claim_batch.h"
#include "vinet/protocol/request.h"

namespace vinet::node {
namespace {

crypto::SecretKey Key(uint8_t b) {
  return std::move(crypto::SecretKey::FromSeed(Bytes(32, b)).value());
}

class ClaimsTxTest : public ::testing::Test {
 protected:
  // A served TEE (or VANILLA) claim as the ledger holds it.
  ClaimRecord Served(uint64_t nonce, protocol::Mode mode = protocol::Mode::kTee,
                     std::string chain_id = "c") {
    protocol::InferenceRequest r;
    r.chain_id = std::move(chain_id);
    r.model_id = "m1";
    r.mode = mode;
    r.input_hash = Bytes(32, 1);
    r.max_fee = 10;
    r.nonce = nonce;
    r.node_pubkey = node_.public_key();
    r.timestamp_ms = 1;
    r.expires_ms = 2;
    auto req = protocol::SignRequest(r, client_);
    protocol::Receipt receipt;
    auto id = protocol::InferenceId(req);
    receipt.inference_id = Bytes(id.begin(), id.end());
    receipt.model_id = "m1";
    receipt.mode = mode;
    receipt.input_hash = r.input_hash;
    receipt.output_hash = Bytes(32, static_cast<uint8_t>(nonce));
    receipt.node_id = Bytes(node_.public_key().begin(), node_.public_key().end());
    if (mode == protocol::Mode::kTee) protocol::SignAsEnclave(receipt, enclave_);
    EXPECT_TRUE(protocol::SignAsNode(receipt, node_).ok());
    ClaimRecord c;
    c.id_hex = ToHex(id);
    c.request = protocol::EncodeSignedRequest(req);
    c.receipt = protocol::EncodeReceipt(receipt);
    c.mode = mode;
    return c;
  }

  ClaimBatchAttestation Attest(const std::vector<ClaimRecord>& claims) {
    Bytes key(enclave_.public_key().begin(), enclave_.public_key().end());
    auto leaves = TeeClaimLeaves(claims, key);
    auto sig = enclave_.Sign(protocol::ClaimBatchSigningBytes(node_.public_key(),
                                                              static_cast<uint32_t>(leaves.size()),
                                                              protocol::ClaimBatchRoot(leaves)));
    return {key, Bytes(sig.begin(), sig.end())};
  }

  chain::txpb::SubmitClaims Decode(const Bytes& tx) {
    chain::DecodedTx decoded;
    auto st = chain::DecodeTx(tx, decoded);
    EXPECT_TRUE(st.ok()) << st.log;
    return decoded.body.submit_claims();
  }

  crypto::SecretKey node_ = Key(1), client_ = Key(2), enclave_ = Key(3);
};

TEST_F(ClaimsTxTest, BatchedTeeClaimsGoCompactAndTheChainVerifiesTheBatch) {
  std::vector<ClaimRecord> claims{Served(1), Served(2, protocol::Mode::kVanilla), Served(3),
                                  Served(4)};
  // A request body over kMaxRequestBodyBytes stays full: its leaf comes first.
  claims.insert(claims.begin() + 2, Served(5, protocol::Mode::kTee, std::string(1100, 'c')));
  auto batch = Attest(claims);
  auto msg = Decode(BuildSubmitClaimsTx(node_, "c", 0, 1, claims, {}, batch));
  ASSERT_EQ(msg.claims_size(), 2);  // the VANILLA one and the large one
  ASSERT_EQ(msg.compact_claims_size(), 3);
  EXPECT_EQ(msg.compact_claims(1).output_hash(), std::string(32, '\x03'));
  EXPECT_EQ(msg.compact_claims(0).client_pubkey(), ToString(client_.public_key()));

  auto prepared = chain::PrepareClaims(msg, node_.public_key());
  EXPECT_TRUE(prepared.batch.verified) << prepared.batch.error;
  EXPECT_EQ(prepared.batch.covered, 4u);
  ASSERT_EQ(prepared.claims.size(), 5u);
  // Chain order: full claims, then compact ones; the same inference ids.
  std::vector<std::string> want{claims[1].id_hex, claims[2].id_hex, claims[0].id_hex,
                                claims[3].id_hex, claims[4].id_hex};
  for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ(ToHex(prepared.claims[i].id), want[i]) << i;
  // The compact form is what makes the tx smaller: under half the full one.
  auto full = BuildSubmitClaimsTx(node_, "c", 0, 1, claims);
  auto compact = BuildSubmitClaimsTx(node_, "c", 0, 1, {claims[0], claims[3], claims[4]}, {},
                                     Attest({claims[0], claims[3], claims[4]}));
  auto full3 = BuildSubmitClaimsTx(node_, "c", 0, 1, {claims[0], claims[3], claims[4]});
  EXPECT_LT(compact.size() * 2, full3.size());
  EXPECT_EQ(Decode(full).compact_claims_size(), 0);
}

TEST_F(ClaimsTxTest, ABatchByAnotherEnclaveLeavesClaimsFull) {
  std::vector<ClaimRecord> claims{Served(1), Served(2)};
  auto batch = Attest(claims);
  batch.enclave_key = Bytes(32, 9);
  auto msg = Decode(BuildSubmitClaimsTx(node_, "c", 0, 1, claims, {}, batch));
  EXPECT_EQ(msg.claims_size(), 2);
  EXPECT_EQ(msg.compact_claims_size(), 0);
}

}  // namespace
}  // namespace vinet::node
