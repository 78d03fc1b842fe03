// The estimate routes on a real server on 127.0.0.1 over a real SQLite file: who may run an
// estimate, estimates from linked records and from a posted table, the posterior histogram, one
// job at a time with a clear refusal, stopping a job, and bad input refused with the field named.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "../http/http_fixture.h"

namespace dossier::testing {
namespace {

using nlohmann::json;

// Hepatitis A, Taiwan 1995 (3 lists, 271 people): the table of /work/shared/data/mse.
const char* kHepatitis = "P,Q,E,count\n0,0,1,63\n0,1,0,55\n0,1,1,18\n1,0,0,69\n1,0,1,17\n1,1,0,21\n1,1,1,28\n";

class EstimateApiTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    admin_ = SignIn("administrator");
    analyst_ = SignIn("analyst");
  }

  // Sources published by three organisations, and people on one, two or three of their lists.
  void AddLinkedRecords() {
    const std::vector<std::string> publishers = {"NGO A", "NGO B", "NGO C"};
    for (size_t i = 0; i < publishers.size(); ++i) {
      json s = SourceJson("src-" + std::to_string(i));
      s["publisher"] = publishers[i];
      ASSERT_EQ(Call("POST", "/api/v1/sources", s, &admin_).status, 201);
    }
    // Pattern (bit i = on list i) and how many people have it.
    const std::vector<std::pair<int, int>> pattern_counts = {{1, 9}, {2, 7}, {3, 4}, {4, 8}, {5, 3}, {6, 2}, {7, 2}};
    int next = 0;
    for (const auto& [pattern, count] : pattern_counts) {
      for (int c = 0; c < count; ++c) {
        json p = PersonJson("per-" + std::to_string(next), "이름" + std::to_string(next), "src-0");
        p["source_ids"] = json::array();
        for (int l = 0; l < 3; ++l) {
          if ((pattern >> l) & 1) p["source_ids"].push_back("src-" + std::to_string(l));
        }
        ++next;
        ASSERT_EQ(Call("POST", "/api/v1/persons", p, &admin_).status, 201);
      }
    }
  }

  // Polls the job until it is no longer running (at most about a minute).
  json WaitFor(const std::string& id, const Login& who) {
    for (int i = 0; i < 600; ++i) {
      HttpReply r = Call("GET", "/api/v1/estimates/" + id, "", &who);
      EXPECT_EQ(r.status, 200) << r.body;
      json j = r.Json();
      if (j.value("status", "") != "running") return j;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ADD_FAILURE() << "estimate " << id << " still running";
    return {};
  }

  json Start(const json& body, const Login& who, int expected = 202) {
    HttpReply r = Call("POST", "/api/v1/estimates", body, &who);
    EXPECT_EQ(r.status, expected) << r.body;
    return r.Json();
  }

  Login admin_, analyst_;
};

TEST_F(EstimateApiTest, AnalystsCaseOfficersAndAdministratorsMayRunEstimatesOthersMayNot) {
  const json body = {{"from", "patterns"}, {"patterns_csv", kHepatitis}};
  for (const std::string& role : kRoles) {
    Login who = SignIn(role);
    HttpReply r = Call("POST", "/api/v1/estimates", body, &who);
    const bool allowed = role == "administrator" || role == "case_officer" || role == "analyst";
    if (allowed) {
      ASSERT_EQ(r.status, 202) << role << " " << r.body;
      WaitFor(r.Json()["id"], who);
    } else {
      EXPECT_EQ(r.status, 403) << role;
      EXPECT_NE(r.body.find("may not run estimates"), std::string::npos) << r.body;
      EXPECT_EQ(Call("GET", "/api/v1/estimates", "", &who).status, 403) << role;
    }
  }
}

TEST_F(EstimateApiTest, EstimatesFromTheLinkedRecordsInTheDatabaseWithOneListPerPublisher) {
  AddLinkedRecords();
  json job = Start({{"method", "loglinear"}}, analyst_);
  EXPECT_EQ(job["status"], "running");
  EXPECT_EQ(job["settings"]["list_by"], "publisher");
  json done = WaitFor(job["id"], analyst_);
  ASSERT_EQ(done["status"], "done") << done.dump();
  EXPECT_EQ(done["progress"], 1.0);
  const json& s = done["result"]["strata"][0];
  EXPECT_EQ(s["stratum"], "all");
  EXPECT_EQ(s["n_observed"], 35);
  EXPECT_EQ(s["list_names"], json::array({"NGO A", "NGO B", "NGO C"}));
  EXPECT_GE(s["estimate"].get<double>(), 35.0);
  EXPECT_LE(s["lower"].get<double>(), s["estimate"].get<double>());
  // Counts only: seven patterns, four of them under five people, and no names or ids anywhere.
  EXPECT_EQ(s["cells"].size(), 7u);
  EXPECT_EQ(s["small_cells"], 4);
  EXPECT_EQ(done["result"]["small_cell_threshold"], 5);
  EXPECT_EQ(done.dump().find("이름"), std::string::npos);
  EXPECT_EQ(done.dump().find("per-"), std::string::npos);
  // Little overlap is said in words and as a code for translation.
  bool little = false;
  for (const auto& c : s["caution_codes"]) little = little || c["code"] == "little_overlap";
  EXPECT_TRUE(little) << s["cautions"].dump();
  EXPECT_EQ(s["cautions"].size(), s["caution_codes"].size());
}

TEST_F(EstimateApiTest, LcmcrOnAPostedTableReturnsThePosteriorAsAHistogramWithDiagnostics) {
  const json body = {{"from", "patterns"}, {"patterns_csv", kHepatitis}, {"method", "lcmcr"}, {"seed", 3},
                     {"classes", 5}, {"chains", 2}, {"burnin", 500}, {"samples", 300}, {"thin", 2}};
  json job = Start(body, analyst_);
  json done = WaitFor(job["id"], analyst_);
  ASSERT_EQ(done["status"], "done") << done.dump();
  const json& s = done["result"]["strata"][0];
  EXPECT_EQ(s["method"], "lcmcr");
  EXPECT_EQ(s["n_observed"], 271);
  EXPECT_TRUE(s["diagnostics"].contains("rhat"));
  EXPECT_TRUE(s["diagnostics"].contains("ess"));
  ASSERT_TRUE(s["histogram"].is_array());
  EXPECT_LE(s["histogram"].size(), 40u);
  int64_t draws = 0, previous_hi = -1;
  for (const auto& b : s["histogram"]) {
    draws += b["count"].get<int64_t>();
    EXPECT_GT(b["lo"].get<int64_t>(), previous_hi);
    EXPECT_LE(b["lo"].get<int64_t>(), b["hi"].get<int64_t>());
    previous_hi = b["hi"];
  }
  EXPECT_EQ(draws, 2 * 300);
  EXPECT_GE(s["histogram"][0]["lo"].get<int64_t>(), 271);
  // The same seed gives the same estimate.
  json again = WaitFor(Start(body, analyst_)["id"], analyst_);
  EXPECT_EQ(again["result"]["strata"][0]["estimate"], s["estimate"]);
}

TEST_F(EstimateApiTest, AStratifiedTableGivesOneEstimatePerStratum) {
  const std::string csv =
      "year,A,B,count\n2019,1,0,30\n2019,0,1,25\n2019,1,1,10\n2020,1,0,40\n2020,0,1,20\n2020,1,1,15\n";
  json done = WaitFor(Start({{"from", "patterns"}, {"patterns_csv", csv}, {"strata", {"year"}}}, analyst_)["id"], analyst_);
  ASSERT_EQ(done["status"], "done") << done.dump();
  const json& strata = done["result"]["strata"];
  ASSERT_EQ(strata.size(), 2u);
  EXPECT_EQ(strata[0]["stratum"], "year=2019");
  EXPECT_EQ(strata[1]["stratum"], "year=2020");
  // Two lists: Lincoln-Petersen, 40 * 35 / 10 = 140.
  EXPECT_NEAR(strata[0]["estimate"].get<double>(), 140.0, 0.01);
}

TEST_F(EstimateApiTest, OneEstimateRunsAtATimeAndARunningOneCanBeStopped) {
  // Long enough to be running for the next requests (stopped below).
  json job = Start({{"from", "patterns"},
                    {"patterns_csv", kHepatitis},
                    {"method", "lcmcr"},
                    {"chains", 8},
                    {"burnin", 1000000},
                    {"samples", 100},
                    {"thin", 1}},
                   analyst_);
  const std::string id = job["id"];
  Login officer = SignIn("case_officer");
  HttpReply busy = Call("POST", "/api/v1/estimates", json{{"from", "patterns"}, {"patterns_csv", kHepatitis}}, &officer);
  EXPECT_EQ(busy.status, 429) << busy.body;
  EXPECT_NE(busy.body.find("another estimate is running"), std::string::npos) << busy.body;
  EXPECT_EQ(busy.Header("retry-after"), "5");
  EXPECT_EQ(Call("GET", "/api/v1/estimates", "", &officer).Json()["busy"], true);
  // Another user neither sees nor stops it; an administrator does.
  EXPECT_EQ(Call("GET", "/api/v1/estimates/" + id, "", &officer).status, 404);
  EXPECT_EQ(Call("DELETE", "/api/v1/estimates/" + id, "", &officer).status, 404);
  EXPECT_EQ(Call("GET", "/api/v1/estimates/" + id, "", &admin_).status, 200);
  EXPECT_EQ(Call("DELETE", "/api/v1/estimates/" + id, "", &analyst_).status, 202);
  json stopped = WaitFor(id, analyst_);
  EXPECT_EQ(stopped["status"], "stopped");
  EXPECT_FALSE(stopped.contains("result"));
  // Then the next one runs.
  json next = Start({{"from", "patterns"}, {"patterns_csv", kHepatitis}}, officer);
  EXPECT_EQ(WaitFor(next["id"], officer)["status"], "done");
  json mine = Call("GET", "/api/v1/estimates", "", &analyst_).Json();
  ASSERT_EQ(mine["items"].size(), 1u);
  EXPECT_EQ(mine["items"][0]["id"], id);
}

TEST_F(EstimateApiTest, BadRequestsAreRefusedNamingTheField) {
  struct Case {
    json body;
    std::string field;
  };
  const std::vector<Case> cases = {
      {{{"method", "guess"}}, "method"},
      {{{"colour", "red"}}, "colour"},
      {{{"from", "patterns"}}, "patterns_csv"},
      {{{"patterns_csv", kHepatitis}}, "patterns_csv"},
      {{{"from", "patterns"}, {"patterns_csv", kHepatitis}, {"classes", 0}}, "classes"},
      {{{"from", "patterns"}, {"patterns_csv", kHepatitis}, {"burnin", "many"}}, "burnin"},
      {{{"from", "patterns"}, {"patterns_csv", kHepatitis}, {"strata", "year"}}, "strata"},
      {{{"from", "patterns"},
        {"patterns_csv", kHepatitis},
        {"method", "lcmcr"},
        {"chains", 8},
        {"burnin", 1000000},
        {"samples", 20000},
        {"thin", 1000}},
       "samples"},
      {{{"from", "database"}, {"strata", {"colour"}}}, ""},
  };
  for (const auto& c : cases) {
    HttpReply r = Call("POST", "/api/v1/estimates", c.body, &analyst_);
    EXPECT_EQ(r.status, 400) << c.body.dump() << " " << r.body;
    if (!c.field.empty()) {
      EXPECT_EQ(r.Json()["error"]["field"], c.field) << r.body;
    }
  }
  // A table with no overlap is refused with the reason, when the job runs.
  json done = WaitFor(
      Start({{"from", "patterns"}, {"patterns_csv", "A,B,count\n1,0,5\n0,1,7\n"}}, analyst_)["id"], analyst_);
  EXPECT_EQ(done["status"], "failed");
  EXPECT_NE(done["error"]["message"].get<std::string>().find("no one appears on more than one list"), std::string::npos);
  EXPECT_EQ(Call("GET", "/api/v1/estimates", "", &analyst_).Json()["items"].size(), 1u);
}

}  // namespace
}  // namespace dossier::testing
