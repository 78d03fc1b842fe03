// Ingesting documents into a real SQLite file: the source and its pending candidates land
// together, bad files store nothing at all (rows counted before and after), and the incident draft
// holds only what a documenter confirmed.
#include <sqlite3.h>

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "../store/store_fixture.h"
#include "domain/codec.h"
#include "evidence/ingest_source.h"

namespace dossier::testing {
namespace {

std::string Article(const std::string& name) {
  std::ifstream in(std::string(DOSSIER_SOURCE_DIR) + "/tests/evidence/articles/" + name, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class IngestStoreTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    auto l = evidence::Lexicon::Load(catalog_, DOSSIER_SOURCE_DIR "/data");
    ASSERT_TRUE(l.ok()) << l.error().message;
    lexicon_ = std::move(*l);
  }

  Result<evidence::IngestResult> Ingest(const std::string& name, const std::string& bytes,
                                        const std::string& published = "", const std::string& kind = "news") {
    evidence::IngestRequest r;
    r.name = name;
    r.bytes = bytes;
    r.published = published;
    r.kind = kind;
    return evidence::IngestDocument(*store_, lexicon_, nullptr, r);
  }

  // Rows of every table ingestion writes to, read on a separate connection.
  std::vector<int64_t> Rows() {
    sqlite3* db = nullptr;
    sqlite3_open_v2(DbPath().c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
    std::vector<int64_t> out;
    for (const char* table : {"sources", "source_candidates", "source_search", "source_fts", "audit"}) {
      sqlite3_stmt* st = nullptr;
      sqlite3_prepare_v2(db, (std::string("SELECT count(*) FROM ") + table).c_str(), -1, &st, nullptr);
      out.push_back(st && sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1);
      sqlite3_finalize(st);
    }
    sqlite3_close(db);
    return out;
  }

  evidence::Lexicon lexicon_;
};

TEST_F(IngestStoreTest, AnArticleIsStoredAsASourceWithItsPendingCandidatesAndNothingElse) {
  auto r = Ingest("shenyang_news_en.txt", Article("shenyang_news_en.txt"), "2012-02-14");
  ASSERT_TRUE(r.ok()) << r.error().message;
  auto s = store_->GetSource(r->source.id);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->kind, "news_article");
  EXPECT_EQ(s->title, "Activists urge China to halt return of North Koreans detained in Shenyang");
  EXPECT_EQ(s->language, "en");
  EXPECT_EQ(s->date->ToString(), "2012-02-14");
  EXPECT_EQ(s->text, r->document.text);
  auto page = store_->ListSourceCandidates(s->id, "pending", 1000, 0);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->total, r->candidates.size());
  EXPECT_GT(page->total, 30u);
  for (const auto& c : page->items) {
    EXPECT_EQ(s->text.substr(static_cast<size_t>(c.begin), static_cast<size_t>(c.end - c.begin)), c.quote) << c.id;
  }
  EXPECT_EQ(*store_->Count(RecordKind::kIncident), 0);
  EXPECT_EQ(*store_->Count(RecordKind::kPerson), 0);
  auto hits = store_->SearchSources("Yanji", true, 10, 0);
  ASSERT_TRUE(hits.ok());
  ASSERT_EQ(hits->total, 1u);
  auto report = store_->Verify();
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok()) << report->problems.front();
}

TEST_F(IngestStoreTest, AnHtmlStatementTakesItsTitleDateAndAuthorFromItsHead) {
  auto r = Ingest("statement.html", Article("shenyang_statement_en.html"), "", "ngo-report");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->source.kind, "ngo_report");
  EXPECT_EQ(r->source.title, "China: Do not return North Korean refugees detained in Shenyang");
  EXPECT_EQ(r->source.date->ToString(), "2012-02-22");
  EXPECT_EQ(r->source.publisher, "Border Watch Asia");
  // "today" was resolved against the date from the <meta> element.
  bool today = false;
  for (const auto& c : r->candidates) today = today || (c.quote == "today" && c.value == "2012-02-22");
  EXPECT_TRUE(today);
}

TEST_F(IngestStoreTest, BadFilesGiveAClearErrorAndStoreNothing) {
  ASSERT_TRUE(Ingest("first.txt", Article("shenyang_news_ko.txt"), "2012-02-20").ok());
  const std::vector<int64_t> before = Rows();
  const std::string html = Article("shenyang_statement_en.html");
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"empty.txt", ""},
      {"photo.jpg", std::string("\xFF\xD8\xFF\xE0\0\x10JFIF", 10)},
      {"euckr.txt", "\xC5\xBB\xBA\xCF\xC0\xDA 30\xBF\xA9 \xB8\xED"},  // "탈북자 30여 명" in EUC-KR
      {"cut.html", html.substr(0, html.find("<p>Relatives") + 20)},
      {"blank.html", "<html><body><script>x()</script></body></html>"},
  };
  const std::vector<std::string> expected = {"empty.txt: the file is empty",
                                             "photo.jpg: binary file (NUL byte at offset 4)",
                                             "euckr.txt: not UTF-8: invalid byte 0xBA at offset 2",
                                             "cut.html: truncated or malformed HTML",
                                             "blank.html: the document has no text"};
  for (size_t i = 0; i < bad.size(); ++i) {
    auto r = Ingest(bad[i].first, bad[i].second, "2012-02-20");
    ASSERT_FALSE(r.ok()) << bad[i].first << " was accepted";
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
    EXPECT_TRUE(r.error().message.starts_with(expected[i])) << r.error().message;
    EXPECT_EQ(Rows(), before) << bad[i].first << " left rows behind";
  }
  // Bad options are refused before anything is written, too.
  auto r = Ingest("ok.txt", "Arrested in Yanji.", "2012-02-30");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("option 'published'"), std::string::npos) << r.error().message;
  r = Ingest("ok.txt", "Arrested in Yanji.", "", "rumour");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("option 'kind'"), std::string::npos) << r.error().message;
  EXPECT_EQ(Rows(), before);
}

TEST_F(IngestStoreTest, TheIncidentDraftHoldsOnlyWhatWasConfirmed) {
  auto r = Ingest("ko.txt", Article("shenyang_news_ko.txt"), "2012-02-20");
  ASSERT_TRUE(r.ok()) << r.error().message;
  auto pick = [&](const std::string& kind, const std::string& quote) {
    for (const auto& c : r->candidates) {
      if (c.kind == kind && c.quote == quote) return c.id;
    }
    ADD_FAILURE() << "no " << kind << " " << quote;
    return std::string();
  };
  auto draft = [&] {
    auto all = store_->ListSourceCandidates(r->source.id, "", 1000, 0);
    return evidence::DraftIncident(catalog_, r->source, all->items);
  };
  auto empty = draft();
  EXPECT_FALSE(empty.contains("type"));
  EXPECT_FALSE(empty.contains("place"));
  EXPECT_EQ(empty["source_ids"], nlohmann::ordered_json::array({r->source.id}));
  store_->SetActor("doc");
  ASSERT_TRUE(store_->DecideSourceCandidate(pick("incident_type", "체포"), true).ok());
  ASSERT_TRUE(store_->DecideSourceCandidate(pick("date", "지난주"), true).ok());
  ASSERT_TRUE(store_->DecideSourceCandidate(pick("place", "랴오닝성"), true).ok());
  ASSERT_TRUE(store_->DecideSourceCandidate(pick("place", "선양"), true).ok());
  ASSERT_TRUE(store_->DecideSourceCandidate(pick("count", "30여 명"), true).ok());
  ASSERT_TRUE(store_->DecideSourceCandidate(pick("organisation", "중국 공안"), true).ok());
  ASSERT_TRUE(store_->DecideSourceCandidate(pick("organisation", "유엔난민기구"), true).ok());
  ASSERT_TRUE(store_->DecideSourceCandidate(pick("incident_type", "처형"), false).ok());
  auto d = draft();
  EXPECT_EQ(d["type"], "arrest");
  EXPECT_EQ(d["start"], "2012-02-13");
  EXPECT_EQ(d["end"], "2012-02-19");
  EXPECT_EQ(d["place"], "cn-ln-shenyang") << "the city is more precise than its province";
  EXPECT_EQ(d["victim_count"]["value"], 30);
  EXPECT_EQ(d["victim_count"]["qualifier"], "more_than");
  EXPECT_EQ(d["perpetrator_orgs"], nlohmann::ordered_json::array({"prc_mps"})) << "UNHCR is not a perpetrator";
  EXPECT_EQ(*store_->Count(RecordKind::kIncident), 0) << "confirming created an incident";
  // The draft is a valid incident once a documenter submits it.
  auto incident = IncidentFromJson(nlohmann::json::parse(d.dump()), "draft");
  ASSERT_TRUE(incident.ok()) << incident.error().message;
  auto id = store_->Create(*incident);
  EXPECT_TRUE(id.ok()) << id.error().message;
}

}  // namespace
}  // namespace dossier::testing
