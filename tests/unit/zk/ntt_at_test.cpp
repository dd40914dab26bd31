// NttBitReversedPaddedAt against NttBitReversedPadded run on each coordinate
// of the zero-padded message: every size up to 2^12, message lengths that are
// and are not powers of two, random position sets, all positions, and the
// ends; plus one large Ligero-like size.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <random>
#include <set>

#include "vinet/zk/field/ntt.h"
#include "vinet/zk/field/ntt_at.h"

namespace vinet::zk {
namespace {

std::vector<Fp2> FullCodeword(std::span<const Fp2> msg, size_t n) {
  std::vector<Fp> c0(n), c1(n);
  for (size_t j = 0; j < msg.size(); ++j) c0[j] = msg[j].c0(), c1[j] = msg[j].c1();
  size_t prefix = std::bit_ceil(std::max<size_t>(msg.size(), 1));
  NttBitReversedPadded(c0, prefix);
  NttBitReversedPadded(c1, prefix);
  std::vector<Fp2> out(n);
  for (size_t j = 0; j < n; ++j) out[j] = Fp2(c0[j], c1[j]);
  return out;
}

void Check(std::mt19937_64& rng, size_t msg_len, size_t n, std::vector<size_t> positions) {
  std::vector<Fp2> msg(msg_len);
  for (Fp2& x : msg) x = Fp2(Fp(rng() % Fp::kModulus), Fp(rng() % Fp::kModulus));
  std::vector<Fp2> full = FullCodeword(msg, n);
  std::vector<Fp2> at = NttBitReversedPaddedAt(msg, n, positions);
  ASSERT_EQ(at.size(), positions.size());
  for (size_t i = 0; i < positions.size(); ++i) {
    ASSERT_EQ(at[i], full[positions[i]])
        << "msg " << msg_len << " n " << n << " q " << positions[i];
  }
}

std::vector<size_t> RandomPositions(std::mt19937_64& rng, size_t count, size_t n) {
  std::set<size_t> s;
  while (s.size() < std::min(count, n)) s.insert(rng() % n);
  return {s.begin(), s.end()};
}

TEST(NttAt, MatchesThePaddedTransformAtTheRequestedPositions) {
  std::mt19937_64 rng(5);
  for (size_t log_n = 0; log_n <= 12; ++log_n) {
    size_t n = size_t{1} << log_n;
    for (size_t msg_len : {size_t{1}, n / 4 + 1, n / 2, n / 2 + 3, n}) {
      msg_len = std::clamp<size_t>(msg_len, 1, n);
      std::vector<size_t> all(n);
      for (size_t i = 0; i < n; ++i) all[i] = i;
      Check(rng, msg_len, n, all);
      Check(rng, msg_len, n, RandomPositions(rng, 7, n));
      Check(rng, msg_len, n, {0});
      Check(rng, msg_len, n, {n - 1});
      Check(rng, msg_len, n, {});
    }
  }
  Check(rng, (size_t{1} << 13) + 150, size_t{1} << 15, RandomPositions(rng, 150, size_t{1} << 15));
}

}  // namespace
}  // namespace vinet::zk
