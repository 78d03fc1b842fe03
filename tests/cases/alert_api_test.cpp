// The urgent-action alert routes on a real server on 127.0.0.1 over a real SQLite file: who may
// compose, approve and manage partners; the four-eyes rule; released names hidden from analysts;
// the Atom feed behind a subscriber's token; reminders for the dashboard.
#include <gtest/gtest.h>

#include "../http/http_fixture.h"

namespace dossier::testing {
namespace {

using nlohmann::json;

class AlertApiTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    admin_ = SignIn("administrator");
    officer_ = SignIn("case_officer");
    ASSERT_EQ(Call("POST", "/api/v1/sources", SourceJson("src-1"), &admin_).status, 201);
    ASSERT_EQ(Call("POST", "/api/v1/persons", PersonJson("per-1", "리설주", "src-1"), &admin_).status, 201);
    json c = {{"title", "SECRET-CASE-TITLE"}, {"person_ids", {"per-1"}}, {"officer", "case_officer"},
              {"opened", "2024-03-01"}, {"next_deadline", "2024-03-15"}, {"source_ids", {"src-1"}}};
    HttpReply r = Call("POST", "/api/v1/cases", c, &admin_);
    ASSERT_EQ(r.status, 201) << r.body;
    case_id_ = r.Json()["id"];
  }
  json Draft() const {
    return {{"case_id", case_id_}, {"actions", {"urge_no_return"}}, {"contacts", {"prc_mfa", "unhcr"}},
            {"respond_by", "2099-01-01"}};
  }
  std::string Compose(const Login& who) {
    HttpReply r = Call("POST", "/api/v1/alerts", Draft(), &who);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.Json().value("id", "");
  }

  Login admin_, officer_;
  std::string case_id_;
};

TEST_F(AlertApiTest, OnlyAdministratorsAndCaseOfficersComposeAndEveryRoleReads) {
  for (const auto& role : kRoles) {
    Login who = SignIn(role);
    HttpReply r = Call("POST", "/api/v1/alerts", Draft(), &who);
    const bool may = role == "administrator" || role == "case_officer";
    EXPECT_EQ(r.status, may ? 201 : 403) << role << ": " << r.body;
    EXPECT_EQ(Call("GET", "/api/v1/alerts", "", &who).status, 200) << role;
    EXPECT_EQ(Call("GET", "/api/v1/subscribers", "", &who).status, may ? 200 : 403) << role;
    EXPECT_EQ(Call("GET", "/api/v1/reminders", "", &who).status, 200) << role;
  }
  EXPECT_EQ(Call("GET", "/api/v1/alerts").status, 401);
}

TEST_F(AlertApiTest, TheComposerCannotApproveAnotherOfficerCanAndApprovalQueuesDeliveries) {
  json sub = {{"name", "Partner"}, {"language", "both"}, {"webhook_url", "http://127.0.0.1:9/hook"},
              {"webhook_secret", "0123456789abcdef"}, {"email", "p@example.org"}};
  HttpReply s = Call("POST", "/api/v1/subscribers", sub, &admin_);
  ASSERT_EQ(s.status, 201) << s.body;
  EXPECT_EQ(s.Json()["webhook_secret_set"], true);
  EXPECT_FALSE(s.Json().contains("webhook_secret")) << "the secret is never read back";
  const std::string id = Compose(officer_);
  HttpReply own = Call("POST", "/api/v1/alerts/" + id + "/approve", json::object(), &officer_);
  EXPECT_EQ(own.status, 403) << own.body;
  HttpReply ok = Call("POST", "/api/v1/alerts/" + id + "/approve", json::object(), &admin_);
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.Json()["status"], "approved");
  EXPECT_EQ(ok.Json()["approved_by"], "administrator");
  EXPECT_EQ(ok.Json()["delivery"]["state"], "delivering");
  EXPECT_EQ(ok.Json()["delivery"]["pending"], 2);
  HttpReply again = Call("POST", "/api/v1/alerts/" + id + "/approve", json::object(), &admin_);
  EXPECT_EQ(again.status, 409);
  HttpReply edit = Call("PUT", "/api/v1/alerts/" + id, Draft(), &officer_);
  EXPECT_EQ(edit.status, 409) << "only a draft is edited";
  HttpReply rows = Call("GET", "/api/v1/alerts/" + id + "/deliveries", "", &officer_);
  ASSERT_EQ(rows.status, 200);
  EXPECT_EQ(rows.Json()["items"].size(), 2u);
  HttpReply w = Call("POST", "/api/v1/alerts/" + id + "/withdraw", json{{"reason", "family asked"}}, &officer_);
  ASSERT_EQ(w.status, 200) << w.body;
  EXPECT_EQ(w.Json()["delivery"]["cancelled"], 2);
}

TEST_F(AlertApiTest, ReleasedNamesAreShownToOfficersButNeverToAnalystsAndBadConsentNamesTheField) {
  const std::string id = Compose(officer_);
  HttpReply bad = Call("POST", "/api/v1/alerts/" + id + "/release-names",
                       json{{"consent_by", "her sister"}, {"basis", "because"}, {"consented_on", "2024-03-02"}}, &officer_);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.Json()["error"]["field"], "basis");
  HttpReply r = Call("POST", "/api/v1/alerts/" + id + "/release-names",
                     json{{"consent_by", "her sister"}, {"basis", "family_consent"}, {"consented_on", "2024-03-02"}},
                     &officer_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.Json()["texts"]["ko"]["body"].get<std::string>().find("리설주"), std::string::npos);
  EXPECT_EQ(r.Json()["release"]["consent_by"], "her sister");
  EXPECT_EQ(r.Json()["release"]["released_by"], "case_officer");
  Login analyst = SignIn("analyst");
  HttpReply seen = Call("GET", "/api/v1/alerts/" + id, "", &analyst);
  ASSERT_EQ(seen.status, 200);
  EXPECT_EQ(seen.body.find("리설주"), std::string::npos) << seen.body;
  EXPECT_TRUE(seen.Json()["release"].is_null());
}

TEST_F(AlertApiTest, TheAtomFeedNeedsASubscribersTokenAndListsOnlyApprovedAlerts) {
  HttpReply s = Call("POST", "/api/v1/subscribers", json{{"name", "Feed reader"}, {"language", "ko"}}, &admin_);
  ASSERT_EQ(s.status, 201) << s.body;
  const std::string token = s.Json()["feed_token"];
  const std::string approved = Compose(officer_);
  ASSERT_EQ(Call("POST", "/api/v1/alerts/" + approved + "/approve", json::object(), &admin_).status, 200);
  const std::string draft = Compose(officer_);
  EXPECT_EQ(Call("GET", "/api/v1/alerts/feed.atom").status, 401);
  EXPECT_EQ(Call("GET", "/api/v1/alerts/feed.atom?token=wrong").status, 401);
  HttpReply feed = Call("GET", "/api/v1/alerts/feed.atom?token=" + token);
  ASSERT_EQ(feed.status, 200);
  EXPECT_EQ(feed.Header("content-type"), "application/atom+xml; charset=utf-8");
  EXPECT_NE(feed.body.find("<feed xmlns=\"http://www.w3.org/2005/Atom\">"), std::string::npos);
  EXPECT_NE(feed.body.find("urn:dossier:alert:" + approved + ":ko"), std::string::npos);
  EXPECT_EQ(feed.body.find("urn:dossier:alert:" + approved + ":en"), std::string::npos) << "the reader asked for Korean";
  EXPECT_EQ(feed.body.find(draft), std::string::npos);
}

TEST_F(AlertApiTest, RemindersListTheOverdueDeadlineAndOfficersSetOnlyTheirOwnDigestAddress) {
  HttpReply r = Call("GET", "/api/v1/reminders?days=14", "", &officer_);
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(r.Json()["overdue"].size(), 1u);
  EXPECT_EQ(r.Json()["overdue"][0]["case_id"], case_id_);
  EXPECT_EQ(r.Json()["overdue"][0]["what"], "deadline");
  EXPECT_LT(r.Json()["overdue"][0]["days_left"].get<int>(), 0);
  EXPECT_EQ(Call("GET", "/api/v1/reminders?days=365", "", &officer_).status, 400);
  EXPECT_EQ(Call("PUT", "/api/v1/officer-contacts/case_officer", json{{"email", "me@ngo.example"}}, &officer_).status, 200);
  EXPECT_EQ(Call("PUT", "/api/v1/officer-contacts/administrator", json{{"email", "x@ngo.example"}}, &officer_).status, 403);
  HttpReply bad = Call("PUT", "/api/v1/officer-contacts/case_officer", json{{"email", "not an address"}}, &officer_);
  EXPECT_EQ(bad.status, 400);
  HttpReply list = Call("GET", "/api/v1/officer-contacts", "", &admin_);
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.Json()["items"][0]["email"], "me@ngo.example");
}

}  // namespace
}  // namespace dossier::testing
