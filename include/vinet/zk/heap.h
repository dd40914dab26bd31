// Process-wide heap behaviour for processes that prove repeatedly (a node's
// prover pool, the benchmarks).
//
// KeepFreedHeapMapped() asks the C library to keep freed memory mapped:
// allocations below 32 MiB (glibc's largest mmap threshold) come from the
// heap instead of fresh mmaps, and the heap is never trimmed. A proof's
// tables, trees and digest vectors then reuse the previous proof's pages
// instead of faulting new ones in (≈ 12 % of a kind-4 MLP proof's samples
// were page faults; docs/benchmarks.md "Session 13"). The price: the
// process's resident memory stays at its peak. Idempotent and thread-safe;
// a no-op on C libraries other than glibc. Large prover buffers have their
// own cache (vinet/zk/huge_page_allocator.h).
#pragma once

namespace vinet::zk {

void KeepFreedHeapMapped();

}  // namespace vinet::zk
