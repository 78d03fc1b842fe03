// `dossier estimate` end to end: the built binary reads a pattern CSV and prints the estimate,
// as JSON when asked; bad input ends with exit status 2 and a message naming file, line, column.
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace {

struct CliRun {
  int status = -1;
  std::string out;
};

CliRun Dossier(const std::string& args) {
  const std::string cmd = std::string(DOSSIER_CLI_BINARY) + " " + args + " 2>&1";
  CliRun r;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf;
  size_t got;
  while ((got = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), got);
  const int st = pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

const std::filesystem::path kDir = std::filesystem::path(DOSSIER_SHARED_DATA_DIR) / "mse";

TEST(EstimateCli, LogLinearJsonOnAPublishedTable) {
  if (!std::filesystem::exists(kDir)) GTEST_SKIP() << "shared data folder " << kDir << " is missing";
  CliRun r = Dossier("estimate --patterns " + (kDir / "congenital_wittes1974_5lists.csv").string() + " --json");
  ASSERT_EQ(r.status, 0) << r.out;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["method"], "loglinear");
  EXPECT_EQ(j["n_observed"], 537);
  EXPECT_EQ(j["model"], "[12,13,45]");
  EXPECT_NEAR(j["estimate"].get<double>(), 620.4704, 0.62);
  EXPECT_LT(j["lower"].get<double>(), 620.0);
  EXPECT_GT(j["upper"].get<double>(), 621.0);
  EXPECT_TRUE(j["diagnostics"].contains("bic"));
  EXPECT_TRUE(j["cautions"].is_array());
}

TEST(EstimateCli, LcmcrJsonIsReproducibleWithASeed) {
  if (!std::filesystem::exists(kDir)) GTEST_SKIP() << "shared data folder " << kDir << " is missing";
  const std::string args = "estimate --patterns " + (kDir / "hav_taiwan1995_3lists.csv").string() +
                           " --method lcmcr --seed 5 --chains 2 --burnin 1000 --samples 200 --thin 5 --json";
  CliRun a = Dossier(args), b = Dossier(args);
  ASSERT_EQ(a.status, 0) << a.out;
  EXPECT_EQ(a.out, b.out);
  auto j = nlohmann::json::parse(a.out);
  EXPECT_EQ(j["method"], "lcmcr");
  EXPECT_EQ(j["n_observed"], 271);
  EXPECT_TRUE(j["diagnostics"].contains("rhat"));
  EXPECT_TRUE(j["diagnostics"].contains("ess"));
  EXPECT_LE(j["lower"].get<double>(), j["estimate"].get<double>());
}

TEST(EstimateCli, StrataGiveOneResultEach) {
  const auto path = std::filesystem::temp_directory_path() / "dossier_estimate_strata.csv";
  std::ofstream(path) << "year,A,B,count\n2019,1,0,60\n2019,0,1,40\n2019,1,1,30\n"
                         "2020,1,0,50\n2020,0,1,50\n2020,1,1,25\n";
  CliRun r = Dossier("estimate --patterns " + path.string() + " --strata year --json");
  ASSERT_EQ(r.status, 0) << r.out;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["strata"].size(), 2u);
  EXPECT_EQ(j["strata"][0]["stratum"], "year=2019");
  EXPECT_NEAR(j["strata"][0]["estimate"].get<double>(), 90.0 * 70.0 / 30.0, 1e-6);
  std::filesystem::remove(path);
}

TEST(EstimateCli, BadCsvExitsTwoNamingFileLineAndColumn) {
  const auto path = std::filesystem::temp_directory_path() / "dossier_estimate_bad.csv";
  std::ofstream(path) << "A,B,count\n1,0,5\n1,x,3\n";
  CliRun r = Dossier("estimate --patterns " + path.string());
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.out.find(path.string() + ": line 3, column 2 (B): expected 0 or 1"), std::string::npos) << r.out;
  std::filesystem::remove(path);
}

TEST(EstimateCli, NoOverlapIsRefusedWithAReason) {
  const auto path = std::filesystem::temp_directory_path() / "dossier_estimate_disjoint.csv";
  std::ofstream(path) << "A,B,count\n1,0,5\n0,1,3\n";
  CliRun r = Dossier("estimate --patterns " + path.string() + " --json");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.out.find("no one appears on more than one list"), std::string::npos) << r.out;
  std::filesystem::remove(path);
}

}  // namespace
