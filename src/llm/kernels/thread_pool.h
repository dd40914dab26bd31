// A small persistent pool of worker threads for one Session (private).
//
// For(n, fn) calls fn(i, worker) for every chunk i in [0, n), each exactly
// once, on the calling thread (worker 0) and whichever pool threads are
// running; chunks are handed out one at a time, so a worker that the OS has
// not scheduled holds nothing up (the caller takes its share). `worker` <
// size() identifies per-thread scratch. Results must not depend on which
// thread ran a chunk (the engine's kernels do not). Workers spin briefly
// before sleeping, since a decode step issues a few hundred short calls.
// Not reentrant; one thread drives it.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace vinet::llm::kernels {

class ThreadPool {
 public:
  explicit ThreadPool(unsigned threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  unsigned size() const { return n_; }
  void For(uint32_t n_chunks, const std::function<void(uint32_t, unsigned)>& fn);

 private:
  void Worker(unsigned id);
  // Grabs and runs chunks of job generation `gen` until none are left.
  void Drain(uint32_t gen, unsigned worker);

  unsigned n_;
  std::vector<std::thread> workers_;
  // The current job; written before its generation is published.
  std::atomic<const std::function<void(uint32_t, unsigned)>*> job_fn_{nullptr};
  std::atomic<uint32_t> job_n_{0};
  // (generation << 32) | next chunk: one word, so a stale worker's grab fails.
  alignas(64) std::atomic<uint64_t> state_{0};
  alignas(64) std::atomic<uint32_t> done_{0};
  alignas(64) std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::condition_variable cv_;
};

}  // namespace vinet::llm::kernels
