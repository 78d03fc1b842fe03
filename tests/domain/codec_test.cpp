#include "domain/codec.h"

#include <gtest/gtest.h>

namespace dossier {
namespace {

using nlohmann::json;

TEST(Codec, PersonRoundTripsThroughJson) {
  Person p;
  p.id = "p-1";
  p.names = {{"리순희", "hangul", "legal"}};
  p.birth_date = PartialDate::Parse("1985-03~").value();
  p.unit = "family";
  p.group_size = ApproximateCount{4, "about"};
  p.links = {{"spouse", "p-2"}};
  p.sensitivity = Sensitivity::kRestricted;
  p.source_ids = {"s-1"};
  auto back = PersonFromJson(json::parse(ToJson(p).dump()), "test");
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, p);
}

TEST(Codec, EncodingIsDeterministic) {
  Incident i;
  i.id = "i-1";
  i.type = "arrest";
  i.start = PartialDate::Month(2012, 2);
  EXPECT_EQ(ToJson(i).dump(), ToJson(i).dump());
  EXPECT_EQ(ToJson(i).begin().key(), "id");
}

TEST(Codec, WrongTypesAndUnknownFieldsNameTheRecordAndField) {
  auto r = PersonFromJson(json::parse(R"({"id": "p-9", "sex": 3})"), "persons[4]");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("persons[4] (id 'p-9'): field 'sex'"), std::string::npos) << r.error().message;

  r = PersonFromJson(json::parse(R"({"id": "p-9", "nmae": []})"), "persons[4]");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("field 'nmae': unknown field"), std::string::npos);

  r = PersonFromJson(json::parse(R"({"id": "p-9", "birth_date": "1985-02-30"})"), "persons[4]");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("field 'birth_date'"), std::string::npos);

  r = PersonFromJson(json::parse(R"({"id": "p-9", "names": [{"value": "x"}]})"), "persons[4]");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("names[0]: field 'script'"), std::string::npos) << r.error().message;

  auto i = IncidentFromJson(json::parse(R"({"id": "i-1", "type": "arrest"})"), "incidents[0]");
  ASSERT_FALSE(i.ok());
  EXPECT_NE(i.error().message.find("field 'start': is required"), std::string::npos) << i.error().message;

  auto s = SourceFromJson(json::parse(R"([1, 2])"), "sources[1]");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("sources[1]: expected an object"), std::string::npos);
}

}  // namespace
}  // namespace dossier
