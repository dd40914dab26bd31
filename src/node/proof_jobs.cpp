#include "vinet/node/proof_jobs.h"

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "node/rocks_store.h"

namespace vinet::node {
namespace {

using json = nlohmann::json;
constexpr std::string_view kPrefix = "p/";
// The bytes of a SubmitProofs tx whose jobs are SUBMITTED (by tx hash), kept
// until its jobs leave that state: a node that died between marking them and
// the broadcast sends the very same tx again after its restart.
constexpr std::string_view kTxPrefix = "ptx/";

std::string Key(const std::string& id_hex) {
  return std::string(kPrefix) + id_hex;
}

// What the in-memory index keeps: finished jobs without their (large) proof
// and inputs, which Get reads back from the store.
bool Finished(const ProofJob& j);

ProofJob Indexed(const ProofJob& j) {
  if (!Finished(j)) return j;
  ProofJob slim = j;
  slim.proof.clear();
  slim.inputs.clear();
  return slim;
}

bool Finished(const ProofJob& j) {
  return j.status == "DONE" || j.status == "FAILED" || j.status == "SKIPPED";
}

}  // namespace

std::string ProofJobToJson(const ProofJob& j) {
  return json{{"id", j.id_hex},
              {"model_id", j.model_id},
              {"inputs", ToHex(j.inputs)},
              {"proof", ToHex(j.proof)},
              {"status", j.status},
              {"claim_status", j.claim_status},
              {"tx_hash", j.tx_hash},
              {"error", j.error},
              {"attempts", j.attempts},
              {"accepted_ms", j.accepted_ms},
              {"proved_ms", j.proved_ms},
              {"submitted_ms", j.submitted_ms},
              {"settled_ms", j.settled_ms},
              {"prove_seconds", j.prove_seconds},
              {"batch", j.batch}}
      .dump();
}

Result<ProofJob> ProofJobFromJson(std::string_view text) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Error(Code::kParse, "proof job: not JSON");
  try {
    ProofJob p;
    p.id_hex = j.at("id").get<std::string>();
    p.model_id = j.at("model_id").get<std::string>();
    VINET_ASSIGN_OR_RETURN(p.inputs, FromHex(j.at("inputs").get<std::string>()));
    VINET_ASSIGN_OR_RETURN(p.proof, FromHex(j.at("proof").get<std::string>()));
    p.status = j.at("status").get<std::string>();
    p.claim_status = j.at("claim_status").get<std::string>();
    p.tx_hash = j.at("tx_hash").get<std::string>();
    p.error = j.at("error").get<std::string>();
    p.attempts = j.at("attempts").get<int>();
    p.accepted_ms = j.at("accepted_ms").get<int64_t>();
    p.proved_ms = j.at("proved_ms").get<int64_t>();
    p.submitted_ms = j.at("submitted_ms").get<int64_t>();
    p.settled_ms = j.at("settled_ms").get<int64_t>();
    p.prove_seconds = j.at("prove_seconds").get<double>();
    if (j.contains("batch")) p.batch = j.at("batch").get<std::vector<std::string>>();
    return p;
  } catch (const json::exception& e) {
    return Error(Code::kParse, std::string("proof job: ") + e.what());
  }
}

Result<std::unique_ptr<ProofJobs>> ProofJobs::Open(const std::filesystem::path& dir) {
  VINET_ASSIGN_OR_RETURN(rocksdb::DB * raw, detail::OpenRocksDb(dir, "proof jobs"));
  std::unique_ptr<ProofJobs> jobs(new ProofJobs(raw));
  std::unique_ptr<rocksdb::Iterator> it(raw->NewIterator(rocksdb::ReadOptions()));
  for (it->Seek(std::string(kPrefix)); it->Valid() && it->key().starts_with(kPrefix.data());
       it->Next()) {
    VINET_ASSIGN_OR_RETURN(ProofJob j, ProofJobFromJson(it->value().ToStringView()));
    jobs->jobs_[j.id_hex] = Indexed(j);
  }
  if (!it->status().ok()) return detail::RocksError("proof jobs scan", it->status());
  return jobs;
}

ProofJobs::~ProofJobs() {
  delete db_;
}

Status ProofJobs::Put(const std::vector<ProofJob>& jobs, const SubmittedTx* tx) {
  if (jobs.empty()) return Status::Ok();
  rocksdb::WriteBatch batch;
  for (const auto& j : jobs) batch.Put(Key(j.id_hex), ProofJobToJson(j));
  if (tx) {
    batch.Put(std::string(kTxPrefix) + tx->hash,
              rocksdb::Slice(reinterpret_cast<const char*>(tx->bytes.data()), tx->bytes.size()));
  }
  auto s = db_->Write(detail::SyncedWrites(), &batch);
  if (!s.ok()) return detail::RocksError("proof jobs write", s);
  std::function<void()> listener;
  {
    std::lock_guard lock(mu_);
    for (const auto& j : jobs) jobs_[j.id_hex] = Indexed(j);
    bool proved = std::any_of(jobs.begin(), jobs.end(),
                              [](const ProofJob& j) { return j.status == "PROVED"; });
    if (proved) listener = on_proved_;
  }
  if (listener) listener();
  return Status::Ok();
}

Result<Bytes> ProofJobs::SubmittedTxBytes(const std::string& hash) const {
  std::string value;
  auto s = db_->Get(rocksdb::ReadOptions(), std::string(kTxPrefix) + hash, &value);
  if (s.IsNotFound()) return Error(Code::kNotFound, "no stored proof tx " + hash);
  if (!s.ok()) return detail::RocksError("proof jobs tx read", s);
  return ToBytes(value);
}

Status ProofJobs::ForgetSubmittedTx(const std::string& hash) {
  auto s = db_->Delete(rocksdb::WriteOptions(), std::string(kTxPrefix) + hash);
  return s.ok() ? Status::Ok() : detail::RocksError("proof jobs tx delete", s);
}

void ProofJobs::OnProved(std::function<void()> listener) {
  std::lock_guard lock(mu_);
  on_proved_ = std::move(listener);
}

Status ProofJobs::Delete(const std::string& id_hex) {
  auto s = db_->Delete(detail::SyncedWrites(), Key(id_hex));
  if (!s.ok()) return detail::RocksError("proof jobs delete", s);
  std::lock_guard lock(mu_);
  jobs_.erase(id_hex);
  return Status::Ok();
}

Result<ProofJob> ProofJobs::Get(const std::string& id_hex) const {
  {
    std::lock_guard lock(mu_);
    auto it = jobs_.find(id_hex);
    if (it == jobs_.end()) return Error(Code::kNotFound, "no proof job for inference " + id_hex);
    if (!Finished(it->second)) return it->second;
  }
  std::string value;
  auto s = db_->Get(rocksdb::ReadOptions(), Key(id_hex), &value);
  if (!s.ok()) return detail::RocksError("proof jobs get", s);
  return ProofJobFromJson(value);
}

std::vector<ProofJob> ProofJobs::WithStatus(const std::string& status, size_t max) const {
  std::vector<ProofJob> out;
  {
    std::lock_guard lock(mu_);
    for (const auto& [id, j] : jobs_) {
      if (j.status == status) out.push_back(j);
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const ProofJob& a, const ProofJob& b) {
    return a.accepted_ms < b.accepted_ms;
  });
  if (out.size() > max) out.resize(max);
  return out;
}

size_t ProofJobs::Count(const std::string& status) const {
  std::lock_guard lock(mu_);
  return static_cast<size_t>(std::count_if(
      jobs_.begin(), jobs_.end(), [&](const auto& kv) { return kv.second.status == status; }));
}

}  // namespace vinet::node
