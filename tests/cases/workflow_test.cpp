// The pure side of urgent cases: the status workflow (every pair of statuses), the JSON form,
// validation, the timeline and the overdue rule.
#include <gtest/gtest.h>

#include <set>

#include "cases/cases.h"

namespace dossier::cases {
namespace {

// The workflow written out independently of the table in cases.cpp: row = from, column = to,
// both in the order of AllStatuses(); 'x' = allowed.
//                  R V D T N H L I X E S U C
const char* const kExpected[] = {
    ".x..........x",  // reported
    "..xxxx....xxx",  // verified
    "...xxxx..xxxx",  // detained_in_china
    "....xxx..xxxx",  // transferred_or_at_border
    ".....xxxxx.xx",  // returned_to_dprk
    "......xxxx.xx",  // held_in_dprk
    ".......x.xxxx",  // released
    "......x.xx.xx",  // imprisoned
    "............x",  // executed
    "..x.......xxx",  // escaped_again
    "............x",  // resettled
    "......xxxxx.x",  // unknown
    ".............",  // closed
};

TEST(Workflow, StatusNamesRoundTrip) {
  const std::vector<std::string> names = {"reported", "verified", "detained_in_china", "transferred_or_at_border",
                                          "returned_to_dprk", "held_in_dprk", "released", "imprisoned", "executed",
                                          "escaped_again", "resettled", "unknown", "closed"};
  ASSERT_EQ(AllStatuses().size(), names.size());
  for (size_t i = 0; i < names.size(); ++i) {
    EXPECT_EQ(StatusName(AllStatuses()[i]), names[i]);
    EXPECT_EQ(ParseStatus(names[i]), AllStatuses()[i]);
  }
  EXPECT_FALSE(ParseStatus("deported"));
  EXPECT_FALSE(ParseStatus(""));
  EXPECT_FALSE(ParseStatus("Reported"));
}

TEST(Workflow, EveryPairOfStatuses) {
  const auto& all = AllStatuses();
  int allowed = 0, refused = 0;
  for (size_t f = 0; f < all.size(); ++f) {
    for (size_t t = 0; t < all.size(); ++t) {
      const bool expect = kExpected[f][t] == 'x';
      Status s = CheckTransition(all[f], all[t]);
      EXPECT_EQ(s.ok(), expect) << StatusName(all[f]) << " -> " << StatusName(all[t]);
      if (!s.ok()) {
        ++refused;
        EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument);
        // The reason names the field and the status the case is in.
        EXPECT_NE(s.error().message.find("field 'to'"), std::string::npos) << s.error().message;
        EXPECT_NE(s.error().message.find(StatusName(all[f])), std::string::npos) << s.error().message;
      } else {
        ++allowed;
      }
      const auto next = AllowedNext(all[f]);
      EXPECT_EQ(std::find(next.begin(), next.end(), all[t]) != next.end(), expect);
    }
  }
  EXPECT_EQ(allowed + refused, 169);
  EXPECT_EQ(allowed, 59);
}

TEST(Workflow, ReasonsSayWhy) {
  auto why = [](CaseStatus f, CaseStatus t) { return CheckTransition(f, t).error().message; };
  EXPECT_NE(why(CaseStatus::kHeldInDprk, CaseStatus::kHeldInDprk).find("already 'held_in_dprk'"), std::string::npos);
  EXPECT_NE(why(CaseStatus::kHeldInDprk, CaseStatus::kVerified).find("back to 'verified'"), std::string::npos);
  EXPECT_NE(why(CaseStatus::kClosed, CaseStatus::kVerified).find("closed case"), std::string::npos);
  EXPECT_NE(why(CaseStatus::kReported, CaseStatus::kDetainedInChina).find("must be verified"), std::string::npos);
  EXPECT_NE(why(CaseStatus::kExecuted, CaseStatus::kReleased).find("final outcome"), std::string::npos);
  EXPECT_NE(why(CaseStatus::kDetainedInChina, CaseStatus::kImprisoned).find("follows a return"), std::string::npos);
  EXPECT_NE(why(CaseStatus::kVerified, CaseStatus::kReported).find("only the first status"), std::string::npos);
}

TEST(Workflow, Outcomes) {
  std::set<std::string> outcomes;
  for (auto s : AllStatuses()) {
    if (IsOutcome(s)) outcomes.insert(StatusName(s));
  }
  EXPECT_EQ(outcomes, (std::set<std::string>{"released", "imprisoned", "executed", "escaped_again", "resettled", "unknown"}));
}

Catalog LoadCatalog() {
  auto c = Catalog::Load(DOSSIER_SOURCE_DIR "/data");
  EXPECT_TRUE(c.ok());
  return std::move(c).value();
}

RecordExistsFn Known(std::set<std::string> ids) {
  return [ids = std::move(ids)](RecordKind, std::string_view id) { return ids.count(std::string(id)) > 0; };
}

TEST(CaseJson, RoundTripAndStrictness) {
  Case c;
  c.id = "case-1";
  c.title = "Family of four detained in Tumen";
  c.person_ids = {"per-1"};
  c.status = CaseStatus::kDetainedInChina;
  c.risk = RiskLevel::kCritical;
  c.officer = "kim";
  c.opened = PartialDate::Day(2024, 3, 1);
  c.next_deadline = PartialDate::Day(2024, 3, 15);
  c.incident_ids = {"inc-1"};
  c.source_ids = {"src-1"};
  c.notes = "contact through the church network";
  auto back = CaseFromJson(nlohmann::json::parse(ToJson(c).dump()), "case");
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, c);

  auto j = nlohmann::json::parse(ToJson(c).dump());
  j["status"] = "deported";
  auto bad = CaseFromJson(j, "case");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("field 'status'"), std::string::npos);
  j = nlohmann::json::parse(ToJson(c).dump());
  j["colour"] = "red";
  EXPECT_NE(CaseFromJson(j, "case").error().message.find("field 'colour': unknown field"), std::string::npos);
  j = nlohmann::json::parse(ToJson(c).dump());
  j["risk"] = "extreme";
  EXPECT_NE(CaseFromJson(j, "case").error().message.find("field 'risk'"), std::string::npos);
  j = nlohmann::json::parse(ToJson(c).dump());
  j["next_deadline"] = "2024-02-30";
  EXPECT_NE(CaseFromJson(j, "case").error().message.find("field 'next_deadline'"), std::string::npos);
  j = nlohmann::json::parse(ToJson(c).dump());
  j.erase("title");
  EXPECT_NE(CaseFromJson(j, "case").error().message.find("field 'title': is required"), std::string::npos);
}

TEST(CaseValidation, ReferencesOfficerAndDates) {
  const long today = DaysFromCivil(2024, 6, 1);
  auto exists = Known({"per-1", "inc-1", "src-1"});
  auto users = [](std::string_view n) { return n == "kim"; };
  Case c;
  c.title = "t";
  c.person_ids = {"per-1"};
  c.opened = PartialDate::Day(2024, 3, 1);
  EXPECT_TRUE(ValidateCase(c, exists, users, today).ok());
  c.person_ids = {};
  EXPECT_NE(ValidateCase(c, exists, users, today).error().message.find("field 'person_ids'"), std::string::npos);
  c.person_ids = {"per-2"};
  EXPECT_NE(ValidateCase(c, exists, users, today).error().message.find("person 'per-2' does not exist"), std::string::npos);
  c.person_ids = {"per-1"};
  c.source_ids = {"src-9"};
  EXPECT_NE(ValidateCase(c, exists, users, today).error().message.find("field 'source_ids'"), std::string::npos);
  c.source_ids = {};
  c.officer = "lee";
  EXPECT_NE(ValidateCase(c, exists, users, today).error().message.find("field 'officer'"), std::string::npos);
  c.officer = "kim";
  c.opened = PartialDate::Day(2024, 7, 1);
  EXPECT_NE(ValidateCase(c, exists, users, today).error().message.find("in the future"), std::string::npos);
}

TEST(TransitionValidation, NeedsSourcesAndAPossibleStep) {
  const long today = DaysFromCivil(2024, 6, 1);
  auto exists = Known({"src-1"});
  Transition t;
  t.from = CaseStatus::kReported;
  t.to = CaseStatus::kVerified;
  t.date = PartialDate::Day(2024, 3, 2);
  EXPECT_NE(ValidateTransition(t, exists, today).error().message.find("field 'source_ids'"), std::string::npos);
  t.source_ids = {"src-2"};
  EXPECT_NE(ValidateTransition(t, exists, today).error().message.find("source 'src-2' does not exist"), std::string::npos);
  t.source_ids = {"src-1"};
  EXPECT_TRUE(ValidateTransition(t, exists, today).ok());
  t.to = CaseStatus::kExecuted;
  EXPECT_NE(ValidateTransition(t, exists, today).error().message.find("field 'to'"), std::string::npos);
}

TEST(InterventionValidation, Vocabularies) {
  Catalog catalog = LoadCatalog();
  for (const char* v : {"intervention_tracks", "intervention_kinds"}) {
    ASSERT_FALSE(catalog.Terms(v).empty()) << v;
    for (const auto& t : catalog.Terms(v)) {
      for (const char* lang : {"en", "ko", "zh"}) EXPECT_TRUE(t.labels.count(lang)) << v << " " << t.code << " " << lang;
    }
  }
  const long today = DaysFromCivil(2024, 6, 1);
  auto exists = Known({"src-1"});
  Intervention i;
  i.actor = "amnesty";
  i.target = "prc_mfa";
  i.track = "public_campaign";
  i.kind = "urgent_appeal";
  i.date = PartialDate::Month(2012, 2);
  i.source_ids = {"src-1"};
  EXPECT_TRUE(ValidateIntervention(i, catalog, exists, today).ok());
  i.actor = "acme";
  EXPECT_NE(ValidateIntervention(i, catalog, exists, today).error().message.find("field 'actor'"), std::string::npos);
  i.actor = "amnesty";
  i.target = "nobody";
  EXPECT_NE(ValidateIntervention(i, catalog, exists, today).error().message.find("field 'target'"), std::string::npos);
  i.target = "prc_mfa";
  i.track = "carrier_pigeon";
  EXPECT_NE(ValidateIntervention(i, catalog, exists, today).error().message.find("field 'track'"), std::string::npos);
  i.track = "legal";
  i.kind = "poem";
  EXPECT_NE(ValidateIntervention(i, catalog, exists, today).error().message.find("field 'kind'"), std::string::npos);
  i.kind = "letter";
  i.follow_up = PartialDate::Day(2012, 1, 5);
  EXPECT_NE(ValidateIntervention(i, catalog, exists, today).error().message.find("field 'follow_up'"), std::string::npos);
}

TEST(Timeline, MergedAndSortedByDate) {
  std::vector<Transition> tr(2);
  tr[0].id = "ctr-a";
  tr[0].date = PartialDate::Day(2012, 2, 8);
  tr[1].id = "ctr-b";
  tr[1].date = PartialDate::Month(2012, 3);
  std::vector<Intervention> iv(3);
  iv[0].id = "civ-c";
  iv[0].date = PartialDate::Month(2012, 3);  // same earliest day as ctr-b: transition first
  iv[1].id = "civ-d";
  iv[1].date = PartialDate::Month(2012, 2);  // 2012-02-01, before ctr-a
  iv[2].id = "civ-e";
  iv[2].date = PartialDate::Year(2011);
  auto tl = BuildTimeline(tr, iv);
  std::vector<std::string> ids;
  for (const auto& e : tl) ids.push_back(e.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"civ-e", "civ-d", "ctr-a", "ctr-b", "civ-c"}));
  EXPECT_EQ(tl[2].type, "transition");
  EXPECT_EQ(tl[2].index, 0u);
  EXPECT_EQ(tl[4].index, 0u);
}

TEST(Overdue, DeadlinesAndFollowUps) {
  const long today = DaysFromCivil(2024, 6, 10);
  Case c;
  c.id = "case-1";
  c.status = CaseStatus::kDetainedInChina;
  EXPECT_TRUE(Overdue(c, {}, today).empty());
  c.next_deadline = PartialDate::Day(2024, 6, 10);  // today: not yet passed
  EXPECT_TRUE(Overdue(c, {}, today).empty());
  c.next_deadline = PartialDate::Month(2024, 6);  // runs to 30 June
  EXPECT_TRUE(Overdue(c, {}, today).empty());
  c.next_deadline = PartialDate::Day(2024, 6, 9);
  ASSERT_EQ(Overdue(c, {}, today).size(), 1u);
  EXPECT_EQ(Overdue(c, {}, today)[0].what, "deadline");
  c.next_deadline.reset();
  std::vector<Intervention> iv(3);
  iv[0].id = "civ-open";
  iv[0].follow_up = PartialDate::Day(2024, 5, 1);
  iv[1].id = "civ-answered";
  iv[1].follow_up = PartialDate::Day(2024, 5, 1);
  iv[1].outcome = "acknowledged";
  iv[2].id = "civ-later";
  iv[2].follow_up = PartialDate::Day(2024, 7, 1);
  auto o = Overdue(c, iv, today);
  ASSERT_EQ(o.size(), 1u);
  EXPECT_EQ(o[0].what, "follow_up");
  EXPECT_EQ(o[0].record_id, "civ-open");
  c.status = CaseStatus::kClosed;
  c.next_deadline = PartialDate::Day(2020, 1, 1);
  EXPECT_TRUE(Overdue(c, iv, today).empty());
}

}  // namespace
}  // namespace dossier::cases
