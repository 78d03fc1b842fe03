// Ingestion as pure functions: reading documents (and refusing bad ones), and the candidate facts
// proposed from test articles written for this suite (tests/evidence/articles/: English and
// Korean news reports and NGO statements in the style of those on the February 2012 Shenyang
// arrests; no real article is copied). Every expected fact is asserted with its value and span.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "domain/catalog.h"
#include "evidence/ingest.h"
#include "evidence/text_search.h"
#include "linkage/names.h"

namespace dossier::evidence {
namespace {

std::string ReadArticle(const std::string& name) {
  std::ifstream in(std::string(DOSSIER_SOURCE_DIR) + "/tests/evidence/articles/" + name, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class IngestTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto c = Catalog::Load(DOSSIER_SOURCE_DIR "/data");
    ASSERT_TRUE(c.ok()) << c.error().message;
    catalog_ = new Catalog(std::move(*c));
    auto l = Lexicon::Load(*catalog_, DOSSIER_SOURCE_DIR "/data");
    ASSERT_TRUE(l.ok()) << l.error().message;
    lexicon_ = new Lexicon(std::move(*l));
    linkage::NameTablePaths paths;
    paths.data_dir = DOSSIER_SOURCE_DIR "/data/linkage";
    auto t = linkage::LoadNameTables(paths);
    ASSERT_TRUE(t.ok()) << t.error().message;
    tables_ = new std::shared_ptr<const linkage::NameTables>(*t);
  }

  // Reads an article and extracts its candidates, published on `published`.
  void Ingest(const std::string& name, const std::string& published) {
    auto doc = ReadDocument(ReadArticle(name), name);
    ASSERT_TRUE(doc.ok()) << doc.error().message;
    doc_ = *doc;
    ExtractOptions o;
    if (!published.empty()) o.published = *PartialDate::Parse(published);
    o.names = tables_->get();
    found_ = ExtractCandidates(doc_.text, *lexicon_, o);
  }

  // The candidate of `kind` quoting the `nth` occurrence of `quote` in the text; fails the test
  // when there is none. Checks the span is exactly where the quote is.
  Candidate Expect(const std::string& kind, const std::string& quote, const std::string& value, size_t nth = 0) {
    size_t at = doc_.text.find(quote);
    for (size_t i = 0; i < nth && at != std::string::npos; ++i) at = doc_.text.find(quote, at + 1);
    EXPECT_NE(at, std::string::npos) << "'" << quote << "' is not in the text";
    for (const auto& c : found_) {
      if (c.kind == kind && c.begin == at && c.end == at + quote.size()) {
        EXPECT_EQ(c.quote, quote);
        EXPECT_EQ(c.value, value) << kind << " '" << quote << "'";
        EXPECT_GT(c.confidence, 0.0);
        EXPECT_LE(c.confidence, 1.0);
        return c;
      }
    }
    ADD_FAILURE() << "no " << kind << " candidate spanning '" << quote << "' (occurrence " << nth << ")";
    return {};
  }

  bool Proposed(const std::string& kind, const std::string& value) const {
    return std::any_of(found_.begin(), found_.end(), [&](const Candidate& c) { return c.kind == kind && c.value == value; });
  }

  static inline Catalog* catalog_ = nullptr;
  static inline Lexicon* lexicon_ = nullptr;
  static inline std::shared_ptr<const linkage::NameTables>* tables_ = nullptr;
  Document doc_;
  std::vector<Candidate> found_;
};

// ---------------------------------------------------------------- English news report

TEST_F(IngestTest, AnEnglishReportYieldsThePlacesOfTheArrests) {
  Ingest("shenyang_news_en.txt", "2012-02-14");
  Expect("place", "Shenyang", "cn-ln-shenyang");
  Expect("place", "Shenyang", "cn-ln-shenyang", 1);
  Expect("place", "Liaoning Province", "cn-ln");
  Expect("place", "Yanji", "cn-jl-yanji");
  Expect("place", "Changchun", "cn-jl-changchun");
  Expect("place", "SEOUL", "kr-se");
  Expect("place", "China", "cn");
  Expect("place", "Beijing", "cn-bj");
  // "North Koreans" is not the place "North Korea", and "South Korea" inside "South Korea's
  // foreign ministry" is the ministry, not a place of the events.
  for (const auto& c : found_) {
    if (c.kind == "place") {
      EXPECT_NE(c.quote, "North Korea");
    }
  }
  for (const auto& c : found_) {
    if (c.kind == "place") {
      EXPECT_NE(c.begin, doc_.text.find("South Korea's")) << c.quote;
    }
  }
}

TEST_F(IngestTest, AnEnglishReportResolvesAbsoluteAndRelativeDatesAgainstThePublicationDate) {
  Ingest("shenyang_news_en.txt", "2012-02-14");  // a Tuesday
  EXPECT_EQ(Expect("date", "February 8, 2012", "2012-02-08").qualifier, "absolute");
  // A dateline without a year takes the publication year.
  Expect("date", "Feb. 14", "2012-02-14");
  EXPECT_EQ(Expect("date", "earlier this month", "2012-02-01/2012-02-13").qualifier, "relative");
  Expect("date", "on Tuesday", "2012-02-14");
  Expect("date", "last year", "2011");
  Expect("date", "last week", "2012-02-06/2012-02-12");
  Expect("date", "later this month", "2012-02-15/2012-02-29");
}

TEST_F(IngestTest, AnEnglishReportYieldsCountsWithTheirQualifiers) {
  Ingest("shenyang_news_en.txt", "2012-02-14");
  EXPECT_EQ(Expect("count", "More than 30 North Koreans", "30").qualifier, "more_than");
  EXPECT_EQ(Expect("count", "At least 24 detainees", "24").qualifier, "at_least");
}

TEST_F(IngestTest, AnEnglishReportYieldsOrganisationsIncidentTypesAndPersons) {
  Ingest("shenyang_news_en.txt", "2012-02-14");
  Expect("organisation", "Chinese Foreign Ministry", "prc_mfa");
  Expect("organisation", "UNHCR", "unhcr");
  Expect("organisation", "Human Rights Watch", "hrw");
  Expect("organisation", "South Korea's foreign ministry", "rok_mofa");
  Expect("incident_type", "arrested", "arrest");
  Expect("incident_type", "forced repatriation", "forced_return");
  Expect("incident_type", "detained", "detention");
  Expect("incident_type", "sent back", "forced_return");
  Expect("incident_type", "imprisonment", "imprisonment");
  Expect("incident_type", "torture", "torture");
  Expect("incident_type", "execution", "execution");
  Expect("incident_type", "crossed the Tumen", "border_crossing");
  const Candidate lee = Expect("person", "Lee Soon-hee", "Lee Soon-hee");
  const Candidate kim = Expect("person", "Kim Young-chul", "Kim Young-chul");
  // Phonetic keys from the linkage rules: Lee and Ri share the family key.
  EXPECT_EQ(lee.key.substr(0, lee.key.find('|')), "I");
  EXPECT_FALSE(kim.key.empty());
  size_t persons = std::count_if(found_.begin(), found_.end(), [](const Candidate& c) { return c.kind == "person"; });
  EXPECT_EQ(persons, 2u) << "only the two named persons";
}

// ---------------------------------------------------------------- Korean news report

TEST_F(IngestTest, AKoreanReportYieldsPlacesOrganisationsAndTypes) {
  Ingest("shenyang_news_ko.txt", "2012-02-20");
  Expect("place", "선양", "cn-ln-shenyang");         // headline: 선양서
  Expect("place", "선양", "cn-ln-shenyang", 1);      // 선양에서
  Expect("place", "랴오닝성", "cn-ln");
  Expect("place", "옌지", "cn-jl-yanji");
  Expect("place", "창춘", "cn-jl-changchun");
  Expect("place", "함경북도", "kp-nh");
  Expect("place", "회령", "kp-nh-hoeryong");
  Expect("place", "서울", "kr-se");
  Expect("organisation", "중국 공안", "prc_mps");
  Expect("organisation", "중국 외교부", "prc_mfa");
  Expect("organisation", "유엔난민기구", "unhcr");
  Expect("organisation", "국제앰네스티", "amnesty");
  Expect("incident_type", "체포", "arrest");
  Expect("incident_type", "강제북송", "forced_return");
  Expect("incident_type", "구금", "detention");
  Expect("incident_type", "붙잡", "arrest");
  Expect("incident_type", "처형", "execution");
  Expect("incident_type", "수감", "imprisonment");
  Expect("incident_type", "강제송환", "forced_return");
  // 탈북자 (defector) is a word for the people, not an escape to record.
  EXPECT_FALSE(Proposed("incident_type", "escape"));
}

TEST_F(IngestTest, AKoreanReportResolvesKoreanRelativeDatesAndCounts) {
  Ingest("shenyang_news_ko.txt", "2012-02-20");  // a Monday
  Expect("date", "지난 8일", "2012-02-08");
  Expect("date", "지난주", "2012-02-13/2012-02-19");
  Expect("date", "이달 말", "2012-02-21/2012-02-29");
  EXPECT_EQ(Expect("count", "30여 명", "30").qualifier, "more_than");
  EXPECT_EQ(Expect("count", "최소 24명", "24").qualifier, "at_least");
  const Candidate kim = Expect("person", "김영철", "김영철");
  EXPECT_FALSE(kim.key.empty());
}

// ---------------------------------------------------------------- NGO statements in HTML

TEST_F(IngestTest, AnHtmlStatementKeepsTheTextAndDropsScriptsStylesAndComments) {
  auto doc = ReadDocument(ReadArticle("shenyang_statement_en.html"), "statement.html");
  ASSERT_TRUE(doc.ok()) << doc.error().message;
  EXPECT_TRUE(doc->html);
  EXPECT_EQ(doc->title, "China: Do not return North Korean refugees detained in Shenyang");
  EXPECT_EQ(doc->author, "Border Watch Asia");
  EXPECT_EQ(doc->published, "2012-02-22");
  EXPECT_EQ(doc->text.find("Hyesan"), std::string::npos) << "script text leaked into the document";
  EXPECT_EQ(doc->text.find("Pyongyang"), std::string::npos) << "style text leaked into the document";
  EXPECT_EQ(doc->text.find("navigation"), std::string::npos) << "a comment leaked into the document";
  // Entities decoded, paragraphs separated by a blank line, <br> kept as a line break.
  EXPECT_NE(doc->text.find("(Geneva, 22 February 2012) \u2013 The Chinese"), std::string::npos);
  EXPECT_NE(doc->text.find("said today.\n\nThose detained"), std::string::npos);
  EXPECT_NE(doc->text.find("on Monday.\nThey fear"), std::string::npos);
  EXPECT_NE(doc->text.find("imminent & irreversible."), std::string::npos);
  EXPECT_TRUE(doc->text.starts_with("China: Do not return"));
}

TEST_F(IngestTest, AnEnglishStatementYieldsItsFactsWithSpansInTheExtractedText) {
  Ingest("shenyang_statement_en.html", "2012-02-22");  // a Wednesday
  Expect("date", "22 February 2012", "2012-02-22");
  Expect("date", "8 Feb 2012", "2012-02-08");
  Expect("date", "today", "2012-02-22");
  Expect("date", "on Monday", "2012-02-20");
  Expect("date", "this week", "2012-02-20/2012-02-26");
  EXPECT_EQ(Expect("count", "at least 24 North Koreans", "24").qualifier, "at_least");
  Expect("place", "Changchun", "cn-jl-changchun");
  Expect("place", "Tumen", "cn-jl-tumen");
  Expect("place", "North Korea", "kp", 2);  // "returned to North Korea faces"
  Expect("organisation", "Amnesty International", "amnesty");
  Expect("organisation", "UN Special Rapporteur on North Korea", "un_sr_dprk");
  Expect("organisation", "UN refugee agency", "unhcr");
  Expect("incident_type", "returned to North Korea", "forced_return");
  Expect("incident_type", "detention centre", "detention");
  Expect("incident_type", "handover at the border", "border_handover");
  Expect("incident_type", "moved to a", "transfer");
}

TEST_F(IngestTest, AKoreanStatementYieldsNumericDatesAnonymisedPersonsAndBodies) {
  Ingest("shenyang_statement_ko.html", "2012-03-02");
  Expect("date", "2012년 2월 8일", "2012-02-08");
  Expect("date", "2012.2.8", "2012-02-08");
  Expect("date", "지난달 말", "2012-02-21/2012-02-29");
  Expect("date", "어제", "2012-03-01");
  EXPECT_EQ(Expect("count", "약 10명", "10").qualifier, "about");
  Expect("place", "투먼", "cn-jl-tumen");
  Expect("place", "혜산", "kp-rg-hyesan");
  Expect("organisation", "변방대", "prc_border_police");
  Expect("organisation", "유엔 북한인권특별보고관", "un_sr_dprk");
  Expect("organisation", "휴먼라이츠워치", "hrw");
  Expect("incident_type", "넘겨", "border_handover");
  Expect("incident_type", "송환", "forced_return", 1);
  const Candidate anon = Expect("person", "이모", "이모");
  EXPECT_LT(anon.confidence, 0.5) << "an anonymised name is only a surname";
}

// ---------------------------------------------------------------- dates alone

TEST_F(IngestTest, RelativeDatesNeedAPublicationDate) {
  const auto found = ExtractDates("They were arrested last week, on February 8, 2012.", std::nullopt);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].value, "2012-02-08");
}

TEST_F(IngestTest, AWeekdayInASentenceAboutTheFutureIsTheNextOne) {
  const auto found = ExtractDates("Officials will meet on Friday.", *PartialDate::Parse("2012-02-14"));
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].value, "2012-02-17");
}

TEST_F(IngestTest, AKoreanPlaceNameThatIsAlsoAVerbIsNotProposed) {
  // 무산 is Musan county, but 무산됐다 means "was foiled".
  found_ = ExtractCandidates("탈북 계획이 무산됐다. 무산 출신 주민", *lexicon_, {});
  size_t musan = std::count_if(found_.begin(), found_.end(), [](const Candidate& c) { return c.value == "kp-nh-musan"; });
  EXPECT_EQ(musan, 1u);
}

// ---------------------------------------------------------------- bad files

TEST(ReadDocumentTest, AnEmptyFileIsRefused) {
  auto r = ReadDocument("", "empty.txt");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "empty.txt: the file is empty");
}

TEST(ReadDocumentTest, ABinaryFileIsRefusedNamingTheOffsetOfItsFirstNulByte) {
  const std::string png("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
  auto r = ReadDocument(png, "photo.png");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("binary file (NUL byte at offset 8)"), std::string::npos) << r.error().message;
}

TEST(ReadDocumentTest, EucKrTextIsRefusedWithTheOffsetAndAHintThenReadWhenAsked) {
  // "선양 체포" in EUC-KR.
  const std::string euc_kr = "Report: \xBC\xB1\xBE\xE7 \xC3\xBC\xC6\xF7";
  auto r = ReadDocument(euc_kr, "report.txt");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("not UTF-8: invalid byte 0xBC at offset 8"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("looks like EUC-KR"), std::string::npos) << r.error().message;
  auto converted = ReadDocument(euc_kr, "report.txt", DocumentFormat::kAuto, "euc-kr");
  ASSERT_TRUE(converted.ok()) << converted.error().message;
  EXPECT_EQ(converted->text, "Report: 선양 체포");
}

TEST(ReadDocumentTest, Latin1TextIsRefusedWithoutTheEucKrHint) {
  auto r = ReadDocument("caf\xE9 au lait", "notes.txt");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("invalid byte 0xE9 at offset 3"), std::string::npos) << r.error().message;
}

TEST(ReadDocumentTest, TruncatedHtmlIsRefusedWhereverItIsCut) {
  const std::string html = ReadArticle("shenyang_statement_en.html");
  // Inside a tag, an attribute, a comment, a script, and after the last paragraph.
  for (const char* cut : {"<meta name=\"author\" con", "<!-- navigation", "<script>var tr", "<p>(Geneva",
                          "imminent &amp; irreversible.</p>"}) {
    const size_t at = html.find(cut);
    ASSERT_NE(at, std::string::npos) << cut;
    const std::string truncated = html.substr(0, at + std::string(cut).size());
    auto r = ReadDocument(truncated, "cut.html");
    ASSERT_FALSE(r.ok()) << "accepted HTML cut after: " << cut;
    EXPECT_NE(r.error().message.find("cut.html: truncated or malformed HTML"), std::string::npos) << r.error().message;
  }
}

TEST(ReadDocumentTest, HtmlWithoutTextIsRefused) {
  auto r = ReadDocument("<html><head><title>x</title></head><body><script>1</script></body></html>", "blank.html");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "blank.html: the document has no text outside its markup");
}

TEST(ReadDocumentTest, PlainTextIsKeptAsWrittenWithLineEndsNormalised) {
  auto r = ReadDocument("\xEF\xBB\xBFLine one\r\nLine two\r\n\r\n", "t.txt");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->text, "Line one\nLine two");
  EXPECT_FALSE(r->html);
}

TEST(ReadDocumentTest, Utf16OffsetsCountSurrogatePairsTwice) {
  const std::string text = "a선😀b";
  EXPECT_EQ(Utf16Offset(text, 1), 1u);
  EXPECT_EQ(Utf16Offset(text, 4), 2u);
  EXPECT_EQ(Utf16Offset(text, 8), 4u);
}

// ---------------------------------------------------------------- search tokens

TEST(TextSearchTokensTest, CjkRunsBecomeBigramsAndCharactersLatinBecomesFoldedWords) {
  const IndexTokens t = TokeniseForIndex("UNHCR: 선양에서 체포 李顺姬 Shenyang");
  EXPECT_EQ(t.words, (std::vector<std::string>{"unhcr", "선양", "양에", "에서", "체포", "李顺", "顺姬", "shenyang"}));
  EXPECT_EQ(t.chars, (std::vector<std::string>{"선", "양", "에", "서", "체", "포", "李", "顺", "姬"}));
  const auto q = TokeniseQuery("선양 SHENYANG 李");
  ASSERT_EQ(q.size(), 3u);
  EXPECT_FALSE(q[0].chars);
  EXPECT_EQ(q[0].phrase, (std::vector<std::string>{"선양"}));
  EXPECT_EQ(q[1].phrase, (std::vector<std::string>{"shenyang"}));
  EXPECT_TRUE(q[2].chars);
  EXPECT_TRUE(TokeniseQuery(" -- ").empty());
}

}  // namespace
}  // namespace dossier::evidence
