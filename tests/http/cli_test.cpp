// The `dossier` binary: user add|list, verify (with tampering behind the application's back),
// and serve stopped by SIGTERM.
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "domain/codec.h"
#include "../support/run.h"
#include "http_fixture.h"

namespace dossier::testing {
namespace {

const std::string kDossier = DOSSIER_BINARY_DIR "/src/cli/dossier";


class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_.File("d.db");
    key_ = dir_.File("key");
    ASSERT_EQ(Run("init --db " + db_ + " --new-key-file " + key_).exit_code, 0);
  }

  RunResult Run(const std::string& args, const std::string& env = "") {
    return RunCommand(env + " DOSSIER_DATA_DIR=" DOSSIER_SOURCE_DIR "/data " + kDossier + " " + args, dir_.path());
  }
  std::string Db() const { return "--db " + db_ + " --key-file " + key_; }

  // Fills the database through the application: a source and three persons (audit entries 1-4).
  void Fill() {
    auto c = Catalog::Load(DOSSIER_SOURCE_DIR "/data");
    ASSERT_TRUE(c.ok());
    catalog_ = std::move(*c);
    auto s = OpenSqliteStore(db_, {crypto::KeySource::Kind::kKeyFile, key_, ""}, catalog_);
    ASSERT_TRUE(s.ok());
    auto src = SourceFromJson(SourceJson("src-1"), "t");
    ASSERT_TRUE((*s)->Create(*src).ok());
    for (const char* id : {"per-1", "per-2", "per-3"}) {
      auto p = PersonFromJson(PersonJson(id, "리설주", "src-1"), "t");
      ASSERT_TRUE((*s)->Create(*p).ok());
    }
  }

  // Runs SQL on the database file directly, behind the application's back.
  void Tamper(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(db_.c_str(), &db), SQLITE_OK);
    char* err = nullptr;
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "");
    sqlite3_free(err);
    sqlite3_close(db);
  }

  TempDir dir_;
  std::string db_, key_;
  Catalog catalog_;
};

TEST_F(CliTest, UserAddListAndTotpEnrolment) {
  RunResult add = Run("user add amina --role case_officer " + Db(), "DOSSIER_NEW_PASSWORD='a long password 1'");
  ASSERT_EQ(add.exit_code, 0) << add.err;
  RunResult totp = Run("user add bo --role viewer --totp " + Db(), "DOSSIER_NEW_PASSWORD='a long password 2'");
  ASSERT_EQ(totp.exit_code, 0) << totp.err;
  EXPECT_TRUE(std::regex_search(totp.out, std::regex("^otpauth://totp/Dossier:bo\\?secret=[A-Z2-7]{32}&issuer=Dossier")))
      << totp.out;
  EXPECT_EQ(Run("user add amina --role viewer " + Db(), "DOSSIER_NEW_PASSWORD='a long password 1'").exit_code, 4);
  EXPECT_EQ(Run("user add cy --role root " + Db(), "DOSSIER_NEW_PASSWORD='a long password 1'").exit_code, 2);
  EXPECT_EQ(Run("user add cy --role viewer " + Db(), "DOSSIER_NEW_PASSWORD=short").exit_code, 2);
  EXPECT_EQ(Run("user add cy --role viewer " + Db()).exit_code, 2);  // no password and no terminal
  RunResult list = Run("user list --json " + Db());
  ASSERT_EQ(list.exit_code, 0) << list.err;
  auto users = nlohmann::json::parse(list.out);
  ASSERT_EQ(users.size(), 2u);
  EXPECT_EQ(users[0], nlohmann::json::parse(R"({"name":"amina","role":"case_officer","disabled":false,"totp":false})"));
  EXPECT_EQ(users[1]["totp"], true);
  EXPECT_EQ(list.out.find("argon2"), std::string::npos);
  // Account changes are in the audit trail, and it verifies.
  RunResult verify = Run("verify " + Db());
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  EXPECT_NE(verify.out.find("intact: 2 audit entries"), std::string::npos) << verify.out;
}

TEST_F(CliTest, VerifyPassesOnAnUntouchedDatabase) {
  Fill();
  RunResult r = Run("verify --json " + Db());
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["ok"], true);
  EXPECT_EQ(j["entries"], 4);
  EXPECT_EQ(j["records"], 4);
}

TEST_F(CliTest, VerifyNamesARowEditedBehindTheApplicationsBack) {
  Fill();
  Tamper("UPDATE persons SET data = json_set(data, '$.sex', 'male') WHERE id = 'per-2'");
  RunResult r = Run("verify " + Db());
  EXPECT_EQ(r.exit_code, 6);
  EXPECT_NE(r.out.find("person 'per-2' differs from its last audited state"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("per-2"), std::string::npos) << r.err;
}

TEST_F(CliTest, VerifyNamesADeletedAuditEntry) {
  Fill();
  Tamper("DELETE FROM audit WHERE seq = 3");
  RunResult r = Run("verify " + Db());
  EXPECT_EQ(r.exit_code, 6);
  EXPECT_NE(r.out.find("audit entry 3 is missing or out of order"), std::string::npos) << r.out;
}

TEST_F(CliTest, VerifyNamesSwappedAuditEntries) {
  Fill();
  // Swap the contents of entries 2 and 3, keeping the sequence numbers in place.
  Tamper("UPDATE audit SET seq = -2 WHERE seq = 2; UPDATE audit SET seq = 2 WHERE seq = 3;"
         "UPDATE audit SET seq = 3 WHERE seq = -2;");
  RunResult r = Run("verify " + Db());
  EXPECT_EQ(r.exit_code, 6);
  EXPECT_NE(r.out.find("audit entry 2"), std::string::npos) << r.out;
}

TEST_F(CliTest, VerifyNamesAnAlteredAuditEntry) {
  Fill();
  Tamper("UPDATE audit SET actor = 'someone else' WHERE seq = 2");
  RunResult r = Run("verify " + Db());
  EXPECT_EQ(r.exit_code, 6);
  EXPECT_NE(r.out.find("audit entry 2 was altered"), std::string::npos) << r.out;
}

TEST_F(CliTest, VerifyWithTheWrongKeyFails) {
  Fill();
  ASSERT_EQ(Run("init --db " + dir_.File("other.db") + " --new-key-file " + dir_.File("other.key")).exit_code, 0);
  EXPECT_EQ(Run("verify --db " + db_ + " --key-file " + dir_.File("other.key")).exit_code, 5);
}

TEST_F(CliTest, ServeAnswersAndStopsCleanlyOnSigterm) {
  Fill();
  ASSERT_EQ(Run("user add amina --role documenter " + Db(), "DOSSIER_NEW_PASSWORD='a long password 1'").exit_code, 0);
  const std::string log = dir_.File("serve.log");
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    freopen(log.c_str(), "w", stderr);
    setenv("DOSSIER_DATA_DIR", DOSSIER_SOURCE_DIR "/data", 1);
    execl(kDossier.c_str(), "dossier", "serve", "--db", db_.c_str(), "--key-file", key_.c_str(), "--listen",
          "127.0.0.1:0", "--threads", "2", static_cast<char*>(nullptr));
    _exit(127);
  }
  // The port is in the log once the server listens.
  int port = 0;
  for (int i = 0; i < 600 && port == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::ifstream in(log);
    std::stringstream ss;
    ss << in.rdbuf();
    std::smatch m;
    const std::string text = ss.str();
    if (std::regex_search(text, m, std::regex("listening on http://127\\.0\\.0\\.1:([0-9]+)/"))) port = std::stoi(m[1]);
  }
  ASSERT_NE(port, 0) << "the server did not start";
  HttpConnection c(static_cast<uint16_t>(port));
  EXPECT_EQ(c.Request("GET", "/api/v1/health").status, 200);
  HttpReply login = c.Request("POST", "/api/v1/session", R"({"username":"amina","password":"a long password 1"})");
  EXPECT_EQ(login.status, 200);
  ASSERT_EQ(kill(pid, SIGTERM), 0);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  std::ifstream in(log);
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_NE(ss.str().find("\"route\":\"/api/v1/session\""), std::string::npos) << ss.str();
  EXPECT_EQ(ss.str().find("a long password"), std::string::npos);
  EXPECT_EQ(Run("verify " + Db()).exit_code, 0);
}

}  // namespace
}  // namespace dossier::testing
