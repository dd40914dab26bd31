#include "vinet/chain/snapshotter.h"

#include <algorithm>

#include <spdlog/spdlog.h>

namespace vinet::chain {

Snapshotter::Snapshotter(SnapshotStore& store, size_t keep, size_t chunk_bytes)
    : store_(store), keep_(std::max<size_t>(keep, 1)), chunk_bytes_(chunk_bytes) {
  worker_ = std::thread([this] { Run(); });
}

Snapshotter::~Snapshotter() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
    waiting_.reset();
  }
  cv_.notify_all();
  worker_.join();
}

void Snapshotter::Schedule(std::unique_ptr<CommittedView> view) {
  {
    std::lock_guard lock(mu_);
    if (waiting_) {
      spdlog::warn(
          "chain: snapshot at height {} dropped (height {} is due and one is still "
          "being written)",
          waiting_->meta().height, view->meta().height);
    }
    waiting_ = std::move(view);
  }
  cv_.notify_all();
}

std::optional<int64_t> Snapshotter::InFlight() const {
  std::lock_guard lock(mu_);
  std::optional<int64_t> low = writing_;
  if (waiting_ && (!low || waiting_->meta().height < *low)) low = waiting_->meta().height;
  return low;
}

void Snapshotter::Drain() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [this] { return (!waiting_ && !writing_) || stop_; });
}

uint64_t Snapshotter::written() const {
  std::lock_guard lock(mu_);
  return written_;
}

void Snapshotter::Run() {
  std::unique_lock lock(mu_);
  while (true) {
    cv_.wait(lock, [this] { return stop_ || waiting_ != nullptr; });
    if (stop_) return;
    std::unique_ptr<CommittedView> view = std::move(waiting_);
    writing_ = view->meta().height;
    lock.unlock();
    auto start = std::chrono::steady_clock::now();
    auto info = store_.Create(*view, chunk_bytes_);
    view.reset();  // releases the pinned version
    Status pruned = info.ok() ? store_.Prune(keep_) : Status::Ok();
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::steady_clock::now() - start)
                  .count();
    if (!info.ok()) {
      spdlog::error("chain: snapshot failed: {}", info.status().ToString());
    } else {
      spdlog::info("chain: snapshot at height {}: {} chunks, {} ms", info->height, info->chunks,
                   ms);
      if (!pruned.ok()) spdlog::error("chain: snapshot prune: {}", pruned.ToString());
    }
    lock.lock();
    writing_.reset();
    if (info.ok()) ++written_;
    cv_.notify_all();
  }
}

}  // namespace vinet::chain
