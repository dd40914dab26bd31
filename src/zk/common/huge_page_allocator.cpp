#include "vinet/zk/huge_page_allocator.h"

#include <sys/mman.h>

#include <cstdlib>
#include <mutex>
#include <vector>

namespace vinet::zk::detail {
namespace {

// Freed huge blocks by rounded size, most recent last.
struct Cache {
  std::mutex mu;
  std::vector<std::pair<size_t, void*>> blocks;
  size_t bytes = 0;
};

Cache& TheCache() {
  static Cache* cache = new Cache;  // never destroyed: buffers may be freed at exit
  return *cache;
}

size_t Rounded(size_t bytes) {
  return (bytes + kHugePage - 1) / kHugePage * kHugePage;
}

}  // namespace

void* HugeAllocate(size_t bytes) {
  if (bytes < kHugeMinBytes) return std::malloc(bytes);
  size_t rounded = Rounded(bytes);
  {
    Cache& c = TheCache();
    std::lock_guard<std::mutex> lock(c.mu);
    for (size_t i = c.blocks.size(); i-- > 0;) {
      if (c.blocks[i].first == rounded) {
        void* p = c.blocks[i].second;
        c.blocks.erase(c.blocks.begin() + static_cast<std::ptrdiff_t>(i));
        c.bytes -= rounded;
        return p;
      }
    }
  }
  void* p = std::aligned_alloc(kHugePage, rounded);
  if (p != nullptr) madvise(p, rounded, MADV_HUGEPAGE);  // advisory: failure loses the speed-up
  return p;
}

void HugeDeallocate(void* p, size_t bytes) {
  if (p == nullptr) return;
  if (bytes < kHugeMinBytes) return std::free(p);
  size_t rounded = Rounded(bytes);
  if (rounded > kHugeCacheBytes) return std::free(p);
  std::vector<void*> evicted;  // the oldest blocks, to make room
  {
    Cache& c = TheCache();
    std::lock_guard<std::mutex> lock(c.mu);
    size_t drop = 0;
    while (c.bytes + rounded > kHugeCacheBytes) {
      c.bytes -= c.blocks[drop].first;
      evicted.push_back(c.blocks[drop++].second);
    }
    c.blocks.erase(c.blocks.begin(), c.blocks.begin() + static_cast<std::ptrdiff_t>(drop));
    c.blocks.emplace_back(rounded, p);
    c.bytes += rounded;
  }
  for (void* q : evicted) std::free(q);
}

}  // namespace vinet::zk::detail
