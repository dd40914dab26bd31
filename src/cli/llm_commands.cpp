// `vinet llm ...`: the LLM engine's commands. `inspect` describes a GGUF
// file (architecture, shapes, tensor types, tokenizer, chat template family,
// model id) without loading the model.
#include <iostream>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/llm_cli.h"
#include "vinet/llm/chat_template.h"
#include "vinet/llm/gguf.h"
#include "vinet/llm/tokenizer.h"

namespace vinet::cli {
namespace {

using nlohmann::json;

// llama.cpp's names of `general.file_type` values (the "mostly" type of the
// weights), without the MOSTLY_ prefix.
std::string FileTypeName(uint64_t v) {
  static const std::map<uint64_t, const char*> kNames = {
      {0, "ALL_F32"}, {1, "F16"},     {2, "Q4_0"},    {3, "Q4_1"},    {7, "Q8_0"},
      {8, "Q5_0"},    {9, "Q5_1"},    {10, "Q2_K"},   {11, "Q3_K_S"}, {12, "Q3_K_M"},
      {13, "Q3_K_L"}, {14, "Q4_K_S"}, {15, "Q4_K_M"}, {16, "Q5_K_S"}, {17, "Q5_K_M"},
      {18, "Q6_K"},   {21, "Q2_K_S"}, {32, "BF16"},
  };
  auto it = kNames.find(v);
  return it == kNames.end() ? fmt::format("type {}", v) : it->second;
}

// Optional metadata as JSON: null when absent or of another type.
json OptString(const llm::GgufFile& f, const std::string& key) {
  auto r = f.GetString(key);
  return r.ok() ? json(std::string(*r)) : json(nullptr);
}
json OptUint(const llm::GgufFile& f, const std::string& key) {
  auto r = f.GetUint(key);
  return r.ok() ? json(*r) : json(nullptr);
}

json Describe(const std::string& path, const llm::GgufFile& f) {
  json j;
  j["file"] = path;
  j["file_size"] = f.bytes().size();
  j["model_id"] = ToHex(f.ModelId());
  j["gguf_version"] = f.version();
  j["alignment"] = f.alignment();
  j["metadata_count"] = f.metadata().size();
  json arch = OptString(f, "general.architecture");
  std::string a = arch.is_string() ? arch.get<std::string>() : "";
  j["architecture"] = arch;
  j["name"] = OptString(f, "general.name");
  json ft = OptUint(f, "general.file_type");
  j["file_type"] = ft.is_null() ? json(nullptr) : json(FileTypeName(ft.get<uint64_t>()));
  j["context_length"] = OptUint(f, a + ".context_length");
  j["block_count"] = OptUint(f, a + ".block_count");
  j["embedding_length"] = OptUint(f, a + ".embedding_length");
  json vocab_size = OptUint(f, a + ".vocab_size");
  if (vocab_size.is_null()) {
    if (auto tokens = f.Find("tokenizer.ggml.tokens");
        tokens && tokens->type == llm::GgufValueType::kArray)
      vocab_size = tokens->array_len;
  }
  j["vocab_size"] = vocab_size;
  j["tokenizer_model"] = OptString(f, "tokenizer.ggml.model");
  j["tokenizer_pre"] = OptString(f, "tokenizer.ggml.pre");
  j["bos_token_id"] = OptUint(f, "tokenizer.ggml.bos_token_id");
  j["eos_token_id"] = OptUint(f, "tokenizer.ggml.eos_token_id");
  // The chat template as the engine would use it: detected against the
  // file's vocabulary (which must hold the family's turn tokens).
  auto source = f.GetString("tokenizer.chat_template");
  auto vocab = llm::ReadVocab(f);
  if (!vocab.ok()) {
    j["chat_template"] = "unusable vocabulary: " + vocab.status().message();
  } else {
    auto tmpl = llm::ChatTemplate::Detect(source.ok() ? *source : "", *vocab);
    j["chat_template"] = tmpl.ok() ? json(std::string(tmpl->family_name()))
                                   : json("unsupported: " + tmpl.status().message());
    if (tmpl.ok()) j["end_of_turn"] = tmpl->end_of_turn();
  }
  std::map<std::string, uint64_t> types;
  uint64_t params = 0, bytes = 0;
  for (const llm::GgufTensor& t : f.tensors()) {
    types[std::string(llm::LookupGgmlType(static_cast<uint32_t>(t.type))->name)]++;
    params += t.row_elems() * t.rows();
    bytes += t.nbytes;
  }
  j["tensor_count"] = f.tensors().size();
  j["tensor_types"] = types;
  j["parameter_count"] = params;
  j["tensor_bytes"] = bytes;
  return j;
}

std::string Show(const json& v) {
  if (v.is_null()) return "-";
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

void PrintText(const json& j) {
  std::string types;
  for (const auto& [name, n] : j["tensor_types"].items())
    types += fmt::format("{}{} {}", types.empty() ? "" : ", ", name, n.get<uint64_t>());
  auto line = [](const char* label, const std::string& value) {
    std::cout << fmt::format("{:<16}{}\n", label, value);
  };
  line("file", Show(j["file"]));
  line("model id", Show(j["model_id"]));
  line("gguf version", Show(j["gguf_version"]));
  line("architecture", Show(j["architecture"]));
  line("name", Show(j["name"]));
  line("file type", Show(j["file_type"]));
  line("tensors", fmt::format("{} ({})", Show(j["tensor_count"]), types));
  line("parameters", Show(j["parameter_count"]));
  line("context length", Show(j["context_length"]));
  line("layers", Show(j["block_count"]));
  line("embedding", Show(j["embedding_length"]));
  line("vocab size", Show(j["vocab_size"]));
  line("tokenizer",
       fmt::format("{} (pre: {})", Show(j["tokenizer_model"]), Show(j["tokenizer_pre"])));
  line("chat template",
       j.contains("end_of_turn")
           ? fmt::format("{} (turn ends with {})", Show(j["chat_template"]), Show(j["end_of_turn"]))
           : Show(j["chat_template"]));
}

void Inspect(const std::string& path, bool as_json) {
  llm::GgufFile f = ValueOrThrow(llm::GgufFile::Open(path));
  json j = Describe(path, f);
  if (as_json)
    std::cout << j.dump(2) << "\n";
  else
    PrintText(j);
}

}  // namespace

void RegisterLlmCommands(CLI::App& app) {
  CLI::App* llm = app.add_subcommand("llm", "LLM engine: GGUF models");
  llm->require_subcommand(1);

  struct InspectArgs {
    std::string model;
    bool json = false;
  };
  auto args = std::make_shared<InspectArgs>();
  CLI::App* inspect = llm->add_subcommand(
      "inspect", "architecture, shapes, tensor types, tokenizer, chat template and model id");
  inspect->add_option("model", args->model, "MODEL.gguf")->required()->check(CLI::ExistingFile);
  inspect->add_flag("--json", args->json, "one JSON object instead of text");
  inspect->callback([args] { Inspect(args->model, args->json); });
  AddLlmRunCommand(*llm);
}

}  // namespace vinet::cli
