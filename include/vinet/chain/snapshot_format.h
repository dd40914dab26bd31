// The state-sync snapshot format (format 1), documented in docs/chain.md.
//
// A snapshot of the committed state at height H is its sorted key/value pairs
// cut into chunks. CometBFT carries, per snapshot, `metadata` (below) and
// `hash` = SHA-256(metadata); the metadata lists the SHA-256 of every chunk,
// so a joining node checks each chunk on arrival, before decoding it.
//
// Metadata (all integers big-endian):
//   u32 version (= 1) | u64 height | u8 len + app hash (<= 64 bytes)
//   | u8 len + chain id (1..50 bytes) | u64 entry count | u32 chunk count
//   (1..kMaxChunks) | chunk count x 32-byte chunk SHA-256, nothing after.
// Chunk:
//   u32 entry count (>= 1) | entries: u32 key len (1..kMaxKeyBytes) + key
//   | u32 value len (<= kMaxValueBytes) + value, nothing after; keys strictly
//   increasing within the chunk and across the chunks of a snapshot; no key
//   starts with 0xff (the store's metadata prefix).
//
// Decoders take untrusted bytes (peers send them): every length is checked
// against the limits and the remaining input before anything is allocated or
// copied, work is linear in the input, and errors are kParse naming the field
// and byte offset.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "vinet/common/bytes.h"
#include "vinet/crypto/hash.h"

namespace vinet::chain {

inline constexpr uint32_t kSnapshotFormat = 1;
inline constexpr uint32_t kMaxChunks = 65'536;        // metadata <= ~2 MiB (< 4 MB msg)
inline constexpr size_t kMaxChunkBytes = 15'000'000;  // < CometBFT's 16 MB chunk msg
inline constexpr size_t kMaxKeyBytes = 4'096;
inline constexpr size_t kMaxValueBytes = 8 * 1024 * 1024;
inline constexpr size_t kMaxMetadataBytes = 4 + 8 + 1 + 64 + 1 + 50 + 8 + 4 + 32 * kMaxChunks;
inline constexpr size_t kDefaultChunkBytes = 1 << 20;  // target size when writing

using KeyValue = std::pair<std::string, std::string>;

struct SnapshotMeta {
  int64_t height = 0;
  Bytes app_hash;
  std::string chain_id;
  uint64_t entries = 0;
  std::vector<crypto::Digest256> chunk_hashes;
};

Bytes EncodeSnapshotMeta(const SnapshotMeta& meta);
// Errors: kParse (field and offset) for any malformed or out-of-limit field.
Result<SnapshotMeta> DecodeSnapshotMeta(ByteSpan data);

Bytes EncodeChunk(const std::vector<KeyValue>& entries);
// Decodes one chunk; `after` (the last key of the previous chunk) must be
// smaller than its first key. Errors: kParse (field and offset).
Result<std::vector<KeyValue>> DecodeChunk(ByteSpan data, std::optional<std::string_view> after);

// Cuts a key-ordered stream into chunks of about `target` bytes (a chunk
// closes once it reaches the target; one entry never spans two chunks).
class ChunkBuilder {
 public:
  explicit ChunkBuilder(size_t target = kDefaultChunkBytes) : target_(target) {}
  // Adds an entry; returns a finished chunk when this entry filled one.
  // Errors: kInvalidArgument for a key/value over the format's limits.
  Result<std::optional<Bytes>> Add(std::string_view key, std::string_view value);
  // The last, partial chunk (nullopt if empty).
  std::optional<Bytes> Finish();

 private:
  Bytes Close();
  size_t target_;
  Bytes body_;
  uint32_t count_ = 0;
};

}  // namespace vinet::chain
