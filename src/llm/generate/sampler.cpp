#include "llm/generate/sampler.h"

#include <algorithm>

#include "llm/kernels/math.h"

namespace vinet::llm {

Xoshiro256::Xoshiro256(uint64_t seed) {
  uint64_t x = seed;
  for (auto& s : s_) {  // SplitMix64
    x += 0x9e3779b97f4a7c15ULL;
    uint64_t z = x;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    s = z ^ (z >> 31);
  }
}

uint64_t Xoshiro256::Next() {
  auto rotl = [](uint64_t v, int k) { return (v << k) | (v >> (64 - k)); };
  const uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

double Xoshiro256::NextDouble() {
  return static_cast<double>(Next() >> 11) * 0x1.0p-53;
}

int32_t SampleToken(std::span<const float> logits, const SamplingParams& p, Xoshiro256& rng,
                    std::vector<std::pair<float, int32_t>>& c) {
  const int32_t n = static_cast<int32_t>(logits.size());
  if (p.temperature == 0.0f) {
    int32_t best = 0;
    for (int32_t i = 1; i < n; ++i) {
      if (logits[i] > logits[best]) best = i;
    }
    return best;
  }
  // Candidates by descending logit, ties by ascending id; top-k keeps the first k.
  c.resize(n);
  for (int32_t i = 0; i < n; ++i) c[i] = {logits[i], i};
  auto before = [](const std::pair<float, int32_t>& a, const std::pair<float, int32_t>& b) {
    return a.first > b.first || (a.first == b.first && a.second < b.second);
  };
  size_t keep = c.size();
  if (p.top_k > 0 && p.top_k < keep) {
    keep = p.top_k;
    std::partial_sort(c.begin(), c.begin() + static_cast<std::ptrdiff_t>(keep), c.end(), before);
  } else {
    std::sort(c.begin(), c.end(), before);
  }
  // Weights e_i = exp(z_i - z_0), z_i = logit_i / temperature, in double.
  const double t = static_cast<double>(p.temperature);
  const double z0 = static_cast<double>(c[0].first) / t;
  std::vector<double> e(keep);
  double total = 0.0;
  for (size_t i = 0; i < keep; ++i) {
    e[i] = kernels::ExpD(static_cast<double>(c[i].first) / t - z0);
    total += e[i];
  }
  // Top-p: the shortest prefix whose probability mass reaches top_p.
  if (p.top_p < 1.0f) {
    const double target = static_cast<double>(p.top_p) * total;
    double cum = 0.0;
    size_t k = 0;
    while (k < keep) {
      cum += e[k++];
      if (cum >= target) break;
    }
    keep = k;
    total = 0.0;
    for (size_t i = 0; i < keep; ++i) total += e[i];
  }
  // One draw: the first candidate whose cumulative weight exceeds u * total.
  const double u = rng.NextDouble() * total;
  double cum = 0.0;
  for (size_t i = 0; i < keep; ++i) {
    cum += e[i];
    if (cum > u) return c[i].second;
  }
  return c[keep - 1].second;
}

}  // namespace vinet::llm
