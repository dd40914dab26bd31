// Tokenizer throughput: loads a GGUF vocabulary, then encodes a text file
// repeatedly. Prints one JSON object (load and create times, bytes, tokens,
// best-of-N encode time, MB/s, tokens/s). bench/llm/tokenizer_vs_llamacpp.py
// runs it next to llama.cpp on the same file and text.
//
//   bench_llm_tokenizer MODEL.gguf TEXT_FILE [ITERATIONS]
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "vinet/llm/gguf.h"
#include "vinet/llm/tokenizer.h"

using Clock = std::chrono::steady_clock;

static double Seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s MODEL.gguf TEXT_FILE [ITERATIONS]\n", argv[0]);
    return 2;
  }
  const int iterations = argc > 3 ? std::max(1, std::atoi(argv[3])) : 5;
  std::ifstream in(argv[2], std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", argv[2]);
    return 1;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();

  const auto t0 = Clock::now();
  auto file = vinet::llm::GgufFile::Open(argv[1]);
  if (!file.ok()) {
    std::fprintf(stderr, "%s\n", file.status().ToString().c_str());
    return 1;
  }
  auto vocab = vinet::llm::ReadVocab(*file);
  if (!vocab.ok()) {
    std::fprintf(stderr, "%s\n", vocab.status().ToString().c_str());
    return 1;
  }
  const auto t1 = Clock::now();
  auto tok = vinet::llm::Tokenizer::Create(std::move(*vocab));
  if (!tok.ok()) {
    std::fprintf(stderr, "%s\n", tok.status().ToString().c_str());
    return 1;
  }
  const auto t2 = Clock::now();

  double best = 1e30;
  size_t n_tokens = 0;
  uint64_t fnv = 1469598103934665603ull;  // FNV-1a over the ids (little-endian int32)
  for (int i = 0; i < iterations; ++i) {
    const auto a = Clock::now();
    const auto ids = tok->Encode(text, false, false);
    const auto b = Clock::now();
    best = std::min(best, Seconds(a, b));
    n_tokens = ids.size();
    if (i == 0) {
      for (int32_t id : ids) {
        for (int k = 0; k < 4; ++k) {
          fnv ^= (static_cast<uint32_t>(id) >> (8 * k)) & 0xFF;
          fnv *= 1099511628211ull;
        }
      }
    }
  }
  std::printf(
      "{\"read_vocab_s\": %.6f, \"create_s\": %.6f, \"bytes\": %zu, \"tokens\": %zu, \"encode_s\": "
      "%.6f, "
      "\"mb_per_s\": %.3f, \"tokens_per_s\": %.0f, \"ids_fnv1a\": \"%016llx\"}\n",
      Seconds(t0, t1), Seconds(t1, t2), text.size(), n_tokens, best, text.size() / best / 1e6,
      n_tokens / best, static_cast<unsigned long long>(fnv));
  return 0;
}
