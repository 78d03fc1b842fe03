// Log-linear estimates reproduce the reference values of /work/shared/data/mse to within 0.1%
// (Rcapture 1.4-4: Poisson point estimates, standard errors, AIC/BIC ranking and Cormack's
// profile-likelihood intervals), and cautions appear where the data cannot carry a number.
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "estimate/estimate.h"

namespace dossier::estimate {
namespace {

const std::filesystem::path kDir = std::filesystem::path(DOSSIER_SHARED_DATA_DIR) / "mse";

PatternTable Load(const std::string& file) {
  auto r = ReadPatternCsv((kDir / file).string());
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? (*r)[0].table : PatternTable{};
}

// The expected numbers below are copied from reference_estimates.csv; this checks they are there.
std::string ReferenceText() {
  std::ifstream in(kDir / "reference_estimates.csv");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

#define SKIP_WITHOUT_DATA() \
  if (!std::filesystem::exists(kDir)) GTEST_SKIP() << "shared data folder " << kDir << " is missing"

void ExpectWithin(double actual, double expected, double rel, const std::string& what) {
  EXPECT_LE(std::abs(actual - expected), rel * std::abs(expected))
      << what << ": got " << actual << ", reference " << expected;
}

constexpr double kTol = 0.001;  // 0.1%

TEST(LogLinearReference, CongenitalBestBicModelOfOrderTwo) {
  SKIP_WITHOUT_DATA();
  const std::string ref = ReferenceText();
  for (const char* v : {"620.4704", "stderr 14.83", "BIC 200.1285", "[12,13,45]"}) {
    ASSERT_NE(ref.find(v), std::string::npos) << v;
  }
  auto r = FitLogLinear(Load("congenital_wittes1974_5lists.csv"), {.max_order = 2});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->models.size(), 1024u);
  const ModelFit& best = r->models[0];
  EXPECT_EQ(best.name, "[12,13,45]");
  ExpectWithin(best.estimate, 620.4704, kTol, "N");
  ExpectWithin(best.std_error, 14.83, kTol, "stderr");
  ExpectWithin(best.bic, 200.1285, kTol, "BIC");
  EXPECT_TRUE(best.has_interval);
  EXPECT_LT(best.lower, best.estimate);
  EXPECT_GT(best.upper, best.estimate);
}

TEST(LogLinearReference, DiabetesBestBicAndIndependence) {
  SKIP_WITHOUT_DATA();
  const std::string ref = ReferenceText();
  for (const char* v : {"2472.247", "2374.5-2584.4", "2250.6"}) ASSERT_NE(ref.find(v), std::string::npos) << v;
  const PatternTable t = Load("diabetes_bruno1994_4lists.csv");
  auto r = FitLogLinear(t, {.max_order = 2});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->models[0].name, "[13,24,34]");
  ExpectWithin(r->models[0].estimate, 2472.247, kTol, "N [13,24,34]");
  // Rcapture's profile interval for this model: 2374.5 - 2584.4.
  ExpectWithin(r->models[0].lower, 2374.5, kTol, "lower");
  ExpectWithin(r->models[0].upper, 2584.4, kTol, "upper");
  // The same model is also the best BIC model among all 113 of order up to 3.
  auto all = FitLogLinear(t);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->models.size(), 113u);
  EXPECT_EQ(all->models[0].name, "[13,24,34]");
  auto mt = FitLogLinearModel(t, {});
  ASSERT_TRUE(mt.ok());
  EXPECT_EQ(mt->name, "[1,2,3,4]");
  ExpectWithin(mt->estimate, 2250.6, kTol, "N Mt");
}

TEST(LogLinearReference, HivRomeMtPlusC1C2AndIndependence) {
  SKIP_WITHOUT_DATA();
  const std::string ref = ReferenceText();
  for (const char* v : {"12318.5", "10266-14992.3", "deviance 7.614 df 9", "11124.6"}) {
    ASSERT_NE(ref.find(v), std::string::npos) << v;
  }
  const PatternTable t = Load("hiv_rome_abeni1994_4lists.csv");
  auto m = FitLogLinearModel(t, {0b0011});
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m->name, "[12,3,4]");
  ExpectWithin(m->estimate, 12318.5, kTol, "N");
  ExpectWithin(m->deviance, 7.614, kTol, "deviance");
  EXPECT_EQ(m->df, 9);
  ExpectWithin(m->lower, 10266, kTol, "lower");
  ExpectWithin(m->upper, 14992.3, kTol, "upper");
  auto mt = FitLogLinearModel(t, {});
  ASSERT_TRUE(mt.ok());
  ExpectWithin(mt->estimate, 11124.6, kTol, "N Mt");
}

TEST(LogLinearReference, HepatitisIndependenceAndAllTwoWay) {
  SKIP_WITHOUT_DATA();
  const std::string ref = ReferenceText();
  for (const char* v : {"388.4835", "387.1 (350.3-435.4)", "1312.7647", "stderr 518.0", "(654.7-3031.1)"}) {
    ASSERT_NE(ref.find(v), std::string::npos) << v;
  }
  const PatternTable t = Load("hav_taiwan1995_3lists.csv");
  auto ind = FitLogLinearModel(t, {});
  ASSERT_TRUE(ind.ok());
  ExpectWithin(ind->estimate, 388.4835, kTol, "N independence");
  ExpectWithin(ind->lower, 350.3, kTol, "lower");
  ExpectWithin(ind->upper, 435.4, kTol, "upper");
  auto sat = FitLogLinearModel(t, {0b011, 0b101, 0b110});
  ASSERT_TRUE(sat.ok());
  EXPECT_EQ(sat->name, "[12,13,23]");
  ExpectWithin(sat->estimate, 1312.7647, kTol, "N all two-way");
  ExpectWithin(sat->std_error, 518.0, kTol, "stderr");
  ExpectWithin(sat->lower, 654.7, kTol, "lower");
  ExpectWithin(sat->upper, 3031.1, kTol, "upper");
}

TEST(LogLinearReference, TwoListLincolnPetersen) {
  // Seber (1982, p.107): n11=167, n10=781, n01=254; N = 948*421/167 = 2389.9.
  PatternTable t{{"first", "second"}, {0b01, 0b10, 0b11}, {781, 254, 167}};
  auto r = FitLogLinear(t);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->models.size(), 1u);
  ExpectWithin(r->models[0].estimate, 948.0 * 421.0 / 167.0, 1e-9, "closed form");
  ExpectWithin(r->models[0].estimate, 2389.9, kTol, "Seber");
}

TEST(LogLinear, AicSelectionAndModelAveraging) {
  SKIP_WITHOUT_DATA();
  const PatternTable t = Load("diabetes_bruno1994_4lists.csv");
  auto aic = FitLogLinear(t, {.select = Criterion::kAic, .average = true});
  ASSERT_TRUE(aic.ok());
  for (size_t i = 1; i < aic->models.size(); ++i) EXPECT_LE(aic->models[0].aic, aic->models[i].aic);
  EXPECT_TRUE(aic->averaged);
  EXPECT_GT(aic->average_estimate, 2069);
  EXPECT_LT(aic->average_lower, aic->average_estimate);
  EXPECT_GT(aic->average_upper, aic->average_estimate);
}

TEST(LogLinear, RefusesModelsThatAreNotHierarchicalOrTablesWithTooManyLists) {
  PatternTable t{{"a", "b", "c"}, {1, 2, 3, 4, 5, 6, 7}, {10, 10, 5, 10, 5, 5, 2}};
  auto bad = FitLogLinearModel(t, {0b111});
  ASSERT_FALSE(bad.ok());
  PatternTable seven{{"a", "b", "c", "d", "e", "f", "g"}, {1, 3}, {4, 2}};
  auto r = FitLogLinear(seven);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("2 to 6 lists"), std::string::npos) << r.error().message;
}

TEST(Cautions, NoOverlapIsRefusedWithAReason) {
  PatternTable t{{"a", "b", "c"}, {1, 2, 4}, {30, 20, 10}};
  auto r = EstimateTable(t, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(r.error().message.find("no one appears on more than one list"), std::string::npos);
}

TEST(Cautions, LittleOverlapAndUnboundedIntervalAreSaid) {
  // Two lists sharing 2 people: Lincoln-Petersen gives 50*40/2 = 1000 from 88 people.
  PatternTable t{{"a", "b"}, {1, 2, 3}, {48, 38, 2}};
  auto r = EstimateTable(t, {});
  ASSERT_TRUE(r.ok()) << r.error().message;
  std::string all;
  for (const auto& c : r->cautions) all += c + "\n";
  EXPECT_NE(all.find("Only 2 of 88 people appear on more than one list"), std::string::npos) << all;
  EXPECT_NE(all.find("times the number documented"), std::string::npos) << all;
}

TEST(Cautions, SparseTablesAreFlagged) {
  SKIP_WITHOUT_DATA();
  // Western US trafficking: 5 lists, little overlap; any answer must come with cautions.
  auto r = EstimateTable(Load("sparsemse_Western.csv"), {});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_FALSE(r->cautions.empty());
  // New Orleans has 8 lists: log-linear refuses with a reason instead of guessing.
  auto no = EstimateTable(Load("sparsemse_NewOrl.csv"), {});
  ASSERT_FALSE(no.ok());
  EXPECT_NE(no.error().message.find("use --method lcmcr"), std::string::npos);
}

TEST(Cautions, WellIdentifiedTableHasNoIntervalCautions) {
  SKIP_WITHOUT_DATA();
  auto r = EstimateTable(Load("congenital_wittes1974_5lists.csv"), {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->method, "loglinear");
  EXPECT_EQ(r->model, "[12,13,45]");
  ExpectWithin(r->estimate, 620.4704, kTol, "N");
  for (const auto& c : r->cautions) {
    EXPECT_EQ(c.find("no upper limit"), std::string::npos) << c;
    EXPECT_EQ(c.find("very wide"), std::string::npos) << c;
  }
}

}  // namespace
}  // namespace dossier::estimate
