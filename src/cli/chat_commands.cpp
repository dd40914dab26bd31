// `vinet chat MODEL "prompt"`: a verified chat with a node (client/chat.h).
//
//   vinet chat MODEL "prompt" [--stream] [--mode tee|vanilla] [--system TEXT]
//              [--max-tokens N] [--temperature T] [--top-p P] [--seed S]
//              [--max-fee F] [--no-settle] [--json] [--devnet DIR | --node URL --chain URL
//              --key FILE [--root PEM]]
// MODEL is the chain's model id (hex SHA-256 of the GGUF) or the GGUF file
// itself. Tokens are printed as their signed chunks verify; then the
// verification, timing (time to first token, tokens/s) and settlement lines
// (status, fee = the chain's prices × the receipt's tokens, trust gap).
#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli/client_args.h"
#include "cli/commands.h"
#include "cli/progress.h"
#include "vinet/crypto/hash.h"

namespace vinet::cli {
namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

struct ChatArgs {
  ClientArgs endpoints;
  std::string model, prompt, system, mode = "tee";
  bool stream = false, no_settle = false;
  uint32_t max_tokens = 128;
  float temperature = 0.0f, top_p = 1.0f;
  std::optional<uint64_t> seed, max_fee;
};

// A GGUF path names its model by the file's SHA-256; anything else is an id.
std::string ModelId(const std::string& model) {
  std::error_code ec;
  if (!fs::is_regular_file(model, ec)) return model;
  std::ifstream in(model, std::ios::binary);
  crypto::Sha256Hasher h;
  std::vector<char> buf(1 << 20);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    h.Update(
        ByteSpan(reinterpret_cast<const uint8_t*>(buf.data()), static_cast<size_t>(in.gcount())));
  }
  if (in.bad()) throw StatusError(Error(Code::kIo, "cannot read " + model));
  return ToHex(h.Finish());
}

void RunChat(ChatArgs& a) {
  // Settlement and the default max fee (the chain's prices) need the chain.
  client::Client c = MakeClient(a.endpoints, a.no_settle && a.max_fee ? 0u : kChainFlag);
  std::string mode_name = a.mode;
  for (auto& ch : mode_name) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  client::ChatCall call;
  call.mode = ValueOrThrow(protocol::ParseMode(mode_name));
  call.stream = a.stream;
  call.max_fee = a.max_fee;
  call.request.model_id = ModelId(a.model);
  if (!a.system.empty()) call.request.messages.push_back({"system", a.system});
  call.request.messages.push_back({"user", a.prompt});
  call.request.max_tokens = a.max_tokens;
  call.request.temperature = a.temperature;
  call.request.top_p = a.top_p;
  call.request.seed = a.seed;
  bool print = !a.endpoints.as_json;
  auto r = c.Chat(call, [&](const protocol::ChatChunk& chunk) {
    if (print && a.stream) std::cout << chunk.text << std::flush;
    return true;
  });
  client::ChatResult res = ValueOrThrow(std::move(r));
  if (print && !a.stream) std::cout << res.text;
  const auto& rc = res.receipt;
  double ttft_ms = static_cast<double>(res.first_token_ms - res.sent_ms);
  double gen_s = static_cast<double>(res.received_ms - res.first_token_ms) / 1000.0;
  double tps = gen_s > 0 && rc.completion_tokens > 1 ? (rc.completion_tokens - 1) / gen_s : 0.0;
  json out = {{"inference_id", res.inference_id},
              {"model_id", rc.model_id},
              {"mode", protocol::ModeName(rc.mode)},
              {"text", res.text},
              {"finish_reason", rc.finish_reason},
              {"prompt_tokens", rc.prompt_tokens},
              {"completion_tokens", rc.completion_tokens},
              {"chunks", res.chunks},
              {"seed", rc.seed},
              {"verified", true},
              {"fee", res.fee},
              {"max_fee", res.max_fee},
              {"time_to_first_token_ms", ttft_ms},
              {"tokens_per_s", tps},
              {"receipt", json::parse(protocol::ChatReceiptToJson(rc))}};
  if (print) {
    std::cout << "\n--\nverified: " << rc.completion_tokens << " tokens in " << res.chunks
              << " signed chunks, receipt signed by "
              << (rc.mode == protocol::Mode::kTee
                      ? "the attested enclave " + ToHex(*rc.enclave_key).substr(0, 16) + "… and "
                      : std::string())
              << "the node (" << protocol::ModeName(rc.mode) << ", finish " << rc.finish_reason
              << ", seed " << rc.seed << ")\n"
              << "time to first token " << ttft_ms << " ms, " << tps << " tokens/s\n"
              << "inference " << res.inference_id << "\n"
              << std::flush;
  }
  if (!a.no_settle) {
    Progress("chat", "waiting for the chain to settle " + res.inference_id);
    auto s = ValueOrThrow(c.WaitChatSettled(res, static_cast<int64_t>(a.endpoints.timeout * 1000)));
    out["settlement"] = {{"status", s.status},
                         {"height", s.height},
                         {"fee", s.fee},
                         {"trust_gap_ms", s.trust_gap_ms}};
    if (print) {
      std::cout << "settled: " << s.status << " at height " << s.height << ", fee " << s.fee
                << " (prompt " << rc.prompt_tokens << " + completion " << rc.completion_tokens
                << " tokens at the chain's prices), trust gap " << s.trust_gap_ms << " ms\n";
    }
  }
  if (!print) std::cout << out.dump() << "\n";
}

}  // namespace

void RegisterChatCommand(CLI::App& app) {
  static ChatArgs a;
  auto* chat = app.add_subcommand("chat", "chat with an LLM on a node, verified and settled");
  chat->add_option("model", a.model, "model id (hex) or the GGUF file")->required();
  chat->add_option("prompt", a.prompt, "the user message")->required();
  chat->add_flag("--stream", a.stream, "print tokens as they arrive");
  chat->add_option("--mode", a.mode, "tee or vanilla")->capture_default_str();
  chat->add_option("--system", a.system, "a system message");
  chat->add_option("--max-tokens", a.max_tokens, "completion tokens at most")
      ->capture_default_str();
  chat->add_option("--temperature", a.temperature, "0 = greedy")->capture_default_str();
  chat->add_option("--top-p", a.top_p, "nucleus sampling")->capture_default_str();
  chat->add_option("--seed", a.seed, "sampling seed (default: the node draws one)");
  chat->add_option("--max-fee", a.max_fee,
                   "most fee to pay (default: the request's worst case at the chain's prices)");
  chat->add_flag("--no-settle", a.no_settle, "do not wait for the chain");
  chat->add_option("--timeout", a.endpoints.timeout, "seconds to wait for settlement")
      ->capture_default_str();
  AddEndpoints(chat, a.endpoints);
  chat->callback([] { RunChat(a); });
}

}  // namespace vinet::cli
