#include "store_fixture.h"

#include <fstream>
#include <sstream>

namespace dossier::testing {

void StoreTest::SetUp() {
  auto c = Catalog::Load(DOSSIER_SOURCE_DIR "/data");
  ASSERT_TRUE(c.ok());
  catalog_ = std::move(*c);
  ASSERT_TRUE(crypto::CreateKeyFile(dir_.File("key")).ok());
  auto init = InitSqliteDatabase(DbPath(), Key());
  ASSERT_TRUE(init.ok()) << init.error().message;
  store_ = Reopen();
  ASSERT_NE(store_, nullptr);
}

std::unique_ptr<Store> StoreTest::Reopen() {
  store_.reset();
  auto s = OpenSqliteStore(DbPath(), Key(), catalog_);
  EXPECT_TRUE(s.ok()) << s.error().message;
  if (!s.ok()) return nullptr;
  (*s)->SetActor("tester");
  return std::move(*s);
}

Source StoreTest::MakeSource(const std::string& id) {
  Source s;
  s.id = id;
  s.kind = "testimony";
  s.title = "Testimony " + id;
  s.language = "ko";
  s.text = "나는 2011년 겨울 투먼에서 체포되었다";
  s.contact = "Signal +82-10-0000-0000";
  return s;
}

Person StoreTest::MakePerson(const std::string& id, const std::string& hangul, const std::string& source_id) {
  Person p;
  p.id = id;
  p.names = {{hangul, "hangul", "legal"}};
  p.sex = "female";
  p.birth_date = PartialDate::Day(1984, 7, 19);
  p.origin = "kp-nh-onsong";
  p.source_ids = {source_id};
  return p;
}

Incident StoreTest::MakeIncident(const std::string& id, const std::string& source_id) {
  Incident i;
  i.id = id;
  i.type = "arrest";
  i.title = "Arrest in Tumen";
  i.start = PartialDate::Month(2011, 12);
  i.place = "cn-jl-tumen";
  i.perpetrator_orgs = {"prc_mps"};
  i.source_ids = {source_id};
  return i;
}

std::string ReadFileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace dossier::testing
