// One test (or a few) per redaction rule of src/reports/redaction.h, on plain values.
#include <gtest/gtest.h>

#include <map>

#include "crypto/keyring.h"
#include "reports/redaction.h"
#include "reports/report.h"

namespace dossier::reports {
namespace {

crypto::Keyring TestKeyring() {
  std::map<uint32_t, crypto::SecretBytes> keys;
  keys.emplace(1, crypto::SecretBytes::Random(32));
  return crypto::Keyring(std::move(keys));
}

Catalog LoadCatalog() {
  auto c = Catalog::Load(DOSSIER_SOURCE_DIR "/data");
  EXPECT_TRUE(c.ok());
  return std::move(*c);
}

Person Ri() {
  Person p;
  p.id = "per-1";
  p.names = {{"리순희", "hangul", "legal"}, {"Ri Sun-hui", "latin", "legal"}};
  p.sex = "female";
  p.birth_date = PartialDate::Day(1985, 3, 14);
  p.origin = "kp-nh-onsong";
  p.links = {{"child", "per-2"}};
  p.notes = "Her brother lives in Hoeryong";
  return p;
}

TEST(PseudonymRule, ARedactedPersonAppearsUnderItsPseudonymNotItsName) {
  const auto keyring = TestKeyring();
  const std::string label = PublishedLabel(Ri(), keyring, true);
  EXPECT_EQ(label, keyring.Pseudonym("person", "per-1"));
  EXPECT_EQ(label.rfind("P-", 0), 0u);
  EXPECT_EQ(label.find("Ri"), std::string::npos);
}

TEST(PseudonymRule, AnUnredactedPersonAppearsUnderItsNames) {
  EXPECT_EQ(PublishedLabel(Ri(), TestKeyring(), false), "리순희 / Ri Sun-hui");
}

TEST(FamilyAndBirthDateRule, APublishablePersonHasNoBirthDateAndNothingOfTheFamilyOrNotes) {
  const auto catalog = LoadCatalog();
  RedactionPolicy policy;
  PublishablePerson pp = PublishablePersonOf(Ri(), TestKeyring(), catalog, 2012, policy);
  EXPECT_EQ(pp.birth_date, "");
  EXPECT_EQ(pp.age_band, "20\u201329");  // 27 in 2012
  EXPECT_EQ(pp.origin, "kp-nh");         // province, not Onsong
  // The struct has no field for links or notes at all; the label is the pseudonym.
  EXPECT_EQ(pp.label.find("순희"), std::string::npos);
}

TEST(AgeBandRule, GivesTheBandOfTheAgeAtTheYearAndNothingWhenUnknown) {
  EXPECT_EQ(AgeBand(PartialDate::Year(1990), 2012), "20\u201329");
  EXPECT_EQ(AgeBand(PartialDate::Year(1990), 2000), "10\u201319");
  EXPECT_EQ(AgeBand(PartialDate::Year(1990), 2012, 20), "20\u201339");
  EXPECT_EQ(AgeBand(std::nullopt, 2012), "");
  EXPECT_EQ(AgeBand(PartialDate::Year(2015), 2012), "");
}

TEST(PlaceRule, PlacesAreCoarsenedToTheirProvince) {
  const auto catalog = LoadCatalog();
  EXPECT_EQ(CoarsenPlace(catalog, "cn-ln-shenyang"), "cn-ln");
  EXPECT_EQ(CoarsenPlace(catalog, "kp-nh-onsong"), "kp-nh");
  EXPECT_EQ(CoarsenPlace(catalog, "cn-ln"), "cn-ln");
  EXPECT_EQ(CoarsenPlace(catalog, ""), "");
}

TEST(SmallCountRule, CountsUnderTheThresholdAreShownAsFewerThanIt) {
  EXPECT_TRUE(Suppress(Count{4}, 5).suppressed);
  EXPECT_TRUE(Suppress(Count{1}, 5).suppressed);
  EXPECT_FALSE(Suppress(Count{5}, 5).suppressed);
  EXPECT_FALSE(Suppress(Count{0}, 5).suppressed);
  EXPECT_EQ(FormatCount(Suppress(Count{3}, 5), 5, "en"), "fewer than 5");
  EXPECT_EQ(FormatCount(Suppress(Count{3}, 5), 5, "ko"), "5명 미만");
  EXPECT_EQ(FormatCount(Suppress(Count{3}, 5), 5, "ko", "incidents"), "5건 미만");
  EXPECT_EQ(FormatCount(Suppress(Count{7}, 5), 5, "en"), "7");
}

TEST(SmallCountRule, TheThresholdIsConfigurable) {
  EXPECT_TRUE(Suppress(Count{9}, 10).suppressed);
  EXPECT_EQ(FormatCount(Suppress(Count{9}, 10), 10, "en"), "fewer than 10");
  EXPECT_FALSE(Suppress(Count{2}, 1).suppressed);
}

TEST(SmallCountRule, ALowerBoundFromASourceIsPublishedAsALowerBound) {
  const Count more_than_30 = CountOf(ApproximateCount{30, "more_than"});
  EXPECT_EQ(more_than_30.value, 31);
  EXPECT_EQ(FormatCount(Suppress(more_than_30, 5), 5, "en"), "at least 31");
  EXPECT_EQ(FormatCount(Suppress(more_than_30, 5), 5, "ko"), "31명 이상");
}

TEST(SecondarySuppressionRule, ALoneHiddenCellTakesTheSmallestOtherCellWithIt) {
  // 12 + 3 + 8 = 23: with the total published, hiding 3 alone would not hide it.
  EXPECT_EQ(SecondarySuppression({12, 3, 8}, 5), (std::vector<bool>{false, true, true}));
}

TEST(SecondarySuppressionRule, TwoHiddenCellsNeedNothingMoreAndZerosStayShown) {
  EXPECT_EQ(SecondarySuppression({12, 3, 2, 0}, 5), (std::vector<bool>{false, true, true, false}));
  EXPECT_EQ(SecondarySuppression({12, 9, 0}, 5), (std::vector<bool>{false, false, false}));
}

std::vector<QuasiIdentifiers> Crowd(int n, const QuasiIdentifiers& like) {
  return std::vector<QuasiIdentifiers>(static_cast<size_t>(n), like);
}

TEST(UniquenessRule, NothingIsGeneralisedWhenAtLeastKPersonsShareThePublishedFields) {
  const QuasiIdentifiers p{"female", 1985, "kp-nh", 2012};
  Generalisation g = Generalise(Crowd(5, p), p, 5);
  EXPECT_TRUE(g.steps.empty());
  EXPECT_EQ(g.class_size, 5);
  EXPECT_EQ(g.age_band_width, 10);
}

TEST(UniquenessRule, AUniqueCombinationWidensTheAgeBandFirst) {
  const QuasiIdentifiers p{"female", 1985, "kp-nh", 2012};  // 27 in 2012
  auto pop = Crowd(4, {"female", 1975, "kp-nh", 2012});    // 37: same 20-year band 20-39
  pop.push_back(p);
  Generalisation g = Generalise(pop, p, 5);
  ASSERT_EQ(g.steps.size(), 1u);
  EXPECT_EQ(g.steps[0], "age band widened to 20 years");
  EXPECT_EQ(g.age_band_width, 20);
  EXPECT_TRUE(g.publish_origin);
  EXPECT_EQ(g.class_size, 5);
}

TEST(UniquenessRule, ThenDropsTheProvinceOfOriginThenSexAndAge) {
  const QuasiIdentifiers p{"female", 1985, "kp-nh", 2012};
  auto pop = Crowd(4, {"female", 1986, "kp-rg", 2012});
  pop.push_back(p);
  Generalisation g = Generalise(pop, p, 5);
  EXPECT_FALSE(g.publish_origin);
  EXPECT_TRUE(g.publish_sex);
  EXPECT_EQ(g.steps.back(), "province of origin withheld");

  auto pop2 = Crowd(4, {"male", 1950, "kp-rg", 2012});
  pop2.push_back(p);
  Generalisation g2 = Generalise(pop2, p, 5);
  EXPECT_FALSE(g2.publish_sex);
  EXPECT_EQ(g2.age_band_width, 0);
  EXPECT_FALSE(g2.withheld);
}

TEST(UniquenessRule, WithholdsEverythingWhenTooFewPersonsAreDocumentedThatYear) {
  const QuasiIdentifiers p{"female", 1985, "kp-nh", 2012};
  auto pop = Crowd(10, {"female", 1985, "kp-nh", 2013});
  pop.push_back(p);
  Generalisation g = Generalise(pop, p, 5);
  EXPECT_TRUE(g.withheld);
  EXPECT_EQ(g.class_size, 1);
  EXPECT_NE(g.steps.back().find("no personal details published"), std::string::npos);
}

TEST(UnredactionRule, NeedsACaseOfficerOrAdministratorAndAReason) {
  EXPECT_TRUE(CheckUnredaction("case_officer", "WGAD asked for the identity in confidence").ok());
  EXPECT_TRUE(CheckUnredaction("administrator", "court order 2025-17").ok());
  EXPECT_EQ(CheckUnredaction("documenter", "WGAD asked for the identity").code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(CheckUnredaction("analyst", "WGAD asked for the identity").code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(CheckUnredaction("case_officer", "   ").code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(CheckUnredaction("case_officer", "because").code(), ErrorCode::kInvalidArgument);
}

TEST(WordCount, CountsWordsInEnglishAndKoreanAndIgnoresLoosePunctuation) {
  EXPECT_EQ(CountWords("The Special Rapporteur — on the DPRK."), 6);
  EXPECT_EQ(CountWords("특별보고관께 다음을 요청합니다."), 3);
  EXPECT_EQ(CountWords(""), 0);
  EXPECT_EQ(CountWords("  (a)  2012–2013  "), 2);
}

TEST(WordLimit, AFittingTextKeepsEverySection) {
  auto r = FitWordLimit({{"a", 100, false, 0}, {"b", 50, true, 0}}, 2815, true);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
}

TEST(WordLimit, OptionalSectionsGoLowestPriorityFirstUntilTheTextFits) {
  auto r = FitWordLimit({{"intro", 1000, false, 0}, {"cases", 1500, true, 0}, {"tables", 600, true, 1}, {"charts", 100, true, 2}},
                        2815, true);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(*r, (std::vector<std::string>{"cases"}));
}

TEST(WordLimit, IsRefusedWhenTrimmingIsOffOrTheRequiredTextIsTooLong) {
  auto off = FitWordLimit({{"a", 3000, false, 0}}, 2815, false);
  ASSERT_FALSE(off.ok());
  EXPECT_NE(off.error().message.find("3000 words, over the limit of 2815"), std::string::npos);
  auto required = FitWordLimit({{"a", 5700, false, 0}, {"b", 10, true, 0}}, 5630, true);
  ASSERT_FALSE(required.ok());
  EXPECT_NE(required.error().message.find("required sections alone have 5700 words"), std::string::npos);
}

}  // namespace
}  // namespace dossier::reports
