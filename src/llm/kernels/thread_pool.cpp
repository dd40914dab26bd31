#include "llm/kernels/thread_pool.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace vinet::llm::kernels {
namespace {
inline void CpuRelax() {
#if defined(__x86_64__)
  _mm_pause();
#endif
}
constexpr int kSpins = 20000;
inline uint32_t Gen(uint64_t s) {
  return static_cast<uint32_t>(s >> 32);
}
}  // namespace

ThreadPool::ThreadPool(unsigned threads) : n_(threads == 0 ? 1 : threads) {
  for (unsigned i = 1; i < n_; ++i) workers_.emplace_back([this, i] { Worker(i); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_.store(true);
    state_.fetch_add(uint64_t{1} << 32);
  }
  cv_.notify_all();
  for (auto& t : workers_) t.join();
}

void ThreadPool::Drain(uint32_t gen, unsigned worker) {
  // The state is read before the job. A new job is written only after the
  // state word moved to a closed generation, so a grab (a compare-exchange
  // on the (generation, chunk) word) that succeeds used this generation's job.
  uint64_t s = state_.load(std::memory_order_acquire);
  const auto* fn = job_fn_.load(std::memory_order_acquire);
  const uint32_t n = job_n_.load(std::memory_order_acquire);
  for (;;) {
    if (Gen(s) != gen) return;
    const uint32_t c = static_cast<uint32_t>(s);
    if (c >= n) return;
    if (!state_.compare_exchange_weak(s, s + 1, std::memory_order_acq_rel,
                                      std::memory_order_acquire))
      continue;
    (*fn)(c, worker);
    done_.fetch_add(1, std::memory_order_acq_rel);
    s = state_.load(std::memory_order_acquire);
  }
}

void ThreadPool::For(uint32_t n_chunks, const std::function<void(uint32_t, unsigned)>& fn) {
  if (n_ == 1 || n_chunks <= 1) {
    for (uint32_t c = 0; c < n_chunks; ++c) fn(c, 0);
    return;
  }
  // Close the previous generation first (no chunk left to grab), so a worker
  // that still holds its state word cannot grab against the new job's count;
  // then write the job and publish it under a fresh generation.
  const uint32_t prev = Gen(state_.load(std::memory_order_relaxed));
  state_.store((static_cast<uint64_t>(prev + 1) << 32) | 0xffffffffu, std::memory_order_release);
  const uint32_t gen = prev + 2;
  job_fn_.store(&fn, std::memory_order_release);
  job_n_.store(n_chunks, std::memory_order_release);
  done_.store(0, std::memory_order_release);
  {
    std::lock_guard<std::mutex> lock(mu_);
    state_.store(static_cast<uint64_t>(gen) << 32, std::memory_order_release);
  }
  cv_.notify_all();
  Drain(gen, 0);
  // Only chunks that running workers took are outstanding.
  int spins = 0;
  while (done_.load(std::memory_order_acquire) != n_chunks) {
    if (++spins < kSpins) {
      CpuRelax();
    } else {
      std::this_thread::yield();
    }
  }
}

void ThreadPool::Worker(unsigned id) {
  uint32_t seen = 0;
  for (;;) {
    int spins = 0;
    uint32_t g;
    while ((g = Gen(state_.load(std::memory_order_acquire))) == seen && spins < kSpins) {
      CpuRelax();
      ++spins;
    }
    if (g == seen) {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return Gen(state_.load(std::memory_order_acquire)) != seen; });
      g = Gen(state_.load(std::memory_order_acquire));
    }
    seen = g;
    if (stop_.load()) return;
    Drain(g, id);
  }
}

}  // namespace vinet::llm::kernels
