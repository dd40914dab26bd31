// Tokenizers against llama.cpp's recorded tokenizations (tests/data/llm/,
// recorded by bench/llm/record_tokenizer.py), round trips, malformed
// vocabularies and hostile input.
#include <gtest/gtest.h>

#include <random>

#include "gguf_writer.h"
#include "llm/tokenizer/unicode.h"
#include "tokenizer_fixtures.h"
#include "vinet/llm/tokenizer.h"

namespace vinet::llm {
namespace {

using testing::FixtureVocab;
using testing::LoadTokFixture;

std::string Printable(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (c >= 0x20 && c < 0x7F) {
      out.push_back(static_cast<char>(c));
    } else {
      char buf[8];
      snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  return out;
}

class FixtureTest : public ::testing::TestWithParam<std::string> {};

TEST_P(FixtureTest, EncodeMatchesLlamaCpp) {
  auto fixture = LoadTokFixture(GetParam());
  ASSERT_TRUE(fixture.ok()) << fixture.status().ToString();
  auto vocab = FixtureVocab(GetParam());
  ASSERT_TRUE(vocab.ok()) << vocab.status().ToString();
  auto tok = Tokenizer::Create(*vocab);
  ASSERT_TRUE(tok.ok()) << tok.status().ToString();
  ASSERT_EQ(tok->size(), fixture->n_vocab);
  size_t compared = 0;
  for (const auto& c : fixture->cases) {
    for (size_t s = 0; s < fixture->settings.size(); ++s) {
      const auto [add_special, parse_special] = fixture->settings[s];
      EXPECT_EQ(tok->Encode(c.text, add_special, parse_special), c.ids[s])
          << "text \"" << Printable(c.text) << "\" add_special=" << add_special
          << " parse_special=" << parse_special;
      ++compared;
    }
  }
  EXPECT_GT(compared, 300u);
}

TEST_P(FixtureTest, PiecesAndEndOfGenerationMatchLlamaCpp) {
  auto fixture = LoadTokFixture(GetParam());
  ASSERT_TRUE(fixture.ok()) << fixture.status().ToString();
  auto vocab = FixtureVocab(GetParam());
  ASSERT_TRUE(vocab.ok()) << vocab.status().ToString();
  auto tok = Tokenizer::Create(*vocab);
  ASSERT_TRUE(tok.ok()) << tok.status().ToString();
  for (const auto& [id, piece] : fixture->pieces) {
    EXPECT_EQ(tok->Piece(id, false), piece.first) << "token " << id;
    EXPECT_EQ(tok->Piece(id, true), piece.second) << "token " << id;
  }
  std::vector<int32_t> eog;
  for (int32_t id = 0; id < tok->size(); ++id)
    if (tok->IsEndOfGeneration(id)) eog.push_back(id);
  EXPECT_EQ(eog, fixture->eog);
  EXPECT_FALSE(tok->IsEndOfGeneration(-1));
  EXPECT_FALSE(tok->IsEndOfGeneration(tok->size()));
}

TEST_P(FixtureTest, DecodeRoundTripsWhereLlamaCppDoes) {
  auto fixture = LoadTokFixture(GetParam());
  ASSERT_TRUE(fixture.ok()) << fixture.status().ToString();
  auto vocab = FixtureVocab(GetParam());
  ASSERT_TRUE(vocab.ok()) << vocab.status().ToString();
  auto tok = Tokenizer::Create(*vocab);
  ASSERT_TRUE(tok.ok()) << tok.status().ToString();
  size_t roundtrips = 0;
  for (const auto& c : fixture->cases) {
    for (size_t s = 0; s < fixture->settings.size(); ++s) {
      const auto& ids = c.ids[s];
      std::string pieces, rendered;
      for (int32_t id : ids) {
        pieces += tok->Piece(id);
        rendered += tok->Piece(id, true);
      }
      EXPECT_EQ(tok->Decode(ids), pieces);
      EXPECT_EQ(tok->Decode(ids, true), rendered);
    }
    const std::string decoded = tok->Decode(c.ids[0]);
    EXPECT_EQ(decoded == c.text, c.roundtrip)
        << "text \"" << Printable(c.text) << "\" decoded \"" << Printable(decoded) << "\"";
    if (c.roundtrip) ++roundtrips;
  }
  if (GetParam() != "spm") {
    EXPECT_GT(roundtrips, fixture->cases.size() * 4 / 5);  // most text round-trips
  }
}

INSTANTIATE_TEST_SUITE_P(LlamaCpp, FixtureTest,
                         ::testing::Values("smollm", "llama-bpe", "qwen2", "gpt-2", "default",
                                           "spm"),
                         [](const auto& info) {
                           std::string n = info.param;
                           for (char& c : n)
                             if (c == '-') c = '_';
                           return n;
                         });

TEST(TokenizerTest, SmolLM2VocabularyAsReadFromTheFile) {
  auto vocab = FixtureVocab("smollm");
  ASSERT_TRUE(vocab.ok()) << vocab.status().ToString();
  EXPECT_EQ(vocab->model, "gpt2");
  EXPECT_EQ(vocab->pre, "smollm");
  EXPECT_EQ(vocab->tokens.size(), 49152u);
  EXPECT_EQ(vocab->merges.size(), 48900u);
  EXPECT_EQ(vocab->bos, 1);
  EXPECT_EQ(vocab->eos, 2);
  EXPECT_FALSE(vocab->add_bos);
  auto tok = Tokenizer::Create(*vocab);
  ASSERT_TRUE(tok.ok());
  EXPECT_EQ(tok->Find("<|im_end|>"), 2);
  EXPECT_EQ(tok->Find("no such token"), -1);
  EXPECT_TRUE(tok->IsEndOfGeneration(tok->Find("<|im_end|>")));
  EXPECT_FALSE(tok->IsEndOfGeneration(tok->Find("<|im_start|>")));
}

TEST(TokenizerTest, SpmVocabularyAsReadFromTheFile) {
  auto vocab = FixtureVocab("spm");
  ASSERT_TRUE(vocab.ok()) << vocab.status().ToString();
  EXPECT_EQ(vocab->model, "llama");
  EXPECT_TRUE(vocab->add_bos);
  EXPECT_TRUE(vocab->add_space_prefix);
  EXPECT_EQ(vocab->scores.size(), vocab->tokens.size());
  auto tok = Tokenizer::Create(*vocab);
  ASSERT_TRUE(tok.ok());
  // Byte fallback: a character the vocabulary lacks becomes <0xNN> tokens.
  const auto ids = tok->Encode("\xF0\x9F\xA6\x99", false, false);  // U+1F999
  std::vector<int32_t> expected = {tok->Find("\xE2\x96\x81")};
  for (const char* b : {"<0xF0>", "<0x9F>", "<0xA6>", "<0x99>"}) expected.push_back(tok->Find(b));
  EXPECT_EQ(ids, expected);
  EXPECT_EQ(tok->Decode(ids), " \xF0\x9F\xA6\x99");
}

// ---------------------------------------------------------------- random input

// Random byte strings (any bytes, invalid UTF-8, special-token text) never
// crash, give ids in range, and pieces always concatenate to the decoding.
TEST(TokenizerTest, ArbitraryBytesNeverCrash) {
  for (const std::string name : {"smollm", "llama-bpe", "qwen2", "gpt-2", "default", "spm"}) {
    auto vocab = FixtureVocab(name);
    ASSERT_TRUE(vocab.ok()) << vocab.status().ToString();
    auto tok = Tokenizer::Create(*vocab);
    ASSERT_TRUE(tok.ok());
    std::mt19937 rng(42);
    const std::vector<std::string> atoms = {"<|im_start|>", "<|im_end|>", "<s>",         "'s", " ",
                                            "\n",           "1",          "\xE2\x96\x81"};
    for (int iter = 0; iter < 300; ++iter) {
      std::string s;
      const int n = static_cast<int>(rng() % 64);
      for (int i = 0; i < n; ++i) {
        if (rng() % 8 == 0) {
          s += atoms[rng() % atoms.size()];
        } else {
          s.push_back(static_cast<char>(rng() & 0xFF));
        }
      }
      for (bool special : {false, true}) {
        const auto ids = tok->Encode(s, special, special);
        std::string pieces;
        for (int32_t id : ids) {
          ASSERT_GE(id, 0);
          ASSERT_LT(id, tok->size());
          pieces += tok->Piece(id);
        }
        EXPECT_EQ(tok->Decode(ids), pieces);
      }
    }
  }
}

// Byte-level BPE with a complete byte alphabet loses nothing: valid UTF-8
// without special-token text decodes back exactly.
TEST(TokenizerTest, ByteLevelBpeRoundTripsRandomUtf8) {
  std::mt19937 rng(7);
  const std::vector<uint32_t> pool = {'a',     'Z',    '0',    '9',      ' ',    '\t',   '\n',
                                      '\r',    '\'',   '.',    '$',      '`',    0xA0,   0xE9,
                                      0x301,   0x663,  0x915,  0x3000,   0x65E5, 0xAC00, 0x1F600,
                                      0x1F3FD, 0x200D, 0xE000, 0x10FFFF, 0x0,    0x7F,   0x85};
  for (const std::string name : {"smollm", "llama-bpe", "qwen2", "gpt-2", "default"}) {
    auto vocab = FixtureVocab(name);
    ASSERT_TRUE(vocab.ok()) << vocab.status().ToString();
    auto tok = Tokenizer::Create(*vocab);
    ASSERT_TRUE(tok.ok());
    for (int iter = 0; iter < 200; ++iter) {
      std::string s;
      const int n = static_cast<int>(rng() % 48);
      for (int i = 0; i < n; ++i) unicode::AppendUtf8(pool[rng() % pool.size()], &s);
      EXPECT_EQ(tok->Decode(tok->Encode(s, false, false)), s)
          << name << " \"" << Printable(s) << "\"";
    }
  }
}

// ---------------------------------------------------------------- malformed vocabularies

Vocab TinyBpe() {
  Vocab v;
  v.model = "gpt2";
  v.pre = "smollm";
  v.tokens = {"<|endoftext|>", "a",       "b", "c", "ab",
              "abc",           "\xC4\xA0"};  // U+0120 is the byte-level space
  v.types = {TokenType::kControl, TokenType::kNormal, TokenType::kNormal, TokenType::kNormal,
             TokenType::kNormal,  TokenType::kNormal, TokenType::kNormal};
  v.merges = {"a b", "ab c"};
  v.eos = 0;
  return v;
}

TEST(TokenizerTest, TinyBpeMergesByRank) {
  auto tok = Tokenizer::Create(TinyBpe());
  ASSERT_TRUE(tok.ok()) << tok.status().ToString();
  EXPECT_EQ(tok->Encode("abc", false, false), (std::vector<int32_t>{5}));
  EXPECT_EQ(tok->Encode("abcab", false, false), (std::vector<int32_t>{5, 4}));
  EXPECT_EQ(tok->Encode("cab", false, false), (std::vector<int32_t>{3, 4}));
  EXPECT_EQ(tok->Encode("a b", false, false), (std::vector<int32_t>{1, 6, 2}));
  // Bytes outside the vocabulary are dropped, as the reference does.
  EXPECT_EQ(tok->Encode("xa", false, false), (std::vector<int32_t>{1}));
  EXPECT_EQ(tok->Encode("a<|endoftext|>b", false, true), (std::vector<int32_t>{1, 0, 2}));
  EXPECT_EQ(tok->Decode(std::vector<int32_t>{1, 0, 2}), "ab");
  EXPECT_EQ(tok->Decode(std::vector<int32_t>{1, 0, 2}, true), "a<|endoftext|>b");
  EXPECT_TRUE(tok->IsEndOfGeneration(0));
}

void ExpectRefused(const Vocab& v, Code code, const std::string& needle) {
  auto tok = Tokenizer::Create(v);
  ASSERT_FALSE(tok.ok()) << "accepted; expected an error containing '" << needle << "'";
  EXPECT_EQ(tok.status().code(), code) << tok.status().ToString();
  EXPECT_NE(tok.status().message().find(needle), std::string::npos) << tok.status().ToString();
}

TEST(TokenizerTest, MalformedVocabulariesAreRefused) {
  {
    Vocab v = TinyBpe();
    v.merges.push_back("a zz");
    ExpectRefused(v, Code::kParse, "merge 2 'a zz' names 'zz', which is not a token");
  }
  {
    Vocab v = TinyBpe();
    v.merges.push_back("b c");  // "bc" is not a token
    ExpectRefused(v, Code::kParse, "names 'bc'");
  }
  {
    Vocab v = TinyBpe();
    v.merges.push_back("abc");
    ExpectRefused(v, Code::kParse, "merge 2 'abc' is not two tokens");
  }
  {
    Vocab v = TinyBpe();
    v.eos = 7;
    ExpectRefused(v, Code::kOutOfRange, "tokenizer.ggml.eos_token_id: id 7 is not a token");
  }
  {
    Vocab v = TinyBpe();
    v.bos = -5;
    ExpectRefused(v, Code::kOutOfRange, "tokenizer.ggml.bos_token_id");
  }
  {
    Vocab v = TinyBpe();
    v.add_bos = true;
    ExpectRefused(v, Code::kParse, "no BOS token");
  }
  {
    Vocab v = TinyBpe();
    v.tokens[3] = "a";
    ExpectRefused(v, Code::kParse, "token 3 'a' duplicates token 1");
  }
  {
    Vocab v = TinyBpe();
    v.scores = {1.0f, 2.0f};
    ExpectRefused(v, Code::kParse, "tokenizer.ggml.scores: 2 scores for 7 tokens");
  }
  {
    Vocab v = TinyBpe();
    v.types.pop_back();
    ExpectRefused(v, Code::kParse, "tokenizer.ggml.token_type");
  }
  {
    Vocab v = TinyBpe();
    v.tokens.clear();
    v.types.clear();
    v.merges.clear();
    ExpectRefused(v, Code::kParse, "empty vocabulary");
  }
  {
    Vocab v = TinyBpe();
    v.pre = "deepseek-coder";
    ExpectRefused(v, Code::kUnsupported, "pre-tokenizer 'deepseek-coder' is not supported");
  }
  {
    Vocab v = TinyBpe();
    v.model = "bert";
    ExpectRefused(v, Code::kUnsupported, "model 'bert' is not supported");
  }
}

TEST(TokenizerTest, ReadVocabErrorsNameTheKey) {
  using testing::GgufWriter;
  const auto read = [](const GgufWriter& w) -> Status {
    static Bytes bytes;  // must outlive the parsed file while ReadVocab runs
    bytes = w.Build();
    auto file = GgufFile::Parse(bytes);
    if (!file.ok()) return file.status();
    return ReadVocab(*file).status();
  };
  {
    GgufWriter w;
    w.Str("general.architecture", "llama").StrArray("tokenizer.ggml.tokens", {"a"});
    const Status s = read(w);
    EXPECT_NE(s.message().find("tokenizer.ggml.model"), std::string::npos) << s.ToString();
  }
  {
    GgufWriter w;
    w.Str("tokenizer.ggml.model", "gpt2")
        .Str("tokenizer.ggml.pre", "smollm")
        .StrArray("tokenizer.ggml.tokens", {"a"});
    const Status s = read(w);
    EXPECT_NE(s.message().find("tokenizer.ggml.merges"), std::string::npos) << s.ToString();
  }
  {
    GgufWriter w;
    w.Str("tokenizer.ggml.model", "llama").U32("tokenizer.ggml.tokens", 3);
    const Status s = read(w);
    EXPECT_NE(s.message().find("tokenizer.ggml.tokens"), std::string::npos) << s.ToString();
  }
  {
    GgufWriter w;
    w.Str("tokenizer.ggml.model", "llama")
        .StrArray("tokenizer.ggml.tokens", {"a"})
        .Str("tokenizer.ggml.bos_token_id", "one");
    const Status s = read(w);
    EXPECT_NE(s.message().find("tokenizer.ggml.bos_token_id"), std::string::npos) << s.ToString();
  }
  {
    GgufWriter w;
    w.Str("tokenizer.ggml.model", "llama")
        .StrArray("tokenizer.ggml.tokens", {"<unk>", "<s>", "</s>"});
    EXPECT_TRUE(read(w).ok());
  }
}

TEST(TokenizerTest, ReadVocabAppliesTheReferenceDefaults) {
  using testing::GgufWriter;
  static Bytes bytes;  // outlives the parsed file while ReadVocab runs
  const auto read = [](const GgufWriter& w) -> Result<Vocab> {
    bytes = w.Build();
    VINET_ASSIGN_OR_RETURN(auto file, GgufFile::Parse(bytes));
    return ReadVocab(file);
  };
  {
    GgufWriter w;
    w.Str("tokenizer.ggml.model", "llama")
        .StrArray("tokenizer.ggml.tokens", {"<unk>", "<s>", "</s>", "a"});
    auto v = read(w);
    ASSERT_TRUE(v.ok()) << v.status().ToString();
    EXPECT_EQ(v->unk, 0);
    EXPECT_EQ(v->bos, 1);
    EXPECT_EQ(v->eos, 2);
    EXPECT_TRUE(v->add_bos);
    EXPECT_FALSE(v->add_eos);
    EXPECT_TRUE(v->add_space_prefix);
    EXPECT_TRUE(v->scores.empty());
  }
  for (const auto& [pre, adds_bos] : {std::pair{"llama-bpe", true}, std::pair{"smollm", false}}) {
    GgufWriter w;
    w.Str("tokenizer.ggml.model", "gpt2")
        .Str("tokenizer.ggml.pre", pre)
        .StrArray("tokenizer.ggml.tokens", {"a", "b", "ab"})
        .StrArray("tokenizer.ggml.merges", {"a b"})
        .U32("tokenizer.ggml.bos_token_id", 2);
    auto v = read(w);
    ASSERT_TRUE(v.ok()) << v.status().ToString();
    EXPECT_EQ(v->add_bos, adds_bos) << pre;
    EXPECT_FALSE(v->add_space_prefix);
    EXPECT_EQ(v->bos, 2);
    EXPECT_EQ(v->eos, -1);
    EXPECT_EQ(v->merges, (std::vector<std::string>{"a b"}));
  }
  {
    // Keys override the defaults.
    GgufWriter w;
    w.Str("tokenizer.ggml.model", "llama")
        .StrArray("tokenizer.ggml.tokens", {"<unk>", "<s>", "</s>"})
        .Bool("tokenizer.ggml.add_bos_token", false)
        .Bool("tokenizer.ggml.add_space_prefix", false)
        .U32("tokenizer.ggml.eos_token_id", 0);
    auto v = read(w);
    ASSERT_TRUE(v.ok()) << v.status().ToString();
    EXPECT_FALSE(v->add_bos);
    EXPECT_FALSE(v->add_space_prefix);
    EXPECT_EQ(v->eos, 0);
  }
}

TEST(TokenizerTest, UnicodeTableFacts) {
  using unicode::Info;
  EXPECT_TRUE(Info('a').is_letter());
  EXPECT_TRUE(Info(0x65E5).is_letter());  // 日
  EXPECT_TRUE(Info(0x663).is_number());   // Arabic-Indic three
  EXPECT_TRUE(Info(0x2167).is_number());  // Roman numeral eight (Nl)
  EXPECT_EQ(Info(0x301).cls, unicode::kMark);
  EXPECT_EQ(Info('!').cls, unicode::kPunctuation);
  EXPECT_EQ(Info('$').cls, unicode::kSymbol);
  EXPECT_TRUE(Info(0x3000).whitespace);
  EXPECT_TRUE(Info(0x85).whitespace);
  EXPECT_FALSE(Info(0x1C).whitespace);
  EXPECT_FALSE(Info(0x200B).whitespace);
  EXPECT_EQ(Info(0x10FFFF).cls, unicode::kOther);
  EXPECT_EQ(Info(0x110000).cls, unicode::kOther);
  EXPECT_STREQ(unicode::TableVersion(), "15.1.0");
  EXPECT_TRUE(Info(0x31350).is_letter());         // CJK Extension H (Unicode 15.0)
  EXPECT_TRUE(Info(0x2EBF0).is_letter());         // CJK Extension I (Unicode 15.1)
  EXPECT_TRUE(Info(0x1E4F0).is_number());         // Nag Mundari digit zero (Unicode 15.0)
  EXPECT_EQ(Info(0x1FBCB).cls, unicode::kOther);  // unassigned in 15.1
}

}  // namespace
}  // namespace vinet::llm
