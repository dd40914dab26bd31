// GgufFile::Mapping: a read-only private mmap of a whole file, unmapped on
// destruction. Defined here (not in gguf.h) so the public header stays free
// of POSIX details; every file that creates or destroys a GgufFile includes it.
#pragma once

#include <sys/mman.h>

#include "vinet/llm/gguf.h"

namespace vinet::llm {

struct GgufFile::Mapping {
  void* addr = nullptr;
  size_t len = 0;
  Mapping() = default;
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;
  ~Mapping() {
    if (addr) munmap(addr, len);
  }
};

}  // namespace vinet::llm
