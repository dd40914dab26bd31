#include "vinet/node/group_commit.h"

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "unit/node/node_test_util.h"
#include "vinet/node/ledger.h"

namespace vinet::node {
namespace {

ClaimRecord Record(int i) {
  ClaimRecord c;
  c.id_hex = "id" + std::to_string(i);
  c.client = "client" + std::to_string(i % 3);
  c.fee = 1;
  c.model_id = "m";
  c.request = {static_cast<uint8_t>(i)};
  return c;
}

// Holds the first write until `others` more callers have queued behind it.
void HoldFirstWriteUntilQueued(GroupCommit& gc, size_t others) {
  auto first = std::make_shared<std::atomic<bool>>(true);
  gc.SetBeforeWriteForTest([&gc, first, others](size_t) {
    if (!first->exchange(false)) return;
    while (gc.queued() < others) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  });
}

TEST(GroupCommit, LoneCallerWritesOnce) {
  std::vector<std::vector<std::string>> writes;
  GroupCommit gc([&](const std::vector<const ClaimRecord*>& batch) {
    writes.emplace_back();
    for (const auto* r : batch) writes.back().push_back(r->id_hex);
    return Status::Ok();
  });
  ClaimRecord a = Record(1), b = Record(2);
  ASSERT_TRUE(gc.Commit(a).ok());
  ASSERT_TRUE(gc.Commit(b).ok());
  EXPECT_EQ(writes, (std::vector<std::vector<std::string>>{{"id1"}, {"id2"}}));
  EXPECT_EQ(gc.batches(), 2u);
  EXPECT_EQ(gc.records(), 2u);
}

TEST(GroupCommit, ConcurrentCallersShareOneWriteAndReturnOnlyOnceWritten) {
  constexpr int kThreads = 16;
  std::mutex mu;
  std::set<std::string> written;
  std::vector<size_t> sizes;
  GroupCommit gc([&](const std::vector<const ClaimRecord*>& batch) {
    std::lock_guard lock(mu);
    sizes.push_back(batch.size());
    for (const auto* r : batch) EXPECT_TRUE(written.insert(r->id_hex).second) << r->id_hex;
    return Status::Ok();
  });
  HoldFirstWriteUntilQueued(gc, kThreads - 1);
  std::atomic<int> early{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      ClaimRecord r = Record(i);
      ASSERT_TRUE(gc.Commit(r).ok());
      std::lock_guard lock(mu);
      if (!written.count(r.id_hex)) ++early;  // answered before its write
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(early.load(), 0);
  EXPECT_EQ(written.size(), static_cast<size_t>(kThreads));
  // The first caller wrote alone; everyone who queued behind it, in one write.
  EXPECT_EQ(sizes, (std::vector<size_t>{1, kThreads - 1}));
  EXPECT_EQ(gc.batches(), 2u);
  EXPECT_EQ(gc.records(), static_cast<uint64_t>(kThreads));
}

TEST(GroupCommit, AFailedWriteFailsEveryCallerOfItsBatchOnly) {
  constexpr int kThreads = 6;
  std::atomic<int> calls{0};
  GroupCommit gc([&](const std::vector<const ClaimRecord*>&) {
    // The second write (the queued batch) fails.
    return ++calls == 2 ? Error(Code::kIo, "disk full") : Status::Ok();
  });
  HoldFirstWriteUntilQueued(gc, kThreads - 1);
  std::atomic<int> ok{0}, failed{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      ClaimRecord r = Record(i);
      Status s = gc.Commit(r);
      if (s.ok()) {
        ++ok;
      } else {
        EXPECT_EQ(s.code(), Code::kIo);
        EXPECT_NE(s.message().find("disk full"), std::string::npos);
        ++failed;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(failed.load(), kThreads - 1);
  EXPECT_EQ(gc.records(), 1u);
}

TEST(GroupCommit, LedgerAcceptsConcurrentlyWithOneSyncedBatchAndKeepsEveryClaim) {
  constexpr int kThreads = 12;
  testing::TempDir dir;
  {
    auto ledger = std::move(*Ledger::Open(dir.path));
    HoldFirstWriteUntilQueued(ledger->commits(), kThreads - 1);
    std::atomic<int> accepted{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < kThreads; ++i) {
      threads.emplace_back([&, i] {
        if (ledger->Accept(Record(i), 100).ok()) ++accepted;
      });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(accepted.load(), kThreads);
    EXPECT_EQ(ledger->commits().batches(), 2u);
    EXPECT_EQ(ledger->OpenCount(), static_cast<size_t>(kThreads));
    EXPECT_EQ(ledger->Held("client0"), 4u);
    // A duplicate still fails, also while others are in flight.
    EXPECT_EQ(ledger->Accept(Record(3), 100).code(), Code::kAlreadyExists);
  }
  auto ledger = std::move(*Ledger::Open(dir.path));
  EXPECT_EQ(ledger->OpenClaims("ACCEPTED", 100).size(), static_cast<size_t>(kThreads));
  for (int i = 0; i < kThreads; ++i) {
    auto got = ledger->Get("id" + std::to_string(i));
    ASSERT_TRUE(got.ok()) << i;
    EXPECT_EQ(got->request, Record(i).request);
  }
}

}  // namespace
}  // namespace vinet::node
