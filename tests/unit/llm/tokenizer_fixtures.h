// Loading the tokenizer fixtures recorded from llama.cpp
// (bench/llm/record_tokenizer.py -> tests/data/llm/tok_<name>.json) and the
// vocabularies they were recorded with. Test code only.
#pragma once

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "llm_test_env.h"
#include "vinet/llm/gguf.h"
#include "vinet/llm/tokenizer.h"

namespace vinet::llm::testing {

inline std::string FromHex(const std::string& hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return out;
}

struct TokCase {
  std::string text;
  std::vector<std::vector<int32_t>> ids;  // one per setting
  bool roundtrip = false;
};

struct TokFixture {
  std::string name;
  int32_t n_vocab = 0;
  std::vector<std::pair<bool, bool>> settings;  // (add_special, parse_special)
  std::vector<int32_t> eog;
  std::vector<int32_t> control;
  std::map<int32_t, std::pair<std::string, std::string>> pieces;  // plain, special rendered
  std::vector<TokCase> cases;
  std::vector<std::string> extra_tokens;  // appended to SmolLM2's vocabulary
  std::vector<std::string> extra_merges;  // appended to SmolLM2's merges
};

inline std::string TokDataDir() {
  return std::string(VINET_SOURCE_DIR) + "/tests/data/llm";
}

inline Result<TokFixture> LoadTokFixture(const std::string& name) {
  const std::string path = TokDataDir() + "/tok_" + name + ".json";
  std::ifstream in(path);
  if (!in) return Error(Code::kNotFound, "missing fixture " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  const auto j = nlohmann::json::parse(ss.str());
  TokFixture f;
  f.name = j.at("name").get<std::string>();
  f.n_vocab = j.at("n_vocab").get<int32_t>();
  for (const auto& s : j.at("settings"))
    f.settings.emplace_back(s.at(0).get<bool>(), s.at(1).get<bool>());
  f.eog = j.at("eog").get<std::vector<int32_t>>();
  f.control = j.at("control").get<std::vector<int32_t>>();
  for (const auto& [id, p] : j.at("pieces").items())
    f.pieces[std::stoi(id)] = {FromHex(p.at(0).get<std::string>()),
                               FromHex(p.at(1).get<std::string>())};
  f.extra_tokens = j.at("extra_tokens").get<std::vector<std::string>>();
  f.extra_merges = j.at("extra_merges").get<std::vector<std::string>>();
  for (const auto& c : j.at("cases")) {
    TokCase tc;
    tc.text = c.contains("text") ? c.at("text").get<std::string>()
                                 : FromHex(c.at("hex").get<std::string>());
    tc.ids = c.at("ids").get<std::vector<std::vector<int32_t>>>();
    tc.roundtrip = c.at("roundtrip").get<bool>();
    f.cases.push_back(std::move(tc));
  }
  return f;
}

// SmolLM2's vocabulary, read once from the real model file.
inline Result<Vocab> SmolLM2Vocab() {
  static const Result<Vocab> vocab = []() -> Result<Vocab> {
    VINET_ASSIGN_OR_RETURN(auto path, SmolLM2Path());
    VINET_ASSIGN_OR_RETURN(auto file, GgufFile::Open(path));
    return ReadVocab(file);
  }();
  return vocab;
}

// The vocabulary a fixture was recorded with: SmolLM2's (under the fixture's
// pre-tokenizer, with the fixture's extra tokens and merges) or the committed
// SentencePiece file.
inline Result<Vocab> FixtureVocab(const std::string& name) {
  if (name == "spm") {
    VINET_ASSIGN_OR_RETURN(auto file, GgufFile::Open(TokDataDir() + "/tok_spm.gguf"));
    return ReadVocab(file);
  }
  VINET_ASSIGN_OR_RETURN(TokFixture f, LoadTokFixture(name));
  VINET_ASSIGN_OR_RETURN(Vocab v, SmolLM2Vocab());
  if (name != "smollm") v.pre = name;
  for (const auto& t : f.extra_tokens) {
    v.tokens.push_back(t);
    if (!v.types.empty()) v.types.push_back(TokenType::kNormal);
  }
  v.merges.insert(v.merges.end(), f.extra_merges.begin(), f.extra_merges.end());
  return v;
}

}  // namespace vinet::llm::testing
