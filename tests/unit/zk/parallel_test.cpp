// ParallelFor (vinet/zk/parallel.h): every index runs exactly once in the
// documented chunks, on the pool, nested in another call's chunk, and from
// concurrent callers (which fall back to short-lived threads).
#include "vinet/zk/parallel.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace vinet::zk {
namespace {

// Runs ParallelFor(n, threads) and checks coverage and chunk boundaries.
void CheckCoverage(size_t n, unsigned threads, size_t min_per_thread) {
  std::vector<std::atomic<int>> hits(n);
  std::atomic<size_t> calls{0};
  size_t workers = std::max<size_t>(1, std::min<size_t>(threads, n / min_per_thread));
  size_t chunk = (n + workers - 1) / workers;
  ParallelFor(
      n, threads,
      [&](size_t b, size_t e) {
        ASSERT_LT(b, e);
        ASSERT_EQ(b % chunk, 0u);
        ASSERT_EQ(e, std::min(n, b + chunk));
        for (size_t i = b; i < e; ++i) hits[i].fetch_add(1);
        calls.fetch_add(1);
      },
      min_per_thread);
  for (size_t i = 0; i < n; ++i) ASSERT_EQ(hits[i].load(), 1) << i;
  EXPECT_EQ(calls.load(), (n + chunk - 1) / chunk);
}

TEST(ParallelFor, CoversEveryIndexOnceInTheDocumentedChunks) {
  for (unsigned threads : {1u, 2u, 3u, 8u}) {
    for (size_t n : {1, 2, 7, 100, 4096, 10'001}) {
      for (size_t min : {1, 16, 4096}) CheckCoverage(n, threads, min);
    }
  }
}

TEST(ParallelFor, NestedAndConcurrentCallsComplete) {
  constexpr size_t kOuter = 64, kInner = 1000;
  std::vector<std::atomic<int>> hits(kOuter * kInner);
  auto nested = [&] {
    ParallelFor(
        kOuter, 4,
        [&](size_t b, size_t e) {
          for (size_t o = b; o < e; ++o) {
            ParallelFor(
                kInner, 3,
                [&](size_t ib, size_t ie) {
                  for (size_t i = ib; i < ie; ++i) hits[o * kInner + i].fetch_add(1);
                },
                10);
          }
        },
        1);
  };
  std::vector<std::thread> callers;
  for (int c = 0; c < 4; ++c) callers.emplace_back(nested);
  for (auto& t : callers) t.join();
  for (size_t i = 0; i < hits.size(); ++i) ASSERT_EQ(hits[i].load(), 4) << i;
}

TEST(ParallelFor, ManySmallJobsInARow) {
  // Back-to-back jobs exercise the workers' spin-then-sleep hand-off.
  std::vector<uint64_t> out(4096);
  for (uint64_t round = 1; round <= 2000; ++round) {
    ParallelFor(
        out.size(), 2,
        [&](size_t b, size_t e) {
          for (size_t i = b; i < e; ++i) out[i] += round;
        },
        16);
  }
  for (uint64_t v : out) ASSERT_EQ(v, 2000u * 2001u / 2);
}

}  // namespace
}  // namespace vinet::zk
