// ChatTemplate against the reference Jinja templates: for every recorded
// conversation (tests/data/llm/chat_templates.json, made by
// record_chat_fixtures.py with jinja2), Render gives the same text, or an
// error where the template raises. Plus detection, refusals and SmolLM2's
// real template.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "llm/chat/text.h"
#include "unit/llm/llm_test_env.h"
#include "vinet/llm/chat_template.h"
#include "vinet/llm/gguf.h"
#include "vinet/llm/tokenizer.h"

namespace vinet::llm {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

json LoadFixtures() {
  std::ifstream f(std::string(VINET_SOURCE_DIR) + "/tests/data/llm/chat_templates.json");
  EXPECT_TRUE(f.good()) << "missing tests/data/llm/chat_templates.json";
  return json::parse(f);
}

// A vocabulary with every special token the families use; BOS and EOS as the
// fixture names them.
Vocab TestVocab(const std::string& bos, const std::string& eos) {
  Vocab v;
  v.tokens = {"<unk>",
              bos,
              eos,
              "<|im_start|>",
              "<|im_end|>",
              "<|start_header_id|>",
              "<|end_header_id|>",
              "<|eot_id|>",
              "<start_of_turn>",
              "<end_of_turn>",
              "a"};
  v.bos = 1;
  v.eos = 2;
  return v;
}

std::vector<ChatMessage> Messages(const json& j) {
  std::vector<ChatMessage> out;
  for (const auto& m : j) out.push_back({m["role"], m["content"]});
  return out;
}

TEST(ChatTemplate, RendersWhatTheReferenceJinjaTemplatesRender) {
  json fx = LoadFixtures();
  size_t rendered = 0, refused = 0;
  std::set<std::string> families;
  for (const auto& c : fx["cases"]) {
    std::string name = c["template"];
    const json& t = fx["templates"][name];
    auto tmpl = ChatTemplate::Detect(t["source"].get<std::string>(), TestVocab(t["bos"], t["eos"]));
    ASSERT_TRUE(tmpl.ok()) << name << ": " << tmpl.status().ToString();
    ASSERT_EQ(tmpl->family_name(), t["family"].get<std::string>()) << name;
    families.insert(std::string(tmpl->family_name()));
    auto msgs = Messages(c["messages"]);
    auto out = tmpl->Render(msgs, c["add_generation_prompt"].get<bool>());
    std::string where = name + "/" + c["conversation"].get<std::string>() +
                        (c["add_generation_prompt"].get<bool>() ? "+gen" : "");
    if (c.contains("expected")) {
      ASSERT_TRUE(out.ok()) << where << ": " << out.status().ToString();
      EXPECT_EQ(*out, c["expected"].get<std::string>()) << where;
      ++rendered;
    } else {
      ASSERT_FALSE(out.ok()) << where << ": rendered, but the template raises '"
                             << c["jinja_error"].get<std::string>() << "'";
      EXPECT_EQ(out.status().code(), Code::kInvalidArgument) << where;
      ++refused;
    }
  }
  EXPECT_EQ(families.size(), 5u);
  EXPECT_GE(rendered, 70u);
  EXPECT_GE(refused, 20u);
}

TEST(ChatTemplate, EndOfTurnAndDefaultSystemPerFamily) {
  json fx = LoadFixtures();
  const std::map<std::string, std::string> eot = {
      {"smollm2", "<|im_end|>"}, {"chatml", "<|im_end|>"}, {"llama3", "<|eot_id|>"},
      {"llama2", "</s>"},        {"mistral", "</s>"},      {"gemma", "<end_of_turn>"}};
  for (const auto& [name, want] : eot) {
    const json& t = fx["templates"][name];
    auto tmpl = ChatTemplate::Detect(t["source"].get<std::string>(), TestVocab(t["bos"], t["eos"]));
    ASSERT_TRUE(tmpl.ok()) << tmpl.status().ToString();
    EXPECT_EQ(tmpl->end_of_turn(), want) << name;
    EXPECT_EQ(tmpl->default_system().empty(), name != "smollm2") << name;
  }
}

TEST(ChatTemplate, ValidatesMessages) {
  json fx = LoadFixtures();
  const json& t = fx["templates"]["smollm2"];
  auto tmpl = ChatTemplate::Detect(t["source"].get<std::string>(), TestVocab(t["bos"], t["eos"]));
  ASSERT_TRUE(tmpl.ok());
  std::vector<ChatMessage> none;
  EXPECT_EQ(tmpl->Render(none).status().code(), Code::kInvalidArgument);
  std::vector<ChatMessage> tool = {{"user", "hi"}, {"tool", "42"}};
  auto r = tmpl->Render(tool);
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr("messages[1]: unknown role 'tool'"));
  const json& g = fx["templates"]["gemma"];
  auto gemma = ChatTemplate::Detect(g["source"].get<std::string>(), TestVocab(g["bos"], g["eos"]));
  ASSERT_TRUE(gemma.ok());
  std::vector<ChatMessage> sys = {{"system", "x"}, {"user", "hi"}};
  EXPECT_THAT(gemma->Render(sys).status().message(), HasSubstr("no system role"));
  std::vector<ChatMessage> twice = {{"user", "a"}, {"user", "b"}};
  EXPECT_THAT(gemma->Render(twice).status().message(),
              HasSubstr("messages[1]: assistant expected"));
}

TEST(ChatTemplate, RefusesUnknownTemplatesAndVariants) {
  Vocab v = TestVocab("<s>", "</s>");
  auto unknown = ChatTemplate::Detect("{{ '### Human: ' + message }}", v);
  EXPECT_EQ(unknown.status().code(), Code::kUnsupported);
  EXPECT_THAT(unknown.status().message(), HasSubstr("unrecognised chat template"));
  EXPECT_THAT(unknown.status().message(), HasSubstr("### Human"));
  auto llama31 = ChatTemplate::DetectFamily(
      "{{- bos_token }}<|start_header_id|>system<|end_header_id|>Cutting Knowledge Date: "
      "December 2023<|eot_id|>");
  EXPECT_EQ(llama31.status().code(), Code::kUnsupported);
  EXPECT_THAT(llama31.status().message(), HasSubstr("Llama 3.1+"));
  auto gemma3 = ChatTemplate::DetectFamily("{{ bos_token }}<start_of_turn>user first_user_prefix");
  EXPECT_THAT(gemma3.status().message(), HasSubstr("Gemma 3"));
  auto mistral3 =
      ChatTemplate::DetectFamily("{{ bos_token }}[INST]{{ message['content'] }}[/INST]");
  EXPECT_THAT(mistral3.status().message(), HasSubstr("Mistral variant"));
  EXPECT_EQ(ChatTemplate::DetectFamily("").status().code(), Code::kNotFound);
}

TEST(ChatTemplate, NeedsTheFamilysTokens) {
  json fx = LoadFixtures();
  Vocab bare;
  bare.tokens = {"<unk>", "a", "b"};
  for (const char* name : {"chatml", "llama3", "gemma"}) {
    auto r = ChatTemplate::Detect(fx["templates"][name]["source"].get<std::string>(), bare);
    EXPECT_EQ(r.status().code(), Code::kUnsupported) << name;
    EXPECT_THAT(r.status().message(), HasSubstr("not in the vocabulary")) << name;
  }
  auto r = ChatTemplate::Detect(fx["templates"]["mistral"]["source"].get<std::string>(), bare);
  EXPECT_THAT(r.status().message(), HasSubstr("needs a BOS token"));
  // No template at all: ChatML only when the vocabulary has its tokens.
  EXPECT_EQ(ChatTemplate::Detect("", bare).status().code(), Code::kUnsupported);
  auto chatml = ChatTemplate::Detect("", TestVocab("<s>", "</s>"));
  ASSERT_TRUE(chatml.ok()) << chatml.status().ToString();
  EXPECT_EQ(chatml->family(), ChatFamily::kChatML);
  EXPECT_TRUE(chatml->default_system().empty());
}

TEST(ChatTemplate, SmolLM2FileTemplate) {
  auto path = testing::SmolLM2Path();
  ASSERT_TRUE(path.ok()) << path.status().ToString();
  auto f = GgufFile::Open(*path);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  Vocab v;
  auto tokens = f->GetStringArray("tokenizer.ggml.tokens");
  ASSERT_TRUE(tokens.ok()) << tokens.status().ToString();
  const std::vector<std::string_view>& views = tokens.value();
  v.tokens.assign(views.begin(), views.end());
  v.bos = static_cast<int32_t>(*f->GetUint("tokenizer.ggml.bos_token_id"));
  v.eos = static_cast<int32_t>(*f->GetUint("tokenizer.ggml.eos_token_id"));
  auto source = f->GetString("tokenizer.chat_template");
  ASSERT_TRUE(source.ok());
  auto t = ChatTemplate::Detect(*source, v);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->family(), ChatFamily::kChatML);
  EXPECT_EQ(t->default_system(),
            "You are a helpful AI assistant named SmolLM, trained by Hugging Face");
  EXPECT_EQ(v.tokens[v.eos], t->end_of_turn());  // <|im_end|> is SmolLM2's EOS
  std::vector<ChatMessage> q = {{"user", "What is 2+2?"}};
  EXPECT_EQ(*t->Render(q),
            "<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging "
            "Face<|im_end|>\n<|im_start|>user\nWhat is 2+2?<|im_end|>\n<|im_start|>assistant\n");
}

TEST(ChatTemplate, SmolLM2WithItsTokenizer) {
  auto path = testing::SmolLM2Path();
  ASSERT_TRUE(path.ok()) << path.status().ToString();
  auto f = GgufFile::Open(*path);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  auto vocab = ReadVocab(*f);
  ASSERT_TRUE(vocab.ok()) << vocab.status().ToString();
  auto tok = Tokenizer::Create(std::move(vocab).value());
  ASSERT_TRUE(tok.ok()) << tok.status().ToString();
  auto t = ChatTemplate::Detect(*f->GetString("tokenizer.chat_template"), *tok);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->family(), ChatFamily::kChatML);
  std::vector<ChatMessage> q = {{"system", "Be brief."}, {"user", "Hi"}};
  auto prompt = t->Render(q);
  ASSERT_TRUE(prompt.ok()) << prompt.status().ToString();
  // The markers become single control tokens; the turn ends with EOS.
  std::vector<int32_t> ids = tok->Encode(*prompt, /*add_bos=*/false, /*parse_special=*/true);
  int32_t start = tok->Find("<|im_start|>"), end = tok->Find(t->end_of_turn());
  ASSERT_GE(start, 0);
  ASSERT_GE(end, 0);
  EXPECT_EQ(std::count(ids.begin(), ids.end(), start), 3);
  EXPECT_EQ(std::count(ids.begin(), ids.end(), end), 2);
  EXPECT_TRUE(tok->IsEndOfGeneration(end));
  EXPECT_EQ(tok->Decode(ids, /*render_special=*/true), *prompt);
}

TEST(ChatText, PyStripMatchesPythonWhitespace) {
  using chat_internal::PyStrip;
  EXPECT_EQ(PyStrip("  a b \n"), "a b");
  EXPECT_EQ(PyStrip("\xc2\xa0x\xe3\x80\x80"), "x");              // U+00A0, U+3000
  EXPECT_EQ(PyStrip("\x1c\x1fx\xe2\x80\x83\xe2\x80\xa8"), "x");  // U+001C/F, U+2003, U+2028
  EXPECT_EQ(PyStrip("\xe2\x80\x8bx"), "\xe2\x80\x8bx");          // U+200B is not whitespace
  EXPECT_EQ(PyStrip("\xc2x"), "\xc2x");                          // invalid UTF-8 kept
  EXPECT_EQ(PyStrip(" \xa0"), "\xa0");                           // a lone 0xA0 byte is not U+00A0
  EXPECT_EQ(PyStrip(" \t\r\n"), "");
  EXPECT_EQ(chat_internal::UnescapeLiteral("a\\nb\\'c\\\\d\\x"), "a\nb'c\\d\\x");
}

}  // namespace
}  // namespace vinet::llm
