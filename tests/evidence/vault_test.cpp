// The evidence vault with a real SQLite database: files stream in and out encrypted, are named by
// their SHA-256, are checked by VerifyVault, and land all or nothing.
#include <gtest/gtest.h>
#include <sodium.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <random>

#include <fmt/format.h>

#include "../store/store_fixture.h"
#include "evidence/evidence.h"
#include "evidence/vault.h"

namespace dossier::testing {
namespace {

namespace fs = std::filesystem;
using evidence::Intake;

std::string Sha256Hex(const std::string& bytes) {
  uint8_t out[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(out, reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  return crypto::ToHex(out);
}

std::string RandomBytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng() & 0xff);
  return s;
}

std::span<const uint8_t> Span(const std::string& s) { return {reinterpret_cast<const uint8_t*>(s.data()), s.size()}; }

class VaultTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    ASSERT_TRUE(store_->Create(MakeSource("src-a")).ok());
  }

  EvidenceItem Meta(const std::string& source = "src-a") {
    EvidenceItem m;
    m.source_id = source;
    m.filename = "interview-kim.mp3";
    m.media_type = "audio/mpeg";
    m.method = "interview_recording";
    m.acquired_at = "2012-02-20";
    m.acquired_by = "Field worker Park";
    m.acquired_from = "Recorder SN 4471, Yanji";
    return m;
  }

  // Stores `bytes`, written in slices of `slice` bytes.
  Result<EvidenceItem> Add(const std::string& bytes, EvidenceItem meta, size_t slice = 4096) {
    DOSSIER_ASSIGN_OR_RETURN(Intake intake, Intake::Begin(*store_, std::move(meta)));
    for (size_t i = 0; i < bytes.size(); i += slice) {
      DOSSIER_RETURN_IF_ERROR(intake.Write(Span(bytes).subspan(i, std::min(slice, bytes.size() - i))));
    }
    return intake.Commit(*store_);
  }

  std::string ReadBack(const std::string& sha, size_t piece = 1000) {
    auto reader = evidence::OpenEvidence(*store_, sha);
    EXPECT_TRUE(reader.ok()) << reader.error().message;
    if (!reader.ok()) return "";
    std::string out;
    std::vector<uint8_t> buf(piece);
    while (true) {
      auto n = reader->Read(buf);
      EXPECT_TRUE(n.ok()) << n.error().message;
      if (!n.ok() || *n == 0) break;
      out.append(reinterpret_cast<const char*>(buf.data()), *n);
    }
    return out;
  }

  std::string VaultDir() { return *store_->EvidenceVaultPath(); }

  // Every file under the vault, temporary ones included.
  std::vector<std::string> FilesInVault() {
    std::vector<std::string> out;
    std::error_code ec;
    if (!fs::exists(VaultDir())) return out;
    for (const auto& e : fs::recursive_directory_iterator(VaultDir(), ec)) {
      if (e.is_regular_file()) out.push_back(e.path().string());
    }
    return out;
  }
};

TEST_F(VaultTest, ASmallFileComesBackByteForByteAndIsNamedByItsSha256) {
  const std::string bytes = "RIFF....a short recording of a testimony";
  auto item = Add(bytes, Meta());
  ASSERT_TRUE(item.ok()) << item.error().message;
  EXPECT_EQ(item->sha256, Sha256Hex(bytes));
  EXPECT_EQ(item->size, static_cast<int64_t>(bytes.size()));
  EXPECT_EQ(item->filename, "interview-kim.mp3");
  EXPECT_EQ(item->acquired_by, "Field worker Park");
  EXPECT_EQ(item->added_by, "tester");
  EXPECT_EQ(ReadBack(item->sha256), bytes);
  EXPECT_EQ(VaultDir(), DbPath() + ".vault");
  const std::string path = VaultDir() + "/" + item->sha256.substr(0, 2) + "/" + item->sha256.substr(2);
  ASSERT_TRUE(fs::exists(path));
  // Neither the vault file nor the database holds the bytes or the sealed metadata in clear.
  const std::string stored = ReadFileBytes(path);
  EXPECT_EQ(stored.find("testimony"), std::string::npos);
  store_.reset();
  for (const char* suffix : {"", "-wal"}) {
    const std::string db = ReadFileBytes(DbPath() + suffix);
    EXPECT_EQ(db.find("Field worker Park"), std::string::npos);
    EXPECT_EQ(db.find("interview-kim"), std::string::npos);
    EXPECT_EQ(db.find("Recorder SN 4471"), std::string::npos);
  }
  store_ = Reopen();
  EXPECT_EQ(ReadBack(item->sha256), bytes);
  auto verify = store_->Verify();
  ASSERT_TRUE(verify.ok());
  EXPECT_TRUE(verify->ok()) << verify->problems.front();
}

TEST_F(VaultTest, AFileOfManyChunksComesBackWhateverTheSlicesItWasWrittenAndReadIn) {
  const std::vector<std::pair<size_t, size_t>> sizes_and_slices = {{evidence::kChunkSize * 3 + 123, 977},
                                                                   {evidence::kChunkSize * 2, 100000},
                                                                   {evidence::kChunkSize - 1, evidence::kChunkSize},
                                                                   {1, 1}};
  for (const auto& [size, slice] : sizes_and_slices) {
    SCOPED_TRACE(fmt::format("size {} slice {}", size, slice));
    const std::string bytes = RandomBytes(size, static_cast<uint32_t>(size));
    auto item = Add(bytes, Meta(), slice);
    ASSERT_TRUE(item.ok()) << item.error().message;
    EXPECT_EQ(item->sha256, Sha256Hex(bytes));
    EXPECT_EQ(ReadBack(item->sha256, 4093), bytes);
    EXPECT_EQ(ReadBack(item->sha256, evidence::kChunkSize * 2), bytes);
    // The same bytes again are a conflict, and change nothing.
    auto again = Add(bytes, Meta(), 4096);
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.error().code, ErrorCode::kConflict) << again.error().message;
  }
  auto report = evidence::VerifyVault(*store_);
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok()) << report->problems.front();
  EXPECT_EQ(report->items, 4);
}

TEST_F(VaultTest, AFlippedByteInAVaultFileIsReportedByVerify) {
  auto a = Add(RandomBytes(200000, 1), Meta());
  auto b = Add(RandomBytes(5000, 2), Meta());
  ASSERT_TRUE(a.ok() && b.ok());
  auto clean = evidence::VerifyVault(*store_);
  ASSERT_TRUE(clean.ok());
  EXPECT_TRUE(clean->ok());
  EXPECT_EQ(clean->bytes, 205000);
  const std::string path = VaultDir() + "/" + a->sha256.substr(0, 2) + "/" + a->sha256.substr(2);
  {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(100000);
    char c = 0;
    f.read(&c, 1);
    f.seekp(100000);
    c = static_cast<char>(c ^ 0x01);
    f.write(&c, 1);
  }
  auto report = evidence::VerifyVault(*store_);
  ASSERT_TRUE(report.ok());
  ASSERT_EQ(report->problems.size(), 1u);
  EXPECT_NE(report->problems[0].find(a->sha256), std::string::npos) << report->problems[0];
  EXPECT_NE(report->problems[0].find("fails authentication"), std::string::npos) << report->problems[0];
  EXPECT_EQ(ReadBack(b->sha256), RandomBytes(5000, 2));
}

TEST_F(VaultTest, AMissingOrUnrecordedVaultFileIsReportedByVerify) {
  auto a = Add("first file", Meta());
  ASSERT_TRUE(a.ok());
  const std::string path = VaultDir() + "/" + a->sha256.substr(0, 2) + "/" + a->sha256.substr(2);
  fs::rename(path, VaultDir() + "/" + a->sha256.substr(0, 2) + "/" + std::string(62, 'f'));
  auto report = evidence::VerifyVault(*store_);
  ASSERT_TRUE(report.ok());
  ASSERT_EQ(report->problems.size(), 2u);
  EXPECT_NE(report->problems[0].find("missing"), std::string::npos) << report->problems[0];
  EXPECT_NE(report->problems[1].find("does not record"), std::string::npos) << report->problems[1];
}

TEST_F(VaultTest, AnEmptyFileIsRefusedAndLeavesNothing) {
  auto item = Add("", Meta());
  ASSERT_FALSE(item.ok());
  EXPECT_EQ(item.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(item.error().message.find("empty"), std::string::npos);
  EXPECT_TRUE(FilesInVault().empty());
  EXPECT_EQ(store_->ListEvidence("", 10, 0)->total, 0u);
}

TEST_F(VaultTest, AnUploadAbandonedHalfWayLeavesNothing) {
  {
    auto intake = Intake::Begin(*store_, Meta());
    ASSERT_TRUE(intake.ok());
    ASSERT_TRUE(intake->Write(Span(RandomBytes(150000, 3))).ok());
    EXPECT_EQ(FilesInVault().size(), 1u);  // the temporary file
  }
  EXPECT_TRUE(FilesInVault().empty());
  EXPECT_EQ(store_->ListEvidence("", 10, 0)->total, 0u);
}

TEST_F(VaultTest, WrongSourceOrMetadataIsRefusedBeforeAnyByteNamingTheField) {
  auto unknown = Intake::Begin(*store_, Meta("src-nowhere"));
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
  EXPECT_NE(unknown.error().message.find("source_id"), std::string::npos);
  struct Case {
    std::function<void(EvidenceItem&)> change;
    const char* field;
  };
  const std::vector<Case> cases = {
      {[](EvidenceItem& m) { m.method = "stolen"; }, "method"},
      {[](EvidenceItem& m) { m.media_type = "audio/MPEG; x"; }, "media_type"},
      {[](EvidenceItem& m) { m.acquired_at = "last winter"; }, "acquired_at"},
      {[](EvidenceItem& m) { m.filename = "../../etc/passwd"; }, "filename"},
      {[](EvidenceItem& m) { m.derivation = "redacted"; }, "derived_from"},
      {[](EvidenceItem& m) { m.derived_from = std::string(64, 'a'); m.derivation = "improved"; }, "derivation"},
  };
  for (const auto& c : cases) {
    EvidenceItem m = Meta();
    c.change(m);
    auto r = Intake::Begin(*store_, m);
    ASSERT_FALSE(r.ok()) << c.field;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << r.error().message;
    EXPECT_NE(r.error().message.find(fmt::format("field '{}'", c.field)), std::string::npos) << r.error().message;
  }
  EXPECT_TRUE(FilesInVault().empty());
}

TEST_F(VaultTest, AWorkingCopyIsANewFileLinkedToItsOriginalAndLoggedInItsCustody) {
  auto original = Add("original audio bytes", Meta());
  ASSERT_TRUE(original.ok());
  EvidenceItem m = Meta();
  m.filename = "interview-kim-redacted.mp3";
  m.derived_from = original->sha256;
  m.derivation = "redacted";
  auto copy = Add("original audio ----- (redacted)", m);
  ASSERT_TRUE(copy.ok()) << copy.error().message;
  EXPECT_EQ(copy->derived_from, original->sha256);
  EXPECT_EQ(copy->derivation, "redacted");
  EXPECT_EQ(ReadBack(original->sha256), "original audio bytes");
  auto log = store_->CustodyLog(original->sha256);
  ASSERT_TRUE(log.ok());
  ASSERT_EQ(log->size(), 2u);
  EXPECT_EQ((*log)[0].action, "acquire");
  EXPECT_EQ((*log)[1].action, "evidence_copy");
  EXPECT_NE((*log)[1].changes.find(copy->sha256), std::string::npos);
  EXPECT_EQ(store_->CustodyLog(copy->sha256)->at(0).action, "derive");
  // Accesses, exports and transfers are custody entries too, checked by Verify like any audit entry.
  ASSERT_TRUE(store_->RecordCustody(original->sha256, "evidence_transfer", "handed to OHCHR Seoul").ok());
  EXPECT_EQ(store_->CustodyLog(original->sha256)->back().action, "evidence_transfer");
  auto verify = store_->Verify();
  ASSERT_TRUE(verify.ok());
  EXPECT_TRUE(verify->ok()) << verify->problems.front();
}

TEST_F(VaultTest, ASourceWithEvidenceCannotBeDeleted) {
  ASSERT_TRUE(Add("kept", Meta()).ok());
  EXPECT_FALSE(store_->Delete(RecordKind::kSource, "src-a").ok());
  EXPECT_TRUE(store_->Exists(RecordKind::kSource, "src-a"));
}

TEST_F(VaultTest, EditingAnEvidenceRowBehindTheApplicationsBackFailsVerify) {
  auto item = Add("bytes", Meta());
  ASSERT_TRUE(item.ok());
  store_.reset();
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(DbPath().c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "UPDATE evidence SET data = json_set(data, '$.method', 'scan')", nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
  }
  store_ = Reopen();
  auto verify = store_->Verify();
  ASSERT_TRUE(verify.ok());
  ASSERT_FALSE(verify->ok());
  EXPECT_NE(verify->problems.front().find(item->sha256), std::string::npos) << verify->problems.front();
}

}  // namespace
}  // namespace dossier::testing
