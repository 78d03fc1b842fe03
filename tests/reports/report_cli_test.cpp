// `dossier report ...` driven as a user drives it: the real binary on a demo database.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "../support/cli_fixture.h"

namespace dossier::testing {
namespace {

class ReportCliTest : public CliFixture {
 protected:
  void SetUp() override {
    CliFixture::SetUp();
    auto r = Dossier("demo --db " + Db() + " --persons 60 --seed 4");
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  std::string Read(const std::string& name) {
    std::ifstream in(dir_.File(name), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
};

TEST_F(ReportCliTest, WritesTheShenyangCommunicationAsHtmlAndRecordsItInTheAuditTrail) {
  auto r = Dossier("report submission --db " + Db() + " --mechanism sr_dprk --type forced_return --place cn-ln-shenyang"
                   " --from 2012 --to 2012 --organisation 'Demo NGO' --out " + dir_.File("sr.html"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("1 case(s); redacted"), std::string::npos) << r.err;
  const std::string html = Read("sr.html");
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("Demo NGO"), std::string::npos);
  EXPECT_NE(html.find("Liaoning"), std::string::npos);
  EXPECT_EQ(Dossier("verify --db " + Db()).exit_code, 0);
}

TEST_F(ReportCliTest, RefusalsExitWithStatusTwoAndNameTheProblem) {
  auto r = Dossier("report submission --db " + Db() + " --mechanism wgad --out " + dir_.File("x.html"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("field 'selection'"), std::string::npos) << r.err;
  r = Dossier("report submission --db " + Db() + " --mechanism sr_dprk --case case-shenyang2012 --unredact-reason short");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unredact_reason"), std::string::npos) << r.err;
  r = Dossier("report stats --db " + Db() + " --type nonsense");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--type"), std::string::npos);
  EXPECT_FALSE(std::ifstream(dir_.File("x.html")).good());
}

TEST_F(ReportCliTest, StatisticsAndHxlComeOutSuppressed) {
  auto s = Dossier("report stats --db " + Db() + " --type forced_return --json");
  ASSERT_EQ(s.exit_code, 0) << s.err;
  auto j = nlohmann::json::parse(s.out);
  bool suppressed = false;
  for (const auto& t : j["tables"]) {
    for (const auto& c : t["cells"]) {
      if (c["persons"]["suppressed"].get<bool>()) {
        suppressed = true;
        EXPECT_FALSE(c["persons"].contains("value"));
        EXPECT_EQ(c["persons"]["text"], "fewer than 5");
      }
    }
  }
  EXPECT_TRUE(suppressed);
  auto h = Dossier("report hxl --db " + Db() + " --organisation 'Demo NGO'");
  ASSERT_EQ(h.exit_code, 0) << h.err;
  EXPECT_NE(h.out.find("#date+year"), std::string::npos);
  EXPECT_EQ(h.out.find("per-"), std::string::npos);
}

}  // namespace
}  // namespace dossier::testing
