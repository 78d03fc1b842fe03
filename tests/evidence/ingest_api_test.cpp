// Ingestion and source search over HTTP, on a real server on 127.0.0.1 over a real SQLite file:
// who may ingest and decide, bad documents refused with nothing written, decisions recorded once
// with the draft they prefill, and search that never shows restricted sources to viewers.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "../http/http_fixture.h"

namespace dossier::testing {
namespace {

using nlohmann::json;

std::string Article(const std::string& name) {
  std::ifstream in(std::string(DOSSIER_SOURCE_DIR) + "/tests/evidence/articles/" + name, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class IngestApiTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    doc_ = SignIn("documenter");
    viewer_ = SignIn("viewer");
  }
  Login doc_, viewer_;
};

TEST_F(IngestApiTest, ADocumenterIngestsAKoreanReportAndGetsCandidatesWithUtf16Spans) {
  const std::string text = Article("shenyang_news_ko.txt");
  auto r = Call("POST", "/api/v1/ingest", json{{"text", text}, {"published", "2012-02-20"}, {"kind", "news"}}, &doc_);
  ASSERT_EQ(r.status, 201) << r.body;
  json j = r.Json();
  EXPECT_EQ(j["source"]["kind"], "news_article");
  EXPECT_EQ(j["source"]["language"], "ko");
  bool found = false;
  for (const auto& c : j["candidates"]) {
    if (c["kind"] == "date" && c["quote"] == "지난 8일") {
      found = true;
      EXPECT_EQ(c["value"], "2012-02-08");
      // Hangul syllables are three bytes in UTF-8 and one unit in UTF-16.
      const size_t begin = c["begin"], begin16 = c["begin16"];
      EXPECT_EQ(text.substr(begin, 11), "지난 8일");
      EXPECT_LT(begin16, begin);
      EXPECT_EQ(c["end16"].get<size_t>() - begin16, 5u);
      EXPECT_EQ(c["status"], "pending");
    }
  }
  EXPECT_TRUE(found);
  EXPECT_TRUE(j["draft"].is_object());
  EXPECT_FALSE(j["draft"].contains("type"));
}

TEST_F(IngestApiTest, AnalystsAndViewersMayNotIngestOrReadCandidates) {
  const int64_t records = Records(), audit = AuditEntries();
  EXPECT_EQ(Call("POST", "/api/v1/ingest", json{{"text", "Arrested in Yanji."}}, &viewer_).status, 403);
  Login analyst = SignIn("analyst");
  EXPECT_EQ(Call("POST", "/api/v1/ingest", json{{"text", "Arrested in Yanji."}}, &analyst).status, 403);
  EXPECT_EQ(Call("GET", "/api/v1/ingest/candidates", "", &viewer_).status, 403);
  EXPECT_EQ(Records(), records);
  EXPECT_EQ(AuditEntries(), audit);
}

TEST_F(IngestApiTest, BadDocumentsAreRefusedWithTheFieldNamedAndNothingWritten) {
  const int64_t records = Records(), audit = AuditEntries();
  struct Bad {
    json body;
    std::string message;
  };
  const std::string html = Article("shenyang_statement_en.html");
  const std::vector<Bad> bad = {
      {{{"text", ""}}, "document: the file is empty"},
      {{{"content_base64", "iVBORw0KGgoAAAANSUhEUg=="}, {"filename", "x.png"}}, "x.png: binary file (NUL byte at offset"},
      {{{"content_base64", "vLG+5w=="}, {"filename", "k.txt"}}, "k.txt: not UTF-8: invalid byte 0xBC at offset 0"},
      {{{"text", html.substr(0, html.size() / 2)}, {"filename", "cut.html"}}, "cut.html: truncated or malformed HTML"},
      {{{"content_base64", "!!!"}}, "field 'content_base64': not valid base64"},
      {{{"text", "a"}, {"content_base64", "YQ=="}}, "field 'text': give either"},
      {{{"text", "Arrested in Yanji."}, {"published", "2012-02-30"}}, "option 'published'"},
      {{{"text", "Arrested in Yanji."}, {"colour", "red"}}, "field 'colour': unknown field"},
  };
  for (const auto& b : bad) {
    auto r = Call("POST", "/api/v1/ingest", b.body, &doc_);
    EXPECT_EQ(r.status, 400) << b.body.dump() << " " << r.body;
    EXPECT_NE(r.body.find(b.message), std::string::npos) << r.body;
  }
  EXPECT_EQ(Records(), records);
  EXPECT_EQ(AuditEntries(), audit);
  // EUC-KR is read when the caller says so.
  auto ok = Call("POST", "/api/v1/ingest", json{{"content_base64", "vLG+5w=="}, {"encoding", "euc-kr"}}, &doc_);
  ASSERT_EQ(ok.status, 201) << ok.body;
  EXPECT_EQ(ok.Json()["source"]["text"], "선양");
}

TEST_F(IngestApiTest, ADecisionIsRecordedOnceAndReturnsTheDraftWithoutCreatingAnIncident) {
  auto r = Call("POST", "/api/v1/ingest",
                json{{"text", "More than 30 North Koreans were arrested in Shenyang on February 8, 2012."}}, &doc_);
  ASSERT_EQ(r.status, 201) << r.body;
  std::map<std::string, std::string> ids;
  const json created = r.Json();  // kept alive while its candidates are read
  for (const auto& c : created["candidates"]) ids[c["kind"].get<std::string>()] = c["id"];
  ASSERT_EQ(ids.size(), 4u) << r.body;  // count, incident_type, place, date
  for (const char* kind : {"count", "incident_type", "place", "date"}) {
    auto d = Call("POST", "/api/v1/ingest/candidates/" + ids[kind] + "/confirm", json::object(), &doc_);
    ASSERT_EQ(d.status, 200) << d.body;
    EXPECT_EQ(d.Json()["candidate"]["decided_by"], "documenter");
  }
  auto last = Call("GET", "/api/v1/ingest/sources/" + r.Json()["source"]["id"].get<std::string>(), "", &doc_);
  ASSERT_EQ(last.status, 200);
  json draft = last.Json()["draft"];
  EXPECT_EQ(draft["type"], "arrest");
  EXPECT_EQ(draft["start"], "2012-02-08");
  EXPECT_EQ(draft["place"], "cn-ln-shenyang");
  EXPECT_EQ(draft["victim_count"], (json{{"value", 30}, {"qualifier", "more_than"}}));
  auto again = Call("POST", "/api/v1/ingest/candidates/" + ids["place"] + "/reject", json::object(), &doc_);
  EXPECT_EQ(again.status, 409) << again.body;
  EXPECT_EQ(Call("GET", "/api/v1/incidents", "", &doc_).Json()["total"], 0);
  auto pending = Call("GET", "/api/v1/ingest/candidates?status=pending", "", &doc_);
  ASSERT_EQ(pending.status, 200);
  EXPECT_EQ(pending.Json()["total"], 0);
}

TEST_F(IngestApiTest, SearchFindsHangulAndHanjaButNotRestrictedSourcesForViewers) {
  Login admin = SignIn("administrator");
  json open = SourceJson("src-open");
  open["title"] = "Open report";
  open["text"] = "탈북자들이 선양에서 체포되었다. 李顺姬 Shenyang";
  json secret = SourceJson("src-secret", /*restricted=*/true);
  secret["title"] = "Interview 9";
  secret["text"] = "선양 근처에서 강제송환";
  ASSERT_EQ(Call("POST", "/api/v1/sources", open, &admin).status, 201);
  ASSERT_EQ(Call("POST", "/api/v1/sources", secret, &admin).status, 201);
  auto ids = [&](const std::string& q, const Login& who) {
    auto r = Call("GET", "/api/v1/sources/search?q=" + q, "", &who);
    EXPECT_EQ(r.status, 200) << r.body;
    std::set<std::string> out;
    const json body = r.Json();  // range-for over a temporary's member would dangle
    for (const auto& h : body["items"]) out.insert(h["source"]["id"].get<std::string>());
    EXPECT_EQ(body["total"].get<size_t>(), out.size()) << q;
    return out;
  };
  // 선양, 선, 李 and 顺姬 percent-encoded.
  const std::string seonyang = "%EC%84%A0%EC%96%91", seon = "%EC%84%A0", li = "%E6%9D%8E", shunji = "%E9%A1%BA%E5%A7%AC";
  EXPECT_EQ(ids(seonyang, viewer_), (std::set<std::string>{"src-open"}));
  EXPECT_EQ(ids(seonyang, admin), (std::set<std::string>{"src-open", "src-secret"}));
  EXPECT_EQ(ids(seon, viewer_), (std::set<std::string>{"src-open"}));
  EXPECT_EQ(ids(li, viewer_), (std::set<std::string>{"src-open"}));
  EXPECT_EQ(ids(shunji, viewer_), (std::set<std::string>{"src-open"}));
  EXPECT_EQ(ids("shenyang", viewer_), (std::set<std::string>{"src-open"}));
  auto hit = Call("GET", "/api/v1/sources/search?q=" + seonyang, "", &viewer_).Json()["items"][0];
  EXPECT_NE(hit["snippet"].get<std::string>().find("선양에서"), std::string::npos);
  EXPECT_EQ(Call("GET", "/api/v1/sources/search", "", &viewer_).status, 400);
  EXPECT_EQ(Call("GET", "/api/v1/sources/search?q=x&colour=red", "", &viewer_).status, 400);
  // The collection route still serves source ids.
  EXPECT_EQ(Call("GET", "/api/v1/sources/src-open", "", &viewer_).status, 200);
}

}  // namespace
}  // namespace dossier::testing
