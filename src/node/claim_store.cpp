#include "vinet/node/claim_store.h"

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include "node/rocks_store.h"
#include "vinet/node/claim_codec.h"

namespace vinet::node {
namespace {

constexpr std::string_view kPrefix = "c/";
constexpr std::string_view kStatusPrefix = "s/";

}  // namespace

Result<std::unique_ptr<ClaimStore>> ClaimStore::Open(const std::filesystem::path& dir) {
  VINET_ASSIGN_OR_RETURN(rocksdb::DB * raw, detail::OpenRocksDb(dir, "claim store"));
  return std::unique_ptr<ClaimStore>(new ClaimStore(raw));
}

ClaimStore::~ClaimStore() {
  delete db_;
}

Status ClaimStore::Put(const ClaimRecord& claim) {
  auto s = db_->Put(detail::SyncedWrites(), std::string(kPrefix) + claim.id_hex,
                    EncodeClaimRecord(claim));
  return s.ok() ? Status::Ok() : detail::RocksError("claim store put", s);
}

Status ClaimStore::PutMany(const std::vector<ClaimRecord>& claims) {
  std::vector<const ClaimRecord*> all;
  all.reserve(claims.size());
  for (const auto& c : claims) all.push_back(&c);
  return PutMany(all);
}

Status ClaimStore::PutMany(const std::vector<const ClaimRecord*>& claims) {
  if (claims.empty()) return Status::Ok();
  rocksdb::WriteBatch batch;
  for (const ClaimRecord* c : claims)
    batch.Put(std::string(kPrefix) + c->id_hex, EncodeClaimRecord(*c));
  auto s = db_->Write(detail::SyncedWrites(), &batch);
  return s.ok() ? Status::Ok() : detail::RocksError("claim store write", s);
}

Status ClaimStore::PutStatuses(const std::vector<ClaimRecord>& claims) {
  if (claims.empty()) return Status::Ok();
  rocksdb::WriteBatch batch;
  for (const ClaimRecord& c : claims)
    batch.Put(std::string(kStatusPrefix) + c.id_hex, EncodeClaimStatus(c));
  auto s = db_->Write(rocksdb::WriteOptions(), &batch);  // not synced: see the header
  return s.ok() ? Status::Ok() : detail::RocksError("claim store status write", s);
}

Result<ClaimRecord> ClaimStore::Get(const std::string& id_hex) const {
  std::string value;
  auto s = db_->Get(rocksdb::ReadOptions(), std::string(kPrefix) + id_hex, &value);
  if (s.IsNotFound()) return Error(Code::kNotFound, "no inference " + id_hex + " at this node");
  if (!s.ok()) return detail::RocksError("claim store get", s);
  VINET_ASSIGN_OR_RETURN(ClaimRecord c, DecodeClaimRecord(value));
  s = db_->Get(rocksdb::ReadOptions(), std::string(kStatusPrefix) + id_hex, &value);
  if (s.IsNotFound()) return c;
  if (!s.ok()) return detail::RocksError("claim store get", s);
  Status st = DecodeClaimStatus(value, &c);
  if (!st.ok()) return st.WithContext("claim " + id_hex);
  return c;
}

Result<bool> ClaimStore::Has(const std::string& id_hex) const {
  rocksdb::PinnableSlice value;  // not decoded: only whether it exists
  auto s = db_->Get(rocksdb::ReadOptions(), db_->DefaultColumnFamily(),
                    std::string(kPrefix) + id_hex, &value);
  if (s.IsNotFound()) return false;
  if (!s.ok()) return detail::RocksError("claim store get", s);
  return true;
}

Result<std::vector<ClaimRecord>> ClaimStore::LoadAll() const {
  std::vector<ClaimRecord> out;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  for (it->Seek(std::string(kPrefix)); it->Valid() && it->key().starts_with(kPrefix.data());
       it->Next()) {
    VINET_ASSIGN_OR_RETURN(ClaimRecord c, DecodeClaimRecord(it->value().ToStringView()));
    out.push_back(std::move(c));
  }
  if (!it->status().ok()) return detail::RocksError("claim store scan", it->status());
  // Both key ranges are in id order: one merge pass applies each status
  // record to its claim ("c/" < "s/", so the claims came first).
  size_t i = 0;
  for (it->Seek(std::string(kStatusPrefix));
       it->Valid() && it->key().starts_with(kStatusPrefix.data()); it->Next()) {
    std::string_view id = it->key().ToStringView().substr(kStatusPrefix.size());
    while (i < out.size() && out[i].id_hex < id) ++i;
    if (i == out.size() || out[i].id_hex != id) {
      return Error(Code::kParse,
                   "claim store: status record for " + std::string(id) + " has no claim record");
    }
    Status st = DecodeClaimStatus(it->value().ToStringView(), &out[i]);
    if (!st.ok()) return st.WithContext("claim " + std::string(id));
  }
  if (!it->status().ok()) return detail::RocksError("claim store scan", it->status());
  return out;
}

}  // namespace vinet::node
