// The report routes on a real server over a demo database: redacted output for every role,
// un-redaction only for administrators and case officers with a reason (and audited), HXL without
// identifying data, templates and matching cases.
#include <gtest/gtest.h>

#include "../http/http_fixture.h"
#include "store/demo.h"

namespace dossier::testing {
namespace {

using nlohmann::json;

class ReportApiTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    auto store = OpenStore();
    DemoOptions o;
    o.persons = 60;
    o.seed = 11;
    auto r = GenerateDemoData(*store, o);
    ASSERT_TRUE(r.ok()) << r.error().message;
    ListQuery q;
    q.limit = 1000;
    auto persons = store->ListPersons(q);
    ASSERT_TRUE(persons.ok());
    for (const auto& p : persons->items) {
      for (const auto& n : p.names) names_.push_back(n.value);
    }
  }

  json Shenyang(bool redact = true, const std::string& reason = "") {
    json j = {{"mechanism", "sr_dprk"},
              {"selection", {{"incident_type", "forced_return"}, {"place", "cn-ln-shenyang"}, {"year_from", 2012}, {"year_to", 2012}}}};
    if (!redact) j["redact"] = false;
    if (!reason.empty()) j["unredact_reason"] = reason;
    return j;
  }

  std::vector<std::string> names_;
};

TEST_F(ReportApiTest, EveryRoleGetsTheRedactedShenyangCommunication) {
  for (const auto& role : kRoles) {
    Login l = SignIn(role);
    auto r = Call("POST", "/api/v1/reports/preview", Shenyang(), &l);
    ASSERT_EQ(r.status, 200) << role << ": " << r.body;
    auto j = r.Json();
    EXPECT_TRUE(j["redacted"].get<bool>());
    EXPECT_EQ(j["case_ids"], json::array({"case-shenyang2012"}));
    const std::string article = j["article"];
    EXPECT_NE(article.find("Liaoning"), std::string::npos);
    EXPECT_NE(article.find("<svg"), std::string::npos);
    EXPECT_EQ(article.find("<style"), std::string::npos);  // the app's CSP allows no inline style
    for (const auto& n : names_) EXPECT_EQ(r.body.find(n), std::string::npos) << role << " sees the name " << n;
  }
}

TEST_F(ReportApiTest, OnlyAdministratorsAndCaseOfficersMayUnredactAndOnlyWithAReasonWhichIsAudited) {
  for (const char* role : {"documenter", "analyst", "viewer"}) {
    Login l = SignIn(role);
    auto r = Call("POST", "/api/v1/reports/preview", Shenyang(false, "The Working Group asked for names"), &l);
    EXPECT_EQ(r.status, 403) << role << ": " << r.body;
  }
  Login officer = SignIn("case_officer");
  auto none = Call("POST", "/api/v1/reports/preview", Shenyang(false), &officer);
  EXPECT_EQ(none.status, 400);
  EXPECT_EQ(none.Json()["error"]["field"], "unredact_reason");
  const int64_t before = AuditEntries();
  auto ok = Call("POST", "/api/v1/reports/preview", Shenyang(false, "The Working Group asked for names"), &officer);
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_FALSE(ok.Json()["redacted"].get<bool>());
  EXPECT_NE(ok.Json()["article"].get<std::string>().find("NOT REDACTED"), std::string::npos);
  EXPECT_EQ(AuditEntries(), before + 1);
  // A reason without asking to un-redact is a mistake worth saying.
  json odd = Shenyang();
  odd["unredact_reason"] = "The Working Group asked for names";
  EXPECT_EQ(Call("POST", "/api/v1/reports/preview", odd, &officer).status, 400);
}

TEST_F(ReportApiTest, BadRequestsNameTheField) {
  Login l = SignIn("analyst");
  json bad = Shenyang();
  bad["colour"] = "red";
  auto r = Call("POST", "/api/v1/reports/preview", bad, &l);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.Json()["error"]["field"], "colour");
  bad = Shenyang();
  bad["selection"]["year_from"] = "2012";
  EXPECT_EQ(Call("POST", "/api/v1/reports/preview", bad, &l).Json()["error"]["field"], "year_from");
  bad = Shenyang();
  bad["mechanism"] = "icc";
  EXPECT_EQ(Call("POST", "/api/v1/reports/preview", bad, &l).Json()["error"]["field"], "mechanism");
  EXPECT_EQ(Call("POST", "/api/v1/reports/preview", Shenyang(), nullptr).status, 401);
}

TEST_F(ReportApiTest, HxlExportsAreCsvWithHashtagsAndNoNamesAndAreAudited) {
  Login l = SignIn("viewer");
  const int64_t before = AuditEntries();
  auto r = Call("POST", "/api/v1/reports/hxl", json{{"format", "csv"}, {"organisation", "Demo NGO"}}, &l);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Header("content-type"), "text/csv; charset=utf-8");
  EXPECT_NE(r.body.find("\n#date+year,#country+code,#adm1+code"), std::string::npos);
  EXPECT_NE(r.body.find("#affected+returned"), std::string::npos);
  for (const auto& n : names_) EXPECT_EQ(r.body.find(n), std::string::npos) << n;
  EXPECT_EQ(r.body.find("per-"), std::string::npos);
  EXPECT_EQ(AuditEntries(), before + 1);
  auto j = Call("POST", "/api/v1/reports/hxl", json{{"format", "json"}}, &l);
  ASSERT_EQ(j.status, 200);
  ASSERT_TRUE(j.Json().is_array());
  EXPECT_TRUE(j.Json()[0].contains("#adm1+code"));
}

TEST_F(ReportApiTest, TemplatesAndMatchingCasesAreListed) {
  Login l = SignIn("analyst");
  auto t = Call("GET", "/api/v1/reports/templates", "", &l);
  ASSERT_EQ(t.status, 200);
  auto items = t.Json()["items"];
  ASSERT_EQ(items.size(), 4u);
  EXPECT_EQ(items[0]["mechanism"], "sr_dprk");
  for (const auto& i : items) {
    if (i["mechanism"] == "upr") {
      EXPECT_EQ(i["word_limit"], 2815);
      EXPECT_EQ(i["joint_word_limit"], 5630);
    }
  }
  auto c = Call("GET", "/api/v1/reports/cases?incident_type=forced_return&place=cn-ln-shenyang&year_from=2012&year_to=2012", "", &l);
  ASSERT_EQ(c.status, 200) << c.body;
  ASSERT_EQ(c.Json()["items"].size(), 1u);
  EXPECT_EQ(c.Json()["items"][0]["id"], "case-shenyang2012");
  EXPECT_EQ(c.Json()["items"][0]["title"].get<std::string>().rfind("Case of P-", 0), 0u);  // analysts: no title
  auto s = Call("POST", "/api/v1/reports/statistics", json{{"selection", {{"incident_type", "forced_return"}}}, {"lang", "ko"}}, &l);
  ASSERT_EQ(s.status, 200) << s.body;
  EXPECT_FALSE(s.Json()["tables"].empty());
}

}  // namespace
}  // namespace dossier::testing
