#include "vinet/zk/parallel.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace vinet::zk {
namespace {

void CpuRelax() {
#if defined(__x86_64__)
  _mm_pause();
#endif
}

// Brief spins before sleeping on a futex (a pause is ~50 ns on some x86
// parts, so 128 are ~7 us, about what a sleep and wake-up cost): enough to
// catch a chunk that ends just after the caller's, short enough to waste
// little CPU on a 2-core machine shared with other work.
constexpr int kSpins = 128;

// Chunk `index` of a job: [index * chunk, min(n, (index + 1) * chunk)).
struct Job {
  const std::function<void(size_t, size_t)>* fn = nullptr;
  size_t n = 0;
  size_t chunk = 0;
};

// Persistent workers for ParallelFor (one job at a time). Worker w (1-based)
// runs chunk w of each job that has more than w chunks; the caller runs
// chunk 0. The job word packs a generation counter (high bits) and the
// job's chunk count (low 16 bits), so idle workers read nothing else.
class WorkerPool {
 public:
  static constexpr size_t kMaxWorkers = 1023;

  // Runs the job's `chunks` chunks on the pool and the calling thread, or
  // returns false without running anything if the pool is in use (a
  // concurrent or nested ParallelFor) or belongs to a parent process.
  bool TryRun(const Job& job, size_t chunks) {
    if (chunks - 1 > kMaxWorkers || getpid() != pid_) return false;
    // A flag, not a mutex: a nested call from the caller's own chunk must see
    // "busy" rather than relock.
    if (busy_.exchange(true, std::memory_order_acquire)) return false;
    while (workers_ < chunks - 1) {
      ++workers_;
      // The worker starts from the current word: the job below is new to it.
      std::thread([this, w = workers_, seen = word_.load(std::memory_order_relaxed)] {
        Work(w, seen);
      }).detach();
    }
    job_ = job;
    pending_.store(chunks - 1, std::memory_order_relaxed);
    generation_ += 1;
    word_.store((generation_ << 16) | chunks, std::memory_order_release);
    word_.notify_all();
    (*job.fn)(0, std::min(job.n, job.chunk));
    size_t left = pending_.load(std::memory_order_acquire);
    for (int s = 0; s < kSpins && left != 0; ++s) {
      CpuRelax();
      left = pending_.load(std::memory_order_acquire);
    }
    while (left != 0) {
      pending_.wait(left, std::memory_order_acquire);
      left = pending_.load(std::memory_order_acquire);
    }
    busy_.store(false, std::memory_order_release);
    return true;
  }

  static WorkerPool& Get() {
    // Never destroyed: detached workers may still be parked at exit.
    static WorkerPool* pool = new WorkerPool;
    return *pool;
  }

 private:
  void Work(size_t w, uint64_t seen) {
    for (;;) {
      uint64_t word = word_.load(std::memory_order_acquire);
      for (int s = 0; s < kSpins && word == seen; ++s) {
        CpuRelax();
        word = word_.load(std::memory_order_acquire);
      }
      while (word == seen) {
        word_.wait(seen, std::memory_order_acquire);
        word = word_.load(std::memory_order_acquire);
      }
      seen = word;
      if (w >= (word & 0xFFFF)) continue;  // not in this job
      // The caller waits for this chunk, so job_ stays as published.
      size_t begin = w * job_.chunk, end = std::min(job_.n, begin + job_.chunk);
      if (begin < end) (*job_.fn)(begin, end);
      if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) pending_.notify_one();
    }
  }

  const pid_t pid_ = getpid();
  std::atomic<bool> busy_{false};  // set by the running job's caller
  size_t workers_ = 0;             // written under busy_
  uint64_t generation_ = 0;        // written under busy_
  Job job_;                        // written under busy_ before word_ is published
  std::atomic<uint64_t> word_{0};
  std::atomic<size_t> pending_{0};  // workers still running the current job
};

}  // namespace

void ParallelFor(size_t n, unsigned threads, const std::function<void(size_t, size_t)>& fn,
                 size_t min_per_thread) {
  if (n == 0) return;
  size_t workers =
      std::max<size_t>(1, std::min<size_t>(threads, n / std::max<size_t>(1, min_per_thread)));
  if (workers <= 1) {
    fn(0, n);
    return;
  }
  size_t chunk = (n + workers - 1) / workers;
  size_t chunks = (n + chunk - 1) / chunk;  // the non-empty ones
  if (chunks <= 1) {
    fn(0, n);
    return;
  }
  if (WorkerPool::Get().TryRun(Job{&fn, n, chunk}, chunks)) return;
  // The pool is busy (a concurrent or nested call): short-lived threads.
  std::vector<std::thread> pool;
  pool.reserve(chunks - 1);
  for (size_t w = 1; w < chunks; ++w) {
    size_t begin = w * chunk;
    size_t end = std::min(n, begin + chunk);
    pool.emplace_back([&fn, begin, end] { fn(begin, end); });
  }
  fn(0, std::min(n, chunk));
  for (auto& t : pool) t.join();
}

}  // namespace vinet::zk
