// The review routes on a real server on 127.0.0.1 over a real SQLite file: who may do what, the
// queue filled by a linkage run through the API, confirm, cluster, split and undo, pairs with a
// restricted person withheld from analysts and viewers, bad input refused with the field named.
#include <gtest/gtest.h>

#include "../http/http_fixture.h"

namespace dossier::testing {
namespace {

using nlohmann::json;

class ReviewApiTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    admin_ = SignIn("administrator");
    ASSERT_EQ(Call("POST", "/api/v1/sources", SourceJson("src-1"), &admin_).status, 201);
    // One person in three sources' spellings (two records), and others who are not her.
    Person("per-a", {{"리순희", "hangul"}}, "1985-03-14", "kp-nh-onsong");
    Person("per-b", {{"Ri Sun-hui", "latin"}, {"李顺姬", "chinese"}}, "1985-03-14", "kp-nh-onsong");
    Person("per-c", {{"박영철", "hangul"}}, "1962-11-02", "kp-rg-hyesan", "male");
    Person("per-d", {{"Kim Chol-min", "latin"}}, "1990-01-30", "kp-py", "male");
    Person("per-e", {{"정미영", "hangul"}}, "1977-06-05", "kp-nh-hoeryong");
    Person("per-f", {{"Choe Yong-nam", "latin"}}, "1958-09-21", "kp-py", "male");
  }

  void Person(const std::string& id, const std::vector<std::pair<std::string, std::string>>& names,
              const std::string& birth, const std::string& origin, const std::string& sex = "female",
              bool restricted = false) {
    json p = PersonJson(id, "x", "src-1", restricted);
    p["names"] = json::array();
    for (const auto& [value, script] : names) p["names"].push_back({{"value", value}, {"script", script}, {"kind", "legal"}});
    p["birth_date"] = birth;
    p["origin"] = origin;
    p["sex"] = sex;
    HttpReply r = Call("POST", "/api/v1/persons", p, &admin_);
    ASSERT_EQ(r.status, 201) << r.body;
  }

  json Run(const Login& who) {
    HttpReply r = Call("POST", "/api/v1/link-candidates/run", json::object(), &who);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.Json();
  }

  json Pending(const Login& who) {
    HttpReply r = Call("GET", "/api/v1/link-candidates?status=pending&limit=50", "", &who);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.Json();
  }

  // The pending pair of per-a and per-b.
  json PairAB(const Login& who) {
    const json pending = Pending(who);  // range-for over a temporary's member would dangle
    for (const auto& item : pending["items"]) {
      if (item["withheld"].get<bool>()) continue;
      if (item["person_a"]["id"] == "per-a" && item["person_b"]["id"] == "per-b") return item;
    }
    return nullptr;
  }

  std::vector<std::string> Members(const std::string& person, const Login& who) {
    HttpReply r = Call("GET", "/api/v1/persons/" + person + "/cluster", "", &who);
    EXPECT_EQ(r.status, 200) << r.body;
    std::vector<std::string> ids;
    const json body = r.Json();  // range-for over a temporary's member would dangle
    for (const auto& m : body["members"]) ids.push_back(m["id"]);
    return ids;
  }

  Login admin_;
};

TEST_F(ReviewApiTest, EveryRoleOnEveryReviewRouteAsDocumented) {
  Login documenter = SignIn("documenter");
  Run(documenter);
  for (const auto& role : kRoles) {
    Login who = SignIn(role);
    const bool writer = role == "administrator" || role == "case_officer" || role == "documenter";
    EXPECT_EQ(Call("GET", "/api/v1/link-candidates", "", &who).status, 200) << role;
    EXPECT_EQ(Call("GET", "/api/v1/persons/per-a/cluster", "", &who).status, 200) << role;
    EXPECT_EQ(Call("POST", "/api/v1/link-candidates/run", json::object(), &who).status, role == "viewer" ? 403 : 200)
        << role;
    const int64_t audit = AuditEntries();
    HttpReply merge = Call("POST", "/api/v1/clusters/merge", json{{"person_a", "per-c"}, {"person_b", "per-d"}}, &who);
    HttpReply split = Call("POST", "/api/v1/clusters/split", json{{"person_id", "per-d"}}, &who);
    HttpReply reject = Call("POST", "/api/v1/link-candidates/999999/decision", json{{"decision", "reject"}}, &who);
    HttpReply undo = Call("POST", "/api/v1/clusters/undo", json{{"seq", 1}}, &who);
    if (writer) {
      EXPECT_EQ(merge.status, 200) << role << merge.body;
      EXPECT_EQ(split.status, 200) << role << split.body;
      EXPECT_EQ(reject.status, 404) << role << reject.body;  // allowed, but there is no such pair
      EXPECT_EQ(undo.status, 400) << role << undo.body;      // allowed, but entry 1 is no merge or split
    } else {
      for (const HttpReply* r : {&merge, &split, &reject, &undo}) {
        EXPECT_EQ(r->status, 403) << role << r->body;
        EXPECT_EQ(r->Json()["error"]["code"], "permission_denied");
      }
      EXPECT_EQ(AuditEntries(), audit) << "a refused request changed the database";
    }
  }
}

TEST_F(ReviewApiTest, ADocumenterConfirmsAPairSeesTheClusterSplitsItAndUndoesTheSplit) {
  Login analyst = SignIn("analyst");
  json run = Run(analyst);
  EXPECT_EQ(run["records"], 6);
  EXPECT_GE(run["queued"].get<int>(), 1);
  Login doc = SignIn("documenter");
  json pair = PairAB(doc);
  ASSERT_FALSE(pair.is_null()) << Pending(doc).dump();
  // Both records as the role may see them, and the score field by field, value_a being person_a's.
  EXPECT_EQ(pair["person_a"]["names"][0]["value"], "리순희");
  EXPECT_EQ(pair["person_b"]["names"][1]["value"], "李顺姬");
  ASSERT_TRUE(pair["explanation"].is_object());
  bool family_seen = false;
  for (const auto& f : pair["explanation"]["fields"]) {
    if (f["comparison"] != "family_name") continue;
    family_seen = true;
    EXPECT_NE(f["level"], "different");
    EXPECT_GT(f["weight"].get<double>(), 0);
    EXPECT_NE(f["value_a"].get<std::string>().find("[I]"), std::string::npos) << f.dump();  // 리 reads 이
  }
  EXPECT_TRUE(family_seen);
  EXPECT_GT(pair["probability"].get<double>(), 0.5);

  HttpReply confirmed = Call("POST", "/api/v1/link-candidates/" + std::to_string(pair["id"].get<int64_t>()) + "/decision",
                             json{{"decision", "confirm"}}, &doc);
  ASSERT_EQ(confirmed.status, 200) << confirmed.body;
  EXPECT_EQ(confirmed.Json()["status"], "confirmed");
  EXPECT_EQ(confirmed.Json()["change"]["action"], "merge");
  EXPECT_EQ(Members("per-b", doc), (std::vector<std::string>{"per-a", "per-b"}));
  // Decided once only.
  EXPECT_EQ(Call("POST", "/api/v1/link-candidates/" + std::to_string(pair["id"].get<int64_t>()) + "/decision",
                 json{{"decision", "reject"}}, &doc).status, 409);
  HttpReply listed = Call("GET", "/api/v1/link-candidates?status=confirmed", "", &doc);
  ASSERT_EQ(listed.Json()["total"], 1);
  EXPECT_EQ(listed.Json()["items"][0]["decided_by"], "documenter");

  HttpReply split = Call("POST", "/api/v1/clusters/split", json{{"person_id", "per-b"}}, &doc);
  ASSERT_EQ(split.status, 200) << split.body;
  EXPECT_EQ(split.Json()["change"]["action"], "split");
  EXPECT_EQ(Members("per-a", doc), (std::vector<std::string>{"per-a"}));
  HttpReply undo = Call("POST", "/api/v1/clusters/undo", json{{"seq", split.Json()["change"]["seq"]}}, &doc);
  ASSERT_EQ(undo.status, 200) << undo.body;
  EXPECT_EQ(undo.Json()["change"]["action"], "undo");
  EXPECT_EQ(Members("per-a", doc), (std::vector<std::string>{"per-a", "per-b"}));
  // The merge cannot be undone while per-b has moved since (split, then back by the undo).
  EXPECT_EQ(Call("POST", "/api/v1/clusters/undo", json{{"seq", split.Json()["change"]["seq"]}}, &doc).status, 409);

  // A direct merge, recorded and undone the same way.
  HttpReply merge = Call("POST", "/api/v1/clusters/merge", json{{"person_a", "per-c"}, {"person_b", "per-e"}}, &doc);
  ASSERT_EQ(merge.status, 200) << merge.body;
  EXPECT_EQ(merge.Json()["cluster_id"], "per-c");
  EXPECT_EQ(Members("per-e", doc).size(), 2u);
  ASSERT_EQ(Call("POST", "/api/v1/clusters/undo", json{{"seq", merge.Json()["change"]["seq"]}}, &doc).status, 200);
  EXPECT_EQ(Members("per-e", doc).size(), 1u);
  // Merging what is already together changes nothing and records nothing.
  const int64_t audit = AuditEntries();
  HttpReply again = Call("POST", "/api/v1/clusters/merge", json{{"person_a", "per-a"}, {"person_b", "per-b"}}, &doc);
  EXPECT_EQ(again.status, 200);
  EXPECT_TRUE(again.Json()["change"].is_null());
  EXPECT_EQ(AuditEntries(), audit);
}

TEST_F(ReviewApiTest, AnalystsAndViewersNeverSeeAPairOrClusterTyingARestrictedPersonToAName) {
  Person("per-secret", {{"Lee Soon-hee", "latin"}}, "1985-03-14", "kp-nh-onsong", "female", true);
  Login doc = SignIn("documenter");
  Run(doc);
  // The documenter sees the restricted record's pairs with their explanations.
  bool doc_sees = false;
  const json doc_pending = Pending(doc);
  for (const auto& item : doc_pending["items"]) {
    doc_sees = doc_sees || item.dump().find("soon-hee") != std::string::npos ||
               item.dump().find("Lee Soon-hee") != std::string::npos;
  }
  ASSERT_TRUE(doc_sees) << Pending(doc).dump();
  for (const char* role : {"analyst", "viewer"}) {
    Login who = SignIn(role);
    HttpReply r = Call("GET", "/api/v1/link-candidates?limit=50", "", &who);
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.body.find("Lee"), std::string::npos) << role;
    EXPECT_EQ(r.body.find("soon"), std::string::npos) << role;
    EXPECT_EQ(r.body.find("per-secret"), std::string::npos) << role;
    bool withheld = false;
    const json items_body = r.Json();
    for (const auto& item : items_body["items"]) {
      if (!item["withheld"].get<bool>()) continue;
      withheld = true;
      EXPECT_TRUE(item["person_a"].is_null());
      EXPECT_TRUE(item["explanation"].is_null());
    }
    EXPECT_TRUE(withheld) << role;
  }
  // Merged with per-a: the documenter sees both; an analyst sees per-a's cluster without the
  // restricted record, and the restricted record's cluster without per-a.
  ASSERT_EQ(Call("POST", "/api/v1/clusters/merge", json{{"person_a", "per-a"}, {"person_b", "per-secret"}}, &doc).status,
            200);
  EXPECT_EQ(Members("per-a", doc), (std::vector<std::string>{"per-a", "per-secret"}));
  Login analyst = SignIn("analyst");
  EXPECT_EQ(Members("per-a", analyst), (std::vector<std::string>{"per-a"}));
  EXPECT_EQ(Members("per-secret", analyst), (std::vector<std::string>{"per-secret"}));
  HttpReply cluster = Call("GET", "/api/v1/persons/per-secret/cluster", "", &analyst);
  EXPECT_EQ(cluster.body.find("Lee"), std::string::npos);
  EXPECT_TRUE(cluster.Json()["cluster_id"].is_null());
}

TEST_F(ReviewApiTest, BadInputIsRefusedNamingTheFieldAndChangesNothing) {
  Login doc = SignIn("documenter");
  Run(doc);
  const int64_t audit = AuditEntries();
  struct Case {
    std::string method, target;
    json body;
    int status;
    std::string field;
  };
  const std::vector<Case> cases = {
      {"POST", "/api/v1/link-candidates/1/decision", json{{"decision", "maybe"}}, 400, "'decision'"},
      {"POST", "/api/v1/link-candidates/1/decision", json{{"verdict", "confirm"}}, 400, "'verdict'"},
      {"POST", "/api/v1/link-candidates/abc/decision", json{{"decision", "confirm"}}, 404, "abc"},
      {"POST", "/api/v1/clusters/merge", json{{"person_a", "per-a"}}, 400, "'person_b'"},
      {"POST", "/api/v1/clusters/merge", json{{"person_a", "per-a"}, {"person_b", "per-a"}}, 400, "'person_b'"},
      {"POST", "/api/v1/clusters/merge", json{{"person_a", "per-a"}, {"person_b", "nobody"}}, 404, "nobody"},
      {"POST", "/api/v1/clusters/split", json{{"person_id", 7}}, 400, "'person_id'"},
      {"POST", "/api/v1/clusters/undo", json{{"seq", -3}}, 400, "'seq'"},
      {"POST", "/api/v1/clusters/undo", json{{"seq", 999999}}, 404, "999999"},
      {"POST", "/api/v1/link-candidates/run", json{{"review_threshold", 1.5}}, 400, "'review_threshold'"},
      {"GET", "/api/v1/link-candidates?status=maybe", nullptr, 400, "'status'"},
      {"GET", "/api/v1/persons/nobody/cluster", nullptr, 404, "nobody"},
  };
  for (const auto& c : cases) {
    HttpReply r = c.body.is_null() ? Call(c.method, c.target, "", &doc) : Call(c.method, c.target, c.body, &doc);
    EXPECT_EQ(r.status, c.status) << c.target << " " << c.body.dump() << ": " << r.body;
    EXPECT_NE(r.Json()["error"]["message"].get<std::string>().find(c.field), std::string::npos)
        << c.target << ": " << r.body;
  }
  EXPECT_EQ(AuditEntries(), audit);
}

}  // namespace
}  // namespace dossier::testing
