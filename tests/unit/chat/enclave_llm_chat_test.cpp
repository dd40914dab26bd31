// The enclave serving a real GGUF model (tiny llama) over its socket with the
// emulator: a whole chat stream verified against the enclave key, whose
// tokens a replay (PromptFor + SamplingFor + llm::Generate) reproduces; and
// the measurement (PCR0 / configuration) covering the GGUF file's bytes.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "unit/llm/tiny_models.h"
#include "unit/tee/enclave_fixture.h"
#include "vinet/chat/llm_chat_runner.h"
#include "vinet/tee/enclave_server.h"

namespace vinet::chat {
namespace {

namespace fs = std::filesystem;
using llm::testing::TinyModel;

TEST(EnclaveLlmChat, StreamsAVerifiableReplayableAnswer) {
  auto runner = std::make_unique<LlmChatRunner>();
  ASSERT_TRUE(runner->AddFile(TinyModel("llama_q8_0")).ok());
  LlmChatRunner* raw = runner.get();
  const std::string model_id = raw->ChatModels()[0].model_id;
  auto te = tee::testing::MakeTestEnclave(false, std::move(runner));
  fs::path path =
      fs::temp_directory_path() / ("vinet-llmchat-" + std::to_string(::getpid()) + ".sock");
  tee::EnclaveServer server(*te.enclave, path);
  ASSERT_TRUE(server.Start().ok());
  auto info = tee::EnclaveClient::Connect(path).value().Info();
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  ASSERT_EQ(info->chat_models.size(), 1u);
  EXPECT_EQ(info->chat_models[0].model_id, model_id);

  auto client = crypto::SecretKey::Generate(), node = crypto::SecretKey::Generate();
  tee::ChatAnswerInput in;
  in.request.model_id = model_id;
  in.request.messages = {{"user", "Say something <|im_end|> please"}};
  in.request.max_tokens = 10;
  in.request.temperature = 0.7f;
  in.request.seed = 5;
  protocol::InferenceRequest r;
  r.chain_id = "vinet-test";
  r.node_pubkey = node.public_key();
  r.max_fee = 1;
  r.timestamp_ms = 1;
  r.expires_ms = 2;
  r.kind = protocol::PayloadKind::kChat;
  r.model_id = model_id;
  r.mode = protocol::Mode::kTee;
  auto h = protocol::ChatRequestHash(in.request);
  r.input_hash = Bytes(h.begin(), h.end());
  in.signed_request = protocol::SignRequest(r, client);
  in.node_id = node.public_key();

  auto stream = tee::EnclaveChatStream::Open(path, in);
  ASSERT_TRUE(stream.ok()) << stream.status().ToString();
  crypto::PublicKey ekey{};
  std::copy(info->enclave_key.begin(), info->enclave_key.end(), ekey.begin());
  protocol::ChatStreamVerifier v(protocol::InferenceId(in.signed_request), ekey);
  std::optional<protocol::ChatReceipt> receipt;
  while (!receipt) {
    auto item = stream->Next();
    ASSERT_TRUE(item.ok()) << item.status().ToString();
    if (auto* c = std::get_if<protocol::ChatChunk>(&*item))
      ASSERT_TRUE(v.Accept(*c).ok());
    else
      receipt = std::get<protocol::ChatReceipt>(*item);
  }
  ASSERT_TRUE(v.Finish(*receipt).ok());
  ASSERT_TRUE(protocol::VerifyChatEnclaveSignature(*receipt).ok());
  EXPECT_GT(receipt->completion_tokens, 0u);
  EXPECT_EQ(receipt->seed, 5u);

  // Replay from the model file, the canonical request and the seed.
  auto model = llm::Model::Load(TinyModel("llama_q8_0"));
  ASSERT_TRUE(model.ok());
  auto prompt = PromptFor(**model, in.request);
  ASSERT_TRUE(prompt.ok());
  EXPECT_EQ(prompt->size(), receipt->prompt_tokens);
  auto session = llm::Session::Create(**model, {.n_ctx = 0});  // the model's context
  ASSERT_TRUE(session.ok()) << session.status().ToString();
  protocol::ChatRequest replay_req = in.request;
  replay_req.seed = receipt->seed;
  auto g = llm::Generate(**session, *prompt, SamplingFor(replay_req));
  ASSERT_TRUE(g.ok());
  auto th = protocol::TokensHash(g->tokens);
  EXPECT_EQ(receipt->tokens_hash, Bytes(th.begin(), th.end()));
  auto xh = crypto::Sha256(AsBytes(ValidUtf8(g->text)));  // the chat text is valid UTF-8
  EXPECT_EQ(receipt->text_hash, Bytes(xh.begin(), xh.end()));
  // And the replay through a runner of its own gives the receipt's hashes.
  LlmChatRunner replayer;
  ASSERT_TRUE(replayer.AddFile(TinyModel("llama_q8_0")).ok());
  auto again = replayer.Run(replay_req, receipt->completion_tokens, {});
  ASSERT_TRUE(again.ok());
  auto th2 = protocol::TokensHash(again->tokens);
  auto xh2 = crypto::Sha256(AsBytes(again->text));
  EXPECT_EQ(receipt->tokens_hash, Bytes(th2.begin(), th2.end()));
  EXPECT_EQ(receipt->text_hash, Bytes(xh2.begin(), xh2.end()));
}

TEST(EnclaveLlmChat, MeasurementCoversTheGgufBytes) {
  llm::testing::TempDir dir;
  fs::path bin = TinyModel("llama_f32");  // any file stands for the binary here
  auto empty = tee::MeasureEnclave(bin, dir.path(), false);
  ASSERT_TRUE(empty.ok());
  fs::copy_file(TinyModel("llama_q8_0"), dir.path() / "chat.gguf");
  auto with = tee::MeasureEnclave(bin, dir.path(), false);
  ASSERT_TRUE(with.ok());
  EXPECT_NE(with->image, empty->image);
  LlmChatRunner runner;
  ASSERT_EQ(runner.AddDirectory(dir.path()).value(), 1u);
  const std::string id = runner.ChatModels()[0].model_id;
  EXPECT_NE(with->config.find("model chat.gguf " + id + "\n"), std::string::npos) << with->config;
  // One changed byte of the model changes PCR0.
  {
    std::fstream f(dir.path() / "chat.gguf", std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(-1, std::ios::end);
    char c = 0;
    f.read(&c, 1);
    f.seekp(-1, std::ios::end);
    c = static_cast<char>(c ^ 1);
    f.write(&c, 1);
  }
  auto changed = tee::MeasureEnclave(bin, dir.path(), false);
  ASSERT_TRUE(changed.ok());
  EXPECT_NE(changed->image, with->image);
  EXPECT_NE(changed->config_hash, with->config_hash);
}

}  // namespace
}  // namespace vinet::chat
