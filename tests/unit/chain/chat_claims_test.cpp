// SubmitClaims of LLM chat answers (docs/chat.md, docs/chain.md "Chat
// claims"): per-token fees, the same outcome classes as tensor claims
// (INVALID / REJECTED with a slash / REFUSED / UNFUNDED), and determinism.
#include "chain/handlers/claim_prepare.h"
#include "unit/chain/chat_fixture.h"

namespace vinet::chain {
namespace {

using protocol::Mode;
using testing::ChatFixture;
using testing::kChatModel;

class ChatClaimsTest : public ChatFixture {
 protected:
  ExecResult Submit(std::vector<txpb::Claim> claims, int64_t height = 6, int64_t offset = 0) {
    return Run(node_, ClaimsBody(std::move(claims)), height, offset);
  }
  // The single claim event of a one-claim SubmitClaims.
  ::tendermint::abci::Event Only(const ExecResult& r) {
    EXPECT_TRUE(r.status.ok()) << r.status.log;
    for (const auto& ev : r.events) {
      if (ev.type() == "vinet.claim") return ev;
    }
    ADD_FAILURE() << "no claim event";
    return {};
  }
  // Status of a one-claim submission of (req, receipt).
  std::string StatusOf(const protocol::SignedRequest& req, const protocol::ChatReceipt& r,
                       std::string* reason = nullptr, int64_t offset = 0) {
    auto ev = Only(Submit({ChatClaimOf(req, r)}, 6, offset));
    if (reason) *reason = Attr(ev, "reason");
    return Attr(ev, "status");
  }
  // A fresh state (a rejection jails the node).
  void Reset() {
    state_.Clear();
    SetUp();
  }
  void ExpectSlashed() {
    EXPECT_TRUE(NodeRecord().jailed());
    EXPECT_EQ(NodeRecord().stake(), 9'000u);              // 10% of 10'000
    EXPECT_EQ(Account(client_).balance(), 1'000u + 500);  // compensation, no fee
  }
  void ExpectUntouched(const protocol::SignedRequest& req) {
    EXPECT_FALSE(NodeRecord().jailed());
    EXPECT_EQ(NodeRecord().stake(), 10'000u);
    EXPECT_EQ(Account(client_).balance(), 1'000u);
    EXPECT_FALSE(ClaimRecord(req).has_value());
  }
};

TEST_F(ChatClaimsTest, TokenCountsGiveTheExactFee) {
  SetUpChat(/*fee=*/3, /*price_in=*/2, /*price_out=*/5);
  uint64_t node_before = Account(node_).balance();
  auto req = ChatRequestOf(Mode::kVanilla, 1);
  auto ev = Only(Submit({ChatClaimOf(req, Signed(req, 7, 11))}));
  const uint64_t fee = 3 + 7 * 2 + 11 * 5;  // 72
  EXPECT_EQ(Attr(ev, "status"), "SETTLED") << Attr(ev, "reason");
  EXPECT_EQ(Attr(ev, "fee"), std::to_string(fee));
  EXPECT_EQ(Attr(ev, "prompt_tokens"), "7");
  EXPECT_EQ(Attr(ev, "completion_tokens"), "11");
  EXPECT_EQ(Attr(ev, "mode"), "VANILLA");
  EXPECT_EQ(Account(client_).balance(), 1'000u - fee);
  EXPECT_EQ(Account(node_).balance(), node_before - 1 + fee);  // tx fee 1
  auto rec = ClaimRecord(req);
  ASSERT_TRUE(rec.has_value());
  EXPECT_EQ(rec->status(), statepb::CLAIM_STATUS_SETTLED);
  EXPECT_EQ(rec->fee(), fee);
  EXPECT_EQ(rec->model_id(), kChatModel);
  EXPECT_EQ(rec->prompt_tokens(), 7u);
  EXPECT_EQ(rec->completion_tokens(), 11u);
}

TEST_F(ChatClaimsTest, TeeClaimSettlesAndCancelledAnswerPaysWhatWasDelivered) {
  SetUpChat(0, 1, 2);
  auto req = ChatRequestOf(Mode::kTee, 1);
  auto receipt = ChatReceiptOf(req, 20, 3);
  receipt.finish_reason = "cancelled";
  Sign(receipt, &enclave_);
  auto ev = Only(Submit({ChatClaimOf(req, receipt)}));
  EXPECT_EQ(Attr(ev, "status"), "SETTLED") << Attr(ev, "reason");
  EXPECT_EQ(Attr(ev, "fee"), "26");  // 20 × 1 + 3 × 2
  EXPECT_EQ(Account(client_).balance(), 1'000u - 26);
}

TEST_F(ChatClaimsTest, FeeOverMaxFeeIsUnfundedAndNothingStored) {
  SetUpChat(3, 2, 5);
  auto req = ChatRequestOf(Mode::kVanilla, 1, /*max_fee=*/71);
  std::string reason;
  EXPECT_EQ(StatusOf(req, Signed(req, 7, 11), &reason), "UNFUNDED");  // fee 72
  EXPECT_EQ(reason, "fee 72 with max_fee 71 and client funds 1000");
  ExpectUntouched(req);
  // At max_fee = fee it settles.
  auto exact = ChatRequestOf(Mode::kVanilla, 2, 72);
  EXPECT_EQ(StatusOf(exact, Signed(exact, 7, 11)), "SETTLED");
}

TEST_F(ChatClaimsTest, FeeOverflowIsUnfunded) {
  SetUpChat(0, 1, uint64_t{1} << 62);
  auto req = ChatRequestOf(Mode::kVanilla, 1, UINT64_MAX);
  std::string reason;
  EXPECT_EQ(StatusOf(req, Signed(req, 1, 4), &reason), "UNFUNDED");
  EXPECT_FALSE(reason.empty());
  ExpectUntouched(req);
}

TEST_F(ChatClaimsTest, ClientFundsShortIsUnfunded) {
  SetUpChat(3, 2, 5);
  auto req = ChatRequestOf(Mode::kVanilla, 1, 100'000);
  EXPECT_EQ(StatusOf(req, Signed(req, 100, 200)), "UNFUNDED");  // fee 1203 > balance 1000
  ExpectUntouched(req);
}

TEST_F(ChatClaimsTest, ForgedEnclaveSignatureIsRejectedAndSlashed) {
  SetUpChat();
  auto req = ChatRequestOf(Mode::kTee, 1);
  auto receipt = ChatReceiptOf(req, 7, 11);
  // Signed by a key the node made up, passed off as the registered enclave's.
  auto forger = testing::KeyFromByte(77);
  receipt.enclave_key = Bytes(enclave_.public_key().begin(), enclave_.public_key().end());
  receipt.enclave_signature = Bytes(64, 0);
  auto forged = receipt;
  protocol::SignChatAsEnclave(forged, forger);
  receipt.enclave_signature = forged.enclave_signature;
  ASSERT_TRUE(protocol::SignChatAsNode(receipt, node_).ok());
  std::string reason;
  EXPECT_EQ(StatusOf(req, receipt, &reason), "REJECTED");
  EXPECT_EQ(reason, "receipt.enclave_signature does not verify");
  ExpectSlashed();
  auto rec = ClaimRecord(req);
  ASSERT_TRUE(rec.has_value());
  EXPECT_EQ(rec->status(), statepb::CLAIM_STATUS_REJECTED);
  EXPECT_EQ(rec->fee(), 0u);
}

TEST_F(ChatClaimsTest, InflatedTokenCountsBreakTheEnclaveSignature) {
  // The node co-signs more completion tokens than the enclave signed for.
  SetUpChat();
  auto req = ChatRequestOf(Mode::kTee, 1);
  auto receipt = Signed(req, 7, 11);
  receipt.completion_tokens = 90;
  ASSERT_TRUE(protocol::SignChatAsNode(receipt, node_).ok());
  std::string reason;
  EXPECT_EQ(StatusOf(req, receipt, &reason), "REJECTED");
  EXPECT_EQ(reason, "receipt.enclave_signature does not verify");
  ExpectSlashed();
}

TEST_F(ChatClaimsTest, WrongRequestHashIsRejected) {
  SetUpChat();
  auto req = ChatRequestOf(Mode::kVanilla, 1);
  auto receipt = ChatReceiptOf(req, 7, 11);
  auto other = Chat();
  other.messages[0].content = "Say bye.";
  auto h = protocol::ChatRequestHash(other);
  receipt.request_hash = Bytes(h.begin(), h.end());
  Sign(receipt, nullptr);
  std::string reason;
  EXPECT_EQ(StatusOf(req, receipt, &reason), "REJECTED");
  EXPECT_EQ(reason, "receipt.request_hash differs from the request's");
  ExpectSlashed();
}

TEST_F(ChatClaimsTest, ReceiptFieldsMustMatchRequestAndSubmitter) {
  auto other_node = testing::KeyFromByte(79);
  auto check = [&](auto mutate, std::string_view want, const crypto::SecretKey* signer = nullptr) {
    SCOPED_TRACE(want);
    Reset();
    SetUpChat();
    auto req = ChatRequestOf(Mode::kTee, 1);
    auto receipt = ChatReceiptOf(req, 7, 11);
    mutate(req, receipt);
    Sign(receipt, receipt.mode == Mode::kTee ? &enclave_ : nullptr, signer);
    std::string reason;
    EXPECT_EQ(StatusOf(req, receipt, &reason), "REJECTED");
    EXPECT_EQ(reason, want);
  };
  using R = protocol::ChatReceipt;
  using S = protocol::SignedRequest;
  check([](const S&, R& r) { r.inference_id[0] ^= 1; },
        "receipt.inference_id differs from the request's");
  check([&](const S&, R& r) { r.model_id = std::string(64, 'd'); },
        "receipt.model_id differs from the request's");
  check([](const S&, R& r) { r.mode = Mode::kVanilla; }, "receipt.mode differs from the request's");
  // Another node's receipt (signed by it) submitted by this node.
  check(
      [&](const S&, R& r) {
        r.node_id = Bytes(other_node.public_key().begin(), other_node.public_key().end());
      },
      "receipt.node_id is not the submitting node", &other_node);
}

TEST_F(ChatClaimsTest, MalformedReceiptsAreRejected) {
  SetUpChat();
  // A tensor receipt for a chat request.
  auto req = ChatRequestOf(Mode::kVanilla, 1);
  protocol::Receipt tensor;
  auto id = protocol::InferenceId(req);
  tensor.inference_id = Bytes(id.begin(), id.end());
  tensor.model_id = kChatModel;
  tensor.mode = Mode::kVanilla;
  tensor.input_hash = req.request.input_hash;
  tensor.output_hash = Bytes(32, 1);
  tensor.node_id = Bytes(node_.public_key().begin(), node_.public_key().end());
  ASSERT_TRUE(protocol::SignAsNode(tensor, node_).ok());
  auto ev = Only(Submit({ClaimOf(req, tensor)}));
  EXPECT_EQ(Attr(ev, "status"), "REJECTED");
  EXPECT_NE(Attr(ev, "reason"), "");
  ExpectSlashed();
}

TEST_F(ChatClaimsTest, OversizedReceiptRejectedBeforeDecoding) {
  SetUpChat();
  auto req = ChatRequestOf(Mode::kVanilla, 1);
  auto claim = ChatClaimOf(req, Signed(req, 7, 11));
  claim.set_receipt(std::string(protocol::kMaxClaimReceiptBytes + 1, '\x82'));
  auto ev = Only(Submit({claim}));
  EXPECT_EQ(Attr(ev, "status"), "REJECTED");
  EXPECT_EQ(Attr(ev, "reason"), "receipt: 16385 bytes exceed 16384");
}

TEST_F(ChatClaimsTest, NodeSignatureRequiredAndEnclaveFieldsOnlyInTee) {
  SetUpChat();
  auto req = ChatRequestOf(Mode::kVanilla, 1);
  auto receipt = ChatReceiptOf(req, 7, 11);  // unsigned
  std::string reason;
  EXPECT_EQ(StatusOf(req, receipt, &reason), "REJECTED");
  EXPECT_EQ(reason, "receipt: node signature missing");

  Reset();
  SetUpChat();
  req = ChatRequestOf(Mode::kVanilla, 1);
  receipt = ChatReceiptOf(req, 7, 11);
  Sign(receipt, &enclave_);  // VANILLA with enclave fields: not a valid receipt
  EXPECT_EQ(StatusOf(req, receipt, &reason), "REJECTED");
  EXPECT_NE(reason.find("a VANILLA receipt has no enclave"), std::string::npos) << reason;

  Reset();
  SetUpChat();
  req = ChatRequestOf(Mode::kTee, 1);
  receipt = ChatReceiptOf(req, 7, 11);
  Sign(receipt, nullptr);  // TEE without enclave signature
  EXPECT_EQ(StatusOf(req, receipt, &reason), "REJECTED");
  EXPECT_EQ(reason, "receipt: TEE claim without enclave signature");
}

TEST_F(ChatClaimsTest, ExpiredEnclaveRefusedThenSettlesAfterReattesting) {
  SetUpChat();
  auto req = ChatRequestOf(Mode::kTee, 1);
  auto claim = ChatClaimOf(req, Signed(req, 7, 11));
  auto ev = Only(Submit({claim}, 7, 60'000));  // ttl 60 s
  EXPECT_EQ(Attr(ev, "status"), "REFUSED");
  EXPECT_NE(Attr(ev, "reason").find("expired"), std::string::npos) << Attr(ev, "reason");
  ExpectUntouched(req);
  auto re = Run(node_, EnclaveBody(Document(*provider_, enclave_.public_key(), 7), 7, kChatModel),
                8, 60'000);
  ASSERT_TRUE(re.status.ok()) << re.status.log;
  ev = Only(Submit({claim}, 9, 60'000));
  EXPECT_EQ(Attr(ev, "status"), "SETTLED") << Attr(ev, "reason");
  EXPECT_EQ(Account(client_).balance(), 1'000u - 72);
}

TEST_F(ChatClaimsTest, EnclaveMustBeThisNodesAndRegisteredForTheModel) {
  // Registration for another model only: stale, refused (the node re-attests).
  ASSERT_TRUE(RegisterNode().status.ok());
  ASSERT_TRUE(Run(owner_, ChatModelBody()).status.ok());
  ASSERT_TRUE(Run(owner_, ModelBody("m1", {pcr0_})).status.ok());
  ASSERT_TRUE(
      Run(node_, EnclaveBody(Document(*provider_, enclave_.public_key(), 4), 4, "m1")).status.ok());
  auto req = ChatRequestOf(Mode::kTee, 1);
  std::string reason;
  EXPECT_EQ(StatusOf(req, Signed(req, 7, 11), &reason), "REFUSED");
  EXPECT_EQ(reason, "enclave " + ToHex(enclave_.public_key()) + " is not registered for model " +
                        kChatModel);
  ExpectUntouched(req);
  // An enclave nobody registered: the node's fault.
  auto stranger = testing::KeyFromByte(78);
  auto other = ChatRequestOf(Mode::kTee, 2);
  auto receipt = ChatReceiptOf(other, 7, 11);
  Sign(receipt, &stranger);
  EXPECT_EQ(StatusOf(other, receipt, &reason), "REJECTED");
  EXPECT_EQ(reason, "enclave " + ToHex(stranger.public_key()) + " is not registered");
}

TEST_F(ChatClaimsTest, PcrNoLongerAllowedIsRejected) {
  // The enclave registered under a model allowing its PCR0, the chat model
  // allows another one: its claims are the node's fault.
  ASSERT_TRUE(RegisterNode().status.ok());
  auto b = ChatModelBody();
  b.mutable_register_model()->clear_allowed_pcr0();
  b.mutable_register_model()->add_allowed_pcr0(std::string(48, 'x'));
  ASSERT_TRUE(Run(owner_, b).status.ok());
  ASSERT_TRUE(Run(owner_, ModelBody("m1", {pcr0_})).status.ok());
  ASSERT_TRUE(
      Run(node_, EnclaveBody(Document(*provider_, enclave_.public_key(), 4), 4, "m1")).status.ok());
  auto req = ChatRequestOf(Mode::kTee, 1);
  std::string reason;
  EXPECT_EQ(StatusOf(req, Signed(req, 7, 11), &reason), "REJECTED");
  EXPECT_EQ(reason, "enclave PCR0 not allowed by model " + kChatModel);
}

TEST_F(ChatClaimsTest, ModelFormatAndModeMustSuitTheRequest) {
  SetUpChat();
  ASSERT_TRUE(Run(owner_, ModelBody("m1", {pcr0_})).status.ok());
  // A chat request for an ONNX model.
  auto chat_onnx = ChatRequestOf(Mode::kVanilla, 1, 500, "m1");
  std::string reason;
  EXPECT_EQ(StatusOf(chat_onnx, Signed(chat_onnx, 7, 11), &reason), "INVALID");
  EXPECT_EQ(reason, "model m1 is not a chat model (format onnx)");
  // A tensor request for the gguf model.
  auto tensor = Request(Mode::kVanilla, 2);
  tensor.request.model_id = kChatModel;
  tensor = protocol::SignRequest(tensor.request, client_);
  auto ev = Only(Submit({ClaimOf(tensor, ReceiptFor(tensor, nullptr))}));
  EXPECT_EQ(Attr(ev, "status"), "INVALID");
  EXPECT_EQ(Attr(ev, "reason"),
            "model " + kChatModel + " is a chat model (gguf): inference requests refused");
  // An unregistered chat model.
  auto unknown = ChatRequestOf(Mode::kVanilla, 3, 500, std::string(64, 'e'));
  EXPECT_EQ(StatusOf(unknown, Signed(unknown, 7, 11), &reason), "INVALID");
  EXPECT_EQ(reason, "model " + std::string(64, 'e') + " not registered");
  ExpectUntouched(chat_onnx);
}

TEST_F(ChatClaimsTest, ModeTheModelDoesNotOfferIsInvalid) {
  ASSERT_TRUE(RegisterNode().status.ok());
  auto b = ChatModelBody();
  b.mutable_register_model()->clear_modes();
  b.mutable_register_model()->add_modes(inference::v1::MODE_VANILLA);
  ASSERT_TRUE(Run(owner_, b).status.ok());
  auto req = ChatRequestOf(Mode::kTee, 1);
  std::string reason;
  EXPECT_EQ(StatusOf(req, Signed(req, 7, 11), &reason), "INVALID");
  EXPECT_EQ(reason, "model " + kChatModel + " does not offer mode TEE");
  ExpectUntouched(req);
}

TEST_F(ChatClaimsTest, DuplicateChatClaimChargedOnce) {
  SetUpChat();
  auto req = ChatRequestOf(Mode::kVanilla, 1);
  auto claim = ChatClaimOf(req, Signed(req, 7, 11));
  auto r = Submit({claim, claim});
  ASSERT_TRUE(r.status.ok()) << r.status.log;
  std::vector<std::string> statuses;
  for (const auto& ev : r.events) {
    if (ev.type() == "vinet.claim") statuses.push_back(Attr(ev, "status"));
  }
  EXPECT_EQ(statuses, (std::vector<std::string>{"SETTLED", "DUPLICATE"}));
  EXPECT_EQ(Account(client_).balance(), 1'000u - 72);
}

// Claim preparation runs on several threads: the result of each claim of a
// mixed batch (chat and tensor, valid and forged) must not depend on the split.
TEST_F(ChatClaimsTest, PreparationIsTheSameWhateverTheThreads) {
  SetUpChat();
  txpb::SubmitClaims batch;
  for (uint64_t i = 0; i < 200; ++i) {
    if (i % 2 == 0) {
      auto req = ChatRequestOf(i % 4 == 0 ? Mode::kTee : Mode::kVanilla, i);
      auto receipt = Signed(req, 7, static_cast<uint32_t>(i));
      if (i % 20 == 0) (*receipt.enclave_signature)[1] ^= 1;
      *batch.add_claims() = ChatClaimOf(req, receipt);
    } else {
      auto req = Request(Mode::kTee, i);
      *batch.add_claims() = ClaimOf(req, ReceiptFor(req, &enclave_));
    }
  }
  auto one = PrepareClaims(batch, {}, 1).claims;
  auto four = PrepareClaims(batch, {}, 4).claims;
  ASSERT_EQ(one.size(), four.size());
  int chat = 0, bad = 0;
  for (size_t i = 0; i < one.size(); ++i) {
    EXPECT_EQ(one[i].id, four[i].id);
    EXPECT_EQ(one[i].receipt, four[i].receipt);
    EXPECT_EQ(one[i].chat_receipt, four[i].chat_receipt);
    EXPECT_EQ(one[i].enclave_signature_ok, four[i].enclave_signature_ok) << i;
    EXPECT_EQ(one[i].receipt_error, four[i].receipt_error);
    chat += one[i].chat_receipt.has_value();
    bad += one[i].chat_receipt && one[i].chat_receipt->mode == Mode::kTee &&
           !one[i].enclave_signature_ok;
  }
  EXPECT_EQ(chat, 100);
  EXPECT_EQ(bad, 10);  // i = 0, 20, ..., 180
}

}  // namespace
}  // namespace vinet::chain
