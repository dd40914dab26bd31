// Fork-join helper for the prover's data-parallel loops.
//
// ParallelFor(n, threads, fn) splits [0, n) into `threads` contiguous chunks
// and calls fn(begin, end) once per non-empty chunk, the first on the calling
// thread and the others on other threads, all finished before return: a
// process-wide pool of persistent workers (started on first use, parked on a
// futex when idle), or short-lived std::threads when the pool is already
// running a job (concurrent callers, or a ParallelFor nested in another's fn).
// threads <= 1, or n below `min_per_thread * 2`, runs everything inline.
// `fn` must not throw and must only write disjoint data per chunk.
#pragma once

#include <cstddef>
#include <functional>

namespace vinet::zk {

void ParallelFor(size_t n, unsigned threads, const std::function<void(size_t, size_t)>& fn,
                 size_t min_per_thread = 4096);

}  // namespace vinet::zk
