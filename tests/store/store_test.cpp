#include <map>
#include <sqlite3.h>

#include <nlohmann/json.hpp>

#include "store_fixture.h"

namespace dossier::testing {
namespace {

TEST_F(StoreTest, CreatedRecordsReadBackEqual) {
  Source s = MakeSource("s-1");
  ASSERT_TRUE(store_->Create(s).ok());
  Person p = MakePerson("p-1", "리순희", "s-1");
  p.names.push_back({"Ri Sun-hui", "latin", "legal"});
  p.notes = "Mother of two; family in Onsong";
  ASSERT_TRUE(store_->Create(p).ok());
  EXPECT_EQ(*store_->GetSource("s-1"), s);
  EXPECT_EQ(*store_->GetPerson("p-1"), p);
  store_ = Reopen();
  EXPECT_EQ(*store_->GetPerson("p-1"), p);
  EXPECT_EQ(*store_->Count(RecordKind::kPerson), 1);
}

TEST_F(StoreTest, CreateWithoutIdAssignsOne) {
  ASSERT_TRUE(store_->Create(MakeSource("s-1")).ok());
  auto id = store_->Create(MakePerson("", "김철수", "s-1"));
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(id->substr(0, 4), "per-");
  EXPECT_TRUE(store_->Exists(RecordKind::kPerson, *id));
}

TEST_F(StoreTest, InvalidRecordsAreRejectedAndNothingIsWritten) {
  ASSERT_TRUE(store_->Create(MakeSource("s-1")).ok());
  Person p = MakePerson("p-1", "리순희", "s-missing");
  auto r = store_->Create(p);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("source 's-missing' does not exist"), std::string::npos);
  EXPECT_FALSE(store_->Exists(RecordKind::kPerson, "p-1"));
  EXPECT_EQ(store_->History(RecordKind::kPerson, "p-1")->size(), 0u);
  ASSERT_TRUE(store_->Create(MakePerson("p-1", "리순희", "s-1")).ok());
  EXPECT_EQ(store_->Create(MakePerson("p-1", "김철수", "s-1")).error().code, ErrorCode::kConflict);
}

TEST_F(StoreTest, UpdateIsAuditedFieldByField) {
  ASSERT_TRUE(store_->Create(MakeSource("s-1")).ok());
  Person p = MakePerson("p-1", "리순희", "s-1");
  ASSERT_TRUE(store_->Create(p).ok());
  store_->SetActor("officer-kim");
  p.sex = "male";
  p.birth_date = PartialDate::Year(1984);
  ASSERT_TRUE(store_->Update(p).ok());
  EXPECT_EQ(store_->GetPerson("p-1")->sex, "male");
  auto h = store_->History(RecordKind::kPerson, "p-1");
  ASSERT_TRUE(h.ok());
  ASSERT_EQ(h->size(), 2u);
  EXPECT_EQ((*h)[1].action, "update");
  EXPECT_EQ((*h)[1].actor, "officer-kim");
  EXPECT_EQ((*h)[1].fields, "sex,birth_date");
  auto changes = nlohmann::json::parse((*h)[1].changes);
  EXPECT_EQ(changes["birth_date"]["before"], "1984-07-19");
  EXPECT_EQ(changes["birth_date"]["after"], "1984");
  // An update that changes nothing writes nothing.
  ASSERT_TRUE(store_->Update(p).ok());
  EXPECT_EQ(store_->History(RecordKind::kPerson, "p-1")->size(), 2u);
}

TEST_F(StoreTest, UpdateOfAMissingRecordIsNotFound) {
  ASSERT_TRUE(store_->Create(MakeSource("s-1")).ok());
  EXPECT_EQ(store_->Update(MakePerson("p-9", "리순희", "s-1")).code(), ErrorCode::kNotFound);
}

TEST_F(StoreTest, DeleteIsRefusedWhileReferenced) {
  ASSERT_TRUE(store_->Create(MakeSource("s-1")).ok());
  ASSERT_TRUE(store_->Create(MakePerson("p-1", "리순희", "s-1")).ok());
  Person q = MakePerson("p-2", "김철수", "s-1");
  q.links = {{"spouse", "p-1"}};
  ASSERT_TRUE(store_->Create(q).ok());
  auto s = store_->Delete(RecordKind::kSource, "s-1");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kConflict);
  auto linked = store_->Delete(RecordKind::kPerson, "p-1");
  ASSERT_FALSE(linked.ok());
  EXPECT_NE(linked.error().message.find("links of other persons"), std::string::npos);
  ASSERT_TRUE(store_->Delete(RecordKind::kPerson, "p-2").ok());
  ASSERT_TRUE(store_->Delete(RecordKind::kPerson, "p-1").ok());
  ASSERT_TRUE(store_->Delete(RecordKind::kSource, "s-1").ok());
  EXPECT_EQ(store_->Delete(RecordKind::kSource, "s-1").code(), ErrorCode::kNotFound);
  EXPECT_EQ(store_->History(RecordKind::kSource, "s-1")->back().action, "delete");
}

TEST_F(StoreTest, FailedTransactionRollsEverythingBack) {
  ASSERT_TRUE(store_->Create(MakeSource("s-1")).ok());
  const int64_t before = *store_->Count(RecordKind::kPerson);
  Status s = store_->Transaction([&]() -> Status {
    DOSSIER_RETURN_IF_ERROR(store_->Create(MakePerson("p-1", "리순희", "s-1")));
    DOSSIER_RETURN_IF_ERROR(store_->Create(MakePerson("p-2", "김철수", "s-1")));
    return StatusOf(store_->Create(MakePerson("p-3", "박영희", "s-nope")));
  });
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(*store_->Count(RecordKind::kPerson), before);
  EXPECT_TRUE(store_->FindPersonsByExactName("리순희")->empty());
  // The audit chain is still whole after the rollback, and later writes extend it.
  ASSERT_TRUE(store_->Create(MakePerson("p-4", "최민", "s-1")).ok());
  auto v = store_->Verify();
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->ok()) << v->problems.front();
}

TEST_F(StoreTest, ExactNameLookupUsesTheBlindIndex) {
  ASSERT_TRUE(store_->Create(MakeSource("s-1")).ok());
  Person p = MakePerson("p-1", "리순희", "s-1");
  p.names.push_back({"Ri Sun-hui", "latin", "legal"});
  ASSERT_TRUE(store_->Create(p).ok());
  EXPECT_EQ(*store_->FindPersonsByExactName("ri sunhui"), std::vector<std::string>{"p-1"});
  EXPECT_EQ(*store_->FindPersonsByExactName("RI SUN-HUI"), std::vector<std::string>{"p-1"});
  EXPECT_EQ(*store_->FindPersonsByExactName("리순희"), std::vector<std::string>{"p-1"});
  EXPECT_TRUE(store_->FindPersonsByExactName("Lee Soon-hee")->empty());
}

TEST_F(StoreTest, ListFiltersAndPages) {
  ASSERT_TRUE(store_->Create(MakeSource("s-1")).ok());
  for (int i = 0; i < 5; ++i) {
    Incident inc = MakeIncident("i-" + std::to_string(i), "s-1");
    inc.start = PartialDate::Year(2010 + i);
    if (i % 2) inc.place = "kp-nh-onsong";
    ASSERT_TRUE(store_->Create(inc).ok());
  }
  ListQuery q;
  q.place = "kp";
  auto page = store_->ListIncidents(q);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->total, 2u);
  q = {};
  q.year_from = 2012;
  q.limit = 2;
  page = store_->ListIncidents(q);
  EXPECT_EQ(page->total, 3u);
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->items[0].id, "i-2");
  q.offset = 2;
  EXPECT_EQ(store_->ListIncidents(q)->items[0].id, "i-4");
}

TEST_F(StoreTest, IncidentsAreTalliedByTypeAndStartYearWithoutReadingThemWhole) {
  ASSERT_TRUE(store_->Create(MakeSource("s-1")).ok());
  const std::vector<std::pair<std::string, int>> made = {{"arrest", 2012}, {"arrest", 2012}, {"arrest", 2013},
                                                         {"forced_return", 2012}};
  for (size_t i = 0; i < made.size(); ++i) {
    Incident inc = MakeIncident("i-" + std::to_string(i), "s-1");
    inc.type = made[i].first;
    inc.start = PartialDate::Year(made[i].second);
    ASSERT_TRUE(store_->Create(inc).ok());
  }
  auto tallies = store_->CountIncidentsByTypeAndYear();
  ASSERT_TRUE(tallies.ok()) << tallies.error().message;
  std::map<std::pair<std::string, int>, int64_t> got;
  for (const auto& t : *tallies) got[{t.type, t.year}] = t.count;
  const std::map<std::pair<std::string, int>, int64_t> want = {
      {{"arrest", 2012}, 2}, {{"arrest", 2013}, 1}, {{"forced_return", 2012}, 1}};
  EXPECT_EQ(got, want);
}

TEST_F(StoreTest, SensitiveValuesNeverReachTheFileInClear) {
  ASSERT_TRUE(store_->Create(MakeSource("s-1")).ok());
  Person p = MakePerson("p-1", "리순희", "s-1");
  p.names.push_back({"Ri Sun-hui", "latin", "legal"});
  p.notes = "hiding in Yanji with her daughter";
  ASSERT_TRUE(store_->Create(p).ok());
  store_.reset();  // checkpoint the WAL into the file
  const std::string bytes = ReadFileBytes(DbPath()) + ReadFileBytes(DbPath() + "-wal");
  for (const char* secret : {"리순희", "Ri Sun-hui", "1984-07-19", "hiding in Yanji", "나는 2011년", "Signal +82"}) {
    EXPECT_EQ(bytes.find(secret), std::string::npos) << secret;
  }
}

TEST_F(StoreTest, WrongKeyFailsClearlyAndLeavesTheFileByteIdentical) {
  ASSERT_TRUE(store_->Create(MakeSource("s-1")).ok());
  store_.reset();
  const std::string before = ReadFileBytes(DbPath());
  ASSERT_TRUE(crypto::CreateKeyFile(dir_.File("other")).ok());
  auto s = OpenSqliteStore(DbPath(), {crypto::KeySource::Kind::kKeyFile, dir_.File("other"), ""}, catalog_);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kUnauthenticated);
  auto pass = OpenSqliteStore(DbPath(), {crypto::KeySource::Kind::kPassphrase, "", "guess"}, catalog_);
  ASSERT_FALSE(pass.ok());
  EXPECT_NE(pass.error().message.find("locked with a keyfile"), std::string::npos) << pass.error().message;
  EXPECT_EQ(ReadFileBytes(DbPath()), before);
}

TEST_F(StoreTest, InitRefusesToOverwriteAndOpenNamesAMissingFile) {
  EXPECT_EQ(InitSqliteDatabase(DbPath(), Key()).code(), ErrorCode::kConflict);
  auto r = OpenSqliteStore(dir_.File("none.db"), Key(), catalog_);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("dossier init"), std::string::npos);
}

TEST_F(StoreTest, ADatabaseFromANewerVersionIsRefused) {
  store_.reset();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(DbPath().c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "PRAGMA user_version = 99", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  auto r = OpenSqliteStore(DbPath(), Key(), catalog_);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("newer than this program"), std::string::npos);
}

TEST_F(StoreTest, KeyRotationKeepsEverythingReadable) {
  ASSERT_TRUE(store_->Create(MakeSource("s-1")).ok());
  ASSERT_TRUE(store_->Create(MakePerson("p-1", "리순희", "s-1")).ok());
  auto v = store_->RotateKey(Key());
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(*v, 2u);
  ASSERT_TRUE(store_->Create(MakePerson("p-2", "김철수", "s-1")).ok());
  store_ = Reopen();
  EXPECT_EQ(store_->keyring().current_version(), 2u);
  EXPECT_EQ(store_->GetPerson("p-1")->names[0].value, "리순희");
  EXPECT_EQ(store_->GetPerson("p-2")->names[0].value, "김철수");
  EXPECT_EQ(*store_->FindPersonsByExactName("리순희"), std::vector<std::string>{"p-1"});
  EXPECT_TRUE(store_->Verify()->ok());
}

TEST_F(StoreTest, UserAccountsAreProtectedAgainstEditsOfTheFile) {
  ASSERT_TRUE(store_->PutUser({"ana", "viewer", "$argon2id$fake", "", false}).ok());
  EXPECT_EQ(store_->GetUser("ana")->role, "viewer");
  store_.reset();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(DbPath().c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "UPDATE users SET role = 'administrator' WHERE name = 'ana'", nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  store_ = Reopen();
  auto u = store_->GetUser("ana");
  ASSERT_FALSE(u.ok());
  EXPECT_EQ(u.error().code, ErrorCode::kCorrupt);
}

}  // namespace
}  // namespace dossier::testing
