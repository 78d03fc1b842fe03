// Evidence packages: written from a real database, checked with nothing but the archive, and
// refused after any change to a file, the manifest, the signature or the list of entries.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

#include <nlohmann/json.hpp>

#include "../store/store_fixture.h"
#include "evidence/evidence.h"
#include "evidence/package.h"
#include "evidence/tar.h"

namespace dossier::testing {
namespace {

std::span<const uint8_t> Span(const std::string& s) { return {reinterpret_cast<const uint8_t*>(s.data()), s.size()}; }

class PackageTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    ASSERT_TRUE(store_->Create(MakeSource("src-a")).ok());
    audio_ = std::string(150000, 'a') + "end of the recording";
    photo_ = "JFIF photograph of a detention centre gate";
    a_ = Add(audio_, "testimony.mp3");
    p_ = Add(photo_, "gate.jpg");
    pkg_ = dir_.File("package.tar");
    auto summary = evidence::WritePackage(*store_, {a_, p_}, pkg_, "for the OHCHR Seoul office");
    ASSERT_TRUE(summary.ok()) << summary.error().message;
    EXPECT_EQ(summary->files, 2);
    EXPECT_EQ(summary->key_fingerprint.size(), 64u);
  }

  std::string Add(const std::string& bytes, const std::string& filename) {
    EvidenceItem m;
    m.source_id = "src-a";
    m.filename = filename;
    m.media_type = evidence::GuessMediaType(filename);
    m.method = "upload";
    auto intake = evidence::Intake::Begin(*store_, m);
    EXPECT_TRUE(intake.ok());
    EXPECT_TRUE(intake->Write(Span(bytes)).ok());
    auto item = intake->Commit(*store_);
    EXPECT_TRUE(item.ok()) << item.error().message;
    return item.ok() ? item->sha256 : "";
  }

  // Every entry of the package: name and content.
  std::vector<std::pair<std::string, std::string>> Entries(const std::string& path) {
    std::vector<std::pair<std::string, std::string>> out;
    int fd = ::open(path.c_str(), O_RDONLY);
    evidence::TarReader tar(fd);
    std::vector<uint8_t> buf(4096);
    while (true) {
      auto e = tar.Next();
      EXPECT_TRUE(e.ok());
      if (!e.ok() || !*e) break;
      std::string content;
      while (true) {
        auto n = tar.Read(buf);
        if (!n.ok() || *n == 0) break;
        content.append(reinterpret_cast<const char*>(buf.data()), *n);
      }
      out.emplace_back((*e)->name, content);
    }
    ::close(fd);
    return out;
  }

  // Writes the entries as a new archive with our own tar writer.
  void Rewrite(const std::vector<std::pair<std::string, std::string>>& entries) {
    std::filesystem::remove(pkg_);
    int fd = ::open(pkg_.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
    evidence::TarWriter tar(fd);
    for (const auto& [name, content] : entries) {
      ASSERT_TRUE(tar.BeginFile(name, content.size(), 0).ok());
      ASSERT_TRUE(tar.Write(Span(content)).ok());
      ASSERT_TRUE(tar.EndFile().ok());
    }
    ASSERT_TRUE(tar.Finish().ok());
    ::close(fd);
  }

  // Finds `needle` in the package's bytes after `from` and replaces its first byte.
  void Patch(const std::string& needle, char replacement, const std::string& after = "") {
    std::string bytes = ReadFileBytes(pkg_);
    size_t start = after.empty() ? 0 : bytes.find(after);
    ASSERT_NE(start, std::string::npos);
    size_t at = bytes.find(needle, start);
    ASSERT_NE(at, std::string::npos) << needle;
    ASSERT_NE(bytes[at], replacement);
    bytes[at] = replacement;
    std::ofstream(pkg_, std::ios::binary | std::ios::trunc) << bytes;
  }

  evidence::PackageReport Verify() {
    auto report = evidence::VerifyPackage(pkg_);
    EXPECT_TRUE(report.ok()) << report.error().message;
    return report.ok() ? *report : evidence::PackageReport{0, 0, "", {"unreadable"}};
  }

  std::string audio_, photo_, a_, p_, pkg_;
};

TEST_F(PackageTest, AFreshPackageVerifiesWithoutTheDatabase) {
  store_.reset();
  std::filesystem::remove_all(DbPath() + ".vault");
  std::filesystem::remove(DbPath());
  auto report = Verify();
  EXPECT_TRUE(report.ok()) << report.problems.front();
  EXPECT_EQ(report.files, 2);
  EXPECT_EQ(report.bytes, static_cast<int64_t>(audio_.size() + photo_.size()));
}

TEST_F(PackageTest, ItHoldsTheOriginalsTheSignedManifestAndTheCustodyLog) {
  auto entries = Entries(pkg_);
  std::map<std::string, std::string> by_name(entries.begin(), entries.end());
  ASSERT_EQ(by_name.size(), 6u);
  EXPECT_EQ(by_name["files/" + a_], audio_);
  EXPECT_EQ(by_name["files/" + p_], photo_);
  auto manifest = nlohmann::json::parse(by_name["manifest.json"]);
  EXPECT_EQ(manifest["format"], "dossier-evidence-package/1");
  EXPECT_EQ(manifest["note"], "for the OHCHR Seoul office");
  ASSERT_EQ(manifest["items"].size(), 2u);
  EXPECT_EQ(manifest["items"][0]["sha256"], a_);
  EXPECT_EQ(manifest["items"][0]["filename"], "testimony.mp3");
  EXPECT_EQ(manifest["items"][1]["media_type"], "image/jpeg");
  auto custody = nlohmann::json::parse(by_name["custody.json"]);
  EXPECT_EQ(custody["items"][a_][0]["action"], "acquire");
  EXPECT_EQ(by_name["signing-key.pub"], crypto::ToHex(store_->keyring().signing_public_key()) + "\n");
  // The export itself is in each item's chain of custody.
  EXPECT_EQ(store_->CustodyLog(a_)->back().action, "evidence_export");
  EXPECT_NE(store_->CustodyLog(p_)->back().changes.find("OHCHR"), std::string::npos);
  auto verify = store_->Verify();
  ASSERT_TRUE(verify.ok());
  EXPECT_TRUE(verify->ok());
}

TEST_F(PackageTest, AChangedByteInAFileFailsVerification) {
  Patch("end of the recording", 'E');
  auto report = Verify();
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.problems.front().find("files/" + a_), std::string::npos) << report.problems.front();
  EXPECT_NE(report.problems.front().find("altered"), std::string::npos);
}

TEST_F(PackageTest, AChangedManifestFailsVerification) {
  Patch("OHCHR", 'X', "\"format\"");
  auto report = Verify();
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.problems.front().find("signature"), std::string::npos) << report.problems.front();
}

TEST_F(PackageTest, AChangedSignatureFailsVerification) {
  auto entries = Entries(pkg_);
  for (auto& [name, content] : entries) {
    if (name == "manifest.sig") content[10] = content[10] == '0' ? '1' : '0';
  }
  Rewrite(entries);
  auto report = Verify();
  ASSERT_EQ(report.problems.size(), 1u);
  EXPECT_NE(report.problems.front().find("signature"), std::string::npos) << report.problems.front();
}

TEST_F(PackageTest, AManifestSignedWithAnotherKeyFailsVerification) {
  auto entries = Entries(pkg_);
  uint8_t pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
  crypto_sign_keypair(pk, sk);
  for (auto& [name, content] : entries) {
    if (name == "signing-key.pub") content = crypto::ToHex(pk) + "\n";
  }
  Rewrite(entries);
  EXPECT_FALSE(Verify().ok());
}

TEST_F(PackageTest, AMissingFileFailsVerification) {
  auto entries = Entries(pkg_);
  std::erase_if(entries, [&](const auto& e) { return e.first == "files/" + p_; });
  Rewrite(entries);
  auto report = Verify();
  ASSERT_EQ(report.problems.size(), 1u);
  EXPECT_NE(report.problems.front().find("missing"), std::string::npos) << report.problems.front();
}

TEST_F(PackageTest, AnExtraFileFailsVerification) {
  auto entries = Entries(pkg_);
  entries.emplace_back("files/planted.txt", "added later");
  Rewrite(entries);
  auto report = Verify();
  ASSERT_EQ(report.problems.size(), 1u);
  EXPECT_NE(report.problems.front().find("files/planted.txt"), std::string::npos) << report.problems.front();
}

TEST_F(PackageTest, ACutShortPackageIsRefused) {
  std::filesystem::resize_file(pkg_, std::filesystem::file_size(pkg_) - 2000);
  auto report = evidence::VerifyPackage(pkg_);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.error().code, ErrorCode::kCorrupt);
}

TEST_F(PackageTest, AnExistingFileIsNotOverwrittenAndAnUnknownItemWritesNothing) {
  auto again = evidence::WritePackage(*store_, {a_}, pkg_, "");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  auto unknown = evidence::WritePackage(*store_, {std::string(64, '0')}, dir_.File("other.tar"), "");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
  EXPECT_FALSE(std::filesystem::exists(dir_.File("other.tar")));
}

}  // namespace
}  // namespace dossier::testing
