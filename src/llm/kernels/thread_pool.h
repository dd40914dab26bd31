// A small persistent pool of worker threads for one Session (private).
//
// Run(fn) calls fn(i, n) for i = 0..n-1 on n threads (the caller is thread
// 0) and returns when all have finished. Workers spin briefly before
// sleeping, since a decode step issues a few hundred short Runs. Not
// reentrant; one thread drives it.
#pragma once

#include <atomic>
#include <condition_variable>
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
  void Run(const std::function<void(unsigned, unsigned)>& fn);

 private:
  void Worker(unsigned id);

  unsigned n_;
  std::vector<std::thread> workers_;
  const std::function<void(unsigned, unsigned)>* job_ = nullptr;
  std::atomic<uint64_t> generation_{0};
  std::atomic<unsigned> pending_{0};
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::condition_variable cv_;
};

}  // namespace vinet::llm::kernels
