// LlmChatRunner on the tiny GGUF models: model ids, deterministic replay
// (same request and seed → same tokens_hash, through the runner and through
// SamplingFor/PromptFor + llm::Generate), thread counts that do not change a
// bit, deltas that add up, cancellation, caps and context errors.
#include "vinet/chat/llm_chat_runner.h"

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "unit/llm/tiny_models.h"
#include "vinet/llm/generate.h"
#include "vinet/protocol/chat_receipt.h"

namespace vinet::chat {
namespace {

using llm::testing::TinyModel;

std::string FileId(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ToHex(crypto::Sha256(AsBytes(ss.str())));
}

protocol::ChatRequest Request(const std::string& model_id, uint64_t seed = 11) {
  protocol::ChatRequest r;
  r.model_id = model_id;
  r.messages = {{"system", "Be brief."}, {"user", "hello there"}};
  r.max_tokens = 12;
  r.temperature = 0.9f;
  r.top_p = 0.95f;
  r.top_k = 40;
  r.seed = seed;
  return r;
}

struct Ran {
  tee::ChatOutcome outcome;
  std::vector<int32_t> delta_tokens;
  std::string delta_text;
};

Ran RunOnce(LlmChatRunner& runner, const protocol::ChatRequest& req, uint32_t cap = 0) {
  Ran ran;
  auto out = runner.Run(req, cap == 0 ? req.max_tokens : cap, [&](const tee::ChatDelta& d) {
    ran.delta_tokens.insert(ran.delta_tokens.end(), d.tokens.begin(), d.tokens.end());
    ran.delta_text += d.text;
    return true;
  });
  EXPECT_TRUE(out.ok()) << out.status().ToString();
  if (out.ok()) ran.outcome = std::move(out).value();
  return ran;
}

TEST(LlmChatRunner, ListsModelsByFileHash) {
  LlmChatRunner runner;
  ASSERT_TRUE(runner.AddFile(TinyModel("llama_f32")).ok());
  ASSERT_TRUE(runner.AddFile(TinyModel("qwen2_q8_0")).ok());
  auto models = runner.ChatModels();
  ASSERT_EQ(models.size(), 2u);
  std::set<std::string> ids = {models[0].model_id, models[1].model_id};
  EXPECT_TRUE(ids.count(FileId(TinyModel("llama_f32"))));
  EXPECT_TRUE(ids.count(FileId(TinyModel("qwen2_q8_0"))));
  EXPECT_GT(models[0].context, 0u);
  Status again = runner.AddFile(TinyModel("llama_f32"));
  EXPECT_EQ(again.code(), Code::kAlreadyExists);
  EXPECT_NE(runner.Find(models[0].model_id), nullptr);
  EXPECT_EQ(runner.Find("nope"), nullptr);
}

TEST(LlmChatRunner, SameRequestAndSeedReplayToTheSameTokens) {
  LlmChatRunner runner;
  ASSERT_TRUE(runner.AddFile(TinyModel("llama_q8_0")).ok());
  const std::string id = FileId(TinyModel("llama_q8_0"));
  auto req = Request(id);
  Ran a = RunOnce(runner, req), b = RunOnce(runner, req);
  ASSERT_FALSE(a.outcome.tokens.empty());
  EXPECT_EQ(a.outcome.tokens, b.outcome.tokens);
  EXPECT_EQ(a.outcome.text, b.outcome.text);
  EXPECT_EQ(a.outcome.seed, 11u);
  // The deltas add up to the outcome.
  EXPECT_EQ(a.delta_tokens, a.outcome.tokens);
  EXPECT_EQ(a.delta_text, a.outcome.text);
  // The replay path: the shared mapping + the engine directly.
  const llm::Model* model = runner.Find(id);
  ASSERT_NE(model, nullptr);
  auto prompt = PromptFor(*model, req);
  ASSERT_TRUE(prompt.ok());
  EXPECT_EQ(prompt->size(), a.outcome.prompt_tokens);
  auto pt = runner.PromptTokens(req);
  ASSERT_TRUE(pt.ok());
  EXPECT_EQ(*pt, a.outcome.prompt_tokens);
  auto session = llm::Session::Create(*model, {.n_ctx = 0});  // the model's context
  ASSERT_TRUE(session.ok()) << session.status().ToString();
  auto g = llm::Generate(**session, *prompt, SamplingFor(req));
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_EQ(llm::HashTokens(g->tokens), protocol::TokensHash(a.outcome.tokens));
  EXPECT_EQ(ValidUtf8(g->text), a.outcome.text);
  // Another seed samples another answer (at temperature 0.9 over 12 tokens).
  Ran c = RunOnce(runner, Request(id, 12345));
  EXPECT_NE(c.outcome.tokens, a.outcome.tokens);
}

TEST(LlmChatRunner, OneOrTwoThreadsGiveTheSameBits) {
  LlmChatRunnerOptions one, two;
  two.threads = 2;
  LlmChatRunner r1(one), r2(two);
  ASSERT_TRUE(r1.AddFile(TinyModel("llama_q4_k")).ok());
  ASSERT_TRUE(r2.AddFile(TinyModel("llama_q4_k")).ok());
  auto req = Request(FileId(TinyModel("llama_q4_k")));
  Ran a = RunOnce(r1, req), b = RunOnce(r2, req);
  ASSERT_FALSE(a.outcome.tokens.empty());
  EXPECT_EQ(a.outcome.tokens, b.outcome.tokens);
  EXPECT_EQ(a.outcome.text, b.outcome.text);
}

TEST(LlmChatRunner, ConcurrentCallsAreIndependent) {
  LlmChatRunnerOptions o;
  o.max_concurrent = 2;
  LlmChatRunner runner(o);
  ASSERT_TRUE(runner.AddFile(TinyModel("llama_f16")).ok());
  auto req = Request(FileId(TinyModel("llama_f16")));
  Ran alone = RunOnce(runner, req);
  std::vector<Ran> got(3);
  std::vector<std::thread> threads;
  for (int i = 0; i < 3; ++i) threads.emplace_back([&, i] { got[i] = RunOnce(runner, req); });
  for (auto& t : threads) t.join();
  for (const Ran& r : got) EXPECT_EQ(r.outcome.tokens, alone.outcome.tokens);
}

TEST(LlmChatRunner, CapCancelAndErrors) {
  LlmChatRunnerOptions o;
  o.context = 64;
  LlmChatRunner runner(o);
  ASSERT_TRUE(runner.AddFile(TinyModel("llama_f32")).ok());
  const std::string id = FileId(TinyModel("llama_f32"));
  EXPECT_EQ(runner.ChatModels()[0].context, 64u);
  {  // the cap
    auto req = Request(id);
    req.max_tokens = 30;
    Ran r = RunOnce(runner, req, 3);
    EXPECT_LE(r.outcome.tokens.size(), 3u);
    if (r.outcome.finish_reason == "length") {
      EXPECT_EQ(r.outcome.tokens.size(), 3u);
    }
  }
  {  // cancellation from the callback
    auto req = Request(id);
    int calls = 0;
    auto out = runner.Run(req, req.max_tokens, [&](const tee::ChatDelta&) { return ++calls < 2; });
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    if (out->tokens.size() >= 2) {
      EXPECT_EQ(out->finish_reason, "cancelled");
    }
  }
  {  // prompt + max_tokens beyond the context: numbers in the message
    auto req = Request(id);
    req.max_tokens = 60;
    auto n = runner.PromptTokens(req);
    ASSERT_FALSE(n.ok());
    EXPECT_EQ(n.status().code(), Code::kOutOfRange);
    EXPECT_NE(n.status().message().find("context of 64"), std::string::npos)
        << n.status().message();
    auto out = runner.Run(req, 60, {});
    ASSERT_FALSE(out.ok());
    EXPECT_EQ(out.status().code(), Code::kOutOfRange);
  }
  {  // an unknown model
    auto req = Request("00");
    EXPECT_EQ(runner.PromptTokens(req).status().code(), Code::kNotFound);
  }
}

TEST(ValidUtf8, ReplacesMaximalIllFormedSubparts) {
  EXPECT_EQ(ValidUtf8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"),
            "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
  const std::string r = "\xef\xbf\xbd";
  EXPECT_EQ(ValidUtf8("a\xff"
                      "b"),
            "a" + r + "b");
  EXPECT_EQ(ValidUtf8("\xe2\x82"
                      "x"),
            r + "x");                                       // truncated 3-byte: one U+FFFD
  EXPECT_EQ(ValidUtf8("\xc0\xaf"), r + r);                  // overlong lead, stray continuation
  EXPECT_EQ(ValidUtf8("\xed\xa0\x80"), r + r + r);          // a surrogate
  EXPECT_EQ(ValidUtf8("\xf4\x90\x80\x80"), r + r + r + r);  // past U+10FFFF
  EXPECT_EQ(ValidUtf8("\xe2\x82"), r);                      // cut at the end
}

TEST(LlmChatRunner, SamplingForMapsEveryField) {
  protocol::ChatRequest r;
  r.max_tokens = 50;
  r.temperature = 0.25f;
  r.top_p = 0.5f;
  r.top_k = 7;
  r.seed = 99;
  r.stop = {"\n\n", "END"};
  llm::SamplingParams p = SamplingFor(r);
  EXPECT_EQ(p.temperature, 0.25f);
  EXPECT_EQ(p.top_p, 0.5f);
  EXPECT_EQ(p.top_k, 7u);
  EXPECT_EQ(p.seed, std::optional<uint64_t>(99));
  EXPECT_EQ(p.max_tokens, 50u);
  EXPECT_EQ(p.stop, r.stop);
  EXPECT_EQ(SamplingFor(r, 20).max_tokens, 20u);
  EXPECT_EQ(SamplingFor(r, 80).max_tokens, 50u);
}

}  // namespace
}  // namespace vinet::chat
