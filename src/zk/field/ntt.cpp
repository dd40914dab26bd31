#include "vinet/zk/field/ntt.h"

#include <algorithm>
#include <bit>
#include <cassert>
#include <memory>
#include <mutex>
#include <utility>

#include "vinet/zk/parallel.h"
#include "zk/field/ntt_avx512.h"

namespace vinet::zk {
namespace {

// Twiddles for every level up to 2^log_max: tw[half + j] = w_{2*half}^j for
// the butterfly level whose blocks have size 2*half. One table serves all sizes.
class TwiddleCache {
 public:
  std::shared_ptr<const std::vector<Fp>> Get(int log_n) {
    std::lock_guard<std::mutex> lock(mu_);
    if (log_n > log_max_ || !table_) Grow(std::max(log_n, 12));
    return table_;
  }

 private:
  void Grow(int log_n) {
    auto table = std::make_shared<std::vector<Fp>>(size_t{1} << log_n);
    for (int level = 1; level <= log_n; ++level) {
      size_t half = size_t{1} << (level - 1);
      Fp w = Fp::RootOfUnity(level);
      Fp acc = Fp::One();
      for (size_t j = 0; j < half; ++j) {
        (*table)[half + j] = acc;
        acc *= w;
      }
    }
    table_ = std::move(table);
    log_max_ = log_n;
  }

  std::mutex mu_;
  std::shared_ptr<const std::vector<Fp>> table_;
  int log_max_ = 0;
};

TwiddleCache& Cache() {
  static TwiddleCache cache;
  return cache;
}

constexpr size_t kCacheBlock = size_t{1} << 12;

static_assert(sizeof(Fp) == sizeof(uint64_t), "the vector kernels read Fp as its u64 value");

uint64_t* Words(Fp* a) {
  return reinterpret_cast<uint64_t*>(a);
}
const uint64_t* Words(const Fp* a) {
  return reinterpret_cast<const uint64_t*>(a);
}

// One DIF level on a block of size 2*half, for j in [j0, j1): 8 butterflies
// at a time with AVX-512 when the CPU has it (same values).
inline void DifLevel(Fp* a, size_t half, const Fp* tw, size_t j0, size_t j1) {
  if (half >= 8 && detail::HasAvx512())
    j0 = detail::DifLevelAvx512(Words(a), half, Words(tw), j0, j1);
  for (size_t j = j0; j < j1; ++j) {
    Fp u = a[j];
    Fp v = a[j + half];
    a[j] = u + v;
    a[j + half] = (u - v) * tw[half + j];
  }
}

void DifIterative(Fp* a, size_t n, const Fp* tw) {
  if (n >= 16 && detail::HasAvx512()) {
    // Levels down to half = 8 in one call, then the last three on 16 values at a time.
    detail::DifLevelsAvx512(Words(a), n, Words(tw));
    detail::DifTailAvx512(Words(a), n, Words(tw));
    return;
  }
  for (size_t half = n / 2; half >= 2; half /= 2) {
    for (size_t block = 0; block < n; block += 2 * half) DifLevel(a + block, half, tw, 0, half);
  }
  // Last level: the twiddle is 1.
  for (size_t j = 0; j < n; j += 2) {
    Fp u = a[j], v = a[j + 1];
    a[j] = u + v;
    a[j + 1] = u - v;
  }
}

void DifRecursive(Fp* a, size_t n, const Fp* tw, unsigned threads) {
  if (n <= kCacheBlock) {
    DifIterative(a, n, tw);
    return;
  }
  size_t half = n / 2;
  ParallelFor(half, threads, [&](size_t b, size_t e) { DifLevel(a, half, tw, b, e); });
  if (threads > 1) {
    unsigned sub = threads / 2;
    ParallelFor(
        2, 2,
        [&](size_t b, size_t e) {
          for (size_t i = b; i < e; ++i) DifRecursive(a + i * half, half, tw, std::max(1u, sub));
        },
        1);
  } else {
    DifRecursive(a, half, tw, 1);
    DifRecursive(a + half, half, tw, 1);
  }
}

void BitReverse(std::span<Fp> a) {
  size_t n = a.size();
  if (n <= 2) return;
  size_t r = 0;
  for (size_t i = 1; i < n; ++i) {
    size_t bit = n >> 1;
    for (; r & bit; bit >>= 1) r ^= bit;
    r ^= bit;
    if (i < r) std::swap(a[i], a[r]);
  }
}

}  // namespace

void NttBitReversed(std::span<Fp> a, unsigned threads) {
  size_t n = a.size();
  assert(std::has_single_bit(n));
  if (n <= 1) return;
  auto tw = Cache().Get(std::countr_zero(n));
  DifRecursive(a.data(), n, tw->data(), threads);
}

void NttBitReversedPadded(std::span<Fp> a, size_t prefix_len, unsigned threads) {
  size_t n = a.size();
  assert(std::has_single_bit(n) && std::has_single_bit(prefix_len) && prefix_len <= n);
  if (n <= 1) return;
  auto tw_table = Cache().Get(std::countr_zero(n));
  const Fp* tw = tw_table->data();
  Fp* data = a.data();
  size_t half = n / 2;
  // While every block's second half is zero, a butterfly is one multiplication.
  for (; half >= prefix_len && half >= 1; half /= 2) {
    ParallelFor(prefix_len, threads, [&](size_t b, size_t e) {
      for (size_t block = 0; block < n; block += 2 * half) {
        size_t j = b;
        if (detail::HasAvx512()) {
          j += detail::MulAvx512(Words(data + block + half + b), Words(data + block + b),
                                 Words(tw + half + b), e - b);
        }
        for (; j < e; ++j) data[block + half + j] = data[block + j] * tw[half + j];
      }
    });
  }
  size_t block_size = 2 * half;
  if (block_size < 2) return;
  size_t blocks = n / block_size;
  if (blocks == 1) {
    DifRecursive(data, n, tw, threads);
    return;
  }
  ParallelFor(
      blocks, threads,
      [&](size_t b, size_t e) {
        for (size_t i = b; i < e; ++i) DifRecursive(data + i * block_size, block_size, tw, 1);
      },
      1);
}

void Ntt(std::span<Fp> a, unsigned threads) {
  NttBitReversed(a, threads);
  BitReverse(a);
}

void InverseNtt(std::span<Fp> a, unsigned threads) {
  size_t n = a.size();
  if (n <= 1) return;
  Ntt(a, threads);
  // The inverse transform is the forward one at w^-1: index k -> n - k.
  std::reverse(a.begin() + 1, a.end());
  Fp inv_n = Fp(n).Inverse();
  ParallelFor(n, threads, [&](size_t b, size_t e) {
    for (size_t i = b; i < e; ++i) a[i] *= inv_n;
  });
}

std::vector<Fp> NaiveDft(std::span<const Fp> a) {
  size_t n = a.size();
  std::vector<Fp> out(n);
  if (n == 0) return out;
  Fp w = Fp::RootOfUnity(std::countr_zero(n));
  Fp wk = Fp::One();
  for (size_t k = 0; k < n; ++k) {
    Fp acc, x = Fp::One();
    for (size_t j = 0; j < n; ++j) {
      acc += a[j] * x;
      x *= wk;
    }
    out[k] = acc;
    wk *= w;
  }
  return out;
}

}  // namespace vinet::zk
