#include "vinet/node/claim_store.h"

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <nlohmann/json.hpp>

#include "node/rocks_store.h"

namespace vinet::node {
namespace {

using json = nlohmann::json;
constexpr std::string_view kPrefix = "c/";

}  // namespace

std::string ClaimToJson(const ClaimRecord& c) {
  json j = {{"id", c.id_hex},
            {"request", ToHex(c.request)},
            {"receipt", ToHex(c.receipt)},
            {"outputs", ToHex(c.outputs)},
            {"status", c.status},
            {"client", c.client},
            {"model_id", c.model_id},
            {"mode", static_cast<int>(c.mode)},
            {"fee", c.fee},
            {"tx_hash", c.tx_hash},
            {"height", c.height},
            {"accepted_ms", c.accepted_ms},
            {"submitted_ms", c.submitted_ms},
            {"settled_ms", c.settled_ms}};
  if (!c.chat.empty()) j["chat"] = c.chat;
  return j.dump();
}

Result<ClaimRecord> ClaimFromJson(std::string_view text) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Error(Code::kParse, "claim record: not JSON");
  try {
    ClaimRecord c;
    c.id_hex = j.at("id").get<std::string>();
    VINET_ASSIGN_OR_RETURN(c.request, FromHex(j.at("request").get<std::string>()));
    VINET_ASSIGN_OR_RETURN(c.receipt, FromHex(j.at("receipt").get<std::string>()));
    VINET_ASSIGN_OR_RETURN(c.outputs, FromHex(j.value("outputs", std::string())));
    c.status = j.at("status").get<std::string>();
    c.client = j.at("client").get<std::string>();
    c.model_id = j.at("model_id").get<std::string>();
    c.mode = static_cast<protocol::Mode>(j.at("mode").get<int>());
    c.fee = j.at("fee").get<uint64_t>();
    c.tx_hash = j.at("tx_hash").get<std::string>();
    c.height = j.at("height").get<int64_t>();
    c.accepted_ms = j.at("accepted_ms").get<int64_t>();
    c.submitted_ms = j.at("submitted_ms").get<int64_t>();
    c.settled_ms = j.at("settled_ms").get<int64_t>();
    c.chat = j.value("chat", std::string());
    return c;
  } catch (const json::exception& e) {
    return Error(Code::kParse, std::string("claim record: ") + e.what());
  }
}

Result<std::unique_ptr<ClaimStore>> ClaimStore::Open(const std::filesystem::path& dir) {
  VINET_ASSIGN_OR_RETURN(rocksdb::DB * raw, detail::OpenRocksDb(dir, "claim store"));
  return std::unique_ptr<ClaimStore>(new ClaimStore(raw));
}

ClaimStore::~ClaimStore() {
  delete db_;
}

Status ClaimStore::Put(const ClaimRecord& claim) {
  auto s =
      db_->Put(detail::SyncedWrites(), std::string(kPrefix) + claim.id_hex, ClaimToJson(claim));
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
  for (const ClaimRecord* c : claims) batch.Put(std::string(kPrefix) + c->id_hex, ClaimToJson(*c));
  auto s = db_->Write(detail::SyncedWrites(), &batch);
  return s.ok() ? Status::Ok() : detail::RocksError("claim store write", s);
}

Result<ClaimRecord> ClaimStore::Get(const std::string& id_hex) const {
  std::string value;
  auto s = db_->Get(rocksdb::ReadOptions(), std::string(kPrefix) + id_hex, &value);
  if (s.IsNotFound()) return Error(Code::kNotFound, "no inference " + id_hex + " at this node");
  if (!s.ok()) return detail::RocksError("claim store get", s);
  return ClaimFromJson(value);
}

Result<std::vector<ClaimRecord>> ClaimStore::LoadAll() const {
  std::vector<ClaimRecord> out;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  for (it->Seek(std::string(kPrefix)); it->Valid() && it->key().starts_with(kPrefix.data());
       it->Next()) {
    VINET_ASSIGN_OR_RETURN(ClaimRecord c, ClaimFromJson(it->value().ToStringView()));
    out.push_back(std::move(c));
  }
  if (!it->status().ok()) return detail::RocksError("claim store scan", it->status());
  return out;
}

}  // namespace vinet::node
