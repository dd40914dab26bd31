// Fuzz target: the enclave's "chat" method (EnclaveServer::HandleChat) with
// the deterministic fake chat runner. Input: lines. The first line is the
// request frame as a socket peer sends it; each further line is a frame the
// peer sends during the stream (read by the enclave's poll between tokens,
// e.g. {"method":"stop","chunks":n}). When the first line is instead an
// OpenAI body (`ParseChatCompletion` accepts it), the harness signs it with
// fixed keys and sends the matching "chat" frame, so generation, chunking,
// stop handling and receipts are reached without forging signatures. Every
// reply frame must be JSON with "ok"; the stream ends with one receipt or
// one error; a receipt covers exactly the chunks streamed or the stop asked.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "unit/tee/fake_chat_runner.h"
#include "vinet/tee/emulator.h"
#include "vinet/tee/enclave_server.h"

namespace {

using namespace vinet;

tee::EnclaveServer& Server() {
  static std::unique_ptr<tee::Enclave> enclave = [] {
    auto ca = tee::DevCa::CreateEphemeral();
    tee::EnclaveMeasurements m;
    m.config = "fuzz";
    auto provider = std::make_unique<tee::EmulatorProvider>(std::move(*ca), m.image, m.config_pcr);
    auto runner = std::make_unique<tee::TestOnlyEchoRunner>(std::vector<std::string>{"echo"});
    return std::make_unique<tee::Enclave>(std::move(provider), std::move(runner), m, false,
                                          std::make_unique<tee::testing::FakeChatRunner>());
  }();
  static tee::EnclaveServer server(*enclave, "/nonexistent/fuzz.sock");  // never started
  return server;
}

crypto::SecretKey Key(uint8_t b) {
  return crypto::SecretKey::FromSeed(Bytes(32, b)).value();
}

// The signed "chat" frame for an OpenAI body, or "" when it does not parse.
std::string SignedFrame(const std::string& body) {
  auto p = protocol::ParseChatCompletion(body);
  if (!p.ok()) return "";
  static const crypto::SecretKey client = Key(1), node = Key(2);
  tee::ChatAnswerInput in;
  in.request = p->request;
  in.request.max_tokens = std::min<uint32_t>(in.request.max_tokens, 64);  // keep runs short
  protocol::InferenceRequest r;
  r.chain_id = "fuzz";
  r.node_pubkey = node.public_key();
  r.timestamp_ms = 1;
  r.expires_ms = 2;
  r.kind = protocol::PayloadKind::kChat;
  r.model_id = in.request.model_id;
  r.mode = protocol::Mode::kTee;
  auto h = protocol::ChatRequestHash(in.request);
  r.input_hash = Bytes(h.begin(), h.end());
  in.signed_request = protocol::SignRequest(r, client);
  in.node_id = node.public_key();
  return tee::ChatRequestFrame(in);
}

void Serve(const std::string& request, const std::vector<std::string>& polls) {
  size_t next = 0, chunks = 0, receipts = 0, errors = 0;
  std::optional<uint64_t> stop_asked;
  auto write = [&](const std::string& frame) {
    auto j = nlohmann::json::parse(frame, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("ok")) std::abort();
    if (receipts + errors > 0) std::abort();  // nothing after the end
    if (j.contains("chunk")) {
      ++chunks;
    } else if (j.contains("receipt")) {
      ++receipts;
      uint64_t covered = j["receipt"]["chunks"].get<uint64_t>();
      if (covered != (stop_asked ? *stop_asked : chunks)) std::abort();
    } else {
      ++errors;
    }
    return true;
  };
  auto poll = [&]() -> std::optional<std::string> {
    if (next >= polls.size()) return std::nullopt;
    const std::string& f = polls[next++];
    auto j = nlohmann::json::parse(f, nullptr, false);
    if (!stop_asked && j.is_object() && j.contains("method") && j["method"] == "stop" &&
        j.contains("chunks") && j["chunks"].is_number_unsigned())
      stop_asked = j["chunks"].get<uint64_t>();
    return f;
  };
  Server().HandleChat(request, write, poll);
  if (receipts + errors != 1 && !(next > 0 && polls[next - 1].empty())) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 1 << 16) return 0;
  std::string text(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> lines;
  size_t at = 0;
  while (true) {
    size_t nl = text.find('\n', at);
    lines.push_back(text.substr(at, nl == std::string::npos ? std::string::npos : nl - at));
    if (nl == std::string::npos) break;
    at = nl + 1;
  }
  std::vector<std::string> polls(lines.begin() + 1, lines.end());
  Serve(lines[0], polls);
  std::string signed_frame = SignedFrame(lines[0]);
  if (!signed_frame.empty()) Serve(signed_frame, polls);
  return 0;
}
