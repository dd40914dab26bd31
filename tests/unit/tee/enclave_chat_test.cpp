// Chat over the enclave socket with the emulator and the fake runner: a whole
// stream that verifies against the attested key, "stop" mid-stream (the
// receipt covers exactly the chunks asked), and the errors of the protocol.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "enclave_fixture.h"
#include "fake_chat_runner.h"
#include "vinet/tee/enclave_server.h"

namespace vinet::tee {
namespace {

namespace fs = std::filesystem;
using testing::FakeChatRunner;
using testing::kFakeChatModel;

fs::path SocketPath() {
  static int n = 0;
  return fs::temp_directory_path() /
         ("vinet-chat-" + std::to_string(::getpid()) + "-" + std::to_string(++n) + ".sock");
}

struct ChatEnclave {
  testing::TestEnclave te = testing::MakeTestEnclave(false, std::make_unique<FakeChatRunner>());
  fs::path path = SocketPath();
  EnclaveServer server{*te.enclave, path};
  crypto::SecretKey client = crypto::SecretKey::Generate();
  crypto::SecretKey node = crypto::SecretKey::Generate();

  ChatAnswerInput Input(const std::string& message, uint32_t max_tokens = 100,
                        protocol::Mode mode = protocol::Mode::kTee) {
    ChatAnswerInput in;
    in.request.model_id = kFakeChatModel;
    in.request.messages = {{"user", message}};
    in.request.max_tokens = max_tokens;
    in.request.seed = 3;
    protocol::InferenceRequest r;
    r.chain_id = "vinet-test";
    r.node_pubkey = node.public_key();
    r.max_fee = 1000;
    r.nonce = 9;
    r.timestamp_ms = 1000;
    r.expires_ms = 2000;
    r.kind = protocol::PayloadKind::kChat;
    r.model_id = kFakeChatModel;
    r.mode = mode;
    auto h = protocol::ChatRequestHash(in.request);
    r.input_hash = Bytes(h.begin(), h.end());
    in.signed_request = protocol::SignRequest(r, client);
    in.node_id = node.public_key();
    return in;
  }
};

crypto::PublicKey KeyOf(const Bytes& b) {
  crypto::PublicKey k{};
  std::copy(b.begin(), b.end(), k.begin());
  return k;
}

TEST(EnclaveChat, WholeStreamVerifiesAgainstTheEnclaveKey) {
  ChatEnclave ce;
  ASSERT_TRUE(ce.server.Start().ok());
  auto client = EnclaveClient::Connect(ce.path);
  ASSERT_TRUE(client.ok());
  auto info = client->Info();
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  ASSERT_EQ(info->chat_models.size(), 1u);
  EXPECT_EQ(info->chat_models[0].model_id, kFakeChatModel);
  EXPECT_EQ(info->chat_models[0].context, 4096u);

  auto in = ce.Input("tok 7");
  auto stream = EnclaveChatStream::Open(ce.path, in);
  ASSERT_TRUE(stream.ok()) << stream.status().ToString();
  protocol::ChatStreamVerifier v(protocol::InferenceId(in.signed_request),
                                 KeyOf(info->enclave_key));
  std::optional<protocol::ChatReceipt> receipt;
  while (!receipt) {
    auto item = stream->Next();
    ASSERT_TRUE(item.ok()) << item.status().ToString();
    if (auto* c = std::get_if<protocol::ChatChunk>(&*item)) {
      ASSERT_TRUE(v.Accept(*c).ok());
    } else {
      receipt = std::get<protocol::ChatReceipt>(*item);
    }
  }
  EXPECT_TRUE(stream->done());
  EXPECT_EQ(v.chunks(), 7u);
  EXPECT_TRUE(v.Finish(*receipt).ok());
  EXPECT_EQ(receipt->finish_reason, "stop");
  EXPECT_EQ(v.text(), "w0 w1 w2 w3 w4 w5 w6 ");
  EXPECT_TRUE(protocol::VerifyChatEnclaveSignature(*receipt).ok());
  EXPECT_EQ(*receipt->enclave_key, info->enclave_key);
  EXPECT_EQ(stream->Next().status().code(), Code::kInvalidArgument);  // over
  EXPECT_EQ(stream->Stop(3).status().code(), Code::kInvalidArgument);
}

TEST(EnclaveChat, StopMidStreamCoversExactlyTheChunksAsked) {
  ChatEnclave ce;
  ASSERT_TRUE(ce.server.Start().ok());
  // An answer far longer than the socket buffers: the enclave cannot finish
  // it before the stop is read, since nobody drains the chunks until then.
  auto in = ce.Input("tok 60000", 60000);
  auto stream = EnclaveChatStream::Open(ce.path, in);
  ASSERT_TRUE(stream.ok());
  std::vector<protocol::ChatChunk> got;
  for (int i = 0; i < 3; ++i) {
    auto item = stream->Next();
    ASSERT_TRUE(item.ok()) << item.status().ToString();
    got.push_back(std::get<protocol::ChatChunk>(*item));
  }
  auto receipt = stream->Stop(2);
  ASSERT_TRUE(receipt.ok()) << receipt.status().ToString();
  EXPECT_EQ(receipt->chunks, 2u);
  EXPECT_EQ(receipt->finish_reason, "cancelled");
  EXPECT_EQ(receipt->completion_tokens, 2u);
  protocol::ChatStreamVerifier v(protocol::InferenceId(in.signed_request),
                                 KeyOf(*receipt->enclave_key));
  ASSERT_TRUE(v.Accept(got[0]).ok());
  ASSERT_TRUE(v.Accept(got[1]).ok());
  EXPECT_TRUE(v.Finish(*receipt).ok());
  EXPECT_TRUE(protocol::VerifyChatEnclaveSignature(*receipt).ok());
}

TEST(EnclaveChat, ProtocolErrors) {
  ChatEnclave ce;
  ASSERT_TRUE(ce.server.Start().ok());
  {  // VANILLA is not the enclave's to answer
    auto stream =
        EnclaveChatStream::Open(ce.path, ce.Input("tok 2", 100, protocol::Mode::kVanilla));
    ASSERT_TRUE(stream.ok());
    auto item = stream->Next();
    ASSERT_FALSE(item.ok());
    EXPECT_NE(item.status().message().find("TEE"), std::string::npos) << item.status().message();
  }
  {  // a forged request
    auto in = ce.Input("tok 2");
    in.signed_request.signature[0] ^= 1;
    auto stream = EnclaveChatStream::Open(ce.path, in);
    ASSERT_TRUE(stream.ok());
    auto item = stream->Next();
    ASSERT_FALSE(item.ok());
    // The request's fault: its code passes through (refusal.h).
    EXPECT_EQ(item.status().code(), Code::kUnauthenticated) << item.status().ToString();
    EXPECT_NE(item.status().message().find("does not verify"), std::string::npos)
        << item.status().message();
  }
  auto client = EnclaveClient::Connect(ce.path);
  ASSERT_TRUE(client.ok());
  for (const char* bad :
       {R"({"method":"stop","chunks":1})", R"({"method":"chat"})",
        R"({"method":"chat","node_id":"zz"})", R"({"method":"chat","node_id":7,"request":[]})"}) {
    auto reply = client->Call(bad);
    ASSERT_TRUE(reply.ok()) << bad;  // the connection stays open
    EXPECT_NE(reply->find("\"ok\":false"), std::string::npos) << bad << " → " << *reply;
  }
  // During a stream only "stop" is accepted.
  auto in = ce.Input("tok 60000", 60000);
  ASSERT_TRUE(client->Send(ChatRequestFrame(in)).ok());
  ASSERT_TRUE(client->Send(R"({"method":"info"})").ok());
  bool ended_with_error = false;
  for (int i = 0; i < 70000 && !ended_with_error; ++i) {
    auto frame = client->Receive();
    ASSERT_TRUE(frame.ok());
    ASSERT_EQ(frame->find("\"receipt\""), std::string::npos) << "stream must not complete";
    ended_with_error = frame->find("\"ok\":false") != std::string::npos;
  }
  EXPECT_TRUE(ended_with_error);
}

TEST(EnclaveChat, ChatFrameRoundTrips) {
  ChatEnclave ce;
  auto in = ce.Input("hello", 50);
  in.max_completion = 17;
  auto back = ChatRequestFromJson(ChatRequestFrame(in));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->signed_request, in.signed_request);
  EXPECT_EQ(back->request, in.request);
  EXPECT_EQ(back->node_id, in.node_id);
  EXPECT_EQ(back->max_completion, 17u);
}

}  // namespace
}  // namespace vinet::tee
