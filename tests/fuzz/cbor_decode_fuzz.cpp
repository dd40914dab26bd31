// Fuzzes cbor::Decode under the default limits and with maps forbidden:
// a success spans the whole input, raw spans nest inside their parent, and
// forbidding maps never turns a failure into a success.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "vinet/cbor/cbor.h"

namespace {

size_t CheckSpans(const vinet::cbor::Value& v, const uint8_t* begin, const uint8_t* end) {
  if (v.raw.data() < begin || v.raw.data() + v.raw.size() > end) std::abort();
  size_t items = 1;
  for (const auto& child : v.items)
    items += CheckSpans(child, v.raw.data(), v.raw.data() + v.raw.size());
  return items;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  vinet::ByteSpan in(data, size);
  auto any = vinet::cbor::Decode(in);
  if (any.ok()) {
    if (any->raw.size() != size) std::abort();
    if (CheckSpans(*any, data, data + size) > vinet::cbor::Limits{}.max_items) std::abort();
  }
  vinet::cbor::Limits no_maps;
  no_maps.allow_maps = false;
  no_maps.max_items = 64;
  auto strict = vinet::cbor::Decode(in, no_maps);
  if (strict.ok() && !any.ok()) std::abort();
  return 0;
}
