#include "domain/validate.h"

#include <gtest/gtest.h>

#include <set>

namespace dossier {
namespace {

class ValidatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto c = Catalog::Load(DOSSIER_SOURCE_DIR "/data");
    ASSERT_TRUE(c.ok());
    catalog_ = std::move(*c);
  }
  Validator MakeValidator() {
    return Validator(catalog_, [this](RecordKind k, std::string_view id) {
      return existing_.count({k, std::string(id)}) > 0;
    }, DaysFromCivil(2026, 11, 29));
  }
  Person ValidPerson() {
    Person p;
    p.id = "p-1";
    p.names = {{"리순희", "hangul", "legal"}, {"Ri Sun-hui", "latin", "legal"}, {"李顺姬", "chinese", "legal"}};
    p.sex = "female";
    p.birth_date = PartialDate::Year(1985);
    p.origin = "kp-nh-onsong";
    p.source_ids = {"s-1"};
    return p;
  }
  void ExpectRejected(const Status& s, const std::string& record, const std::string& field) {
    ASSERT_FALSE(s.ok()) << "expected a complaint about " << field;
    EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(s.error().message.find(record), std::string::npos) << s.error().message;
    EXPECT_NE(s.error().message.find("field '" + field + "'"), std::string::npos) << s.error().message;
  }

  Catalog catalog_;
  std::set<std::pair<RecordKind, std::string>> existing_ = {
      {RecordKind::kSource, "s-1"}, {RecordKind::kPerson, "p-2"}, {RecordKind::kIncident, "i-1"},
      {RecordKind::kAct, "a-1"}};
};

TEST_F(ValidatorTest, AcceptsAWellFormedPersonInThreeScripts) {
  EXPECT_TRUE(MakeValidator().Check(ValidPerson()).ok());
}

TEST_F(ValidatorTest, RejectsUnknownTermsNamingRecordAndField) {
  Person p = ValidPerson();
  p.sex = "woman";
  ExpectRejected(MakeValidator().Check(p), "person 'p-1'", "sex");
  p = ValidPerson();
  p.names[0].script = "klingon";
  ExpectRejected(MakeValidator().Check(p), "person 'p-1'", "names[0].script");
}

TEST_F(ValidatorTest, RejectsANameWrittenInAnotherScriptThanDeclared) {
  Person p = ValidPerson();
  p.names[0].script = "latin";  // 리순희 is Hangul
  ExpectRejected(MakeValidator().Check(p), "person 'p-1'", "names[0].value");
}

TEST_F(ValidatorTest, RejectsFutureAndAncientDates) {
  Person p = ValidPerson();
  p.birth_date = PartialDate::Month(2031, 1);
  ExpectRejected(MakeValidator().Check(p), "person 'p-1'", "birth_date");
  p.birth_date = PartialDate::Year(1700);
  ExpectRejected(MakeValidator().Check(p), "person 'p-1'", "birth_date");
}

TEST_F(ValidatorTest, RejectsDanglingReferences) {
  Person p = ValidPerson();
  p.source_ids = {"s-missing"};
  ExpectRejected(MakeValidator().Check(p), "person 'p-1'", "source_ids");
  p = ValidPerson();
  p.links = {{"spouse", "p-404"}};
  ExpectRejected(MakeValidator().Check(p), "person 'p-1'", "links[0].person_id");
  Act a{"a-2", "i-missing", "p-2", {"refoulement"}, {"rc_33"}, "", {"s-1"}};
  ExpectRejected(MakeValidator().Check(a), "act 'a-2'", "incident_id");
}

TEST_F(ValidatorTest, EveryRecordMustCiteASource) {
  Person p = ValidPerson();
  p.source_ids.clear();
  ExpectRejected(MakeValidator().Check(p), "person 'p-1'", "source_ids");
}

TEST_F(ValidatorTest, GroupSizesBelongToFamiliesAndGroups) {
  Person p = ValidPerson();
  p.group_size = ApproximateCount{30, "more_than"};
  ExpectRejected(MakeValidator().Check(p), "person 'p-1'", "group_size");
  p.unit = "group";
  p.names.clear();
  EXPECT_TRUE(MakeValidator().Check(p).ok());
  p.group_size->qualifier = "roughly";
  ExpectRejected(MakeValidator().Check(p), "person 'p-1'", "group_size.qualifier");
}

TEST_F(ValidatorTest, IncidentRangeMustNotEndBeforeItStarts) {
  Incident i;
  i.id = "i-2";
  i.type = "detention";
  i.start = PartialDate::Month(2012, 2);
  i.end = PartialDate::Month(2012, 1);
  i.place = "cn-ln-shenyang";
  i.source_ids = {"s-1"};
  ExpectRejected(MakeValidator().Check(i), "incident 'i-2'", "end");
  i.end = PartialDate::Day(2012, 2, 1);  // within February: fine
  EXPECT_TRUE(MakeValidator().Check(i).ok());
  i.place = "cn-ln-atlantis";
  ExpectRejected(MakeValidator().Check(i), "incident 'i-2'", "place");
}

TEST_F(ValidatorTest, InvolvementNamesExactlyOnePerpetrator) {
  Involvement v{"v-1", "a-1", "p-2", "prc_mps", "carried_out", {"s-1"}};
  ExpectRejected(MakeValidator().Check(v), "involvement 'v-1'", "perpetrator_person_id");
  v.perpetrator_person_id.clear();
  EXPECT_TRUE(MakeValidator().Check(v).ok());
  v.degree = "enjoyed";
  ExpectRejected(MakeValidator().Check(v), "involvement 'v-1'", "degree");
}

TEST_F(ValidatorTest, RejectsBadIds) {
  Person p = ValidPerson();
  p.id = "p 1; DROP TABLE";
  ExpectRejected(MakeValidator().Check(p), "person", "id");
}

}  // namespace
}  // namespace dossier
