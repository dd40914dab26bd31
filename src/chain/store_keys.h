// Private: the RocksDB key layout of the versioned store (docs/chain.md).
//   state      "<prefix>/..."                       (first byte < 0xfe)
//   history    "\xfe" 'h' u32 len(key) key ~u64 version  -> 0x00 deleted | 0x01 value
//   tree node  "\xfe" 'n' merkle NodeKey                 -> merkle node encoding
//   root       "\xfe" 'r' u64 version                    -> merkle ChildRef encoding
//   stale      "\xfe" 's' u64 since u8 kind <db key>      -> "" (kind 0 node,
//              1 superseded history entry, 2 tombstone: deleted last)
//   metadata   "\xff" "meta/..."
// Integers are big-endian, so RocksDB's byte order is version order (and for
// history, newest first within a key).
#pragma once

#include <string>
#include <string_view>

#include "vinet/merkle/tree.h"

namespace vinet::chain::store_keys {

inline constexpr char kReserved = '\xfe';
inline constexpr std::string_view kMetaPrefix = "\xff";
inline const std::string kHeightKey = "\xffmeta/height";
inline const std::string kAppHashKey = "\xffmeta/app_hash";
inline const std::string kChainIdKey = "\xffmeta/chain_id";
inline const std::string kOldestKey = "\xffmeta/oldest_version";
inline const std::string kHistoryPrefix = "\xfeh";
inline const std::string kNodePrefix = "\xfen";
inline const std::string kRootPrefix = "\xfer";
inline const std::string kStalePrefix = "\xfes";

enum class StaleKind : uint8_t { kNode = 0, kHistory = 1, kTombstone = 2 };

inline void PutU64(std::string& out, uint64_t v) {
  for (int i = 7; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

inline uint64_t GetU64(std::string_view in) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(in[i]);
  return v;
}

// Everything up to the version: the prefix every history entry of `key` shares.
inline std::string HistoryKeyPrefix(std::string_view key) {
  std::string out = kHistoryPrefix;
  const auto n = static_cast<uint32_t>(key.size());
  for (int i = 3; i >= 0; --i) out.push_back(static_cast<char>((n >> (8 * i)) & 0xff));
  out.append(key);
  return out;
}

inline std::string HistoryKey(std::string_view key, uint64_t version) {
  std::string out = HistoryKeyPrefix(key);
  PutU64(out, ~version);
  return out;
}

inline std::string NodeDbKey(const merkle::NodeKey& key) {
  auto enc = merkle::EncodeNodeKey(key);
  return kNodePrefix + std::string(enc.begin(), enc.end());
}

inline std::string RootKey(uint64_t version) {
  std::string out = kRootPrefix;
  PutU64(out, version);
  return out;
}

inline std::string StaleKey(uint64_t since, StaleKind kind, std::string_view target) {
  std::string out = kStalePrefix;
  PutU64(out, since);
  out.push_back(static_cast<char>(kind));
  out.append(target);
  return out;
}

}  // namespace vinet::chain::store_keys
