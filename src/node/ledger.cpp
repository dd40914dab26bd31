#include "vinet/node/ledger.h"

#include <algorithm>

namespace vinet::node {

Result<std::unique_ptr<Ledger>> Ledger::Open(const std::filesystem::path& dir) {
  VINET_ASSIGN_OR_RETURN(auto store, ClaimStore::Open(dir));
  VINET_ASSIGN_OR_RETURN(auto all, store->LoadAll());
  std::unique_ptr<Ledger> ledger(new Ledger(std::move(store)));
  for (const auto& c : all) ledger->Track(c);
  return ledger;
}

namespace {
// A PENDING (ZKML) claim's fee is already escrowed by the chain, out of the
// client's balance: holding it here too would count it twice.
bool HoldsFee(const ClaimRecord& c) {
  return !c.final() && c.status != "PENDING";
}
}  // namespace

void Ledger::OnAccepted(std::function<void()> listener) {
  std::lock_guard lock(mu_);
  on_accepted_ = std::move(listener);
}

void Ledger::Track(const ClaimRecord& c) {
  auto it = open_.find(c.id_hex);
  if (it != open_.end()) {
    if (HoldsFee(it->second)) {
      held_[it->second.client] -= it->second.fee;
      if (held_[it->second.client] == 0) held_.erase(it->second.client);
    }
    open_.erase(it);
  }
  if (!c.final()) {
    open_[c.id_hex] = c;
    if (HoldsFee(c)) held_[c.client] += c.fee;
  }
}

Status Ledger::Accept(const ClaimRecord& claim, uint64_t client_balance) {
  {
    std::lock_guard lock(mu_);
    if (open_.count(claim.id_hex) || reserved_.count(claim.id_hex)) {
      return Error(Code::kAlreadyExists, "inference " + claim.id_hex + " was already accepted");
    }
    uint64_t held = held_.count(claim.client) ? held_[claim.client] : 0;
    if (held > client_balance || client_balance - held < claim.fee) {
      return Error(Code::kInsufficientFunds,
                   "client " + claim.client + " has balance " + std::to_string(client_balance) +
                       " with " + std::to_string(held) + " held unsettled at this node; fee is " +
                       std::to_string(claim.fee));
    }
    reserved_.insert(claim.id_hex);
    held_[claim.client] += claim.fee;
  }
  // A claim no longer open (final) may still be stored: it is never accepted twice.
  auto stored = store_->Has(claim.id_hex);
  Status s =
      !stored.ok() ? stored.status()
      : *stored ? Error(Code::kAlreadyExists, "inference " + claim.id_hex + " was already accepted")
                : commit_.Commit(claim);
  std::function<void()> listener;
  {
    std::lock_guard lock(mu_);
    reserved_.erase(claim.id_hex);
    held_[claim.client] -= claim.fee;
    if (s.ok()) Track(claim);
    if (held_[claim.client] == 0) held_.erase(claim.client);
    if (s.ok()) listener = on_accepted_;
  }
  if (listener) listener();
  return s;
}

Status Ledger::Update(const std::vector<ClaimRecord>& claims) {
  VINET_RETURN_IF_ERROR(store_->PutStatuses(claims));
  std::lock_guard lock(mu_);
  for (const auto& c : claims) Track(c);
  return Status::Ok();
}

Result<ClaimRecord> Ledger::Get(const std::string& id_hex) const {
  {
    std::lock_guard lock(mu_);
    if (auto it = open_.find(id_hex); it != open_.end()) return it->second;
  }
  return store_->Get(id_hex);
}

uint64_t Ledger::Held(const std::string& client) const {
  std::lock_guard lock(mu_);
  auto it = held_.find(client);
  return it == held_.end() ? 0 : it->second;
}

std::vector<ClaimRecord> Ledger::OpenClaims(const std::string& status, size_t max) const {
  std::vector<ClaimRecord> out;
  {
    std::lock_guard lock(mu_);
    for (const auto& [id, c] : open_) {
      if (c.status == status) out.push_back(c);
    }
  }
  std::sort(out.begin(), out.end(), [](const ClaimRecord& a, const ClaimRecord& b) {
    return a.accepted_ms < b.accepted_ms;
  });
  if (out.size() > max) out.resize(max);
  return out;
}

std::vector<Ledger::OpenRef> Ledger::OpenRefs(const std::string& status) const {
  std::vector<OpenRef> out;
  std::lock_guard lock(mu_);
  for (const auto& [id, c] : open_) {
    if (c.status == status) out.push_back({id, c.tx_hash, c.submitted_ms});
  }
  return out;
}

std::vector<ClaimRecord> Ledger::Records(const std::vector<OpenRef>& refs) const {
  std::vector<ClaimRecord> out;
  out.reserve(refs.size());
  std::lock_guard lock(mu_);
  for (const auto& r : refs) {
    if (auto it = open_.find(r.id_hex); it != open_.end()) out.push_back(it->second);
  }
  return out;
}

bool Ledger::HasOpen(const std::string& status) const {
  std::lock_guard lock(mu_);
  for (const auto& [id, c] : open_) {
    if (c.status == status) return true;
  }
  return false;
}

size_t Ledger::OpenCount() const {
  std::lock_guard lock(mu_);
  return open_.size();
}

}  // namespace vinet::node
