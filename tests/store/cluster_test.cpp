// A person is a cluster of records: merges, splits and undo, all audited.
#include "store_fixture.h"

namespace dossier::testing {
namespace {

class ClusterTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    ASSERT_TRUE(store_->Create(MakeSource("s-1")).ok());
    for (const char* id : {"p-1", "p-2", "p-3"}) ASSERT_TRUE(store_->Create(MakePerson(id, "리순희", "s-1")).ok());
  }
  int64_t LastSeq() { return store_->RecentAudit(1)->front().seq; }
};

TEST_F(ClusterTest, EveryRecordStartsAsItsOwnPerson) {
  EXPECT_EQ(*store_->ClusterOf("p-2"), "p-2");
  EXPECT_EQ(*store_->ClusterMembers("p-2"), std::vector<std::string>{"p-2"});
  EXPECT_EQ(store_->ClusterOf("p-404").error().code, ErrorCode::kNotFound);
}

TEST_F(ClusterTest, MergeSplitAndUndo) {
  ASSERT_TRUE(store_->MergeClusters("p-3", "p-2").ok());
  const int64_t merge = LastSeq();
  EXPECT_EQ(*store_->ClusterOf("p-3"), "p-2");
  ASSERT_TRUE(store_->MergeClusters("p-1", "p-3").ok());
  EXPECT_EQ(*store_->ClusterMembers("p-1"), (std::vector<std::string>{"p-1", "p-2", "p-3"}));
  ASSERT_TRUE(store_->SplitFromCluster("p-1").ok());  // p-1 named the cluster: the rest is renamed
  EXPECT_EQ(*store_->ClusterOf("p-1"), "p-1");
  EXPECT_EQ(*store_->ClusterOf("p-3"), "p-2");
  const int64_t split = LastSeq();
  ASSERT_TRUE(store_->UndoClusterChange(split).ok());
  EXPECT_EQ(*store_->ClusterOf("p-3"), "p-1");
  // Undoing the first merge now would move p-3 from where it no longer is: refused.
  EXPECT_EQ(store_->UndoClusterChange(merge).code(), ErrorCode::kConflict);
  EXPECT_EQ(store_->UndoClusterChange(1).code(), ErrorCode::kInvalidArgument);  // a create, not a merge
  EXPECT_TRUE(store_->Verify()->ok());
}

TEST_F(ClusterTest, ReviewQueueConfirmMergesAndRejectOnlyRecords) {
  auto queued = store_->QueueLinkCandidates({{0, "p-2", "p-1", 0.97, R"({"fields":[]})", "", "", ""},
                                             {0, "p-1", "p-3", 0.61, R"({"fields":[]})", "", "", ""}});
  ASSERT_TRUE(queued.ok()) << queued.error().message;
  EXPECT_EQ(*queued, 2);
  auto page = store_->ListLinkCandidates("pending", 10, 0);
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->items[0].person_a, "p-1");  // stored in id order, listed most probable first
  EXPECT_DOUBLE_EQ(page->items[0].probability, 0.97);
  store_->SetActor("reviewer-lee");
  ASSERT_TRUE(store_->DecideLinkCandidate(page->items[0].id, true).ok());
  ASSERT_TRUE(store_->DecideLinkCandidate(page->items[1].id, false).ok());
  EXPECT_EQ(*store_->ClusterOf("p-2"), "p-1");
  EXPECT_EQ(*store_->ClusterOf("p-3"), "p-3");
  EXPECT_EQ(store_->DecideLinkCandidate(page->items[0].id, false).code(), ErrorCode::kConflict);
  auto confirmed = store_->ListLinkCandidates("confirmed", 10, 0);
  ASSERT_EQ(confirmed->items.size(), 1u);
  EXPECT_EQ(confirmed->items[0].decided_by, "reviewer-lee");
  // Re-running linkage does not queue decided pairs again.
  EXPECT_EQ(*store_->QueueLinkCandidates({{0, "p-1", "p-2", 0.99, "{}", "", "", ""}}), 0);
}

TEST_F(ClusterTest, DeletingAPersonLeavesNoClusterOrCandidateBehind) {
  ASSERT_TRUE(store_->MergeClusters("p-1", "p-3").ok());
  ASSERT_TRUE(store_->QueueLinkCandidates({{0, "p-3", "p-2", 0.9, "{}", "", "", ""}}).ok());
  ASSERT_TRUE(store_->Delete(RecordKind::kPerson, "p-3").ok());
  EXPECT_EQ(*store_->ClusterMembers("p-1"), std::vector<std::string>{"p-1"});
  EXPECT_EQ(store_->ListLinkCandidates("pending", 10, 0)->total, 0u);
}

}  // namespace
}  // namespace dossier::testing
