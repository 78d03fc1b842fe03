// Full-text search over sources in a real SQLite file: Hangul and Hanja queries of one or two
// characters, English words, restricted sources hidden from callers who may not see them, the
// index following updates and deletes, and no plaintext of sealed text in the database file.
#include <sqlite3.h>

#include <gtest/gtest.h>

#include "../store/store_fixture.h"

namespace dossier::testing {
namespace {

class FtsTest : public StoreTest {
 protected:
  std::string AddSource(const std::string& id, const std::string& title, const std::string& text,
                        Sensitivity sensitivity = Sensitivity::kInternal) {
    Source s = MakeSource(id);
    s.title = title;
    s.text = text;
    s.sensitivity = sensitivity;
    auto r = store_->Create(s);
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? *r : "";
  }

  // Ids of the sources found, best first.
  std::vector<std::string> Find(const std::string& q, bool include_restricted = true) {
    auto page = store_->SearchSources(q, include_restricted, 50, 0);
    EXPECT_TRUE(page.ok()) << page.error().message;
    std::vector<std::string> ids;
    if (page.ok()) {
      for (const auto& h : page->items) ids.push_back(h.source_id);
      EXPECT_EQ(page->total, ids.size());
    }
    return ids;
  }

  int64_t Rows(const std::string& table) {
    sqlite3* db = nullptr;
    sqlite3_open_v2(DbPath().c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, ("SELECT count(*) FROM " + table).c_str(), -1, &st, nullptr);
    int64_t n = -1;
    if (st && sqlite3_step(st) == SQLITE_ROW) n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
  }

  using Ids = std::vector<std::string>;
};

TEST_F(FtsTest, OneAndTwoSyllableHangulQueriesFindWordsInsideLongerWords) {
  AddSource("src-a", "Testimony A", "나는 2011년 겨울 투먼에서 체포되었다");
  AddSource("src-b", "Testimony B", "선양의 공안국에 구금되었다가 송환되었다");
  EXPECT_EQ(Find("투먼"), Ids{"src-a"});      // inside 투먼에서
  EXPECT_EQ(Find("체포"), Ids{"src-a"});      // inside 체포되었다
  EXPECT_EQ(Find("선양"), Ids{"src-b"});
  EXPECT_EQ(Find("투"), Ids{"src-a"});        // one syllable
  EXPECT_EQ(Find("송"), Ids{"src-b"});
  EXPECT_EQ(Find("되었다").size(), 2u);
  EXPECT_TRUE(Find("평양").empty());
  // A three-syllable query is a phrase of its bigrams: the syllables must be adjacent.
  EXPECT_EQ(Find("투먼에서"), Ids{"src-a"});
  EXPECT_TRUE(Find("투먼체포").empty());
}

TEST_F(FtsTest, OneAndTwoCharacterHanjaQueriesWork) {
  AddSource("src-zh", "Report", "李顺姬在沈阳被公安逮捕");
  AddSource("src-ko", "Hanja name", "리순희(李順姬)는 온성 출신이다");
  EXPECT_EQ(Find("沈阳"), Ids{"src-zh"});
  EXPECT_EQ(Find("沈"), Ids{"src-zh"});
  EXPECT_EQ(Find("逮捕"), Ids{"src-zh"});
  EXPECT_EQ(Find("李").size(), 2u);
  EXPECT_EQ(Find("順姬"), Ids{"src-ko"});
  EXPECT_TRUE(Find("北京").empty());
}

TEST_F(FtsTest, EnglishWordsMatchWhateverTheirCaseAndAllMustOccur) {
  AddSource("src-en", "Arrests in Shenyang", "More than 30 North Koreans were ARRESTED on February 8.");
  AddSource("src-en2", "Statement", "UNHCR asked for access to those held in Yanji.");
  EXPECT_EQ(Find("shenyang"), Ids{"src-en"});  // in the title
  EXPECT_EQ(Find("Arrested"), Ids{"src-en"});
  EXPECT_EQ(Find("arrested shenyang"), Ids{"src-en"});
  EXPECT_TRUE(Find("arrested yanji").empty());
  EXPECT_EQ(Find("unhcr"), Ids{"src-en2"});
  EXPECT_EQ(Find("30"), Ids{"src-en"});
  EXPECT_EQ(store_->SearchSources("  ... ", true, 10, 0).error().code, ErrorCode::kInvalidArgument);
}

TEST_F(FtsTest, RestrictedSourcesAreLeftOutUnlessTheCallerMaySeeThem) {
  AddSource("src-open", "Public report", "Forced return from Tumen");
  AddSource("src-secret", "Interview 14", "투먼에서 강제송환 Tumen", Sensitivity::kRestricted);
  EXPECT_EQ(Find("tumen", /*include_restricted=*/false), Ids{"src-open"});
  EXPECT_EQ(Find("투먼", false), Ids{});
  EXPECT_EQ(Find("tumen", true).size(), 2u);
}

TEST_F(FtsTest, TheIndexFollowsUpdatesAndDeletes) {
  AddSource("src-1", "Testimony", "Detained in Hunchun");
  EXPECT_EQ(Find("hunchun"), Ids{"src-1"});
  auto s = store_->GetSource("src-1");
  ASSERT_TRUE(s.ok());
  s->text = "Detained in Dandong, 단둥";
  ASSERT_TRUE(store_->Update(*s).ok());
  EXPECT_TRUE(Find("hunchun").empty());
  EXPECT_EQ(Find("dandong"), Ids{"src-1"});
  EXPECT_EQ(Find("단둥"), Ids{"src-1"});
  ASSERT_TRUE(store_->Delete(RecordKind::kSource, "src-1").ok());
  EXPECT_TRUE(Find("dandong").empty());
  EXPECT_EQ(Rows("source_fts"), 0);
  EXPECT_EQ(Rows("source_search"), 0);
  auto report = store_->Verify();
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok()) << report->problems.front();
}

TEST_F(FtsTest, ARolledBackSourceWriteLeavesNoIndexRows) {
  Status s = store_->Transaction([&]() -> Status {
    Source src = MakeSource("src-rb");
    src.text = "Hoeryong";
    DOSSIER_RETURN_IF_ERROR(StatusOf(store_->Create(src)));
    return Error::Conflict("changed my mind");
  });
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(Rows("source_search"), 0);
  EXPECT_TRUE(Find("hoeryong").empty());
}

TEST_F(FtsTest, SourcesWrittenBeforeTheIndexAreIndexedOnRequest) {
  AddSource("src-old", "Old", "Kanggye 강계");
  {
    // As after an upgrade from a schema without the index.
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(DbPath().c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "DELETE FROM source_fts; DELETE FROM source_search;", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
  }
  store_ = Reopen();
  EXPECT_TRUE(Find("kanggye").empty());
  auto n = store_->IndexUnindexedSources();
  ASSERT_TRUE(n.ok()) << n.error().message;
  EXPECT_EQ(*n, 1);
  EXPECT_EQ(Find("강계"), Ids{"src-old"});
  EXPECT_EQ(*store_->IndexUnindexedSources(), 0);
}

TEST_F(FtsTest, TheDatabaseFileHoldsNoPlaintextOfSealedTextOrItsTokens) {
  AddSource("src-s", "Interview 7", "Ri Sun-hui crossed near Onsong with Pak Myong-chol. 리순희는 온성에서 건넜다. 李順姬",
            Sensitivity::kRestricted);
  std::vector<SourceCandidate> cands(1);
  cands[0].source_id = "src-s";
  cands[0].kind = "person";
  cands[0].begin = 0;
  cands[0].end = 10;
  cands[0].quote = "Ri Sun-hui";
  cands[0].value = "Ri Sun-hui";
  cands[0].key = "I|SUNHI";
  cands[0].confidence = 0.8;
  ASSERT_TRUE(store_->AddSourceCandidates(cands).ok());
  ASSERT_EQ(Find("onsong"), Ids{"src-s"});
  store_.reset();  // checkpoint the WAL into the file
  std::string bytes = ReadFileBytes(DbPath());
  for (const char* suffix : {"-wal", "-shm"}) {
    if (std::filesystem::exists(DbPath() + suffix)) bytes += ReadFileBytes(DbPath() + suffix);
  }
  for (const char* secret : {"Onsong", "onsong", "Sun-hui", "Myong-chol", "myong", "crossed", "리순희",
                                    "순희", "온성", "건넜", "李順姬", "順姬", "I|SUNHI"}) {
    EXPECT_EQ(bytes.find(secret), std::string::npos) << "'" << secret << "' is in the database file in clear";
  }
}

TEST_F(FtsTest, CandidatesAreDecidedOnceByTheActorAndAudited) {
  AddSource("src-c", "Report", "Arrested in Shenyang");
  std::vector<SourceCandidate> cands(2);
  for (auto& c : cands) {
    c.source_id = "src-c";
    c.confidence = 0.85;
  }
  cands[0].kind = "incident_type", cands[0].begin = 0, cands[0].end = 8, cands[0].quote = "Arrested", cands[0].value = "arrest";
  cands[1].kind = "place", cands[1].begin = 12, cands[1].end = 20, cands[1].quote = "Shenyang", cands[1].value = "cn-ln-shenyang";
  ASSERT_TRUE(store_->AddSourceCandidates(cands).ok());
  ASSERT_FALSE(cands[0].id.empty());
  auto pending = store_->ListSourceCandidates("src-c", "pending", 10, 0);
  ASSERT_TRUE(pending.ok());
  ASSERT_EQ(pending->total, 2u);
  EXPECT_EQ(pending->items[0].quote, "Arrested");
  EXPECT_EQ(pending->items[1].value, "cn-ln-shenyang");
  store_->SetActor("doc");
  ASSERT_TRUE(store_->DecideSourceCandidate(cands[1].id, true).ok());
  ASSERT_TRUE(store_->DecideSourceCandidate(cands[0].id, false).ok());
  auto again = store_->DecideSourceCandidate(cands[1].id, false);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.code(), ErrorCode::kConflict);
  auto confirmed = store_->GetSourceCandidate(cands[1].id);
  ASSERT_TRUE(confirmed.ok());
  EXPECT_EQ(confirmed->status, "confirmed");
  EXPECT_EQ(confirmed->decided_by, "doc");
  EXPECT_FALSE(confirmed->decided_at.empty());
  EXPECT_EQ(store_->ListSourceCandidates("src-c", "rejected", 10, 0)->total, 1u);
  // Deciding created nothing else.
  EXPECT_EQ(*store_->Count(RecordKind::kIncident), 0);
  auto recent = store_->RecentAudit(1);
  ASSERT_TRUE(recent.ok());
  EXPECT_EQ(recent->front().action, "reject");
  EXPECT_EQ(recent->front().kind, "source_candidate");
  EXPECT_EQ(recent->front().actor, "doc");
  auto report = store_->Verify();
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok()) << report->problems.front();
  // Deleting the source takes its candidates with it, audited, and Verify still passes.
  ASSERT_TRUE(store_->Delete(RecordKind::kSource, "src-c").ok());
  EXPECT_EQ(store_->ListSourceCandidates("src-c", "", 10, 0)->total, 0u);
  report = store_->Verify();
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok()) << report->problems.front();
}

TEST_F(FtsTest, ACandidateOfAnUnknownSourceOrKindIsRefusedAndNothingIsStored) {
  std::vector<SourceCandidate> cands(1);
  cands[0].source_id = "src-none";
  cands[0].kind = "place";
  cands[0].end = 3;
  auto r = store_->AddSourceCandidates(cands);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), ErrorCode::kNotFound);
  AddSource("src-k", "K", "text");
  cands[0].source_id = "src-k";
  cands[0].kind = "rumour";
  r = store_->AddSourceCandidates(cands);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("field 'kind'"), std::string::npos);
  EXPECT_EQ(Rows("source_candidates"), 0);
}

}  // namespace
}  // namespace dossier::testing
