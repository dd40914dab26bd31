// LLM engine benchmark: prefill and decode tokens/s of a GGUF model, peak RSS.
//
// llm_bench MODEL.gguf [--threads N] [--prompt P] [--decode D] [--kernels auto|scalar|avx2]
// Prefill evaluates P fixed token ids in one call; decode then runs D single
// token steps (greedy). Prints one JSON object. bench/llm/run.sh compares it
// with llama.cpp on the same file in the same run.
#include <sys/resource.h>
#include <time.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "vinet/llm/model.h"
#include "vinet/llm/session.h"

int main(int argc, char** argv) {
  using namespace vinet::llm;
  if (argc < 2) {
    std::fprintf(
        stderr,
        "usage: llm_bench MODEL.gguf [--threads N] [--prompt P] [--decode D] [--kernels K]\n");
    return 2;
  }
  uint32_t threads = 1, prompt = 128, decode = 64;
  KernelPath path = KernelPath::kAuto;
  for (int i = 2; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--threads") {
      threads = static_cast<uint32_t>(std::stoul(v));
    } else if (k == "--prompt") {
      prompt = static_cast<uint32_t>(std::stoul(v));
    } else if (k == "--decode") {
      decode = static_cast<uint32_t>(std::stoul(v));
    } else if (k == "--kernels") {
      path = v == "scalar"   ? KernelPath::kScalar
             : v == "avx2"   ? KernelPath::kAvx2
             : v == "avx512" ? KernelPath::kAvx512
                             : KernelPath::kAuto;
    } else {
      std::fprintf(stderr, "unknown option %s\n", k.c_str());
      return 2;
    }
  }
  auto model = Model::Load(argv[1]);
  if (!model.ok()) {
    std::fprintf(stderr, "%s\n", model.status().ToString().c_str());
    return 1;
  }
  auto session =
      Session::Create(**model, {.n_ctx = prompt + decode, .threads = threads, .kernels = path});
  if (!session.ok()) {
    std::fprintf(stderr, "%s\n", session.status().ToString().c_str());
    return 1;
  }
  std::vector<int32_t> tokens(prompt);
  const uint32_t vocab = (*model)->config().n_vocab;
  for (uint32_t i = 0; i < prompt; ++i)
    tokens[i] = static_cast<int32_t>((1000 + 7919u * i) % vocab);
  using Clock = std::chrono::steady_clock;
  // CPU seconds of the whole process (all threads): on a shared machine,
  // tokens per CPU-second are steadier than per wall second.
  auto cpu = [] {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
  };
  const double c0 = cpu();
  auto t0 = Clock::now();
  if (auto st = (*session)->Prefill(tokens); !st.ok()) {
    std::fprintf(stderr, "%s\n", st.ToString().c_str());
    return 1;
  }
  auto t1 = Clock::now();
  const double c1 = cpu();
  for (uint32_t i = 0; i < decode; ++i) {
    auto l = (*session)->logits();
    int32_t best = 0;
    for (size_t k = 1; k < l.size(); ++k) {
      if (l[k] > l[best]) best = static_cast<int32_t>(k);
    }
    if (auto st = (*session)->Decode(best); !st.ok()) {
      std::fprintf(stderr, "%s\n", st.ToString().c_str());
      return 1;
    }
  }
  auto t2 = Clock::now();
  const double c2 = cpu();
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  const double prefill_s = std::chrono::duration<double>(t1 - t0).count();
  const double decode_s = std::chrono::duration<double>(t2 - t1).count();
  std::printf(
      "{\"engine\": \"vinet\", \"threads\": %u, \"prompt\": %u, \"decode\": %u, \"prefill_tok_s\": "
      "%.2f, "
      "\"decode_tok_s\": %.2f, \"prefill_cpu_tok_s\": %.2f, \"decode_cpu_tok_s\": %.2f, "
      "\"peak_rss_mb\": %.1f}\n",
      threads, prompt, decode, prompt / prefill_s, decode / decode_s, prompt / (c1 - c0),
      decode / (c2 - c1), ru.ru_maxrss / 1024.0);
  return 0;
}
