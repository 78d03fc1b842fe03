// Linkage and estimation on a real database of demo records.
#include "analysis/analysis.h"

#include <set>

#include <nlohmann/json.hpp>

#include "../store/store_fixture.h"
#include "store/demo.h"

namespace dossier::testing {
namespace {

class AnalysisTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    DemoOptions demo;
    demo.persons = 150;
    demo.seed = 11;
    auto s = GenerateDemoData(*store_, demo);
    ASSERT_TRUE(s.ok());
    duplicates_ = s->duplicate_records;
    auto tables = linkage::LoadNameTables();
    ASSERT_TRUE(tables.ok()) << tables.error().message;
    tables_ = *tables;
  }
  int64_t duplicates_ = 0;
  std::shared_ptr<const linkage::NameTables> tables_;
};

TEST_F(AnalysisTest, LinkRecordsCarryNamesDatesAndIncidents) {
  auto records = analysis::LinkRecordsFromStore(*store_);
  ASSERT_TRUE(records.ok());
  ASSERT_FALSE(records->empty());
  size_t with_incidents = 0;
  for (const auto& r : *records) {
    EXPECT_FALSE(r.names.empty());
    with_incidents += !r.incident_places.empty();
  }
  EXPECT_GT(with_incidents, records->size() * 9 / 10);
  for (const auto& r : *records) EXPECT_NE(r.id, "per-shenyang2012-group");  // groups are not linked
}

TEST_F(AnalysisTest, DuplicatesOfTheDemoReachTheReviewQueueWithExplanations) {
  ASSERT_GT(duplicates_, 0);
  auto summary = analysis::QueueLinkCandidates(*store_, *tables_, {});
  ASSERT_TRUE(summary.ok()) << summary.error().message;
  EXPECT_GE(summary->queued, duplicates_ / 2);
  auto page = store_->ListLinkCandidates("pending", 1000, 0);
  ASSERT_TRUE(page.ok());
  ASSERT_FALSE(page->items.empty());
  auto e = nlohmann::json::parse(page->items[0].explanation);
  EXPECT_FALSE(e["fields"].empty());
  EXPECT_NEAR(e["probability"].get<double>(), page->items[0].probability, 1e-9);
  // Nothing was merged automatically.
  auto clusters = store_->AllClusters();
  for (const auto& [person, cluster] : *clusters) EXPECT_EQ(person, cluster);
}

TEST_F(AnalysisTest, CaptureHistoriesCountUniquePersonsAfterMerges) {
  auto before = analysis::CaptureHistories(*store_, {});
  ASSERT_TRUE(before.ok());
  ASSERT_TRUE(analysis::QueueLinkCandidates(*store_, *tables_, {}).ok());
  auto page = store_->ListLinkCandidates("pending", 1, 0);
  ASSERT_FALSE(page->items.empty());
  ASSERT_TRUE(store_->DecideLinkCandidate(page->items[0].id, true).ok());
  auto after = analysis::CaptureHistories(*store_, {});
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->size(), before->size() - 1);
}

TEST_F(AnalysisTest, StrataAndListsComeFromIncidentsAndPublishers) {
  analysis::HistoryOptions o;
  o.strata = {"year", "province"};
  o.incident_type = "forced_return";
  auto h = analysis::CaptureHistories(*store_, o);
  ASSERT_TRUE(h.ok());
  ASSERT_FALSE(h->empty());
  std::set<std::string> lists;
  for (const auto& p : *h) {
    for (const auto& l : p.lists) lists.insert(l);
    EXPECT_EQ(p.strata.at("province").substr(0, 3), "cn-");  // returns happen from China
  }
  EXPECT_TRUE(lists.count("Demo NGO"));
  EXPECT_GE(lists.size(), 2u);
  o.strata = {"colour"};
  auto bad = analysis::CaptureHistories(*store_, o);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("unknown stratum 'colour'"), std::string::npos);
}

}  // namespace
}  // namespace dossier::testing
