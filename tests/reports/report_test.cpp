// Reports on a real demo database (GenerateDemoData, small): statistics counted on linked persons,
// every mechanism's document redacted, no name or birth date of anyone in any redacted output
// (HTML, PDF text, HXL), un-redaction, word limits, and the Shenyang 2012 submission as a PDF.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <set>

#include "../store/store_fixture.h"
#include "../support/run.h"
#include "reports/hxl.h"
#include "reports/pdf.h"
#include "reports/report.h"
#include "reports/statistics.h"
#include "store/demo.h"

namespace dossier::reports {
namespace {

class ReportTest : public testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    DemoOptions o;
    o.persons = 150;
    o.seed = 7;
    auto r = GenerateDemoData(*store_, o);
    ASSERT_TRUE(r.ok()) << r.error().message;
    store_->SetActor("tester");
  }

  // Every name and every birth date known to the day, of every person in the database.
  void Identifiers(std::set<std::string>& names, std::set<std::string>& births) {
    ListQuery q;
    q.limit = 5000;
    auto page = store_->ListPersons(q);
    ASSERT_TRUE(page.ok());
    for (const auto& p : page->items) {
      for (const auto& n : p.names) names.insert(n.value);
      if (p.birth_date && p.birth_date->precision == DatePrecision::kDay) births.insert(p.birth_date->ToString());
    }
    ASSERT_GT(names.size(), 100u);
    ASSERT_GT(births.size(), 20u);
  }

  void ExpectNoIdentifiers(const std::string& text, const std::string& what) {
    std::set<std::string> names, births;
    Identifiers(names, births);
    for (const auto& n : names) EXPECT_EQ(text.find(n), std::string::npos) << what << " contains the name " << n;
    for (const auto& b : births) EXPECT_EQ(text.find(b), std::string::npos) << what << " contains the birth date " << b;
    EXPECT_EQ(text.find("Demo contact"), std::string::npos) << what << " contains an informant's contact";
  }

  ReportRequest Shenyang2012() {
    ReportRequest r;
    r.mechanism = "sr_dprk";
    r.selection.incident_type = "forced_return";
    r.selection.place = "cn-ln-shenyang";
    r.selection.year_from = 2012;
    r.selection.year_to = 2012;
    r.organisation = "Demo NGO";
    return r;
  }
};

TEST_F(ReportTest, PersonsAreCountedOncePerClusterOfLinkedRecordsNotPerRecord) {
  auto before = ComputeStatistics(*store_, {}, {});
  ASSERT_TRUE(before.ok()) << before.error().message;
  EXPECT_GT(before->individuals, 50);
  EXPECT_EQ(before->individuals, before->person_records);  // nothing linked yet
  // Link two victims of the same arrest: one person fewer, the same number of records.
  ListQuery q;
  q.limit = 5000;
  auto acts = store_->ListActs(q);
  ASSERT_TRUE(acts.ok());
  std::string a, b;
  for (const auto& x : acts->items) {
    if (!x.victim_id.starts_with("per-d")) continue;
    if (a.empty()) a = x.victim_id;
    else if (x.victim_id != a) { b = x.victim_id; break; }
  }
  ASSERT_TRUE(store_->MergeClusters(a, b).ok());
  auto after = ComputeStatistics(*store_, {}, {});
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->individuals, before->individuals - 1);
  EXPECT_EQ(after->person_records, before->person_records);
  // The Shenyang group counts with its reported size, as a lower bound.
  EXPECT_TRUE(after->persons.lower_bound);
  EXPECT_GE(after->persons.value, after->individuals + 31);
}

TEST_F(ReportTest, StatisticsCountByTypeYearProvincePerpetratorViolationAndOutcome) {
  Selection s;
  s.incident_type = "forced_return";
  auto st = ComputeStatistics(*store_, s, {});
  ASSERT_TRUE(st.ok());
  for (const char* dim : {"incident_type", "year", "province", "perpetrator", "violation", "sex", "outcome"}) {
    ASSERT_NE(st->Find(dim), nullptr) << dim;
    EXPECT_FALSE(st->Find(dim)->cells.empty()) << dim;
  }
  // Forced returns go through border cities; counted by province, never by city.
  for (const auto& c : st->Find("province")->cells) EXPECT_EQ(std::count(c.key.begin(), c.key.end(), '-'), 1) << c.key;
  EXPECT_EQ(st->Find("incident_type")->cells.size(), 1u);
  EXPECT_EQ(st->Find("violation")->cells.front().key, "refoulement");
}

TEST_F(ReportTest, EstimatesStandBesideDocumentedCountsWhenAskedFor) {
  StatisticsOptions o;
  o.estimates = true;
  auto st = ComputeStatistics(*store_, {}, o);
  ASSERT_TRUE(st.ok()) << st.error().message;
  ASSERT_FALSE(st->estimates.empty());
  for (const auto& e : st->estimates) {
    EXPECT_GT(e.documented, 0);
    if (e.estimated) {
      EXPECT_GE(e.estimate + 1e-6, static_cast<double>(e.documented));
    } else {
      EXPECT_FALSE(e.refused.empty());
    }
  }
}

TEST_F(ReportTest, NoRedactedDocumentOfAnyMechanismOrLanguageHoldsANameOrBirthDate) {
  for (const char* mechanism : {"sr_dprk", "wgad", "upr", "statistical"}) {
    for (const char* lang : {"en", "ko"}) {
      ReportRequest r;
      r.mechanism = mechanism;
      r.lang = lang;
      r.selection.case_ids = {"case-shenyang2012", "case-demo-1", "case-demo-2", "case-demo-3"};
      auto rep = GenerateReport(*store_, r);
      ASSERT_TRUE(rep.ok()) << mechanism << " " << lang << ": " << rep.error().message;
      EXPECT_TRUE(rep->redacted);
      ExpectNoIdentifiers(rep->html, std::string(mechanism) + "/" + lang);
      EXPECT_NE(rep->html.find("<svg"), std::string::npos) << mechanism;
    }
  }
}

TEST_F(ReportTest, TheShenyangCaseIsFoundFromTheSelectionAndDescribedAtProvinceLevel) {
  auto rep = GenerateReport(*store_, Shenyang2012());
  ASSERT_TRUE(rep.ok()) << rep.error().message;
  EXPECT_EQ(rep->case_ids, std::vector<std::string>{"case-shenyang2012"});
  EXPECT_NE(rep->html.find("Special Rapporteur"), std::string::npos);
  EXPECT_NE(rep->html.find("at least 31"), std::string::npos);  // "more than 30" in the sources
  EXPECT_NE(rep->html.find("Liaoning"), std::string::npos);
  EXPECT_NE(rep->html.find("UNHCR appeal to China"), std::string::npos);  // a public source, cited
  EXPECT_NE(rep->html.find("chart--map"), std::string::npos);
  EXPECT_NE(rep->html.find("chart--timeline"), std::string::npos);
  // The incident's sealed description is free text and stays out of a redacted document.
  EXPECT_EQ(rep->html.find("raising fears"), std::string::npos);
  EXPECT_NE(rep->html.find("@page"), std::string::npos);
}

TEST_F(ReportTest, ACaseMechanismWithoutCasesIsRefusedNamingTheSelection) {
  ReportRequest r;
  r.mechanism = "wgad";
  auto rep = GenerateReport(*store_, r);
  ASSERT_FALSE(rep.ok());
  EXPECT_NE(rep.error().message.find("field 'selection'"), std::string::npos);
  r.mechanism = "no_such";
  EXPECT_NE(GenerateReport(*store_, r).error().message.find("field 'mechanism'"), std::string::npos);
}

TEST_F(ReportTest, AnUnredactedDocumentNeedsAReasonAndThenShowsNamesAndPlaces) {
  ReportRequest r;
  r.mechanism = "wgad";
  r.selection.case_ids = {"case-demo-1"};
  r.policy.redact = false;
  EXPECT_NE(GenerateReport(*store_, r).error().message.find("unredact_reason"), std::string::npos);
  r.unredact_reason = "WGAD asked for the identity in confidence";
  auto rep = GenerateReport(*store_, r);
  ASSERT_TRUE(rep.ok()) << rep.error().message;
  EXPECT_FALSE(rep->redacted);
  auto c = store_->GetCase("case-demo-1");
  ASSERT_TRUE(c.ok());
  auto p = store_->GetPerson(c->person_ids[0]);
  ASSERT_TRUE(p.ok());
  EXPECT_NE(rep->html.find(p->names[0].value), std::string::npos);
  EXPECT_NE(rep->html.find("NOT REDACTED"), std::string::npos);
}

TEST_F(ReportTest, UprSubmissionsRespectTheIndividualAndJointWordLimits) {
  ReportRequest r;
  r.mechanism = "upr";
  r.selection.incident_type = "forced_return";
  auto individual = GenerateReport(*store_, r);
  ASSERT_TRUE(individual.ok()) << individual.error().message;
  ASSERT_TRUE(individual->word_limit);
  EXPECT_EQ(*individual->word_limit, 2815);
  EXPECT_LE(individual->words, 2815);
  EXPECT_GT(individual->words, 100);
  r.joint = true;
  auto joint = GenerateReport(*store_, r);
  ASSERT_TRUE(joint.ok());
  EXPECT_EQ(*joint->word_limit, 5630);
  EXPECT_NE(joint->html.find(std::to_string(joint->words) + " words"), std::string::npos);
}

TEST_F(ReportTest, HxlExportsCarryHashtagsAndNothingIdentifying) {
  auto st = ComputeStatistics(*store_, {}, {});
  ASSERT_TRUE(st.ok());
  HxlTable t = BuildHxl(*st, store_->catalog(), {"Demo NGO", 5});
  ASSERT_FALSE(t.rows.empty());
  const std::string csv = HxlCsv(t);
  const std::string json = HxlJson(t).dump();
  const std::string second_line = csv.substr(csv.find('\n') + 1, csv.find('\n', csv.find('\n') + 1) - csv.find('\n') - 1);
  EXPECT_EQ(second_line, "#date+year,#country+code,#adm1+code,#adm1+name,#event+type,#affected+ind,#affected+returned,"
                         "#indicator+incidents+num,#indicator+acts+num,#meta+suppressed,#org+reporting");
  ExpectNoIdentifiers(csv, "HXL CSV");
  ExpectNoIdentifiers(json, "HXL JSON");
  for (const std::string* text : {&csv, &json}) {
    EXPECT_EQ(text->find("per-"), std::string::npos);  // no record ids
    EXPECT_EQ(text->find("P-"), std::string::npos);    // no pseudonyms
  }
  // Places only at province level, dates only as years, small counts left empty and flagged.
  bool flagged = false;
  for (const auto& row : t.rows) {
    EXPECT_EQ(std::count(row[2].begin(), row[2].end(), '-'), 1) << row[2];
    EXPECT_EQ(row[0].size(), 4u);
    if (!row[9].empty()) {
      flagged = true;
      if (row[9].find("persons") != std::string::npos) {
        EXPECT_EQ(row[5], "");
      }
    }
    if (!row[5].empty()) {
      EXPECT_GE(std::stoll(row[5]), 5);
    }
  }
  EXPECT_TRUE(flagged);
}

TEST_F(ReportTest, TheShenyangSubmissionPrintsToAPdfWhoseTextSaysWhatTheHtmlSays) {
  if (access("/usr/bin/pdftotext", X_OK) != 0) GTEST_SKIP() << "pdftotext (poppler-utils) is not installed";
  auto rep = GenerateReport(*store_, Shenyang2012());
  ASSERT_TRUE(rep.ok()) << rep.error().message;
  auto pdf = RenderPdf(rep->html);
  ASSERT_TRUE(pdf.ok()) << pdf.error().message;
  EXPECT_EQ(pdf->rfind("%PDF-", 0), 0u);
  {
    std::ofstream out(dir_.File("report.pdf"), std::ios::binary);
    out << *pdf;
  }
  auto text = testing::RunCommand("pdftotext -layout " + dir_.File("report.pdf") + " -", dir_.path());
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("Special Rapporteur"), std::string::npos);
  EXPECT_NE(text.out.find("Liaoning"), std::string::npos);
  EXPECT_NE(text.out.find("at least 31"), std::string::npos);
  EXPECT_NE(text.out.find("Sources"), std::string::npos);
  ExpectNoIdentifiers(text.out, "PDF text");
}

TEST_F(ReportTest, AKoreanPdfKeepsItsHangul) {
  if (access("/usr/bin/pdftotext", X_OK) != 0) GTEST_SKIP() << "pdftotext (poppler-utils) is not installed";
  ReportRequest r = Shenyang2012();
  r.lang = "ko";
  auto rep = GenerateReport(*store_, r);
  ASSERT_TRUE(rep.ok());
  auto pdf = RenderPdf(rep->html);
  ASSERT_TRUE(pdf.ok()) << pdf.error().message;
  {
    std::ofstream out(dir_.File("ko.pdf"), std::ios::binary);
    out << *pdf;
  }
  auto text = testing::RunCommand("pdftotext " + dir_.File("ko.pdf") + " -", dir_.path());
  ASSERT_EQ(text.exit_code, 0);
  EXPECT_NE(text.out.find("특별보고관"), std::string::npos);
  EXPECT_NE(text.out.find("랴오닝성"), std::string::npos);
  ExpectNoIdentifiers(text.out, "Korean PDF text");
}

}  // namespace
}  // namespace dossier::reports
