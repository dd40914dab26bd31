// Signing every chunk vs generating it: per-token cost of
// ChatStreamSigner::Next (running hash + Ed25519 signature), of the client's
// ChatStreamVerifier::Accept, and of the engine's decode step on a real model,
// measured in the same run on the same tokens.
//
// bench_chat_signing MODEL.gguf [--tokens N] [--threads T] [--reps R]
// Generates N tokens greedily (through LlmChatRunner, the production path),
// timing the decode steps from the deltas' arrival; then signs and verifies
// those N one-token deltas R times. Prints one JSON object with the
// microseconds per token of each and the ratio sign / decode.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "vinet/chat/llm_chat_runner.h"
#include "vinet/protocol/chat_stream.h"

using Clock = std::chrono::steady_clock;

static double Us(Clock::duration d) {
  return std::chrono::duration<double, std::micro>(d).count();
}

int main(int argc, char** argv) {
  using namespace vinet;
  if (argc < 2) {
    std::fprintf(stderr,
                 "usage: bench_chat_signing MODEL.gguf [--tokens N] [--threads T] [--reps R]\n");
    return 2;
  }
  uint32_t tokens = 64, threads = 1, reps = 20;
  for (int i = 2; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--tokens")
      tokens = static_cast<uint32_t>(std::stoul(v));
    else if (k == "--threads")
      threads = static_cast<uint32_t>(std::stoul(v));
    else if (k == "--reps")
      reps = static_cast<uint32_t>(std::stoul(v));
    else {
      std::fprintf(stderr, "unknown option %s\n", k.c_str());
      return 2;
    }
  }
  chat::LlmChatRunnerOptions o;
  o.threads = threads;
  chat::LlmChatRunner runner(o);
  if (Status s = runner.AddFile(argv[1]); !s.ok()) {
    std::fprintf(stderr, "%s\n", s.ToString().c_str());
    return 1;
  }
  protocol::ChatRequest req;
  req.model_id = runner.ChatModels()[0].model_id;
  req.messages = {{"user", "Write a long story about a lighthouse keeper and the sea."}};
  req.max_tokens = tokens;
  req.temperature = 0;
  req.seed = 1;

  // Decode: the time between consecutive deltas (one token each) is one
  // decode step plus the sampler; the first delta also carries the prefill.
  std::vector<Clock::time_point> at;
  std::vector<std::vector<int32_t>> ids;
  std::vector<std::string> texts;
  auto out = runner.Run(req, tokens, [&](const tee::ChatDelta& d) {
    at.push_back(Clock::now());
    ids.push_back(d.tokens);
    texts.push_back(d.text);
    return true;
  });
  if (!out.ok() || at.size() < 3) {
    std::fprintf(stderr, "generation: %s\n",
                 out.ok() ? "too short" : out.status().ToString().c_str());
    return 1;
  }
  const double decode_us = Us(at.back() - at.front()) / static_cast<double>(at.size() - 1);

  // Signing and verifying the same deltas, R times over.
  auto key = crypto::SecretKey::Generate();
  Bytes id(32, 0x5a);
  std::vector<protocol::ChatChunk> chunks;
  Clock::time_point s0 = Clock::now();
  for (uint32_t r = 0; r < reps; ++r) {
    protocol::ChatStreamSigner signer(id, key);
    chunks.clear();
    for (size_t i = 0; i < ids.size(); ++i) chunks.push_back(signer.Next(ids[i], texts[i]));
  }
  const double sign_us = Us(Clock::now() - s0) / static_cast<double>(reps * ids.size());
  Clock::time_point v0 = Clock::now();
  size_t bad = 0;
  for (uint32_t r = 0; r < reps; ++r) {
    protocol::ChatStreamVerifier verifier(id, key.public_key());
    for (const auto& c : chunks) bad += verifier.Accept(c).ok() ? 0 : 1;
  }
  const double verify_us = Us(Clock::now() - v0) / static_cast<double>(reps * chunks.size());
  if (bad) {
    std::fprintf(stderr, "verification failed %zu times\n", bad);
    return 1;
  }
  std::printf(
      "{\"model_id\":\"%s\",\"tokens\":%zu,\"threads\":%u,\"decode_us_per_token\":%.1f,"
      "\"sign_us_per_chunk\":%.1f,\"verify_us_per_chunk\":%.1f,\"sign_over_decode\":%.4f,"
      "\"verify_over_decode\":%.4f}\n",
      req.model_id.c_str(), ids.size(), threads, decode_us, sign_us, verify_us, sign_us / decode_us,
      verify_us / decode_us);
  return 0;
}
