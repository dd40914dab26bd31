#include "vinet/chain/app_hash.h"

#include <set>

namespace vinet::chain {
namespace {

const crypto::Digest256 kEmptyBucket = crypto::Sha256({});

void AppendEntry(crypto::Sha256Hasher& h, std::string_view key, const crypto::Digest256& leaf) {
  Bytes len;
  AppendU32BE(len, static_cast<uint32_t>(key.size()));
  h.Update(len).Update(AsBytes(key)).Update(leaf);
}

}  // namespace

crypto::Digest256 LeafHash(std::string_view key, std::string_view value) {
  Bytes buf;
  buf.reserve(key.size() + value.size() + 8);
  AppendLengthPrefixed(buf, AsBytes(key));
  AppendLengthPrefixed(buf, AsBytes(value));
  return crypto::Sha256(buf);
}

uint8_t BucketOf(std::string_view key) {
  return crypto::Sha256(AsBytes(key))[0];
}

StateHasher::StateHasher() {
  bucket_hashes_.fill(kEmptyBucket);
}

crypto::Digest256 StateHasher::HashBucket(const Bucket& bucket) {
  if (bucket.empty()) return kEmptyBucket;
  crypto::Sha256Hasher h;
  for (const auto& [key, leaf] : bucket) AppendEntry(h, key, leaf);
  return h.Finish();
}

void StateHasher::Rebuild(const std::vector<std::pair<std::string, std::string>>& state) {
  for (auto& b : buckets_) b.clear();
  for (const auto& [key, value] : state) buckets_[BucketOf(key)][key] = LeafHash(key, value);
  for (size_t i = 0; i < 256; ++i) bucket_hashes_[i] = HashBucket(buckets_[i]);
}

crypto::Digest256 StateHasher::RootWith(const Overlay& staged) const {
  // Group staged changes by bucket, then rehash only those buckets by merging
  // the committed entries with the staged ones in key order (no copies).
  using Changes = std::map<std::string_view, const std::optional<std::string>*>;
  std::map<uint8_t, Changes> dirty;
  for (const auto& [key, value] : staged.changes()) dirty[BucketOf(key)][key] = &value;
  auto hashes = bucket_hashes_;
  for (const auto& [b, changes] : dirty) {
    const Bucket& committed = buckets_[b];
    crypto::Sha256Hasher h;
    bool any = false;
    auto emit = [&](std::string_view key, const crypto::Digest256& leaf) {
      AppendEntry(h, key, leaf);
      any = true;
    };
    auto c = committed.begin();
    auto s = changes.begin();
    while (c != committed.end() || s != changes.end()) {
      if (s == changes.end() || (c != committed.end() && c->first < s->first)) {
        emit(c->first, c->second);
        ++c;
        continue;
      }
      if (c != committed.end() && c->first == s->first) ++c;  // staged value wins
      if (*s->second) emit(s->first, LeafHash(s->first, **s->second));
      ++s;
    }
    hashes[b] = any ? h.Finish() : kEmptyBucket;
  }
  crypto::Sha256Hasher h;
  h.Update(AsBytes("vinet.apphash.v1"));
  for (const auto& d : hashes) h.Update(d);
  return h.Finish();
}

void StateHasher::Apply(const Overlay& staged) {
  std::set<uint8_t> dirty;
  for (const auto& [key, value] : staged.changes()) {
    uint8_t b = BucketOf(key);
    dirty.insert(b);
    if (value) {
      buckets_[b][key] = LeafHash(key, *value);
    } else {
      buckets_[b].erase(key);
    }
  }
  for (uint8_t b : dirty) bucket_hashes_[b] = HashBucket(buckets_[b]);
}

crypto::Digest256 StateHasher::Root() const {
  EmptyKv empty;
  Overlay none(empty);
  return RootWith(none);
}

}  // namespace vinet::chain
