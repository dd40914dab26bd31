#include "vinet/zk/random.h"

#include <openssl/rand.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>

namespace vinet::zk {

struct ScopedSeededMasksForTesting::State {
  std::mt19937_64 rng;
};

namespace {
thread_local ScopedSeededMasksForTesting::State* seeded = nullptr;
}  // namespace

ScopedSeededMasksForTesting::ScopedSeededMasksForTesting(uint64_t seed)
    : previous_(seeded), state_(new State{std::mt19937_64(seed)}) {
  seeded = state_;
}

ScopedSeededMasksForTesting::~ScopedSeededMasksForTesting() {
  seeded = previous_;
  delete state_;
}

void RandomFps(std::span<Fp> out) {
  if (seeded != nullptr) {
    for (auto& x : out) {
      uint64_t w;
      do w = seeded->rng();
      while (w >= Fp::kModulus);
      x = Fp(w);
    }
    return;
  }
  constexpr size_t kBatch = 512;
  uint64_t words[kBatch];
  size_t filled = 0;
  while (filled < out.size()) {
    // A word is rejected with probability (2^32 - 1) / 2^64: over-draw by one
    // batch word per call and loop if that was not enough.
    size_t want = std::min(kBatch, out.size() - filled + 1);
    if (RAND_bytes(reinterpret_cast<unsigned char*>(words), static_cast<int>(want * 8)) != 1) {
      std::fputs("vinet: RAND_bytes failed; refusing to continue without masks\n", stderr);
      std::abort();
    }
    for (size_t i = 0; i < want && filled < out.size(); ++i) {
      if (words[i] < Fp::kModulus) out[filled++] = Fp(words[i]);
    }
  }
  std::memset(words, 0, sizeof(words));
}

std::vector<Fp> RandomFps(size_t count) {
  std::vector<Fp> out(count);
  RandomFps(out);
  return out;
}

}  // namespace vinet::zk
