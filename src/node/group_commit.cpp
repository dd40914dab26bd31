#include "vinet/node/group_commit.h"

namespace vinet::node {

Status GroupCommit::Commit(const ClaimRecord& record) {
  Waiter me{&record, Status::Ok(), false, {}};
  std::unique_lock lock(mu_);
  queue_.push_back(&me);
  while (!me.done) {
    if (writing_) {
      me.cv.wait(lock);
      continue;
    }
    // Lead one write for everything queued (this caller's record included,
    // as its own batch cannot have been taken by an earlier writer without
    // marking it done).
    writing_ = true;
    std::vector<Waiter*> batch;
    batch.swap(queue_);
    auto hook = before_write_;
    lock.unlock();
    if (hook) hook(batch.size());
    std::vector<const ClaimRecord*> records;
    records.reserve(batch.size());
    for (const Waiter* w : batch) records.push_back(w->record);
    Status s = write_(records);
    lock.lock();
    for (Waiter* w : batch) {
      w->status = s;
      w->done = true;
      if (w != &me) w->cv.notify_one();
    }
    ++batches_;
    if (s.ok()) records_ += batch.size();
    writing_ = false;
    if (!queue_.empty()) queue_.front()->cv.notify_one();  // the next writer
  }
  return me.status;
}

uint64_t GroupCommit::batches() const {
  std::lock_guard lock(mu_);
  return batches_;
}

uint64_t GroupCommit::records() const {
  std::lock_guard lock(mu_);
  return records_;
}

size_t GroupCommit::queued() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

void GroupCommit::SetBeforeWriteForTest(std::function<void(size_t)> hook) {
  std::lock_guard lock(mu_);
  before_write_ = std::move(hook);
}

}  // namespace vinet::node
