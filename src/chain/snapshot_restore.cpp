#include "vinet/chain/snapshot_restore.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace vinet::chain {
namespace {

using OfferResp = abci::pb::ResponseOfferSnapshot;
using ApplyResp = abci::pb::ResponseApplySnapshotChunk;

OfferResp OfferResult(OfferResp::Result result, int64_t height, const std::string& why) {
  if (result != OfferResp::ACCEPT) {
    spdlog::warn("chain: snapshot at height {} refused ({}): {}", height,
                 OfferResp::Result_Name(result), why);
  }
  OfferResp resp;
  resp.set_result(result);
  return resp;
}

}  // namespace

OfferResp SnapshotRestorer::Offer(const abci::pb::RequestOfferSnapshot& req) {
  const auto& snap = req.snapshot();
  const int64_t height = static_cast<int64_t>(snap.height());
  if (snap.format() != kSnapshotFormat) {
    return OfferResult(OfferResp::REJECT_FORMAT, height, fmt::format("format {}", snap.format()));
  }
  auto meta = DecodeSnapshotMeta(AsBytes(snap.metadata()));
  if (!meta.ok()) return OfferResult(OfferResp::REJECT_SENDER, height, meta.status().message());
  auto digest = crypto::Sha256(AsBytes(snap.metadata()));
  if (snap.hash() != ToString(digest)) {
    return OfferResult(OfferResp::REJECT_SENDER, height, "snapshot.hash is not SHA-256(metadata)");
  }
  if (static_cast<int64_t>(snap.height()) != meta->height ||
      snap.chunks() != meta->chunk_hashes.size()) {
    return OfferResult(
        OfferResp::REJECT_SENDER, height,
        fmt::format("snapshot height {} / chunks {} unlike metadata's {} / {}", snap.height(),
                    snap.chunks(), meta->height, meta->chunk_hashes.size()));
  }
  if (ToString(meta->app_hash) != req.app_hash()) {
    return OfferResult(OfferResp::REJECT, height,
                       fmt::format("metadata app hash {} is not the verified app hash {}",
                                   ToHex(meta->app_hash), ToHex(AsBytes(req.app_hash()))));
  }
  if (!chain_id_.empty() && meta->chain_id != chain_id_) {
    return OfferResult(OfferResp::REJECT, height,
                       fmt::format("chain id {} is not this node's {}", meta->chain_id, chain_id_));
  }
  if (!target_.Empty()) {
    return OfferResult(OfferResp::ABORT, height, "this node already holds a committed state");
  }
  if (auto s = target_.Clear(); !s.ok()) return OfferResult(OfferResp::ABORT, height, s.ToString());
  active_ = Active{std::move(*meta), ToBytes(req.app_hash()), 0, 0, {}};
  spdlog::info("chain: restoring snapshot at height {} ({} chunks, {} entries)", height,
               active_->meta.chunk_hashes.size(), active_->meta.entries);
  return OfferResult(OfferResp::ACCEPT, height, "");
}

ApplyResp SnapshotRestorer::RejectSnapshot(const std::string& why) {
  spdlog::warn("chain: snapshot at height {} rejected: {}", active_->meta.height, why);
  active_.reset();
  if (auto s = target_.Clear(); !s.ok()) spdlog::error("chain: {}", s.ToString());
  ApplyResp resp;
  resp.set_result(ApplyResp::REJECT_SNAPSHOT);
  return resp;
}

ApplyResp SnapshotRestorer::Apply(const abci::pb::RequestApplySnapshotChunk& req) {
  ApplyResp resp;
  if (!active_) {
    resp.set_result(ApplyResp::ABORT);
    return resp;
  }
  Active& a = *active_;
  if (req.index() != a.next) {
    return RejectSnapshot(
        fmt::format("chunk {} applied out of order (next is {})", req.index(), a.next));
  }
  const std::string& chunk = req.chunk();
  if (chunk.size() > kMaxChunkBytes ||
      ToString(crypto::Sha256(AsBytes(chunk))) != ToString(a.meta.chunk_hashes[req.index()])) {
    ++refetched_;
    spdlog::warn(
        "chain: snapshot chunk {} of height {} from peer {}: {}; refetching it from "
        "another peer",
        req.index(), a.meta.height, req.sender(),
        chunk.size() > kMaxChunkBytes ? "over the size limit" : "SHA-256 unlike the metadata's");
    resp.set_result(ApplyResp::RETRY);
    resp.add_refetch_chunks(req.index());
    if (!req.sender().empty()) resp.add_reject_senders(req.sender());
    return resp;
  }
  std::optional<std::string_view> after;
  if (a.next > 0) after = a.last_key;
  auto entries = DecodeChunk(AsBytes(chunk), after);
  if (!entries.ok()) return RejectSnapshot(entries.status().message());
  a.entries += entries->size();
  if (a.entries > a.meta.entries) {
    return RejectSnapshot(fmt::format("more than the metadata's {} entries", a.meta.entries));
  }
  if (auto s = target_.Write(*entries); !s.ok()) {
    spdlog::error("chain: snapshot restore: {}", s.ToString());
    active_.reset();
    resp.set_result(ApplyResp::ABORT);
    return resp;
  }
  a.last_key = entries->back().first;
  ++a.next;
  if (a.next < a.meta.chunk_hashes.size()) {
    resp.set_result(ApplyResp::ACCEPT);
    return resp;
  }
  if (a.entries != a.meta.entries) {
    return RejectSnapshot(
        fmt::format("{} entries, the metadata says {}", a.entries, a.meta.entries));
  }
  CommitMeta meta{a.meta.height, a.trusted_app_hash, a.meta.chain_id};
  auto root = target_.Load(meta);
  if (!root.ok()) return RejectSnapshot(root.status().ToString());
  if (*root != a.trusted_app_hash) {
    return RejectSnapshot(fmt::format("restored state root {} is not the verified app hash {}",
                                      ToHex(*root), ToHex(a.trusted_app_hash)));
  }
  spdlog::info("chain: restored snapshot at height {}: {} entries, app hash {}", meta.height,
               a.entries, ToHex(meta.app_hash));
  active_.reset();
  resp.set_result(ApplyResp::ACCEPT);
  return resp;
}

}  // namespace vinet::chain
