#include "domain/catalog.h"

#include <gtest/gtest.h>

#include <fstream>

#include "../support/temp_dir.h"

namespace dossier {
namespace {

TEST(Catalog, LoadsShippedVocabulariesWithKoreanLabels) {
  auto c = Catalog::Load(DOSSIER_SOURCE_DIR "/data");
  ASSERT_TRUE(c.ok()) << c.error().message;
  for (const char* v : {"incident_types", "violations", "legal_provisions", "organisations", "scripts", "name_kinds",
                        "relations", "source_kinds", "involvement_degrees", "counting_units"}) {
    EXPECT_FALSE(c->Terms(v).empty()) << v;
    for (const auto& t : c->Terms(v)) EXPECT_TRUE(t.labels.count("ko")) << v << "/" << t.code;
  }
  EXPECT_EQ(c->Label("incident_types", "forced_return", "ko"), "강제송환");
  EXPECT_EQ(c->Label("legal_provisions", "rc_33", "en"), "Refugee Convention art. 33 (non-refoulement)");
}

TEST(Catalog, GazetteerKnowsPlacesAndTheirProvinces) {
  auto c = Catalog::Load(DOSSIER_SOURCE_DIR "/data");
  ASSERT_TRUE(c.ok());
  const Place* shenyang = c->FindPlace("cn-ln-shenyang");
  ASSERT_NE(shenyang, nullptr);
  EXPECT_NEAR(shenyang->latitude, 41.8, 0.1);
  auto path = c->PlacePath("kp-nh-onsong");
  ASSERT_EQ(path.size(), 3u);
  EXPECT_EQ(path[0]->code, "kp");
  EXPECT_EQ(path[1]->labels.at("en"), "North Hamgyong");
  EXPECT_EQ(c->ProvinceOf("cn-ln-shenyang"), "cn-ln");
  EXPECT_EQ(c->PlaceLabel("kp-nh-onsong", "ko"), "온성");
}

TEST(Catalog, SiteDirectoryExtendsVocabulariesWithoutRebuild) {
  testing::TempDir site;
  std::filesystem::create_directories(site.File("vocabularies"));
  std::ofstream(site.File("vocabularies/local.json"))
      << R"({"name": "incident_types", "terms": [{"code": "deportation_flight", "en": "Deportation flight", "ko": "추방 항공편"}]})";
  auto c = Catalog::Load(DOSSIER_SOURCE_DIR "/data", site.path());
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_TRUE(c->HasTerm("incident_types", "deportation_flight"));
  EXPECT_TRUE(c->HasTerm("incident_types", "arrest"));
}

TEST(Catalog, MalformedSiteFileIsAnErrorNamingTheFileAndTerm) {
  testing::TempDir site;
  std::filesystem::create_directories(site.File("vocabularies"));
  std::ofstream(site.File("vocabularies/bad.json")) << R"({"name": "violations", "terms": [{"code": "x"}]})";
  auto c = Catalog::Load(DOSSIER_SOURCE_DIR "/data", site.path());
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("bad.json: term 0"), std::string::npos) << c.error().message;
  EXPECT_NE(c.error().message.find("'en'"), std::string::npos);
}

}  // namespace
}  // namespace dossier
