// `vinet llm run MODEL.gguf --prompt TEXT | --chat JSON`: generate with the
// engine. Human text by default (the completion, streamed with --stream);
// --json prints one object with the text, the token ids, the seed, the model
// id and the output hash, so two runs (or two machines) can be compared.
#include <charconv>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/llm_cli.h"
#include "vinet/common/bytes.h"
#include "vinet/llm/generate.h"
#include "vinet/llm/prompt.h"

namespace vinet::cli {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

struct LlmRunArgs {
  std::string model, prompt, chat, kernels = "auto";
  std::vector<std::string> stop;
  uint32_t max_tokens = 256, top_k = 0, threads = 1, ctx = 2048;
  float temperature = 0, top_p = 1;
  std::string seed;  // decimal uint64; drawn and reported when absent
  bool stream = false, as_json = false;
};

// --chat takes inline JSON or @FILE; a list of messages or {"messages": [...]}.
std::vector<llm::ChatMessage> ParseChat(const std::string& arg) {
  std::string text = arg;
  if (!arg.empty() && arg[0] == '@') {
    std::ifstream f(arg.substr(1));
    if (!f) ThrowIfError(Error(Code::kIo, "--chat: cannot read '" + arg.substr(1) + "'"));
    std::stringstream ss;
    ss << f.rdbuf();
    text = ss.str();
  }
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) ThrowIfError(Error(Code::kParse, "--chat: not valid JSON"));
  if (j.is_object() && j.contains("messages")) j = j["messages"];
  if (!j.is_array())
    ThrowIfError(Error(Code::kInvalidArgument, "--chat: expected a list of messages"));
  std::vector<llm::ChatMessage> out;
  for (size_t i = 0; i < j.size(); ++i) {
    const json& m = j[i];
    if (!m.is_object() || !m.contains("role") || !m["role"].is_string() || !m.contains("content") ||
        !m["content"].is_string()) {
      ThrowIfError(Error(Code::kInvalidArgument,
                         fmt::format("--chat: message {} needs string 'role' and 'content'", i)));
    }
    out.push_back({m["role"].get<std::string>(), m["content"].get<std::string>()});
  }
  return out;
}

llm::SamplingParams Sampling(const LlmRunArgs& a) {
  llm::SamplingParams p;
  p.temperature = a.temperature;
  p.top_p = a.top_p;
  p.top_k = a.top_k;
  p.max_tokens = a.max_tokens;
  p.stop = a.stop;
  if (!a.seed.empty()) {
    uint64_t v = 0;
    auto [end, ec] = std::from_chars(a.seed.data(), a.seed.data() + a.seed.size(), v);
    if (ec != std::errc() || end != a.seed.data() + a.seed.size())
      ThrowIfError(Error(Code::kInvalidArgument, "--seed: expected an integer in [0, 2^64)"));
    p.seed = v;
  }
  ThrowIfError(llm::ValidateSampling(p));
  return p;
}

json ResultJson(const llm::Model& model, const llm::Generation& g, double prefill_ms,
                double total_ms) {
  double decode_ms = total_ms - prefill_ms;
  return json{{"text", g.text},
              {"tokens", g.tokens},
              {"prompt_tokens", g.prompt_tokens},
              {"completion_tokens", g.tokens.size()},
              {"seed", g.seed},
              {"finish_reason", g.finish_reason},
              {"model_id", ToHex(model.model_id())},
              {"output_hash", ToHex(g.output_hash)},
              {"timings",
               {{"prefill_ms", prefill_ms},
                {"total_ms", total_ms},
                {"decode_tokens_per_s", g.tokens.size() > 1 && decode_ms > 0
                                            ? (g.tokens.size() - 1) * 1000.0 / decode_ms
                                            : 0.0}}}};
}

void RunLlm(const LlmRunArgs& a) {
  if (a.prompt.empty() == a.chat.empty())
    ThrowIfError(Error(Code::kInvalidArgument, "give exactly one of --prompt TEXT or --chat JSON"));
  llm::SamplingParams params = Sampling(a);
  auto model = ValueOrThrow(llm::Model::Load(a.model));
  std::vector<int32_t> prompt =
      a.chat.empty() ? ValueOrThrow(llm::TextPromptTokens(*model, a.prompt))
                     : ValueOrThrow(llm::ChatPromptTokens(*model, ParseChat(a.chat)));
  llm::SessionOptions opts;
  opts.n_ctx = a.ctx;
  opts.threads = a.threads;
  opts.kernels = ValueOrThrow(llm::ParseKernelPath(a.kernels));
  auto session = ValueOrThrow(llm::Session::Create(*model, opts));

  Clock::time_point start = Clock::now(), first{};
  auto on_token = [&](const llm::TokenEvent& ev) {
    if (ev.index == 0) first = Clock::now();
    if (!a.stream) return true;
    if (a.as_json) {
      std::cout << json{{"index", ev.index}, {"token", ev.token}, {"text", ev.text_delta}}.dump()
                << "\n";
    } else {
      std::cout << ev.text_delta;
    }
    std::cout.flush();
    return true;
  };
  llm::Generation g = ValueOrThrow(llm::Generate(*session, prompt, params, on_token));
  auto ms = [](Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); };
  double total_ms = ms(Clock::now() - start);
  double prefill_ms = g.tokens.empty() ? total_ms : ms(first - start);
  if (a.as_json) {
    std::cout << ResultJson(*model, g, prefill_ms, total_ms).dump() << "\n";
    return;
  }
  if (!a.stream) std::cout << g.text;
  std::cout << "\n";
  std::cerr << fmt::format(
      "[{} prompt + {} completion tokens, finish {}, seed {}, first token {:.1f} ms, {:.1f} "
      "tokens/s, output hash {}]\n",
      g.prompt_tokens, g.tokens.size(), g.finish_reason, g.seed, prefill_ms,
      g.tokens.size() > 1 ? (g.tokens.size() - 1) * 1000.0 / (total_ms - prefill_ms) : 0.0,
      ToHex(g.output_hash));
}

}  // namespace

void AddLlmRunCommand(CLI::App& llm) {
  auto a = std::make_shared<LlmRunArgs>();
  CLI::App* run = llm.add_subcommand("run", "generate text with a GGUF model");
  run->add_option("model", a->model, "GGUF model file")->required()->check(CLI::ExistingFile);
  run->add_option("--prompt", a->prompt, "plain text to complete");
  run->add_option("--chat", a->chat,
                  "chat messages as JSON ([{\"role\":\"user\",\"content\":\"...\"}] or @FILE)");
  run->add_option("--max-tokens", a->max_tokens, "most tokens to generate")->capture_default_str();
  run->add_option("--temperature", a->temperature, "0 = greedy")->capture_default_str();
  run->add_option("--top-p", a->top_p, "nucleus sampling mass, (0, 1]")->capture_default_str();
  run->add_option("--top-k", a->top_k, "keep the k most likely tokens (0 = all)");
  run->add_option("--seed", a->seed, "sampling seed (drawn and reported when absent)");
  run->add_option("--stop", a->stop, "stop sequence (repeatable)");
  run->add_option("--threads", a->threads, "worker threads")->capture_default_str();
  run->add_option("--ctx", a->ctx, "context length in tokens")->capture_default_str();
  run->add_option("--kernels", a->kernels, "auto, scalar, avx2 or avx512 (results are identical)")
      ->capture_default_str();
  run->add_flag("--stream", a->stream, "print tokens as they are generated");
  run->add_flag("--json", a->as_json, "one JSON object (with --stream: one line per token first)");
  run->callback([a] { RunLlm(*a); });
}

}  // namespace vinet::cli
