// Fuzzes the state-sync snapshot decoders (snapshot_format.h), which take
// bytes from untrusted peers. Byte 0 picks the decoder: even = metadata, odd
// = a chunk, whose "previous key" is the next byte's count of bytes after it.
// Errors must be kParse naming an offset; an accepted input must be the
// canonical encoding of what was decoded (re-encoding gives the same bytes).
#include <cstdlib>

#include "vinet/chain/snapshot_format.h"

namespace {

void CheckError(const vinet::Status& s) {
  if (s.code() != vinet::Code::kParse || s.message().find("at offset") == std::string::npos) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace vinet::chain;
  if (size == 0) return 0;
  vinet::ByteSpan rest(data + 1, size - 1);
  if ((data[0] & 1) == 0) {
    auto meta = DecodeSnapshotMeta(rest);
    if (!meta.ok()) {
      CheckError(meta.status());
      return 0;
    }
    auto again = EncodeSnapshotMeta(*meta);
    if (!std::equal(again.begin(), again.end(), rest.begin(), rest.end())) std::abort();
    return 0;
  }
  if (rest.empty()) return 0;
  size_t after_len = std::min<size_t>(rest[0], rest.size() - 1);
  std::string after(reinterpret_cast<const char*>(rest.data()) + 1, after_len);
  vinet::ByteSpan chunk = rest.subspan(1 + after_len);
  auto entries =
      DecodeChunk(chunk, after_len ? std::optional<std::string_view>(after) : std::nullopt);
  if (!entries.ok()) {
    CheckError(entries.status());
    return 0;
  }
  if (entries->empty()) std::abort();
  for (size_t i = 0; i < entries->size(); ++i) {
    const auto& key = (*entries)[i].first;
    if (key.empty() || static_cast<uint8_t>(key[0]) == 0xff) std::abort();
    if (i > 0 && !((*entries)[i - 1].first < key)) std::abort();
    if (i == 0 && after_len && !(after < key)) std::abort();
  }
  auto again = EncodeChunk(*entries);
  if (!std::equal(again.begin(), again.end(), chunk.begin(), chunk.end())) std::abort();
  return 0;
}
