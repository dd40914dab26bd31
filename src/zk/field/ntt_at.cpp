#include "vinet/zk/field/ntt_at.h"

#include <algorithm>
#include <bit>
#include <cassert>
#include <map>
#include <memory>
#include <mutex>

namespace vinet::zk {
namespace {

// tw[h + j] = w_{2h}^j for every level h = 1, 2, …, n/2 (j < h), w_m =
// Fp::RootOfUnity(log2 m): each level reads its twiddles contiguously.
std::shared_ptr<const std::vector<Fp>> Twiddles(size_t n) {
  static std::mutex mu;
  static std::map<size_t, std::shared_ptr<const std::vector<Fp>>> cache;
  std::lock_guard<std::mutex> lock(mu);
  auto& slot = cache[n];
  if (!slot) {
    auto t = std::make_shared<std::vector<Fp>>(n);
    for (size_t h = 1; h < n; h *= 2) {
      Fp w = Fp::RootOfUnity(std::countr_zero(2 * h)), acc = Fp::One();
      for (size_t j = 0; j < h; ++j) {
        (*t)[h + j] = acc;
        acc *= w;
      }
    }
    slot = std::move(t);
  }
  return slot;
}

struct Pruned {
  const Fp* tw;  // Twiddles(n) of a size n >= every block's

  // DIF on a[0, m) where a[nz, m) is zero, for the requested positions
  // q[0, count) (relative to a, increasing).
  void Run(Fp2* a, size_t m, size_t nz, const size_t* q, size_t count, size_t base) const {
    if (count == 0 || m == 1) return;
    size_t h = m / 2;
    const Fp* w = tw + h;  // w[j] = w_m^j
    const size_t* split = std::lower_bound(q, q + count, base + h);
    size_t left = static_cast<size_t>(split - q), right = count - left;
    if (nz <= h) {
      // The second half is zero: a butterfly is (u, u·w^j).
      if (right > 0) {
        for (size_t j = 0; j < nz; ++j) a[j + h] = a[j] * w[j];
      }
      Run(a, h, nz, q, left, base);
      Run(a + h, h, nz, split, right, base + h);
      return;
    }
    if (left > 0 && right > 0) {
      for (size_t j = 0; j < h; ++j) {
        Fp2 u = a[j], v = a[j + h];
        a[j] = u + v;
        a[j + h] = (u - v) * w[j];
      }
    } else if (left > 0) {
      for (size_t j = 0; j < h; ++j) a[j] += a[j + h];
    } else {
      for (size_t j = 0; j < h; ++j) a[j + h] = (a[j] - a[j + h]) * w[j];
    }
    Run(a, h, h, q, left, base);
    Run(a + h, h, h, split, right, base + h);
  }
};

}  // namespace

std::vector<Fp2> NttBitReversedPaddedAt(size_t msg_len, size_t n, std::span<const size_t> positions,
                                        const std::function<void(std::span<Fp2>)>& fill) {
  assert(std::has_single_bit(n) && msg_len <= n);
  assert(std::is_sorted(positions.begin(), positions.end()));
  assert(positions.empty() || positions.back() < n);
  // A buffer kept per thread: a fresh 2^15-element vector per opening costs
  // its page faults again on every verification.
  thread_local std::vector<Fp2> a;
  a.assign(n, Fp2());
  fill(std::span<Fp2>(a).first(msg_len));
  if (n > 1) {
    auto tw = Twiddles(n);
    Pruned{tw->data()}.Run(a.data(), n, std::bit_ceil(std::max<size_t>(msg_len, 1)),
                           positions.data(), positions.size(), 0);
  }
  std::vector<Fp2> out;
  out.reserve(positions.size());
  for (size_t q : positions) out.push_back(a[q]);
  return out;
}

std::vector<Fp2> NttBitReversedPaddedAt(std::span<const Fp2> msg, size_t n,
                                        std::span<const size_t> positions) {
  return NttBitReversedPaddedAt(msg.size(), n, positions, [&](std::span<Fp2> prefix) {
    std::copy(msg.begin(), msg.end(), prefix.begin());
  });
}

}  // namespace vinet::zk
