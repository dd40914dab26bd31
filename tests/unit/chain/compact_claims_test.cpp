// Compact TEE claims (compact_claim.h, docs/chain.md "Compact claims"): a
// claim of request body + client key + output hash (or chat fields) settles
// under a verified enclave batch exactly as its full form would; any change
// to what the leaf covers breaks the batch and voids (INVALID) every compact
// claim, without charging, slashing or compensating anyone.
#include <google/protobuf/unknown_field_set.h>

#include <functional>

#include "chain/handlers/claim_prepare.h"
#include "unit/chain/chat_fixture.h"
#include "vinet/chain/fee.h"
#include "vinet/protocol/claim_batch.h"

namespace vinet::chain {
namespace {

using protocol::Mode;
using testing::ChatFixture;

// One TEE claim as the node holds it; `leaf` is what the enclave recorded.
struct Served {
  protocol::SignedRequest request;
  txpb::CompactClaim compact;
  crypto::Digest256 leaf{};
};

class CompactClaimsTest : public ChatFixture {
 protected:
  Served Serve(uint64_t nonce, const crypto::SecretKey* client = nullptr) {
    auto req = Request(Mode::kTee, nonce, client);
    auto receipt = ReceiptFor(req, &enclave_);
    Served s{req, Compact(req), {}};
    s.compact.set_output_hash(ToString(receipt.output_hash));
    s.leaf =
        protocol::ClaimLeaf(protocol::InferenceId(req), protocol::EnclaveSigningBytes(receipt));
    return s;
  }

  Served ServeChat(uint64_t nonce, uint32_t prompt, uint32_t completion) {
    auto req = ChatRequestOf(Mode::kTee, nonce);
    auto r = Signed(req, prompt, completion);
    Served s{req, Compact(req), {}};
    auto* chat = s.compact.mutable_chat();
    chat->set_seed(r.seed);
    chat->set_prompt_tokens(r.prompt_tokens);
    chat->set_completion_tokens(r.completion_tokens);
    chat->set_finish_reason(r.finish_reason);
    chat->set_tokens_hash(ToString(r.tokens_hash));
    chat->set_text_hash(ToString(r.text_hash));
    chat->set_chunks(r.chunks);
    s.leaf = protocol::ClaimLeaf(protocol::InferenceId(req), protocol::ChatEnclaveSigningBytes(r));
    return s;
  }

  static txpb::CompactClaim Compact(const protocol::SignedRequest& req) {
    txpb::CompactClaim c;
    c.set_request_body(ToString(req.body));
    c.set_client_pubkey(ToString(req.client_pubkey));
    return c;
  }

  // The enclave's signature over these leaves for the fixture's node.
  txpb::EnclaveBatch BatchOver(const std::vector<Served>& served,
                               const crypto::SecretKey* signer = nullptr) {
    const crypto::SecretKey& key = signer ? *signer : enclave_;
    std::vector<crypto::Digest256> leaves;
    for (const auto& s : served) leaves.push_back(s.leaf);
    auto sig = key.Sign(protocol::ClaimBatchSigningBytes(node_.public_key(),
                                                         static_cast<uint32_t>(leaves.size()),
                                                         protocol::ClaimBatchRoot(leaves)));
    txpb::EnclaveBatch b;
    b.set_enclave_key(ToString(key.public_key()));
    b.set_signature(ToString(sig));
    return b;
  }

  static txpb::SubmitClaims Msg(const std::vector<Served>& served,
                                std::optional<txpb::EnclaveBatch> batch) {
    txpb::SubmitClaims m;
    for (const auto& s : served) *m.add_compact_claims() = s.compact;
    if (batch) *m.mutable_batch() = *batch;
    return m;
  }

  ExecResult Submit(const txpb::SubmitClaims& msg, int64_t height = 6) {
    txpb::TxBody b;
    *b.mutable_submit_claims() = msg;
    return Run(node_, b, height);
  }

  static std::vector<std::string> Field(const ExecResult& r, std::string_view type,
                                        std::string_view key) {
    std::vector<std::string> out;
    for (const auto& ev : r.events) {
      if (ev.type() == type) out.push_back(Attr(ev, key));
    }
    return out;
  }

  // Every compact claim of `msg` is void and nobody pays or is slashed.
  void ExpectAllVoid(const txpb::SubmitClaims& msg, const std::string& reason) {
    uint64_t before = Account(client_).balance();
    auto r = Submit(msg);
    ASSERT_TRUE(r.status.ok()) << r.status.log;
    EXPECT_EQ(Field(r, "vinet.claim_batch", "verified"), std::vector<std::string>{"false"});
    auto n = static_cast<size_t>(msg.compact_claims_size());
    EXPECT_EQ(Field(r, "vinet.claim", "status"), std::vector<std::string>(n, "INVALID"));
    EXPECT_EQ(Field(r, "vinet.claim", "reason"), std::vector<std::string>(n, reason));
    EXPECT_EQ(Account(client_).balance(), before);
    EXPECT_FALSE(NodeRecord().jailed());
  }

  const std::string kBadBatch =
      "compact claim: batch.signature does not verify over the tx's claims";
};

TEST_F(CompactClaimsTest, CompactClaimsSettleLikeFullOnesWithOneSignatureCheck) {
  SetUpTee();
  std::vector<Served> served;
  for (uint64_t i = 0; i < 4; ++i) served.push_back(Serve(10 + i));
  auto msg = Msg(served, BatchOver(served));
  auto p = PrepareClaims(msg, node_.public_key());
  EXPECT_TRUE(p.batch.verified) << p.batch.error;
  EXPECT_EQ(p.batch.covered, 4u);
  EXPECT_EQ(p.signature_checks, 1u);

  auto r = Submit(msg);
  ASSERT_TRUE(r.status.ok()) << r.status.log;
  EXPECT_EQ(Field(r, "vinet.claim", "status"), std::vector<std::string>(4, "SETTLED"));
  EXPECT_EQ(Field(r, "vinet.claim", "id")[2], ToHex(protocol::InferenceId(served[2].request)));
  EXPECT_EQ(Account(client_).balance(), 1'000u - 40);
  // The record is the one a full claim leaves (same id, parties, fee, expiry).
  auto rec = ClaimRecord(served[0].request);
  ASSERT_TRUE(rec.has_value());
  EXPECT_EQ(rec->status(), statepb::CLAIM_STATUS_SETTLED);
  EXPECT_EQ(rec->mode(), inference::v1::MODE_TEE);
  EXPECT_EQ(rec->model_id(), "m1");
  EXPECT_EQ(rec->node(), ToString(node_.public_key()));
  EXPECT_EQ(rec->client(), ToString(client_.public_key()));
  EXPECT_EQ(rec->fee(), 10u);
  EXPECT_EQ(rec->request_expires_ms(), served[0].request.request.expires_ms);
  // Sent again (full or compact): a duplicate.
  auto again = Submit(msg, 7);
  EXPECT_EQ(Field(again, "vinet.claim", "status"), std::vector<std::string>(4, "DUPLICATE"));
}

TEST_F(CompactClaimsTest, FullClaimsComeFirstThenCompactOnes) {
  SetUpTee();
  auto full_req = Request(Mode::kTee, 1);
  auto full_receipt = ReceiptFor(full_req, &enclave_);
  Served full{full_req,
              {},
              protocol::ClaimLeaf(protocol::InferenceId(full_req),
                                  protocol::EnclaveSigningBytes(full_receipt))};
  std::vector<Served> compact{Serve(2), Serve(3)};
  auto vanilla = Request(Mode::kVanilla, 4);
  txpb::SubmitClaims msg = Msg(compact, BatchOver({full, compact[0], compact[1]}));
  *msg.add_claims() = ClaimOf(full_req, full_receipt);
  *msg.add_claims() = ClaimOf(vanilla, ReceiptFor(vanilla, nullptr));
  auto r = Submit(msg);
  ASSERT_TRUE(r.status.ok()) << r.status.log;
  EXPECT_EQ(Field(r, "vinet.claim_batch", "claims"), std::vector<std::string>{"3"});
  EXPECT_EQ(Field(r, "vinet.claim", "status"), std::vector<std::string>(4, "SETTLED"));
  EXPECT_EQ(Field(r, "vinet.claim", "id")[3], ToHex(protocol::InferenceId(compact[1].request)));

  // The other order (compact leaves first) is not what the chain covers.
  std::vector<Served> more{Serve(5), Serve(6)};
  auto req7 = Request(Mode::kTee, 7);
  auto rec7 = ReceiptFor(req7, &enclave_);
  Served full7{
      req7,
      {},
      protocol::ClaimLeaf(protocol::InferenceId(req7), protocol::EnclaveSigningBytes(rec7))};
  auto swapped = Msg(more, BatchOver({more[0], more[1], full7}));
  *swapped.add_claims() = ClaimOf(req7, rec7);
  auto r2 = Submit(swapped, 7);
  ASSERT_TRUE(r2.status.ok()) << r2.status.log;
  // The full claim falls back to its own signatures; the compact ones are void.
  EXPECT_EQ(Field(r2, "vinet.claim", "status"),
            (std::vector<std::string>{"SETTLED", "INVALID", "INVALID"}));
}

TEST_F(CompactClaimsTest, ChatCompactClaimSettlesForItsTokenCounts) {
  SetUpChat(0, 1, 2);
  std::vector<Served> served{ServeChat(1, 20, 3), ServeChat(2, 4, 5)};
  auto r = Submit(Msg(served, BatchOver(served)));
  ASSERT_TRUE(r.status.ok()) << r.status.log;
  EXPECT_EQ(Field(r, "vinet.claim", "status"), std::vector<std::string>(2, "SETTLED"));
  EXPECT_EQ(Field(r, "vinet.claim", "fee"), (std::vector<std::string>{"26", "14"}));
  EXPECT_EQ(Field(r, "vinet.claim", "prompt_tokens"), (std::vector<std::string>{"20", "4"}));
  EXPECT_EQ(Account(client_).balance(), 1'000u - 40);
  auto rec = ClaimRecord(served[0].request);
  ASSERT_TRUE(rec.has_value());
  EXPECT_EQ(rec->completion_tokens(), 3u);
}

// Each field the leaf covers, changed after the enclave attested the batch.
TEST_F(CompactClaimsTest, EachChangedFieldBreaksTheBatchAndVoidsTheClaims) {
  SetUpTee();
  auto other_client = testing::KeyFromByte(77);
  using Change = std::function<void(std::vector<Served>&)>;
  std::vector<std::pair<std::string, Change>> changes = {
      {"body",
       [](auto& s) {
         // Another (decodable) body: max_fee raised by the node.
         auto req = s[1].request.request;
         req.max_fee += 1;
         s[1].compact.set_request_body(
             ToString(protocol::SignRequest(req, testing::KeyFromByte(1)).body));
       }},
      {"client key",
       [&](auto& s) { s[1].compact.set_client_pubkey(ToString(other_client.public_key())); }},
      {"output hash",
       [](auto& s) {
         std::string h = s[1].compact.output_hash();
         h[0] = static_cast<char>(h[0] ^ 1);
         s[1].compact.set_output_hash(h);
       }},
      {"order", [](auto& s) { std::swap(s[0].compact, s[1].compact); }},
  };
  uint64_t nonce = 100;
  for (auto& [name, change] : changes) {
    SCOPED_TRACE(name);
    std::vector<Served> served{Serve(nonce), Serve(nonce + 1), Serve(nonce + 2)};
    nonce += 3;
    auto batch = BatchOver(served);
    change(served);
    ExpectAllVoid(Msg(served, batch), kBadBatch);
  }
  // Untouched, the same kind of tx settles (the changes above were the cause).
  std::vector<Served> served{Serve(nonce), Serve(nonce + 1)};
  auto r = Submit(Msg(served, BatchOver(served)));
  EXPECT_EQ(Field(r, "vinet.claim", "status"), std::vector<std::string>(2, "SETTLED"));
}

TEST_F(CompactClaimsTest, ChangedChatFieldsBreakTheBatch) {
  SetUpChat(0, 1, 2);
  using Change = std::function<void(txpb::CompactChat&)>;
  std::vector<std::pair<std::string, Change>> changes = {
      {"prompt_tokens", [](auto& c) { c.set_prompt_tokens(c.prompt_tokens() - 1); }},
      {"completion_tokens", [](auto& c) { c.set_completion_tokens(c.completion_tokens() - 1); }},
      {"finish_reason", [](auto& c) { c.set_finish_reason("length"); }},
      {"seed", [](auto& c) { c.set_seed(c.seed() + 1); }},
      {"chunks", [](auto& c) { c.set_chunks(c.chunks() + 1); }},
      {"text_hash", [](auto& c) { c.set_text_hash(std::string(32, 'x')); }},
  };
  uint64_t nonce = 1;
  for (auto& [name, change] : changes) {
    SCOPED_TRACE(name);
    std::vector<Served> served{ServeChat(nonce++, 20, 3)};
    auto batch = BatchOver(served);
    change(*served[0].compact.mutable_chat());
    ExpectAllVoid(Msg(served, batch), kBadBatch);
  }
}

TEST_F(CompactClaimsTest, CompactClaimsWithoutABatchFailTheTx) {
  SetUpTee();
  std::vector<Served> served{Serve(1)};
  auto r = Submit(Msg(served, std::nullopt));
  EXPECT_EQ(r.status.code, TxCode::kInvalidMessage);
  EXPECT_EQ(r.status.log, "submit_claims.compact_claims: present without a batch");
  EXPECT_EQ(Account(client_).balance(), 1'000u);
}

TEST_F(CompactClaimsTest, UnregisteredBatchKeyVoidsRatherThanRejects) {
  SetUpTee();
  auto stranger = testing::KeyFromByte(50);
  auto req = Request(Mode::kTee, 1);
  auto receipt = ReceiptFor(req, &stranger);
  Served s{req, Compact(req),
           protocol::ClaimLeaf(protocol::InferenceId(req), protocol::EnclaveSigningBytes(receipt))};
  s.compact.set_output_hash(ToString(receipt.output_hash));
  auto r = Submit(Msg({s}, BatchOver({s}, &stranger)));
  ASSERT_TRUE(r.status.ok()) << r.status.log;
  EXPECT_EQ(Field(r, "vinet.claim_batch", "verified"), std::vector<std::string>{"true"});
  // The signature verifies, but no attested enclave vouches for the client.
  EXPECT_EQ(Field(r, "vinet.claim", "status"), std::vector<std::string>{"INVALID"});
  EXPECT_EQ(
      Field(r, "vinet.claim", "reason"),
      std::vector<std::string>{"enclave " + ToHex(stranger.public_key()) + " is not registered"});
  EXPECT_FALSE(NodeRecord().jailed());
  EXPECT_EQ(Account(client_).balance(), 1'000u);
}

TEST_F(CompactClaimsTest, MalformedCompactClaimsAreVoidWithTheFieldNamed) {
  SetUpTee();
  struct Case {
    std::string name;
    std::function<void(txpb::CompactClaim&)> change;
    std::string reason;
  };
  std::vector<Case> cases = {
      {"short output hash", [](auto& c) { c.set_output_hash(std::string(31, 'o')); },
       "compact_claim.output_hash: expected 32 bytes, got 31"},
      {"chat fields on an inference", [](auto& c) { c.mutable_chat()->set_finish_reason("stop"); },
       "compact_claim.chat: present for an inference request"},
      {"short client key", [](auto& c) { c.set_client_pubkey(std::string(31, 'k')); },
       "compact_claim: request.client_pubkey: expected 32 bytes, got 31"},
      {"oversized body", [](auto& c) { c.set_request_body(std::string(1025, '\x08')); },
       "compact_claim: request.body: 1025 bytes exceed 1024"},
      {"garbage body", [](auto& c) { c.set_request_body("\xff\xff"); },
       "compact_claim: request.body: not a vinet.inference.v1.RequestBody"},
  };
  uint64_t nonce = 1;
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    // The malformed claim is not covered, so the node's batch over both fails.
    std::vector<Served> served{Serve(nonce), Serve(nonce + 1)};
    nonce += 2;
    auto batch = BatchOver(served);
    c.change(served[1].compact);
    auto r = Submit(Msg(served, batch));
    ASSERT_TRUE(r.status.ok()) << r.status.log;
    EXPECT_EQ(Field(r, "vinet.claim", "status"), std::vector<std::string>(2, "INVALID"));
    EXPECT_EQ(Field(r, "vinet.claim", "reason")[1], c.reason);
  }
  // A VANILLA request never travels compact.
  auto vanilla = Request(Mode::kVanilla, 99);
  Served v{vanilla, Compact(vanilla), {}};
  v.compact.set_output_hash(std::string(32, 'o'));
  std::vector<Served> served{Serve(98)};
  auto msg = Msg(served, BatchOver(served));
  *msg.add_compact_claims() = v.compact;
  auto r = Submit(msg);
  EXPECT_EQ(Field(r, "vinet.claim", "status"), (std::vector<std::string>{"SETTLED", "INVALID"}));
  EXPECT_EQ(Field(r, "vinet.claim", "reason")[1],
            "compact_claim.request_body: mode VANILLA: only TEE claims travel compact");
}

TEST_F(CompactClaimsTest, CompactClaimsCountTowardsLimitsAndFees) {
  SetUpTee();
  auto params = params_;
  params.set_max_claims_per_tx(3);
  SetParams(params);
  std::vector<Served> served{Serve(1), Serve(2), Serve(3)};
  auto msg = Msg(served, BatchOver(served));
  auto req = Request(Mode::kVanilla, 4);
  *msg.add_claims() = ClaimOf(req, ReceiptFor(req, nullptr));
  auto r = Submit(msg);
  EXPECT_EQ(r.status.code, TxCode::kInvalidMessage);
  EXPECT_EQ(r.status.log,
            "submit_claims.claims: 4 (with compact_claims) exceed max_claims_per_tx 3");

  txpb::TxBody body;
  *body.mutable_submit_claims() = msg;
  EXPECT_EQ(ClaimsIn(body), 4u);
  FeeSchedule fees{0, 0, 7, 0};
  EXPECT_EQ(MinimumFee(fees, 100, body), 28u);
}

TEST_F(CompactClaimsTest, UnknownFieldsInACompactClaimFailDecoding) {
  txpb::TxBody body;
  body.set_chain_id(std::string(testing::kChain));
  auto* c = body.mutable_submit_claims()->add_compact_claims();
  auto* chat = c->mutable_chat();
  chat->GetReflection()->MutableUnknownFields(chat)->AddVarint(99, 1);
  DecodedTx out;
  auto s = DecodeTx(BuildSignedTx(node_, body), out);
  EXPECT_EQ(s.code, TxCode::kMalformedTx);
  EXPECT_EQ(s.log, "tx.body.submit_claims.compact_claims[0].chat: unknown field 99");
}

}  // namespace
}  // namespace vinet::chain
