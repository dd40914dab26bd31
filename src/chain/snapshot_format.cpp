#include "vinet/chain/snapshot_format.h"

#include <fmt/format.h>

namespace vinet::chain {
namespace {

// Bounds-checked big-endian reader over untrusted bytes.
class Reader {
 public:
  Reader(ByteSpan data, std::string_view what) : data_(data), what_(what) {}

  size_t offset() const { return pos_; }
  size_t remaining() const { return data_.size() - pos_; }

  Status Fail(std::string_view field, std::string_view problem) const {
    return Error(Code::kParse, fmt::format("{}.{}: {} at offset {}", what_, field, problem, pos_));
  }
  Result<uint64_t> Uint(std::string_view field, size_t width) {
    if (remaining() < width) return Fail(field, fmt::format("truncated (need {} bytes)", width));
    uint64_t v = 0;
    for (size_t i = 0; i < width; ++i) v = (v << 8) | data_[pos_ + i];
    pos_ += width;
    return v;
  }
  // `n` bytes as a string view; n was checked against its limit by the caller.
  Result<std::string_view> Take(std::string_view field, uint64_t n) {
    if (n > remaining()) {
      return Fail(field, fmt::format("length {} exceeds the {} bytes left", n, remaining()));
    }
    std::string_view out(reinterpret_cast<const char*>(data_.data()) + pos_, n);
    pos_ += n;
    return out;
  }
  Status End() const {
    if (remaining() != 0) return Fail("end", fmt::format("{} trailing bytes", remaining()));
    return Status::Ok();
  }

 private:
  ByteSpan data_;
  std::string_view what_;
  size_t pos_ = 0;
};

void AppendU8(Bytes& out, uint8_t v) {
  out.push_back(v);
}

void AppendEntry(Bytes& out, std::string_view key, std::string_view value) {
  AppendLengthPrefixed(out, AsBytes(key));
  AppendLengthPrefixed(out, AsBytes(value));
}

}  // namespace

Bytes EncodeSnapshotMeta(const SnapshotMeta& meta) {
  Bytes out;
  out.reserve(96 + 32 * meta.chunk_hashes.size());
  AppendU32BE(out, kSnapshotFormat);
  AppendU64BE(out, static_cast<uint64_t>(meta.height));
  AppendU8(out, static_cast<uint8_t>(meta.app_hash.size()));
  out.insert(out.end(), meta.app_hash.begin(), meta.app_hash.end());
  AppendU8(out, static_cast<uint8_t>(meta.chain_id.size()));
  out.insert(out.end(), meta.chain_id.begin(), meta.chain_id.end());
  AppendU64BE(out, meta.entries);
  AppendU32BE(out, static_cast<uint32_t>(meta.chunk_hashes.size()));
  for (const auto& h : meta.chunk_hashes) out.insert(out.end(), h.begin(), h.end());
  return out;
}

Result<SnapshotMeta> DecodeSnapshotMeta(ByteSpan data) {
  Reader r(data, "snapshot.metadata");
  if (data.size() > kMaxMetadataBytes) {
    return r.Fail("size", fmt::format("{} bytes exceed {}", data.size(), kMaxMetadataBytes));
  }
  SnapshotMeta meta;
  VINET_ASSIGN_OR_RETURN(uint64_t version, r.Uint("version", 4));
  if (version != kSnapshotFormat) {
    return r.Fail("version", fmt::format("{} is not format {}", version, kSnapshotFormat));
  }
  VINET_ASSIGN_OR_RETURN(uint64_t height, r.Uint("height", 8));
  if (height == 0 || height > (uint64_t{1} << 62)) {
    return r.Fail("height", fmt::format("{} is out of range 1..2^62", height));
  }
  meta.height = static_cast<int64_t>(height);
  VINET_ASSIGN_OR_RETURN(uint64_t hash_len, r.Uint("app_hash", 1));
  if (hash_len == 0 || hash_len > 64) {
    return r.Fail("app_hash", fmt::format("length {} is out of range 1..64", hash_len));
  }
  VINET_ASSIGN_OR_RETURN(auto hash, r.Take("app_hash", hash_len));
  meta.app_hash = ToBytes(hash);
  VINET_ASSIGN_OR_RETURN(uint64_t id_len, r.Uint("chain_id", 1));
  if (id_len == 0 || id_len > 50) {
    return r.Fail("chain_id", fmt::format("length {} is out of range 1..50", id_len));
  }
  VINET_ASSIGN_OR_RETURN(auto id, r.Take("chain_id", id_len));
  meta.chain_id = std::string(id);
  VINET_ASSIGN_OR_RETURN(meta.entries, r.Uint("entries", 8));
  VINET_ASSIGN_OR_RETURN(uint64_t chunks, r.Uint("chunks", 4));
  if (chunks == 0 || chunks > kMaxChunks) {
    return r.Fail("chunks", fmt::format("{} is out of range 1..{}", chunks, kMaxChunks));
  }
  if (meta.entries < chunks) {
    return r.Fail("entries", fmt::format("{} entries cannot fill {} chunks", meta.entries, chunks));
  }
  if (r.remaining() != 32 * chunks) {
    return r.Fail("chunk_hashes",
                  fmt::format("{} bytes left for {} hashes of 32 bytes", r.remaining(), chunks));
  }
  meta.chunk_hashes.resize(chunks);
  for (auto& h : meta.chunk_hashes) {
    VINET_ASSIGN_OR_RETURN(auto bytes, r.Take("chunk_hashes", 32));
    std::copy(bytes.begin(), bytes.end(), h.begin());
  }
  VINET_RETURN_IF_ERROR(r.End());
  return meta;
}

Bytes EncodeChunk(const std::vector<KeyValue>& entries) {
  Bytes out;
  AppendU32BE(out, static_cast<uint32_t>(entries.size()));
  for (const auto& [k, v] : entries) AppendEntry(out, k, v);
  return out;
}

Result<std::vector<KeyValue>> DecodeChunk(ByteSpan data, std::optional<std::string_view> after) {
  Reader r(data, "snapshot.chunk");
  if (data.size() > kMaxChunkBytes) {
    return r.Fail("size", fmt::format("{} bytes exceed {}", data.size(), kMaxChunkBytes));
  }
  VINET_ASSIGN_OR_RETURN(uint64_t count, r.Uint("count", 4));
  // Each entry takes at least 9 bytes (two lengths, a 1-byte key).
  if (count == 0 || count > r.remaining() / 9) {
    return r.Fail("count", fmt::format("{} entries cannot fit in {} bytes", count, r.remaining()));
  }
  std::vector<KeyValue> out;
  out.reserve(count);
  std::optional<std::string_view> prev = after;
  for (uint64_t i = 0; i < count; ++i) {
    std::string field = fmt::format("entries[{}]", i);
    VINET_ASSIGN_OR_RETURN(uint64_t key_len, r.Uint(field + ".key", 4));
    if (key_len == 0 || key_len > kMaxKeyBytes) {
      return r.Fail(field + ".key",
                    fmt::format("length {} is out of range 1..{}", key_len, kMaxKeyBytes));
    }
    VINET_ASSIGN_OR_RETURN(auto key, r.Take(field + ".key", key_len));
    if (static_cast<uint8_t>(key[0]) == 0xff) {
      return r.Fail(field + ".key", "uses the reserved metadata prefix 0xff");
    }
    if (prev && key <= *prev) return r.Fail(field + ".key", "not above the previous key");
    VINET_ASSIGN_OR_RETURN(uint64_t value_len, r.Uint(field + ".value", 4));
    if (value_len > kMaxValueBytes) {
      return r.Fail(field + ".value",
                    fmt::format("length {} exceeds {}", value_len, kMaxValueBytes));
    }
    VINET_ASSIGN_OR_RETURN(auto value, r.Take(field + ".value", value_len));
    out.emplace_back(std::string(key), std::string(value));
    prev = out.back().first;
  }
  VINET_RETURN_IF_ERROR(r.End());
  return out;
}

Result<std::optional<Bytes>> ChunkBuilder::Add(std::string_view key, std::string_view value) {
  if (key.empty() || key.size() > kMaxKeyBytes || value.size() > kMaxValueBytes) {
    return Error(Code::kInvalidArgument,
                 fmt::format("snapshot: entry with a {}-byte key and {}-byte value is over the "
                             "format's limits",
                             key.size(), value.size()));
  }
  // An entry that would push the chunk past the hard limit starts a new one.
  std::optional<Bytes> done;
  size_t size = 8 + key.size() + value.size();
  if (count_ > 0 && 4 + body_.size() + size > kMaxChunkBytes) done = Close();
  AppendEntry(body_, key, value);
  ++count_;
  if (!done && 4 + body_.size() >= target_) done = Close();
  return done;
}

std::optional<Bytes> ChunkBuilder::Finish() {
  if (count_ == 0) return std::nullopt;
  return Close();
}

Bytes ChunkBuilder::Close() {
  Bytes out;
  out.reserve(4 + body_.size());
  AppendU32BE(out, count_);
  out.insert(out.end(), body_.begin(), body_.end());
  body_.clear();
  count_ = 0;
  return out;
}

}  // namespace vinet::chain
