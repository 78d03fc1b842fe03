// Urgent cases in a real SQLite file: round trip, sealing, the audit trail, refusals that write
// nothing, and tampering caught by Verify().
#include <sqlite3.h>

#include <fmt/format.h>

#include <set>

#include "../store/store_fixture.h"
#include "domain/validate.h"
#include "store/demo.h"

namespace dossier::testing {
namespace {

using cases::Case;
using cases::CaseStatus;
using cases::Intervention;
using cases::Transition;

class CaseStoreTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    ASSERT_TRUE(store_->Create(MakeSource("s-1")).ok());
    ASSERT_TRUE(store_->Create(MakeSource("s-2")).ok());
    ASSERT_TRUE(store_->Create(MakePerson("p-1", "리순희", "s-1")).ok());
    ASSERT_TRUE(store_->Create(MakeIncident("i-1", "s-1")).ok());
    UserAccount officer{"kim", "case_officer", "hash", "", false};
    ASSERT_TRUE(store_->PutUser(officer).ok());
    UserAccount analyst{"lee", "analyst", "hash", "", false};
    ASSERT_TRUE(store_->PutUser(analyst).ok());
  }

  Case MakeCase() {
    Case c;
    c.title = "Secret title: family detained near Tumen";
    c.person_ids = {"p-1"};
    c.risk = cases::RiskLevel::kHigh;
    c.officer = "kim";
    c.opened = PartialDate::Day(2024, 3, 1);
    c.next_deadline = PartialDate::Day(2024, 3, 20);
    c.incident_ids = {"i-1"};
    c.source_ids = {"s-1"};
    c.notes = "Secret note: contact via the pastor";
    return c;
  }

  Transition Step(const std::string& case_id, CaseStatus to, PartialDate date) {
    Transition t;
    t.case_id = case_id;
    t.to = to;
    t.date = date;
    t.source_ids = {"s-2"};
    t.note = "Secret transition note";
    return t;
  }

  int64_t AuditCount() {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open(DbPath().c_str(), &db), SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, "SELECT count(*) FROM audit", -1, &st, nullptr);
    sqlite3_step(st);
    int64_t n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
  }

  void Tamper(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(DbPath().c_str(), &db), SQLITE_OK);
    char* err = nullptr;
    ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "");
    sqlite3_close(db);
  }
};

TEST_F(CaseStoreTest, RoundTripTransitionsInterventionsAndVerify) {
  auto id = store_->CreateCase(MakeCase());
  ASSERT_TRUE(id.ok()) << id.error().message;
  EXPECT_TRUE(id->starts_with("case-"));
  auto got = store_->GetCase(*id);
  ASSERT_TRUE(got.ok()) << got.error().message;
  Case expected = MakeCase();
  expected.id = *id;
  EXPECT_EQ(*got, expected);

  ASSERT_TRUE(store_->AddTransition(Step(*id, CaseStatus::kVerified, PartialDate::Day(2024, 3, 2))).ok());
  auto t2 = store_->AddTransition(Step(*id, CaseStatus::kDetainedInChina, PartialDate::Day(2024, 3, 3)));
  ASSERT_TRUE(t2.ok()) << t2.error().message;
  EXPECT_EQ(store_->GetCase(*id)->status, CaseStatus::kDetainedInChina);

  Intervention iv;
  iv.case_id = *id;
  iv.actor = "ngo_self";
  iv.target = "unhcr";
  iv.track = "un_mechanism";
  iv.kind = "urgent_appeal";
  iv.date = PartialDate::Day(2024, 3, 4);
  iv.response = "Secret response: acknowledged by phone";
  iv.follow_up = PartialDate::Day(2024, 3, 11);
  iv.source_ids = {"s-1"};
  auto ivid = store_->AddIntervention(iv);
  ASSERT_TRUE(ivid.ok()) << ivid.error().message;

  store_ = Reopen();
  auto trs = store_->ListTransitions(*id);
  ASSERT_TRUE(trs.ok());
  ASSERT_EQ(trs->size(), 2u);
  EXPECT_EQ((*trs)[0].from, CaseStatus::kReported);
  EXPECT_EQ((*trs)[0].to, CaseStatus::kVerified);
  EXPECT_EQ((*trs)[1].from, CaseStatus::kVerified);
  EXPECT_EQ((*trs)[1].id, *t2);
  EXPECT_EQ((*trs)[1].note, "Secret transition note");
  auto ivs = store_->ListInterventions(*id);
  ASSERT_TRUE(ivs.ok());
  ASSERT_EQ(ivs->size(), 1u);
  iv.id = *ivid;
  EXPECT_EQ((*ivs)[0], iv);

  // Recording the outcome closes the follow-up.
  iv.outcome = "Secret outcome: UNHCR raised it with the authorities";
  ASSERT_TRUE(store_->UpdateIntervention(iv).ok());
  EXPECT_EQ(store_->ListInterventions(*id)->at(0).outcome, iv.outcome);

  auto page = store_->ListCases(10, 0, "detained_in_china");
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->total, 1u);
  EXPECT_EQ(store_->ListCases(10, 0, "reported")->total, 0u);

  auto v = store_->Verify();
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->ok()) << (v->problems.empty() ? "" : v->problems[0]);
  EXPECT_EQ(v->records, 4 + 1 + 2 + 1);  // sources, person, incident + case, transitions, intervention

  // Free text never reaches the file in clear.
  store_.reset();
  std::string bytes = ReadFileBytes(DbPath());
  for (const char* secret : {"Secret title", "Secret note", "Secret transition note", "Secret response", "Secret outcome"}) {
    EXPECT_EQ(bytes.find(secret), std::string::npos) << secret;
  }
}

TEST_F(CaseStoreTest, EveryWriteIsAudited) {
  const int64_t before = AuditCount();
  auto id = store_->CreateCase(MakeCase());
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(AuditCount(), before + 1);
  ASSERT_TRUE(store_->AddTransition(Step(*id, CaseStatus::kVerified, PartialDate::Day(2024, 3, 2))).ok());
  EXPECT_EQ(AuditCount(), before + 3);  // the transition and the case's new status
  Case c = *store_->GetCase(*id);
  c.risk = cases::RiskLevel::kCritical;
  ASSERT_TRUE(store_->UpdateCase(c).ok());
  EXPECT_EQ(AuditCount(), before + 4);
  ASSERT_TRUE(store_->UpdateCase(c).ok());  // no change, no entry
  EXPECT_EQ(AuditCount(), before + 4);
  auto recent = store_->RecentAudit(4);
  ASSERT_TRUE(recent.ok());
  EXPECT_EQ((*recent)[0].kind, "case");
  EXPECT_EQ((*recent)[0].action, "update");
  EXPECT_EQ((*recent)[0].fields, "risk");
  EXPECT_EQ((*recent)[1].action, "transition");
  EXPECT_EQ((*recent)[1].fields, "status");
  EXPECT_EQ((*recent)[2].kind, "case_transition");
}

TEST_F(CaseStoreTest, RefusalsWriteNothing) {
  auto id = store_->CreateCase(MakeCase());
  ASSERT_TRUE(id.ok());
  const int64_t before = AuditCount();
  auto expect_refused = [&](Status s, const char* field) {
    ASSERT_FALSE(s.ok()) << field;
    EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument) << s.error().message;
    EXPECT_NE(s.error().message.find(fmt::format("field '{}'", field)), std::string::npos) << s.error().message;
  };
  // Impossible step.
  expect_refused(StatusOf(store_->AddTransition(Step(*id, CaseStatus::kExecuted, PartialDate::Day(2024, 3, 2)))), "to");
  // No source; unknown source.
  Transition t = Step(*id, CaseStatus::kVerified, PartialDate::Day(2024, 3, 2));
  t.source_ids.clear();
  expect_refused(StatusOf(store_->AddTransition(t)), "source_ids");
  t.source_ids = {"s-404"};
  expect_refused(StatusOf(store_->AddTransition(t)), "source_ids");
  // Before the case was opened.
  expect_refused(StatusOf(store_->AddTransition(Step(*id, CaseStatus::kVerified, PartialDate::Day(2024, 2, 1)))), "date");
  // Status changed other than by a transition; unknown officer; an analyst as officer.
  Case c = *store_->GetCase(*id);
  c.status = CaseStatus::kVerified;
  expect_refused(store_->UpdateCase(c), "status");
  c.status = CaseStatus::kReported;
  c.officer = "nobody";
  expect_refused(store_->UpdateCase(c), "officer");
  c.officer = "lee";
  expect_refused(store_->UpdateCase(c), "officer");
  Case fresh = MakeCase();
  fresh.status = CaseStatus::kHeldInDprk;
  expect_refused(StatusOf(store_->CreateCase(fresh)), "status");
  fresh = MakeCase();
  fresh.person_ids = {"p-404"};
  expect_refused(StatusOf(store_->CreateCase(fresh)), "person_ids");
  // Unknown organisation.
  Intervention iv;
  iv.case_id = *id;
  iv.actor = "ngo_self";
  iv.target = "ministry_of_magic";
  iv.track = "bilateral";
  iv.kind = "letter";
  iv.date = PartialDate::Day(2024, 3, 4);
  expect_refused(StatusOf(store_->AddIntervention(iv)), "target");
  iv.target = "unhcr";
  iv.case_id = "case-404";
  auto nf = store_->AddIntervention(iv);
  ASSERT_FALSE(nf.ok());
  EXPECT_EQ(nf.error().code, ErrorCode::kNotFound);

  // A later transition dated before the previous one.
  ASSERT_TRUE(store_->AddTransition(Step(*id, CaseStatus::kVerified, PartialDate::Day(2024, 3, 10))).ok());
  const int64_t after_ok = AuditCount();
  EXPECT_EQ(after_ok, before + 2);
  expect_refused(StatusOf(store_->AddTransition(Step(*id, CaseStatus::kDetainedInChina, PartialDate::Day(2024, 3, 5)))),
                 "date");
  EXPECT_EQ(AuditCount(), after_ok);
  EXPECT_EQ(store_->ListTransitions(*id)->size(), 1u);
  EXPECT_EQ(store_->GetCase(*id)->status, CaseStatus::kVerified);
  EXPECT_TRUE(store_->ListInterventions(*id)->empty());
  EXPECT_TRUE(store_->Verify()->ok());
}

TEST_F(CaseStoreTest, TamperingWithCasesIsCaught) {
  auto id = store_->CreateCase(MakeCase());
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(store_->AddTransition(Step(*id, CaseStatus::kVerified, PartialDate::Day(2024, 3, 2))).ok());
  ASSERT_TRUE(store_->Verify()->ok());
  store_.reset();
  Tamper("UPDATE cases SET data = json_set(data, '$.status', 'closed')");
  store_ = Reopen();
  auto v = store_->Verify();
  ASSERT_TRUE(v.ok());
  ASSERT_FALSE(v->ok());
  EXPECT_NE(v->problems[0].find("case '" + *id + "' differs from its last audited state"), std::string::npos)
      << v->problems[0];
  store_.reset();
  Tamper("DELETE FROM case_transitions");
  store_ = Reopen();
  v = store_->Verify();
  bool named = false;
  for (const auto& p : v->problems) named = named || p.find("case_transition '") != std::string::npos;
  EXPECT_TRUE(named);
}

TEST_F(CaseStoreTest, MigratesAnOlderDatabase) {
  // A database at schema 2 (before cases) opens, migrates, and keeps verifying. Every table the
  // later migrations create is dropped, as a schema-2 database never had them.
  store_.reset();
  Tamper("DROP TABLE cases; DROP TABLE case_transitions; DROP TABLE case_interventions; "
         "DROP TABLE alerts; DROP TABLE alert_subscribers; DROP TABLE alert_deliveries; DROP TABLE alert_attempts; "
         "DROP TABLE officer_contacts; DROP TABLE source_candidates; DROP TABLE source_search; DROP TABLE source_fts; "
         "DROP TABLE evidence; PRAGMA user_version = 2;");
  store_ = Reopen();
  ASSERT_NE(store_, nullptr);
  EXPECT_TRUE(store_->CreateCase(MakeCase()).ok());
  EXPECT_TRUE(store_->Verify()->ok());
}

TEST_F(CaseStoreTest, DemoDataHasTheShenyangCaseAndSomeOverdueCases) {
  DemoOptions o;
  o.persons = 60;
  ASSERT_TRUE(GenerateDemoData(*store_, o).ok());
  auto c = store_->GetCase("case-shenyang2012");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->person_ids, std::vector<std::string>{"per-shenyang2012-group"});
  EXPECT_EQ(c->status, CaseStatus::kReturnedToDprk);
  auto ivs = store_->ListInterventions(c->id);
  ASSERT_TRUE(ivs.ok());
  std::set<std::string> actors;
  for (const auto& i : *ivs) {
    actors.insert(i.actor + ">" + i.target + ":" + i.kind);
    EXPECT_EQ(i.date.year, 2012);
    EXPECT_EQ(i.date.precision, DatePrecision::kMonth);
    EXPECT_TRUE(i.response.empty());  // no invented quotes
  }
  EXPECT_EQ(actors, (std::set<std::string>{"unhcr>prc_mfa:statement", "amnesty>prc_mfa:urgent_appeal",
                                           "rok_mofa>un_hrc:statement", "other>prc_mfa:protest"}));
  EXPECT_EQ(store_->ListTransitions(c->id)->size(), 3u);
  std::set<std::string> overdue;
  const long today = TodayDays();
  auto all = store_->ListCases(100, 0, "");
  ASSERT_TRUE(all.ok());
  for (const auto& k : all->items) {
    if (!cases::Overdue(k, *store_->ListInterventions(k.id), today).empty()) overdue.insert(k.id);
  }
  EXPECT_EQ(overdue, (std::set<std::string>{"case-demo-1", "case-demo-3"}));
  EXPECT_EQ(store_->GetCase("case-demo-5")->status, CaseStatus::kClosed);
  auto v = store_->Verify();
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->ok()) << (v->problems.empty() ? "" : v->problems[0]);
}

}  // namespace
}  // namespace dossier::testing
