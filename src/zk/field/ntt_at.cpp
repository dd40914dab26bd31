#include "vinet/zk/field/ntt_at.h"

#include <algorithm>
#include <bit>
#include <cassert>
#include <map>
#include <memory>
#include <mutex>

namespace vinet::zk {
namespace {

// w_n^j for j < n/2, w_n = Fp::RootOfUnity(log2 n); a block of size m < n
// uses w_m^j = w_n^(j·n/m).
std::shared_ptr<const std::vector<Fp>> Twiddles(size_t n) {
  static std::mutex mu;
  static std::map<size_t, std::shared_ptr<const std::vector<Fp>>> cache;
  std::lock_guard<std::mutex> lock(mu);
  auto& slot = cache[n];
  if (!slot) {
    auto t = std::make_shared<std::vector<Fp>>(n / 2);
    Fp w = Fp::RootOfUnity(std::countr_zero(n)), acc = Fp::One();
    for (Fp& x : *t) {
      x = acc;
      acc *= w;
    }
    slot = std::move(t);
  }
  return slot;
}

struct Pruned {
  const Fp* tw;
  size_t n;  // the full size (twiddle table of n/2)

  // DIF on a[0, m) where a[nz, m) is zero, for the requested positions
  // q[0, count) (relative to a, increasing).
  void Run(Fp2* a, size_t m, size_t nz, const size_t* q, size_t count, size_t base) const {
    if (count == 0 || m == 1) return;
    size_t h = m / 2, step = n / m;
    const size_t* split = std::lower_bound(q, q + count, base + h);
    size_t left = static_cast<size_t>(split - q), right = count - left;
    if (nz <= h) {
      // The second half is zero: a butterfly is (u, u·w^j).
      if (right > 0) {
        for (size_t j = 0; j < nz; ++j) a[j + h] = a[j] * tw[j * step];
      }
      Run(a, h, nz, q, left, base);
      Run(a + h, h, nz, split, right, base + h);
      return;
    }
    if (left > 0 && right > 0) {
      for (size_t j = 0; j < h; ++j) {
        Fp2 u = a[j], v = a[j + h];
        a[j] = u + v;
        a[j + h] = (u - v) * tw[j * step];
      }
    } else if (left > 0) {
      for (size_t j = 0; j < h; ++j) a[j] += a[j + h];
    } else {
      for (size_t j = 0; j < h; ++j) a[j + h] = (a[j] - a[j + h]) * tw[j * step];
    }
    Run(a, h, h, q, left, base);
    Run(a + h, h, h, split, right, base + h);
  }
};

}  // namespace

std::vector<Fp2> NttBitReversedPaddedAt(std::span<const Fp2> msg, size_t n,
                                        std::span<const size_t> positions) {
  assert(std::has_single_bit(n) && msg.size() <= n);
  assert(std::is_sorted(positions.begin(), positions.end()));
  assert(positions.empty() || positions.back() < n);
  std::vector<Fp2> a(n);
  std::copy(msg.begin(), msg.end(), a.begin());
  if (n > 1) {
    auto tw = Twiddles(n);
    Pruned{tw->data(), n}.Run(a.data(), n, std::bit_ceil(std::max<size_t>(msg.size(), 1)),
                              positions.data(), positions.size(), 0);
  }
  std::vector<Fp2> out;
  out.reserve(positions.size());
  for (size_t q : positions) out.push_back(a[q]);
  return out;
}

}  // namespace vinet::zk
