// Fixture for LLM chat claims (docs/chat.md): the inference fixture plus a
// registered gguf model (fee 3, price_in 2, price_out 5 unless changed)
// offering VANILLA and TEE, an enclave registered for it, and builders for
// chat requests (kind kChat, input_hash = ChatRequestHash of a real canonical
// request) and chat receipts signed with the protocol's own functions.
#pragma once

#include "unit/chain/inference_fixture.h"
#include "vinet/protocol/chat_receipt.h"
#include "vinet/protocol/chat_request.h"

namespace vinet::chain::testing {

inline const std::string kChatModel(64, 'c');  // stands for a GGUF file's SHA-256

class ChatFixture : public InferenceFixture {
 protected:
  txpb::TxBody ChatModelBody(uint64_t fee = 3, uint64_t price_in = 2, uint64_t price_out = 5,
                             std::string id = kChatModel) {
    auto b = ModelBody(std::move(id), {pcr0_}, fee);
    auto* m = b.mutable_register_model();
    m->set_format("gguf");
    m->set_price_per_input_token(price_in);
    m->set_price_per_output_token(price_out);
    return b;
  }

  // Node registered, the chat model registered, the enclave registered for it
  // (and for `more_models`, registered here as ONNX models).
  void SetUpChat(uint64_t fee = 3, uint64_t price_in = 2, uint64_t price_out = 5) {
    ASSERT_TRUE(RegisterNode().status.ok());
    auto r = Run(owner_, ChatModelBody(fee, price_in, price_out));
    ASSERT_TRUE(r.status.ok()) << r.status.log;
    r = Run(node_, EnclaveBody(Document(*provider_, enclave_.public_key(), 4), 4, kChatModel));
    ASSERT_TRUE(r.status.ok()) << r.status.log;
  }

  static protocol::ChatRequest Chat(std::string model_id = kChatModel) {
    protocol::ChatRequest c;
    c.model_id = std::move(model_id);
    c.messages = {{"user", "Say hi."}};
    c.max_tokens = 16;
    c.seed = 7;
    return c;
  }

  protocol::SignedRequest ChatRequestOf(protocol::Mode mode, uint64_t nonce, uint64_t max_fee = 500,
                                        std::string model_id = kChatModel) {
    protocol::InferenceRequest req;
    req.kind = protocol::PayloadKind::kChat;
    req.chain_id = std::string(kChain);
    req.model_id = model_id;
    req.mode = mode;
    auto h = protocol::ChatRequestHash(Chat(model_id));
    req.input_hash = Bytes(h.begin(), h.end());
    req.max_fee = max_fee;
    req.nonce = nonce;
    req.timestamp_ms = now_ms_;
    req.expires_ms = now_ms_ + 600'000;
    req.node_pubkey = node_.public_key();
    return protocol::SignRequest(req, client_);
  }

  // An unsigned receipt matching `req`; `Sign` adds the signatures.
  protocol::ChatReceipt ChatReceiptOf(const protocol::SignedRequest& req, uint32_t prompt,
                                      uint32_t completion) {
    protocol::ChatReceipt r;
    auto id = protocol::InferenceId(req);
    r.inference_id = Bytes(id.begin(), id.end());
    r.model_id = req.request.model_id;
    r.mode = req.request.mode;
    r.request_hash = req.request.input_hash;
    r.seed = 7;
    r.prompt_tokens = prompt;
    r.completion_tokens = completion;
    r.finish_reason = "stop";
    std::vector<int32_t> tokens(completion, 42);
    auto th = protocol::TokensHash(tokens);
    r.tokens_hash = Bytes(th.begin(), th.end());
    auto xh = crypto::Sha256(AsBytes(std::string("hi")));
    r.text_hash = Bytes(xh.begin(), xh.end());
    r.node_id = Bytes(node_.public_key().begin(), node_.public_key().end());
    r.chunks = completion;
    return r;
  }

  // `node` defaults to the fixture's node; it must be the receipt's node_id.
  void Sign(protocol::ChatReceipt& r, const crypto::SecretKey* enclave,
            const crypto::SecretKey* node = nullptr) {
    if (enclave) {
      r.enclave_key = Bytes(enclave->public_key().begin(), enclave->public_key().end());
      protocol::SignChatAsEnclave(r, *enclave);
    }
    EXPECT_TRUE(protocol::SignChatAsNode(r, node ? *node : node_).ok());
  }

  protocol::ChatReceipt Signed(const protocol::SignedRequest& req, uint32_t prompt,
                               uint32_t completion) {
    auto r = ChatReceiptOf(req, prompt, completion);
    Sign(r, req.request.mode == protocol::Mode::kTee ? &enclave_ : nullptr);
    return r;
  }

  static txpb::Claim ChatClaimOf(const protocol::SignedRequest& req,
                                 const protocol::ChatReceipt& r) {
    txpb::Claim c;
    c.mutable_request()->ParseFromString(ToString(protocol::EncodeSignedRequest(req)));
    c.set_receipt(ToString(protocol::EncodeChatReceipt(r)));
    return c;
  }
};

}  // namespace vinet::chain::testing
