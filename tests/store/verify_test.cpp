// The audit trail detects any edit of the database made behind the application's back.
#include <sqlite3.h>

#include "store_fixture.h"

namespace dossier::testing {
namespace {

class VerifyTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    ASSERT_TRUE(store_->Create(MakeSource("s-1")).ok());
    ASSERT_TRUE(store_->Create(MakePerson("p-1", "리순희", "s-1")).ok());
    ASSERT_TRUE(store_->Create(MakePerson("p-2", "김철수", "s-1")).ok());
    ASSERT_TRUE(store_->Create(MakeIncident("i-1", "s-1")).ok());
    ASSERT_TRUE(store_->RecordEvent("export", "json").ok());
    auto v = store_->Verify();
    ASSERT_TRUE(v.ok() && v->ok());
    EXPECT_EQ(v->entries, 5);
    EXPECT_EQ(v->records, 4);
    store_.reset();
  }

  // Edits the file directly, as an intruder with file access but without the key would.
  void Tamper(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(DbPath().c_str(), &db), SQLITE_OK);
    char* err = nullptr;
    ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "");
    sqlite3_close(db);
  }

  // Audit entries 6 and 7, written in one transaction.
  void AddTwoPersonsInOneTransaction() {
    store_ = Reopen();
    ASSERT_TRUE(store_->Transaction([&]() -> Status {
      DOSSIER_RETURN_IF_ERROR(StatusOf(store_->Create(MakePerson("p-3", "박영철", "s-1"))));
      return StatusOf(store_->Create(MakePerson("p-4", "최순희", "s-1")));
    }).ok());
  }

  std::string FirstProblem() {
    store_ = Reopen();
    auto v = store_->Verify();
    EXPECT_TRUE(v.ok());
    EXPECT_FALSE(v->ok()) << "tampering went unnoticed";
    return v->problems.empty() ? "" : v->problems.front();
  }
};

TEST_F(VerifyTest, AlteredEntryIsNamed) {
  Tamper("UPDATE audit SET actor = 'someone-else' WHERE seq = 3");
  EXPECT_EQ(FirstProblem(), "audit entry 3 was altered: its content does not match its hash");
}

TEST_F(VerifyTest, RemovedEntryIsNamed) {
  Tamper("DELETE FROM audit WHERE seq = 2");
  EXPECT_EQ(FirstProblem(), "audit entry 2 is missing or out of order (found entry 3 next)");
}

TEST_F(VerifyTest, ReorderedEntriesAreNamed) {
  Tamper("UPDATE audit SET seq = 100 WHERE seq = 2; UPDATE audit SET seq = 2 WHERE seq = 3; "
         "UPDATE audit SET seq = 3 WHERE seq = 100");
  EXPECT_EQ(FirstProblem(), "audit entry 2 does not follow entry 1: the chain was reordered or cut");
}

TEST_F(VerifyTest, RecomputedHashWithoutTheSigningKeyIsCaught) {
  // An intruder who rewrites the hash still cannot sign it.
  Tamper("UPDATE audit SET hash = zeroblob(32) WHERE seq = 5");
  EXPECT_NE(FirstProblem().find("audit entry 5"), std::string::npos);
}

TEST_F(VerifyTest, RowEditedBehindTheApplicationsBackIsNamed) {
  Tamper("UPDATE persons SET data = json_set(data, '$.sex', 'male') WHERE id = 'p-2'");
  EXPECT_EQ(FirstProblem(), "person 'p-2' differs from its last audited state: it was edited behind the application's back");
}

TEST_F(VerifyTest, SealedValueSwappedBetweenRowsIsCaught) {
  Tamper("UPDATE persons SET names = (SELECT names FROM persons WHERE id = 'p-1') WHERE id = 'p-2'");
  EXPECT_NE(FirstProblem().find("person 'p-2' differs"), std::string::npos);
  EXPECT_EQ(store_->GetPerson("p-2").error().code, ErrorCode::kCorrupt);
}

TEST_F(VerifyTest, RowsAddedOrDeletedBehindTheApplicationsBackAreNamed) {
  Tamper("DELETE FROM incidents WHERE id = 'i-1'");
  EXPECT_EQ(FirstProblem(), "incident 'i-1' is in the audit trail but missing from the database: it was deleted "
                            "behind the application's back");
  store_.reset();
  Tamper("INSERT INTO sources(id, data) VALUES ('s-evil', '{}')");
  store_ = Reopen();
  auto v = store_->Verify();
  ASSERT_TRUE(v.ok());
  bool named = false;
  for (const auto& p : v->problems) named = named || p.find("source 's-evil' exists but the audit trail never") != std::string::npos;
  EXPECT_TRUE(named);
}

// A transaction signs only its last entry, which vouches for the others through the hash chain.
TEST_F(VerifyTest, OneSignatureCoversEveryEntryOfItsTransaction) {
  AddTwoPersonsInOneTransaction();  // audit entries 6 and 7; only 7 is signed
  auto v = store_->Verify();
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->ok()) << (v->problems.empty() ? "" : v->problems.front());
  EXPECT_EQ(v->entries, 7);
  store_.reset();
  // Without the transaction's signature, neither of its entries is vouched for.
  Tamper("UPDATE audit SET signature = X'' WHERE seq = 7");
  EXPECT_EQ(FirstProblem(), "audit entries 6 to 7 are not covered by a signature: the chain was cut or its last "
                            "signature removed");
}

TEST_F(VerifyTest, AnUnsignedEntryAlteredInsideATransactionIsNamed) {
  AddTwoPersonsInOneTransaction();  // audit entries 6 and 7; only 7 is signed
  store_.reset();
  Tamper("UPDATE audit SET actor = 'someone-else' WHERE seq = 6");
  EXPECT_EQ(FirstProblem(), "audit entry 6 was altered: its content does not match its hash");
}

}  // namespace
}  // namespace dossier::testing
