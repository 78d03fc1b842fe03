// Capture-pattern tables: reading count CSVs (with clear errors), strata, and tabulating
// linked capture histories; the set of hierarchical log-linear models.
#include <cmath>
#include <filesystem>

#include <gtest/gtest.h>

#include "estimate/estimate.h"

namespace dossier::estimate {
namespace {

TEST(PatternCsv, ReadsListsAndCountsAndSkipsTheEmptyPattern) {
  auto r = ParsePatternCsv("A,B,C,count\n1,0,0,5\n0,1,0,7\n1,1,0,2\n0,0,0,0\n0,0,1,0\n", "t.csv");
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->size(), 1u);
  const PatternTable& t = (*r)[0].table;
  EXPECT_EQ((*r)[0].label, "all");
  EXPECT_EQ(t.lists, (std::vector<std::string>{"A", "B", "C"}));
  EXPECT_EQ(t.Observed(), 14);
  std::vector<int64_t> dense = t.Dense();
  EXPECT_EQ(dense[0b001], 5);
  EXPECT_EQ(dense[0b010], 7);
  EXPECT_EQ(dense[0b011], 2);
  EXPECT_EQ(dense[0b100], 0);
}

TEST(PatternCsv, CountColumnMayComeFirst) {
  auto r = ParsePatternCsv("count,x,y\n3,1,1\n4,1,0\n", "t.csv");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ((*r)[0].table.lists, (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ((*r)[0].table.Dense()[0b11], 3);
}

TEST(PatternCsv, StrataColumnsSplitTheTable) {
  auto r = ParsePatternCsv("year,A,B,count\n2019,1,0,5\n2019,1,1,2\n2020,0,1,4\n2020,1,1,1\n", "s.csv", {"year"});
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].label, "year=2019");
  EXPECT_EQ((*r)[0].table.Observed(), 7);
  EXPECT_EQ((*r)[1].label, "year=2020");
  EXPECT_EQ((*r)[1].table.Observed(), 5);
}

void ExpectError(const std::string& csv, const std::string& fragment, std::vector<std::string> strata = {}) {
  auto r = ParsePatternCsv(csv, "bad.csv", strata);
  ASSERT_FALSE(r.ok()) << csv;
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(r.error().message.find(fragment), std::string::npos) << r.error().message;
}

TEST(PatternCsv, BadInputNamesFileLineAndColumn) {
  ExpectError("A,B,count\n1,0,5\n1,2,3\n", "bad.csv: line 3, column 2 (B): expected 0 or 1");
  ExpectError("A,B,count\n1,0,5\n1,1,-3\n", "bad.csv: line 3, column 3 (count): expected a whole number");
  ExpectError("A,B,count\n1,0,five\n", "bad.csv: line 2, column 3 (count)");
  ExpectError("A,B,count\n1,0,5\n0,0,2\n", "line 3, column 3 (count): the all-zero pattern");
  ExpectError("A,B,count\n1,0,5\n1,0,6\n", "bad.csv: line 3: this capture pattern already appeared on line 2");
  ExpectError("A,B,n\n1,0,5\n", "bad.csv: line 1: no `count` column");
  ExpectError("A,count\n1,5\n", "found 1 list column(s)");
  ExpectError("A,B,count\n1,0\n", "bad.csv");  // ragged row, reported by the CSV reader
  ExpectError("A,B,count\n1,0,5\n", "no stratum column `year`", {"year"});
  ExpectError("year,A,B,count\n2019,1,0,5\n", "line 2, column 1 (year): expected 0 or 1");
}

TEST(PatternCsv, MissingFileIsAnIoError) {
  auto r = ReadPatternCsv("/nonexistent/patterns.csv");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kIo);
  EXPECT_NE(r.error().message.find("/nonexistent/patterns.csv"), std::string::npos);
}

TEST(PatternCsv, ReadsEveryPublishedTable) {
  const std::filesystem::path dir = std::filesystem::path(DOSSIER_SHARED_DATA_DIR) / "mse";
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << "shared data folder " << dir << " is missing";
  const std::vector<std::pair<std::string, int64_t>> files = {
      {"hav_taiwan1995_3lists.csv", 271},     {"diabetes_bruno1994_4lists.csv", 2069},
      {"congenital_wittes1974_5lists.csv", 537}, {"spina_bifida_hook1980_3lists.csv", 626},
      {"hiv_rome_abeni1994_4lists.csv", 1896}, {"rcapture_lesbian_4lists.csv", 2185},
      {"sparsemse_NewOrl.csv", 185},           {"sparsemse_Ned.csv", 8234},
      {"sparsemse_Western.csv", 345}};
  for (const auto& [f, n] : files) {
    auto r = ReadPatternCsv((dir / f).string());
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ((*r)[0].table.Observed(), n) << f;  // the n column of the data README
  }
}

TEST(CaptureHistories, TabulateByStratum) {
  std::vector<CaptureHistory> people = {
      {{"ngo_a"}, {{"year", "2019"}}},
      {{"ngo_a", "ngo_b"}, {{"year", "2019"}}},
      {{"ngo_b", "ngo_a"}, {{"year", "2019"}}},
      {{"ngo_c"}, {{"year", "2020"}}},
      {{"ngo_b", "ngo_c"}, {{"year", "2020"}}},
  };
  auto r = TabulateHistories(people, {}, {"year"});
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->size(), 2u);
  // A stratum's table keeps only the lists someone in it is on.
  EXPECT_EQ((*r)[0].table.lists, (std::vector<std::string>{"ngo_a", "ngo_b"}));
  EXPECT_EQ((*r)[0].label, "year=2019");
  EXPECT_EQ((*r)[0].table.Dense()[0b01], 1);
  EXPECT_EQ((*r)[0].table.Dense()[0b11], 2);
  EXPECT_EQ((*r)[1].table.lists, (std::vector<std::string>{"ngo_b", "ngo_c"}));
  EXPECT_EQ((*r)[1].table.Dense()[0b11], 1);
  EXPECT_EQ((*r)[1].table.Dense()[0b10], 1);
  // Whole population without strata.
  auto all = TabulateHistories(people, {}, {});
  ASSERT_TRUE(all.ok());
  EXPECT_EQ((*all)[0].table.Observed(), 5);
}

TEST(CaptureHistories, RejectPeopleOnNoListOrAnUnknownList) {
  auto none = TabulateHistories({{{}, {}}, {{"a", "b"}, {}}}, {"a", "b"}, {});
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.error().message.find("person 1: on no list"), std::string::npos);
  auto unknown = TabulateHistories({{{"a", "z"}, {}}}, {"a", "b"}, {});
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("unknown list `z`"), std::string::npos);
  auto missing = TabulateHistories({{{"a"}, {}}}, {"a", "b"}, {"year"});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("no value for stratum `year`"), std::string::npos);
}

TEST(CaptureHistories, EstimateHistoriesGivesOneEstimatePerStratum) {
  std::vector<CaptureHistory> people;
  // Two strata with the same structure: 60 on A only, 40 on B only, 30 on both (N = 210).
  for (const char* year : {"2019", "2020"}) {
    for (int i = 0; i < 60; ++i) people.push_back({{"A"}, {{"year", year}}});
    for (int i = 0; i < 40; ++i) people.push_back({{"B"}, {{"year", year}}});
    for (int i = 0; i < 30; ++i) people.push_back({{"A", "B"}, {{"year", year}}});
  }
  auto r = EstimateHistories(people, {"year"}, EstimateOptions{});
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->size(), 2u);
  for (const Estimate& e : *r) {
    EXPECT_EQ(e.n_observed, 130);
    EXPECT_NEAR(e.estimate, 90.0 * 70.0 / 30.0, 1e-6);  // Lincoln-Petersen
  }
  EXPECT_EQ((*r)[1].stratum, "year=2020");
}

TEST(CaptureHistories, AStratumThatCannotBeEstimatedSaysWhyAndTheOthersAreStillEstimated) {
  std::vector<CaptureHistory> people;
  for (int i = 0; i < 60; ++i) people.push_back({{"A"}, {{"year", "2019"}}});
  for (int i = 0; i < 40; ++i) people.push_back({{"B"}, {{"year", "2019"}}});
  for (int i = 0; i < 30; ++i) people.push_back({{"A", "B"}, {{"year", "2019"}}});
  // 2012: two people, each on one list, nobody on both: nothing to estimate from.
  people.push_back({{"A"}, {{"year", "2012"}}});
  people.push_back({{"C"}, {{"year", "2012"}}});
  auto r = EstimateHistories(people, {"year"}, EstimateOptions{});
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->size(), 2u);
  const Estimate& y2012 = (*r)[0];
  EXPECT_EQ(y2012.stratum, "year=2012");
  EXPECT_EQ(y2012.n_observed, 2);
  EXPECT_NE(y2012.not_estimated.find("no one appears on more than one list"), std::string::npos) << y2012.not_estimated;
  EXPECT_TRUE(std::isnan(y2012.estimate));
  EXPECT_TRUE((*r)[1].not_estimated.empty());
  EXPECT_NEAR((*r)[1].estimate, 90.0 * 70.0 / 30.0, 1e-6);
  // When no stratum can be estimated, the answer is an error with the reason.
  auto none = EstimateHistories({{{"A"}, {{"year", "2012"}}}, {{"C"}, {{"year", "2012"}}}}, {"year"}, EstimateOptions{});
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.error().message.find("no stratum can be estimated; stratum year=2012"), std::string::npos);
}

TEST(HierarchicalModels, CountsMatchTheKnownNumbers) {
  EXPECT_EQ(HierarchicalModels(2, 1).size(), 1u);
  EXPECT_EQ(HierarchicalModels(3, 2).size(), 8u);
  EXPECT_EQ(HierarchicalModels(4, 3).size(), 113u);  // every 4-list model short of saturated
  EXPECT_EQ(HierarchicalModels(4, 2).size(), 64u);   // 2^6 sets of pairs
  EXPECT_EQ(HierarchicalModels(5, 2).size(), 1024u);
  for (const auto& m : HierarchicalModels(4, 3)) {
    for (uint32_t t : m) {  // every sub-term of a 3-way term is present
      if (__builtin_popcount(t) != 3) continue;
      for (int j = 0; j < 4; ++j) {
        if (!((t >> j) & 1u)) continue;
        EXPECT_NE(std::find(m.begin(), m.end(), t & ~(1u << j)), m.end());
      }
    }
  }
}

}  // namespace
}  // namespace dossier::estimate
