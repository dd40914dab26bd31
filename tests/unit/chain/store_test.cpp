#include <gtest/gtest.h>

#include "unit/chain/chain_test_util.h"
#include "vinet/chain/store.h"

namespace vinet::chain {
namespace {

TEST(Store, CommitIsDurableAndCarriesMetadata) {
  testing::TempDir dir;
  {
    auto store = std::move(Store::Open(dir.path()).value());
    EXPECT_EQ(store->meta().height, 0);
    Overlay changes(*store);
    changes.Put("a/1", "one");
    changes.Put("a/2", "two");
    ASSERT_TRUE(store->Commit(changes, {7, Bytes(32, 0xab), "c"}).ok());
    Overlay del(*store);
    del.Delete("a/1");
    ASSERT_TRUE(store->Commit(del, {8, Bytes(32, 0xcd), "c"}).ok());
  }
  auto store = std::move(Store::Open(dir.path()).value());
  EXPECT_EQ(store->meta().height, 8);
  EXPECT_EQ(store->meta().app_hash, Bytes(32, 0xcd));
  EXPECT_EQ(store->meta().chain_id, "c");
  EXPECT_FALSE(store->Get("a/1").value().has_value());
  EXPECT_EQ(store->Get("a/2").value(), std::optional<std::string>("two"));
  auto all = store->ScanState().value();
  ASSERT_EQ(all.size(), 1u);  // metadata is not state
  EXPECT_EQ(all[0].first, "a/2");
}

TEST(Store, RefusesStateKeysInTheMetadataPrefix) {
  testing::TempDir dir;
  auto store = std::move(Store::Open(dir.path()).value());
  Overlay changes(*store);
  changes.Put("\xffmeta/height", "x");
  auto st = store->Commit(changes, {1, {}, "c"});
  EXPECT_EQ(st.code(), Code::kInvalidArgument);
  EXPECT_EQ(store->meta().height, 0);  // nothing written
}

}  // namespace
}  // namespace vinet::chain
