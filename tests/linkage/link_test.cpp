// End to end: accuracy on the public benchmarks, the Korean example, and bad input.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "korean_generator.h"
#include "linkage/evaluate.h"
#include "linkage/link.h"
#include "linkage/tabular.h"

namespace dossier::linkage {
namespace {

const std::string kShared = std::string(DOSSIER_SHARED_DATA_DIR) + "/linkage";
const std::string kBench = std::string(DOSSIER_SOURCE_DIR) + "/bench/linkage";

const NameTables& Tables() {
  static auto t = LoadNameTables();
  if (!t.ok()) ADD_FAILURE() << t.error().message;
  return **t;
}

Accuracy RunFiles(const std::string& config_path, const std::vector<std::string>& inputs) {
  auto config = LoadFileConfig(config_path);
  EXPECT_TRUE(config.ok()) << config.error().message;
  std::vector<LinkRecord> records;
  std::vector<std::string> truth;
  for (const auto& p : inputs) {
    auto f = ReadRecordsCsv(p, std::filesystem::path(p).filename().string(), *config);
    EXPECT_TRUE(f.ok()) << f.error().message;
    records.insert(records.end(), f->records.begin(), f->records.end());
    truth.insert(truth.end(), f->truth.begin(), f->truth.end());
  }
  config->options.train.random_pairs = 200'000;  // fast under sanitizers
  auto r = Link(Tables(), records, config->options);
  EXPECT_TRUE(r.ok()) << r.error().message;
  return Evaluate(truth, r->cluster_of);
}

TEST(Link, Febrl4) {
  if (!std::filesystem::exists(kShared + "/febrl4/dataset4a.csv")) GTEST_SKIP() << "FEBRL4 not found under " << kShared;
  Accuracy a = RunFiles(kBench + "/febrl4.json", {kShared + "/febrl4/dataset4a.csv", kShared + "/febrl4/dataset4b.csv"});
  EXPECT_GT(a.f1, 0.99);
}

TEST(Link, SplinkFake1000BeatsPlainFellegiSunter) {
  if (!std::filesystem::exists(kShared + "/splink_fake_1000/fake_1000.csv")) GTEST_SKIP() << "fake_1000 not found";
  Accuracy a = RunFiles(kBench + "/fake_1000.json", {kShared + "/splink_fake_1000/fake_1000.csv"});
  EXPECT_GT(a.f1, 0.90);  // plain Fellegi-Sunter: about 0.85
}

// Records of the generated Korean benchmark, as file mode reads them.
std::vector<LinkRecord> GeneratedRecords(const std::vector<bench::KoreanRow>& rows) {
  std::vector<LinkRecord> records;
  for (const auto& r : rows) {
    LinkRecord x;
    x.source = "gen";
    x.id = r.id;
    x.names.push_back({r.name, "", "", "", ""});
    if (!r.birth_date.empty()) x.birth_date = *PartialDate::Parse(r.birth_date);
    x.sex = r.sex;
    x.origin = r.origin;
    records.push_back(x);
  }
  return records;
}

TEST(Link, KoreanExampleIsOneCluster) {
  auto rows = bench::GenerateKorean(Tables(), 300, 11);
  ASSERT_TRUE(rows.ok()) << rows.error().message;
  std::vector<LinkRecord> records = GeneratedRecords(*rows);
  const char* names[] = {"리순희", "Ri Sun-hui", "Lee Soon-hee", "李顺姬"};
  const char* sources[] = {"testimony", "news", "ngo_list", "police"};
  for (int i = 0; i < 4; ++i) {
    LinkRecord x;
    x.source = sources[i];
    x.id = "example";
    x.names.push_back({names[i], "", "", "", ""});
    x.birth_date = i == 2 ? PartialDate::Year(1987) : PartialDate::Day(1987, 3, 14);
    x.sex = i == 3 ? "" : "female";
    x.origin = "kp-nh-onsong";
    records.push_back(x);
  }
  auto config = LoadFileConfig(kBench + "/korean.json");
  ASSERT_TRUE(config.ok()) << config.error().message;
  config->options.train.random_pairs = 100'000;
  auto r = Link(Tables(), records, config->options);
  ASSERT_TRUE(r.ok()) << r.error().message;
  size_t n = records.size();
  for (size_t i = n - 3; i < n; ++i) EXPECT_EQ(r->cluster_of[i], r->cluster_of[n - 4]) << records[i].names[0].value;
  // Explanation field by field, summing to the score.
  Explanation e = Explain(r->model, r->prepared[n - 4], r->prepared[n - 1]);
  double sum = e.prior_weight;
  for (const auto& f : e.fields) sum += f.weight + f.tf_adjustment;
  EXPECT_NEAR(sum, e.total, 1e-9);
  EXPECT_GT(e.probability, 0.9);
  // The scoring loop's tables give the same weight as Explain, pair by pair.
  ScoringTables st = BuildScoringTables(r->model, r->prepared);
  size_t checked = 0;
  for (const auto& p : r->pairs) {
    if (checked++ == 300) break;
    Explanation x = Explain(r->model, r->prepared[p.a], r->prepared[p.b]);
    EXPECT_NEAR(ScoreFast(st, p.a, p.b, Compare(r->model.comparisons, r->prepared[p.a], r->prepared[p.b])), x.total, 1e-4);
    EXPECT_NEAR(p.weight, x.total, 1e-4);
    // Pass 2 scores the comparison pass 1 kept: the same pattern as comparing again.
    EXPECT_EQ(p.pattern, Compare(r->model.comparisons, r->prepared[p.a], r->prepared[p.b]).pattern);
  }
  EXPECT_GT(checked, 100u);
  // Every blocking rule of korean.json masks a name, so a training-only rule (birth_date) was
  // added: a different given name must weigh against a match, not for it.
  for (size_t c = 0; c < r->model.comparisons.size(); ++c)
    if (r->model.comparisons[c].field == Field::kGivenName) {
      const auto& levels = r->model.comparisons[c].levels;
      size_t different = levels.size() - 1;
      ASSERT_EQ(levels[different], "different");
      EXPECT_LT(r->model.m[c][different], 0.1);
      EXPECT_GT(r->model.m[c][1] + r->model.m[c][3], 0.5);  // exact or phonetic key
    }
  // And the generated benchmark as a whole.
  std::vector<std::string> truth;
  for (const auto& row : *rows) truth.push_back(row.entity);
  truth.insert(truth.end(), 4, "example");
  EXPECT_GT(Evaluate(truth, r->cluster_of).f1, 0.90);
}

TEST(Link, SameResultOnOneThreadOrTwo) {
  // Preparing, comparing, sorting and clustering (by connected component) run on the threads
  // given; the pairs, scores, model and clusters must not depend on how many.
  auto rows = bench::GenerateKorean(Tables(), 400, 5);
  ASSERT_TRUE(rows.ok()) << rows.error().message;
  const std::vector<LinkRecord> records = GeneratedRecords(*rows);
  auto config = LoadFileConfig(kBench + "/korean.json");
  ASSERT_TRUE(config.ok()) << config.error().message;
  config->options.train.random_pairs = 50'000;
  config->options.review_probability = 0.2;  // keep non-links too, for the guard's lookups
  config->options.threads = 1;
  auto one = Link(Tables(), records, config->options);
  config->options.threads = 2;
  auto two = Link(Tables(), records, config->options);
  ASSERT_TRUE(one.ok() && two.ok());
  EXPECT_EQ(one->cluster_of, two->cluster_of);
  ASSERT_EQ(one->pairs.size(), two->pairs.size());
  for (size_t k = 0; k < one->pairs.size(); ++k) {
    EXPECT_EQ(one->pairs[k].a, two->pairs[k].a);
    EXPECT_EQ(one->pairs[k].b, two->pairs[k].b);
    EXPECT_EQ(one->pairs[k].weight, two->pairs[k].weight);
    EXPECT_EQ(one->pairs[k].pattern, two->pairs[k].pattern);
  }
  EXPECT_EQ(one->model.lambda, two->model.lambda);
  EXPECT_EQ(one->model.m, two->model.m);
  EXPECT_EQ(one->stats.candidate_pairs, two->stats.candidate_pairs);
}

class BadInput : public ::testing::Test {
 protected:
  std::string dir = (std::filesystem::temp_directory_path() / ("linkage_bad_" + std::to_string(::getpid()))).string();
  void SetUp() override { std::filesystem::create_directories(dir); }
  void TearDown() override { std::filesystem::remove_all(dir); }
  std::string Write(const std::string& name, const std::string& text) {
    std::string p = dir + "/" + name;
    std::ofstream(p) << text;
    return p;
  }
};

TEST_F(BadInput, ConfigErrorsNameTheProblem) {
  auto c = LoadFileConfig(Write("c.json", R"({"id": "id", "names": [{"full": "name"}], "colour": 1})"));
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("unknown key 'colour'"), std::string::npos) << c.error().message;
  auto d = LoadFileConfig(Write("d.json", R"({"id": "id", "names": [{"full": "name"}], "blocking": [["shoe_size"]]})"));
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.error().message.find("shoe_size"), std::string::npos);
  EXPECT_FALSE(LoadFileConfig(Write("e.json", "{not json")).ok());
}

TEST_F(BadInput, CsvErrorsNameFileLineAndColumn) {
  auto c = LoadFileConfig(Write("c.json", R"({"id": "id", "names": [{"full": "name"}],
      "birth_date": {"column": "dob", "format": "iso"}})"));
  ASSERT_TRUE(c.ok()) << c.error().message;
  std::string short_row = Write("a.csv", "id,name,dob\n1,Kim,1980-01-01\n2,Lee\n");
  auto a = ReadRecordsCsv(short_row, "a.csv", *c);
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.error().message.find("a.csv:3"), std::string::npos) << a.error().message;
  std::string bad_date = Write("b.csv", "id,name,dob\n1,Kim,1980-02-30\n");
  auto b = ReadRecordsCsv(bad_date, "b.csv", *c);
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.error().message.find("b.csv:2: column 'dob'"), std::string::npos) << b.error().message;
  std::string no_col = Write("n.csv", "id,fullname,dob\n1,Kim,1980-01-01\n");
  auto n = ReadRecordsCsv(no_col, "n.csv", *c);
  ASSERT_FALSE(n.ok());
  EXPECT_NE(n.error().message.find("no column 'name'"), std::string::npos);
}

TEST_F(BadInput, ClustersFileWrittenWholeOrNotAtAll) {
  std::vector<LinkRecord> recs(2);
  recs[0].source = recs[1].source = "a.csv";
  recs[0].id = "1";
  recs[1].id = "2";
  EXPECT_FALSE(WriteClustersCsv(dir + "/out.csv", recs, {0}).ok());
  EXPECT_FALSE(std::filesystem::exists(dir + "/out.csv"));
  ASSERT_TRUE(WriteClustersCsv(dir + "/out.csv", recs, {0, 0}).ok());
  std::ifstream in(dir + "/out.csv");
  std::string all((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(all, "source,record_id,cluster_id\na.csv,1,0\na.csv,2,0\n");
}

}  // namespace
}  // namespace dossier::linkage
