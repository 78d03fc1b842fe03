// The urgent-case routes on a real server on 127.0.0.1 over a real SQLite file: who may do what,
// bad input refused with the field named and nothing written, redaction for analysts and
// viewers, the timeline and the overdue list.
#include <gtest/gtest.h>

#include "../http/http_fixture.h"

namespace dossier::testing {
namespace {

using nlohmann::json;

class CaseApiTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    admin_ = SignIn("administrator");
    ASSERT_EQ(Call("POST", "/api/v1/sources", SourceJson("src-1"), &admin_).status, 201);
    ASSERT_EQ(Call("POST", "/api/v1/persons", PersonJson("per-1", "리설주", "src-1"), &admin_).status, 201);
    ASSERT_EQ(Call("POST", "/api/v1/persons", PersonJson("per-hidden", "김비밀", "src-1", true), &admin_).status, 201);
    ASSERT_EQ(Call("POST", "/api/v1/incidents", IncidentJson("inc-1", "src-1"), &admin_).status, 201);
  }

  static json CaseJson(const std::string& person = "per-1") {
    return {{"title", "SECRET-CASE-TITLE family held in Tumen"},
            {"person_ids", {person}},
            {"risk", "high"},
            {"officer", "case_officer"},
            {"opened", "2024-03-01"},
            {"next_deadline", "2099-01-01"},
            {"incident_ids", {"inc-1"}},
            {"source_ids", {"src-1"}},
            {"notes", "SECRET-CASE-NOTES"}};
  }
  static json InterventionJson() {
    return {{"actor", "ngo_self"},     {"target", "unhcr"},       {"track", "un_mechanism"},
            {"kind", "urgent_appeal"}, {"date", "2024-03-04"},    {"response", "SECRET-RESPONSE"},
            {"follow_up", "2024-03-11"}, {"source_ids", {"src-1"}}};
  }

  std::string NewCase(const json& body = CaseJson()) {
    HttpReply r = Call("POST", "/api/v1/cases", body, &admin_);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.Json().value("id", "");
  }
  std::string NewIntervention(const std::string& case_id) {
    HttpReply r = Call("POST", "/api/v1/cases/" + case_id + "/interventions", InterventionJson(), &admin_);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.Json().value("id", "");
  }

  Login admin_;
};

TEST_F(CaseApiTest, EveryRoleOnEveryCaseRoute) {
  auto allowed = [](const std::string& role, const std::string& method, const std::string& path) {
    if (method == "GET") return true;
    if (path.find("/interventions") != std::string::npos) return role != "analyst" && role != "viewer";
    return role == "administrator" || role == "case_officer";
  };
  int routes = 0;
  for (const auto& role : kRoles) {
    Login login = SignIn(role);
    for (const auto& route : app_->Routes()) {
      if (!route.path.starts_with("/api/v1/cases")) continue;
      ++routes;
      const std::string case_id = NewCase();
      const std::string iv_id = NewIntervention(case_id);
      std::string target = route.path;
      if (auto at = target.find("{id}"); at != std::string::npos) target.replace(at, 4, case_id);
      if (auto at = target.find("{intervention_id}"); at != std::string::npos) target.replace(at, 17, iv_id);
      json body;
      if (route.method == "POST" && route.path == "/api/v1/cases") body = CaseJson();
      if (route.method == "PUT" && route.path == "/api/v1/cases/{id}") {
        body = CaseJson();
        body["risk"] = "critical";
      }
      if (route.path.ends_with("/transitions")) body = {{"to", "verified"}, {"date", "2024-03-02"}, {"source_ids", {"src-1"}}};
      if (route.path.ends_with("/interventions")) body = InterventionJson();
      if (route.path.ends_with("{intervention_id}")) {
        body = InterventionJson();
        body["outcome"] = "acknowledged";
      }
      const int64_t before = AuditEntries();
      HttpReply r = Call(route.method, target, body.is_null() ? "" : body.dump(), &login);
      if (allowed(role, route.method, route.path)) {
        EXPECT_LT(r.status, 300) << role << " " << route.method << " " << route.path << ": " << r.body;
        if (route.method != "GET") EXPECT_GT(AuditEntries(), before) << role << " " << route.path;
      } else {
        EXPECT_EQ(r.status, 403) << role << " " << route.method << " " << route.path << ": " << r.body;
        EXPECT_EQ(r.Json()["error"]["code"], "permission_denied");
        EXPECT_EQ(AuditEntries(), before) << "a refused request changed the database";
      }
    }
  }
  EXPECT_EQ(routes, 9 * 5);
  // Without a session, nothing.
  EXPECT_EQ(Call("GET", "/api/v1/cases").status, 401);
  EXPECT_EQ(Call("GET", "/api/v1/cases/overdue").status, 401);
  // Without the CSRF token, nothing.
  HttpReply no_csrf = Call("POST", "/api/v1/cases", CaseJson().dump(), nullptr, {{"Cookie", admin_.cookie}});
  EXPECT_EQ(no_csrf.status, 403);
}

TEST_F(CaseApiTest, BadInputNamesTheFieldAndWritesNothing) {
  const std::string id = NewCase();
  const std::string transitions = "/api/v1/cases/" + id + "/transitions";
  const std::string interventions = "/api/v1/cases/" + id + "/interventions";
  json no_source = {{"to", "verified"}, {"date", "2024-03-02"}};
  json empty_sources = {{"to", "verified"}, {"date", "2024-03-02"}, {"source_ids", json::array()}};
  json unknown_source = {{"to", "verified"}, {"date", "2024-03-02"}, {"source_ids", {"src-404"}}};
  json unknown_status = {{"to", "deported"}, {"date", "2024-03-02"}, {"source_ids", {"src-1"}}};
  json impossible = {{"to", "executed"}, {"date", "2024-03-02"}, {"source_ids", {"src-1"}}};
  json future = {{"to", "verified"}, {"date", "2999-03-02"}, {"source_ids", {"src-1"}}};
  json bad_date = {{"to", "verified"}, {"date", "2024-02-30"}, {"source_ids", {"src-1"}}};
  json extra = {{"to", "verified"}, {"date", "2024-03-02"}, {"source_ids", {"src-1"}}, {"by", "x"}};
  json unknown_actor = InterventionJson();
  unknown_actor["actor"] = "acme_corp";
  json unknown_target = InterventionJson();
  unknown_target["target"] = "ministry_of_magic";
  json unknown_track = InterventionJson();
  unknown_track["track"] = "carrier_pigeon";
  json unknown_kind = InterventionJson();
  unknown_kind["kind"] = "poem";
  json bad_case = CaseJson("per-404");
  json bad_officer = CaseJson();
  bad_officer["officer"] = "viewer";  // exists, but is no case officer
  json bad_risk = CaseJson();
  bad_risk["risk"] = "extreme";
  json started = CaseJson();
  started["status"] = "held_in_dprk";
  json status_by_put = CaseJson();
  status_by_put["status"] = "closed";
  struct Bad {
    std::string method, target;
    json body;
    std::string field;
  };
  const std::vector<Bad> cases = {
      {"POST", transitions, no_source, "source_ids"},
      {"POST", transitions, empty_sources, "source_ids"},
      {"POST", transitions, unknown_source, "source_ids"},
      {"POST", transitions, unknown_status, "to"},
      {"POST", transitions, impossible, "to"},
      {"POST", transitions, future, "date"},
      {"POST", transitions, bad_date, "date"},
      {"POST", transitions, extra, "by"},
      {"POST", interventions, unknown_actor, "actor"},
      {"POST", interventions, unknown_target, "target"},
      {"POST", interventions, unknown_track, "track"},
      {"POST", interventions, unknown_kind, "kind"},
      {"POST", "/api/v1/cases", bad_case, "person_ids"},
      {"POST", "/api/v1/cases", bad_officer, "officer"},
      {"POST", "/api/v1/cases", bad_risk, "risk"},
      {"POST", "/api/v1/cases", started, "status"},
      {"PUT", "/api/v1/cases/" + id, status_by_put, "status"},
  };
  const int64_t before = AuditEntries();
  for (const auto& c : cases) {
    HttpReply r = Call(c.method, c.target, c.body, &admin_);
    EXPECT_EQ(r.status, 400) << c.target << " " << c.body.dump() << ": " << r.body;
    auto j = r.Json();
    EXPECT_EQ(j["error"]["code"], "invalid_argument") << r.body;
    EXPECT_EQ(j["error"]["field"], c.field) << r.body;
  }
  EXPECT_EQ(AuditEntries(), before) << "a refused request wrote something";
  auto store = OpenStore();
  EXPECT_EQ(store->GetCase(id)->status, cases::CaseStatus::kReported);
  EXPECT_TRUE(store->ListTransitions(id)->empty());
  EXPECT_TRUE(store->ListInterventions(id)->empty());
  EXPECT_EQ(store->ListCases(10, 0, "")->total, 1u);
  // Unknown case: 404, and the impossible step says why.
  EXPECT_EQ(Call("GET", "/api/v1/cases/case-404", "", &admin_).status, 404);
  EXPECT_EQ(Call("POST", "/api/v1/cases/case-404/transitions", json{{"to", "verified"}, {"date", "2024-03-02"}, {"source_ids", {"src-1"}}}, &admin_).status, 404);
  HttpReply why = Call("POST", transitions, impossible, &admin_);
  EXPECT_NE(why.Json()["error"]["message"].get<std::string>().find("must be verified"), std::string::npos) << why.body;
}

TEST_F(CaseApiTest, WorkflowTimelineAndOverdue) {
  json body = CaseJson();
  body["next_deadline"] = "2024-04-01";  // passed
  const std::string id = NewCase(body);
  const std::string base = "/api/v1/cases/" + id;
  for (auto [to, date] : {std::pair{"verified", "2024-03-02"}, std::pair{"detained_in_china", "2024-03-05"},
                          std::pair{"returned_to_dprk", "2024-03-20"}}) {
    HttpReply r = Call("POST", base + "/transitions", json{{"to", to}, {"date", date}, {"source_ids", {"src-1"}}}, &admin_);
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.Json()["case"]["status"], to);
  }
  const std::string iv = NewIntervention(id);  // dated 2024-03-04, follow-up 2024-03-11, no outcome
  HttpReply t = Call("GET", base + "/timeline", "", &admin_);
  ASSERT_EQ(t.status, 200) << t.body;
  auto tl = t.Json();
  std::vector<std::string> order;
  for (const auto& item : tl["items"]) order.push_back(item["date"].get<std::string>() + " " + item["type"].get<std::string>());
  EXPECT_EQ(order, (std::vector<std::string>{"2024-03-02 transition", "2024-03-04 intervention",
                                             "2024-03-05 transition", "2024-03-20 transition"}));
  EXPECT_EQ(tl["items"][2]["transition"]["from"], "verified");
  ASSERT_EQ(tl["overdue"].size(), 2u);
  EXPECT_EQ(tl["overdue"][0]["what"], "deadline");
  EXPECT_EQ(tl["overdue"][1]["what"], "follow_up");
  EXPECT_EQ(tl["overdue"][1]["record_id"], iv);

  const std::string fine = NewCase();  // deadline 2099: not overdue
  auto overdue_ids = [&] {
    std::vector<std::string> ids;
    HttpReply o = Call("GET", "/api/v1/cases/overdue", "", &admin_);
    EXPECT_EQ(o.status, 200) << o.body;
    const json listed = o.Json();
    for (const auto& item : listed["items"]) ids.push_back(item["case"]["id"]);
    return ids;
  };
  EXPECT_EQ(overdue_ids(), std::vector<std::string>{id});

  // Recording the outcome and moving the deadline clears it.
  json done = InterventionJson();
  done["outcome"] = "UNHCR raised the case";
  ASSERT_EQ(Call("PUT", base + "/interventions/" + iv, done, &admin_).status, 200);
  HttpReply current = Call("GET", base, "", &admin_);
  json moved = current.Json();
  moved["next_deadline"] = "2099-06-01";
  HttpReply put = Call("PUT", base, moved, &admin_);  // echoing persons/redacted back is accepted
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_TRUE(overdue_ids().empty());
  EXPECT_EQ(Call("GET", "/api/v1/cases?status=returned_to_dprk", "", &admin_).Json()["total"], 1);
  EXPECT_EQ(Call("GET", "/api/v1/cases?status=nonsense", "", &admin_).status, 400);
  EXPECT_EQ(Call("GET", "/api/v1/cases", "", &admin_).Json()["total"], 2);
  EXPECT_TRUE(OpenStore()->Verify()->ok());
}

TEST_F(CaseApiTest, RestrictedPersonsArePseudonymisedForAnalystsAndViewers) {
  const std::string id = NewCase(CaseJson("per-hidden"));
  const std::string base = "/api/v1/cases/" + id;
  ASSERT_EQ(Call("POST", base + "/transitions",
                 json{{"to", "verified"}, {"date", "2024-03-02"}, {"source_ids", {"src-1"}}, {"note", "SECRET-NOTE"}},
                 &admin_).status,
            201);
  NewIntervention(id);
  for (const std::string role : {"analyst", "viewer"}) {
    Login l = SignIn(role);
    for (const std::string target : {base, base + "/timeline", std::string("/api/v1/cases"), std::string("/api/v1/cases/overdue")}) {
      HttpReply r = Call("GET", target, "", &l);
      ASSERT_EQ(r.status, 200) << target;
      for (const char* secret : {"SECRET-CASE-TITLE", "SECRET-CASE-NOTES", "SECRET-NOTE", "SECRET-RESPONSE", "김비밀"}) {
        EXPECT_EQ(r.body.find(secret), std::string::npos) << role << " " << target << " leaks " << secret;
      }
    }
    auto j = Call("GET", base, "", &l).Json();
    EXPECT_TRUE(j["redacted"].get<bool>());
    const std::string pseudonym = j["persons"][0]["pseudonym"];
    EXPECT_TRUE(pseudonym.starts_with("P-"));
    EXPECT_NE(j["title"].get<std::string>().find(pseudonym), std::string::npos);
  }
  Login officer = SignIn("case_officer");
  auto j = Call("GET", base, "", &officer).Json();
  EXPECT_FALSE(j["redacted"].get<bool>());
  EXPECT_EQ(j["title"], "SECRET-CASE-TITLE family held in Tumen");
}

}  // namespace
}  // namespace dossier::testing
