// Fuzzes GgufFile::Parse with arbitrary bytes. Whatever parses is walked in
// full: every key looked up again, every typed getter called, every string
// and array element and every tensor byte read, so a view that strays outside
// the input shows up under the sanitizers.
#include <cstddef>
#include <cstdint>

#include "vinet/llm/gguf.h"

using namespace vinet::llm;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto file = GgufFile::Parse({data, size});
  if (!file.ok()) return 0;
  volatile uint64_t sink = 0;
  for (const auto& [key, v] : file->metadata()) {
    if (file->Find(key) != &v) __builtin_trap();  // the index finds every key
    (void)file->GetString(key);
    (void)file->GetUint(key);
    (void)file->GetFloat(key);
    (void)file->GetBool(key);
    (void)file->GetStringArray(key);
    (void)file->GetFloatArray(key);
    (void)file->GetIntArray(key);
    for (char c : v.str) sink = sink + static_cast<uint8_t>(c);
    for (auto s : v.strings)
      for (char c : s) sink = sink + static_cast<uint8_t>(c);
    for (uint8_t b : v.array_raw) sink = sink + b;
  }
  for (const GgufTensor& t : file->tensors()) {
    if (file->FindTensor(t.name) != &t) __builtin_trap();
    if (t.file_offset + t.nbytes > size || t.data != data + t.file_offset) __builtin_trap();
    if (t.file_offset % file->alignment() != 0) __builtin_trap();
    auto row = RowBytes(t.type, t.row_elems());
    if (!row || *row * t.rows() != t.nbytes) __builtin_trap();
    for (uint64_t i = 0; i < t.nbytes; ++i) sink = sink + t.data[i];
  }
  return 0;
}
