#include "vinet/zk/random.h"

#include <openssl/rand.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>

#include "zk/common/sha256_fast.h"

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

Digest RandomSeed() {
  std::vector<Fp> words = RandomFps(4);  // 4 x ~64 bits, through the same source
  Digest d{};
  for (size_t i = 0; i < 4; ++i) {
    uint64_t w = words[i].value();
    std::memcpy(d.data() + 8 * i, &w, 8);
  }
  return d;
}

void MaskStream::Fill(std::span<Fp> out) {
  static constexpr char kDomain[] = "vinet.zk.mask";
  // SHA-256(domain || seed || u64le(block)): one padded block, hashed four
  // blocks at a time (same digests as one SHA-256 call each); the words of
  // blocks past the one that fills `out` are not used, as one call at a time.
  uint8_t prefix[sizeof(kDomain) - 1 + 32];
  std::memcpy(prefix, kDomain, sizeof(kDomain) - 1);
  std::memcpy(prefix + sizeof(kDomain) - 1, seed_.data(), 32);
  const detail::Sha256OneBlockSearch hasher{ByteSpan(prefix, sizeof(prefix))};
  constexpr size_t kLanes = detail::Sha256OneBlockSearch::kLanes;
  size_t filled = 0;
  while (filled < out.size()) {
    Digest h[kLanes];
    hasher.Hash(block_, h);
    for (size_t l = 0; l < kLanes && filled < out.size(); ++l) {
      ++block_;
      for (size_t i = 0; i < 4 && filled < out.size(); ++i) {
        uint64_t w;
        std::memcpy(&w, h[l].data() + 8 * i, 8);
        if (w < Fp::kModulus) out[filled++] = Fp(w);
      }
    }
  }
}

std::vector<Fp> MaskStream::Take(size_t count) {
  std::vector<Fp> out(count);
  Fill(out);
  return out;
}

std::vector<Fp> RandomFps(size_t count) {
  std::vector<Fp> out(count);
  RandomFps(out);
  return out;
}

}  // namespace vinet::zk
