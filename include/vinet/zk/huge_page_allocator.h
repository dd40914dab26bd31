// An allocator for large prover buffers (the Ligero encoded matrix, Merkle trees,
// Basefold's folded tables and later-round codewords, sumcheck tables):
// blocks of 1 MiB or more are 2 MiB-aligned and advised as transparent huge
// pages, which cuts the page faults of first touch, and freed blocks are kept
// in a process-wide cache (up to kHugeCacheBytes, reused for a request of the
// same rounded size) so the next proof's buffers need no fresh pages at all.
// Smaller blocks go to malloc. Falls back to ordinary pages silently when the
// kernel declines. Stateless; any instance frees any other's memory;
// thread-safe.
#pragma once

#include <cstddef>
#include <new>
#include <utility>
#include <vector>

namespace vinet::zk::detail {

inline constexpr size_t kHugePage = size_t{2} << 20;
inline constexpr size_t kHugeMinBytes = size_t{1} << 20;
// 1 GiB: an opening of the 2^21-weight MLP's hiding commitment holds ~0.7 GiB
// of such buffers (the combined table, the fold buffer, the round-1 codeword
// and its four coordinate columns); with 256 MiB most of them were fresh
// pages every proof (docs/benchmarks.md "Session 11, lane zkprove").
inline constexpr size_t kHugeCacheBytes = size_t{1024} << 20;

// A block of at least `bytes` (> 0), or nullptr when out of memory.
void* HugeAllocate(size_t bytes);
// Frees a block from HugeAllocate(bytes).
void HugeDeallocate(void* p, size_t bytes);

template <typename T>
struct HugePageAllocator {
  using value_type = T;

  HugePageAllocator() = default;
  template <typename U>
  HugePageAllocator(const HugePageAllocator<U>&) {}  // NOLINT: rebinding

  T* allocate(size_t n) {
    void* p = HugeAllocate(n == 0 ? 1 : n * sizeof(T));
    if (p == nullptr) throw std::bad_alloc();
    return static_cast<T*>(p);
  }
  void deallocate(T* p, size_t n) { HugeDeallocate(p, n == 0 ? 1 : n * sizeof(T)); }

  template <typename U>
  bool operator==(const HugePageAllocator<U>&) const {
    return true;
  }
};

// A vector of large prover buffers on huge pages.
template <typename T>
using HugeVector = std::vector<T, HugePageAllocator<T>>;

// The same blocks, but a value-less resize default-initializes: trivially
// constructible elements are left unwritten (no pass over the memory), for
// buffers that are written in full before they are read.
template <typename T>
struct HugeUninitAllocator : HugePageAllocator<T> {
  template <typename U>
  struct rebind {
    using other = HugeUninitAllocator<U>;
  };
  HugeUninitAllocator() = default;
  template <typename U>
  HugeUninitAllocator(const HugeUninitAllocator<U>&) {}  // NOLINT: rebinding

  template <typename U>
  void construct(U* p) noexcept {
    ::new (static_cast<void*>(p)) U;
  }
  template <typename U, typename... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};

template <typename T>
using HugeUninitVector = std::vector<T, HugeUninitAllocator<T>>;

}  // namespace vinet::zk::detail
